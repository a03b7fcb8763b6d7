#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

/* "name\tversion\tarch\tsource\tsource_version" per package, sorted, into b. */
static void
rows_of(const struct pkglist *l, struct sb *b)
{
	struct pkglist copy = { 0 };
	size_t i;

	for (i = 0; i < l->n; i++)
		pkglist_add(&copy, &l->v[i]);
	pkglist_sort(&copy);
	for (i = 0; i < copy.n; i++)
		sb_addf(b, "%s\t%s\t%s\t%s\t%s\n", copy.v[i].name, copy.v[i].version,
		    copy.v[i].arch ? copy.v[i].arch : "", copy.v[i].source_name,
		    copy.v[i].source_version);
	pkglist_free(&copy);
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* An expected.tsv without its '#' header, its lines sorted, into b. */
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

DEFINE_TEST(test_dpkg_ubuntu_status)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len, i;

	ctx_init(&c);
	buf = test_slurp(test_data("dpkg/ubuntu-18.04/status"), &len);
	ASSERT_OK(&c, pkgdb_dpkg_parse(&c, buf, len, 1, 3, &l));
	free(buf);
	/* 91 stanzas, one of them "deinstall ok config-files" */
	ASSERT_INT_EQ(l.n, 90);
	for (i = 0; i < l.n; i++) {
		ASSERT_INT_EQ(l.v[i].layer, 3);
		ASSERT_STR_EQ(l.v[i].ecosystem, "deb");
	}
	rows_of(&l, &got);
	rows_of_tsv(test_data("dpkg/ubuntu-18.04/expected.tsv"), &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

DEFINE_TEST(test_dpkg_source_with_version)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len;

	ctx_init(&c);
	buf = test_slurp(test_data("dpkg/debian-10-postgresql-excerpt/status"), &len);
	ASSERT_OK(&c, pkgdb_dpkg_parse(&c, buf, len, 1, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, 3);
	/* "Source: postgresql-common (200+deb10u5)" under Version 11+200+deb10u5 */
	ASSERT_STR_EQ(l.v[0].name, "postgresql-client");
	ASSERT_STR_EQ(l.v[0].version, "11+200+deb10u5");
	ASSERT_STR_EQ(l.v[0].source_name, "postgresql-common");
	ASSERT_STR_EQ(l.v[0].source_version, "200+deb10u5");
	rows_of(&l, &got);
	rows_of_tsv(test_data("dpkg/debian-10-postgresql-excerpt/expected.derived.tsv"), &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

/* A distroless status.d/ seen through a hand-made image (files in image order). */
DEFINE_TEST(test_dpkg_distroless_status_d)
{
	static const char *const names[] = {
		"libsqlite3-0", "libsqlite3-0.md5sums", "libsqlite3-0.preinst",
	};
	struct image img;
	struct image_file files[3];
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT, p = SB_INIT;
	size_t i, first;

	ctx_init(&c);
	memset(&img, 0, sizeof(img));
	for (i = 0; i < 3; i++) {
		sb_reset(&p);
		sb_addf(&p, "dpkg/distroless-debian-11-arm64/var/lib/dpkg/status.d/%s", names[i]);
		files[i].data = test_slurp(test_data(sb_str(&p)), &files[i].len);
		sb_reset(&p);
		sb_addf(&p, "var/lib/dpkg/status.d/%s", names[i]);
		files[i].path = strdup(sb_str(&p));
		files[i].layer = 1;
	}
	img.files = files;
	img.nfiles = 3;
	ASSERT_INT_EQ(image_dir(&img, "var/lib/dpkg/status.d/", &first), 3);
	ASSERT_INT_EQ(first, 0);
	ASSERT_OK(&c, pkgdb_read_all(&c, &img, &l));
	ASSERT_INT_EQ(l.n, 1);	/* .md5sums and .preinst are not stanzas */
	ASSERT_INT_EQ(l.v[0].layer, 1);
	rows_of(&l, &got);
	rows_of_tsv(test_data("dpkg/distroless-debian-11-arm64/expected.tsv"), &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	for (i = 0; i < 3; i++) {
		free(files[i].data);
		free(files[i].path);
	}
	sb_free(&got);
	sb_free(&want);
	sb_free(&p);
	pkglist_free(&l);
}

static int
parse_str(struct ctx *c, const char *s, int want_status, struct pkglist *l)
{
	return pkgdb_dpkg_parse(c, (const uint8_t *)s, strlen(s), want_status, 0, l);
}

DEFINE_TEST(test_dpkg_status_words)
{
	struct ctx c;
	struct pkglist l = { 0 };

	ctx_init(&c);
	/* CRLF, continuation lines, a status.d-less stanza without Status */
	ASSERT_OK(&c, parse_str(&c,
	    "Package: a\r\nStatus: install ok installed\r\nVersion: 1:2.0-1\r\n"
	    "Description: x\r\n more\r\n .\r\n\r\n"
	    "Package: b\nStatus: deinstall ok config-files\nVersion: 1\n\n"
	    "Package: c\nStatus: install ok half-configured\nVersion: 2\nArchitecture: amd64\n\n"
	    "Package: d\nStatus: purge ok not-installed\n\n"
	    "Package: e\nVersion: 3\n\n"
	    "package: f\nstatus: hold ok triggers-pending\nversion: 4\n", 1, &l));
	ASSERT_INT_EQ(l.n, 3);
	ASSERT_STR_EQ(l.v[0].name, "a");
	ASSERT_STR_EQ(l.v[0].version, "1:2.0-1");
	ASSERT(l.v[0].arch == NULL);
	ASSERT_STR_EQ(l.v[0].source_name, "a");
	ASSERT_STR_EQ(l.v[0].source_version, "1:2.0-1");
	ASSERT_STR_EQ(l.v[1].name, "c");
	ASSERT_STR_EQ(l.v[1].arch, "amd64");
	ASSERT_STR_EQ(l.v[2].name, "f");
	pkglist_free(&l);
	/* without Status wanted (status.d), a Status-less stanza counts */
	ASSERT_OK(&c, parse_str(&c, "Package: e\nVersion: 3\nSource: src\n", 0, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].source_name, "src");
	ASSERT_STR_EQ(l.v[0].source_version, "3");
	pkglist_free(&l);
}

DEFINE_TEST(test_dpkg_malformed)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb big = SB_INIT;
	size_t i;

	ctx_init(&c);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nStatus: install ok installed\n\n", 1, &l),
	    E_FORMAT);	/* installed without Version */
	ASSERT(strstr(c.err, "no Version") != NULL);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nVersion: 1\nSource: s (1\n", 0, &l), E_FORMAT);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nVersion: 1\nSource: s ()\n", 0, &l), E_FORMAT);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nVersion: 1\nVersion: 2\n", 0, &l), E_FORMAT);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nStatus: install ok\nVersion: 1\n", 1, &l),
	    E_FORMAT);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nthis is not a field\n", 1, &l), E_FORMAT);
	ASSERT(strstr(c.err, "line 2") != NULL);
	ASSERT_INT_EQ(parse_str(&c, "Version: 1\n", 0, &l), E_FORMAT);
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nVersion: 1\x1b[2J\n", 0, &l), E_FORMAT);
	/* an error keeps nothing of the file: the first stanza was fine */
	ASSERT_INT_EQ(parse_str(&c, "Package: a\nVersion: 1\n\nPackage: b\n", 0, &l), E_FORMAT);
	ASSERT_INT_EQ(l.n, 0);
	/* an overlong line */
	sb_adds(&big, "Package: a\nDescription: ");
	for (i = 0; i < 70000; i++)
		sb_addc(&big, 'x');
	sb_adds(&big, "\nVersion: 1\n");
	ASSERT_INT_EQ(parse_str(&c, sb_str(&big), 0, &l), E_LIMIT);
	ASSERT(strstr(c.err, "DPKG_MAX_LINE") != NULL);
	/* an overlong kept value */
	sb_reset(&big);
	sb_adds(&big, "Package: a\nVersion: ");
	for (i = 0; i < 2000; i++)
		sb_addc(&big, '1');
	ASSERT_INT_EQ(parse_str(&c, sb_str(&big), 0, &l), E_LIMIT);
	ASSERT(strstr(c.err, "DPKG_MAX_VALUE") != NULL);
	sb_free(&big);
	pkglist_free(&l);
}

/* Deterministic truncations and bit flips of a real status file: errors are
 * E_FORMAT or E_LIMIT, and a failed parse appends nothing. */
DEFINE_TEST(test_dpkg_garbage)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *orig, *buf;
	size_t len, i, cut;
	unsigned int seed = 12345;
	int r, ok = 0, bad = 0;

	ctx_init(&c);
	orig = test_slurp(test_data("dpkg/ubuntu-18.04/status"), &len);
	buf = malloc(len);
	for (i = 0; i < 400; i++) {
		memcpy(buf, orig, len);
		cut = len;
		if (i % 2 == 0)
			cut = (size_t)(rand_r(&seed) % (unsigned int)len);
		else {
			int k;

			for (k = 0; k < 8; k++)
				buf[rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
		}
		r = pkgdb_dpkg_parse(&c, buf, cut, 1, 0, &l);
		ASSERT(r == 0 || r == E_FORMAT || r == E_LIMIT);
		if (r == 0) {
			ASSERT(l.n <= 91);
			ok++;
		} else {
			ASSERT_INT_EQ(l.n, 0);
			ASSERT(c.err[0] != '\0');
			bad++;
		}
		pkglist_free(&l);
	}
	ASSERT(ok > 0 && bad > 0);
	/* pure noise */
	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)rand_r(&seed);
	r = pkgdb_dpkg_parse(&c, buf, len, 1, 0, &l);
	ASSERT(r == E_FORMAT || r == E_LIMIT);
	ASSERT_INT_EQ(l.n, 0);
	free(buf);
	free(orig);
}

/* A large real status (Ubuntu 18.04 with TeX Live): every stanza against the
 * corpus's expectation, which was cross-checked with dpkg-query. */
DEFINE_TEST(test_dpkg_ubuntu_texlive)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len;

	ctx_init(&c);
	buf = test_slurp(test_data("dpkg/ubuntu-18.04-texlive/status"), &len);
	ASSERT_OK(&c, pkgdb_dpkg_parse(&c, buf, len, 1, 0, &l));
	free(buf);
	rows_of(&l, &got);
	rows_of_tsv(test_data("dpkg/ubuntu-18.04-texlive/expected.derived.tsv"), &want);
	ASSERT_INT_EQ(l.n, 357);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}
