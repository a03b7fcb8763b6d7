/*
 * test_install.c - revocation lists, the database directory (import, open,
 * rollback, expiry, locking, leftovers) and the tamper matrix: every byte of a
 * real bundle flipped, every truncation class, and signed payloads that are
 * not bundles, each refused with the directory left byte-for-byte unchanged.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "base/ctx.h"
#include "base/file.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/install.h"
#include "bundles/sign.h"
#include "bundles/write.h"
#include "bundles/zst.h"
#include "feeds/feed.h"
#include "test.h"

#define NOW_2024	1704067200	/* 2024-01-01T00:00:00Z */
#define DAY		86400
#define DB		"db"		/* the database directory, in the test's cwd */

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
meta_at(struct bundle_meta *m, const struct bundle_seckey *sk, uint64_t serial,
    int64_t created, int days)
{
	memset(m, 0, sizeof(*m));
	m->format = BUNDLE_FORMAT;
	m->serial = serial;
	m->created = created;
	m->expires = created + (int64_t)days * DAY;
	bundle_keyid_hex(sk->keynum, m->keyid);
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

/*
 * A real bundle at out (and out.minisig): the Debian tracker samples of
 * tests/data parsed by the feed parser, written, compressed and signed as
 * airlock-feed build does.
 */
static int
build_real(struct ctx *c, const struct bundle_seckey *sk, uint64_t serial, int64_t created,
    int days, const char *out)
{
	static const char *const inputs[] = { "debian-tracker/vunnel-debian.json",
	    "debian-tracker/osv-dev-debian_security_tracker_mock.json" };
	const struct feed_source *src = feed_find("debian");
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	char dbpath[256];
	uint64_t zlen = 0;
	size_t i;
	int64_t n, total = 0;
	int r;

	if (src == NULL)
		return ctx_err(c, E_INTERNAL, "no debian source");
	snprintf(dbpath, sizeof(dbpath), "%s.sqlite", out);
	unlink(dbpath);
	meta_at(&m, sk, serial, created, days);
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0 ||
	    (r = bundle_writer_source_begin(c, w, src->name, src->format,
	    src->parser_version)) != 0)
		goto out;
	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		if ((r = src->parse(c, test_data(inputs[i]), NULL, w, &n)) != 0)
			goto out;
		total += n;
	}
	if ((r = bundle_writer_source_end(c, w, total)) != 0 ||
	    (r = bundle_writer_finish(c, w, &m)) != 0 ||
	    (r = zst_compress_file(c, dbpath, out, &zlen)) != 0 ||
	    (r = bundle_sign_file(c, sk, out, &m)) != 0)
		goto out;
out:
	bundle_writer_free(w);
	unlink(dbpath);
	return r;
}

/* Signs arbitrary bytes as NAME (a "bundle" whose payload is data). */
static int
sign_payload(struct ctx *c, const struct bundle_seckey *sk, const char *name,
    const void *data, size_t len, uint64_t serial)
{
	struct bundle_meta m;

	meta_at(&m, sk, serial, NOW_2024, 30);
	if (write_file(name, data, len) != 0)
		return ctx_err(c, E_IO, "%s: write", name);
	return bundle_sign_file(c, sk, name, &m);
}

static void
copy_file(const char *from, const char *to)
{
	size_t len;
	uint8_t *buf = test_slurp(from, &len);

	write_file(to, buf, len);
	free(buf);
}

/* A digest of everything under path: names, types, link targets, contents,
 * modes, in name order. */
static void
digest_tree(crypto_generichash_state *h, const char *path)
{
	struct dirent **ents = NULL;
	char sub[1024], link[256];
	struct stat st;
	uint8_t *buf;
	size_t len;
	ssize_t n;
	int i, k;

	k = scandir(path, &ents, NULL, alphasort);
	for (i = 0; i < k; i++) {
		const char *name = ents[i]->d_name;

		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
			free(ents[i]);
			continue;
		}
		snprintf(sub, sizeof(sub), "%s/%s", path, name);
		crypto_generichash_update(h, (const uint8_t *)name, strlen(name) + 1);
		if (lstat(sub, &st) == 0) {
			crypto_generichash_update(h, (const uint8_t *)&st.st_mode,
			    sizeof(st.st_mode));
			if (S_ISLNK(st.st_mode)) {
				n = readlink(sub, link, sizeof(link));
				if (n > 0)
					crypto_generichash_update(h, (const uint8_t *)link, (size_t)n);
			} else if (S_ISDIR(st.st_mode)) {
				digest_tree(h, sub);
			} else {
				buf = test_slurp(sub, &len);
				crypto_generichash_update(h, buf, len);
				free(buf);
			}
		}
		free(ents[i]);
	}
	free(ents);
}

static void
dir_digest(const char *path, uint8_t out[32])
{
	crypto_generichash_state h;

	crypto_generichash_init(&h, NULL, 0, 32);
	digest_tree(&h, path);
	crypto_generichash_final(&h, out, 32);
}

static void
opts_init(struct install_opts *o, const struct bundle_pubkey *keys, size_t nkeys,
    int64_t now)
{
	memset(o, 0, sizeof(*o));
	o->keys = keys;
	o->nkeys = nkeys;
	o->now = now;
}

/* Number of gen-* entries in DB. */
static int
count_gens(void)
{
	struct dirent *e;
	DIR *d = opendir(DB);
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "gen-", 4) == 0;
	closedir(d);
	return n;
}

static double
elapsed(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* --- revocation ----------------------------------------------------------- */

DEFINE_TEST(test_install_revoked_parse)
{
	static const char good[] = "# revoked after the 2026 rotation\n\n"
	    "  B57ADFFA8D119ED3\t# old signing key\n"
	    "00000000000000ff\n"
	    "0123456789abcdef";	/* no final newline */
	static const char *const bad[] = {
		"B57ADFFA8D119ED\n",		/* 15 digits */
		"B57ADFFA8D119ED3X\n",		/* 17 characters */
		"G57ADFFA8D119ED3\n",
		"B57A DFFA8D119ED3\n",
		"0xB57ADFFA8D119E\n",
		"B57ADFFA8D119ED3,\n",
	};
	struct bundle_keyid *ids = NULL;
	char *big;
	size_t n = 99, i;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_revoked_parse(&c, (const uint8_t *)good, strlen(good), &ids, &n));
	ASSERT_INT_EQ(n, 3);
	/* stored as minisign's keynum: the printed id is the little-endian u64 */
	ASSERT(ids[0].keynum[0] == 0xd3 && ids[0].keynum[7] == 0xb5);
	ASSERT(ids[1].keynum[0] == 0xff && ids[1].keynum[1] == 0);
	{
		char hex[17];

		bundle_keyid_hex(ids[0].keynum, hex);
		ASSERT_STR_EQ(hex, "B57ADFFA8D119ED3");
		bundle_keyid_hex(ids[2].keynum, hex);
		ASSERT_STR_EQ(hex, "0123456789ABCDEF");
	}
	free(ids);
	ASSERT_OK(&c, bundle_revoked_parse(&c, (const uint8_t *)"", 0, &ids, &n));
	ASSERT(n == 0 && ids == NULL);
	ASSERT_OK(&c, bundle_revoked_parse(&c, (const uint8_t *)"# none\n\n", 8, &ids, &n));
	ASSERT(n == 0 && ids == NULL);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[128];

		snprintf(buf, sizeof(buf), "0000000000000001\n%s", bad[i]);
		ASSERT_INT_EQ(bundle_revoked_parse(&c, (const uint8_t *)buf, strlen(buf), &ids,
		    &n), E_FORMAT);
		ASSERT(strstr(c.err, "line 2") != NULL);
		ASSERT(ids == NULL && n == 0);
	}
	ASSERT_INT_EQ(bundle_revoked_parse(&c, (const uint8_t *)"0000000000000001\0\n", 18,
	    &ids, &n), E_FORMAT);

	/* limits: ids, line length, file size */
	big = malloc(BUNDLE_REVOKED_FILE_MAX + 2);
	ASSERT(big != NULL);
	for (i = 0; i <= BUNDLE_REVOKED_MAX; i++)
		snprintf(big + i * 17, 18, "%016zX\n", i);
	ASSERT_OK(&c, bundle_revoked_parse(&c, (uint8_t *)big, BUNDLE_REVOKED_MAX * 17, &ids,
	    &n));
	ASSERT_INT_EQ(n, BUNDLE_REVOKED_MAX);
	free(ids);
	ASSERT_INT_EQ(bundle_revoked_parse(&c, (uint8_t *)big, (BUNDLE_REVOKED_MAX + 1) * 17,
	    &ids, &n), E_LIMIT);
	ASSERT(strstr(c.err, "BUNDLE_REVOKED_MAX") != NULL);
	memset(big, ' ', 300);
	memcpy(big + 300, "0000000000000001\n", 17);
	ASSERT_INT_EQ(bundle_revoked_parse(&c, (uint8_t *)big, 317, &ids, &n), E_LIMIT);
	memset(big, '#', BUNDLE_REVOKED_FILE_MAX + 1);
	ASSERT_INT_EQ(bundle_revoked_parse(&c, (uint8_t *)big, BUNDLE_REVOKED_FILE_MAX + 1,
	    &ids, &n), E_LIMIT);
	ASSERT(strstr(c.err, "BUNDLE_REVOKED_FILE_MAX") != NULL);
	free(big);
}

static const uint8_t DATA[] = "bytes signed for the revocation test\n";

static int
verify_data(struct ctx *c, const char *sig, const struct bundle_pubkey *keys, size_t n)
{
	struct bundle_meta m;

	return bundle_verify(c, DATA, sizeof(DATA) - 1, (const uint8_t *)sig, strlen(sig), keys,
	    n, &m);
}

DEFINE_TEST(test_install_revoked_keys)
{
	struct bundle_seckey *ksk = NULL, *osk = NULL;
	struct bundle_pubkey kpk, opk, *keys = NULL;
	struct bundle_meta m;
	char *ksig = NULL, *osig = NULL, khex[17], comment[256], revline[64], *p;
	size_t n = 0, i;
	struct ctx c;

	ctx_init(&c);
	ASSERT(mkdir("keys", 0755) == 0 && mkdir("nokeys", 0755) == 0);
	ASSERT_OK(&c, make_key(&c, "keys/k", &kpk, &ksk));
	ASSERT_OK(&c, make_key(&c, "keys/o", &opk, &osk));
	bundle_keyid_hex(kpk.keynum, khex);
	meta_at(&m, ksk, 5, NOW_2024, 30);
	bundle_comment_format(&m, comment, sizeof(comment));
	ASSERT_OK(&c, bundle_sign(&c, ksk, DATA, sizeof(DATA) - 1, comment, &ksig));
	meta_at(&m, osk, 5, NOW_2024, 30);
	bundle_comment_format(&m, comment, sizeof(comment));
	ASSERT_OK(&c, bundle_sign(&c, osk, DATA, sizeof(DATA) - 1, comment, &osig));

	/* no revocation list: both keys are trusted */
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, NULL, "keys", NULL, &keys, &n));
	ASSERT_INT_EQ(n, 2);
	ASSERT_OK(&c, verify_data(&c, ksig, keys, n));
	ASSERT_OK(&c, verify_data(&c, osig, keys, n));
	free(keys);

	/* DIR/revoked names k (lower case): refused by name even with its .pub present */
	for (i = 0; i < 16; i++)
		revline[i] = (char)(khex[i] >= 'A' ? khex[i] - 'A' + 'a' : khex[i]);
	snprintf(revline + 16, sizeof(revline) - 16, "  # compromised\n");
	ASSERT(write_file("keys/revoked", revline, strlen(revline)) == 0);
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, NULL, "keys", NULL, &keys, &n));
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(verify_data(&c, ksig, keys, n), E_VERIFY);
	{
		char want[64];

		snprintf(want, sizeof(want), "key %s is revoked", khex);
		ASSERT_STR_EQ(c.err, want);
	}
	ASSERT_OK(&c, verify_data(&c, osig, keys, n));
	/* the revocation is checked before any signature: a broken signature by the
	 * revoked key still says "revoked", not "signature verification failed" */
	{
		char *bad = strdup(ksig);

		p = strchr(bad, '\n') + 1 + 20;	/* inside the signature bytes, after the key id */
		*p = *p == 'A' ? 'B' : 'A';
		ASSERT_INT_EQ(verify_data(&c, bad, keys, n), E_VERIFY);
		ASSERT(strstr(c.err, "is revoked") != NULL);
		free(bad);
	}
	free(keys);
	/* bundle_keys_load (the old entry point) applies DIR/revoked too */
	ASSERT_OK(&c, bundle_keys_load(&c, NULL, "keys", &keys, &n));
	ASSERT_INT_EQ(verify_data(&c, ksig, keys, n), E_VERIFY);
	free(keys);

	/* -p alone: the default key directory's list still applies */
	setenv("AIRLOCK_KEYS", "keys", 1);
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, "keys/k.pub", NULL, NULL, &keys, &n));
	ASSERT_INT_EQ(verify_data(&c, ksig, keys, n), E_VERIFY);
	ASSERT(strstr(c.err, "is revoked") != NULL);
	free(keys);
	/* ... and an explicit --revoked file */
	setenv("AIRLOCK_KEYS", "nokeys", 1);
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, "keys/k.pub", NULL, NULL, &keys, &n));
	ASSERT_OK(&c, verify_data(&c, ksig, keys, n));
	free(keys);
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, "keys/k.pub", NULL, "keys/revoked", &keys,
	    &n));
	ASSERT_INT_EQ(verify_data(&c, ksig, keys, n), E_VERIFY);
	ASSERT(strstr(c.err, "is revoked") != NULL);
	free(keys);
	ASSERT_INT_EQ(bundle_keys_load_revoked(&c, "keys/k.pub", NULL, "missing", &keys, &n),
	    E_IO);
	ASSERT(keys == NULL);
	unsetenv("AIRLOCK_KEYS");

	/* a revoked id without its .pub: "revoked", not merely "not a trusted key" */
	ASSERT(mkdir("only-o", 0755) == 0);
	copy_file("keys/o.pub", "only-o/o.pub");
	copy_file("keys/revoked", "only-o/revoked");
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, NULL, "only-o", NULL, &keys, &n));
	ASSERT_INT_EQ(n, 2);	/* o, and the wiped entry for k */
	ASSERT(bundle_pubkey_is_revoked(&keys[1]) && !bundle_pubkey_is_revoked(&keys[0]));
	ASSERT_INT_EQ(verify_data(&c, ksig, keys, n), E_VERIFY);
	ASSERT(strstr(c.err, "is revoked") != NULL);
	ASSERT_OK(&c, verify_data(&c, osig, keys, n));
	free(keys);

	/* a malformed list fails closed */
	ASSERT(write_file("keys/revoked", "not a key id\n", 13) == 0);
	ASSERT_INT_EQ(bundle_keys_load_revoked(&c, NULL, "keys", NULL, &keys, &n), E_FORMAT);
	ASSERT(strstr(c.err, "keys/revoked") != NULL && strstr(c.err, "line 1") != NULL);
	ASSERT(keys == NULL);
	/* every key revoked: still loads, and verification names the key */
	snprintf(revline, sizeof(revline), "%s\n", khex);
	bundle_keyid_hex(opk.keynum, revline + 17);
	strcat(revline, "\n");
	ASSERT(write_file("keys/revoked", revline, strlen(revline)) == 0);
	ASSERT_OK(&c, bundle_keys_load_revoked(&c, NULL, "keys", NULL, &keys, &n));
	ASSERT_INT_EQ(verify_data(&c, osig, keys, n), E_VERIFY);
	ASSERT(strstr(c.err, "is revoked") != NULL);
	free(keys);

	/* an all-zero public key (the revocation mark) is not a key file */
	{
		static const char zero[] = "untrusted comment: zero\n"
		    "RWQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";

		ASSERT_INT_EQ(bundle_pubkey_parse(&c, (const uint8_t *)zero, strlen(zero), &kpk),
		    E_FORMAT);
	}
	free(ksig);
	free(osig);
	bundle_seckey_free(ksk);
	bundle_seckey_free(osk);
}

/* --- state ---------------------------------------------------------------- */

DEFINE_TEST(test_install_state_parse)
{
	static const char good[] = "airlock-db-state=1\nserial=20240101000000\n"
	    "keyid=B57ADFFA8D119ED3\ncreated=2024-01-01T00:00:00Z\n"
	    "expires=2024-01-31T00:00:00Z\nimported=2024-01-02T03:04:05Z\ndowngrade=1\n"
	    "replaced=20240201000000\n";
	static const char *const bad[] = {
		"airlock-db-state=1\nserial=020240101000000\n",
		"airlock-db-state=1\nserial=20240101000000\nkeyid=b57adffa8d119ed3\n",
		"airlock-db-state=1\nserial=20240101000000\nkeyid=B57ADFFA8D119ED3\n"
		    "created=2024-01-01 00:00:00\n",
		"airlock-db-state=1\r\nserial=1\r\n",
		"serial=1\nairlock-db-state=1\n",
	};
	struct install_state st;
	char again[INSTALL_STATE_MAX + 1], buf[1024];
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, install_state_parse(&c, (const uint8_t *)good, strlen(good), &st));
	ASSERT(st.serial == 20240101000000ULL && st.downgrade == 1 && st.replaced_any == 1 &&
	    st.replaced_serial == 20240201000000ULL);
	ASSERT_STR_EQ(st.keyid, "B57ADFFA8D119ED3");
	ASSERT_INT_EQ(st.created, NOW_2024);
	ASSERT_INT_EQ(st.imported, NOW_2024 + DAY + 3 * 3600 + 4 * 60 + 5);
	ASSERT_INT_EQ(install_state_format(&st, again, sizeof(again)), strlen(good));
	ASSERT_STR_EQ(again, good);
	ASSERT_INT_EQ(install_state_format(&st, again, 10), -1);
	/* without the optional replaced line */
	snprintf(buf, sizeof(buf), "%.*s", (int)(strstr(good, "replaced=") - good), good);
	ASSERT_OK(&c, install_state_parse(&c, (const uint8_t *)buf, strlen(buf), &st));
	ASSERT(st.replaced_any == 0);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT(install_state_parse(&c, (const uint8_t *)bad[i], strlen(bad[i]), &st) != 0);
		ASSERT(st.serial == 0);
	}
	/* one spelling: a missing final newline, trailing data, a future format */
	ASSERT_INT_EQ(install_state_parse(&c, (const uint8_t *)good, strlen(good) - 1, &st),
	    E_FORMAT);
	snprintf(buf, sizeof(buf), "%sextra=1\n", good);
	ASSERT_INT_EQ(install_state_parse(&c, (const uint8_t *)buf, strlen(buf), &st), E_FORMAT);
	snprintf(buf, sizeof(buf), "airlock-db-state=2\n%s", strchr(good, '\n') + 1);
	ASSERT_INT_EQ(install_state_parse(&c, (const uint8_t *)buf, strlen(buf), &st),
	    E_UNSUPPORTED);
	{
		static char huge[INSTALL_STATE_MAX + 1];

		memset(huge, 'a', sizeof(huge));
		ASSERT_INT_EQ(install_state_parse(&c, (uint8_t *)huge, sizeof(huge), &st),
		    E_LIMIT);
	}
}

/*
 * The deterministic mutation pass (STYLE habit 10) over the two text parsers of
 * this module: every bit of every byte flipped, every truncation. A state that
 * parses is canonical (formats back to the same bytes); a revocation list that
 * parses has no more ids than lines. Nothing may crash (the sanitizer builds
 * watch the reads).
 */
DEFINE_TEST(test_install_parsers_mutated)
{
	static const char state[] = "airlock-db-state=1\nserial=20240101000000\n"
	    "keyid=B57ADFFA8D119ED3\ncreated=2024-01-01T00:00:00Z\n"
	    "expires=2024-01-31T00:00:00Z\nimported=2024-01-02T03:04:05Z\ndowngrade=0\n"
	    "replaced=7\n";
	static const char revoked[] = "# ids\nB57ADFFA8D119ED3\n\t0123456789abcdef # x\n";
	char buf[INSTALL_STATE_MAX + 1], again[INSTALL_STATE_MAX + 1];
	struct install_state st;
	struct bundle_keyid *ids;
	size_t i, len, n, lines, accepted = 0, runs = 0;
	struct ctx c;
	int bit, r;

	ctx_init(&c);
	for (len = strlen(state), i = 0; i <= len * 8; i++) {
		memcpy(buf, state, len);
		if (i < len * 8)
			buf[i / 8] ^= (char)(1 << (i % 8));
		r = install_state_parse(&c, (uint8_t *)buf, len, &st);
		if (r == 0) {
			ASSERT(install_state_format(&st, again, sizeof(again)) == (int)len);
			ASSERT(memcmp(again, buf, len) == 0);
			accepted++;
		} else {
			ASSERT(r < 0 && c.err[0] != '\0' && st.serial == 0);
		}
		runs++;
	}
	/* every truncation fails but the one that drops just the optional last line */
	for (i = 0; i < len; i++, runs++)
		ASSERT((install_state_parse(&c, (const uint8_t *)state, i, &st) == 0) ==
		    (i == (size_t)(strstr(state, "replaced=") - state)));
	/* flips that still parse change a digit of a number or time into another */
	ASSERT(accepted > 1 && accepted < runs / 4);

	for (len = strlen(revoked), i = 0; i < len * 8 + len; i++, runs++) {
		size_t use = len;

		memcpy(buf, revoked, len);
		if (i < len * 8) {
			bit = (int)(i % 8);
			buf[i / 8] ^= (char)(1 << bit);
		} else {
			use = i - len * 8;	/* truncations */
		}
		r = bundle_revoked_parse(&c, (uint8_t *)buf, use, &ids, &n);
		if (r == 0) {
			for (lines = 1, bit = 0; (size_t)bit < use; bit++)
				lines += buf[bit] == '\n';
			ASSERT(n <= lines && (n == 0) == (ids == NULL));
			free(ids);
		} else {
			ASSERT(r < 0 && ids == NULL && n == 0);
		}
	}
	printf("  mutation pass: %zu state and revocation-list variants parsed without a fault\n",
	    runs);
}

/* --- import and open ------------------------------------------------------ */

DEFINE_TEST(test_install_import_layout)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st, prev;
	struct bundle *b = NULL;
	uint8_t before[32], after[32], *x, *y;
	size_t xl, yl;
	char link[128], *opened = NULL, path[256];
	ssize_t n;
	struct ctx c;
	int unchanged = -1;
	struct stat sb;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 9, NOW_2024, 30, "b9.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);

	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, &unchanged));
	ASSERT(unchanged == 0 && st.serial == 7 && st.downgrade == 0 && st.replaced_any == 0);
	ASSERT_INT_EQ(st.imported, NOW_2024 + 3600);
	/* DB/current -> gen-7.XXXXXX holding the bundle byte for byte, and its state */
	ASSERT((n = readlink(DB "/current", link, sizeof(link) - 1)) > 0);
	link[n] = '\0';
	ASSERT(strncmp(link, "gen-7.", 6) == 0 && strlen(link) == 12);
	ASSERT_STR_EQ(link, st.gen);
	snprintf(path, sizeof(path), DB "/%s/bundle.db.zst", link);
	x = test_slurp(path, &xl);
	y = test_slurp("b7.db.zst", &yl);
	ASSERT(xl == yl && memcmp(x, y, xl) == 0);
	free(x);
	free(y);
	snprintf(path, sizeof(path), DB "/%s/bundle.db.zst.minisig", link);
	x = test_slurp(path, &xl);
	y = test_slurp("b7.db.zst.minisig", &yl);
	ASSERT(xl == yl && memcmp(x, y, xl) == 0);
	free(x);
	free(y);
	ASSERT(stat(DB "/lock", &sb) == 0 && S_ISREG(sb.st_mode));
	ASSERT(lstat(DB "/previous", &sb) == -1 && errno == ENOENT);
	ASSERT(stat(DB "/current/state", &sb) == 0 && (sb.st_mode & 0777) == 0644);
	ASSERT(stat(DB "/current", &sb) == 0 && (sb.st_mode & 0777) == 0755);
	/* stock minisign verifies the installed copy */
	ASSERT_INT_EQ(system("minisign -Vm " DB "/current/bundle.db.zst -p k.pub -q"), 0);

	/* the installed bundle opens, fully verified, matching its state */
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, &st, &opened));
	ASSERT(bundle_get_meta(b)->serial == 7);
	ASSERT(bundle_get_meta(b)->expired == 0 && bundle_get_meta(b)->downgrade == 0);
	snprintf(path, sizeof(path), DB "/%s/bundle.db.zst", link);
	ASSERT_STR_EQ(opened, path);
	bundle_close(b);
	free(opened);

	/* importing it again changes nothing */
	dir_digest(DB, before);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, &unchanged));
	ASSERT(unchanged == 1 && st.serial == 7);
	dir_digest(DB, after);
	ASSERT(memcmp(before, after, 32) == 0);

	/* a newer one: current moves, previous keeps the old generation */
	ASSERT_OK(&c, install_import(&c, DB, "b8.db.zst", &o, &st, &unchanged));
	ASSERT(unchanged == 0 && st.serial == 8 && st.replaced_any && st.replaced_serial == 7);
	ASSERT((n = readlink(DB "/previous", path, sizeof(path) - 1)) > 0);
	path[n] = '\0';
	ASSERT_STR_EQ(path, link);
	ASSERT_OK(&c, install_previous_read(&c, DB, &prev));
	ASSERT(prev.serial == 7);
	ASSERT_INT_EQ(count_gens(), 2);
	/* one previous generation only: the third import removes the first */
	ASSERT_OK(&c, install_import(&c, DB, "b9.db.zst", &o, &st, &unchanged));
	ASSERT_INT_EQ(count_gens(), 2);
	ASSERT_OK(&c, install_previous_read(&c, DB, &prev));
	ASSERT(prev.serial == 8);
	snprintf(path, sizeof(path), DB "/%s", link);
	ASSERT(lstat(path, &sb) == -1 && errno == ENOENT);
	ASSERT_OK(&c, install_state_read(&c, DB, &st));
	ASSERT(st.serial == 9);

	/* AIRLOCK_DB_DIR is the default directory */
	setenv("AIRLOCK_DB_DIR", DB, 1);
	ASSERT_STR_EQ(install_dir(NULL), DB);
	ASSERT_STR_EQ(install_dir("other"), "other");
	ASSERT_OK(&c, install_open(&c, NULL, NULL, &o, &b, NULL, NULL));
	ASSERT(bundle_get_meta(b)->serial == 9);
	bundle_close(b);
	unsetenv("AIRLOCK_DB_DIR");
	ASSERT(strcmp(install_dir(NULL), AIRLOCK_DB_DIR) == 0);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_install_no_database)
{
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	char *opened = NULL;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, NULL));
	opts_init(&o, &pk, 1, NOW_2024);
	ASSERT_INT_EQ(install_open(&c, "absent", NULL, &o, &b, &st, &opened), E_NOTFOUND);
	ASSERT_STR_EQ(c.err, "absent: no vulnerability database imported "
	    "(airlock db import BUNDLE)");
	ASSERT(b == NULL && opened == NULL);
	ASSERT(mkdir(DB, 0755) == 0);
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, &st, &opened), E_NOTFOUND);
	ASSERT_INT_EQ(install_state_read(&c, DB, &st), E_NOTFOUND);
	/* a current link outside the directory's generations is refused */
	ASSERT(symlink("../elsewhere", DB "/current") == 0);
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, &st, &opened), E_FORMAT);
	ASSERT(unlink(DB "/current") == 0);
	/* a generation without its state */
	ASSERT(mkdir(DB "/gen-1.abcdef", 0755) == 0);
	ASSERT(symlink("gen-1.abcdef", DB "/current") == 0);
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, &st, &opened), E_IO);
	ASSERT(b == NULL);
}

DEFINE_TEST(test_install_rollback)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	uint8_t before[32], after[32];
	struct ctx c;
	int unchanged;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b8.db.zst", &o, &st, NULL));

	/* an older serial is refused, and nothing changes */
	dir_digest(DB, before);
	ASSERT_INT_EQ(install_import(&c, DB, "b7.db.zst", &o, &st, NULL), E_STALE);
	ASSERT_STR_EQ(c.err, "b7.db.zst: bundle serial 7 is older than the installed serial 8 "
	    "(--allow-downgrade to accept it)");
	dir_digest(DB, after);
	ASSERT(memcmp(before, after, 32) == 0);
	/* scanning it explicitly is refused too, while the directory has serial 8 */
	ASSERT_INT_EQ(install_open(&c, DB, "b7.db.zst", &o, &b, &st, NULL), E_STALE);
	ASSERT(strstr(c.err, "older than the installed serial 8") != NULL);
	ASSERT(b == NULL);
	/* ... unless explicitly allowed, which the metadata carries for the report */
	o.allow_downgrade = 1;
	ASSERT_OK(&c, install_open(&c, DB, "b7.db.zst", &o, &b, &st, NULL));
	ASSERT(st.serial == 8);
	ASSERT(bundle_get_meta(b)->downgrade == 1 && bundle_get_meta(b)->downgraded_from == 8);
	bundle_close(b);
	/* an explicit bundle elsewhere is not checked against a directory without state */
	o.allow_downgrade = 0;
	ASSERT_OK(&c, install_open(&c, "nothing-here", "b7.db.zst", &o, &b, &st, NULL));
	ASSERT(bundle_get_meta(b)->downgrade == 0 && st.serial == 0);
	bundle_close(b);

	/* --allow-downgrade import: recorded in the state, repeated on open */
	o.allow_downgrade = 1;
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, &unchanged));
	ASSERT(st.serial == 7 && st.downgrade == 1 && st.replaced_serial == 8);
	o.allow_downgrade = 0;
	ASSERT_OK(&c, install_state_read(&c, DB, &st));
	ASSERT(st.downgrade == 1);
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, NULL, NULL));
	ASSERT(bundle_get_meta(b)->serial == 7 && bundle_get_meta(b)->downgrade == 1 &&
	    bundle_get_meta(b)->downgraded_from == 8);
	bundle_close(b);
	/* the floor is now 7: the same serial again is fine, 8 moves forward */
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, &unchanged));
	ASSERT(unchanged == 1);
	ASSERT_OK(&c, install_import(&c, DB, "b8.db.zst", &o, &st, &unchanged));
	ASSERT(unchanged == 0 && st.downgrade == 0 && st.replaced_serial == 7);
	/* an upgrade with --allow-downgrade given is not recorded as a downgrade */
	ASSERT_OK(&c, build_real(&c, sk, 9, NOW_2024, 30, "b9.db.zst"));
	o.allow_downgrade = 1;
	ASSERT_OK(&c, install_import(&c, DB, "b9.db.zst", &o, &st, &unchanged));
	ASSERT(st.downgrade == 0);
	bundle_seckey_free(sk);
}

DEFINE_TEST(test_install_expired)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	uint8_t before[32], after[32];
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	/* expired at import: refused, directory untouched (only the lock file) */
	opts_init(&o, &pk, 1, NOW_2024 + 31 * DAY);
	ASSERT_INT_EQ(install_import(&c, DB, "b7.db.zst", &o, &st, NULL), E_STALE);
	ASSERT_STR_EQ(c.err, "b7.db.zst: expired on 2024-01-31T00:00:00Z (serial 7)");
	ASSERT_INT_EQ(count_gens(), 0);
	/* the last second of validity is still valid */
	o.now = NOW_2024 + 30 * DAY;
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, NULL));

	/* installed, then expired: scans refuse it unless allowed, then it is flagged */
	dir_digest(DB, before);
	o.now = NOW_2024 + 40 * DAY;
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, &st, NULL), E_STALE);
	ASSERT(strstr(c.err, "expired on 2024-01-31T00:00:00Z") != NULL &&
	    strstr(c.err, "--allow-expired") != NULL);
	o.allow_expired = 1;
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, &st, NULL));
	ASSERT(bundle_get_meta(b)->expired == 1);
	bundle_close(b);
	ASSERT_OK(&c, install_open(&c, DB, "b7.db.zst", &o, &b, &st, NULL));
	ASSERT(bundle_get_meta(b)->expired == 1);
	bundle_close(b);
	o.allow_expired = 0;
	ASSERT_INT_EQ(install_open(&c, DB, "b7.db.zst", &o, &b, &st, NULL), E_STALE);
	dir_digest(DB, after);
	ASSERT(memcmp(before, after, 32) == 0);
	/* allow_expired does not make import accept an expired bundle */
	o.allow_expired = 1;
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	ASSERT_INT_EQ(install_import(&c, DB, "b8.db.zst", &o, &st, NULL), E_STALE);
	bundle_seckey_free(sk);
}

/* --- tamper matrix -------------------------------------------------------- */

/* Import candidate NAME into DB: must fail, and DB must still digest to want. */
static int
refused(struct ctx *c, const char *name, const struct install_opts *o, const uint8_t want[32],
    int *code)
{
	uint8_t now[32];

	*code = install_import(c, DB, name, o, NULL, NULL);
	dir_digest(DB, now);
	return *code != 0 && memcmp(now, want, 32) == 0;
}

DEFINE_TEST(test_install_tamper_matrix)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct bundle *b = NULL;
	uint8_t want[32], *zst, *sig;
	size_t zlen, slen, i, ucomment_lo, ucomment_hi;
	size_t zflips = 0, sflips = 0, unsigned_ok = 0, truncs = 0;
	struct timespec t0;
	struct ctx c;
	int code;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, NULL, NULL));
	dir_digest(DB, want);
	zst = test_slurp("b8.db.zst", &zlen);
	sig = test_slurp("b8.db.zst.minisig", &slen);
	clock_gettime(CLOCK_MONOTONIC, &t0);

	/* every byte of the .db.zst (b8 is otherwise importable): E_VERIFY, the
	 * signature check, before zstd or SQLite see a byte */
	copy_file("b8.db.zst.minisig", "t.db.zst.minisig");
	for (i = 0; i < zlen; i++) {
		zst[i] ^= (uint8_t)(1u << (i % 8));
		ASSERT(write_file("t.db.zst", zst, zlen) == 0);
		zst[i] ^= (uint8_t)(1u << (i % 8));
		if (!refused(&c, "t.db.zst", &o, want, &code) || code != E_VERIFY) {
			test_fail(t, __FILE__, __LINE__, "zst byte %zu: %s (%s)", i,
			    ctx_code_name(code), c.err);
			return;
		}
		zflips++;
	}
	/* every byte of the .minisig; the untrusted comment's text is not signed (as in
	 * minisign), so flips there must verify, read-only */
	ucomment_lo = strlen("untrusted comment: ");
	ucomment_hi = (size_t)((uint8_t *)memchr(sig, '\n', slen) - sig);
	copy_file("b8.db.zst", "t.db.zst");
	for (i = 0; i < slen; i++) {
		sig[i] ^= 0x01;
		ASSERT(write_file("t.db.zst.minisig", sig, slen) == 0);
		sig[i] ^= 0x01;
		if (i >= ucomment_lo && i < ucomment_hi) {
			code = install_open(&c, "no-db", "t.db.zst", &o, &b, NULL, NULL);
			if (code != 0) {
				test_fail(t, __FILE__, __LINE__, "untrusted comment byte %zu: %s", i,
				    c.err);
				return;
			}
			bundle_close(b);
			b = NULL;
			unsigned_ok++;
			continue;
		}
		if (!refused(&c, "t.db.zst", &o, want, &code)) {
			test_fail(t, __FILE__, __LINE__, "sig byte %zu: %s (%s)", i,
			    ctx_code_name(code), c.err);
			return;
		}
		sflips++;
	}
	/* truncations: 0, 1, half, all but one, of each file */
	{
		size_t zcut[4] = { 0, 1, zlen / 2, zlen - 1 };
		size_t scut[4] = { 0, 1, slen / 2, slen - 2 };

		copy_file("b8.db.zst.minisig", "t.db.zst.minisig");
		for (i = 0; i < 4; i++) {
			ASSERT(write_file("t.db.zst", zst, zcut[i]) == 0);
			ASSERT(refused(&c, "t.db.zst", &o, want, &code));
			ASSERT_INT_EQ(code, E_VERIFY);
			truncs++;
		}
		copy_file("b8.db.zst", "t.db.zst");
		for (i = 0; i < 4; i++) {
			ASSERT(write_file("t.db.zst.minisig", sig, scut[i]) == 0);
			ASSERT(refused(&c, "t.db.zst", &o, want, &code));
			truncs++;
		}
		/* all but the last byte of the .minisig drops only its final newline,
		 * which minisign does not require either: the same signature */
		ASSERT(sig[slen - 1] == '\n');
		ASSERT(write_file("t.db.zst.minisig", sig, slen - 1) == 0);
		ASSERT_OK(&c, install_open(&c, "no-db", "t.db.zst", &o, &b, NULL, NULL));
		bundle_close(b);
		b = NULL;
		/* missing files */
		ASSERT(unlink("t.db.zst.minisig") == 0);
		ASSERT(refused(&c, "t.db.zst", &o, want, &code));
		ASSERT_INT_EQ(code, E_IO);
		ASSERT(refused(&c, "absent.db.zst", &o, want, &code));
	}
	printf("  tamper matrix: %zu/%zu .db.zst byte flips and %zu/%zu .minisig byte flips "
	    "refused (%zu untrusted-comment bytes accepted: not signed), %zu truncations "
	    "refused; directory unchanged each time; %.2f s\n", zflips, zlen, sflips, slen,
	    unsigned_ok, truncs, elapsed(&t0));
	ASSERT_INT_EQ(zflips, zlen);
	ASSERT_INT_EQ(sflips + unsigned_ok, slen);
	/* and the untouched candidate imports */
	ASSERT_OK(&c, install_import(&c, DB, "b8.db.zst", &o, NULL, NULL));
	free(zst);
	free(sig);
	bundle_seckey_free(sk);
}

/* n RLE blocks of 128 KiB zeros in one zstd frame, with or without the content
 * size in its header: a few bytes per 128 KiB of output. */
static uint8_t *
rle_bomb(size_t blocks, int with_size, size_t *len)
{
	uint8_t *p = malloc(14 + 4 * blocks), *q = p;
	uint64_t size = (uint64_t)blocks << 17;
	size_t i;
	int j;

	memcpy(q, "\x28\xb5\x2f\xfd", 4);
	q += 4;
	if (with_size) {
		*q++ = 0xe0;	/* single segment, 8-byte content size */
		for (j = 0; j < 8; j++)
			*q++ = (uint8_t)(size >> (8 * j));
	} else {
		*q++ = 0x00;	/* no content size ... */
		*q++ = 0x38;	/* ... window 2^17 */
	}
	for (i = 0; i < blocks; i++) {
		/* block header: size 2^17 << 3 | RLE << 1 | last; then the byte */
		*q++ = i + 1 == blocks ? 0x03 : 0x02;
		*q++ = 0x00;
		*q++ = 0x10;
		*q++ = 0x00;
	}
	*len = (size_t)(q - p);
	return p;
}

DEFINE_TEST(test_install_signed_not_bundles)
{
	struct bundle_seckey *sk = NULL, *osk = NULL;
	struct bundle_pubkey pk, opk;
	struct install_opts o;
	uint8_t want[32], *zst, *bomb;
	size_t zlen, blen;
	struct ctx c;
	int code;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, make_key(&c, "o", &opk, &osk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 9, NOW_2024, 30, "b9.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, NULL, NULL));
	dir_digest(DB, want);
	zst = test_slurp("b9.db.zst", &zlen);

	/* a corrupted zstd stream inside a valid signature */
	zst[zlen / 2] ^= 0x55;
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", zst, zlen, 9));
	zst[zlen / 2] ^= 0x55;
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_FORMAT);
	ASSERT(strstr(c.err, "zstd") != NULL);
	/* a truncated frame, signed */
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", zst, zlen - 9, 9));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_FORMAT);
	/* signed bytes that are not zstd; zstd of something that is not SQLite */
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", "SQLite format 3", 16, 9));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_FORMAT);
	ASSERT(write_file("text", "a validly signed file that is not SQLite\n", 41) == 0);
	{
		uint8_t *tz = NULL;
		uint64_t tl64 = 0;
		size_t tl = 0;

		ASSERT_OK(&c, zst_compress_file(&c, "text", "text.zst", &tl64));
		tz = test_slurp("text.zst", &tl);
		ASSERT(tl == tl64);
		ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", tz, tl, 9));
		free(tz);
	}
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_FORMAT);
	ASSERT(strstr(c.err, "database") != NULL);
	/* decompression bombs: 64 MiB of zeros in ~2 KiB, under an 8 MiB cap, counted
	 * as it decompresses (no size in the header) or refused by the header */
	o.db_max = (size_t)8 << 20;
	bomb = rle_bomb(512, 0, &blen);
	ASSERT(blen < 4096);
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", bomb, blen, 9));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_LIMIT);
	ASSERT(strstr(c.err, "BUNDLE_DB_MAX") != NULL);
	free(bomb);
	bomb = rle_bomb(512, 1, &blen);
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", bomb, blen, 9));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_LIMIT);
	free(bomb);
	/* 5 GiB declared in 160 KiB: over the real cap, refused without allocating it */
	o.db_max = 0;
	bomb = rle_bomb(40960, 1, &blen);
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", bomb, blen, 9));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_LIMIT);
	ASSERT(strstr(c.err, "5368709120") != NULL);
	free(bomb);

	/* the signature of another bundle; a bundle by an untrusted key */
	copy_file("b9.db.zst", "x.db.zst");
	copy_file("b7.db.zst.minisig", "x.db.zst.minisig");
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_VERIFY);
	ASSERT(strstr(c.err, "signature verification failed") != NULL);
	ASSERT_OK(&c, build_real(&c, osk, 10, NOW_2024, 30, "o.db.zst"));
	ASSERT(refused(&c, "o.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_VERIFY);
	ASSERT(strstr(c.err, "not a trusted key") != NULL);
	/* an edited trusted comment (a later expiry) */
	{
		uint8_t *s;
		size_t sl;
		char *p;

		copy_file("b9.db.zst", "x.db.zst");
		s = test_slurp("b9.db.zst.minisig", &sl);
		ASSERT((p = strstr((char *)s, "expires=2024")) != NULL);
		p[11] = '9';
		ASSERT(write_file("x.db.zst.minisig", s, sl) == 0);
		free(s);
		ASSERT(refused(&c, "x.db.zst", &o, want, &code));
		ASSERT_INT_EQ(code, E_VERIFY);
		ASSERT(strstr(c.err, "trusted comment signature") != NULL);
	}
	/* validly signed, but the database says another serial than the signature */
	ASSERT_OK(&c, sign_payload(&c, sk, "x.db.zst", zst, zlen, 11));
	ASSERT(refused(&c, "x.db.zst", &o, want, &code));
	ASSERT_INT_EQ(code, E_VERIFY);
	ASSERT(strstr(c.err, "does not match the signed serial") != NULL);
	free(zst);
	bundle_seckey_free(sk);
	bundle_seckey_free(osk);
}

/* The installed bundle is re-verified on every open: damage after import is caught. */
DEFINE_TEST(test_install_reverified)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	char path[256];
	uint8_t *buf;
	size_t len;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, NULL));
	snprintf(path, sizeof(path), DB "/%s/bundle.db.zst", st.gen);
	buf = test_slurp(path, &len);
	buf[len / 2] ^= 1;
	ASSERT(write_file(path, buf, len) == 0);
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, NULL, NULL), E_VERIFY);
	/* re-importing the same bundle repairs it (not "already installed") */
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, NULL));
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, NULL, NULL));
	bundle_close(b);
	free(buf);
	/* a state that disagrees with its bundle (say, edited to lower the floor) */
	snprintf(path, sizeof(path), DB "/%s/state", st.gen);
	buf = test_slurp(path, &len);
	ASSERT(strstr((char *)buf, "serial=7\n") != NULL);
	strstr((char *)buf, "serial=7\n")[7] = '6';
	ASSERT(write_file(path, buf, len) == 0);
	free(buf);
	ASSERT_INT_EQ(install_open(&c, DB, NULL, &o, &b, NULL, NULL), E_VERIFY);
	ASSERT(strstr(c.err, "does not match its state") != NULL);
	/* a state that cannot be read blocks imports rather than losing the floor */
	ASSERT(write_file(path, "garbage\n", 8) == 0);
	ASSERT_INT_EQ(install_import(&c, DB, "b8.db.zst", &o, &st, NULL), E_FORMAT);
	ASSERT_INT_EQ(install_open(&c, DB, "b8.db.zst", &o, &b, &st, NULL), E_FORMAT);
	bundle_seckey_free(sk);
}

/* What an interrupted import leaves is ignored by readers and removed by the next import. */
DEFINE_TEST(test_install_leftovers)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	struct stat sb;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	ASSERT_OK(&c, build_real(&c, sk, 7, NOW_2024, 30, "b7.db.zst"));
	ASSERT_OK(&c, build_real(&c, sk, 8, NOW_2024, 30, "b8.db.zst"));
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, NULL));
	/* a half-written generation and a temporary link, as a kill -9 leaves them */
	ASSERT(mkdir(DB "/gen-8.AbCdEf", 0700) == 0);
	ASSERT(write_file(DB "/gen-8.AbCdEf/bundle.db.zst", "partial", 7) == 0);
	ASSERT(symlink("gen-8.AbCdEf", DB "/.current.tmp") == 0);
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, NULL, NULL));
	ASSERT(bundle_get_meta(b)->serial == 7);
	bundle_close(b);
	ASSERT_OK(&c, install_import(&c, DB, "b8.db.zst", &o, &st, NULL));
	ASSERT(lstat(DB "/gen-8.AbCdEf", &sb) == -1 && errno == ENOENT);
	ASSERT(lstat(DB "/.current.tmp", &sb) == -1 && errno == ENOENT);
	ASSERT_INT_EQ(count_gens(), 2);
	bundle_seckey_free(sk);
}

/* Imports serialize on DB/lock: one waits while another holds it, and racing
 * imports leave one consistent directory. */
DEFINE_TEST(test_install_lock)
{
	struct bundle_seckey *sk = NULL;
	struct bundle_pubkey pk;
	struct install_opts o;
	struct install_state st;
	struct bundle *b = NULL;
	char name[64];
	pid_t pid, kids[6];
	int fd, status, i, ok = 0, stale = 0;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, make_key(&c, "k", &pk, &sk));
	for (i = 7; i <= 13; i++) {
		snprintf(name, sizeof(name), "b%d.db.zst", i);
		ASSERT_OK(&c, build_real(&c, sk, (uint64_t)i, NOW_2024, 30, name));
	}
	opts_init(&o, &pk, 1, NOW_2024 + 3600);
	ASSERT_OK(&c, install_import(&c, DB, "b7.db.zst", &o, &st, NULL));

	ASSERT((fd = open(DB "/lock", O_RDWR)) != -1);
	ASSERT(flock(fd, LOCK_EX) == 0);
	fflush(NULL);
	if ((pid = fork()) == 0) {
		/* the inherited descriptor shares the parent's lock: drop it, and never
		 * outlive a failed test by more than a few seconds */
		close(fd);
		alarm(10);
		_exit(install_import(&c, DB, "b8.db.zst", &o, NULL, NULL) == 0 ? 0 : 1);
	}
	ASSERT(pid > 0);
	usleep(300000);
	ASSERT_INT_EQ(waitpid(pid, &status, WNOHANG), 0);	/* still waiting */
	ASSERT_OK(&c, install_state_read(&c, DB, &st));
	ASSERT(st.serial == 7);
	close(fd);	/* releases the lock */
	ASSERT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0);
	ASSERT_OK(&c, install_state_read(&c, DB, &st));
	ASSERT(st.serial == 8);

	/* six imports at once: each succeeds or finds a newer serial installed */
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "b%d.db.zst", 8 + i);
		if ((kids[i] = fork()) == 0) {
			int r;

			alarm(30);
			r = install_import(&c, DB, name, &o, NULL, NULL);

			_exit(r == 0 ? 0 : r == E_STALE ? 3 : 1);
		}
		ASSERT(kids[i] > 0);
	}
	for (i = 0; i < 6; i++) {
		ASSERT(waitpid(kids[i], &status, 0) == kids[i] && WIFEXITED(status));
		ok += WEXITSTATUS(status) == 0;
		stale += WEXITSTATUS(status) == 3;
	}
	ASSERT_INT_EQ(ok + stale, 6);
	ASSERT_OK(&c, install_state_read(&c, DB, &st));
	ASSERT(st.serial == 13);
	ASSERT_INT_EQ(count_gens(), 2);
	ASSERT_OK(&c, install_open(&c, DB, NULL, &o, &b, NULL, NULL));
	ASSERT(bundle_get_meta(b)->serial == 13);
	bundle_close(b);
	bundle_seckey_free(sk);
}
