#include "config.h"

#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <zstd.h>

#include "base/ctx.h"
#include "base/file.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/sign.h"
#include "bundles/zst.h"
#include "test.h"

#define NOW_2024 1704067200	/* 2024-01-01T00:00:00Z */

/* An unencrypted key pair in the cwd: NAME.pub / NAME.sec. */
static int
make_key(struct ctx *c, const char *name, struct bundle_pubkey *pk, struct bundle_seckey **sk)
{
	char pub[64], sec[64];
	int r;

	snprintf(pub, sizeof(pub), "%s.pub", name);
	snprintf(sec, sizeof(sec), "%s.sec", name);
	if ((r = bundle_keygen(c, pub, sec, NULL, 0)) != 0 ||
	    (r = bundle_pubkey_load(c, pub, pk)) != 0)
		return r;
	return sk ? bundle_seckey_load(c, sec, NULL, sk) : 0;
}

static void
meta_at(struct bundle_meta *m, uint64_t serial, int64_t created, int days)
{
	memset(m, 0, sizeof(*m));
	m->format = 1;
	m->serial = serial;
	m->created = created;
	m->expires = created + (int64_t)days * 86400;
}

/* Signs data with meta's comment (keyid from the key) into *sig. */
static int
sign_meta(struct ctx *c, const struct bundle_seckey *sk, const uint8_t *data, size_t len,
    const struct bundle_meta *meta, char **sig)
{
	struct bundle_meta m = *meta;
	char comment[BUNDLE_COMMENT_MAX + 1];

	bundle_keyid_hex(sk->keynum, m.keyid);
	bundle_comment_format(&m, comment, sizeof(comment));
	return bundle_sign(c, sk, data, len, comment, sig);
}

static int
verify_str(struct ctx *c, const uint8_t *data, size_t len, const char *sig,
    const struct bundle_pubkey *keys, size_t nkeys, struct bundle_meta *m)
{
	return bundle_verify(c, data, len, (const uint8_t *)sig, strlen(sig), keys, nkeys, m);
}

static int
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL)
		return -1;
	if (len > 0 && fwrite(data, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

/* Splits a signature file into its four lines (pointers into the copy). */
struct sig_lines {
	char buf[BUNDLE_SIG_MAX + 1];
	char *line[4];
};

static int
split_sig(const char *sig, struct sig_lines *s)
{
	char *p;
	int i;

	snprintf(s->buf, sizeof(s->buf), "%s", sig);
	p = s->buf;
	for (i = 0; i < 4; i++) {
		s->line[i] = p;
		if ((p = strchr(p, '\n')) == NULL)
			return -1;
		*p++ = '\0';
	}
	return *p == '\0' ? 0 : -1;
}

static void
join_sig(const struct sig_lines *s, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s\n%s\n%s\n%s\n", s->line[0], s->line[1], s->line[2], s->line[3]);
}

static const uint8_t DATA[] = "the bundle bytes: 0123456789 abcdefghijklmnopqrstuvwxyz\n";

DEFINE_TEST(test_bundle_sign_verify_roundtrip)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m, got;
	struct sig_lines s;
	struct ctx c;
	char *sig = NULL, hex[17];

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 20240101000000ULL, NOW_2024, 30);
	ASSERT_OK(&c, sign_meta(&c, sk, DATA, sizeof(DATA) - 1, &m, &sig));
	ASSERT_OK(&c, verify_str(&c, DATA, sizeof(DATA) - 1, sig, &pk, 1, &got));
	bundle_keyid_hex(pk.keynum, hex);
	ASSERT(got.serial == 20240101000000ULL);
	ASSERT_INT_EQ(got.created, NOW_2024);
	ASSERT_INT_EQ(got.expires, NOW_2024 + 30 * 86400);
	ASSERT_STR_EQ(got.keyid, hex);
	ASSERT_INT_EQ(got.format, 1);

	/* the file is minisign's four lines, prehashed alg "ED" */
	ASSERT(split_sig(sig, &s) == 0);
	ASSERT(strncmp(s.line[0], "untrusted comment: ", 19) == 0);
	ASSERT_INT_EQ(strlen(s.line[1]), 100);
	ASSERT(strncmp(s.line[1], "RU", 2) == 0);	/* base64 of "ED" + ... */
	ASSERT_STR_EQ(s.line[2] + 17, got.trusted_comment);
	ASSERT_INT_EQ(strlen(s.line[3]), 88);

	/* deterministic: Ed25519 over the same bytes and comment */
	{
		char *again = NULL;

		ASSERT_OK(&c, sign_meta(&c, sk, DATA, sizeof(DATA) - 1, &m, &again));
		ASSERT_STR_EQ(again, sig);
		free(again);
	}
	/* an empty message is signable too */
	free(sig);
	ASSERT_OK(&c, sign_meta(&c, sk, (const uint8_t *)"", 0, &m, &sig));
	ASSERT_OK(&c, verify_str(&c, (const uint8_t *)"", 0, sig, &pk, 1, &got));
	free(sig);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_bundle_flip_every_byte)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m, got;
	uint8_t data[sizeof(DATA)], bin[74], gsig[64];
	char file[BUNDLE_SIG_MAX + 1], enc[128], *sig = NULL;
	struct sig_lines s, mod;
	struct ctx c;
	size_t i, len = sizeof(DATA) - 1;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 5, NOW_2024, 30);
	ASSERT_OK(&c, sign_meta(&c, sk, DATA, len, &m, &sig));
	memcpy(data, DATA, sizeof(data));

	/* every byte of the signed data, every bit position over the run */
	for (i = 0; i < len; i++) {
		data[i] ^= (uint8_t)(1u << (i % 8));
		r = verify_str(&c, data, len, sig, &pk, 1, &got);
		data[i] = DATA[i];
		if (r != E_VERIFY) {
			test_fail(t, __FILE__, __LINE__, "data byte %zu: %s", i, ctx_code_name(r));
			return;
		}
	}
	/* every byte of the decoded signature (alg, key id, signature) */
	ASSERT(split_sig(sig, &s) == 0);
	ASSERT(bundle_b64_decode(s.line[1], strlen(s.line[1]), bin, sizeof(bin)) == 0);
	for (i = 0; i < sizeof(bin); i++) {
		mod = s;
		mod.line[1] = enc;
		bin[i] ^= 0x20;
		sodium_bin2base64(enc, sizeof(enc), bin, sizeof(bin),
		    sodium_base64_VARIANT_ORIGINAL);
		bin[i] ^= 0x20;
		join_sig(&mod, file, sizeof(file));
		if (verify_str(&c, DATA, len, file, &pk, 1, &got) == 0) {
			test_fail(t, __FILE__, __LINE__, "signature byte %zu flip accepted", i);
			return;
		}
	}
	/* every byte of the global signature */
	ASSERT(bundle_b64_decode(s.line[3], strlen(s.line[3]), gsig, sizeof(gsig)) == 0);
	for (i = 0; i < sizeof(gsig); i++) {
		mod = s;
		mod.line[3] = enc;
		gsig[i] ^= 0x01;
		sodium_bin2base64(enc, sizeof(enc), gsig, sizeof(gsig),
		    sodium_base64_VARIANT_ORIGINAL);
		gsig[i] ^= 0x01;
		join_sig(&mod, file, sizeof(file));
		r = verify_str(&c, DATA, len, file, &pk, 1, &got);
		if (r != E_VERIFY) {
			test_fail(t, __FILE__, __LINE__, "global byte %zu: %s", i, ctx_code_name(r));
			return;
		}
	}
	/* every byte of the trusted comment text */
	for (i = 17; s.line[2][i] != '\0'; i++) {
		char tc[BUNDLE_COMMENT_MAX + 32];

		snprintf(tc, sizeof(tc), "%s", s.line[2]);
		tc[i] ^= 0x01;
		mod = s;
		mod.line[2] = tc;
		join_sig(&mod, file, sizeof(file));
		if (verify_str(&c, DATA, len, file, &pk, 1, &got) == 0) {
			test_fail(t, __FILE__, __LINE__, "comment byte %zu flip accepted", i);
			return;
		}
	}
	/* the untrusted comment is not signed: changing it changes nothing */
	mod = s;
	mod.line[0] = "untrusted comment: anything at all";
	join_sig(&mod, file, sizeof(file));
	ASSERT_OK(&c, verify_str(&c, DATA, len, file, &pk, 1, &got));
	free(sig);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_bundle_sig_truncated_extended)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m, got;
	char file[BUNDLE_SIG_MAX + 64], *sig = NULL;
	struct ctx c;
	size_t i, len = sizeof(DATA) - 1, slen;
	static const char *tails[] = { "\n", " ", "x", "\nmore\n", "\r\n" };

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 5, NOW_2024, 30);
	ASSERT_OK(&c, sign_meta(&c, sk, DATA, len, &m, &sig));
	slen = strlen(sig);
	/* every proper prefix fails, except the one that drops only the final
	 * newline (minisign does not require it either) */
	for (i = 0; i < slen; i++) {
		int r = bundle_verify(&c, DATA, len, (const uint8_t *)sig, i, &pk, 1, &got);

		if (i == slen - 1) {
			ASSERT_OK(&c, r);
			continue;
		}
		if (r == 0) {
			test_fail(t, __FILE__, __LINE__, "prefix of %zu bytes accepted", i);
			return;
		}
	}
	for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(file, sizeof(file), "%s%s", sig, tails[i]);
		ASSERT_INT_EQ(verify_str(&c, DATA, len, file, &pk, 1, &got), E_FORMAT);
	}
	/* non-canonical base64: 74 bytes leave two spare bits before the '=' */
	{
		struct sig_lines s;
		char *last;

		ASSERT(split_sig(sig, &s) == 0);
		last = s.line[1] + strlen(s.line[1]) - 2;
		ASSERT(last[1] == '=');
		static const char b64[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		size_t v = (size_t)(strchr(b64, *last) - b64);

		ASSERT((v & 3) == 0);		/* canonical: the spare bits are zero */
		*last = b64[v | 1];		/* same bytes, one spare bit set */
		join_sig(&s, file, sizeof(file));
		ASSERT_INT_EQ(verify_str(&c, DATA, len, file, &pk, 1, &got), E_FORMAT);
	}
	/* CRLF line ends are not minisign's */
	{
		struct sig_lines s;

		ASSERT(split_sig(sig, &s) == 0);
		snprintf(file, sizeof(file), "%s\r\n%s\r\n%s\r\n%s\r\n", s.line[0], s.line[1],
		    s.line[2], s.line[3]);
		ASSERT(verify_str(&c, DATA, len, file, &pk, 1, &got) != 0);
	}
	/* over the size cap */
	{
		static char huge[BUNDLE_SIG_MAX + 2];

		memset(huge, 'A', sizeof(huge) - 1);
		ASSERT_INT_EQ(verify_str(&c, DATA, len, huge, &pk, 1, &got), E_LIMIT);
	}
	free(sig);
	bundle_seckey_free(sk);
}

/* The decoded signature with its algorithm tag replaced. */
static void
with_alg(const char *sig, const char *alg, char *out, size_t outlen)
{
	struct sig_lines s;
	uint8_t bin[74];
	char enc[128];

	split_sig(sig, &s);
	bundle_b64_decode(s.line[1], strlen(s.line[1]), bin, sizeof(bin));
	memcpy(bin, alg, 2);
	sodium_bin2base64(enc, sizeof(enc), bin, sizeof(bin), sodium_base64_VARIANT_ORIGINAL);
	s.line[1] = enc;
	join_sig(&s, out, outlen);
}

DEFINE_TEST(test_bundle_alg_and_trust)
{
	struct bundle_seckey *sk = NULL, *other_sk = NULL;
	struct bundle_pubkey pk, other, both[2];
	struct bundle_meta m, got;
	char file[BUNDLE_SIG_MAX + 1], *sig = NULL, hex[17], *bad = NULL, comment[256];
	struct ctx c;
	size_t len = sizeof(DATA) - 1;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, make_key(&c, "other", &other, &other_sk));
	meta_at(&m, 5, NOW_2024, 30);
	ASSERT_OK(&c, sign_meta(&c, sk, DATA, len, &m, &sig));

	with_alg(sig, "Ed", file, sizeof(file));
	ASSERT_INT_EQ(verify_str(&c, DATA, len, file, &pk, 1, &got), E_VERIFY);
	ASSERT(strstr(c.err, "legacy") != NULL);
	with_alg(sig, "EE", file, sizeof(file));
	ASSERT_INT_EQ(verify_str(&c, DATA, len, file, &pk, 1, &got), E_FORMAT);
	ASSERT(strstr(c.err, "algorithm") != NULL);

	/* signed by a key that is not among the trusted ones */
	bundle_keyid_hex(pk.keynum, hex);
	ASSERT_INT_EQ(verify_str(&c, DATA, len, sig, &other, 1, &got), E_VERIFY);
	ASSERT(strstr(c.err, hex) != NULL && strstr(c.err, "not a trusted key") != NULL);
	ASSERT_INT_EQ(verify_str(&c, DATA, len, sig, NULL, 0, &got), E_VERIFY);
	both[0] = other;
	both[1] = pk;
	ASSERT_OK(&c, verify_str(&c, DATA, len, sig, both, 2, &got));
	/* same key id, different key: the signature check catches it */
	memcpy(other.keynum, pk.keynum, 8);
	ASSERT_INT_EQ(verify_str(&c, DATA, len, sig, &other, 1, &got), E_VERIFY);

	/* a validly signed comment that names another key id */
	snprintf(comment, sizeof(comment), "airlock-bundle=1 serial=5 "
	    "created=2024-01-01T00:00:00Z expires=2024-01-31T00:00:00Z keyid=%s",
	    strcmp(hex, "0000000000000001") ? "0000000000000001" : "0000000000000002");
	ASSERT_OK(&c, bundle_sign(&c, sk, DATA, len, comment, &bad));
	ASSERT_INT_EQ(verify_str(&c, DATA, len, bad, &pk, 1, &got), E_VERIFY);
	ASSERT(strstr(c.err, "names key") != NULL);
	free(bad);
	/* a validly signed comment in a future format */
	ASSERT_OK(&c, bundle_sign(&c, sk, DATA, len, "airlock-bundle=2 whatever", &bad));
	ASSERT_INT_EQ(verify_str(&c, DATA, len, bad, &pk, 1, &got), E_UNSUPPORTED);
	free(bad);
	/* unprintable trusted comments are refused on both sides */
	ASSERT_INT_EQ(bundle_sign(&c, sk, DATA, len, "bell\a", &bad), E_USAGE);

	free(sig);
	bundle_seckey_free(sk);
	bundle_seckey_free(other_sk);
}

DEFINE_TEST(test_bundle_tampered_comment)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m, got;
	char file[BUNDLE_SIG_MAX + 1], *sig = NULL, *p;
	struct ctx c;
	size_t len = sizeof(DATA) - 1;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 5, NOW_2024, 30);
	ASSERT_OK(&c, sign_meta(&c, sk, DATA, len, &m, &sig));
	/* roll the expiry forward a year */
	snprintf(file, sizeof(file), "%s", sig);
	ASSERT((p = strstr(file, "expires=2024")) != NULL);
	p[11] = '5';
	ASSERT_INT_EQ(verify_str(&c, DATA, len, file, &pk, 1, &got), E_VERIFY);
	ASSERT(strstr(c.err, "trusted comment signature") != NULL);
	ASSERT(got.serial == 0 && got.expires == 0);	/* nothing leaks on failure */
	free(sig);
	bundle_seckey_free(sk);
}

/* The real minisign accepts our signatures, and we accept its own. */
DEFINE_TEST(test_bundle_minisign_interop)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk, mspk;
	struct bundle_meta m, got;
	uint8_t *data, *sig;
	size_t dlen, slen;
	char cmd[512], hex[17], comment[256];
	struct ctx c;

	ctx_init(&c);
	ASSERT_INT_EQ(system("minisign -v >/dev/null 2>&1"), 0);	/* must be installed */
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT(write_file("b.db.zst", DATA, sizeof(DATA) - 1) == 0);
	meta_at(&m, 77, NOW_2024, 30);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(system("minisign -Vm b.db.zst -p k.pub -q"), 0);
	ASSERT_INT_EQ(system("minisign -V -H -m b.db.zst -p k.pub -q"), 0);	/* prehashed */
	ASSERT(write_file("b.db.zst", "x", 1) == 0);
	ASSERT(system("minisign -Vm b.db.zst -p k.pub -q 2>/dev/null") != 0);
	bundle_seckey_free(sk);

	/* minisign -G -W / -S with our trusted comment verifies here */
	ASSERT_INT_EQ(system("minisign -G -W -p ms.pub -s ms.sec >/dev/null"), 0);
	ASSERT_OK(&c, bundle_pubkey_load(&c, "ms.pub", &mspk));
	bundle_keyid_hex(mspk.keynum, hex);
	snprintf(comment, sizeof(comment), "airlock-bundle=1 serial=20240101000000 "
	    "created=2024-01-01T00:00:00Z expires=2024-01-31T00:00:00Z keyid=%s", hex);
	ASSERT(write_file("ms.db.zst", DATA, sizeof(DATA) - 1) == 0);
	snprintf(cmd, sizeof(cmd), "minisign -S -s ms.sec -m ms.db.zst -t '%s' >/dev/null",
	    comment);
	ASSERT_INT_EQ(system(cmd), 0);
	data = test_slurp("ms.db.zst", &dlen);
	sig = test_slurp("ms.db.zst.minisig", &slen);
	ASSERT_OK(&c, bundle_verify(&c, data, dlen, sig, slen, &mspk, 1, &got));
	ASSERT(got.serial == 20240101000000ULL);
	ASSERT_STR_EQ(got.keyid, hex);
	ASSERT_STR_EQ(got.trusted_comment, comment);
	ASSERT_INT_EQ(bundle_verify(&c, data, dlen, sig, slen, &pk, 1, &got), E_VERIFY);
	free(sig);

	/* minisign's legacy (-l, non-prehashed) signatures are refused */
	snprintf(cmd, sizeof(cmd), "minisign -S -l -s ms.sec -m ms.db.zst -t '%s' >/dev/null",
	    comment);
	ASSERT_INT_EQ(system(cmd), 0);
	sig = test_slurp("ms.db.zst.minisig", &slen);
	ASSERT_INT_EQ(bundle_verify(&c, data, dlen, sig, slen, &mspk, 1, &got), E_VERIFY);
	ASSERT(strstr(c.err, "legacy") != NULL);
	free(sig);
	/* minisign's default trusted comment is not ours */
	ASSERT_INT_EQ(system("minisign -S -s ms.sec -m ms.db.zst >/dev/null"), 0);
	sig = test_slurp("ms.db.zst.minisig", &slen);
	ASSERT_INT_EQ(bundle_verify(&c, data, dlen, sig, slen, &mspk, 1, &got), E_FORMAT);
	free(sig);
	free(data);
}

/* --- bundle_open ---------------------------------------------------------- */

/* A small bundle database as write.c lays out the meta table. */
static int
make_db(const char *path, const char *format_version, const char *serial)
{
	char sql[1024];
	sqlite3 *db = NULL;
	int rc;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	snprintf(sql, sizeof(sql),
	    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	    "INSERT INTO meta VALUES ('format_version', '%s'), ('serial', '%s'),"
	    " ('created', '2024-01-01T00:00:00Z'), ('expires', '2024-01-31T00:00:00Z');"
	    "CREATE TABLE affected (vuln_id TEXT, package TEXT);"
	    "INSERT INTO affected VALUES ('CVE-2016-1585', 'apparmor');",
	    format_version, serial);
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

/* in -> zstd frame in memory, through zst_compress_file's output file. */
static int
compress_to_mem(struct ctx *c, const char *in, uint8_t **out, size_t *outlen)
{
	uint64_t len = 0;
	int r;

	*out = NULL;
	*outlen = 0;
	remove("mem.zst");
	if ((r = zst_compress_file(c, in, "mem.zst", &len)) != 0) {
		/* nothing written on failure */
		return access("mem.zst", F_OK) == 0 ? E_INTERNAL : r;
	}
	*out = test_slurp("mem.zst", outlen);
	return *out != NULL && *outlen == len ? 0 : E_INTERNAL;
}

/* b.db -> b.db.zst signed with meta (serial, created 2024-01-01, 30 days). */
static int
make_bundle(struct ctx *c, const struct bundle_seckey *sk, uint64_t serial, int64_t created)
{
	struct bundle_meta m;
	uint8_t *zst = NULL;
	size_t zlen = 0;
	int r;

	if ((r = compress_to_mem(c, "b.db", &zst, &zlen)) != 0)
		return r;
	if ((r = file_write_atomic(c, "b.db.zst", zst, zlen, 0644)) == 0) {
		meta_at(&m, serial, created, 30);
		r = bundle_sign_file(c, sk, "b.db.zst", &m);
	}
	free(zst);
	return r;
}

static int
count_rows(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

DEFINE_TEST(test_bundle_open_ok)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	const struct bundle_meta *m;
	struct bundle *b = NULL;
	struct ctx c;
	int v = -1;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT(make_db("b.db", "1", "20240101000000") == 0);
	ASSERT_OK(&c, make_bundle(&c, sk, 20240101000000ULL, NOW_2024));
	ASSERT_OK(&c, bundle_open(&c, "b.db.zst", &pk, 1, NOW_2024 + 3600, &b));
	m = bundle_get_meta(b);
	ASSERT(m->serial == 20240101000000ULL);
	ASSERT_INT_EQ(m->expires, NOW_2024 + 30 * 86400);
	ASSERT_INT_EQ(count_rows(b->db, "SELECT count(*) FROM affected"), 1);
	/* read-only, defensive, schema untrusted */
	ASSERT(sqlite3_exec(b->db, "INSERT INTO affected VALUES ('x', 'y')", NULL, NULL,
	    NULL) != SQLITE_OK);
	ASSERT(sqlite3_db_config(b->db, SQLITE_DBCONFIG_DEFENSIVE, -1, &v) == SQLITE_OK &&
	    v == 1);
	ASSERT(sqlite3_db_config(b->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1, &v) == SQLITE_OK &&
	    v == 0);
	bundle_close(b);
	bundle_close(NULL);
	/* minisign agrees the bundle is signed */
	ASSERT_INT_EQ(system("minisign -Vm b.db.zst -p k.pub -q"), 0);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_bundle_open_rejects)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk, other;
	struct bundle *b = NULL;
	uint8_t *zst;
	size_t zlen, i;
	struct ctx c;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, make_key(&c, "other", &other, NULL));
	ASSERT(make_db("b.db", "1", "9") == 0);
	ASSERT_OK(&c, make_bundle(&c, sk, 9, NOW_2024));

	/* untrusted key; missing signature */
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &other, 1, 0, &b), E_VERIFY);
	ASSERT(strncmp(c.err, "b.db.zst: signed by key ", 24) == 0);
	ASSERT_INT_EQ(bundle_open(&c, "nothing.db.zst", &pk, 1, 0, &b), E_IO);

	/* expired: E_STALE naming the date, unless the clock is not consulted */
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, NOW_2024 + 31 * 86400, &b), E_STALE);
	ASSERT(strstr(c.err, "2024-01-31T00:00:00Z") != NULL);
	ASSERT(b == NULL);
	ASSERT_OK(&c, bundle_open(&c, "b.db.zst", &pk, 1, NOW_2024 + 30 * 86400, &b));
	bundle_close(b);
	ASSERT_OK(&c, bundle_open(&c, "b.db.zst", &pk, 1, 0, &b));
	bundle_close(b);
	b = NULL;

	/* any flipped byte of the .zst: E_VERIFY, before zstd sees it */
	zst = test_slurp("b.db.zst", &zlen);
	for (i = 0; i < zlen; i++) {
		zst[i] ^= 0x04;
		ASSERT(write_file("b.db.zst", zst, zlen) == 0);
		zst[i] ^= 0x04;
		r = bundle_open(&c, "b.db.zst", &pk, 1, 0, &b);
		if (r != E_VERIFY) {
			test_fail(t, __FILE__, __LINE__, "zst byte %zu: %s (%s)", i,
			    ctx_code_name(r), c.err);
			return;
		}
	}
	/* truncated and extended */
	ASSERT(write_file("b.db.zst", zst, zlen - 1) == 0);
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_VERIFY);
	ASSERT(write_file("b.db.zst", zst, zlen) == 0);
	{
		FILE *f = fopen("b.db.zst", "ab");

		ASSERT(f != NULL);
		fputc(0, f);
		fclose(f);
	}
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_VERIFY);
	free(zst);

	/* signed, but the database's serial is not the signed one */
	ASSERT(remove("b.db") == 0);
	ASSERT(make_db("b.db", "1", "10") == 0);
	ASSERT_OK(&c, make_bundle(&c, sk, 9, NOW_2024));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_VERIFY);
	ASSERT(strstr(c.err, "serial") != NULL);
	ASSERT(remove("b.db") == 0);
	ASSERT(make_db("b.db", "2", "9") == 0);
	ASSERT_OK(&c, make_bundle(&c, sk, 9, NOW_2024));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_VERIFY);
	ASSERT(strstr(c.err, "format_version") != NULL);
	ASSERT(b == NULL);
	bundle_seckey_free(sk);
}

/* A database whose writer left it in WAL mode opens too (read-only image). */
DEFINE_TEST(test_bundle_open_wal_db)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle *b = NULL;
	sqlite3 *db = NULL;
	uint8_t *img;
	size_t len;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT(sqlite3_open("w.db", &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	ASSERT(make_db("w.db", "1", "9") == 0);
	img = test_slurp("w.db", &len);
	ASSERT(len > 20 && img[18] == 2 && img[19] == 2);
	ASSERT(rename("w.db", "b.db") == 0);
	free(img);
	ASSERT_OK(&c, make_bundle(&c, sk, 9, NOW_2024));
	ASSERT_OK(&c, bundle_open(&c, "b.db.zst", &pk, 1, 0, &b));
	ASSERT_INT_EQ(count_rows(b->db, "SELECT count(*) FROM affected"), 1);
	bundle_close(b);
	bundle_seckey_free(sk);
}

/* Signed content that is not a bundle: no crash, E_FORMAT. */
DEFINE_TEST(test_bundle_open_signed_garbage)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m;
	struct bundle *b = NULL;
	uint8_t *zst = NULL;
	size_t zlen = 0;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 9, NOW_2024, 30);

	/* not zstd at all */
	ASSERT(write_file("b.db.zst", "plain text", 10) == 0);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_FORMAT);
	/* empty */
	ASSERT(write_file("b.db.zst", "", 0) == 0);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_FORMAT);
	/* a truncated zstd frame */
	ASSERT(make_db("b.db", "1", "9") == 0);
	ASSERT_OK(&c, compress_to_mem(&c, "b.db", &zst, &zlen));
	ASSERT(write_file("b.db.zst", zst, zlen - 5) == 0);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_FORMAT);
	/* zstd of something that is not SQLite */
	ASSERT(write_file("x.txt", "not a database, just text\n", 26) == 0);
	free(zst);
	ASSERT_OK(&c, compress_to_mem(&c, "x.txt", &zst, &zlen));
	ASSERT(write_file("b.db.zst", zst, zlen) == 0);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_FORMAT);
	/* a database with a damaged page */
	{
		uint8_t *db;
		size_t dlen;

		db = test_slurp("b.db", &dlen);
		ASSERT(dlen >= 8192);
		memset(db + 4096 + 8, 0xff, 64);	/* page 2's cell pointers */
		ASSERT(write_file("bad.db", db, dlen) == 0);
		free(db);
		free(zst);
		ASSERT_OK(&c, compress_to_mem(&c, "bad.db", &zst, &zlen));
		ASSERT(write_file("b.db.zst", zst, zlen) == 0);
		ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
		ASSERT_INT_EQ(bundle_open(&c, "b.db.zst", &pk, 1, 0, &b), E_FORMAT);
	}
	ASSERT(b == NULL);
	free(zst);
	bundle_seckey_free(sk);
}

/* Decompression is capped: by the declared content size, and by counting when
 * the frame does not declare one. */
DEFINE_TEST(test_bundle_open_db_limit)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m;
	struct bundle *b = NULL;
	uint8_t *db, *zst;
	size_t dlen, zlen, cap;
	ZSTD_CCtx *cctx;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT(make_db("b.db", "1", "9") == 0);
	ASSERT_OK(&c, make_bundle(&c, sk, 9, NOW_2024));
	db = test_slurp("b.db", &dlen);
	ASSERT_INT_EQ(bundle_open_capped(&c, "b.db.zst", &pk, 1, 0, dlen - 1, &b), E_LIMIT);
	ASSERT(strstr(c.err, "BUNDLE_DB_MAX") != NULL);
	ASSERT_OK(&c, bundle_open_capped(&c, "b.db.zst", &pk, 1, 0, dlen, &b));
	bundle_close(b);
	b = NULL;

	/* no content size in the frame header: the output is counted */
	cctx = ZSTD_createCCtx();
	ASSERT(cctx != NULL);
	ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
	cap = ZSTD_compressBound(dlen);
	zst = malloc(cap);
	zlen = ZSTD_compress2(cctx, zst, cap, db, dlen);
	ZSTD_freeCCtx(cctx);
	ASSERT(!ZSTD_isError(zlen));
	ASSERT(ZSTD_getFrameContentSize(zst, zlen) == ZSTD_CONTENTSIZE_UNKNOWN);
	ASSERT(write_file("b.db.zst", zst, zlen) == 0);
	meta_at(&m, 9, NOW_2024, 30);
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "b.db.zst", &m));
	ASSERT_INT_EQ(bundle_open_capped(&c, "b.db.zst", &pk, 1, 0, dlen - 1, &b), E_LIMIT);
	ASSERT_INT_EQ(bundle_open_capped(&c, "b.db.zst", &pk, 1, 0, 100, &b), E_LIMIT);
	ASSERT_OK(&c, bundle_open_capped(&c, "b.db.zst", &pk, 1, 0, dlen, &b));
	ASSERT_INT_EQ(count_rows(b->db, "SELECT count(*) FROM meta"), 4);
	bundle_close(b);
	free(zst);
	free(db);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_bundle_zst_deterministic)
{
	uint8_t *a = NULL, *b = NULL, *db, *back;
	size_t alen = 0, blen = 0, dlen;
	struct ctx c;

	ctx_init(&c);
	ASSERT(make_db("b.db", "1", "9") == 0);
	ASSERT_OK(&c, compress_to_mem(&c, "b.db", &a, &alen));
	ASSERT_OK(&c, compress_to_mem(&c, "b.db", &b, &blen));
	ASSERT(alen == blen && memcmp(a, b, alen) == 0);
	db = test_slurp("b.db", &dlen);
	ASSERT(alen < dlen);
	ASSERT(ZSTD_getFrameContentSize(a, alen) == dlen);
	/* frame header descriptor (after the 4-byte magic): bit 2 = content checksum */
	ASSERT((a[4] & 0x04) != 0);
	back = malloc(dlen);
	ASSERT_INT_EQ(ZSTD_decompress(back, dlen, a, alen), dlen);
	ASSERT(memcmp(back, db, dlen) == 0);
	/* an empty file is one valid frame */
	ASSERT(write_file("empty", "", 0) == 0);
	free(a);
	free(b);
	ASSERT_OK(&c, compress_to_mem(&c, "empty", &a, &alen));
	ASSERT(ZSTD_getFrameContentSize(a, alen) == 0);
	ASSERT_INT_EQ(compress_to_mem(&c, "missing", &b, &blen), E_IO);
	ASSERT(b == NULL);
	free(a);
	free(back);
	free(db);
}

/* Signing a file by stream gives the very signature of signing its bytes in
 * memory; compressing by stream round-trips across many output chunks; a failed
 * compression leaves the previous output and no temporary file. */
DEFINE_TEST(test_bundle_stream_sign_compress)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct bundle_meta m;
	size_t len = ((size_t)3 << 20) + 17, i, alen, blen, zlen;
	uint8_t *data = malloc(len), *a, *b, *z, *back;
	uint64_t zlen64 = 0, x = 88172645463325252ULL;
	glob_t g;
	struct ctx c;

	ctx_init(&c);
	ASSERT(data != NULL);
	for (i = 0; i < len; i++) {	/* xorshift, half of it runs of one byte */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		data[i] = (i / 4096) % 2 ? (uint8_t)(i / 4096) : (uint8_t)x;
	}
	ASSERT(write_file("big.bin", data, len) == 0);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	meta_at(&m, 9, NOW_2024, 30);
	ASSERT_OK(&c, bundle_sign_write(&c, sk, data, len, &m, "mem.minisig"));
	ASSERT_OK(&c, bundle_sign_file(&c, sk, "big.bin", &m));
	a = test_slurp("mem.minisig", &alen);
	b = test_slurp("big.bin.minisig", &blen);
	ASSERT(alen == blen && memcmp(a, b, alen) == 0);
	free(a);
	free(b);

	ASSERT_OK(&c, zst_compress_file(&c, "big.bin", "big.zst", &zlen64));
	z = test_slurp("big.zst", &zlen);
	ASSERT(zlen == zlen64 && zlen > 2 * ZSTD_CStreamOutSize() && zlen < len);
	back = malloc(len);
	ASSERT_INT_EQ(ZSTD_decompress(back, len, z, zlen), len);
	ASSERT(memcmp(back, data, len) == 0);

	ASSERT_INT_EQ(zst_compress_file(&c, "missing", "big.zst", &zlen64), E_IO);
	ASSERT(zlen64 == 0);
	a = test_slurp("big.zst", &alen);
	ASSERT(alen == zlen && memcmp(a, z, zlen) == 0);
	ASSERT(glob("big.zst.tmp.*", 0, NULL, &g) == GLOB_NOMATCH);
	free(a);
	free(z);
	free(back);
	free(data);
	bundle_seckey_free(sk);
}

/* The connected side reads the meta of its own, not yet signed, bundle. */
DEFINE_TEST(test_bundle_open_unverified)
{
	struct bundle *b = NULL;
	uint8_t *zst = NULL;
	size_t zlen = 0;
	struct ctx c;

	ctx_init(&c);
	ASSERT(make_db("b.db", "1", "20240101000000") == 0);
	ASSERT_OK(&c, compress_to_mem(&c, "b.db", &zst, &zlen));
	ASSERT_OK(&c, bundle_open_unverified(&c, zst, zlen, &b));
	ASSERT(bundle_get_meta(b)->serial == 20240101000000ULL);
	ASSERT_INT_EQ(bundle_get_meta(b)->created, NOW_2024);
	ASSERT_INT_EQ(bundle_get_meta(b)->expires, NOW_2024 + 30 * 86400);
	bundle_close(b);
	free(zst);
	ASSERT(remove("b.db") == 0);
	ASSERT(make_db("b.db", "1", "007") == 0);
	ASSERT_OK(&c, compress_to_mem(&c, "b.db", &zst, &zlen));
	ASSERT_INT_EQ(bundle_open_unverified(&c, zst, zlen, &b), E_FORMAT);
	free(zst);
}
