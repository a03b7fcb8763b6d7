/*
 * fuzz_sig.c - the minisign signature file of a bundle (bundle_verify), over a
 * fixed data buffer with one fixed trusted key (fixture.h, made once by
 * mkcorpus.sh --keys with minisign).
 *
 * Checked: a signature that verifies names the trusted key in its trusted
 * comment, does not verify with no trusted key, and does not verify over other
 * data.
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "tests/fuzz/fixture.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t other[sizeof(fuzz_fixture_data) - 1];
	struct bundle_meta meta;
	char keyid[17];
	struct ctx c;
	int r;

	ctx_init(&c);
	r = bundle_verify(&c, (const uint8_t *)fuzz_fixture_data, sizeof(other), data, size,
	    &fuzz_fixture_key, 1, &meta);
	if (r != 0) {
		FUZZ_ASSERT(r < 0 && c.err[0] != '\0');
		return 0;
	}
	bundle_keyid_hex(fuzz_fixture_key.keynum, keyid);
	FUZZ_ASSERT(meta.format == BUNDLE_FORMAT);
	FUZZ_ASSERT(strcmp(meta.keyid, keyid) == 0);
	FUZZ_ASSERT(meta.expires > meta.created);
	fuzz_touch_str(meta.trusted_comment);

	ctx_init(&c);
	FUZZ_ASSERT(bundle_verify(&c, (const uint8_t *)fuzz_fixture_data, sizeof(other),
	    data, size, &fuzz_fixture_key, 0, &meta) != 0);
	memcpy(other, fuzz_fixture_data, sizeof(other));
	other[sizeof(other) / 2] ^= 1;
	ctx_init(&c);
	FUZZ_ASSERT(bundle_verify(&c, other, sizeof(other), data, size, &fuzz_fixture_key, 1,
	    &meta) == E_VERIFY);
	return 0;
}
