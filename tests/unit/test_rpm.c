#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"
#include "test.h"

/*
 * The rpm databases of tests/data/rpm/ (real ones; the big ones stored
 * zstd-compressed and decompressed here in memory), each checked against its
 * expected set and, where Debian's rpm can read it (bdb_ro, sqlite; it has no
 * NDB backend), against `rpm -qa` run on a copy in the test's directory.
 */

typedef int (*parse_fn)(struct ctx *, const uint8_t *, size_t, int, struct pkglist *);

struct fixture {
	const char *db;		/* under tests/data/rpm/ */
	const char *expected;	/* name epoch version release arch, under tests/data/rpm/ */
	parse_fn parse;
	size_t n;		/* packages */
	const char *rpm_backend;	/* _db_backend for rpm -qa, NULL: rpm cannot read it */
	const char *rpm_file;		/* the file name rpm looks for in --dbpath */
};

static const struct fixture fixtures[] = {
	{ "bdb/rhel-8-libuuid/Packages", "bdb/rhel-8-libuuid/expected.tsv",
	    pkgdb_rpm_parse_bdb, 1, "bdb_ro", "Packages" },
	{ "bdb/rhel-8-libuuid-be/Packages", "bdb/rhel-8-libuuid/expected.tsv",
	    pkgdb_rpm_parse_bdb, 1, "bdb_ro", "Packages" },
	{ "bdb/sles-12sp4/Packages.zst", "bdb/sles-12sp4/expected.derived.tsv",
	    pkgdb_rpm_parse_bdb, 108, "bdb_ro", "Packages" },
	{ "ndb/sle-15-bci/Packages.db.zst", "ndb/sle-15-bci/expected.tsv",
	    pkgdb_rpm_parse_ndb, 35, NULL, NULL },
	{ "sqlite/cbl-mariner-2.0/rpmdb.sqlite.zst", "sqlite/cbl-mariner-2.0/expected.derived.tsv",
	    pkgdb_rpm_parse_sqlite, 129, "sqlite", "rpmdb.sqlite" },
};
enum { FX_RHEL, FX_RHEL_BE, FX_SLES, FX_SLE15, FX_MARINER, FX_N };

/* A file of tests/data/rpm/, decompressed when it ends in ".zst". Caller frees. */
static uint8_t *
load(const char *rel, size_t *len)
{
	struct sb p = SB_INIT;
	uint8_t *raw, *out;
	unsigned long long n;
	size_t rawlen, got;

	sb_addf(&p, "rpm/%s", rel);
	raw = test_slurp(test_data(sb_str(&p)), &rawlen);
	sb_free(&p);
	if (strlen(rel) < 4 || strcmp(rel + strlen(rel) - 4, ".zst") != 0) {
		*len = rawlen;
		return raw;
	}
	n = ZSTD_getFrameContentSize(raw, rawlen);
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > (64u << 20)) {
		fprintf(stderr, "test_rpm: %s: not a sized zstd frame\n", rel);
		abort();
	}
	out = malloc(n ? n : 1);
	got = ZSTD_decompress(out, n, raw, rawlen);
	if (ZSTD_isError(got) || got != n) {
		fprintf(stderr, "test_rpm: %s: zstd: %s\n", rel, ZSTD_getErrorName(got));
		abort();
	}
	free(raw);
	*len = n;
	return out;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The lines of text (modified), without '#' lines, sorted, into b. */
static void
sorted_lines(char *text, struct sb *b)
{
	char **lines, *p, *save = NULL;
	size_t n = 0, i;

	lines = calloc(strlen(text) + 1, sizeof(*lines));
	for (p = strtok_r(text, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
		if (p[0] != '#')
			lines[n++] = p;
	qsort(lines, n, sizeof(*lines), line_cmp);
	for (i = 0; i < n; i++)
		sb_addf(b, "%s\n", lines[i]);
	free(lines);
}

/* Appends "EPOCH\tVERSION\tRELEASE" of an rpm "[E:]V-R" ("(none)" without epoch). */
static void
add_evr(struct sb *b, const char *evr)
{
	const char *colon = strchr(evr, ':'), *v = evr, *dash;

	if (colon != NULL) {
		sb_add(b, evr, (size_t)(colon - evr));
		v = colon + 1;
	} else
		sb_adds(b, "(none)");
	dash = strrchr(v, '-');
	if (dash == NULL)
		dash = v + strlen(v);
	sb_addc(b, '\t');
	sb_add(b, v, (size_t)(dash - v));
	sb_addf(b, "\t%s", *dash ? dash + 1 : "");
}

/* "name\tepoch\tversion\trelease\tarch" per package, sorted, as expected*.tsv. */
static void
rows_of(const struct pkglist *l, struct sb *b)
{
	struct sb all = SB_INIT;
	size_t i;

	for (i = 0; i < l->n; i++) {
		sb_addf(&all, "%s\t", l->v[i].name);
		add_evr(&all, l->v[i].version);
		sb_addf(&all, "\t%s\n", l->v[i].arch ? l->v[i].arch : "(none)");
	}
	if (all.len > 0)
		sorted_lines(all.s, b);
	sb_free(&all);
}

static void
rows_of_tsv(const char *rel, struct sb *b)
{
	size_t len;
	char *text = (char *)load(rel, &len);

	sorted_lines(text, b);
	free(text);
}

/* The version without its "EPOCH:" and the epoch prefix's length. */
static const char *
no_epoch(const char *v)
{
	const char *colon = strchr(v, ':');

	return colon ? colon + 1 : v;
}

static int
count_ch(const char *s, char ch)
{
	int n = 0;

	for (; *s; s++)
		n += *s == ch;
	return n;
}

/*
 * What every rpm package must look like: ecosystem, layer, a source whose
 * version is "[EPOCH:]V-R" with the package's own epoch (one '-': rpm allows
 * none in versions and releases, so the split is the only one possible).
 */
static void
check_pkgs(struct test *t, const struct pkglist *l, int layer)
{
	size_t i, el;

	for (i = 0; i < l->n; i++) {
		const struct pkg *p = &l->v[i];

		ASSERT_STR_EQ(p->ecosystem, "rpm");
		ASSERT_INT_EQ(p->layer, layer);
		ASSERT(p->source_name[0] != '\0');
		ASSERT_INT_EQ(count_ch(no_epoch(p->source_version), '-'), 1);
		el = (size_t)(no_epoch(p->version) - p->version);
		ASSERT_INT_EQ(no_epoch(p->source_version) - p->source_version, el);
		ASSERT(strncmp(p->version, p->source_version, el) == 0);
	}
}

/* Parses fixture i and compares with its expected set. */
static void
check_fixture(struct test *t, int i)
{
	const struct fixture *fx = &fixtures[i];
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len;

	ctx_init(&c);
	buf = load(fx->db, &len);
	ASSERT_OK(&c, fx->parse(&c, buf, len, 4, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, fx->n);
	check_pkgs(t, &l, 4);
	if (t->failed)
		return;
	rows_of(&l, &got);
	rows_of_tsv(fx->expected, &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

static const struct pkg *
find_pkg(const struct pkglist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	return NULL;
}

DEFINE_TEST(test_rpm_bdb_rhel8)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *buf;
	size_t len;

	check_fixture(t, FX_RHEL);
	if (t->failed)
		return;
	ctx_init(&c);
	buf = load(fixtures[FX_RHEL].db, &len);
	ASSERT_OK(&c, pkgdb_rpm_parse_bdb(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "libuuid");
	ASSERT_STR_EQ(l.v[0].version, "2.32.1-42.el8_8");
	ASSERT_STR_EQ(l.v[0].arch, "x86_64");
	ASSERT_STR_EQ(l.v[0].source_name, "util-linux");
	ASSERT_STR_EQ(l.v[0].source_version, "2.32.1-42.el8_8");
	pkglist_free(&l);
}

DEFINE_TEST(test_rpm_bdb_big_endian)
{
	check_fixture(t, FX_RHEL_BE);
}

DEFINE_TEST(test_rpm_bdb_sles12)
{
	struct ctx c;
	struct pkglist l = { 0 }, nokeys = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	const struct pkg *p;
	uint8_t *buf;
	size_t len, i, keys = 0;

	check_fixture(t, FX_SLES);
	if (t->failed)
		return;
	ctx_init(&c);
	buf = load(fixtures[FX_SLES].db, &len);
	ASSERT_OK(&c, pkgdb_rpm_parse_bdb(&c, buf, len, 0, &l));
	free(buf);
	/* the two gpg-pubkey pseudo-packages: kept, no arch, their own source */
	for (i = 0; i < l.n; i++) {
		p = &l.v[i];
		if (strcmp(p->name, "gpg-pubkey") != 0) {
			pkglist_add(&nokeys, p);
			continue;
		}
		keys++;
		ASSERT(p->arch == NULL);
		ASSERT_STR_EQ(p->source_name, "gpg-pubkey");
		ASSERT_STR_EQ(p->source_version, p->version);
	}
	ASSERT_INT_EQ(keys, 2);
	/* without them, exactly fossa-cli's expectations */
	rows_of(&nokeys, &got);
	rows_of_tsv("bdb/sles-12sp4/expected.tsv", &want);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	ASSERT((p = find_pkg(&l, "libgpg-error0")) != NULL);
	ASSERT_STR_EQ(p->source_name, "libgpg-error");
	ASSERT_STR_EQ(p->source_version, "1.13-1.79");
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
	pkglist_free(&nokeys);
}

DEFINE_TEST(test_rpm_ndb_sle15)
{
	struct ctx c;
	struct pkglist l = { 0 };
	const struct pkg *p;
	uint8_t *buf;
	size_t len;

	check_fixture(t, FX_SLE15);
	if (t->failed)
		return;
	ctx_init(&c);
	buf = load(fixtures[FX_SLE15].db, &len);
	ASSERT_OK(&c, pkgdb_rpm_parse_ndb(&c, buf, len, 0, &l));
	free(buf);
	ASSERT((p = find_pkg(&l, "libgpg-error0")) != NULL);
	ASSERT_STR_EQ(p->version, "1.29-1.8");
	ASSERT_STR_EQ(p->source_name, "libgpg-error");
	ASSERT_STR_EQ(p->source_version, "1.29-1.8");
	ASSERT((p = find_pkg(&l, "system-user-root")) != NULL);
	ASSERT_STR_EQ(p->arch, "noarch");
	pkglist_free(&l);
}

DEFINE_TEST(test_rpm_sqlite_mariner)
{
	struct ctx c;
	struct pkglist l = { 0 };
	const struct pkg *p;
	uint8_t *buf;
	size_t len;

	check_fixture(t, FX_MARINER);
	if (t->failed)
		return;
	ctx_init(&c);
	buf = load(fixtures[FX_MARINER].db, &len);
	ASSERT(buf[18] == 2 && buf[19] == 2);	/* written in WAL mode */
	ASSERT_OK(&c, pkgdb_rpm_parse_sqlite(&c, buf, len, 0, &l));
	ASSERT(buf[18] == 2 && buf[19] == 2);	/* the input is not written to */
	free(buf);
	/* epoch 1: in the version and in the source version */
	ASSERT((p = find_pkg(&l, "ca-certificates-base")) != NULL);
	ASSERT_STR_EQ(p->version, "1:2.0.0-1.cm2");
	ASSERT_STR_EQ(p->source_name, "ca-certificates");
	ASSERT_STR_EQ(p->source_version, "1:2.0.0-1.cm2");
	ASSERT((p = find_pkg(&l, "openssl-libs")) != NULL);
	ASSERT_STR_EQ(p->version, "1.1.1k-7.cm2");
	ASSERT_STR_EQ(p->source_name, "openssl");
	pkglist_free(&l);
}

/*
 * `rpm -qa` on fixture i, written to ./rpmdb-I/FILE: one line per package,
 * "NAME\tEVR\tARCH\tSOURCE", SOURCE being rpm's SOURCERPM, or when it has none
 * ("(none)": gpg-pubkey) NAME-V-R.src.rpm, which is what our source fields
 * say for a package that is its own source. Fails when rpm cannot be run.
 */
static void
rpm_qa(struct test *t, int i, struct sb *out)
{
	/* %|EPOCH?{...}| prints the epoch only when the tag is present */
	static const char qf[] = "'%{NAME}\\t%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\t%{ARCH}"
	    "\\t%{SOURCERPM}\\t%{VERSION}-%{RELEASE}\\n'";
	const struct fixture *fx = &fixtures[i];
	struct sb dir = SB_INIT, cmd = SB_INIT, all = SB_INIT;
	char cwd[4096], line[8192], *f[5], *save, *nl;
	uint8_t *buf;
	size_t len;
	FILE *fp;
	int st, k;

	ASSERT(getcwd(cwd, sizeof(cwd)) != NULL);
	sb_addf(&dir, "%s/rpmdb-%d", cwd, i);
	ASSERT(mkdir(sb_str(&dir), 0755) == 0);
	buf = load(fx->db, &len);
	sb_addf(&cmd, "%s/%s", sb_str(&dir), fx->rpm_file);
	fp = fopen(sb_str(&cmd), "wb");
	ASSERT(fp != NULL);
	ASSERT(fwrite(buf, 1, len, fp) == len);
	ASSERT(fclose(fp) == 0);
	free(buf);
	sb_reset(&cmd);
	sb_addf(&cmd, "rpm -qa --dbpath '%s' --define '_db_backend %s' --qf ", sb_str(&dir),
	    fx->rpm_backend);
	sb_adds(&cmd, qf);
	sb_adds(&cmd, " 2>/dev/null");
	fp = popen(sb_str(&cmd), "r");
	ASSERT(fp != NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if ((nl = strchr(line, '\n')) != NULL)
			*nl = '\0';
		save = NULL;
		for (k = 0; k < 5; k++)
			f[k] = strtok_r(k ? NULL : line, "\t", &save);
		if (f[4] == NULL)
			continue;	/* the assertion on the count below fails */
		if (strcmp(f[3], "(none)") == 0)
			sb_addf(&all, "%s\t%s\t%s\t%s-%s.src.rpm\n", f[0], f[1], f[2], f[0], f[4]);
		else
			sb_addf(&all, "%s\t%s\t%s\t%s\n", f[0], f[1], f[2], f[3]);
	}
	st = pclose(fp);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		test_fail(t, __FILE__, __LINE__, "`%s` failed (status %d): is Debian's rpm "
		    "installed?", sb_str(&cmd), st);
		return;
	}
	ASSERT(all.len > 0);
	sorted_lines(all.s, out);
	sb_free(&dir);
	sb_free(&cmd);
	sb_free(&all);
}

/* Our packages as rpm_qa() prints them. */
static void
ours_qa(const struct pkglist *l, struct sb *out)
{
	struct sb all = SB_INIT;
	size_t i;

	for (i = 0; i < l->n; i++)
		sb_addf(&all, "%s\t%s\t%s\t%s-%s.src.rpm\n", l->v[i].name, l->v[i].version,
		    l->v[i].arch ? l->v[i].arch : "(none)", l->v[i].source_name,
		    no_epoch(l->v[i].source_version));
	sorted_lines(all.s, out);
	sb_free(&all);
}

static void
compare_with_rpm(struct test *t, int i)
{
	struct ctx c;
	struct pkglist l = { 0 };
	struct sb got = SB_INIT, want = SB_INIT;
	uint8_t *buf;
	size_t len;

	ctx_init(&c);
	rpm_qa(t, i, &want);
	if (t->failed)
		return;
	buf = load(fixtures[i].db, &len);
	ASSERT_OK(&c, fixtures[i].parse(&c, buf, len, 0, &l));
	free(buf);
	ASSERT_INT_EQ(l.n, fixtures[i].n);
	check_pkgs(t, &l, 0);
	if (t->failed)
		return;
	ours_qa(&l, &got);
	ASSERT_STR_EQ(sb_str(&got), sb_str(&want));
	sb_free(&got);
	sb_free(&want);
	pkglist_free(&l);
}

DEFINE_TEST(test_rpm_vs_rpm_bdb)
{
	compare_with_rpm(t, FX_RHEL);
	if (!t->failed)
		compare_with_rpm(t, FX_RHEL_BE);
	if (!t->failed)
		compare_with_rpm(t, FX_SLES);
}

DEFINE_TEST(test_rpm_vs_rpm_sqlite)
{
	compare_with_rpm(t, FX_MARINER);
}

/* ---- header blobs --------------------------------------------------------- */

/* The blob of row hnum of the mariner rpmdb.sqlite, read with SQLite here. */
static uint8_t *
mariner_blob(int hnum, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	uint8_t *buf, *out = NULL;
	size_t n;

	*len = 0;
	buf = load(fixtures[FX_MARINER].db, &n);
	copy = sqlite3_malloc64(n);
	memcpy(copy, buf, n);
	free(buf);
	copy[18] = copy[19] = 1;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_deserialize(db, "main", copy, (sqlite3_int64)n, (sqlite3_int64)n,
	    SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT blob FROM Packages WHERE hnum = ?1", -1, &st,
	    NULL) != SQLITE_OK)
		abort();
	sqlite3_bind_int(st, 1, hnum);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*len = (size_t)sqlite3_column_bytes(st, 0);
		out = malloc(*len);
		memcpy(out, sqlite3_column_blob(st, 0), *len);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return out;
}

/* The root page number of the Packages table of the mariner rpmdb.sqlite. */
static long
mariner_rootpage(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	uint8_t *buf;
	size_t n;
	long root = -1;

	buf = load(fixtures[FX_MARINER].db, &n);
	copy = sqlite3_malloc64(n);
	memcpy(copy, buf, n);
	free(buf);
	copy[18] = copy[19] = 1;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_deserialize(db, "main", copy, (sqlite3_int64)n, (sqlite3_int64)n,
	    SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT rootpage FROM sqlite_master WHERE name = 'Packages'",
	    -1, &st, NULL) != SQLITE_OK)
		abort();
	if (sqlite3_step(st) == SQLITE_ROW)
		root = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return root;
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The index entry of tag in a blob, or NULL. */
static uint8_t *
entry_of(uint8_t *blob, uint32_t tag)
{
	uint32_t il = rd32(blob), i;

	for (i = 0; i < il; i++)
		if (rd32(blob + 8 + 16 * i) == tag)
			return blob + 8 + 16 * i;
	return NULL;
}

DEFINE_TEST(test_rpm_header_fields)
{
	struct ctx c;
	struct rpm_hdr h;
	uint8_t *blob;
	size_t len;

	ctx_init(&c);
	blob = mariner_blob(89, &len);
	ASSERT(blob != NULL);
	ASSERT_OK(&c, rpm_hdr_parse(&c, blob, len, &h));
	ASSERT_STR_EQ(h.name, "ca-certificates-base");
	ASSERT_STR_EQ(h.version, "2.0.0");
	ASSERT_STR_EQ(h.release, "1.cm2");
	ASSERT(h.has_epoch);
	ASSERT_INT_EQ(h.epoch, 1);
	ASSERT_STR_EQ(h.arch, "noarch");
	ASSERT_STR_EQ(h.sourcerpm, "ca-certificates-2.0.0-1.cm2.src.rpm");
	ASSERT_STR_EQ(h.vendor, "Microsoft Corporation");
	ASSERT(h.modularitylabel == NULL);
	/* strings point into the blob's data store */
	ASSERT((const uint8_t *)h.name > blob && (const uint8_t *)h.name < blob + len);
	free(blob);
	blob = mariner_blob(1, &len);
	ASSERT_OK(&c, rpm_hdr_parse(&c, blob, len, &h));
	ASSERT_STR_EQ(h.name, "mariner-release");
	ASSERT(!h.has_epoch);
	free(blob);
}

/* A synthetic header: (tag, type, data, data length, count) entries in order. */
struct hent {
	uint32_t tag, type;
	const void *data;
	size_t len;
	uint32_t count;
};

static void
hdr_build(const struct hent *e, size_t n, struct sb *out)
{
	static const unsigned int align[] = { 1, 1, 1, 2, 4, 8, 1, 1, 1, 1 };
	struct sb data = SB_INIT;
	uint8_t w[16];
	size_t i;

	sb_reset(out);
	wr32(w, (uint32_t)n);
	sb_add(out, (const char *)w, 4);
	sb_add(out, (const char *)w, 4);	/* dl, set below */
	for (i = 0; i < n; i++) {
		while (data.len % align[e[i].type < 10 ? e[i].type : 0] != 0)
			sb_addc(&data, '\0');
		wr32(w, e[i].tag);
		wr32(w + 4, e[i].type);
		wr32(w + 8, (uint32_t)data.len);
		wr32(w + 12, e[i].count);
		sb_add(out, (const char *)w, 16);
		sb_add(&data, e[i].data, e[i].len);
	}
	wr32((uint8_t *)out->s + 4, (uint32_t)data.len);
	if (data.len > 0)
		sb_add(out, data.s, data.len);
	sb_free(&data);
}

#define S(tag, s) { tag, 6, s, sizeof(s), 1 }

/* Parses a header with the given SOURCERPM (NULL: none) and epoch (-1: none). */
static int
src_of(struct ctx *c, const char *srpm, long epoch, struct pkglist *l)
{
	static const uint8_t e0[4] = { 0, 0, 0, 0 };
	uint8_t eb[4];
	struct hent e[6] = {
		S(1000, "pkg"), S(1001, "1.2"), S(1002, "3.el9"),
	};
	struct sb b = SB_INIT;
	size_t n = 3;
	int r;

	if (epoch >= 0) {
		wr32(eb, (uint32_t)epoch);
		e[n++] = (struct hent){ 1003, 4, epoch == 0 ? e0 : eb, 4, 1 };
	}
	e[n++] = (struct hent)S(1022, "x86_64");
	if (srpm != NULL)
		e[n++] = (struct hent){ 1044, 6, srpm, strlen(srpm) + 1, 1 };
	hdr_build(e, n, &b);
	r = pkgdb_rpm_parse_header(c, (const uint8_t *)b.s, b.len, 0, l);
	sb_free(&b);
	return r;
}

DEFINE_TEST(test_rpm_header_source_forms)
{
	static const struct {
		const char *srpm;
		long epoch;
		const char *version, *src, *src_version;
	} cases[] = {
		{ "a-1-2.src.rpm", -1, "1.2-3.el9", "a", "1-2" },
		{ "foo-bar-1.0-3.el8.nosrc.rpm", -1, "1.2-3.el9", "foo-bar", "1.0-3.el8" },
		{ "perl-DBI-1.641-4.module+el8+2701+78cee6b5.src.rpm", 7, "7:1.2-3.el9",
		    "perl-DBI", "7:1.641-4.module+el8+2701+78cee6b5" },
		{ "a-1-2.src.rpm", 0, "0:1.2-3.el9", "a", "0:1-2" },
		/* not NAME-VERSION-RELEASE.src.rpm: the package is its own source */
		{ NULL, -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ "weird.src.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ "x-1.src.rpm", 2, "2:1.2-3.el9", "pkg", "2:1.2-3.el9" },
		{ "-1-2.src.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ "a--2.src.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ "a-1-.src.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ "a-1-2.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
		{ ".src.rpm", -1, "1.2-3.el9", "pkg", "1.2-3.el9" },
	};
	struct ctx c;
	struct pkglist l = { 0 };
	size_t i;

	ctx_init(&c);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_OK(&c, src_of(&c, cases[i].srpm, cases[i].epoch, &l));
		ASSERT_INT_EQ(l.n, 1);
		ASSERT_STR_EQ(l.v[0].version, cases[i].version);
		ASSERT_STR_EQ(l.v[0].source_name, cases[i].src);
		ASSERT_STR_EQ(l.v[0].source_version, cases[i].src_version);
		ASSERT_STR_EQ(l.v[0].arch, "x86_64");
		pkglist_free(&l);
	}
}

DEFINE_TEST(test_rpm_header_modularity)
{
	static const uint8_t big[4] = { 0xff, 0xff, 0xff, 0xfe };
	const struct hent e[] = {
		S(1000, "nodejs"), S(1001, "10.21.0"), S(1002, "3.module_el8.2.0+391+8da3adc6"),
		{ 1003, 4, big, 4, 1 }, S(1011, "Red Hat, Inc."), S(1022, "x86_64"),
		S(1044, "nodejs-10.21.0-3.module_el8.2.0+391+8da3adc6.src.rpm"),
		S(5096, "nodejs:10:8020020200707141642:6a468ee4"),
	};
	struct ctx c;
	struct rpm_hdr h;
	struct pkglist l = { 0 };
	struct sb b = SB_INIT;

	ctx_init(&c);
	hdr_build(e, sizeof(e) / sizeof(e[0]), &b);
	ASSERT_OK(&c, rpm_hdr_parse(&c, (const uint8_t *)b.s, b.len, &h));
	ASSERT_STR_EQ(h.modularitylabel, "nodejs:10:8020020200707141642:6a468ee4");
	ASSERT_STR_EQ(h.vendor, "Red Hat, Inc.");
	ASSERT_INT_EQ(h.epoch, 4294967294u);	/* rpm prints INT32 tags unsigned */
	ASSERT_OK(&c, pkgdb_rpm_parse_header(&c, (const uint8_t *)b.s, b.len, 0, &l));
	ASSERT_STR_EQ(l.v[0].version, "4294967294:10.21.0-3.module_el8.2.0+391+8da3adc6");
	ASSERT_STR_EQ(l.v[0].source_version,
	    "4294967294:10.21.0-3.module_el8.2.0+391+8da3adc6");
	sb_free(&b);
	pkglist_free(&l);
}

/* rpm_hdr_parse on a copy of blob changed by fn must fail with code and msg. */
static void
expect_bad(struct test *t, const uint8_t *blob, size_t len, size_t newlen,
    void (*fn)(uint8_t *, size_t), int code, const char *msg)
{
	struct ctx c;
	struct rpm_hdr h;
	struct pkglist l = { 0 };
	uint8_t *b = malloc(len);
	int r;

	ctx_init(&c);
	memcpy(b, blob, len);
	if (fn != NULL)
		fn(b, len);
	r = rpm_hdr_parse(&c, b, newlen, &h);
	if (r != code || strstr(c.err, msg) == NULL) {
		test_fail(t, __FILE__, __LINE__, "want %s \"%s\", got %s \"%s\"",
		    ctx_code_name(code), msg, ctx_code_name(r), c.err);
		free(b);
		return;
	}
	ASSERT_INT_EQ(pkgdb_rpm_parse_header(&c, b, newlen, 0, &l), code);
	ASSERT_INT_EQ(l.n, 0);
	free(b);
}

static void
m_il0(uint8_t *b, size_t n)
{
	(void)n;
	wr32(b, 0);
}

static void
m_ilbig(uint8_t *b, size_t n)
{
	(void)n;
	wr32(b, 70000);
}

static void
m_dlbig(uint8_t *b, size_t n)
{
	(void)n;
	wr32(b + 4, 0x7fffffff);
}

static void
m_dlone(uint8_t *b, size_t n)
{
	(void)n;
	wr32(b + 4, rd32(b + 4) + 1);
}

static void
m_name_off(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1000) + 8, rd32(b + 4) + 1);
}

static void
m_name_type(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1000) + 4, 7);
}

static void
m_type10(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1000) + 4, 10);
}

static void
m_count0(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1002) + 12, 0);
}

static void
m_epoch_align(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1003) + 8, rd32(entry_of(b, 1003) + 8) + 2);
}

static void
m_epoch_type(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1003) + 4, 3);
}

static void
m_dup_name(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1001), 1000);
}

static void
m_no_release(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1002), 1);
}

static void
m_no_name(uint8_t *b, size_t n)
{
	(void)n;
	wr32(entry_of(b, 1000), 1);
}

static void
m_ctrl(uint8_t *b, size_t n)
{
	uint32_t il = rd32(b);

	(void)n;
	b[8 + 16 * il + rd32(entry_of(b, 1000) + 8)] = 0x1b;
}

/* NAME points at the last data byte, made non-NUL. */
static void
m_unterminated(uint8_t *b, size_t n)
{
	uint32_t dl = rd32(b + 4);

	b[n - 1] = 'x';
	wr32(entry_of(b, 1000) + 8, dl - 1);
}

/* An INT32 array running past the data. */
static void
m_int_past(uint8_t *b, size_t n)
{
	uint8_t *e = entry_of(b, 1003);

	(void)n;
	wr32(e + 12, rd32(b + 4) / 4);
}

DEFINE_TEST(test_rpm_header_malformed)
{
	uint8_t *blob;
	size_t len;

	blob = mariner_blob(89, &len);	/* ca-certificates-base: it has an EPOCH */
	ASSERT(blob != NULL);
	expect_bad(t, blob, len, 7, NULL, E_FORMAT, "shorter than its intro");
	expect_bad(t, blob, len, len - 1, NULL, E_FORMAT, "entries and");
	expect_bad(t, blob, len, len, m_dlone, E_FORMAT, "entries and");
	expect_bad(t, blob, len, len, m_il0, E_FORMAT, "no index entries");
	expect_bad(t, blob, len, len, m_ilbig, E_LIMIT, "RPMHDR_MAX_ENTRIES");
	expect_bad(t, blob, len, len, m_dlbig, E_LIMIT, "RPMHDR_MAX_SIZE");
	expect_bad(t, blob, len, len, m_name_off, E_FORMAT, "past the");
	expect_bad(t, blob, len, len, m_name_type, E_FORMAT, "NAME has type 7");
	expect_bad(t, blob, len, len, m_type10, E_FORMAT, "unknown type 10");
	expect_bad(t, blob, len, len, m_count0, E_FORMAT, "bad count 0");
	expect_bad(t, blob, len, len, m_epoch_align, E_FORMAT, "not aligned");
	expect_bad(t, blob, len, len, m_epoch_type, E_FORMAT, "EPOCH has type 3");
	expect_bad(t, blob, len, len, m_int_past, E_FORMAT, "run past the data");
	expect_bad(t, blob, len, len, m_dup_name, E_FORMAT, "duplicate NAME");
	expect_bad(t, blob, len, len, m_no_release, E_FORMAT, "has no RELEASE");
	expect_bad(t, blob, len, len, m_no_name, E_FORMAT, "no NAME");
	expect_bad(t, blob, len, len, m_ctrl, E_FORMAT, "control byte in NAME");
	expect_bad(t, blob, len, len, m_unterminated, E_FORMAT, "not NUL-terminated");
	free(blob);
}

DEFINE_TEST(test_rpm_header_limits)
{
	struct hent e[3] = { S(1000, "a"), S(1001, "1"), S(1002, "1") };
	struct ctx c;
	struct rpm_hdr h;
	struct sb b = SB_INIT;
	char *big = malloc(5000);

	ctx_init(&c);
	memset(big, 'v', 4999);
	big[4999] = '\0';
	e[1].data = big;
	e[1].len = 5000;
	hdr_build(e, 3, &b);
	ASSERT_INT_EQ(rpm_hdr_parse(&c, (const uint8_t *)b.s, b.len, &h), E_LIMIT);
	ASSERT(strstr(c.err, "VERSION longer than RPMHDR_MAX_STRING") != NULL);
	big[4096] = '\0';	/* 4096 bytes: the limit itself is fine */
	e[1].len = 4097;
	hdr_build(e, 3, &b);
	ASSERT_OK(&c, rpm_hdr_parse(&c, (const uint8_t *)b.s, b.len, &h));
	ASSERT_INT_EQ(strlen(h.version), 4096);
	/* an empty NAME */
	e[0] = (struct hent)S(1000, "");
	hdr_build(e, 3, &b);
	ASSERT_INT_EQ(rpm_hdr_parse(&c, (const uint8_t *)b.s, b.len, &h), E_FORMAT);
	free(big);
	sb_free(&b);
}

/* ---- malformed databases -------------------------------------------------- */

/* parse on a copy of buf changed by fn (and cut to newlen) fails with code, msg. */
static void
expect_db_bad(struct test *t, parse_fn parse, const uint8_t *buf, size_t len, size_t newlen,
    void (*fn)(uint8_t *, size_t, long), long arg, int code, const char *msg)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *b = malloc(len);
	int r;

	ctx_init(&c);
	memcpy(b, buf, len);
	if (fn != NULL)
		fn(b, len, arg);
	r = parse(&c, b, newlen, 0, &l);
	if (r != code || strstr(c.err, msg) == NULL)
		test_fail(t, __FILE__, __LINE__, "want %s \"%s\", got %s \"%s\"",
		    ctx_code_name(code), msg, ctx_code_name(r), c.err);
	else if (l.n != 0)
		test_fail(t, __FILE__, __LINE__, "%zu packages kept after an error", l.n);
	pkglist_free(&l);
	free(b);
}

static void
le32w(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
le32r(const uint8_t *p)
{
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void
b_set32(uint8_t *b, size_t n, long a)
{
	(void)n;
	le32w(b + (a >> 32), (uint32_t)a);
}

static void
b_set8(uint8_t *b, size_t n, long a)
{
	(void)n;
	b[a >> 8] = (uint8_t)a;
}

/* The first overflow page of the (little-endian, 4096-byte pages) file whose
 * chain goes on: its next-page field pointed back at itself. */
static void
b_ovloop(uint8_t *b, size_t n, long a)
{
	size_t pg;

	(void)a;
	for (pg = 1; (pg + 1) * 4096 <= n; pg++)
		if (b[pg * 4096 + 25] == 7 && le32r(b + pg * 4096 + 16) != 0) {
			le32w(b + pg * 4096 + 16, (uint32_t)pg);
			return;
		}
}

/* The hash page of bucket 0 (page 1) chained to itself. */
static void
b_hashloop(uint8_t *b, size_t n, long a)
{
	(void)n;
	(void)a;
	le32w(b + 4096 + 16, 1);
}

/* The libuuid record's off-page length made one byte longer than its chain. */
static void
b_ovlen(uint8_t *b, size_t n, long a)
{
	size_t pg, i, nent, off;

	(void)a;
	for (pg = 1; (pg + 1) * 4096 <= n; pg++) {
		if (b[pg * 4096 + 25] != 13)
			continue;
		nent = b[pg * 4096 + 20] | b[pg * 4096 + 21] << 8;
		for (i = 1; i < nent; i += 2) {
			off = b[pg * 4096 + 26 + 2 * i] | b[pg * 4096 + 27 + 2 * i] << 8;
			if (b[pg * 4096 + off] == 3)
				le32w(b + pg * 4096 + off + 8, le32r(b + pg * 4096 + off + 8) + 1);
		}
	}
}

#define AT32(off, v)	(((long)(off) << 32) | (long)(uint32_t)(v))
#define AT8(off, v)	(((long)(off) << 8) | (long)(v))

DEFINE_TEST(test_rpm_bdb_malformed)
{
	uint8_t *buf;
	size_t len;

	buf = load(fixtures[FX_RHEL].db, &len);
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, 100, NULL, 0, E_FORMAT, "too short");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(12, 0x1234),
	    E_FORMAT, "not a Berkeley DB hash");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(12, 0x053162),
	    E_UNSUPPORTED, "btree");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(16, 7),
	    E_UNSUPPORTED, "hash version 7");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(20, 1000),
	    E_FORMAT, "bad page size 1000");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set8, AT8(24, 1),
	    E_UNSUPPORTED, "encrypted");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(32, 0x7fffffff),
	    E_LIMIT, "BDB_MAX_PAGES");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len - 4096, NULL, 0, E_FORMAT,
	    "truncated");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(72, 5000),
	    E_FORMAT, "max bucket");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(96, 9999),
	    E_FORMAT, "out of range");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set32, AT32(4096 + 8, 5),
	    E_FORMAT, "page 1 says it is page 5");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set8, AT8(4096 + 25, 5),
	    E_FORMAT, "page 1 has type 5");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_set8, AT8(4096 + 20, 3),
	    E_FORMAT, "bad item count 3");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_ovloop, 0, E_FORMAT,
	    "reached twice");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_hashloop, 0, E_FORMAT,
	    "reached twice");
	expect_db_bad(t, pkgdb_rpm_parse_bdb, buf, len, len, b_ovlen, 0, E_FORMAT,
	    "chain ends 1 bytes short");
	free(buf);
}

DEFINE_TEST(test_rpm_ndb_malformed)
{
	uint8_t *buf;
	size_t len, blob;

	buf = load(fixtures[FX_SLE15].db, &len);
	/* slot 2 (the first used one) points at package 1's blob */
	ASSERT_INT_EQ(le32r(buf + 32 + 4), 1);
	blob = (size_t)le32r(buf + 32 + 8) * 16;
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(0, 0),
	    E_FORMAT, "not an rpm NDB");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(4, 1),
	    E_UNSUPPORTED, "NDB version 1");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len - 8, NULL, 0, E_FORMAT,
	    "not whole 16-byte blocks");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len - 4096, NULL, 0, E_FORMAT,
	    "bad blocks");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(12, 0),
	    E_FORMAT, "no slot pages");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(12, 100000),
	    E_LIMIT, "NDB_MAX_SLOTPAGES");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(12, 1000),
	    E_FORMAT, "truncated");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(48, 0x746f6c54),
	    E_FORMAT, "slot 3: bad magic");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(32 + 4, 0),
	    E_FORMAT, "slot 2: bad blocks");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(32 + 8, 3),
	    E_FORMAT, "slot 2: bad blocks");	/* inside the slot page */
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(48 + 4, 1),
	    E_FORMAT, "package 1 in two slots");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32,
	    AT32(48 + 8, le32r(buf + 32 + 8) + 1), E_FORMAT, "overlap");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32,
	    AT32(32 + 12, le32r(buf + 32 + 12) - 1), E_FORMAT, "blocks");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(blob, 0),
	    E_FORMAT, "no blob head");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set32, AT32(blob + 4, 7),
	    E_FORMAT, "blob head names package 7");
	expect_db_bad(t, pkgdb_rpm_parse_ndb, buf, len, len, b_set8,
	    AT8(blob + 16 + 200, buf[blob + 16 + 200] ^ 0x20), E_FORMAT, "checksum mismatch");
	free(buf);
}

/* An SQLite database made here with SQL statements, as bytes (sqlite3_serialize). */
static uint8_t *
sqlite_bytes(const char *sql, const uint8_t *blob, size_t bloblen, size_t *len)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sqlite3_int64 n = 0;
	unsigned char *ser;
	uint8_t *out;

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		abort();
	if (blob != NULL) {
		if (sqlite3_prepare_v2(db, "INSERT INTO Packages (blob) VALUES (?1)", -1, &st,
		    NULL) != SQLITE_OK)
			abort();
		sqlite3_bind_blob(st, 1, blob, (int)bloblen, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			abort();
		sqlite3_finalize(st);
	}
	if ((ser = sqlite3_serialize(db, "main", &n, 0)) == NULL)
		abort();
	out = malloc((size_t)n);
	memcpy(out, ser, (size_t)n);
	sqlite3_free(ser);
	sqlite3_close(db);
	*len = (size_t)n;
	return out;
}

#define RPM_PACKAGES_SQL "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, " \
	"blob BLOB NOT NULL);"

DEFINE_TEST(test_rpm_sqlite_malformed)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *buf, *blob, *db;
	size_t len, bloblen, dblen;
	long root;

	ctx_init(&c);
	buf = load(fixtures[FX_MARINER].db, &len);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, buf, len, 50, NULL, 0, E_FORMAT,
	    "not an SQLite database");
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, buf, len, len, b_set8, AT8(0, 's'),
	    E_FORMAT, "not an SQLite database");
	/* a cut file: SQLite sees a database shorter than its header says */
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, buf, len, len / 2, NULL, 0, E_FORMAT, "");
	/* the root page of the Packages b-tree with a bad page type */
	root = mariner_rootpage();
	ASSERT(root > 1);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, buf, len, len, b_set8,
	    AT8((root - 1) * 4096, 0x42), E_FORMAT, "quick_check: ");
	free(buf);
	/* a real header blob in a database of our own: found, then the failures */
	blob = mariner_blob(1, &bloblen);
	db = sqlite_bytes(RPM_PACKAGES_SQL, blob, bloblen, &dblen);
	ASSERT_OK(&c, pkgdb_rpm_parse_sqlite(&c, db, dblen, 0, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "mariner-release");
	pkglist_free(&l);
	free(db);
	db = sqlite_bytes("CREATE TABLE other (x);", NULL, 0, &dblen);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, db, dblen, dblen, NULL, 0, E_FORMAT,
	    "Packages table");
	free(db);
	db = sqlite_bytes(RPM_PACKAGES_SQL "INSERT INTO Packages (blob) VALUES ('text');",
	    NULL, 0, &dblen);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, db, dblen, dblen, NULL, 0, E_FORMAT,
	    "row 1: blob is not a BLOB");
	free(db);
	db = sqlite_bytes(RPM_PACKAGES_SQL, blob, bloblen - 1, &dblen);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, db, dblen, dblen, NULL, 0, E_FORMAT,
	    "Packages row 1: header:");
	free(db);
	/* a view named Packages is not read (views are off) */
	db = sqlite_bytes("CREATE TABLE p (hnum INTEGER PRIMARY KEY, blob BLOB);"
	    "CREATE VIEW Packages AS SELECT * FROM p;", NULL, 0, &dblen);
	expect_db_bad(t, pkgdb_rpm_parse_sqlite, db, dblen, dblen, NULL, 0, E_FORMAT,
	    "Packages table");
	free(db);
	/* an empty Packages table is an empty inventory */
	db = sqlite_bytes(RPM_PACKAGES_SQL, NULL, 0, &dblen);
	ASSERT_OK(&c, pkgdb_rpm_parse_sqlite(&c, db, dblen, 0, &l));
	ASSERT_INT_EQ(l.n, 0);
	free(db);
	free(blob);
}

/*
 * Deterministic truncations and bit flips of each real database: no crash, an
 * error is one of ours with a message and keeps nothing, a success yields
 * well-formed packages. Header blobs get the same treatment.
 */
static void
garbage(struct test *t, parse_fn parse, const uint8_t *orig, size_t len, int rounds,
    unsigned int seed, int want_ok)
{
	struct ctx c;
	struct pkglist l = { 0 };
	uint8_t *buf = malloc(len);
	size_t cut, pos;
	int i, k, r, ok = 0, bad = 0;

	ctx_init(&c);
	for (i = 0; i < rounds; i++) {
		memcpy(buf, orig, len);
		cut = len;
		if (i % 3 == 0)
			cut = (size_t)rand_r(&seed) % len;
		else
			for (k = 0; k < 1 + i % 4; k++) {
				/* half the flips in the first 16 KiB: headers and slots */
				pos = (size_t)rand_r(&seed) % (k % 2 ? len : (len < 16384 ? len : 16384));
				buf[pos] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
			}
		c.err[0] = '\0';
		r = parse(&c, buf, cut, 0, &l);
		ASSERT(r == 0 || r == E_FORMAT || r == E_LIMIT || r == E_UNSUPPORTED);
		if (r == 0) {
			check_pkgs(t, &l, 0);
			if (t->failed)
				return;
			ok++;
		} else {
			ASSERT_INT_EQ(l.n, 0);
			ASSERT(c.err[0] != '\0');
			bad++;
		}
		pkglist_free(&l);
	}
	free(buf);
	ASSERT(bad > 0);
	if (want_ok)
		ASSERT(ok > 0);
}

DEFINE_TEST(test_rpm_garbage)
{
	uint8_t *buf;
	size_t len;
	int i;

	for (i = 0; i < FX_N; i++) {
		buf = load(fixtures[i].db, &len);
		/* the NDB blobs are checksummed: nearly every flip is caught */
		garbage(t, fixtures[i].parse, buf, len, i == FX_MARINER ? 60 : 300,
		    1000u + (unsigned int)i, i != FX_SLE15);
		free(buf);
		if (t->failed)
			return;
	}
	buf = mariner_blob(89, &len);
	garbage(t, pkgdb_rpm_parse_header, buf, len, 2000, 77, 1);
	free(buf);
}

/* ---- which database of an image --------------------------------------------- */

static size_t
dir_len(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? (size_t)(slash - p) : 0;
}

/* image.c's order: by directory, then name. */
static int
file_cmp(const void *va, const void *vb)
{
	const struct image_file *a = va, *b = vb;
	size_t da = dir_len(a->path), db = dir_len(b->path), n = da < db ? da : db;
	int d;

	if ((d = memcmp(a->path, b->path, n)) != 0)
		return d;
	if (da != db)
		return da < db ? -1 : 1;
	return strcmp(a->path + da, b->path + db);
}

struct ifile {
	const char *path;
	int fixture;		/* -1: an empty file */
	int layer;
};

/* pkgdb_read_all over a hand-made image of the given files (3 layers). */
static int
read_image(struct ctx *c, const struct ifile *f, size_t n, struct pkglist *l)
{
	struct image img;
	struct image_file *files = calloc(n, sizeof(*files));
	struct image_layer layers[3] = {
		{ "sha256:1111111111111111111111111111111111111111111111111111111111111111", NULL },
		{ "sha256:2222222222222222222222222222222222222222222222222222222222222222", NULL },
		{ "sha256:3333333333333333333333333333333333333333333333333333333333333333", NULL },
	};
	size_t i;
	int r;

	memset(&img, 0, sizeof(img));
	for (i = 0; i < n; i++) {
		files[i].path = (char *)f[i].path;
		files[i].layer = f[i].layer;
		if (f[i].fixture >= 0)
			files[i].data = load(fixtures[f[i].fixture].db, &files[i].len);
		else
			files[i].data = calloc(1, 1);
	}
	qsort(files, n, sizeof(*files), file_cmp);
	img.files = files;
	img.nfiles = n;
	img.layers = layers;
	img.nlayers = 3;
	r = pkgdb_read_all(c, &img, l);
	for (i = 0; i < n; i++)
		free(files[i].data);
	free(files);
	return r;
}

DEFINE_TEST(test_rpm_pick_database)
{
	const struct ifile leftover[] = {	/* same layer: sqlite before bdb */
		{ "var/lib/rpm/rpmdb.sqlite", FX_MARINER, 0 },
		{ "var/lib/rpm/Packages", FX_RHEL, 0 },
	};
	const struct ifile newer[] = {		/* the database written last wins */
		{ "var/lib/rpm/rpmdb.sqlite", FX_MARINER, 0 },
		{ "var/lib/rpm/Packages", FX_RHEL, 1 },
	};
	const struct ifile ndb_over_bdb[] = {
		{ "usr/lib/sysimage/rpm/Packages.db", FX_SLE15, 1 },
		{ "usr/lib/sysimage/rpm/Packages", FX_SLES, 1 },
	};
	const struct ifile symlinked[] = {	/* one database seen at both places */
		{ "usr/lib/sysimage/rpm/Packages", FX_RHEL, 2 },
		{ "var/lib/rpm/Packages", FX_RHEL, 2 },
	};
	const struct ifile both_dirs[] = {	/* usr/lib/sysimage/rpm first */
		{ "usr/lib/sysimage/rpm/Packages", FX_RHEL, 0 },
		{ "var/lib/rpm/Packages", FX_SLES, 0 },
	};
	const struct ifile empty[] = {		/* an empty file is no database */
		{ "usr/lib/sysimage/rpm/rpmdb.sqlite", -1, 2 },
		{ "var/lib/rpm/Packages.db", FX_SLE15, 0 },
	};
	const struct ifile none[] = {
		{ "var/lib/rpm/Index.db", FX_RHEL, 0 },
		{ "var/lib/rpm/rpmdb.sqlite", -1, 0 },
	};
	struct ctx c;
	struct pkglist l = { 0 };
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, read_image(&c, leftover, 2, &l));
	ASSERT_INT_EQ(l.n, 129);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, newer, 2, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "libuuid");
	ASSERT_INT_EQ(l.v[0].layer, 1);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, ndb_over_bdb, 2, &l));
	ASSERT_INT_EQ(l.n, 35);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, symlinked, 2, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_INT_EQ(l.v[0].layer, 2);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, both_dirs, 2, &l));
	ASSERT_INT_EQ(l.n, 1);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, empty, 2, &l));
	ASSERT_INT_EQ(l.n, 35);
	for (i = 0; i < l.n; i++)
		ASSERT_INT_EQ(l.v[i].layer, 0);
	pkglist_free(&l);
	ASSERT_OK(&c, read_image(&c, none, 2, &l));
	ASSERT_INT_EQ(l.n, 0);
}

DEFINE_TEST(test_rpm_pick_error_names_file)
{
	/* the picked database is not what its name says: the error names it */
	const struct ifile wrong[] = {
		{ "var/lib/rpm/Packages", FX_SLE15, 1 },
		{ "var/lib/rpm/rpmdb.sqlite", FX_MARINER, 0 },
	};
	struct ctx c;
	struct pkglist l = { 0 };

	ctx_init(&c);
	ASSERT_INT_EQ(read_image(&c, wrong, 2, &l), E_FORMAT);
	ASSERT_INT_EQ(l.n, 0);
	ASSERT(strncmp(c.err, "layer 2 (sha256:222222222222): var/lib/rpm/Packages: ",
	    strlen("layer 2 (sha256:222222222222): var/lib/rpm/Packages: ")) == 0);
	ASSERT(strstr(c.err, "not a Berkeley DB hash database") != NULL);
}

/* ---- through image_open() --------------------------------------------------- */

struct tent {
	const char *path;
	char type;		/* 'f' file, 'd' directory, 'l' symlink */
	const void *data;	/* content or link target */
	size_t len;
};

static la_ssize_t
sb_write(struct archive *a, void *v, const void *buf, size_t n)
{
	(void)a;
	sb_add(v, buf, n);
	return (la_ssize_t)n;
}

static void
tar_build(const struct tent *ents, size_t n, struct sb *out)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e;
	size_t i;

	archive_write_set_format_pax_restricted(a);
	archive_write_open(a, out, NULL, sb_write, NULL);
	for (i = 0; i < n; i++) {
		e = archive_entry_new();
		archive_entry_set_pathname(e, ents[i].path);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (ents[i].type == 'f') {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)ents[i].len);
		} else if (ents[i].type == 'd') {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else {
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, ents[i].data);
		}
		archive_write_header(a, e);
		if (ents[i].type == 'f' && ents[i].len > 0)
			archive_write_data(a, ents[i].data, ents[i].len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
}

static void
sha_hex(const void *p, size_t n, char out[65])
{
	static const char digits[] = "0123456789abcdef";
	uint8_t h[32];
	int i;

	crypto_hash_sha256(h, p, n);
	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[64] = '\0';
}

static void
outer_add(struct archive *a, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();

	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0444);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_write_header(a, e);
	archive_write_data(a, data, len);
	archive_entry_free(e);
}

/* A docker-archive (HEX.tar layers, HEX.json config, manifest.json) at path. */
static void
docker_archive(const char *path, const struct tent *const *layers, const size_t *nents,
    size_t nl)
{
	struct sb cfg = SB_INIT, man = SB_INIT, name = SB_INIT, *tars;
	char (*hex)[65] = calloc(nl + 1, sizeof(*hex));
	struct archive *a;
	size_t i;

	tars = calloc(nl, sizeof(*tars));
	sb_adds(&cfg, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
	    "\"layers\",\"diff_ids\":[");
	for (i = 0; i < nl; i++) {
		tar_build(layers[i], nents[i], &tars[i]);
		sha_hex(tars[i].s, tars[i].len, hex[i]);
		sb_addf(&cfg, "%s\"sha256:%s\"", i ? "," : "", hex[i]);
	}
	sb_adds(&cfg, "]},\"history\":[");
	for (i = 0; i < nl; i++)
		sb_addf(&cfg, "%s{\"created_by\":\"rpm layer %zu\"}", i ? "," : "", i);
	sb_adds(&cfg, "]}");
	sha_hex(cfg.s, cfg.len, hex[nl]);
	sb_addf(&man, "[{\"Config\":\"%s.json\",\"RepoTags\":[\"localhost/rpm:1\"],\"Layers\":[",
	    hex[nl]);
	for (i = 0; i < nl; i++)
		sb_addf(&man, "%s\"%s.tar\"", i ? "," : "", hex[i]);
	sb_adds(&man, "]}]");
	a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_open_filename(a, path);
	for (i = 0; i < nl; i++) {
		sb_reset(&name);
		sb_addf(&name, "%s.tar", hex[i]);
		outer_add(a, sb_str(&name), tars[i].s, tars[i].len);
		sb_free(&tars[i]);
	}
	sb_reset(&name);
	sb_addf(&name, "%s.json", hex[nl]);
	outer_add(a, sb_str(&name), cfg.s, cfg.len);
	outer_add(a, "manifest.json", man.s, man.len);
	archive_write_close(a);
	archive_write_free(a);
	free(tars);
	free(hex);
	sb_free(&cfg);
	sb_free(&man);
	sb_free(&name);
}

/*
 * Layer 1: rpmdb.sqlite in usr/lib/sysimage/rpm/, var/lib/rpm a symlink to it
 * (Fedora's layout). Layer 2: the database removed by a whiteout and a bdb
 * Packages put in its place: only libuuid remains, from layer 2.
 */
DEFINE_TEST(test_rpm_image_open)
{
	struct ctx c;
	struct image *img = NULL;
	struct pkglist l = { 0 };
	const char **want;
	uint8_t *sq, *bdb;
	size_t sqlen, bdblen, i;

	ctx_init(&c);
	sq = load(fixtures[FX_MARINER].db, &sqlen);
	bdb = load(fixtures[FX_RHEL].db, &bdblen);
	{
		const struct tent l1[] = {
			{ "usr/", 'd', NULL, 0 }, { "usr/lib/", 'd', NULL, 0 },
			{ "usr/lib/sysimage/", 'd', NULL, 0 },
			{ "usr/lib/sysimage/rpm/", 'd', NULL, 0 },
			{ "usr/lib/sysimage/rpm/rpmdb.sqlite", 'f', sq, sqlen },
			{ "var/", 'd', NULL, 0 }, { "var/lib/", 'd', NULL, 0 },
			{ "var/lib/rpm", 'l', "../../usr/lib/sysimage/rpm", 0 },
		};
		const struct tent l2[] = {
			{ "usr/lib/sysimage/rpm/.wh.rpmdb.sqlite", 'f', "", 0 },
			{ "usr/lib/sysimage/rpm/Packages", 'f', bdb, bdblen },
		};
		const struct tent *one[] = { l1 }, *two[] = { l1, l2 };
		const size_t n1[] = { 8 }, n2[] = { 8, 2 };

		docker_archive("one.tar", one, n1, 1);
		docker_archive("two.tar", two, n2, 2);
	}
	free(sq);
	free(bdb);
	want = pkgdb_want_paths();
	ASSERT_OK(&c, image_open(&c, "one.tar", want, &img));
	ASSERT(image_file(img, "var/lib/rpm/rpmdb.sqlite") != NULL);
	ASSERT(image_file(img, "usr/lib/sysimage/rpm/rpmdb.sqlite") != NULL);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 129);	/* once, though it is reachable at two paths */
	for (i = 0; i < l.n; i++) {
		ASSERT_INT_EQ(l.v[i].layer, 0);
		if (i > 0)	/* sorted */
			ASSERT(strcmp(l.v[i - 1].name, l.v[i].name) <= 0);
	}
	pkglist_free(&l);
	image_free(img);
	img = NULL;
	ASSERT_OK(&c, image_open(&c, "two.tar", want, &img));
	ASSERT(image_file(img, "var/lib/rpm/rpmdb.sqlite") == NULL);
	ASSERT_OK(&c, pkgdb_read_all(&c, img, &l));
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_STR_EQ(l.v[0].name, "libuuid");
	ASSERT_INT_EQ(l.v[0].layer, 1);
	pkglist_free(&l);
	image_free(img);
	free(want);
}
