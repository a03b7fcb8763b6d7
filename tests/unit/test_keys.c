#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/ctx.h"
#include "base/file.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/sign.h"
#include "test.h"

/* A public key made by minisign 0.11 (`minisign -G -W`), and its key id as
 * minisign printed it in the comment. */
#define MS_PUB "untrusted comment: minisign public key 301BEBB295DFAD1A\n" \
	"RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n"

static int
parse_str(struct ctx *c, const char *s, struct bundle_pubkey *pk)
{
	return bundle_pubkey_parse(c, (const uint8_t *)s, strlen(s), pk);
}

static int
write_str(const char *path, const char *s)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	fputs(s, f);
	return fclose(f);
}

DEFINE_TEST(test_keys_pubkey_minisign)
{
	struct bundle_pubkey pk;
	struct ctx c;
	char hex[17];

	ctx_init(&c);
	ASSERT_OK(&c, parse_str(&c, MS_PUB, &pk));
	bundle_keyid_hex(pk.keynum, hex);
	ASSERT_STR_EQ(hex, "301BEBB295DFAD1A");
	/* stored little-endian: the first byte is the id's low byte */
	ASSERT_INT_EQ(pk.keynum[0], 0x1a);
	ASSERT_INT_EQ(pk.keynum[7], 0x30);
	ASSERT_INT_EQ(pk.pk[0], 0xe0);
	ASSERT_INT_EQ(pk.pk[31], 0x6e);
	/* the final newline is optional, as for minisign */
	ASSERT_OK(&c, parse_str(&c, "untrusted comment: x\n"
	    "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu", &pk));
}

DEFINE_TEST(test_keys_pubkey_rejects)
{
	static const struct {
		const char *text;
		int code;
	} bad[] = {
		{ "", E_FORMAT },
		{ "untrusted comment: x\n", E_FORMAT },
		{ "comment: x\nRWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n",
		  E_FORMAT },
		/* trailing data, blank line, second key */
		{ MS_PUB "\n", E_FORMAT },
		{ MS_PUB "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n",
		  E_FORMAT },
		/* CRLF, whitespace, one byte short, one byte long */
		{ "untrusted comment: x\r\n"
		  "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\r\n", E_FORMAT },
		{ "untrusted comment: x\n"
		  " RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n", E_FORMAT },
		{ "untrusted comment: x\n"
		  "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJSg==\n", E_FORMAT },
		{ "untrusted comment: x\n"
		  "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxuAA==\n", E_FORMAT },
		/* algorithm "ED" is a signature tag, not a key one */
		{ "untrusted comment: x\n"
		  "RUQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n", E_UNSUPPORTED },
	};
	struct bundle_pubkey pk;
	struct ctx c;
	size_t i;
	uint8_t nul[] = "untrusted comment: x\0\n"
	    "RWQard+VsusbMOASDi98SfiQVASCbqn+C2g4calHLBkkd+0ZpSvJShxu\n";

	ctx_init(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_str(&c, bad[i].text, &pk) != bad[i].code) {
			test_fail(t, __FILE__, __LINE__, "case %zu: got %s (%s)", i,
			    ctx_code_name(parse_str(&c, bad[i].text, &pk)), c.err);
			return;
		}
	}
	ASSERT_INT_EQ(bundle_pubkey_parse(&c, nul, sizeof(nul) - 1, &pk), E_FORMAT);
}

DEFINE_TEST(test_keys_keygen_roundtrip)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct stat st;
	struct ctx c;
	uint8_t *text;
	size_t len;
	char hex[17], want[80];

	ctx_init(&c);
	ASSERT_OK(&c, bundle_keygen(&c, "k.pub", "k.sec", NULL, 0));
	ASSERT(stat("k.sec", &st) == 0);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	ASSERT_OK(&c, bundle_pubkey_load(&c, "k.pub", &pk));
	bundle_keyid_hex(pk.keynum, hex);
	text = test_slurp("k.pub", &len);
	snprintf(want, sizeof(want), "untrusted comment: minisign public key %s\n", hex);
	ASSERT(strncmp((char *)text, want, strlen(want)) == 0);
	free(text);
	text = test_slurp("k.sec", &len);
	ASSERT(strncmp((char *)text, "untrusted comment: minisign encrypted secret key\n",
	    49) == 0);
	free(text);

	ASSERT_OK(&c, bundle_seckey_load(&c, "k.sec", NULL, &sk));
	ASSERT(memcmp(sk->keynum, pk.keynum, 8) == 0);
	ASSERT(memcmp(sk->sk + 32, pk.pk, 32) == 0);
	bundle_seckey_free(sk);

	/* no overwrite without force; the old pair stays */
	ASSERT_INT_EQ(bundle_keygen(&c, "k.pub", "other.sec", NULL, 0), E_USAGE);
	ASSERT(strstr(c.err, "k.pub") != NULL);
	ASSERT_INT_EQ(bundle_keygen(&c, "other.pub", "k.sec", NULL, 0), E_USAGE);
	ASSERT(access("other.sec", F_OK) != 0);
	ASSERT_OK(&c, bundle_keygen(&c, "k.pub", "k.sec", NULL, 1));
	ASSERT_OK(&c, bundle_pubkey_load(&c, "k.pub", &pk));
	bundle_keyid_hex(pk.keynum, want);
	ASSERT(strcmp(hex, want) != 0);
}

DEFINE_TEST(test_keys_seckey_encrypted)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	uint8_t bin[158], *text;
	struct ctx c;
	size_t len;
	char *nl;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_keygen_kdf(&c, "e.pub", "e.sec", "correct horse", 0,
	    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN));
	text = test_slurp("e.sec", &len);
	nl = strchr((char *)text, '\n');
	ASSERT(nl != NULL);
	ASSERT(bundle_b64_decode(nl + 1, strcspn(nl + 1, "\n"), bin, sizeof(bin)) == 0);
	free(text);
	ASSERT(memcmp(bin, "EdScB2", 6) == 0);
	ASSERT_INT_EQ(bundle_le64(bin + 38), crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN);
	ASSERT_INT_EQ(bundle_le64(bin + 46), crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN);
	ASSERT_OK(&c, bundle_pubkey_load(&c, "e.pub", &pk));
	/* the key id is encrypted too */
	ASSERT(memcmp(bin + 54, pk.keynum, 8) != 0);

	ASSERT_OK(&c, bundle_seckey_load(&c, "e.sec", "correct horse", &sk));
	ASSERT(memcmp(sk->keynum, pk.keynum, 8) == 0);
	ASSERT(memcmp(sk->sk + 32, pk.pk, 32) == 0);
	bundle_seckey_free(sk);
	sk = NULL;

	ASSERT_INT_EQ(bundle_seckey_load(&c, "e.sec", "correct horsf", &sk), E_VERIFY);
	ASSERT(strstr(c.err, "wrong passphrase or corrupt key") != NULL);
	ASSERT(sk == NULL);
	ASSERT_INT_EQ(bundle_seckey_load(&c, "e.sec", NULL, &sk), E_USAGE);
	ASSERT_INT_EQ(bundle_keygen(&c, "x.pub", "x.sec", "", 0), E_USAGE);
}

DEFINE_TEST(test_keys_seckey_rejects)
{
	struct bundle_seckey *sk = NULL;
	uint8_t *text, bin[158];
	char enc[256], file[400];
	struct ctx c;
	size_t len, i;
	char *nl;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_keygen(&c, "k.pub", "k.sec", NULL, 0));
	text = test_slurp("k.sec", &len);
	nl = strchr((char *)text, '\n');
	ASSERT(bundle_b64_decode(nl + 1, strcspn(nl + 1, "\n"), bin, sizeof(bin)) == 0);
	free(text);
	/* every byte of the unencrypted key is covered: tags by their checks,
	 * keynum/sk/chk by the checksum and the seed check; salt and KDF limits
	 * are unused without a KDF */
	for (i = 0; i < sizeof(bin); i++) {
		if (i >= 6 && i < 54)
			continue;
		bin[i] ^= 0x01;
		sodium_bin2base64(enc, sizeof(enc), bin, sizeof(bin),
		    sodium_base64_VARIANT_ORIGINAL);
		snprintf(file, sizeof(file), "untrusted comment: k\n%s\n", enc);
		ASSERT(write_str("bad.sec", file) == 0);
		if (bundle_seckey_load(&c, "bad.sec", NULL, &sk) == 0) {
			test_fail(t, __FILE__, __LINE__, "flip of byte %zu accepted", i);
			return;
		}
		bin[i] ^= 0x01;
	}
	sodium_bin2base64(enc, sizeof(enc), bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
	snprintf(file, sizeof(file), "untrusted comment: k\n%s\n", enc);
	ASSERT(write_str("good.sec", file) == 0);
	ASSERT_OK(&c, bundle_seckey_load(&c, "good.sec", NULL, &sk));
	bundle_seckey_free(sk);
	sk = NULL;
	snprintf(file, sizeof(file), "untrusted comment: k\n%s\n\n", enc);
	ASSERT(write_str("trail.sec", file) == 0);
	ASSERT_INT_EQ(bundle_seckey_load(&c, "trail.sec", NULL, &sk), E_FORMAT);
	ASSERT_INT_EQ(bundle_seckey_load(&c, "missing.sec", NULL, &sk), E_IO);
}

/* A key pair made by the real minisign (-W: its checksum is left zero) loads,
 * and minisign accepts what we sign with it. */
DEFINE_TEST(test_keys_minisign_seckey_interop)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m;
	struct ctx c;

	ctx_init(&c);
	ASSERT_INT_EQ(system("minisign -G -W -p ms.pub -s ms.sec >/dev/null 2>&1"), 0);
	ASSERT_OK(&c, bundle_pubkey_load(&c, "ms.pub", &pk));
	ASSERT_OK(&c, bundle_seckey_load(&c, "ms.sec", NULL, &sk));
	ASSERT(memcmp(sk->keynum, pk.keynum, 8) == 0);
	ASSERT(write_str("data.bin", "signed by a minisign key\n") == 0);
	ASSERT_OK(&c, bundle_meta_defaults(&c, 7, 30, &m));
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "data.bin", &m));
	bundle_seckey_free(sk);
	ASSERT_INT_EQ(system("minisign -Vm data.bin -p ms.pub -q"), 0);
}

/* Encrypted keys both ways: minisign decrypts ours (it reads the passphrase
 * from a non-terminal stdin), and we decrypt one minisign made with its default
 * scrypt cost (1 GiB: this test takes seconds). */
DEFINE_TEST(test_keys_minisign_encrypted_interop)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_keygen_kdf(&c, "e.pub", "e.sec", "pass phrase", 0,
	    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN));
	ASSERT(write_str("f", "payload\n") == 0);
	ASSERT_INT_EQ(system("echo 'pass phrase' | minisign -S -s e.sec -m f >/dev/null 2>&1"),
	    0);
	ASSERT_INT_EQ(system("minisign -Vm f -p e.pub -q"), 0);
	ASSERT(system("echo 'wrong' | minisign -S -s e.sec -m f >/dev/null 2>&1") != 0);

	ASSERT_INT_EQ(system("printf 'pw one\\npw one\\n' | "
	    "minisign -G -p m.pub -s m.sec >/dev/null 2>&1"), 0);
	ASSERT_OK(&c, bundle_pubkey_load(&c, "m.pub", &pk));
	ASSERT_OK(&c, bundle_seckey_load(&c, "m.sec", "pw one", &sk));
	ASSERT(memcmp(sk->keynum, pk.keynum, 8) == 0);
	ASSERT(memcmp(sk->sk + 32, pk.pk, 32) == 0);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_keys_dir)
{
	struct bundle_pubkey *keys = NULL;
	struct ctx c;
	size_t n = 0;
	char a[17], b[17];

	ctx_init(&c);
	ASSERT(mkdir("keys", 0755) == 0);
	ASSERT(mkdir("empty", 0755) == 0);
	ASSERT_OK(&c, bundle_keygen(&c, "keys/b.pub", "b.sec", NULL, 0));
	ASSERT_OK(&c, bundle_keygen(&c, "keys/a.pub", "a.sec", NULL, 0));
	ASSERT(write_str("keys/README", "not a key") == 0);
	ASSERT(write_str("keys/.hidden.pub", "not a key") == 0);
	ASSERT_OK(&c, bundle_keygen(&c, "solo.pub", "solo.sec", NULL, 0));

	ASSERT_OK(&c, bundle_keys_load(&c, NULL, "keys", &keys, &n));
	ASSERT_INT_EQ(n, 2);
	free(keys);
	ASSERT_OK(&c, bundle_keys_load(&c, "solo.pub", "keys", &keys, &n));
	ASSERT_INT_EQ(n, 3);
	bundle_keyid_hex(keys[1].keynum, a);	/* a.pub sorts before b.pub */
	free(keys);
	ASSERT_OK(&c, bundle_keys_load(&c, "keys/a.pub", NULL, &keys, &n));
	ASSERT_INT_EQ(n, 1);
	bundle_keyid_hex(keys[0].keynum, b);
	ASSERT_STR_EQ(a, b);
	free(keys);

	/* the environment names the default directory */
	setenv("AIRLOCK_KEYS", "keys", 1);
	ASSERT_OK(&c, bundle_keys_load(&c, NULL, NULL, &keys, &n));
	unsetenv("AIRLOCK_KEYS");
	ASSERT_INT_EQ(n, 2);
	free(keys);

	ASSERT_INT_EQ(bundle_keys_load(&c, NULL, "empty", &keys, &n), E_NOTFOUND);
	ASSERT(keys == NULL && n == 0);
	ASSERT_INT_EQ(bundle_keys_load(&c, NULL, "nowhere", &keys, &n), E_IO);
	/* one broken key file fails the whole directory, naming the file */
	ASSERT(write_str("keys/c.pub", "untrusted comment: x\nRWQ=\n") == 0);
	ASSERT_INT_EQ(bundle_keys_load(&c, NULL, "keys", &keys, &n), E_FORMAT);
	ASSERT(strstr(c.err, "keys/c.pub") != NULL);
}

DEFINE_TEST(test_keys_time)
{
	static const char *bad[] = {
		"2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"1969-12-31T23:59:59Z", "2024-13-01T00:00:00Z", "2024-00-10T00:00:00Z",
		"2024-01-00T00:00:00Z", "2024-01-01T24:00:00Z", "2024-01-01T23:60:00Z",
		"2024-01-01T23:59:60Z", "2024-01-01 00:00:00Z", "2024-01-01T00:00:00",
		"2024-01-01T00:00:00+00:00", "2024-1-01T00:00:00Z", "+024-01-01T00:00:00Z",
		"2024-01-01T00:00:0aZ", "",
	};
	char out[BUNDLE_TIME_LEN + 1];
	struct tm tm;
	int64_t v, x;
	size_t i;

	ASSERT_INT_EQ(bundle_time_parse("1970-01-01T00:00:00Z", 20, &v), 0);
	ASSERT_INT_EQ(v, 0);
	ASSERT_INT_EQ(bundle_time_parse("2024-01-01T00:00:00Z", 20, &v), 0);
	ASSERT_INT_EQ(v, 1704067200);
	ASSERT_INT_EQ(bundle_time_parse("2000-02-29T12:34:56Z", 20, &v), 0);
	ASSERT_INT_EQ(v, 951827696);
	ASSERT_INT_EQ(bundle_time_parse("9999-12-31T23:59:59Z", 20, &v), 0);
	ASSERT_INT_EQ(v, 253402300799LL);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (bundle_time_parse(bad[i], strlen(bad[i]), &v) != E_FORMAT) {
			test_fail(t, __FILE__, __LINE__, "accepted '%s'", bad[i]);
			return;
		}
	}
	/* against the C library over a spread of days and times of day */
	for (x = 0; x < 253402300799LL; x += 86399 * 37 + 12345) {
		time_t tt = (time_t)x;

		bundle_time_format(x, out);
		ASSERT(gmtime_r(&tt, &tm) != NULL);
		ASSERT_INT_EQ(strtol(out, NULL, 10), tm.tm_year + 1900);
		ASSERT_INT_EQ(strtol(out + 5, NULL, 10), tm.tm_mon + 1);
		ASSERT_INT_EQ(strtol(out + 8, NULL, 10), tm.tm_mday);
		ASSERT_INT_EQ(strtol(out + 11, NULL, 10), tm.tm_hour);
		ASSERT_INT_EQ(bundle_time_parse(out, strlen(out), &v), 0);
		ASSERT_INT_EQ(v, x);
	}
	bundle_time_format(-5, out);
	ASSERT_STR_EQ(out, "1970-01-01T00:00:00Z");
}

DEFINE_TEST(test_keys_comment)
{
	static const struct {
		const char *text;
		int code;
	} bad[] = {
		{ "", E_FORMAT },
		{ "airlock-bundle=2 serial=1", E_UNSUPPORTED },
		{ "airlock-bundle=0 serial=1", E_UNSUPPORTED },
		{ "airlock-bundle=01 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=01 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=18446744073709551616 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=-1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1  serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 created=2024-01-01T00:00:00Z serial=1 "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-02-30T00:00:00Z "
		  "expires=2024-03-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-31T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301bebb295dfad1a", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A ", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A extra=1", E_FORMAT },
		{ "airlock-bundle=1 serial=1 created=2024-01-01T00:00:00Z "
		  "expires=2024-01-31T00:00:00Z", E_FORMAT },
		{ "timestamp:1700000000\tfile:x.db.zst\thashed", E_FORMAT },
	};
	struct bundle_meta m, back;
	char buf[BUNDLE_COMMENT_MAX + 1];
	struct ctx c;
	size_t i;

	ctx_init(&c);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = bundle_comment_parse(&c, bad[i].text, &m);

		if (r != bad[i].code) {
			test_fail(t, __FILE__, __LINE__, "case %zu: got %s (%s)", i,
			    ctx_code_name(r), c.err);
			return;
		}
	}
	ASSERT_OK(&c, bundle_comment_parse(&c, "airlock-bundle=1 serial=18446744073709551615 "
	    "created=2024-01-01T00:00:00Z expires=2024-01-31T00:00:00Z keyid=301BEBB295DFAD1A",
	    &m));
	ASSERT(m.serial == UINT64_MAX);
	ASSERT_INT_EQ(m.format, 1);
	ASSERT_INT_EQ(m.created, 1704067200);
	ASSERT_INT_EQ(m.expires, 1704067200 + 30 * 86400);
	ASSERT_STR_EQ(m.keyid, "301BEBB295DFAD1A");

	memset(&m, 0, sizeof(m));
	m.format = 1;
	m.serial = 20240101000000ULL;
	m.created = 1704067200;
	m.expires = 1704067200 + 86400;
	strcpy(m.keyid, "00000000000000FF");
	bundle_comment_format(&m, buf, sizeof(buf));
	ASSERT_STR_EQ(buf, "airlock-bundle=1 serial=20240101000000 created=2024-01-01T00:00:00Z "
	    "expires=2024-01-02T00:00:00Z keyid=00000000000000FF");
	ASSERT_OK(&c, bundle_comment_parse(&c, buf, &back));
	ASSERT(back.serial == m.serial && back.created == m.created &&
	    back.expires == m.expires);
	ASSERT_STR_EQ(back.trusted_comment, buf);

	memset(buf, 'a', sizeof(buf));
	buf[BUNDLE_COMMENT_MAX] = '\0';
	ASSERT_INT_EQ(bundle_comment_parse(&c, buf, &m), E_FORMAT);
	{
		char big[BUNDLE_COMMENT_MAX + 2];

		memset(big, 'a', sizeof(big));
		big[BUNDLE_COMMENT_MAX + 1] = '\0';
		ASSERT_INT_EQ(bundle_comment_parse(&c, big, &m), E_LIMIT);
	}
}

DEFINE_TEST(test_keys_meta_defaults)
{
	struct bundle_meta m;
	struct ctx c;

	ctx_init(&c);
	setenv("SOURCE_DATE_EPOCH", "1704103445", 1);	/* 2024-01-01T10:04:05Z */
	ASSERT_OK(&c, bundle_meta_defaults(&c, 0, 30, &m));
	ASSERT(m.serial == 20240101100405ULL);
	ASSERT_INT_EQ(m.created, 1704103445);
	ASSERT_INT_EQ(m.expires, 1704103445 + 30 * 86400);
	ASSERT_INT_EQ(m.format, 1);
	ASSERT_OK(&c, bundle_meta_defaults(&c, 42, 1, &m));
	ASSERT(m.serial == 42);
	ASSERT_INT_EQ(bundle_meta_defaults(&c, 0, 0, &m), E_USAGE);
	ASSERT_INT_EQ(bundle_meta_defaults(&c, 0, BUNDLE_EXPIRES_DAYS_MAX + 1, &m), E_USAGE);
	setenv("SOURCE_DATE_EPOCH", "17041034x5", 1);
	ASSERT_INT_EQ(bundle_meta_defaults(&c, 0, 30, &m), E_USAGE);
	setenv("SOURCE_DATE_EPOCH", "999999999999999", 1);	/* past 9999 */
	ASSERT_INT_EQ(bundle_meta_defaults(&c, 0, 30, &m), E_USAGE);
	unsetenv("SOURCE_DATE_EPOCH");
	ASSERT_OK(&c, bundle_meta_defaults(&c, 0, 30, &m));
	ASSERT(m.created > 1704103445);
}

DEFINE_TEST(test_keys_passphrase)
{
	char *p = NULL;
	struct ctx c;
	int fds[2];

	ctx_init(&c);
	ASSERT(pipe(fds) == 0);
	ASSERT(write(fds[1], "s3cret pass\nnext line\n", 22) == 22);
	close(fds[1]);
	ASSERT_OK(&c, bundle_passphrase_read(&c, fds[0], &p));
	ASSERT_STR_EQ(p, "s3cret pass");
	bundle_passphrase_free(p);
	close(fds[0]);

	ASSERT(pipe(fds) == 0);
	close(fds[1]);
	ASSERT_INT_EQ(bundle_passphrase_read(&c, fds[0], &p), E_USAGE);	/* empty */
	close(fds[0]);

	unsetenv("AIRLOCK_PASSPHRASE");
	ASSERT_OK(&c, bundle_passphrase_read(&c, -1, &p));
	ASSERT(p == NULL);
	setenv("AIRLOCK_PASSPHRASE", "from env", 1);
	ASSERT_OK(&c, bundle_passphrase_read(&c, -1, &p));
	unsetenv("AIRLOCK_PASSPHRASE");
	ASSERT_STR_EQ(p, "from env");
	bundle_passphrase_free(p);
}
