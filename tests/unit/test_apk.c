/*
 * test_apk.c - the apk installed-database reader on the real lib/apk/db/installed
 * of alpine:3.18.0 (tests/data/apk/alpine-3.18/, from google/osv-scalibr, with
 * the package set osv-scalibr's own test expects in expected.tsv), and on
 * small malformed databases.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

#define INSTALLED	"apk/alpine-3.18/lib/apk/db/installed"
#define EXPECTED	"apk/alpine-3.18/expected.tsv"

/* "name\tversion\tarch\torigin" per package, sorted, into b. */
static void
rows_of(const struct pkglist *l, struct sb *b)
{
	struct pkglist copy = { 0 };
	size_t i;

	for (i = 0; i < l->n; i++)
		pkglist_add(&copy, &l->v[i]);
	pkglist_sort(&copy);
	for (i = 0; i < copy.n; i++)
		sb_addf(b, "%s\t%s\t%s\t%s\n", copy.v[i].name, copy.v[i].version,
		    copy.v[i].arch ? copy.v[i].arch : "", copy.v[i].source_name);
	pkglist_free(&copy);
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* expected.tsv without its '#' header, its lines sorted, into b. */
static void
rows_of_tsv(const char *path, struct sb *b)
{
	size_t len, n = 0, i;
	char *text = (char *)test_slurp(path, &len), *p, *save = NULL, **lines;

	lines = calloc(len + 1, sizeof(*lines));
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		if (p[0] != '#')
			lines[n++] = p;
	qsort(lines, n, sizeof(*lines), line_cmp);
	for (i = 0; i < n; i++)
		sb_addf(b, "%s\n", lines[i]);
	free(lines);
	free(text);
}

static int
parse_str(struct ctx *c, const char *s, struct pkglist *l)
{
	ctx_init(c);
	return pkgdb_apk_parse(c, (const uint8_t *)s, strlen(s), 0, l);
}

DEFINE_TEST(test_apk_installed)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len, i;

	ctx_init(&c);
	buf = test_slurp(test_data(INSTALLED), &len);
	ASSERT_OK(&c, pkgdb_apk_parse(&c, buf, len, 2, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, 15);
	for (i = 0; i < l.n; i++) {
		ASSERT_INT_EQ(l.v[i].layer, 2);
		ASSERT_STR_EQ(l.v[i].ecosystem, "apk");
		/* a subpackage has its origin's version: source version = version */
		ASSERT_STR_EQ(l.v[i].source_version, l.v[i].version);
	}
	/* file order is kept: the first stanza is alpine-baselayout */
	ASSERT_STR_EQ(l.v[0].name, "alpine-baselayout");
	rows_of(&l, &got);
	rows_of_tsv(test_data(EXPECTED), &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	/* subpackages carry their origin: libssl3 and libcrypto3 come from openssl */
	for (i = 0; i < l.n; i++)
		if (strcmp(l.v[i].name, "libssl3") == 0)
			break;
	ASSERT(i < l.n);
	ASSERT_STR_EQ(l.v[i].source_name, "openssl");
	ASSERT_STR_EQ(l.v[i].version, "3.1.0-r4");
	ASSERT_STR_EQ(l.v[i].arch, "x86_64");
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

/* Through the reader table and a hand-made image: the path, the layer, errors
 * naming the layer. */
DEFINE_TEST(test_apk_via_image)
{
	struct image img;
	struct image_layer layers[2];
	struct image_file file;
	struct ctx c;
	struct pkglist l = { 0 };
	const char **want;
	size_t i;
	int found = 0, found_rel = 0;

	ctx_init(&c);
	want = pkgdb_want_paths();
	for (i = 0; want[i] != NULL; i++) {
		found += strcmp(want[i], "lib/apk/db/installed") == 0;
		found_rel += strcmp(want[i], "etc/alpine-release") == 0;
	}
	free(want);
	ASSERT_INT_EQ(found, 1);
	ASSERT_INT_EQ(found_rel, 1);

	memset(&img, 0, sizeof(img));
	memset(layers, 0, sizeof(layers));
	layers[1].digest = (char *)"sha256:0123456789abcdef0123456789abcdef";
	img.layers = layers;
	img.nlayers = 2;
	file.path = (char *)"lib/apk/db/installed";
	file.data = test_slurp(test_data(INSTALLED), &file.len);
	file.layer = 1;
	img.files = &file;
	img.nfiles = 1;
	ASSERT_OK(&c, pkgdb_read_all(&c, &img, &l));
	ASSERT_INT_EQ(l.n, 15);
	ASSERT_INT_EQ(l.v[0].layer, 1);
	/* sorted by pkgdb_read_all */
	ASSERT_STR_EQ(l.v[0].name, "alpine-baselayout");
	ASSERT_STR_EQ(l.v[14].name, "zlib");
	pkglist_free(&l);
	/* a broken database: the error names the layer and the file */
	free(file.data);
	file.data = (uint8_t *)strdup("P:musl\nV:1.2.4-r0\n\nP:zlib\n");
	file.len = strlen((char *)file.data);
	ASSERT_INT_EQ(pkgdb_read_all(&c, &img, &l), E_FORMAT);
	ASSERT_INT_EQ(l.n, 0);
	ASSERT(strstr(c.err, "layer 2 (sha256:0123456789ab): lib/apk/db/installed: line 4: "
	    "package zlib has no V (version) field") == c.err);
	free(file.data);
	pkglist_free(&l);
}

DEFINE_TEST(test_apk_fields)
{
	struct ctx c;
	struct pkglist l = { 0 };

	/* CRLF; o and A absent; unknown fields (and a C: before P:) skipped */
	ASSERT_OK(&c, parse_str(&c,
	    "C:Q1abc=\r\nP:a\r\nV:1.0-r0\r\nT:some: description\r\nF:usr/bin\r\nR:x\r\n\r\n"
	    "\n\nP:b\nV:2_rc1-r3\nA:aarch64\no:bsrc\n", &l));
	ASSERT_INT_EQ(l.n, 2);
	ASSERT_STR_EQ(l.v[0].name, "a");
	ASSERT_STR_EQ(l.v[0].version, "1.0-r0");
	ASSERT(l.v[0].arch == NULL);
	ASSERT_STR_EQ(l.v[0].source_name, "a");	/* no origin: its own name */
	ASSERT_STR_EQ(l.v[0].source_version, "1.0-r0");
	ASSERT_STR_EQ(l.v[1].arch, "aarch64");
	ASSERT_STR_EQ(l.v[1].source_name, "bsrc");
	ASSERT_STR_EQ(l.v[1].source_version, "2_rc1-r3");
	pkglist_free(&l);
	/* empty input and blank lines only: no packages, no error */
	ASSERT_OK(&c, parse_str(&c, "", &l));
	ASSERT_OK(&c, parse_str(&c, "\n\n\r\n", &l));
	ASSERT_INT_EQ(l.n, 0);
	/* an error keeps the caller's earlier packages and drops this file's */
	ASSERT_OK(&c, parse_str(&c, "P:keep\nV:1\n", &l));
	ASSERT_INT_EQ(parse_str(&c, "P:a\nV:1\n\nP:b\nV:1\nV:2\n", &l), E_FORMAT);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "keep");
	pkglist_free(&l);
}

DEFINE_TEST(test_apk_malformed)
{
	static const struct {
		const char *db;
		const char *msg;
	} bad[] = {
		{ "P:a\nV:1\nnot a field\n", "line 3: not a field" },
		{ "P:a\n:x\nV:1\n", "line 2: not a field" },
		{ "P:a\nV\n", "line 2: not a field" },
		{ "V:1\nA:x86_64\n", "line 1: package without a P (name) field" },
		{ "P:a\nA:x86_64\n\n", "package a has no V (version) field" },
		{ "P:a\nP:b\nV:1\n", "line 2: duplicate P (name) field" },
		{ "P:a\no:x\no:y\nV:1\n", "duplicate o (origin) field" },
		{ "P:a\nV:\n", "line 2: empty V (version)" },
		{ "P:a b\nV:1\n", "blank or control byte in P (name)" },
		{ "P:a\nV:1 \n", "blank or control byte in V (version)" },
		{ "P:a\nV:1\x1b[2J\n", "blank or control byte in V (version)" },
		{ " P:a\nV:1\n", "line 1: not a field" },
	};
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb big = SB_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse_str(&c, bad[i].db, &l);

		if (r != E_FORMAT || strstr(c.err, bad[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %d \"%s\", want E_FORMAT "
			    "\"%s\"", i, r, c.err, bad[i].msg);
			return;
		}
		ASSERT_INT_EQ(l.n, 0);
	}
	/* a NUL byte in a kept value */
	ctx_init(&c);
	ASSERT_INT_EQ(pkgdb_apk_parse(&c, (const uint8_t *)"P:a\0b\nV:1\n", 10, 0, &l),
	    E_FORMAT);
	/* limits: a line, a kept value, the stanza count, the size */
	sb_adds(&big, "P:a\nV:1\nT:");
	for (i = 0; i < 64 * 1024; i++)
		sb_addc(&big, 'x');
	ASSERT_INT_EQ(parse_str(&c, sb_str(&big), &l), E_LIMIT);
	ASSERT(strstr(c.err, "line 3 longer than APK_MAX_LINE") != NULL);
	sb_reset(&big);
	sb_adds(&big, "P:a\nV:");
	for (i = 0; i < 1025; i++)
		sb_addc(&big, '1');
	ASSERT_INT_EQ(parse_str(&c, sb_str(&big), &l), E_LIMIT);
	ASSERT(strstr(c.err, "V (version) longer than APK_MAX_VALUE") != NULL);
	/* 1024 is still fine */
	big.s[--big.len] = '\0';
	ASSERT_OK(&c, parse_str(&c, sb_str(&big), &l));
	ASSERT_INT_EQ(l.n, 1);
	pkglist_free(&l);
	sb_reset(&big);
	for (i = 0; i < 200001; i++)
		sb_adds(&big, "P:a\nV:1\n\n");
	ASSERT_INT_EQ(parse_str(&c, sb_str(&big), &l), E_LIMIT);
	ASSERT(strstr(c.err, "APK_MAX_STANZAS") != NULL);
	ASSERT_INT_EQ(l.n, 0);
	/* 200000 stanzas are read */
	big.len -= 9;
	big.s[big.len] = '\0';
	ASSERT_OK(&c, parse_str(&c, sb_str(&big), &l));
	ASSERT_INT_EQ(l.n, 200000);
	pkglist_free(&l);
	sb_free(&big);
	{
		size_t n = 64 * 1024 * 1024 + 1;
		uint8_t *huge = calloc(1, n);

		ASSERT(huge != NULL);
		ctx_init(&c);
		ASSERT_INT_EQ(pkgdb_apk_parse(&c, huge, n, 0, &l), E_LIMIT);
		free(huge);
		ASSERT(strstr(c.err, "APK_MAX_SIZE") != NULL);
	}
}

/* Every prefix of the real database, and deterministic byte flips: errors
 * are E_FORMAT or E_LIMIT with a message, and a failed parse appends nothing. */
DEFINE_TEST(test_apk_garbage)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *orig, *buf;
	size_t len, i;
	unsigned int seed = 4242;
	int r, ok = 0, bad = 0, k;

	orig = test_slurp(test_data(INSTALLED), &len);
	buf = malloc(len);
	for (i = 0; i <= len; i++) {
		ctx_init(&c);
		r = pkgdb_apk_parse(&c, orig, i, 0, &l);
		ASSERT(r == 0 || r == E_FORMAT);
		if (r == 0)
			ASSERT(l.n <= 15);
		else
			ASSERT(l.n == 0 && c.err[0] != '\0');
		pkglist_free(&l);
	}
	for (i = 0; i < 400; i++) {
		memcpy(buf, orig, len);
		for (k = 0; k < 4; k++)
			buf[rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
		ctx_init(&c);
		r = pkgdb_apk_parse(&c, buf, len, 0, &l);
		ASSERT(r == 0 || r == E_FORMAT || r == E_LIMIT);
		if (r == 0) {
			ASSERT(l.n <= 19);	/* a flipped byte can split a stanza */
			ok++;
		} else {
			ASSERT(l.n == 0 && c.err[0] != '\0');
			bad++;
		}
		pkglist_free(&l);
	}
	ASSERT(ok > 0 && bad > 0);
	free(buf);
	free(orig);
}
