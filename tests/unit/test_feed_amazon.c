/*
 * test_feed_amazon.c - the Amazon ALAS updateinfo parser, on the real samples
 * in tests/data/amazon-alas/ (provenance: tests/data/README.md):
 *   amazon_linux_2_updateinfo.xml (quay/clair testdata; ALAS2-2018-939 kernel,
 *     2 CVEs x 13 packages; ALAS2-2018-942 qemu-kvm, 1 CVE x 5 packages)
 *   updateinfo_2_items.xml.gz (aquasecurity/vuln-list-update fixture, gzip;
 *     ALAS2-2018-942 again and ALAS2-2018-949 java-1.8.0-openjdk, 15 CVEs x
 *     17 packages)
 * The numbers below were read from the files (python3 xml.etree, and by eye);
 * test_feed_amazon_cross_check recomputes the rows independently. Cases the
 * samples lack (no CVE, duplicates, other types, dates with seconds, DTDs)
 * use small documents written here in the same shape.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

#define PLAIN	"amazon-alas/amazon_linux_2_updateinfo.xml"
#define GZ	"amazon-alas/updateinfo_2_items.xml.gz"
#define PLAIN_SHA256	"06970f4f324ddc6c4535718fd1495ee5c641fb28730803ad7f78ec54efca1dac"
#define GZ_SHA256	"eba3a6f977d4a7f65c45f67d0536c0af948b8f7b0483eafcbb229dbaca677d8e"

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

/* One sample file as source "amazon" (release 2) into dbpath. */
static int
build_file_db(struct ctx *c, const char *dbpath, const char *rel, int64_t *n)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*n = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, feed_amazon.name, feed_amazon.format,
	    feed_amazon.parser_version)) == 0 &&
	    (r = feed_amazon.parse(c, test_data(rel), "2", w, n)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *n)) == 0)
		r = bundle_writer_finish(c, w, test_meta(&m));
	bundle_writer_free(w);
	return r;
}

static int
parse_doc(struct ctx *c, const char *doc, int64_t *records)
{
	ctx_init(c);
	return feed_amazon_parse_buf(c, "2", (const uint8_t *)doc, strlen(doc), NULL,
	    records);
}

/* One document as source "amazon" into dbpath. */
static int
build_doc_db(struct ctx *c, const char *dbpath, const char *doc, int64_t *n)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*n = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "amazon", "test", "1")) == 0 &&
	    (r = feed_amazon_parse_buf(c, "2", (const uint8_t *)doc, strlen(doc), w,
	    n)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *n)) == 0)
		r = bundle_writer_finish(c, w, test_meta(&m));
	bundle_writer_free(w);
	return r;
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

#define ROW_SQL(pkg, vuln) "SELECT ecosystem || '|' || namespace || '|' || name_kind || " \
	"'|' || state || '|' || ifnull(fixed_version, 'NULL') || '|' || severity || '|' || " \
	"ifnull(vendor_severity, 'NULL') || '|' || ifnull(vendor_status, 'NULL') || '|' || " \
	"ifnull(note, 'NULL') || '|' || ifnull(advisory, 'NULL') FROM affected " \
	"WHERE package = '" pkg "' AND vuln_id = '" vuln "'"

#define ASSERT_Q(db, sql, want) do { \
	char *got_ = q_str((db), (sql)); \
	int ok_ = strcmp(got_, (want)) == 0; \
	if (!ok_) { test_fail(t, __FILE__, __LINE__, "%s: \"%s\" != \"%s\"", (sql), got_, \
	    (want)); free(got_); sqlite3_close(db); return; } \
	free(got_); \
} while (0)

#define ASSERT_ERR(c, r, code, text) do { \
	ASSERT_INT_EQ((r), (code)); \
	if (strstr((c)->err, (text)) == NULL) { test_fail(t, __FILE__, __LINE__, \
	    "message \"%s\" lacks \"%s\"", (c)->err, (text)); return; } \
} while (0)

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

DEFINE_TEST(test_feed_amazon_rows)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	ctx_init(&c);
	/* 13 kernel packages x 2 CVEs + 5 qemu packages x 1 CVE */
	ASSERT_OK(&c, build_file_db(&c, "p.db", PLAIN, &n));
	ASSERT_INT_EQ(n, 31);
	ASSERT((db = open_ro("p.db")) != NULL);
	ASSERT_Q(db, "SELECT count(*) FROM affected", "31");
	ASSERT_Q(db, "SELECT DISTINCT ecosystem || ' ' || namespace || ' ' || name_kind || ' ' "
	    "|| state FROM affected", "rpm amzn:2 binary fixed");
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "amzn:2 fixes-only");
	ASSERT_Q(db, "SELECT records FROM source WHERE name = 'amazon'", "31");
	ASSERT_Q(db, "SELECT sha256 || ' ' || bytes || ' ' || upstream_time FROM source_input",
	    PLAIN_SHA256 " 9196 2018-02-08T21:46:00");
	/* epoch="0" is left out; the vendor's "critical" kept; the ALAS id is the
	 * advisory, and Amazon gives no remark for the note */
	ASSERT_Q(db, ROW_SQL("kernel", "CVE-2017-5754"),
	    "rpm|amzn:2|binary|fixed|4.9.76-38.79.amzn2|critical|critical|final|NULL|"
	    "ALAS2-2018-939");
	ASSERT_Q(db, ROW_SQL("kernel-doc", "CVE-2017-5715"),
	    "rpm|amzn:2|binary|fixed|4.9.76-38.79.amzn2|critical|critical|final|NULL|"
	    "ALAS2-2018-939");
	/* epoch="10" kept; "important" is high */
	ASSERT_Q(db, ROW_SQL("qemu-img", "CVE-2017-5715"),
	    "rpm|amzn:2|binary|fixed|10:1.5.3-141.amzn2.5.3|high|important|final|NULL|"
	    "ALAS2-2018-942");
	/* every row names its advisory; none has a note */
	ASSERT_Q(db, "SELECT advisory || ' ' || count(*) FROM affected GROUP BY advisory "
	    "ORDER BY advisory", "ALAS2-2018-939 26\nALAS2-2018-942 5");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE note IS NOT NULL", "0");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE package = 'qemu-img'", "1");
	sqlite3_close(db);

	/* the gzip sample, told apart by its magic: 5 x 1 + 17 x 15 */
	ctx_init(&c);
	ASSERT_OK(&c, build_file_db(&c, "g.db", GZ, &n));
	ASSERT_INT_EQ(n, 260);
	ASSERT((db = open_ro("g.db")) != NULL);
	ASSERT_Q(db, "SELECT sha256 || ' ' || bytes FROM source_input", GZ_SHA256 " 3736");
	ASSERT_Q(db, "SELECT count(DISTINCT vuln_id) FROM affected", "16");
	ASSERT_Q(db, ROW_SQL("java-1.8.0-openjdk-javadoc-zip-debug", "CVE-2018-2663"),
	    "rpm|amzn:2|binary|fixed|1:1.8.0.161-0.b14.amzn2|high|important|final|NULL|"
	    "ALAS2-2018-949");
	sqlite3_close(db);
}

static const char cross_py[] =
"import gzip, sys, xml.etree.ElementTree as ET\n"
"rows = {}\n"
"for path in sys.argv[1:]:\n"
"    data = open(path, 'rb').read()\n"
"    if data[:2] == b'\\x1f\\x8b':\n"
"        data = gzip.decompress(data)\n"
"    for u in ET.fromstring(data).findall('update'):\n"
"        if u.get('type') != 'security':\n"
"            continue\n"
"        alas = u.find('id').text.strip()\n"
"        cves = [r.get('id') for r in u.iter('reference') if r.get('type') == 'cve']\n"
"        for p in u.iter('package'):\n"
"            e = p.get('epoch')\n"
"            evr = ('' if e in (None, '0') else e + ':') + p.get('version') + '-' + p.get('release')\n"
"            for v in cves or [alas]:\n"
"                k = (p.get('name'), v)\n"
"                if k in rows and rows[k][0] != evr:\n"
"                    sys.exit('two EVRs for %s' % (k,))\n"
"                rows.setdefault(k, (evr, alas))\n"
"for (pkg, v), (evr, alas) in sorted(rows.items()):\n"
"    print('|'.join((pkg, v, evr, alas)))\n";

/* The rows of both samples, as python's XML parser reads them. */
DEFINE_TEST(test_feed_amazon_cross_check)
{
	static const char *const files[] = { PLAIN, GZ };
	struct sb want = SB_INIT, cmd = SB_INIT;
	char line[1024], *got;
	const char *dbs[] = { "p.db", "g.db" };
	struct ctx c;
	sqlite3 *db;
	FILE *f;
	int64_t n;
	int status, i;

	ASSERT((f = fopen("cross.py", "w")) != NULL);
	fputs(cross_py, f);
	ASSERT(fclose(f) == 0);
	for (i = 0; i < 2; i++) {
		ctx_init(&c);
		ASSERT_OK(&c, build_file_db(&c, dbs[i], files[i], &n));
		sb_free(&cmd);
		sb_free(&want);
		sb_addf(&cmd, "python3 cross.py '%s'", test_data(files[i]));
		ASSERT((f = popen(cmd.s, "r")) != NULL);
		while (fgets(line, sizeof(line), f) != NULL)
			sb_adds(&want, line);
		status = pclose(f);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
			fprintf(stderr, "test_feed_amazon_cross_check: python3 not found, "
			    "skipped\n");
			sb_free(&want);
			sb_free(&cmd);
			return;
		}
		ASSERT_INT_EQ(status, 0);
		ASSERT(want.len > 0);
		if (want.s[want.len - 1] == '\n')
			want.s[--want.len] = '\0';
		ASSERT((db = open_ro(dbs[i])) != NULL);
		got = q_str(db, "SELECT package || '|' || vuln_id || '|' || fixed_version || "
		    "'|' || advisory FROM affected ORDER BY package, vuln_id");
		sqlite3_close(db);
		if (strcmp(got, want.s) != 0)
			test_fail(t, __FILE__, __LINE__, "%s: rows differ from python's "
			    "reading:\n%s\n---\n%s", files[i], got, want.s);
		free(got);
	}
	sb_free(&want);
	sb_free(&cmd);
}

static void
add_rpm(struct pkglist *l, const char *name, const char *ver)
{
	struct pkg p = { (char *)name, (char *)ver, (char *)"x86_64", (char *)name,
		(char *)ver, "rpm", 0, NULL, NULL };

	pkglist_add(l, &p);
}

/* bundle_query_package callback: "VULN ADVISORY NOTE" lines. */
static int
on_row(struct ctx *c, const struct bundle_affected *a, void *arg)
{
	struct sb *out = arg;

	(void)c;
	sb_addf(out, "%s %s %s\n", a->vuln_id, a->advisory ? a->advisory : "NULL",
	    a->note ? a->note : "NULL");
	return 0;
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

/* Build from the plain sample, then match an Amazon Linux 2 package list. */
DEFINE_TEST(test_feed_amazon_match)
{
	struct osinfo os = { .id = (char *)"amzn", .version_id = (char *)"2" };
	struct osinfo al2023 = { .id = (char *)"amzn", .version_id = (char *)"2023" };
	struct osinfo odd = { .id = (char *)"amzn", .version_id = (char *)"3" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct sb rows = SB_INIT;
	struct bundle b;
	struct ctx c;
	int64_t n;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_file_db(&c, "p.db", PLAIN, &n));
	ASSERT(sqlite3_open_v2("p.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	/* the bundle's reader hands the advisory over */
	ASSERT_OK(&c, bundle_query_package(&c, &b, "rpm", "amzn:2", "perf", "binary", on_row,
	    &rows));
	ASSERT_STR_EQ(sb_str(&rows), "CVE-2017-5715 ALAS2-2018-939 NULL\n"
	    "CVE-2017-5754 ALAS2-2018-939 NULL\n");
	sb_free(&rows);
	add_rpm(&l, "kernel", "4.9.76-38.79.amzn2");		/* at the fix: nothing */
	add_rpm(&l, "perf", "4.9.62-21.56.amzn2");		/* below: both CVEs */
	add_rpm(&l, "qemu-img", "10:1.5.3-141.amzn2.5.2");	/* below (release) */
	add_rpm(&l, "qemu-kvm", "1.5.3-141.amzn2.5.3");		/* epoch 0 < 10 */
	add_rpm(&l, "qemu-kvm-common", "10:1.5.4-1.amzn2");	/* above: nothing */
	add_rpm(&l, "bash", "4.2.46-30.amzn2");			/* in no advisory */
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "amzn:2");
	ASSERT_STR_EQ(m.coverage, "fixes-only");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT_INT_EQ(m.nfindings, 4);
	ASSERT((f = find(&m, "CVE-2017-5754", "perf")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "4.9.76-38.79.amzn2");
	ASSERT_STR_EQ(f->installed_version, "4.9.62-21.56.amzn2");
	ASSERT_STR_EQ(f->severity, "critical");
	/* the evidence names the advisory: ALAS2-2018-939 fixes CVE-2017-5754 */
	ASSERT_STR_EQ(f->record, "ALAS2-2018-939");
	ASSERT(f->note == NULL);
	ASSERT_STR_EQ(f->comparison, "4.9.62-21.56.amzn2 < 4.9.76-38.79.amzn2 (rpm)");
	ASSERT_STR_EQ(f->source, "amazon");
	ASSERT(find(&m, "CVE-2017-5715", "perf") != NULL);
	ASSERT((f = find(&m, "CVE-2017-5715", "qemu-img")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "10:1.5.3-141.amzn2.5.3");
	ASSERT_STR_EQ(f->record, "ALAS2-2018-942");
	ASSERT(f->note == NULL);
	ASSERT_STR_EQ(f->vendor_severity, "important");
	ASSERT((f = find(&m, "CVE-2017-5715", "qemu-kvm")) != NULL);
	ASSERT(find(&m, "CVE-2017-5754", "kernel") == NULL);
	ASSERT(find(&m, "CVE-2017-5715", "kernel") == NULL);
	ASSERT(find(&m, "CVE-2017-5715", "qemu-kvm-common") == NULL);
	match_result_free(&m);

	/* the bundle has no amzn:2023 feed, and "3" is no Amazon Linux release */
	ASSERT_OK(&c, match_run(&c, &b, &al2023, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT(m.nnot_assessed == 7);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &odd, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT(strstr(m.not_assessed[0].reason, "Amazon Linux release") != NULL);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

#define HEAD	"<?xml version=\"1.0\" ?>\n<updates>"
#define UPD(attrs, body) "<update status=\"final\" type=\"security\" " attrs ">" body \
	"</update>"
#define PKG(name, e, v, r, arch) "<package arch=\"" arch "\" epoch=\"" e "\" name=\"" \
	name "\" release=\"" r "\" version=\"" v "\"/>"
#define PKGLIST(p) "<pkglist><collection short=\"amazon-linux-2\">" p \
	"</collection></pkglist>"

/* No CVE: the ALAS id is the vuln; dates with seconds; other types skipped. */
DEFINE_TEST(test_feed_amazon_shapes)
{
	static const char doc[] = HEAD
	    UPD("", "<id>ALAS2-2019-1234</id><issued date=\"2019-06-12 21:17:00\"/>"
		"<updated date=\"2019-06-13 01:02\"/><severity>low</severity>"
		"<references><reference type=\"bugzilla\" id=\"1519781\"/></references>"
		PKGLIST(PKG("tzdata", "0", "2019a", "1.amzn2", "noarch")))
	    "<update status=\"stable\" type=\"bugfix\"><id>ALAS2-2019-9</id>"
		PKGLIST(PKG("vim", "2", "8.1", "1", "x86_64")) "</update>"
	    /* the same CVE fixed again later for curl, and per arch with two EVRs */
	    UPD("", "<id>ALAS2-2020-1</id><severity>medium</severity>"
		"<references><reference type=\"cve\" id=\"CVE-2020-0001\"/></references>"
		PKGLIST(PKG("curl", "0", "7.61.1", "12.amzn2", "x86_64")
		PKG("curl", "0", "7.61.1", "11.amzn2", "aarch64")))
	    UPD("", "<id>ALAS2-2020-2</id><severity>bogus</severity>"
		"<references><reference type=\"cve\" id=\"CVE-2020-0001\"/></references>"
		PKGLIST(PKG("curl", "0", "7.61.1", "12.1.amzn2", "x86_64")))
	    UPD("", "<id>ALAS2-2020-3</id><severity>critical</severity>"
		"<references><reference type=\"cve\" id=\"CVE-2020-0001\"/></references>"
		PKGLIST(PKG("curl", "0", "7.61.1", "9.amzn2", "x86_64")))
	    "</updates>\n";
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	ctx_init(&c);
	ASSERT_OK(&c, build_doc_db(&c, "d.db", doc, &n));
	ASSERT_INT_EQ(n, 2);
	ASSERT((db = open_ro("d.db")) != NULL);
	ASSERT_Q(db, ROW_SQL("tzdata", "ALAS2-2019-1234"),
	    "rpm|amzn:2|binary|fixed|2019a-1.amzn2|low|low|final|NULL|ALAS2-2019-1234");
	/* the highest EVR (12.1 > 12 > 11 > 9), from the advisory that gave it */
	ASSERT_Q(db, ROW_SQL("curl", "CVE-2020-0001"),
	    "rpm|amzn:2|binary|fixed|7.61.1-12.1.amzn2|unknown|bogus|final|NULL|"
	    "ALAS2-2020-2");
	ASSERT_Q(db, "SELECT count(*) FROM affected WHERE package = 'vim'", "0");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_amazon_malformed)
{
	static const struct {
		const char *doc;
		int code;
		const char *msg;
	} bad[] = {
		{ HEAD UPD("", "<id>ALAS2-1</id>"), E_FORMAT, "line " },
		{ HEAD "</updates>", E_FORMAT, "no <update>" },
		{ "<?xml version=\"1.0\"?><feed/>", E_FORMAT, "not <updates>" },
		{ "", E_FORMAT, "empty input" },
		{ "garbage", E_FORMAT, "line 1" },
		{ HEAD UPD("", "<severity>low</severity>") "</updates>", E_FORMAT,
		    "update without an id" },
		{ HEAD "<update type=\"weird\"><id>A</id></update></updates>", E_FORMAT,
		    "unknown update type 'weird'" },
		{ HEAD "<update><id>A</id></update></updates>", E_FORMAT,
		    "update without type" },
		{ HEAD UPD("", "<id>A</id><issued date=\"2019/06/12\"/>") "</updates>",
		    E_FORMAT, "issued date is not" },
		{ HEAD UPD("", "<id>A</id><issued date=\"2019-13-12 10:00\"/>") "</updates>",
		    E_FORMAT, "issued date is not" },
		{ HEAD UPD("", "<id>A</id>" PKGLIST(PKG("x", "0", "1-2", "3", "noarch")))
		    "</updates>", E_FORMAT, "'-' or ':'" },
		{ HEAD UPD("", "<id>A</id>" PKGLIST(PKG("x", "e", "1", "3", "noarch")))
		    "</updates>", E_FORMAT, "epoch 'e' is not a number" },
		{ HEAD UPD("", "<id>A</id>" PKGLIST("<package name=\"x\" version=\"1\"/>"))
		    "</updates>", E_FORMAT, "package without release" },
		{ HEAD UPD("", "<id>A B</id>") "</updates>", E_FORMAT, "<id> is empty" },
		{ HEAD UPD("", "<id>A<b/></id>") "</updates>", E_FORMAT,
		    "element <b> inside <id>" },
		{ HEAD UPD("", "<id>A</id><id>B</id>") "</updates>", E_FORMAT,
		    "duplicate <id>" },
		{ HEAD UPD("", "<id>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		    "AAAAA</id>") "</updates>", E_LIMIT, "AMAZON_ID_MAX" },
		{ HEAD "<a><b><c><d><e><f><g><h><i><j><k><l><m><n><o><p><q>"
		    "</q></p></o></n></m></l></k></j></i></h></g></f></e></d></c></b></a>"
		    "</updates>", E_LIMIT, "AMAZON_DEPTH_MAX" },
		{ HEAD UPD("", "<id>A</id>") "</updates><extra/>", E_FORMAT, "line" },
	};
	struct ctx c;
	int64_t n;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = parse_doc(&c, bad[i].doc, &n);
		if (r != bad[i].code || strstr(c.err, bad[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %s (%s), want %s \"%s\"", i,
			    ctx_code_name(r), c.err, ctx_code_name(bad[i].code), bad[i].msg);
			return;
		}
		ASSERT_INT_EQ(n, 0);
	}
	/* the release: required, and one of three */
	ctx_init(&c);
	r = feed_amazon_parse_buf(&c, NULL, (const uint8_t *)"x", 1, NULL, &n);
	ASSERT_ERR(&c, r, E_USAGE, "1, 2, 2023");
	ctx_init(&c);
	r = feed_amazon.parse(&c, test_data(PLAIN), "2022", NULL, &n);
	ASSERT_ERR(&c, r, E_USAGE, "unknown release '2022' (one of 1, 2, 2023)");
	ctx_init(&c);
	r = feed_amazon.parse(&c, "no-such-file.xml", "2", NULL, &n);
	ASSERT_INT_EQ(r, E_IO);
}

/*
 * Entities and DTDs: never loaded. If the external parameter entity were
 * read, evil.dtd's syntax error (or the secret's text) would show instead.
 */
DEFINE_TEST(test_feed_amazon_no_entities)
{
	static const char *const docs[] = {
		"<?xml version=\"1.0\"?><!DOCTYPE updates [<!ENTITY % ext SYSTEM "
		    "\"evil.dtd\"> %ext;]><updates>" UPD("", "<id>A</id>") "</updates>",
		"<?xml version=\"1.0\"?><!DOCTYPE updates SYSTEM \"evil.dtd\"><updates>"
		    UPD("", "<id>A</id>") "</updates>",
		"<?xml version=\"1.0\"?><!DOCTYPE updates [<!ENTITY x SYSTEM "
		    "\"secret.txt\">]><updates>" UPD("", "<id>&x;</id>") "</updates>",
	};
	FILE *f;
	struct ctx c;
	int64_t n;
	size_t i;
	int r;

	ASSERT((f = fopen("evil.dtd", "w")) != NULL);
	fputs("<!ENTITY % broken \"unterminated", f);
	ASSERT(fclose(f) == 0);
	ASSERT((f = fopen("secret.txt", "w")) != NULL);
	fputs("CVE-SECRET", f);
	ASSERT(fclose(f) == 0);
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		r = parse_doc(&c, docs[i], &n);
		ASSERT_ERR(&c, r, E_FORMAT, "(DTD) not allowed");
		ASSERT(strstr(c.err, "SECRET") == NULL);
	}
	/* an entity used without any DTD is undefined, and so malformed */
	r = parse_doc(&c, HEAD UPD("", "<id>&x;</id>") "</updates>", &n);
	ASSERT_INT_EQ(r, E_FORMAT);
}

/* The gzip sample through parse_buf: whole, cut short, and corrupted. */
DEFINE_TEST(test_feed_amazon_gzip_buf)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct ctx c;
	int64_t n;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, file_read(&c, test_data(GZ), 1 << 20, &buf, &len));
	ASSERT_OK(&c, feed_amazon_parse_buf(&c, "2023", buf, len, NULL, &n));
	ASSERT_INT_EQ(n, 260);
	ctx_init(&c);
	r = feed_amazon_parse_buf(&c, "2", buf, len - 4, NULL, &n);
	ASSERT(r == E_FORMAT);
	ASSERT_INT_EQ(n, 0);
	/* a flipped byte inside the deflate data: a deflate error or bytes that are
	 * not the XML any more (libarchive 3.6 does not check gzip's CRC32) */
	buf[len / 2] ^= 0x55;
	ctx_init(&c);
	r = feed_amazon_parse_buf(&c, "2", buf, len, NULL, &n);
	ASSERT(r == E_FORMAT);
	free(buf);
}
