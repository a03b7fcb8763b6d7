/*
 * fixture.h - the fixed data, trusted key and signature of fuzz_sig and fuzz_pubkey.
 *
 * Written by tests/fuzz/mkcorpus.sh --keys (minisign 0.11, 2026-11-28): a
 * minisign key pair made for this and thrown away (its secret key is not kept),
 * the signatures in corpus/sig and the public keys in corpus/pubkey. Do not edit.
 */
#ifndef AIRLOCK_FUZZ_FIXTURE_H
#define AIRLOCK_FUZZ_FIXTURE_H

#include "bundles/bundle.h"

/* The signed bytes (the string without its NUL). */
static const char fuzz_fixture_data[] =
	"airlock fuzz fixture: every signature in tests/fuzz/corpus/sig signs this line\n";

/* Key E5C0DC05C71786E6: RWTmhhfHBdzA5cNMJnp1q6T+1G3fY/p8OsX0SpkLRrZdYvpey7uYuVx3 */
static const struct bundle_pubkey fuzz_fixture_key = {
	{ 0xe6, 0x86, 0x17, 0xc7, 0x05, 0xdc, 0xc0, 0xe5 },
	{ 0xc3, 0x4c, 0x26, 0x7a, 0x75, 0xab, 0xa4, 0xfe,
		0xd4, 0x6d, 0xdf, 0x63, 0xfa, 0x7c, 0x3a, 0xc5,
		0xf4, 0x4a, 0x99, 0x0b, 0x46, 0xb6, 0x5d, 0x62,
		0xfa, 0x5e, 0xcb, 0xbb, 0x98, 0xb9, 0x5c, 0x77 },
};

/* corpus/sig/airlock.minisig */
static const char fuzz_fixture_sig[] =
	"untrusted comment: signature from minisign secret key\n"
	"RUTmhhfHBdzA5R7F1gGPxNu/NDN9aiUDHL/wXcA5BkywrT23o9HY77uN5vzO1JgmrB288Twg4yAmj0nHAQXz/zYp3BdEOriOcg0=\n"
	"trusted comment: airlock-bundle=1 serial=1 created=2026-11-28T11:49:55Z expires=2026-12-28T11:49:55Z keyid=E5C0DC05C71786E6\n"
	"8oghScclxiMjtE7u1oPnU9lYsEn9GxTgeY2tHAHHFVjADGB62wag4vBsCvWA52Oj7Ir6TxmtQZTfMUY7qnF/Dw==\n";

#endif
