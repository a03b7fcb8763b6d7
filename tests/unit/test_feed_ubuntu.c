/*
 * test_feed_ubuntu.c - the Ubuntu CVE Tracker parser and Ubuntu matching, on the
 * seven real tracker files in tests/data/ubuntu-tracker/active/ (provenance:
 * tests/data/README.md and /work/shared/corpus/PROVENANCE.md), read as a
 * directory and as tarballs of it written here with libarchive.
 *
 * The real files use the statuses released (V), needed, needs-triage, ignored
 * (REASON), not-affected (V), not-affected and DNE, a Priority_ override, and
 * the tokens upstream, devel, trusty/esm, precise/esm, esm-infra/xenial,
 * fips/RELEASE, fips-updates/RELEASE and vivid/ubuntu-core. pending, deferred, in-progress,
 * "released" without a version, the empty and bare-version forms, per-release
 * priorities and the other channels are tested on small files written here in
 * the tracker's shape.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>
#include <sqlite3.h>

#include "base/ctx.h"
#include "base/release.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

#define TRACKER	"ubuntu-tracker"
#define NFILES	7

/* The sample files, and the rows each gives (counted by hand: one per
 * RELEASE_SRC line that is not DNE and not upstream_ or devel_). */
static const struct {
	const char *name;
	int rows;
} files[NFILES] = {
	{ "CVE-2017-9996", 5 },		/* libav trusty; ffmpeg xenial yakkety zesty artful */
	{ "CVE-2019-17185", 11 },
	{ "CVE-2021-4204", 159 },
	{ "CVE-2022-20566", 145 },
	{ "CVE-2022-41859", 7 },
	{ "CVE-2022-41860", 7 },
	{ "CVE-2022-41861", 7 },
};
#define NROWS	341

static struct bundle_meta *
test_meta(struct bundle_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->format = BUNDLE_FORMAT;
	m->serial = 7;
	m->created = 1735787045;
	m->expires = 1738379045;
	return m;
}

/* Source "ubuntu" from input path into dbpath. */
static int
build_db(struct ctx *c, const char *dbpath, const char *path, int64_t *records)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*records = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, feed_ubuntu.name, feed_ubuntu.format,
	    feed_ubuntu.parser_version)) == 0 &&
	    (r = feed_ubuntu.parse(c, path, NULL, w, records)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *records)) == 0)
		r = bundle_writer_finish(c, w, test_meta(&m));
	bundle_writer_free(w);
	return r;
}

/* One CVE file written here, into dbpath. */
static int
build_doc_db(struct ctx *c, const char *dbpath, const char *doc, int64_t *records)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*records = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "ubuntu", "test", "1")) == 0 &&
	    (r = feed_ubuntu_parse_buf(c, (const uint8_t *)doc, strlen(doc), w,
	    records)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *records)) == 0)
		r = bundle_writer_finish(c, w, test_meta(&m));
	bundle_writer_free(w);
	return r;
}

static int
parse_doc(struct ctx *c, const char *doc, int64_t *records)
{
	ctx_init(c);
	return feed_ubuntu_parse_buf(c, (const uint8_t *)doc, strlen(doc), NULL, records);
}

static sqlite3 *
open_ro(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* Every row's first column joined with "\n" (NULL as "NULL"); caller frees. */
static char *
q_str(sqlite3 *db, const char *sql)
{
	struct sb out = SB_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sb_addf(&out, "SQL ERROR: %s", sqlite3_errmsg(db));
		return sb_steal(&out);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		if (out.len > 0)
			sb_addc(&out, '\n');
		sb_adds(&out, s ? s : "NULL");
	}
	if (rc != SQLITE_DONE)
		sb_addf(&out, "SQL ERROR: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sb_adds(&out, "");
	return sb_steal(&out);
}

/* "ecosystem|name_kind|state|fixed_version|severity|vendor_severity|vendor_status|note" */
static char *
row_of(sqlite3 *db, const char *pkg, const char *vuln, const char *ns)
{
	char *sql, *s;

	sql = sqlite3_mprintf("SELECT ecosystem || '|' || name_kind || '|' || state || '|' || "
	    "ifnull(fixed_version, 'NULL') || '|' || severity || '|' || "
	    "ifnull(vendor_severity, 'NULL') || '|' || ifnull(vendor_status, 'NULL') || '|' || "
	    "ifnull(note, 'NULL') FROM affected WHERE package = %Q AND vuln_id = %Q AND "
	    "namespace = %Q ORDER BY id", pkg, vuln, ns);
	s = q_str(db, sql);
	sqlite3_free(sql);
	return s;
}

#define ASSERT_ROW(db, pkg, vuln, ns, want) do { \
	char *got_ = row_of((db), (pkg), (vuln), (ns)); \
	int ok_ = strcmp(got_, (want)) == 0; \
	if (!ok_) { test_fail(t, __FILE__, __LINE__, "%s %s %s: \"%s\" != \"%s\"", \
	    (pkg), (vuln), (ns), got_, (want)); free(got_); sqlite3_close(db); return; } \
	free(got_); \
} while (0)

#define ASSERT_Q(db, sql, want) do { \
	char *got_ = q_str((db), (sql)); \
	int ok_ = strcmp(got_, (want)) == 0; \
	if (!ok_) { test_fail(t, __FILE__, __LINE__, "%s: \"%s\" != \"%s\"", (sql), got_, \
	    (want)); free(got_); sqlite3_close(db); return; } \
	free(got_); \
} while (0)

#define ASSERT_ERR(c, r, code, text) do { \
	int rr_ = (r); \
	if (rr_ != (code) || strstr((c)->err, (text)) == NULL) { \
		test_fail(t, __FILE__, __LINE__, "%d (%s) != %d with \"%s\"", rr_, \
		    (c)->err, (code), (text)); return; } \
} while (0)

/* The whole affected table, one line per row, for comparing two builds. */
static char *
dump_rows(const char *dbpath)
{
	sqlite3 *db = open_ro(dbpath);
	char *s;

	if (db == NULL)
		return strdup("cannot open");
	s = q_str(db, "SELECT vuln_id || '|' || namespace || '|' || package || '|' || state || "
	    "'|' || ifnull(fixed_version, '') || '|' || severity || '|' || "
	    "ifnull(vendor_severity, '') || '|' || vendor_status || '|' || ifnull(note, '') "
	    "FROM affected ORDER BY id");
	sqlite3_close(db);
	return s;
}

DEFINE_TEST(test_feed_ubuntu_rows)
{
	struct ctx c;
	sqlite3 *db;
	int64_t records;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "t.db", test_data(TRACKER), &records));
	ASSERT_INT_EQ(records, NROWS);
	ASSERT((db = open_ro("t.db")) != NULL);
	ASSERT_Q(db, "SELECT records FROM source WHERE name = 'ubuntu'", "341");
	/* states as counted by hand (and by the python reading below) */
	ASSERT_Q(db, "SELECT state || ' ' || count(*) FROM affected GROUP BY state ORDER BY state",
	    "fixed 29\nnot-affected 85\nunfixed 3\nunknown 115\nwont-fix 109");
	ASSERT_Q(db, "SELECT DISTINCT ecosystem || ' ' || name_kind FROM affected", "deb source");

	/* CVE-2017-9996: global medium, Priority_ffmpeg: low */
	ASSERT_ROW(db, "libav", "CVE-2017-9996", "ubuntu:14.04",
	    "deb|source|unfixed|NULL|medium|medium|needed|NULL");
	ASSERT_ROW(db, "ffmpeg", "CVE-2017-9996", "ubuntu:16.04",
	    "deb|source|unfixed|NULL|low|low|needed|NULL");
	ASSERT_ROW(db, "ffmpeg", "CVE-2017-9996", "ubuntu:16.10",
	    "deb|source|wont-fix|NULL|low|low|ignored|reached end-of-life");
	ASSERT_ROW(db, "ffmpeg", "CVE-2017-9996", "ubuntu:17.10",
	    "deb|source|not-affected|NULL|low|low|not-affected|7:3.2.6-1");
	/* upstream_ and devel_ lines give no rows; DNE neither */
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE vuln_id = 'CVE-2017-9996'", "5");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE package = 'libav'", "1");

	/* CVE-2019-17185: ESM channel, needs-triage, ignored with its reason */
	ASSERT_ROW(db, "freeradius", "CVE-2019-17185", "ubuntu:16.04-esm-infra",
	    "deb|source|unknown|NULL|low|low|needs-triage|NULL");
	ASSERT_ROW(db, "freeradius", "CVE-2019-17185", "ubuntu:16.04",
	    "deb|source|wont-fix|NULL|low|low|ignored|end of standard support, was needs-triage");
	ASSERT_ROW(db, "freeradius", "CVE-2019-17185", "ubuntu:18.04",
	    "deb|source|unknown|NULL|low|low|needs-triage|NULL");
	ASSERT_ROW(db, "freeradius", "CVE-2019-17185", "ubuntu:20.04",
	    "deb|source|not-affected|NULL|low|low|not-affected|3.0.20+dfsg-3build1");

	/* CVE-2021-4204: released versions, trusty/esm, fips channels */
	ASSERT_ROW(db, "linux", "CVE-2021-4204", "ubuntu:21.04",
	    "deb|source|fixed|5.11.0-46.51|high|high|released|NULL");
	ASSERT_ROW(db, "linux-hwe-5.11", "CVE-2021-4204", "ubuntu:20.04",
	    "deb|source|fixed|5.11.0-46.51~20.04.1|high|high|released|NULL");
	ASSERT_ROW(db, "linux", "CVE-2021-4204", "ubuntu:14.04-esm",
	    "deb|source|not-affected|NULL|high|high|not-affected|3.11.0-12.19");
	ASSERT_ROW(db, "linux-fips", "CVE-2021-4204", "ubuntu:16.04-fips",
	    "deb|source|unknown|NULL|high|high|needs-triage|NULL");
	ASSERT_ROW(db, "linux-fips", "CVE-2021-4204", "ubuntu:16.04-fips-updates",
	    "deb|source|not-affected|NULL|high|high|not-affected|4.4.0-1074.80");
	ASSERT_ROW(db, "linux-hwe", "CVE-2021-4204", "ubuntu:18.04",
	    "deb|source|wont-fix|NULL|high|high|ignored|replaced by linux-hwe-5.4");
	/* CVE-2022-20566: not-affected without a note */
	ASSERT_ROW(db, "linux", "CVE-2022-20566", "ubuntu:14.04-esm",
	    "deb|source|not-affected|NULL|medium|medium|not-affected|NULL");

	/* namespaces: every release named, DNE lines included (precise/esm has only
	 * DNE lines); vivid/ubuntu-core has only DNE lines and no version in
	 * src/base/release.c, so it is declared only once release.c knows vivid */
	if (release_ubuntu_version("vivid") == NULL)
		ASSERT_Q(db, "SELECT group_concat(name, ' ') FROM "
		    "(SELECT name FROM namespace ORDER BY name)",
		    "ubuntu:12.04-esm ubuntu:14.04 ubuntu:14.04-esm ubuntu:16.04 "
		    "ubuntu:16.04-esm-infra ubuntu:16.04-fips ubuntu:16.04-fips-updates "
		    "ubuntu:16.10 ubuntu:17.04 ubuntu:17.10 ubuntu:18.04 ubuntu:18.04-fips "
		    "ubuntu:18.04-fips-updates ubuntu:19.10 ubuntu:20.04 ubuntu:20.04-fips "
		    "ubuntu:20.04-fips-updates ubuntu:20.10 ubuntu:21.04 ubuntu:21.10 "
		    "ubuntu:22.04 ubuntu:22.10");
	ASSERT_Q(db, "SELECT count(*) FROM namespace WHERE name NOT LIKE 'ubuntu:15.04%'", "22");
	ASSERT_Q(db, "SELECT count(*) FROM namespace WHERE name LIKE '%devel%' OR "
	    "name LIKE '%upstream%'", "0");

	/* descriptions: one per CVE, continuation lines joined with newlines */
	ASSERT_Q(db, "SELECT count(*) FROM vuln", "7");
	ASSERT_Q(db, "SELECT description FROM vuln WHERE vuln_id = 'CVE-2022-41859'",
	    "freeradius: Information leakage in EAP-PWD");
	ASSERT_Q(db, "SELECT substr(description, 1, 80) FROM vuln WHERE vuln_id = 'CVE-2017-9996'",
	    "The cdxl_decode_frame function in libavcodec/cdxl.c in FFmpeg 2.8.x before\n2.8.1");
	ASSERT_Q(db, "SELECT description FROM vuln WHERE vuln_id = 'CVE-2022-20566'",
	    "[Unknown description]");

	/* rows keep file and line order (files in name order) */
	ASSERT_Q(db, "SELECT vuln_id || ' ' || package || ' ' || namespace FROM affected "
	    "WHERE id IN (1, 5, 6, 341) ORDER BY id",
	    "CVE-2017-9996 libav ubuntu:14.04\nCVE-2017-9996 ffmpeg ubuntu:17.10\n"
	    "CVE-2019-17185 freeradius ubuntu:14.04\nCVE-2022-41861 freeradius ubuntu:22.10");
	sqlite3_close(db);
}

/* Each sample file alone, through the in-memory entry point. */
DEFINE_TEST(test_feed_ubuntu_per_file)
{
	struct ctx c;
	struct sb path = SB_INIT;
	uint8_t *buf;
	size_t len, i;
	int64_t records, total = 0;
	int r;

	for (i = 0; i < NFILES; i++) {
		sb_reset(&path);
		sb_addf(&path, TRACKER "/active/%s", files[i].name);
		buf = test_slurp(test_data(path.s), &len);
		ctx_init(&c);
		r = feed_ubuntu_parse_buf(&c, buf, len, NULL, &records);
		free(buf);
		if (r != 0 || records != files[i].rows) {
			test_fail(t, __FILE__, __LINE__, "%s: %d (%s), %lld rows, want %d",
			    files[i].name, r, c.err, (long long)records, files[i].rows);
			sb_free(&path);
			return;
		}
		total += records;
	}
	sb_free(&path);
	ASSERT_INT_EQ(total, NROWS);
}

/* An independent reading of the same files with python (token table of the
 * sample files only). */
static const char cross_py[] =
"import sys\n"
"ver = {'precise': '12.04', 'trusty': '14.04', 'xenial': '16.04', 'yakkety': '16.10',\n"
"       'zesty': '17.04', 'artful': '17.10', 'bionic': '18.04', 'eoan': '19.10',\n"
"       'focal': '20.04', 'groovy': '20.10', 'hirsute': '21.04', 'impish': '21.10',\n"
"       'jammy': '22.04', 'kinetic': '22.10'}\n"
"chan = {'precise/esm': 'precise-esm', 'trusty/esm': 'trusty-esm',\n"
"        'esm-infra/xenial': 'xenial-esm-infra'}\n"
"for c in ('xenial', 'bionic', 'focal'):\n"
"    chan['fips/' + c] = c + '-fips'\n"
"    chan['fips-updates/' + c] = c + '-fips-updates'\n"
"state = {'released': 'fixed', 'needed': 'unfixed', 'needs-triage': 'unknown',\n"
"         'ignored': 'wont-fix', 'not-affected': 'not-affected'}\n"
"rows = []\n"
"for path in sys.argv[1:]:\n"
"    cand, prio, over = None, None, {}\n"
"    lines = [l.rstrip() for l in open(path, encoding='utf-8')]\n"
"    for l in lines:\n"
"        if l.startswith('Candidate:'): cand = l.split(':', 1)[1].strip()\n"
"        if l.startswith('Priority:'): prio = l.split(':', 1)[1].split()[0]\n"
"        if l.startswith('Priority_'):\n"
"            over[l.split(':')[0][9:]] = l.split(':', 1)[1].split()[0]\n"
"    for l in lines:\n"
"        if not l or l[0] in '# ' or ':' not in l: continue\n"
"        field, value = l.split(':', 1)\n"
"        if '_' not in field or field.split('_')[0] in ('Priority', 'Patches', 'Tags'):\n"
"            continue\n"
"        rel, pkg = field.split('_', 1)\n"
"        st, _, det = value.strip().partition(' ')\n"
"        det = det.strip().strip('()')\n"
"        if rel in ('upstream', 'devel') or st == 'DNE': continue\n"
"        if rel in chan:\n"
"            code, _, ch = chan[rel].partition('-')\n"
"            ns = 'ubuntu:' + ver[code] + '-' + ch\n"
"        else:\n"
"            ns = 'ubuntu:' + ver[rel]\n"
"        fixed = det if st == 'released' else ''\n"
"        p = over.get(pkg, prio)\n"
"        rows.append('|'.join((pkg, cand, ns, state[st], fixed, p)))\n"
"print('\\n'.join(sorted(rows)))\n";

DEFINE_TEST(test_feed_ubuntu_cross_check)
{
	struct ctx c;
	struct sb want = SB_INIT, cmd = SB_INIT;
	char line[1024], *got;
	sqlite3 *db;
	FILE *f;
	int64_t records;
	size_t i;
	int status;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "t.db", test_data(TRACKER), &records));
	ASSERT((f = fopen("cross.py", "w")) != NULL);
	fputs(cross_py, f);
	ASSERT(fclose(f) == 0);
	sb_adds(&cmd, "python3 cross.py");
	for (i = 0; i < NFILES; i++)
		sb_addf(&cmd, " '%s/active/%s'", test_data(TRACKER), files[i].name);
	ASSERT((f = popen(cmd.s, "r")) != NULL);
	sb_free(&cmd);
	while (fgets(line, sizeof(line), f) != NULL)
		sb_adds(&want, line);
	status = pclose(f);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "test_feed_ubuntu_cross_check: python3 not found, skipped\n");
		sb_free(&want);
		return;
	}
	ASSERT_INT_EQ(status, 0);
	ASSERT(want.len > 0);
	if (want.s[want.len - 1] == '\n')
		want.s[--want.len] = '\0';
	ASSERT((db = open_ro("t.db")) != NULL);
	/* python sorts by the joined string: so do we */
	got = q_str(db, "SELECT r FROM (SELECT package || '|' || vuln_id || '|' || namespace || "
	    "'|' || state || '|' || ifnull(fixed_version, '') || '|' || vendor_severity AS r "
	    "FROM affected) ORDER BY r");
	sqlite3_close(db);
	if (strcmp(got, want.s) != 0)
		test_fail(t, __FILE__, __LINE__, "rows differ from python's reading:\n%s\n---\n%s",
		    got, want.s);
	free(got);
	sb_free(&want);
}

/* Writes a tarball of the sample files under prefix, with filter (an
 * ARCHIVE_FILTER_* code), plus entries the parser must skip. */
static int
write_tarball(const char *out, int filter, const char *prefix, size_t pad_bytes)
{
	static const char *const junk[][2] = {
		{ "README", "not a CVE\n" },
		{ "active/00boilerplate", "Candidate:\nbad line\n" },
		{ "scripts/CVE-2000-0001", "not parsed: not in a tracker directory\n" },
		{ "active/sub/CVE-2000-0002", "not parsed: too deep\n" },
		{ "retired/CVE-2000-0003.swp", "not parsed: not a CVE name\n" },
	};
	struct archive *a;
	struct archive_entry *e;
	char name[512];
	uint8_t *buf;
	size_t len, i;
	int ok = 1;

	if ((a = archive_write_new()) == NULL)
		return -1;
	archive_write_set_format_pax_restricted(a);
	if (archive_write_add_filter(a, filter) != ARCHIVE_OK ||
	    archive_write_open_filename(a, out) != ARCHIVE_OK) {
		archive_write_free(a);
		return -1;
	}
	for (i = 0; ok && i < NFILES + sizeof(junk) / sizeof(junk[0]); i++) {
		const void *data;

		if (i < NFILES) {
			snprintf(name, sizeof(name), TRACKER "/active/%s", files[i].name);
			buf = test_slurp(test_data(name), &len);
			snprintf(name, sizeof(name), "%sactive/%s", prefix, files[i].name);
			data = buf;
		} else {
			buf = NULL;
			snprintf(name, sizeof(name), "%s%s", prefix, junk[i - NFILES][0]);
			data = junk[i - NFILES][1];
			len = strlen(junk[i - NFILES][1]);
		}
		e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_entry_set_mtime(e, 1700000000, 0);
		ok = archive_write_header(a, e) == ARCHIVE_OK &&
		    archive_write_data(a, data, len) == (la_ssize_t)len;
		archive_entry_free(e);
		free(buf);
	}
	if (ok && pad_bytes > 0) {
		/* a large entry the parser skips without reading it into memory */
		char *pad = calloc(1, pad_bytes);

		e = archive_entry_new();
		snprintf(name, sizeof(name), "%sbig.bin", prefix);
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)pad_bytes);
		ok = pad != NULL && archive_write_header(a, e) == ARCHIVE_OK &&
		    archive_write_data(a, pad, pad_bytes) == (la_ssize_t)pad_bytes;
		archive_entry_free(e);
		free(pad);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		ok = 0;
	archive_write_free(a);
	return ok ? 0 : -1;
}

static void
sha256_file(const char *path, char hex[65])
{
	uint8_t *buf, digest[crypto_hash_sha256_BYTES];
	size_t len;

	buf = test_slurp(path, &len);
	crypto_hash_sha256(digest, buf, len);
	sodium_bin2hex(hex, 65, digest, sizeof(digest));
	free(buf);
}

DEFINE_TEST(test_feed_ubuntu_tarball)
{
	static const struct {
		const char *name;
		int filter;
		const char *prefix;
	} tars[] = {
		{ "t.tar", ARCHIVE_FILTER_NONE, "" },
		{ "t.tar.gz", ARCHIVE_FILTER_GZIP, "ubuntu-cve-tracker/" },
		{ "t.tar.xz", ARCHIVE_FILTER_XZ, "./" },
		{ "t.tar.bz2", ARCHIVE_FILTER_BZIP2, "uct-main/" },
		{ "t.tar.zst", ARCHIVE_FILTER_ZSTD, "./uct/" },
	};
	struct ctx c;
	char *want, *got, hex[65], *sql;
	struct stat sb;
	sqlite3 *db;
	int64_t records;
	size_t i;

	ctx_init(&c);
	ASSERT(sodium_init() >= 0);
	ASSERT_OK(&c, build_db(&c, "dir.db", test_data(TRACKER), &records));
	want = dump_rows("dir.db");
	for (i = 0; i < sizeof(tars) / sizeof(tars[0]); i++) {
		if (write_tarball(tars[i].name, tars[i].filter, tars[i].prefix,
		    i == 1 ? (size_t)8 << 20 : 0) != 0) {
			test_fail(t, __FILE__, __LINE__, "cannot write %s", tars[i].name);
			break;
		}
		unlink("tar.db");
		ctx_init(&c);
		if (build_db(&c, "tar.db", tars[i].name, &records) != 0) {
			test_fail(t, __FILE__, __LINE__, "%s: %s", tars[i].name, c.err);
			break;
		}
		got = dump_rows("tar.db");
		if (records != NROWS || strcmp(got, want) != 0) {
			test_fail(t, __FILE__, __LINE__, "%s: %lld rows, differ from the "
			    "directory's", tars[i].name, (long long)records);
			free(got);
			break;
		}
		free(got);
		/* the input recorded: the tarball's own bytes */
		sha256_file(tars[i].name, hex);
		ASSERT(stat(tars[i].name, &sb) == 0);
		ASSERT((db = open_ro("tar.db")) != NULL);
		sql = sqlite3_mprintf("%s %s %lld", tars[i].name, hex, (long long)sb.st_size);
		ASSERT_Q(db, "SELECT path || ' ' || sha256 || ' ' || bytes FROM source_input", sql);
		sqlite3_free(sql);
		sqlite3_close(db);
	}
	free(want);
}

/* The directory's recorded digest follows the documented scheme. */
DEFINE_TEST(test_feed_ubuntu_inputs_meta)
{
	crypto_hash_sha256_state hs;
	uint8_t digest[crypto_hash_sha256_BYTES], *buf;
	char hex[65], hdr[128], name[256], *sql;
	struct ctx c;
	sqlite3 *db;
	int64_t records;
	size_t len, i, bytes = 0;

	ctx_init(&c);
	ASSERT(sodium_init() >= 0);
	ASSERT_OK(&c, build_db(&c, "t.db", test_data(TRACKER), &records));
	crypto_hash_sha256_init(&hs);
	for (i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), TRACKER "/active/%s", files[i].name);
		buf = test_slurp(test_data(name), &len);
		snprintf(hdr, sizeof(hdr), "active/%s\n%zu\n", files[i].name, len);
		crypto_hash_sha256_update(&hs, (const uint8_t *)hdr, strlen(hdr));
		crypto_hash_sha256_update(&hs, buf, len);
		bytes += len;
		free(buf);
	}
	crypto_hash_sha256_final(&hs, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	ASSERT_INT_EQ(bytes, 61570);
	ASSERT((db = open_ro("t.db")) != NULL);
	sql = sqlite3_mprintf("%s %s 61570 NULL", test_data(TRACKER), hex);
	ASSERT_Q(db, "SELECT path || ' ' || sha256 || ' ' || bytes || ' ' || "
	    "ifnull(upstream_time, 'NULL') FROM source_input", sql);
	sqlite3_free(sql);
	ASSERT_Q(db, "SELECT name || ' ' || parser_version || ' ' || records FROM source",
	    "ubuntu 1 341");
	sqlite3_close(db);
	ASSERT(feed_find("ubuntu") == &feed_ubuntu);
}

/* Every status form, priority override and channel, in one file written here. */
static const char status_doc[] =
"Candidate: CVE-2099-0001\n"
"PublicDate: 2099-01-01\n"
"References:\n"
" https://example.invalid/CVE-2099-0001\n"
"Description:\n"
" First line of the description.\n"
"   Indented second line.\n"
"Notes:\n"
" someone> a note\n"
"Priority: medium\n"
" the reason for the priority\n"
"Discovered-by:\n"
"CVSS:\n"
" nvd: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H [7.5 HIGH]\n"
"\n"
"Patches_pkga:\n"
" upstream: https://example.invalid/fix\n"
"Tags_pkga: apparmor\n"
"upstream_pkga: released (not even a version)\n"
"bionic_pkga: released (1.2-3ubuntu0.1)\n"
"focal_pkga: released\n"
"jammy_pkga: 1:2.0-1\n"
"kinetic_pkga: pending (2.1-1)\n"
"noble_pkga: pending\n"
"xenial_pkga: needed\n"
"trusty_pkga: needed (waiting on upstream)\n"
"esm-infra/xenial_pkga: in-progress\n"
"esm-apps/jammy_pkga: active\n"
"esm-infra/bionic_pkga: deferred\n"
"esm-infra/focal_pkga: deferred (2023-01-02)\n"
"esm-apps/noble_pkga: needs-triage\n"
"trusty/esm_pkga:\n"
"fips/focal_pkga: ignored (end of standard support)\n"
"fips/bionic_pkga: ignored\n"
"fips-updates/jammy_pkga: not-affected (code not present)\n"
"realtime/jammy_pkga: not-affected\n"
"bluefield/jammy_pkga: DNE\n"
"ros-esm/focal/foxy_pkga: needed\n"
"devel_pkga: needed\n"
"snap_pkga: released (42)\n"
"product_pkga: needed\n"
"\n"
"# a comment line\n"
"Priority_pkgb: high\n"
"Priority_pkgb_jammy: critical\n"
"jammy_pkgb: needed\n"
"focal_pkgb: needed\n"
"bionic_pkgc: needed\n"
"Priority_pkgc: untriaged\n"
"bionic_pkgd: needs-triage   \r\n"
"xenial_pkgd: DNE (no such package)\n";

DEFINE_TEST(test_feed_ubuntu_statuses)
{
	static const struct {
		const char *pkg, *ns, *want;
	} rows[] = {
		{ "pkga", "ubuntu:18.04", "deb|source|fixed|1.2-3ubuntu0.1|medium|medium|released|NULL" },
		{ "pkga", "ubuntu:20.04", "deb|source|unknown|NULL|medium|medium|released|"
		  "released without a fixed version" },
		{ "pkga", "ubuntu:22.04", "deb|source|fixed|1:2.0-1|medium|medium|released|NULL" },
		{ "pkga", "ubuntu:22.10", "deb|source|unfixed|NULL|medium|medium|pending|pending: 2.1-1" },
		{ "pkga", "ubuntu:24.04", "deb|source|unfixed|NULL|medium|medium|pending|pending" },
		{ "pkga", "ubuntu:16.04", "deb|source|unfixed|NULL|medium|medium|needed|NULL" },
		{ "pkga", "ubuntu:14.04", "deb|source|unfixed|NULL|medium|medium|needed|"
		  "waiting on upstream" },
		{ "pkga", "ubuntu:16.04-esm-infra", "deb|source|unfixed|NULL|medium|medium|"
		  "in-progress|in-progress" },
		{ "pkga", "ubuntu:22.04-esm-apps", "deb|source|unfixed|NULL|medium|medium|active|"
		  "in-progress" },
		{ "pkga", "ubuntu:18.04-esm-infra", "deb|source|unfixed|NULL|medium|medium|deferred|"
		  "deferred" },
		{ "pkga", "ubuntu:20.04-esm-infra", "deb|source|unfixed|NULL|medium|medium|deferred|"
		  "deferred: 2023-01-02" },
		{ "pkga", "ubuntu:24.04-esm-apps", "deb|source|unknown|NULL|medium|medium|"
		  "needs-triage|NULL" },
		{ "pkga", "ubuntu:14.04-esm", "deb|source|unknown|NULL|medium|medium|needs-triage|NULL" },
		{ "pkga", "ubuntu:20.04-fips", "deb|source|wont-fix|NULL|medium|medium|ignored|"
		  "end of standard support" },
		{ "pkga", "ubuntu:18.04-fips", "deb|source|wont-fix|NULL|medium|medium|ignored|NULL" },
		{ "pkga", "ubuntu:22.04-fips-updates", "deb|source|not-affected|NULL|medium|medium|"
		  "not-affected|code not present" },
		{ "pkga", "ubuntu:22.04-realtime", "deb|source|not-affected|NULL|medium|medium|"
		  "not-affected|NULL" },
		{ "pkga", "ubuntu:20.04-ros-esm-foxy", "deb|source|unfixed|NULL|medium|medium|needed|"
		  "NULL" },
		{ "pkgb", "ubuntu:22.04", "deb|source|unfixed|NULL|critical|critical|needed|NULL" },
		{ "pkgb", "ubuntu:20.04", "deb|source|unfixed|NULL|high|high|needed|NULL" },
		{ "pkgc", "ubuntu:18.04", "deb|source|unfixed|NULL|unknown|untriaged|needed|NULL" },
		{ "pkgd", "ubuntu:18.04", "deb|source|unknown|NULL|medium|medium|needs-triage|NULL" },
	};
	struct ctx c;
	sqlite3 *db;
	int64_t records;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, build_doc_db(&c, "s.db", status_doc, &records));
	ASSERT_INT_EQ(records, 22);
	ASSERT((db = open_ro("s.db")) != NULL);
	ASSERT_Q(db, "SELECT count(*) FROM affected", "22");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		ASSERT_ROW(db, rows[i].pkg, "CVE-2099-0001", rows[i].ns, rows[i].want);
	/* DNE: no row, but the release is covered; skipped tokens: nothing */
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE namespace = 'ubuntu:22.04-bluefield' "
	    "OR (package = 'pkgd' AND namespace = 'ubuntu:16.04')", "0");
	ASSERT_Q(db, "SELECT count(*) FROM namespace WHERE name IN ('ubuntu:22.04-bluefield', "
	    "'ubuntu:16.04')", "2");
	ASSERT_Q(db, "SELECT count(*) FROM namespace", "19");
	ASSERT_Q(db, "SELECT description FROM vuln",
	    "First line of the description.\n  Indented second line.");
	sqlite3_close(db);

	/* no Priority at all: unknown, no vendor word */
	ASSERT_OK(&c, build_doc_db(&c, "n.db", "Candidate: CVE-2099-0002\n"
	    "Priority:\nbionic_p: needed\n", &records));
	ASSERT((db = open_ro("n.db")) != NULL);
	ASSERT_ROW(db, "p", "CVE-2099-0002", "ubuntu:18.04",
	    "deb|source|unfixed|NULL|unknown|NULL|needed|NULL");
	ASSERT_Q(db, "SELECT count(*) FROM vuln", "0");
	sqlite3_close(db);

	/* a file with only DNE lines parses to no rows (the source then fails) */
	ASSERT_OK(&c, parse_doc(&c, "Candidate: CVE-2099-0003\nbionic_p: DNE\n", &records));
	ASSERT_INT_EQ(records, 0);
	ASSERT_ERR(&c, build_doc_db(&c, "d.db", "Candidate: CVE-2099-0003\nbionic_p: DNE\n",
	    &records), E_FORMAT, "yielded no records");
	/* the same release and package twice: the writer refuses the duplicate */
	ASSERT_ERR(&c, build_doc_db(&c, "dup.db", "Candidate: CVE-2099-0004\n"
	    "bionic_p: needed\nbionic_p: released (1.0)\n", &records), E_FORMAT,
	    "duplicate record: CVE-2099-0004 ubuntu:18.04 p");
	ASSERT(access("dup.db", F_OK) != 0);
}

DEFINE_TEST(test_feed_ubuntu_malformed)
{
	static const struct {
		const char *doc;
		int code;
		const char *msg;
	} bad[] = {
		{ "Candidate: CVE-1\nbionic_foo needed\n", E_FORMAT,
		  "line 2: not a 'Field: value' line" },
		{ "Candidate: CVE-1\nbionic_foo: fixed (1.0)\n", E_FORMAT,
		  "line 2: unknown status 'fixed'" },
		{ "Candidate: CVE-1\nbionic_foo: Needed\n", E_FORMAT, "unknown status 'Needed'" },
		{ "Candidate: CVE-1\nbionik_foo: needed\n", E_FORMAT,
		  "line 2: unknown release token 'bionik'" },
		{ "Candidate: CVE-1\nzorro_foo: DNE\n", E_FORMAT, "unknown release token 'zorro'" },
		{ "Candidate: CVE-1\nesm-foo/jammy_foo: DNE\n", E_FORMAT,
		  "unknown release token 'esm-foo/jammy'" },
		{ "Candidate: CVE-1\nesm-infra/jammy_foo: needed\n", E_FORMAT,
		  "unknown release token 'esm-infra/jammy'" },
		{ "Candidate: CVE-1\nBionic_foo: needed\n", E_FORMAT, "unknown release token 'Bionic'" },
		{ "Candidate: CVE-1\n_foo: needed\n", E_FORMAT, "unknown release token ''" },
		{ "Candidate: CVE-1\nbionic_foo: released (one point two)\n", E_FORMAT,
		  "released: 'one point two' is not a version" },
		{ "Candidate: CVE-1\nbionic_foo: pending (:1.0)\n", E_FORMAT,
		  "pending: ':1.0' is not a version" },
		{ "Candidate: CVE-1\nbionic_foo: released (1.0 1)\n", E_FORMAT, "is not a version" },
		{ "Candidate: CVE-1\nbionic_foo: needed\n continued\n", E_FORMAT,
		  "line 3: continuation line after a release line" },
		{ " text\nCandidate: CVE-1\n", E_FORMAT, "line 1: continuation line before any field" },
		{ "Candidate: CVE-1\nCandidate: CVE-2\n", E_FORMAT, "line 2: repeated field Candidate" },
		{ "Candidate: CVE-1\nPriority: low\nPriority: high\n", E_FORMAT,
		  "repeated field Priority" },
		{ "Candidate: CVE-1\nDescription: a\nDescription: b\n", E_FORMAT,
		  "repeated field Description" },
		{ "Candidate: CVE-1\nPriority_foo: low\nPriority_foo: high\n", E_FORMAT,
		  "line 3: repeated field Priority_foo" },
		{ "Candidate: CVE-1\nPriority: urgent\n", E_FORMAT, "line 2: unknown priority 'urgent'" },
		{ "Candidate: CVE-1\nPriority_foo:\n", E_FORMAT, "empty Priority_foo" },
		{ "Candidate: CVE-1\nPriority_foo_zorro: low\n", E_FORMAT,
		  "unknown release token 'zorro'" },
		{ "Candidate: CVE-1\nPriority_foo_: low\n", E_FORMAT, "empty release" },
		{ "Candidate: CVE-1\nPriority_Foo: low\n", E_FORMAT, "bad package name" },
		{ "bionic_foo: needed\n", E_FORMAT, "no Candidate field" },
		{ "Candidate:\nbionic_foo: needed\n", E_FORMAT, "line 1: empty Candidate" },
		{ "Candidate: CVE 1\n", E_FORMAT, "Candidate is not one printable word" },
		{ "Candidate: CVE-1\nbionic_Foo: needed\n", E_FORMAT, "bad package name 'Foo'" },
		{ "Candidate: CVE-1\nbionic_foo_bar: needed\n", E_FORMAT, "bad package name 'foo_bar'" },
		{ "Candidate: CVE-1\nbionic_: needed\n", E_FORMAT, "bad package name ''" },
		{ "Candidate: CVE-1\nbionic_foo: needed (a\x01z)\n", E_FORMAT,
		  "line 2: control character 0x01" },
		{ "Candidate: CVE-1\x00\n", E_FORMAT, "control character 0x00" },
		{ "Candidate: CVE-1\nBad Field: x\n", E_FORMAT, "line 2: bad field name" },
		{ "Candidate: CVE-1\n: x\n", E_FORMAT, "bad field name" },
		{ "Candidate: CVE-1\nUbuntu_Description: x\n", E_FORMAT,
		  "unknown release token 'Ubuntu'" },
	};
	struct ctx c;
	int64_t records;
	size_t i, len;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctx_init(&c);
		/* one case holds a NUL: take it up to the last newline */
		len = strlen(bad[i].doc);
		if (strcmp(bad[i].doc, "Candidate: CVE-1") == 0)
			len = sizeof("Candidate: CVE-1\x00\n") - 1;
		records = -1;
		r = feed_ubuntu_parse_buf(&c, (const uint8_t *)bad[i].doc, len, NULL, &records);
		if (r != bad[i].code || strstr(c.err, bad[i].msg) == NULL || records != 0) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %d (%s), want %d \"%s\"", i, r,
			    c.err, bad[i].code, bad[i].msg);
			return;
		}
	}
	/* a listed channel whose release src/base/release.c cannot name: DNE is
	 * taken (the real CVE-2017-9996 has vivid/ubuntu-core DNE lines), anything
	 * else fails */
	if (release_ubuntu_version("vivid") == NULL) {
		ASSERT_OK(&c, parse_doc(&c, "Candidate: CVE-1\nvivid/ubuntu-core_foo: DNE\n",
		    &records));
		ASSERT_ERR(&c, parse_doc(&c, "Candidate: CVE-1\nvivid/ubuntu-core_foo: needed\n",
		    &records), E_FORMAT, "release 'vivid' of token 'vivid/ubuntu-core' has no "
		    "version in src/base/release.c");
	}
	/* what is not an error: an empty file, comments, unknown plain fields */
	ASSERT_OK(&c, parse_doc(&c, "# nothing\nCandidate: CVE-1\nNew-Field: x\n y\n",
	    &records));
	ASSERT_INT_EQ(records, 0);
	ASSERT_INT_EQ(parse_doc(&c, "", &records), E_FORMAT);
}

DEFINE_TEST(test_feed_ubuntu_limits)
{
	struct ctx c;
	struct sb doc = SB_INIT;
	int64_t records;
	int i, r;

	/* a line over UBUNTU_LINE_MAX (65536) */
	sb_adds(&doc, "Candidate: CVE-1\nNotes:\n ");
	for (i = 0; i < 65536; i++)
		sb_addc(&doc, 'x');
	sb_adds(&doc, "\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "line 3: longer than 65536 bytes (UBUNTU_LINE_MAX)");

	/*
	 * a description over UBUNTU_DESC_MAX (65536), over several lines: k lines
	 * of 1023 bytes join to 1024k - 1 bytes; exactly the limit is fine
	 */
	sb_adds(&doc, "Candidate: CVE-1\nDescription:\n");
	for (i = 0; i < 65; i++)
		sb_addf(&doc, " %01023d\n", 0);
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "line 67: description longer than 65536 bytes "
	    "(UBUNTU_DESC_MAX)");
	sb_adds(&doc, "Candidate: CVE-1\nDescription:\n");
	for (i = 0; i < 63; i++)
		sb_addf(&doc, " %01023d\n", 0);
	sb_addf(&doc, " %01025d\n", 0);	/* 64511 + 1 + 1025 = 65537 */
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "line 66: description longer");
	sb_adds(&doc, "Candidate: CVE-1\nDescription:\n");
	for (i = 0; i < 63; i++)
		sb_addf(&doc, " %01023d\n", 0);
	sb_addf(&doc, " %01024d\n", 0);	/* 64511 + 1 + 1024 = 65536 */
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_OK(&c, r);

	/* status details over UBUNTU_NOTE_MAX (1024) */
	sb_adds(&doc, "Candidate: CVE-1\nbionic_foo: ignored (");
	for (i = 0; i < 1025; i++)
		sb_addc(&doc, 'r');
	sb_adds(&doc, ")\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "UBUNTU_NOTE_MAX");
	/* a version over UBUNTU_NAME_MAX (256) */
	sb_adds(&doc, "Candidate: CVE-1\nbionic_foo: released (1.");
	for (i = 0; i < 256; i++)
		sb_addc(&doc, '0');
	sb_adds(&doc, ")\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "version longer than 256 bytes (UBUNTU_NAME_MAX)");
	/* a Candidate and a package name over UBUNTU_NAME_MAX */
	sb_adds(&doc, "Candidate: CVE-");
	for (i = 0; i < 253; i++)
		sb_addc(&doc, '1');
	sb_adds(&doc, "\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "Candidate longer than 256 bytes (UBUNTU_NAME_MAX)");
	sb_adds(&doc, "Candidate: CVE-1\nbionic_");
	for (i = 0; i < 257; i++)
		sb_addc(&doc, 'p');
	sb_adds(&doc, ": needed\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_FORMAT, "UBUNTU_NAME_MAX");
	/* a release token over UBUNTU_TOKEN_MAX (64) */
	sb_adds(&doc, "Candidate: CVE-1\n");
	for (i = 0; i < 65; i++)
		sb_addc(&doc, 'b');
	sb_adds(&doc, "_foo: needed\n");
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "UBUNTU_TOKEN_MAX");
	/* more than UBUNTU_PRIORITIES_MAX (4096) Priority_ fields */
	sb_adds(&doc, "Candidate: CVE-1\n");
	for (i = 0; i < 4097; i++)
		sb_addf(&doc, "Priority_p%d: low\n", i);
	r = parse_doc(&c, doc.s, &records);
	sb_reset(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "line 4098: more than 4096 Priority_ fields "
	    "(UBUNTU_PRIORITIES_MAX)");
	/* a file over UBUNTU_FILE_MAX (4 MiB) */
	sb_adds(&doc, "Candidate: CVE-1\n");
	while (doc.len <= ((size_t)4 << 20))
		sb_adds(&doc, "# padding padding padding padding padding padding padding\n");
	r = parse_doc(&c, doc.s, &records);
	sb_free(&doc);
	ASSERT_ERR(&c, r, E_LIMIT, "UBUNTU_FILE_MAX");
}

/* Corruption passes over a real file (habit 10): every prefix, and a changed
 * byte at every offset, give 0, E_FORMAT or E_LIMIT, never anything else. */
DEFINE_TEST(test_feed_ubuntu_flip)
{
	struct ctx c;
	uint8_t *buf, saved;
	size_t len, i, ok = 0, bad = 0;
	int64_t records;
	int r;

	buf = test_slurp(test_data(TRACKER "/active/CVE-2017-9996"), &len);
	for (i = 0; i < len; i++) {
		ctx_init(&c);
		r = feed_ubuntu_parse_buf(&c, buf, i, NULL, &records);
		if (r != 0 && r != E_FORMAT) {
			free(buf);
			test_fail(t, __FILE__, __LINE__, "prefix %zu: %d (%s)", i, r, c.err);
			return;
		}
	}
	for (i = 0; i < len; i++) {
		saved = buf[i];
		buf[i] ^= (uint8_t)(1u << (i % 8));
		ctx_init(&c);
		r = feed_ubuntu_parse_buf(&c, buf, len, NULL, &records);
		buf[i] = saved;
		if (r == 0)
			ok++;
		else if (r == E_FORMAT || r == E_LIMIT)
			bad++;
		else {
			free(buf);
			test_fail(t, __FILE__, __LINE__, "offset %zu: %d (%s)", i, r, c.err);
			return;
		}
	}
	free(buf);
	ASSERT(ok > 0);
	ASSERT(bad > 0);
}

static int
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	fputs(text, f);
	return fclose(f) == 0 ? 0 : -1;
}

DEFINE_TEST(test_feed_ubuntu_input_errors)
{
	struct ctx c;
	int64_t records = -1;

	ctx_init(&c);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, test_data(TRACKER), "x", NULL, &records), E_USAGE,
	    "takes no @argument");
	ASSERT_INT_EQ(records, 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "no-such-dir", NULL, NULL, &records), E_IO,
	    "no-such-dir");
	/* a directory that is not a tracker checkout */
	ASSERT(mkdir("empty", 0755) == 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "empty", NULL, NULL, &records), E_FORMAT,
	    "no active/, retired/ or ignored/ directory");
	/* one without CVE files */
	ASSERT(mkdir("empty/retired", 0755) == 0);
	ASSERT(write_file("empty/retired/00boilerplate", "junk") == 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "empty", NULL, NULL, &records), E_FORMAT,
	    "no CVE files");
	/* an error names the file and line; retired/ and ignored/ are read too */
	ASSERT(mkdir("uct", 0755) == 0);
	ASSERT(mkdir("uct/ignored", 0755) == 0);
	ASSERT(write_file("uct/ignored/CVE-2099-0002", "Candidate: CVE-2099-0002\n"
	    "focal_p: needed\n") == 0);
	ASSERT_OK(&c, feed_ubuntu.parse(&c, "uct", NULL, NULL, &records));
	ASSERT_INT_EQ(records, 1);
	ASSERT(mkdir("uct/retired", 0755) == 0);
	ASSERT(write_file("uct/retired/CVE-2099-0001", "Candidate: CVE-2099-0001\n"
	    "Priority: low\nfocal_p: solved\n") == 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "uct", NULL, NULL, &records), E_FORMAT,
	    "retired/CVE-2099-0001: line 3: unknown status 'solved'");
	ASSERT(unlink("uct/retired/CVE-2099-0001") == 0);
	/* a CVE name that is not a regular file */
	ASSERT(mkdir("uct/retired/CVE-2099-0003", 0755) == 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "uct", NULL, NULL, &records), E_FORMAT,
	    "retired/CVE-2099-0003: not a regular file");
	/* a regular file that is not a tarball */
	ASSERT(write_file("notatar", "Candidate: CVE-1\n") == 0);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "notatar", NULL, NULL, &records), E_FORMAT,
	    "not a tar archive");
	/* without a writer the parser checks and counts */
	ASSERT_OK(&c, feed_ubuntu.parse(&c, test_data(TRACKER), NULL, NULL, &records));
	ASSERT_INT_EQ(records, NROWS);
}

/* A tarball entry over UBUNTU_FILE_MAX and a truncated tarball. */
DEFINE_TEST(test_feed_ubuntu_tarball_errors)
{
	struct archive *a;
	struct archive_entry *e;
	struct ctx c;
	char *big;
	size_t n = ((size_t)4 << 20) + 1;
	uint8_t *buf;
	size_t len;
	int64_t records;
	FILE *f;

	ASSERT((big = malloc(n)) != NULL);
	memset(big, '#', n);
	ASSERT((a = archive_write_new()) != NULL);
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	ASSERT(archive_write_open_filename(a, "big.tar.gz") == ARCHIVE_OK);
	e = archive_entry_new();
	archive_entry_set_pathname(e, "active/CVE-2099-0001");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)n);
	ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	ASSERT(archive_write_data(a, big, n) == (la_ssize_t)n);
	archive_entry_free(e);
	ASSERT(archive_write_close(a) == ARCHIVE_OK);
	archive_write_free(a);
	free(big);
	ctx_init(&c);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "big.tar.gz", NULL, NULL, &records), E_LIMIT,
	    "active/CVE-2099-0001: larger than 4194304 bytes (UBUNTU_FILE_MAX)");

	/* the sample tarball cut in half: an error, never a partial success */
	ASSERT(write_tarball("t.tar.gz", ARCHIVE_FILTER_GZIP, "", 0) == 0);
	buf = test_slurp("t.tar.gz", &len);
	ASSERT((f = fopen("cut.tar.gz", "w")) != NULL);
	ASSERT(fwrite(buf, 1, len / 2, f) == len / 2);
	ASSERT(fclose(f) == 0);
	free(buf);
	ASSERT_INT_EQ(feed_ubuntu.parse(&c, "cut.tar.gz", NULL, NULL, &records), E_FORMAT);
	/* a CVE entry that is a symlink */
	ASSERT((a = archive_write_new()) != NULL);
	archive_write_set_format_pax_restricted(a);
	ASSERT(archive_write_open_filename(a, "link.tar") == ARCHIVE_OK);
	e = archive_entry_new();
	archive_entry_set_pathname(e, "x/retired/CVE-2099-0001");
	archive_entry_set_filetype(e, AE_IFLNK);
	archive_entry_set_symlink(e, "../elsewhere");
	ASSERT(archive_write_header(a, e) == ARCHIVE_OK);
	archive_entry_free(e);
	ASSERT(archive_write_close(a) == ARCHIVE_OK);
	archive_write_free(a);
	ASSERT_ERR(&c, feed_ubuntu.parse(&c, "link.tar", NULL, NULL, &records), E_FORMAT,
	    "x/retired/CVE-2099-0001: not a regular file");
}

/* ---- matching: the ubuntu row of src/match/match.c, end to end ------------ */

static void
add(struct pkglist *l, const char *name, const char *ver, const char *src, const char *srcver)
{
	struct pkg p = { (char *)name, (char *)ver, (char *)"amd64", (char *)src,
		(char *)srcver, "deb", 0, NULL, NULL };

	pkglist_add(l, &p);
}

static const struct finding *
find(const struct match_result *m, const char *vuln, const char *pkg)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].vuln_id, vuln) == 0 &&
		    strcmp(m->findings[i].package, pkg) == 0)
			return &m->findings[i];
	return NULL;
}

static int
open_db(struct ctx *c, struct bundle *b)
{
	int64_t records;
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = build_db(c, "m.db", test_data(TRACKER), &records)) != 0)
		return r;
	if (sqlite3_open_v2("m.db", &b->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return ctx_err(c, E_IO, "m.db");
	return 0;
}

/*
 * Bionic: the real Ubuntu 18.04 dpkg status. Its 90 installed packages (91
 * stanzas, one deinstalled) come from 61 source packages, none of which the
 * sample files name (they name ffmpeg, freeradius, libav and linux* only;
 * util-linux, whose binaries are there, must not pass for linux): no finding
 * and nothing unassessed. Packages of the named sources are then added
 * at bionic's versions, with the findings the files give for bionic_:
 *   freeradius: CVE-2019-17185 (Priority low) and CVE-2022-41859/60/61 (medium)
 *     are needs-triage -> 4 unknown;
 *   linux-hwe: CVE-2021-4204 and CVE-2022-20566 "ignored (replaced by
 *     linux-hwe-5.4)" -> 2 wont-fix with that note;
 *   linux-hwe-5.4: CVE-2021-4204 not-affected -> none; CVE-2022-20566
 *     needs-triage -> unknown.
 */
DEFINE_TEST(test_feed_ubuntu_match_bionic)
{
	struct osinfo os = { .id = (char *)"ubuntu", .version_id = (char *)"18.04",
	    .codename = (char *)"bionic" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	uint8_t *buf;
	size_t len, i, n;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, open_db(&c, &b));
	buf = test_slurp(test_data("dpkg/ubuntu-18.04/status"), &len);
	r = pkgdb_dpkg_parse(&c, buf, len, 1, 0, &l);
	free(buf);
	ASSERT_OK(&c, r);
	ASSERT_INT_EQ(l.n, 90);
	for (i = 0, n = 0; i < l.n; i++)
		n += strcmp(l.v[i].source_name, "util-linux") == 0;
	ASSERT(n > 0);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:18.04");
	ASSERT_STR_EQ(m.coverage, "complete");
	ASSERT_INT_EQ(m.npackages, 90);
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	match_result_free(&m);

	add(&l, "freeradius", "3.0.16+dfsg-1ubuntu3", "freeradius", "3.0.16+dfsg-1ubuntu3");
	add(&l, "linux-headers-4.18.0-25", "4.18.0-25.26~18.04.1", "linux-hwe",
	    "4.18.0-25.26~18.04.1");
	add(&l, "linux-modules-5.4.0-150-generic", "5.4.0-150.167~18.04.1", "linux-hwe-5.4",
	    "5.4.0-150.167~18.04.1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 7);
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT((f = find(&m, "CVE-2019-17185", "freeradius")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	ASSERT_STR_EQ(f->vendor_status, "needs-triage");
	ASSERT_STR_EQ(f->severity, "low");
	ASSERT_STR_EQ(f->source, "ubuntu");
	ASSERT_STR_EQ(f->namespace, "ubuntu:18.04");
	ASSERT((f = find(&m, "CVE-2022-41860", "freeradius")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	ASSERT_STR_EQ(f->severity, "medium");
	ASSERT(find(&m, "CVE-2022-41859", "freeradius") != NULL);
	ASSERT(find(&m, "CVE-2022-41861", "freeradius") != NULL);
	ASSERT((f = find(&m, "CVE-2021-4204", "linux-headers-4.18.0-25")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->note, "replaced by linux-hwe-5.4");
	ASSERT_STR_EQ(f->source_package, "linux-hwe");
	ASSERT((f = find(&m, "CVE-2022-20566", "linux-headers-4.18.0-25")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT(find(&m, "CVE-2021-4204", "linux-modules-5.4.0-150-generic") == NULL);
	ASSERT((f = find(&m, "CVE-2022-20566", "linux-modules-5.4.0-150-generic")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	/* ordered: wont-fix before unknown */
	ASSERT_STR_EQ(m.findings[0].status, "wont-fix");
	ASSERT_STR_EQ(m.findings[6].status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/*
 * Focal: focal_linux-hwe-5.11 is "released (5.11.0-46.51~20.04.1)" for
 * CVE-2021-4204 and "ignored (superseded by linux-hwe-5.13)" for CVE-2022-20566;
 * focal_freeradius is not-affected for CVE-2019-17185 and needs-triage for the
 * three 2022 ones.
 */
DEFINE_TEST(test_feed_ubuntu_match_focal)
{
	struct osinfo os = { .id = (char *)"ubuntu", .version_id = (char *)"20.04",
	    .codename = (char *)"focal" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, open_db(&c, &b));
	add(&l, "linux-modules-5.11.0-44-generic", "5.11.0-44.48~20.04.2", "linux-hwe-5.11",
	    "5.11.0-44.48~20.04.2");
	add(&l, "freeradius", "3.0.20+dfsg-3build1", "freeradius", "3.0.20+dfsg-3build1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:20.04");
	ASSERT_INT_EQ(m.nfindings, 5);
	ASSERT((f = find(&m, "CVE-2021-4204", "linux-modules-5.11.0-44-generic")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "5.11.0-46.51~20.04.1");
	ASSERT_STR_EQ(f->severity, "high");
	ASSERT_STR_EQ(m.findings[0].vuln_id, "CVE-2021-4204");
	ASSERT((f = find(&m, "CVE-2022-20566", "linux-modules-5.11.0-44-generic")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->note, "superseded by linux-hwe-5.13");
	ASSERT(find(&m, "CVE-2019-17185", "freeradius") == NULL);
	ASSERT((f = find(&m, "CVE-2022-41861", "freeradius")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);

	/* at the fixed version: only the won't-fix remains */
	add(&l, "linux-modules-5.11.0-46-generic", "5.11.0-46.51~20.04.1", "linux-hwe-5.11",
	    "5.11.0-46.51~20.04.1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 1);
	ASSERT_STR_EQ(m.findings[0].vuln_id, "CVE-2022-20566");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/*
 * Xenial: the base release's rows, not the esm-infra channel's. xenial_freeradius
 * is "ignored (end of standard support, was needs-triage)" for CVE-2019-17185 and
 * "ignored (out of standard support)" for the 2022 ones, while
 * esm-infra/xenial_freeradius says needs-triage: the image gets the former.
 */
DEFINE_TEST(test_feed_ubuntu_match_releases)
{
	struct osinfo xenial = { .id = (char *)"ubuntu", .version_id = (char *)"16.04",
	    .codename = (char *)"xenial" };
	struct osinfo noversion = { .id = (char *)"ubuntu", .codename = (char *)"xenial" };
	struct osinfo nocode = { .id = (char *)"ubuntu", .version_id = (char *)"16.04" };
	struct osinfo noble = { .id = (char *)"ubuntu", .version_id = (char *)"24.04",
	    .codename = (char *)"noble" };
	struct osinfo odd = { .id = (char *)"ubuntu", .version_id = (char *)"99.04",
	    .codename = (char *)"zorro" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, open_db(&c, &b));
	add(&l, "freeradius", "2.2.8+dfsg-0.1build2", "freeradius", "2.2.8+dfsg-0.1build2");
	ASSERT_OK(&c, match_run(&c, &b, &xenial, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:16.04");
	ASSERT_INT_EQ(m.nfindings, 4);
	for (i = 0; i < m.nfindings; i++)
		ASSERT_STR_EQ(m.findings[i].status, "wont-fix");
	ASSERT((f = find(&m, "CVE-2019-17185", "freeradius")) != NULL);
	ASSERT_STR_EQ(f->note, "end of standard support, was needs-triage");
	ASSERT((f = find(&m, "CVE-2022-41859", "freeradius")) != NULL);
	ASSERT_STR_EQ(f->note, "out of standard support");
	/* and Ubuntu says its standard support has ended: later CVEs are not
	 * tracked for the base release, so the package is listed as not assessed
	 * too (once), besides its findings */
	ASSERT_INT_EQ(m.nnot_assessed, 1);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "package");
	ASSERT_STR_EQ(m.not_assessed[0].name, "freeradius");
	ASSERT(strstr(m.not_assessed[0].reason, "ubuntu marks freeradius end of support in "
	    "ubuntu:16.04 (CVE-") != NULL);
	ASSERT(strstr(m.not_assessed[0].reason, ": ignored '") != NULL);
	ASSERT(strstr(m.not_assessed[0].reason, "issues after that are not tracked") != NULL);
	match_result_free(&m);

	/* the release from the codename alone, or from the version alone */
	ASSERT_OK(&c, match_run(&c, &b, &noversion, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:16.04");
	ASSERT_INT_EQ(m.nfindings, 4);
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &nocode, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:16.04");
	match_result_free(&m);

	/* a release the bundle has no rows for, and one nobody knows: not assessed */
	ASSERT_OK(&c, match_run(&c, &b, &noble, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 2);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
	ASSERT(strstr(m.not_assessed[0].reason, "no feed for ubuntu:24.04") != NULL);
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &odd, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 2);
	ASSERT(strstr(m.not_assessed[0].reason, "Ubuntu release not recognised") != NULL);
	ASSERT(m.namespace == NULL);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}
