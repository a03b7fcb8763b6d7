/*
 * test_feed_oval.c - OVAL: the bundle writer's oval tables, then the five
 * OVAL feed sources on the samples in tests/data/oval/ (provenance and the
 * edits made to three of them: tests/data/README.md).
 *
 * The counts asserted below (definitions, records, tests, oval_index rows)
 * were computed independently of airlock by tests/e2e/oval-count.py (python
 * ElementTree: definitions not of class inventory; distinct tests reachable
 * from them through extend_definition; distinct (definition, package name)
 * pairs of rpminfo/dpkginfo tests naming packages by equality, constant
 * variables expanded), which tests/e2e/oval.sh also runs against every OVAL
 * file of the shared corpus. Spot-checked values were read from the files.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "match/oval.h"
#include "pkgdb/pkgdb.h"
#include "feedtest.h"
#include "test.h"

/*
 * The writer, on values taken from rhel-8.oval.xml's RHSA-2019:3338 (idm:DL1
 * module): four tests and one definition whose criteria use all of them.
 */
static const char *const softhsm_names[] = { "softhsm", "softhsm-devel", "softhsm" };

static int
write_oval_sample(struct ctx *c, struct bundle_writer *w, int64_t tid[4], int64_t *did)
{
	struct bundle_oval_test pkg = {
		.kind = "pkg",
		.comment = "softhsm is earlier than 0:2.4.0-2.module+el8.1.0+4098+f286395e",
		.check = "at least one",
		.existence = "at_least_one_exists",
		.names = softhsm_names,
		.nnames = 3,
		.evr_op = "less than",
		.evr = "0:2.4.0-2.module+el8.1.0+4098+f286395e",
		.arch_op = "pattern match",
		.arch = "^(aarch64|ppc64le|s390x|x86_64)$",
	}, module = {
		.kind = "module",
		.comment = "Module idm:DL1 is enabled",
		.check = "at least one",
		.existence = "at_least_one_exists",
		.module = "idm:DL1",
	}, platform = {
		.kind = "platform",
		.comment = "Red Hat Enterprise Linux 8 is installed",
		.check = "at least one",
		.existence = "at_least_one_exists",
	}, unsup = {
		.kind = "unsupported",
		.comment = "kernel earlier than 0:4.18.0-80.el8 is currently running",
		.check = "at least one",
		.existence = "at_least_one_exists",
		.why = "uname_test os_release",
	};
	static const char *const vulns[] = {
		"CVE-2019-10195", "CVE-2019-14867", "CVE-2019-10195"
	};
	struct bundle_oval_def d = {
		.namespace = "rhel:8",
		.ecosystem = "rpm",
		.name_kind = "binary",
		.def_id = "oval:com.redhat.rhsa:def:20193338",
		.klass = "patch",
		.title = "RHSA-2019:3338: idm:DL1 security update (Moderate)",
		.advisory = "RHSA-2019:3338",
		.state = "fixed",
		.severity = "medium",
		.vendor_severity = "Moderate",
		.description = "The idm module stream ...",
		.vulns = vulns,
		.nvulns = 3,
	};
	char crit[128];
	int r;

	if ((r = bundle_writer_oval_test(c, w, &pkg, &tid[0])) != 0 ||
	    (r = bundle_writer_oval_test(c, w, &module, &tid[1])) != 0 ||
	    (r = bundle_writer_oval_test(c, w, &platform, &tid[2])) != 0 ||
	    (r = bundle_writer_oval_test(c, w, &unsup, &tid[3])) != 0)
		return r;
	snprintf(crit, sizeof(crit), "&(t%lld,|(&(t%lld,t%lld),!t%lld))", (long long)tid[2],
	    (long long)tid[1], (long long)tid[0], (long long)tid[3]);
	d.criteria = crit;
	return bundle_writer_oval_def(c, w, &d, did);
}

static int
build_oval_sample(struct ctx *c, const char *path)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int64_t tid[4], did;
	int r;

	if ((r = bundle_writer_new(c, path, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "rhel-oval", "test", "1")) == 0 &&
	    (r = write_oval_sample(c, w, tid, &did)) == 0 &&
	    (r = bundle_writer_source_end(c, w, 1)) == 0)
		r = bundle_writer_finish(c, w, feedtest_meta(&m, 3));
	bundle_writer_free(w);
	return r;
}

DEFINE_TEST(test_write_oval_rows)
{
	struct ctx c;
	sqlite3 *db;
	uint8_t *a, *b;
	size_t alen, blen;

	ctx_init(&c);
	ASSERT_OK(&c, build_oval_sample(&c, "o.db"));
	ASSERT((db = feedtest_open("o.db")) != NULL);
	ASSERT_Q(db, "SELECT id || ' ' || kind || ' ' || ifnull(module, '-') || ' ' || "
	    "ifnull(why, '-') FROM oval_test ORDER BY id",
	    "1 pkg - -\n2 module idm:DL1 -\n3 platform - -\n4 unsupported - uname_test os_release");
	ASSERT_Q(db, "SELECT evr_op || '|' || evr || '|' || arch_op || '|' || arch || '|' || "
	    "check_ || '|' || existence FROM oval_test WHERE id = 1",
	    "less than|0:2.4.0-2.module+el8.1.0+4098+f286395e|pattern match|"
	    "^(aarch64|ppc64le|s390x|x86_64)$|at least one|at_least_one_exists");
	/* a repeated name is stored once */
	ASSERT_Q(db, "SELECT name FROM oval_test_name WHERE test = 1 ORDER BY id",
	    "softhsm\nsofthsm-devel");
	ASSERT_Q(db, "SELECT criteria FROM oval_def", "&(t3,|(&(t2,t1),!t4))");
	ASSERT_Q(db, "SELECT namespace || '|' || ecosystem || '|' || name_kind || '|' || "
	    "class || '|' || advisory || '|' || state || '|' || severity || '|' || "
	    "vendor_severity FROM oval_def",
	    "rhel:8|rpm|binary|patch|RHSA-2019:3338|fixed|medium|Moderate");
	/* in order, a repeated one once */
	ASSERT_Q(db, "SELECT vuln_id FROM oval_def_vuln ORDER BY id",
	    "CVE-2019-10195\nCVE-2019-14867");
	ASSERT_Q(db, "SELECT vuln_id FROM vuln ORDER BY id", "CVE-2019-10195\nCVE-2019-14867");
	/* only the pkg test's names, each once, in name order */
	ASSERT_Q(db, "SELECT ecosystem || '|' || namespace || '|' || package || '|' || "
	    "name_kind || '|' || def FROM oval_index ORDER BY id",
	    "rpm|rhel:8|softhsm|binary|1\nrpm|rhel:8|softhsm-devel|binary|1");
	ASSERT_Q(db, "SELECT records FROM source", "1");
	ASSERT_Q(db, "SELECT name FROM sqlite_master WHERE name = 'oval_index_package'",
	    "oval_index_package");
	sqlite3_close(db);
	/* deterministic: the same rows and meta give the same bytes */
	ASSERT_OK(&c, build_oval_sample(&c, "p.db"));
	a = test_slurp("o.db", &alen);
	b = test_slurp("p.db", &blen);
	ASSERT_INT_EQ(alen, blen);
	ASSERT(memcmp(a, b, alen) == 0);
	free(a);
	free(b);
}

/* One source with one pkg test (t1), for the criteria checks. */
static int
begin_one_test(struct ctx *c, const char *path, struct bundle_writer **w)
{
	static const char *const names[] = { "bash" };
	struct bundle_oval_test pkg = {
		.kind = "pkg", .check = "all", .existence = "at_least_one_exists",
		.names = names, .nnames = 1, .evr_op = "less than", .evr = "0:5.1-2",
	};
	int64_t id;
	int r;

	if ((r = bundle_writer_new(c, path, w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, *w, "suse-oval", "test", "1")) != 0)
		return r;
	return bundle_writer_oval_test(c, *w, &pkg, &id);
}

static int
try_def(struct ctx *c, struct bundle_writer *w, const char *def_id, const char *criteria)
{
	static const char *const vulns[] = { "CVE-2024-1" };
	struct bundle_oval_def d = {
		.namespace = "sles:15", .ecosystem = "rpm", .name_kind = "binary",
		.def_id = def_id, .klass = "patch", .state = "fixed", .severity = "high",
		.criteria = criteria, .vulns = vulns, .nvulns = 1,
	};
	int64_t id;

	ctx_init(c);
	return bundle_writer_oval_def(c, w, &d, &id);
}

DEFINE_TEST(test_write_oval_criteria)
{
	static const char *const bad[] = {
		"", "t", "t0", "t01", "t2", "t1,", "&()", "&(t1", "&(t1,)", "&t1", "& (t1)",
		"!", "x(t1)", "&(t1))", "T1", "t1 ", "t99999999999999999999", "|(t1;t1)",
	};
	static const char *const good[] = {
		"t1", "!t1", "&(t1)", "|(t1,!t1)", "1(t1,t1,t1)", "^(t1,&(t1,|(!t1)))",
	};
	struct bundle_writer *w = NULL;
	struct sb deep = SB_INIT;
	struct ctx c;
	char id[32];
	size_t i;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, begin_one_test(&c, "c.db", &w));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = try_def(&c, w, "oval:x:def:1", bad[i]);
		if (r != E_FORMAT) {
			test_fail(t, __FILE__, __LINE__, "criteria \"%s\": %d (%s)", bad[i], r,
			    c.err);
			bundle_writer_free(w);
			return;
		}
	}
	ASSERT(strstr(c.err, "oval:x:def:1 sles:15: oval criteria:") != NULL);
	r = try_def(&c, w, "oval:x:def:1", "t2");
	ASSERT_ERR(&c, r, E_FORMAT, "test t2 does not exist in source suse-oval");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(id, sizeof(id), "oval:x:def:%zu", i + 10);
		r = try_def(&c, w, id, good[i]);
		if (r != 0) {
			test_fail(t, __FILE__, __LINE__, "criteria \"%s\": %s", good[i], c.err);
			bundle_writer_free(w);
			return;
		}
	}
	/* 64 enclosing operators are allowed, 65 are not */
	for (i = 0; i < 32; i++)
		sb_adds(&deep, "&(!");
	sb_adds(&deep, "t1");
	for (i = 0; i < 32; i++)
		sb_adds(&deep, ")");
	r = try_def(&c, w, "oval:x:def:100", deep.s);
	ASSERT_OK(&c, r);
	sb_free(&deep);
	for (i = 0; i < 32; i++)
		sb_adds(&deep, "&(!");
	sb_adds(&deep, "!t1");
	for (i = 0; i < 32; i++)
		sb_adds(&deep, ")");
	r = try_def(&c, w, "oval:x:def:101", deep.s);
	sb_free(&deep);
	ASSERT_ERR(&c, r, E_LIMIT, "BUNDLE_OVAL_DEPTH_MAX");
	/* the parser counted one record too many */
	r = bundle_writer_source_end(&c, w, 8);
	ASSERT_ERR(&c, r, E_INTERNAL, "7 oval definitions");
	bundle_writer_free(w);

	/* the same (def, namespace) twice */
	ASSERT_OK(&c, begin_one_test(&c, "d.db", &w));
	ASSERT_OK(&c, try_def(&c, w, "oval:x:def:1", "t1"));
	r = try_def(&c, w, "oval:x:def:1", "t1");
	ASSERT_ERR(&c, r, E_FORMAT, "duplicate record: oval:x:def:1 sles:15");
	bundle_writer_free(w);
}

DEFINE_TEST(test_write_oval_vocabulary)
{
	static const char *const names[] = { "bash" };
	struct bundle_oval_test ok = {
		.kind = "pkg", .check = "all", .existence = "at_least_one_exists",
		.names = names, .nnames = 1, .sigkey = "199e2f91fd431d51",
	}, x;
	struct bundle_writer *w = NULL;
	struct ctx c;
	int64_t id;

	ctx_init(&c);
	ASSERT_OK(&c, bundle_writer_new(&c, "v.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "oracle-oval", "test", "1"));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &ok, &id));
	ASSERT_INT_EQ(id, 1);
	x = ok; x.kind = "rpminfo";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.sigkey = "199E2F91FD431D51";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.check = "any";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.evr_op = "less than";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.nnames = 0;
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.kind = "module";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.kind = "unsupported";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.flavour = "normal";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.flavour = "ksplice";
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &x, &id));
	ASSERT_INT_EQ(id, 2);
	/* a package status: on pkg tests, from affected's vocabulary, words with it */
	x = ok; x.state = "unfixed"; x.vendor_status = "needed"; x.note = "needs fixing";
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &x, &id));
	ASSERT_INT_EQ(id, 3);
	x = ok; x.state = "vulnerable";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.note = "needs fixing";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.vendor_status = "needed";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	x = ok; x.kind = "platform"; x.names = NULL; x.nnames = 0; x.sigkey = NULL;
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &x, &id));
	x.state = "unfixed";
	ASSERT_INT_EQ(bundle_writer_oval_test(&c, w, &x, &id), E_INTERNAL);
	bundle_writer_free(w);
}

/* ---- the OVAL sources --------------------------------------------------- */

#define OVAL_DIR "oval/"

/* One file as the given source into dbpath; *n records. */
static int
build_oval_db(struct ctx *c, const char *dbpath, const struct feed_source *src,
    const char *path, const char *arg, int64_t *n)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*n = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, src->name, src->format,
	    src->parser_version)) == 0 &&
	    (r = src->parse(c, path, arg, w, n)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *n)) == 0)
		r = bundle_writer_finish(c, w, feedtest_meta(&m, 3));
	bundle_writer_free(w);
	return r;
}

/* Builds tests/data/oval/NAME into DB and opens it read-only as db. */
#define OPEN_OVAL(src, name, arg, dbname, n) do { \
	ctx_init(&c); \
	ASSERT_OK(&c, build_oval_db(&c, dbname, &(src), test_data(OVAL_DIR name), arg, \
	    &(n))); \
	ASSERT((db = feedtest_open(dbname)) != NULL); \
} while (0)

/* The counts oval-count.py gives for a file, and that parse-only agrees. */
#define ASSERT_COUNTS(db, records, tests, index) do { \
	ASSERT_Q(db, "SELECT count(*) FROM oval_def", #records); \
	ASSERT_Q(db, "SELECT records FROM source", #records); \
	ASSERT_Q(db, "SELECT count(*) FROM oval_test", #tests); \
	ASSERT_Q(db, "SELECT count(*) FROM oval_index", #index); \
} while (0)

#define DEF_SQL(cols, advisory) "SELECT " cols " FROM oval_def WHERE advisory = '" \
	advisory "'"

/* Parses path with w == NULL (--parse-only): the same record count. */
static int
parse_only(struct ctx *c, const struct feed_source *src, const char *path, int64_t *n)
{
	ctx_init(c);
	return src->parse(c, path, NULL, NULL, n);
}

DEFINE_TEST(test_feed_oval_rhel8)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n, n2;
	char *want;

	/* rhel-8.oval.xml (quay/clair testdata, Red Hat's v2 file of 2020-03-19) */
	OPEN_OVAL(feed_rhel_oval, "rhel-8.oval.xml.xz", NULL, "r.db", n);
	ASSERT_INT_EQ(n, 181);
	ASSERT_COUNTS(db, 181, 4031, 2723);
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "rhel:8 fixes-only");
	ASSERT_Q(db, "SELECT DISTINCT namespace || ' ' || ecosystem || ' ' || name_kind "
	    "FROM oval_def", "rhel:8 rpm binary");
	want = sqlite3_mprintf("%s 134348 2020-03-19T15:44:09",
	    test_data(OVAL_DIR "rhel-8.oval.xml.xz"));
	ASSERT_Q(db, "SELECT path || ' ' || bytes || ' ' || upstream_time FROM source_input",
	    want);
	sqlite3_free(want);
	ASSERT_Q(db, "SELECT kind || ' ' || count(*) FROM oval_test GROUP BY kind ORDER BY kind",
	    "module 24\npkg 3985\nplatform 2\nunsupported 20");
	/* a fixed entry: RHSA-2019:0966, firefox before 0:60.6.1-1.el8 */
	ASSERT_Q(db, DEF_SQL("def_id || '|' || class || '|' || state || '|' || severity || "
	    "'|' || vendor_severity || '|' || title || '|' || criteria", "RHSA-2019:0966"),
	    "oval:com.redhat.rhsa:def:20190966|patch|fixed|critical|Critical|"
	    "RHSA-2019:0966: firefox security update (Critical)|"
	    "|(t1,&(t2,|(&(t83,t84),&(t85,t86))))");
	ASSERT_Q(db, "SELECT group_concat(vuln_id, ' ') FROM (SELECT v.vuln_id FROM "
	    "oval_def_vuln AS v JOIN oval_def AS d ON d.id = v.def WHERE d.advisory = "
	    "'RHSA-2019:0966' ORDER BY v.id)",
	    "CVE-2018-18506 CVE-2019-9788 CVE-2019-9790 CVE-2019-9791 CVE-2019-9792 "
	    "CVE-2019-9793 CVE-2019-9795 CVE-2019-9796 CVE-2019-9810 CVE-2019-9813");
	ASSERT_Q(db, "SELECT t.kind || '|' || t.comment || '|' || t.check_ || '|' || "
	    "t.existence || '|' || t.evr_op || '|' || t.evr || '|' || t.arch_op || '|' || "
	    "t.arch || '|' || n.name FROM oval_test AS t JOIN oval_test_name AS n ON "
	    "n.test = t.id WHERE t.id = 85",
	    "pkg|firefox is earlier than 0:60.6.1-1.el8|at least one|at_least_one_exists|"
	    "less than|0:60.6.1-1.el8|pattern match|aarch64|ppc64le|s390x|x86_64|firefox");
	ASSERT_Q(db, "SELECT sigkey FROM oval_test WHERE id = 86", "199e2f91fd431d51");
	/* the platform tests every definition starts with */
	ASSERT_Q(db, "SELECT kind || '|' || comment || '|' || check_ FROM oval_test "
	    "WHERE id IN (1, 2) ORDER BY id",
	    "platform|Red Hat Enterprise Linux must be installed|none satisfy\n"
	    "platform|Red Hat Enterprise Linux 8 is installed|at least one");
	/* a module stream: RHEA-2020:0330 needs nodejs:12 beside its packages */
	ASSERT_Q(db, DEF_SQL("criteria", "RHEA-2020:0330"),
	    "|(t1,&(t2,t68,|(&(t69,t70),&(t71,t72),&(t73,t74),&(t75,t76),&(t77,t78),"
	    "&(t79,t80),&(t81,t82))))");
	ASSERT_Q(db, "SELECT kind || '|' || module || '|' || comment FROM oval_test "
	    "WHERE id = 68", "module|nodejs:12|Module nodejs:12 is enabled");
	ASSERT_Q(db, "SELECT evr FROM oval_test WHERE id = 69",
	    "1:6.13.4-1.12.14.1.1.module+el8.1.0+5466+30f75629");
	/* RHBA-2019:4268: idm:DL1 directly under the AND that holds the packages */
	ASSERT_Q(db, "SELECT count(*) FROM oval_def AS d JOIN oval_test AS t ON "
	    "t.module = 'idm:DL1' WHERE d.advisory = 'RHBA-2019:4268' AND "
	    "d.criteria LIKE '|(t1,&(t2,t' || t.id || ',|(&(%'", "1");
	/* the kernel's running-kernel and grub tests are not modelled */
	ASSERT_Q(db, "SELECT why || ' ' || count(*) FROM oval_test WHERE kind = "
	    "'unsupported' GROUP BY why ORDER BY why",
	    "textfilecontent54_test /boot/grub2/grub.cfg 10\nuname_test os_release 10");
	/* oval_index finds a def by package */
	ASSERT_Q(db, "SELECT group_concat(d.advisory, ' ') FROM oval_index AS i JOIN "
	    "oval_def AS d ON d.id = i.def WHERE i.ecosystem = 'rpm' AND i.namespace = "
	    "'rhel:8' AND i.package = 'softhsm' AND i.name_kind = 'binary'",
	    "RHBA-2019:4268");
	sqlite3_close(db);
	ASSERT_OK(&c, parse_only(&c, &feed_rhel_oval, test_data(OVAL_DIR
	    "rhel-8.oval.xml.xz"), &n2));
	ASSERT_INT_EQ(n2, n);
}

DEFINE_TEST(test_feed_oval_rhel_unpatched)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	/* verbatim: the unpatched CVE definitions carry no resolution element */
	OPEN_OVAL(feed_rhel_oval, "RHEL8-ansible-2-including-unpatched.oval.xml.bz2", NULL,
	    "u.db", n);
	ASSERT_INT_EQ(n, 5);
	ASSERT_COUNTS(db, 5, 10, 10);
	/* they name no platform: the file's one release (from the two RHSAs'
	 * "Red Hat Ansible Engine 2.9 for RHEL 8") */
	/* a product stream's file (ansible-2), not the release's own: even with
	 * unfixed states it cannot say rhel:8's list is complete */
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "rhel:8 fixes-only");
	ASSERT_Q(db, "SELECT def_id || '|' || class || '|' || state || '|' || "
	    "ifnull(advisory, '-') || '|' || ifnull(vendor_status, '-') || '|' || severity "
	    "FROM oval_def ORDER BY id",
	    "oval:com.redhat.cve:def:202010744|vulnerability|unfixed|-|-|medium\n"
	    "oval:com.redhat.cve:def:20201734|vulnerability|unfixed|-|-|medium\n"
	    "oval:com.redhat.cve:def:20201738|vulnerability|unfixed|-|-|low\n"
	    "oval:com.redhat.rhsa:def:20193927|patch|fixed|RHSA-2019:3927|-|medium\n"
	    "oval:com.redhat.rhsa:def:20200215|patch|fixed|RHSA-2020:0215|-|medium");
	/* "ansible is installed": an existence-only pkg test */
	ASSERT_Q(db, "SELECT kind || '|' || ifnull(evr_op, '-') || '|' || comment FROM "
	    "oval_test WHERE id = 3", "pkg|-|ansible is installed");
	ASSERT_Q(db, "SELECT vuln_id FROM oval_def_vuln WHERE def = 1",
	    "CVE-2020-10744");
	sqlite3_close(db);

	/* the same file with Red Hat's <affected><resolution> added (edited) */
	OPEN_OVAL(feed_rhel_oval, "RHEL8-ansible-resolutions-edited.xml.bz2", NULL, "v.db",
	    n);
	ASSERT_INT_EQ(n, 5);
	ASSERT_Q(db, "SELECT state || '|' || vendor_status || '|' || note FROM oval_def "
	    "WHERE class = 'vulnerability' ORDER BY id",
	    "wont-fix|Will not fix|Will not fix: ansible\n"
	    "unfixed|Affected|Affected: ansible, ansible-test; Out of support scope: "
	    "ansible-doc\n"
	    "unknown|Under investigation|Under investigation: ansible");
	sqlite3_close(db);

	/* @ARG forces the release */
	OPEN_OVAL(feed_rhel_oval, "RHEL8-ansible-2-including-unpatched.oval.xml.bz2", "9",
	    "w.db", n);
	ASSERT_Q(db, "SELECT DISTINCT namespace FROM oval_def", "rhel:9");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_rhel_v1)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	/* a v1 per-advisory file: the release is an rpminfo test on the
	 * redhat-release packages with a Perl pattern */
	OPEN_OVAL(feed_rhel_oval, "rhsa-oval-v1-RHSA-sample.xml", NULL, "v1.db", n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_COUNTS(db, 1, 10, 7);
	ASSERT_Q(db, "SELECT namespace || '|' || advisory || '|' || state FROM oval_def",
	    "rhel:7|RHSA-2015:1193-00|fixed");
	ASSERT_Q(db, "SELECT t.version_op || '|' || t.version || '|' || n.name FROM "
	    "oval_test AS t JOIN oval_test_name AS n ON n.test = t.id WHERE t.id = 2",
	    "pattern match|^7[^0-9]|redhat-release-server");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_oracle)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	OPEN_OVAL(feed_oracle_oval, "ELSA-2007-0057.xml", NULL, "o.db", n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_COUNTS(db, 1, 17, 9);
	ASSERT_Q(db, "SELECT namespace || '|' || def_id || '|' || advisory || '|' || state "
	    "|| '|' || severity || '|' || vendor_severity || '|' || title FROM oval_def",
	    "ol:5|oval:com.oracle.elsa:def:20070057|ELSA-2007-0057|fixed|medium|MODERATE|"
	    "ELSA-2007-0057:  Moderate: bind security update  (MODERATE)");
	ASSERT_Q(db, "SELECT vuln_id FROM oval_def_vuln ORDER BY id",
	    "CVE-2007-0493\nCVE-2007-0494");
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "ol:5 fixes-only");
	ASSERT_Q(db, "SELECT t.evr || '|' || ifnull(t.flavour, 'normal') FROM oval_test AS t "
	    "JOIN oval_test_name AS n ON n.test = t.id WHERE n.name = 'bind' AND "
	    "t.evr IS NOT NULL", "30:9.3.3-8.el5|normal");
	ASSERT_Q(db, "SELECT DISTINCT sigkey FROM oval_test WHERE sigkey IS NOT NULL",
	    "66ced3de1e5e0159");
	/* "Oracle Linux 5 is installed": oraclelinux-release, version ^5 */
	ASSERT_Q(db, "SELECT t.kind || '|' || t.version_op || '|' || t.version || '|' || "
	    "n.name FROM oval_test AS t JOIN oval_test_name AS n ON n.test = t.id "
	    "WHERE t.id = 1", "pkg|pattern match|^5|oraclelinux-release");
	sqlite3_close(db);

	/* no sample has a ksplice or FIPS build: the same advisory with two
	 * more branches added (edited), for a ksplice bind and a FIPS bind-libs */
	OPEN_OVAL(feed_oracle_oval, "ELSA-2007-0057-flavours-edited.xml", NULL, "f.db", n);
	ASSERT_COUNTS(db, 1, 19, 9);
	ASSERT_Q(db, "SELECT n.name || '|' || t.evr || '|' || ifnull(t.flavour, 'normal') "
	    "FROM oval_test AS t JOIN oval_test_name AS n ON n.test = t.id WHERE "
	    "t.evr IS NOT NULL AND n.name IN ('bind', 'bind-libs') ORDER BY t.id",
	    "bind-libs|30:9.3.3-8.el5|normal\nbind|30:9.3.3-8.el5|normal\n"
	    "bind|30:9.3.3-8.0.1.ksplice1.el5|ksplice\n"
	    "bind-libs|30:9.3.3-8.el5_fips|fips");
	/* tests without an evr constrain no flavour */
	ASSERT_Q(db, "SELECT count(*) FROM oval_test WHERE flavour IS NOT NULL AND "
	    "evr IS NULL", "0");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_suse)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;
	int r;

	/* vunnel's truncated fixture is not valid OVAL: an object twice, a
	 * <state> section, references to tests it lacks, operation "6" */
	ctx_init(&c);
	r = build_oval_db(&c, "t.db", &feed_suse_oval, test_data(OVAL_DIR "suse_truncated.xml"),
	    NULL, &n);
	ASSERT_ERR(&c, r, E_FORMAT,
	    "line 432: id oval:org.opensuse.security:obj:2009030884 given twice");
	ASSERT_INT_EQ(n, 0);
	/* repaired (edited, see README): CVE-2010-1323 (krb5) and CVE-2026-34073 */
	OPEN_OVAL(feed_suse_oval, "suse-edited.xml", NULL, "s.db", n);
	ASSERT_INT_EQ(n, 2);
	ASSERT_COUNTS(db, 2, 15, 16);
	ASSERT_Q(db, "SELECT namespace || '|' || ifnull(advisory, '-') || '|' || state || "
	    "'|' || severity || '|' || vendor_severity || '|' || title FROM oval_def ORDER BY id",
	    "sles:15|SUSE-SR:2010:023|fixed|medium|Moderate|CVE-2010-1323\n"
	    "sles:15|-|not-affected|medium|Moderate|CVE-2026-34073");
	/* ref_id "Mitre CVE-2010-1323" */
	ASSERT_Q(db, "SELECT vuln_id FROM oval_def_vuln WHERE def = 1", "CVE-2010-1323");
	ASSERT_Q(db, "SELECT t.evr_op || '|' || t.evr || '|' || n.name FROM oval_test AS t "
	    "JOIN oval_test_name AS n ON n.test = t.id WHERE t.comment = "
	    "'krb5 is <1.15.2-4.25'", "less than|0:1.15.2-4.25|krb5");
	/* SUSE's per-product release tests stay package tests */
	ASSERT_Q(db, "SELECT t.kind || '|' || t.version_op || '|' || t.version FROM "
	    "oval_test AS t JOIN oval_test_name AS n ON n.test = t.id WHERE n.name = "
	    "'sles-release'", "pkg|equals|15");
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "sles:15 fixes-only");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_ubuntu)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	/* USN OVAL for 24.10 (pschou/oval mirror) */
	OPEN_OVAL(feed_ubuntu_oval, "com.ubuntu.oracular.usn.oval.xml.xz", NULL, "u.db", n);
	ASSERT_INT_EQ(n, 54);
	ASSERT_COUNTS(db, 54, 66, 560);
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "ubuntu:24.10 fixes-only");
	ASSERT_Q(db, "SELECT DISTINCT ecosystem || ' ' || name_kind FROM oval_def", "deb binary");
	ASSERT_Q(db, DEF_SQL("def_id || '|' || state || '|' || severity || '|' || "
	    "vendor_severity || '|' || criteria", "USN-7059-2"),
	    "oval:com.ubuntu.oracular:def:70592000000|fixed|medium|Medium|&(&(t1,t2),|(t4))");
	/* the inlined inventory definition: family and lsb-release tests */
	ASSERT_Q(db, "SELECT kind FROM oval_test WHERE id IN (1, 2)", "platform\nplatform");
	/* its object: var_ref to a constant_variable of binary names */
	ASSERT_Q(db, "SELECT evr_op || '|' || evr || '|' || group_concat(name, ' ') FROM "
	    "(SELECT t.evr_op, t.evr, n.name FROM oval_test AS t JOIN oval_test_name AS n "
	    "ON n.test = t.id WHERE t.id = 4 ORDER BY n.id)",
	    "less than|0:2.6.11-3ubuntu1|liboath0t64 liboath-dev libpam-oath libpskc0t64 "
	    "libpskc-dev oathtool pskctool");
	ASSERT_Q(db, "SELECT count(*) FROM oval_index AS i JOIN oval_def AS d ON d.id = i.def "
	    "WHERE d.advisory = 'USN-7059-2' AND i.namespace = 'ubuntu:24.10'", "7");
	ASSERT_Q(db, "SELECT vuln_id FROM oval_def_vuln AS v JOIN oval_def AS d ON "
	    "d.id = v.def WHERE d.advisory = 'USN-7059-2'", "CVE-2024-47191");
	/* kernel definitions compare the running kernel: not modelled */
	ASSERT_Q(db, "SELECT why || ' ' || count(*) FROM oval_test WHERE kind = "
	    "'unsupported' GROUP BY why ORDER BY why",
	    "uname_test os_release 4\nvariable_test 4");
	sqlite3_close(db);

	/* CVE OVAL for 16.04 (quay/clair): lists open issues too */
	OPEN_OVAL(feed_ubuntu_oval, "clair-fetcher_ubuntu_test.xml", NULL, "c.db", n);
	ASSERT_INT_EQ(n, 1);
	ASSERT_COUNTS(db, 1, 4, 2);
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "ubuntu:16.04 complete");
	ASSERT_Q(db, "SELECT class || '|' || severity || '|' || criteria FROM oval_def",
	    "vulnerability|medium|&(&(t1,t2),|(t3,t4))");
	ASSERT_Q(db, "SELECT ifnull(t.evr, '-') || '|' || n.name FROM oval_test AS t JOIN "
	    "oval_test_name AS n ON n.test = t.id ORDER BY t.id",
	    "-|cabextract\n0.4-3|libmspack0");
	/* each package's status, from its criterion's comment (the file's words) */
	ASSERT_Q(db, "SELECT id || '|' || ifnull(state, '-') || '|' || "
	    "ifnull(vendor_status, '-') || '|' || ifnull(note, '-') FROM oval_test ORDER BY id",
	    "1|-|-|-\n2|-|-|-\n"
	    "3|unfixed|needed|cabextract package in xenial is affected and needs fixing.\n"
	    "4|fixed|released|libmspack package in xenial was vulnerable but has been fixed "
	    "(note: '0.4-3').");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_debian)
{
	struct ctx c;
	sqlite3 *db;
	int64_t n;

	/* four definitions cut from Debian 11's OVAL of 2023-07-14 */
	OPEN_OVAL(feed_debian_oval, "debian-bullseye-excerpt.xml.bz2", NULL, "d.db", n);
	ASSERT_INT_EQ(n, 4);
	ASSERT_COUNTS(db, 4, 6, 3);
	ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", "debian:11 fixes-only");
	ASSERT_Q(db, "SELECT ecosystem || '|' || name_kind || '|' || ifnull(advisory, '-') || "
	    "'|' || state || '|' || severity || '|' || criteria FROM oval_def WHERE title = "
	    "'CVE-2006-20001 apache2'",
	    "deb|source|DSA-5376|fixed|unknown|&(t1,|(&(t2,t4)))");
	/* the release test and the architecture-independent uname test */
	ASSERT_Q(db, "SELECT kind || '|' || comment || '|' || check_ FROM oval_test WHERE "
	    "id IN (1, 2) ORDER BY id",
	    "platform|Debian GNU/Linux 11 is installed|all\n"
	    "platform|Installed architecture is all|all");
	ASSERT_Q(db, "SELECT t.evr || '|' || n.name FROM oval_test AS t JOIN oval_test_name "
	    "AS n ON n.test = t.id WHERE t.id = 4", "0:2.4.56-1~deb11u1|apache2");
	ASSERT_Q(db, "SELECT package || '|' || name_kind FROM oval_index ORDER BY id",
	    "glibc|source\napache2|source\napparmor|source");
	/* CVE-2016-1585 is open in bullseye: Debian writes "earlier than 0" */
	ASSERT_Q(db, "SELECT state || '|' || substr(note, 1, 15) FROM oval_def WHERE title = "
	    "'CVE-2016-1585 apparmor'", "fixed|fixed version 0");
	/* a definition whose package name is empty in Debian's file */
	ASSERT_Q(db, "SELECT why FROM oval_test WHERE kind = 'unsupported'",
	    "dpkginfo_object with an empty name");
	sqlite3_close(db);
}

/* ---- small documents: errors, limits, translations ---------------------- */

/*
 * A one-definition RHEL-style document: DEFS replaces the definition, TESTS,
 * OBJECTS, STATES their sections (NULL: the default one).
 */
static char *
mini_doc(const char *defs, const char *tests, const char *objects, const char *states,
    const char *variables)
{
	struct sb b = SB_INIT;

	sb_adds(&b, "<?xml version=\"1.0\"?>\n"
	    "<oval_definitions xmlns=\"http://oval.mitre.org/XMLSchema/oval-definitions-5\" "
	    "xmlns:red-def=\"http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\">\n"
	    "<definitions>\n");
	sb_adds(&b, defs != NULL ? defs :
	    "<definition class=\"patch\" id=\"oval:x:def:1\" version=\"1\">\n"
	    "<metadata><title>RHSA-2024:0001: bash (Low)</title>\n"
	    "<affected family=\"unix\"><platform>Red Hat Enterprise Linux 8</platform>"
	    "</affected>\n"
	    "<reference ref_id=\"RHSA-2024:0001\" source=\"RHSA\"/>\n"
	    "<reference ref_id=\"CVE-2024-0001\" source=\"CVE\"/>\n"
	    "<advisory><severity>Low</severity></advisory></metadata>\n"
	    "<criteria operator=\"OR\"><criterion test_ref=\"oval:x:tst:1\"/></criteria>\n"
	    "</definition>\n");
	sb_adds(&b, "</definitions>\n<tests>\n");
	sb_adds(&b, tests != NULL ? tests :
	    "<red-def:rpminfo_test check=\"at least one\" id=\"oval:x:tst:1\" version=\"1\">"
	    "<red-def:object object_ref=\"oval:x:obj:1\"/>"
	    "<red-def:state state_ref=\"oval:x:ste:1\"/></red-def:rpminfo_test>\n");
	sb_adds(&b, "</tests>\n<objects>\n");
	sb_adds(&b, objects != NULL ? objects :
	    "<red-def:rpminfo_object id=\"oval:x:obj:1\" version=\"1\">"
	    "<red-def:name>bash</red-def:name></red-def:rpminfo_object>\n");
	sb_adds(&b, "</objects>\n<states>\n");
	sb_adds(&b, states != NULL ? states :
	    "<red-def:rpminfo_state id=\"oval:x:ste:1\" version=\"1\">"
	    "<red-def:evr datatype=\"evr_string\" operation=\"less than\">0:5.1-2.el8"
	    "</red-def:evr></red-def:rpminfo_state>\n");
	sb_adds(&b, "</states>\n");
	if (variables != NULL) {
		sb_adds(&b, "<variables>\n");
		sb_adds(&b, variables);
		sb_adds(&b, "</variables>\n");
	}
	sb_adds(&b, "</oval_definitions>\n");
	return sb_steal(&b);
}

static int
parse_mini(struct ctx *c, const char *source, const char *doc, int64_t *n)
{
	ctx_init(c);
	return feed_oval_parse_buf(c, source, NULL, (const uint8_t *)doc, strlen(doc), NULL, n);
}

/* A document parsed into dbpath with the writer. */
static int
build_mini(struct ctx *c, const char *dbpath, const char *source, const char *doc,
    int64_t *n)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	ctx_init(c);
	*n = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, source, "test", "1")) == 0 &&
	    (r = feed_oval_parse_buf(c, source, NULL, (const uint8_t *)doc, strlen(doc), w,
	    n)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *n)) == 0)
		r = bundle_writer_finish(c, w, feedtest_meta(&m, 3));
	bundle_writer_free(w);
	return r;
}

#define DEF_WITH(crit) \
	"<definition class=\"patch\" id=\"oval:x:def:1\" version=\"1\">\n" \
	"<metadata><title>t</title><affected family=\"unix\"><platform>Red Hat " \
	"Enterprise Linux 8</platform></affected></metadata>\n" crit "\n</definition>\n"

DEFINE_TEST(test_feed_oval_errors)
{
	static const struct {
		const char *defs, *tests, *objects, *states;
		int code;
		const char *msg;
	} cases[] = {
		{ DEF_WITH("<criteria><criterion test_ref=\"oval:x:tst:2\"/></criteria>"), NULL,
		    NULL, NULL, E_FORMAT,
		    "line 4: criterion test_ref oval:x:tst:2: no such test in the file" },
		{ NULL, "<red-def:rpminfo_test id=\"oval:x:tst:1\" version=\"1\">"
		    "<red-def:object object_ref=\"oval:x:obj:9\"/></red-def:rpminfo_test>", NULL,
		    NULL, E_FORMAT, "test oval:x:tst:1: object_ref oval:x:obj:9: no such object" },
		{ NULL, "<red-def:rpminfo_test id=\"oval:x:tst:1\" version=\"1\">"
		    "<red-def:object object_ref=\"oval:x:obj:1\"/>"
		    "<red-def:state state_ref=\"oval:x:ste:7\"/></red-def:rpminfo_test>", NULL,
		    NULL, E_FORMAT, "state_ref oval:x:ste:7: no such state" },
		{ "", NULL, NULL, NULL, E_FORMAT, "no <definition> element" },
		{ DEF_WITH("<criteria/>"), NULL, NULL, NULL, E_FORMAT, "empty <criteria>" },
		{ DEF_WITH("<criteria><criterion test_ref=\"tst:1\"/></criteria>"), NULL, NULL,
		    NULL, E_FORMAT, "test_ref 'tst:1' is not an OVAL tst id" },
		{ DEF_WITH("<criteria operator=\"NAND\"><criterion test_ref=\"oval:x:tst:1\"/>"
		    "</criteria>"), NULL, NULL, NULL, E_FORMAT,
		    "<criteria> operator 'NAND' is not an OVAL value" },
		{ NULL, NULL, NULL, "<red-def:rpminfo_state id=\"oval:x:ste:1\" version=\"1\">"
		    "<red-def:evr operation=\"6\">0:1-1</red-def:evr></red-def:rpminfo_state>",
		    E_FORMAT, "<evr> operation '6' is not an OVAL value" },
		{ NULL, NULL, "<red-def:rpminfo_object id=\"oval:x:obj:1\" version=\"1\">"
		    "<red-def:name>a</red-def:name></red-def:rpminfo_object>"
		    "<red-def:rpminfo_object id=\"oval:x:obj:1\" version=\"1\">"
		    "<red-def:name>b</red-def:name></red-def:rpminfo_object>", NULL,
		    E_FORMAT, "id oval:x:obj:1 given twice" },
		{ "<definition class=\"patch\" id=\"oval:x:def:1\"><metadata><affected>"
		    "<platform>Red Hat Enterprise Linux 8</platform></affected></metadata>"
		    "<criteria>"
		    "<extend_definition definition_ref=\"oval:x:def:2\"/></criteria></definition>"
		    "<definition class=\"inventory\" id=\"oval:x:def:2\"><criteria>"
		    "<extend_definition definition_ref=\"oval:x:def:1\"/></criteria></definition>",
		    NULL, NULL, NULL, E_FORMAT, "extend_definition oval:x:def:1: a cycle" },
		{ DEF_WITH("<criteria><extend_definition definition_ref=\"oval:x:def:5\"/>"
		    "</criteria>"), NULL, NULL, NULL, E_FORMAT,
		    "extend_definition oval:x:def:5: no such definition" },
		{ DEF_WITH("<criteria><wibble/></criteria>"), NULL, NULL, NULL, E_FORMAT,
		    "<wibble> in <criteria>" },
		{ "<definition id=\"oval:x:def:1\"><criteria><criterion test_ref=\"oval:x:tst:1\"/>"
		    "</criteria></definition>", NULL, NULL, NULL, E_FORMAT,
		    "definition oval:x:def:1 without class" },
	};
	struct ctx c;
	int64_t n;
	size_t i;
	char *doc;
	int r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		doc = mini_doc(cases[i].defs, cases[i].tests, cases[i].objects, cases[i].states,
		    NULL);
		r = parse_mini(&c, "rhel-oval", doc, &n);
		free(doc);
		if (r != cases[i].code || strstr(c.err, cases[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "case %zu: %d \"%s\", want %d \"%s\"",
			    i, r, c.err, cases[i].code, cases[i].msg);
			return;
		}
		ASSERT_INT_EQ(n, 0);
	}
	/* the default document is fine, with and without a writer */
	doc = mini_doc(NULL, NULL, NULL, NULL, NULL);
	ASSERT_OK(&c, parse_mini(&c, "rhel-oval", doc, &n));
	ASSERT_INT_EQ(n, 1);
	ASSERT_OK(&c, build_mini(&c, "m.db", "rhel-oval", doc, &n));
	ASSERT_INT_EQ(n, 1);
	/* truncated anywhere: malformed, never a partial result */
	{
		size_t len = strlen(doc), cut;

		for (cut = 1; cut < len - 20; cut += 7) {
			ctx_init(&c);
			r = feed_oval_parse_buf(&c, "rhel-oval", NULL, (const uint8_t *)doc, cut,
			    NULL, &n);
			if (r == 0 || n != 0) {
				test_fail(t, __FILE__, __LINE__, "cut at %zu: %d, %lld records",
				    cut, r, (long long)n);
				free(doc);
				return;
			}
		}
		ctx_init(&c);
		r = feed_oval_parse_buf(&c, "rhel-oval", NULL, (const uint8_t *)doc, len / 2,
		    NULL, &n);
		ASSERT_ERR(&c, r, E_FORMAT, "malformed xml");
	}
	free(doc);
	/* not OVAL; a DTD; an entity */
	r = parse_mini(&c, "rhel-oval", "<updates><update/></updates>", &n);
	ASSERT_ERR(&c, r, E_FORMAT, "not an OVAL definitions document (root <updates>)");
	r = parse_mini(&c, "rhel-oval", "<?xml version=\"1.0\"?><!DOCTYPE oval_definitions ["
	    "<!ENTITY e \"x\">]><oval_definitions>&e;</oval_definitions>", &n);
	ASSERT_ERR(&c, r, E_FORMAT, "document type declaration (DTD) not allowed");
	/* an unknown source name */
	ctx_init(&c);
	r = feed_oval_parse_buf(&c, "debian", NULL, (const uint8_t *)"x", 1, NULL, &n);
	ASSERT_ERR(&c, r, E_USAGE, "not an oval source: debian");
}

DEFINE_TEST(test_feed_oval_limits)
{
	struct sb crit = SB_INIT, defs = SB_INIT;
	struct ctx c;
	int64_t n;
	char *doc;
	int i, r;

	/* 64 nested <criteria> are allowed, 65 are not */
	for (i = 0; i < 64; i++)
		sb_adds(&crit, "<criteria>");
	sb_adds(&crit, "<criterion test_ref=\"oval:x:tst:1\"/>");
	for (i = 0; i < 64; i++)
		sb_adds(&crit, "</criteria>");
	sb_addf(&defs, "<definition class=\"patch\" id=\"oval:x:def:1\"><metadata><affected>"
	    "<platform>Red Hat Enterprise Linux 8</platform></affected></metadata>%s"
	    "</definition>", crit.s);
	doc = mini_doc(defs.s, NULL, NULL, NULL, NULL);
	ASSERT_OK(&c, build_mini(&c, "l.db", "rhel-oval", doc, &n));
	free(doc);
	sb_reset(&crit);
	sb_reset(&defs);
	for (i = 0; i < 65; i++)
		sb_adds(&crit, "<criteria>");
	sb_adds(&crit, "<criterion test_ref=\"oval:x:tst:1\"/>");
	for (i = 0; i < 65; i++)
		sb_adds(&crit, "</criteria>");
	sb_addf(&defs, "<definition class=\"patch\" id=\"oval:x:def:1\"><metadata><affected>"
	    "<platform>Red Hat Enterprise Linux 8</platform></affected></metadata>%s"
	    "</definition>", crit.s);
	doc = mini_doc(defs.s, NULL, NULL, NULL, NULL);
	r = parse_mini(&c, "rhel-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_LIMIT, "OVAL_CRITERIA_DEPTH_MAX");
	/* negations folded: !!t is t; a negated criteria keeps one '!' */
	sb_reset(&defs);
	sb_adds(&defs, DEF_WITH("<criteria negate=\"true\"><criteria negate=\"true\">"
	    "<criterion negate=\"true\" test_ref=\"oval:x:tst:1\"/></criteria>"
	    "<extend_definition negate=\"true\" definition_ref=\"oval:x:def:2\"/></criteria>")
	    "<definition class=\"inventory\" id=\"oval:x:def:2\"><criteria operator=\"XOR\" "
	    "negate=\"true\"><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>");
	doc = mini_doc(defs.s, NULL, NULL, NULL, NULL);
	ASSERT_OK(&c, build_mini(&c, "n.db", "rhel-oval", doc, &n));
	free(doc);
	ASSERT_INT_EQ(n, 1);
	{
		sqlite3 *db;

		ASSERT((db = feedtest_open("n.db")) != NULL);
		ASSERT_Q(db, "SELECT criteria FROM oval_def", "!&(!&(!t1),^(t1))");
		ASSERT_Q(db, "SELECT count(*) FROM oval_test", "1");
		sqlite3_close(db);
	}
	sb_free(&crit);
	sb_free(&defs);
}

DEFINE_TEST(test_feed_oval_patterns)
{
	static const struct {
		const char *op, *value, *kind, *stored;
	} cases[] = {
		/* name pattern match -> name_pattern */
		{ "name", "^kernel\\d+$", "pkg", "^kernel[0-9]+$" },
		{ "name", "^lib\\w+-(?:devel|libs)\\.x$", "pkg",
		    "^lib[A-Za-z0-9_]+-(devel|libs)\\.x$" },
		{ "name", "^a+?b*?$", "pkg", "^a+b*$" },
		{ "name", "^[\\d\\-x]$", "pkg", "^[0-9x-]$" },
		{ "name", "^[\\]a]$", "pkg", "^[]a]$" },
		{ "name", "(?&lt;=x)y", "unsupported",
		    "rpminfo_object name pattern: (?...) group (lookaround or inline flags)" },
		{ "name", "(a)\\1", "unsupported",
		    "rpminfo_object name pattern: escape sequence (\\b, \\A, backreference, ...)" },
		{ "name", "a\\bc", "unsupported",
		    "rpminfo_object name pattern: escape sequence (\\b, \\A, backreference, ...)" },
		{ "name", "a++", "unsupported",
		    "rpminfo_object name pattern: possessive quantifier" },
		{ "name", "[a", "unsupported",
		    "rpminfo_object name pattern: unterminated bracket expression" },
		{ "name", "a{2,1}", "unsupported",
		    "rpminfo_object name pattern: not a valid POSIX ERE after translation" },
	};
	struct ctx c;
	int64_t n;
	size_t i;
	char obj[512], want[512], *doc;
	sqlite3 *db;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(obj, sizeof(obj), "<red-def:rpminfo_object id=\"oval:x:obj:1\" "
		    "version=\"1\"><red-def:name operation=\"pattern match\">%s</red-def:name>"
		    "</red-def:rpminfo_object>", cases[i].value);
		doc = mini_doc(NULL, NULL, obj, NULL, NULL);
		unlink("p.db");
		ASSERT_OK(&c, build_mini(&c, "p.db", "rhel-oval", doc, &n));
		free(doc);
		ASSERT((db = feedtest_open("p.db")) != NULL);
		snprintf(want, sizeof(want), "%s|%s", cases[i].kind, cases[i].stored);
		ASSERT_Q(db, "SELECT kind || '|' || coalesce(name_pattern, why) FROM oval_test",
		    want);
		sqlite3_close(db);
	}
	/* version and arch patterns of a state */
	doc = mini_doc(NULL, NULL, NULL, "<red-def:rpminfo_state id=\"oval:x:ste:1\" "
	    "version=\"1\"><red-def:version operation=\"pattern match\">^8[^\\d]</red-def:version>"
	    "<red-def:arch operation=\"pattern match\">^(x86_64|noarch)$</red-def:arch>"
	    "<red-def:signature_keyid operation=\"equals\">199E2F91FD431D51"
	    "</red-def:signature_keyid></red-def:rpminfo_state>", NULL);
	unlink("p.db");
	ASSERT_OK(&c, build_mini(&c, "p.db", "rhel-oval", doc, &n));
	free(doc);
	ASSERT((db = feedtest_open("p.db")) != NULL);
	ASSERT_Q(db, "SELECT version_op || '|' || version || '|' || arch_op || '|' || arch || "
	    "'|' || sigkey FROM oval_test",
	    "pattern match|^8[^0-9]|pattern match|^(x86_64|noarch)$|199e2f91fd431d51");
	/* a patch definition is "fixed" whatever its tests compare */
	ASSERT_Q(db, "SELECT state FROM oval_def", "fixed");
	sqlite3_close(db);
	/* a state field we do not model */
	doc = mini_doc(NULL, NULL, NULL, "<red-def:rpminfo_state id=\"oval:x:ste:1\" "
	    "version=\"1\"><red-def:release operation=\"equals\">1</red-def:release>"
	    "</red-def:rpminfo_state>", NULL);
	unlink("p.db");
	ASSERT_OK(&c, build_mini(&c, "p.db", "rhel-oval", doc, &n));
	free(doc);
	ASSERT((db = feedtest_open("p.db")) != NULL);
	ASSERT_Q(db, "SELECT kind || '|' || why FROM oval_test",
	    "unsupported|rpminfo_state field release");
	/* no pkg test can make it true any more: not indexed */
	ASSERT_Q(db, "SELECT count(*) FROM oval_index", "0");
	sqlite3_close(db);
}

DEFINE_TEST(test_feed_oval_namespaces)
{
	static const char suse_defs[] =
	    "<definition class=\"patch\" id=\"oval:x:def:1\"><metadata><affected>"
	    "<platform>SUSE Linux Enterprise Server 15 SP5</platform>"
	    "<platform>SUSE Linux Enterprise Server 15 SP1-LTSS</platform>"
	    "<platform>SUSE Linux Enterprise Server for SAP Applications 15 SP5</platform>"
	    "<platform>SUSE Linux Enterprise Server 12</platform>"
	    "</affected><reference source=\"SUSE-SU\" ref_id=\"SUSE-SU-2024:0001-1\"/>"
	    "<advisory><severity>Important</severity></advisory></metadata>"
	    "<criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>"
	    "<definition class=\"patch\" id=\"oval:x:def:2\"><metadata><affected>"
	    "<platform>SUSE Linux Enterprise Desktop 15 SP5</platform></affected></metadata>"
	    "<criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>";
	struct ctx c;
	int64_t n;
	char *doc;
	sqlite3 *db;
	int r;

	doc = mini_doc(suse_defs, NULL, NULL, NULL, NULL);
	ASSERT_OK(&c, build_mini(&c, "s.db", "suse-oval", doc, &n));
	ASSERT_INT_EQ(n, 3);
	ASSERT((db = feedtest_open("s.db")) != NULL);
	ASSERT_Q(db, "SELECT namespace || '|' || advisory || '|' || severity FROM oval_def "
	    "ORDER BY id", "sles:15.5|SUSE-SU-2024:0001-1|high\n"
	    "sles:15.1|SUSE-SU-2024:0001-1|high\nsles:12|SUSE-SU-2024:0001-1|high");
	ASSERT_Q(db, "SELECT count(*) FROM oval_index", "3");
	sqlite3_close(db);
	/* @ARG forces one release for every definition, the Desktop one too */
	ctx_init(&c);
	ASSERT_OK(&c, feed_oval_parse_buf(&c, "suse-oval", "15.5", (const uint8_t *)doc,
	    strlen(doc), NULL, &n));
	ASSERT_INT_EQ(n, 2);
	r = feed_oval_parse_buf(&c, "suse-oval", "15 SP5", (const uint8_t *)doc, strlen(doc),
	    NULL, &n);
	ASSERT_ERR(&c, r, E_USAGE, "suse-oval: release '15 SP5' is not N or N.SP");
	free(doc);
	/* only products we do not scan: nothing, which is an error */
	doc = mini_doc(strstr(suse_defs, "<definition class=\"patch\" id=\"oval:x:def:2\""),
	    NULL, NULL, NULL, NULL);
	r = parse_mini(&c, "suse-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "no definition for a release suse-oval covers "
	    "(1 definitions, 1 skipped)");
	/* Ubuntu: the codename of the id; an unknown one fails closed */
	doc = mini_doc("<definition class=\"patch\" id=\"oval:com.ubuntu.wobbly:def:1\">"
	    "<criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>",
	    NULL, NULL, NULL, NULL);
	r = parse_mini(&c, "ubuntu-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "unknown Ubuntu codename 'wobbly'");
	/* a definition naming no platform in a file naming two releases */
	doc = mini_doc("<definition class=\"patch\" id=\"oval:x:def:1\"><metadata><affected>"
	    "<platform>Oracle Linux 7</platform><platform>Oracle Linux 8</platform></affected>"
	    "</metadata><criteria><criterion test_ref=\"oval:x:tst:1\"/></criteria>"
	    "</definition><definition class=\"patch\" id=\"oval:x:def:2\"><criteria>"
	    "<criterion test_ref=\"oval:x:tst:1\"/></criteria></definition>",
	    NULL, NULL, NULL, NULL);
	r = parse_mini(&c, "oracle-oval", doc, &n);
	ASSERT_ERR(&c, r, E_FORMAT, "definition oval:x:def:2 names no platform and the file "
	    "names 2 releases: give the release as oracle-oval@RELEASE:FILE");
	ctx_init(&c);
	ASSERT_OK(&c, feed_oval_parse_buf(&c, "oracle-oval", "8", (const uint8_t *)doc,
	    strlen(doc), NULL, &n));
	ASSERT_INT_EQ(n, 2);
	free(doc);
	/* an unknown Red Hat resolution word fails closed */
	doc = mini_doc("<definition class=\"vulnerability\" id=\"oval:x:def:1\"><metadata>"
	    "<affected><platform>Red Hat Enterprise Linux 9</platform></affected><advisory>"
	    "<affected><resolution state=\"Wontfix\"><component>bash</component></resolution>"
	    "</affected></advisory></metadata><criteria><criterion test_ref=\"oval:x:tst:1\"/>"
	    "</criteria></definition>", NULL, NULL, NULL, NULL);
	r = parse_mini(&c, "rhel-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "resolution state 'Wontfix' is not one of");
}

/*
 * Coverage of Red Hat files by their published names: only a release's own
 * "rhel-N-including-unpatched" file makes rhel:N complete; a product stream's
 * file with the same bytes does not.
 */
DEFINE_TEST(test_feed_oval_rhel_whole_release)
{
	static const char *const names[][2] = {
		{ "rhel-8-including-unpatched.oval.xml.bz2", "rhel:8 complete" },
		{ "ansible-2-including-unpatched.oval.xml.bz2", "rhel:8 fixes-only" },
		{ "rhel-6-extras-including-unpatched.oval.xml.bz2", "rhel:8 fixes-only" },
		{ "rhel-8-including-unpatched.oval.xml.bz2.orig", "rhel:8 fixes-only" },
	};
	struct ctx c;
	uint8_t *buf;
	size_t len, i;
	sqlite3 *db;
	char dbname[32];
	int64_t n;

	ctx_init(&c);
	buf = test_slurp(test_data(OVAL_DIR "RHEL8-ansible-2-including-unpatched.oval.xml.bz2"),
	    &len);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(dbname, sizeof(dbname), "w%zu.db", i);
		ASSERT_OK(&c, file_write_atomic(&c, names[i][0], buf, len, 0644));
		ASSERT_OK(&c, build_oval_db(&c, dbname, &feed_rhel_oval, names[i][0], NULL, &n));
		ASSERT_INT_EQ(n, 5);
		ASSERT((db = feedtest_open(dbname)) != NULL);
		ASSERT_Q(db, "SELECT name || ' ' || coverage FROM namespace", names[i][1]);
		sqlite3_close(db);
	}
	free(buf);
}

/*
 * Ubuntu CVE OVAL's per-package statuses: the sentences of Canonical's
 * generator (ubuntu-cve-tracker scripts/oval_lib.py, parse_package_status; the
 * clair-fetcher sample has two of them), over the clair sample's test shapes:
 * a dpkginfo_test without a state for an open status, one with evr "less
 * than" for a version. Test tst:1 is shared by three definitions under two
 * statuses, as Canonical's generator shares "Does the 'X' package exist?".
 */
#define U_DEF(id, klass, crit) \
	"<definition class=\"" klass "\" id=\"oval:com.ubuntu.xenial:def:" id "\" " \
	"version=\"1\"><metadata><title>CVE-2099-" id " on Ubuntu 16.04 LTS (xenial) - " \
	"low.</title><reference source=\"CVE\" ref_id=\"CVE-2099-" id "\"/><advisory>" \
	"<severity>Low</severity></advisory></metadata><criteria operator=\"OR\">" crit \
	"</criteria></definition>\n"
#define U_CRIT(tst, comment) \
	"<criterion test_ref=\"oval:com.ubuntu.xenial:tst:" tst "\" comment=\"" comment "\"/>"
#define U_TEST(n, state) \
	"<linux-def:dpkginfo_test id=\"oval:com.ubuntu.xenial:tst:" n "\" version=\"1\" " \
	"check_existence=\"at_least_one_exists\" check=\"at least one\"><linux-def:object " \
	"object_ref=\"oval:com.ubuntu.xenial:obj:" n "\"/>" state "</linux-def:dpkginfo_test>\n"
#define U_STATE(n) "<linux-def:state state_ref=\"oval:com.ubuntu.xenial:ste:" n "\"/>"
#define U_OBJ(n, name) \
	"<linux-def:dpkginfo_object id=\"oval:com.ubuntu.xenial:obj:" n "\" version=\"1\">" \
	"<linux-def:name>" name "</linux-def:name></linux-def:dpkginfo_object>\n"
#define U_STE(n, evr) \
	"<linux-def:dpkginfo_state id=\"oval:com.ubuntu.xenial:ste:" n "\" version=\"1\">" \
	"<linux-def:evr datatype=\"debian_evr_string\" operation=\"less than\">" evr \
	"</linux-def:evr></linux-def:dpkginfo_state>\n"

/* "PACKAGE|STATUS|FIXED|VENDOR_STATUS|COMPARISON" lines of the hits (- for NULL). */
static int
hit_line(struct ctx *c, const struct oval_hit *h, void *arg)
{
	struct sb *out = arg;

	(void)c;
	sb_addf(out, "%s%s|%s|%s|%s|%s", out->len > 0 ? "\n" : "", h->package, h->status,
	    h->fixed_version ? h->fixed_version : "-",
	    h->vendor_status ? h->vendor_status : "-", h->comparison);
	return 0;
}

static char *
ubuntu_doc(const char *defs)
{
	struct sb b = SB_INIT;

	sb_adds(&b, "<?xml version=\"1.0\"?>\n<oval_definitions xmlns=\""
	    "http://oval.mitre.org/XMLSchema/oval-definitions-5\" xmlns:linux-def=\""
	    "http://oval.mitre.org/XMLSchema/oval-definitions-5#linux\">\n<definitions>\n");
	sb_adds(&b, defs);
	sb_adds(&b, "</definitions>\n<tests>\n"
	    U_TEST("1", "") U_TEST("2", "") U_TEST("3", U_STATE("3")) U_TEST("4", "")
	    U_TEST("5", U_STATE("5")) U_TEST("6", "")
	    "</tests>\n<objects>\n"
	    U_OBJ("1", "a") U_OBJ("2", "b") U_OBJ("3", "c") U_OBJ("4", "d") U_OBJ("5", "e")
	    U_OBJ("6", "f")
	    "</objects>\n<states>\n" U_STE("3", "0:1.2-3") U_STE("5", "0:2.0-1")
	    "</states>\n</oval_definitions>\n");
	return sb_steal(&b);
}

DEFINE_TEST(test_feed_oval_ubuntu_statuses)
{
	static const char defs[] =
	    U_DEF("1", "vulnerability",
		U_CRIT("1", "a package in xenial is affected and may need fixing.")
		U_CRIT("2", "b: while related to the CVE in some way, a decision has been "
		    "made to ignore this issue (note: &apos;end of life&apos;).")
		U_CRIT("3", "c package in xenial is affected. An update containing the fix "
		    "has been completed and is pending publication (note: &apos;1.2-3&apos;).")
		U_CRIT("4", "d package in xenial is affected, but a decision has been made to "
		    "defer addressing it (note: &apos;2019-01-01&apos;).")
		U_CRIT("5", "e package in xenial, is related to the CVE in some way and has "
		    "been fixed (note: &apos;2.0-1&apos;).")
		U_CRIT("6", "f package in xenial was vulnerable and has been fixed, but no "
		    "release version available for it."))
	    U_DEF("2", "vulnerability",
		U_CRIT("1", "a package in xenial is affected and needs fixing.")
		U_CRIT("3", "(CVE-2099-2) c package in xenial was vulnerable but has been "
		    "fixed (note: &apos;1.2-3&apos;)."))
	    U_DEF("3", "vulnerability",
		U_CRIT("1", "a package in xenial is affected and needs fixing."))
	    /* USN OVAL (class patch): its comments are not statuses */
	    U_DEF("4", "patch",
		U_CRIT("1", "a package in xenial is affected and needs fixing."));
	struct ctx c;
	sqlite3 *db;
	char *doc;
	int64_t n;
	int r;

	doc = ubuntu_doc(defs);
	ctx_init(&c);
	ASSERT_OK(&c, build_mini(&c, "us.db", "ubuntu-oval", doc, &n));
	free(doc);
	ASSERT_INT_EQ(n, 4);
	ASSERT((db = feedtest_open("us.db")) != NULL);
	/* one row per (test, status): tst:1 three times (two statuses, and plain) */
	ASSERT_Q(db, "SELECT t.id || '|' || n.name || '|' || ifnull(t.evr, '-') || '|' || "
	    "ifnull(t.state, '-') || '|' || ifnull(t.vendor_status, '-') FROM oval_test AS t "
	    "JOIN oval_test_name AS n ON n.test = t.id ORDER BY t.id",
	    "1|a|-|unknown|needs-triage\n"
	    "2|b|-|wont-fix|ignored\n"
	    "3|c|0:1.2-3|unfixed|pending\n"
	    "4|d|-|unfixed|deferred\n"
	    "5|e|0:2.0-1|fixed|not-affected\n"
	    "6|f|-|unknown|released\n"
	    "7|a|-|unfixed|needed\n"
	    "8|c|0:1.2-3|fixed|released\n"
	    "9|a|-|-|-");
	ASSERT_Q(db, "SELECT note FROM oval_test WHERE id = 2", "b: while related to the CVE "
	    "in some way, a decision has been made to ignore this issue (note: 'end of life').");
	ASSERT_Q(db, "SELECT group_concat(criteria, ' ') FROM (SELECT criteria FROM oval_def "
	    "ORDER BY id)", "|(t1,t2,t3,t4,t5,t6) |(t7,t8) |(t7) |(t9)");
	sqlite3_close(db);

	/* matched: every package at 1.0-1, below both fixes */
	{
		static const char *const names[] = { "a", "b", "c", "d", "e", "f" };
		struct pkglist l = { NULL, 0, 0 };
		struct sb got = SB_INIT;
		struct oval_sink sink = { hit_line, NULL, &got };
		struct oval_eval *ev = NULL;
		struct bundle b;
		size_t i;

		for (i = 0; i < 6; i++) {
			struct pkg p = { .name = (char *)names[i], .version = (char *)"1.0-1",
			    .arch = (char *)"amd64", .source_name = (char *)names[i],
			    .source_version = (char *)"1.0-1", .ecosystem = "deb" };

			pkglist_add(&l, &p);
		}
		memset(&b, 0, sizeof(b));
		ASSERT(sqlite3_open_v2("us.db", &b.db, SQLITE_OPEN_READONLY, NULL) ==
		    SQLITE_OK);
		ASSERT_OK(&c, oval_eval_new(&c, &b, &l, "deb", &ev));
		r = oval_eval_def(&c, ev, 1, &sink);
		if (r == 0)
			sb_adds(&got, "\n--");
		if (r == 0)
			r = oval_eval_def(&c, ev, 2, &sink);
		oval_eval_free(ev);
		pkglist_free(&l);
		bundle_statements_release(&b);
		sqlite3_close(b.db);
		ASSERT_OK(&c, r);
		/* pending compares with a fix not yet published: unfixed, no fix named */
		ASSERT_STR_EQ(sb_str(&got),
		    "a|unknown|-|needs-triage|no fix: vendor state unknown\n"
		    "b|wont-fix|-|ignored|no fix: vendor state wont-fix\n"
		    "c|unfixed|-|pending|1.0-1 < 0:1.2-3 (dpkg)\n"
		    "d|unfixed|-|deferred|no fix: vendor state unfixed\n"
		    "e|fixed|0:2.0-1|not-affected|1.0-1 < 0:2.0-1 (dpkg)\n"
		    "f|unknown|-|released|no fix: vendor state unknown\n"
		    "--\n"
		    "a|unfixed|-|needed|no fix: vendor state unfixed\n"
		    "c|fixed|0:1.2-3|released|1.0-1 < 0:1.2-3 (dpkg)");
		sb_free(&got);
	}

	/* a status sentence with other words fails closed */
	doc = ubuntu_doc(U_DEF("1", "vulnerability",
	    U_CRIT("1", "a package in xenial is affected and will be looked at.")));
	r = parse_mini(&c, "ubuntu-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "definition oval:com.ubuntu.xenial:def:1: criterion "
	    "comment 'a package in xenial is affected and will be looked at.': status words "
	    "not known");
	/* "fixed" over a test that compares with no version */
	doc = ubuntu_doc(U_DEF("1", "vulnerability",
	    U_CRIT("1", "a package in xenial was vulnerable but has been fixed "
	    "(note: &apos;1.0-1&apos;).")));
	r = parse_mini(&c, "ubuntu-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "says fixed but its test oval:com.ubuntu.xenial:tst:1 "
	    "compares with no fixed version");
	/* Canonical's per-package OVAL, in the shape of its generator (oval_lib.py,
	 * OvalGeneratorPkg: reference source "Package", the CVEs as <advisory><cve>,
	 * each named only in a criterion's comment): refused, never read as one
	 * definition that every CVE of the package would match */
	doc = ubuntu_doc("<definition class=\"vulnerability\" id=\"oval:com.ubuntu.xenial:def:"
	    "1604000010000\" version=\"1\"><metadata><title>c</title><reference source=\""
	    "Package\" ref_id=\"c\" ref_url=\"https://launchpad.net/ubuntu/+source/c\"/>"
	    "<description>c</description><affected family=\"unix\"><platform>Ubuntu 16.04 LTS"
	    "</platform></affected><advisory><cve href=\"https://ubuntu.com/security/"
	    "CVE-2099-2\" severity=\"low\" public=\"20990101\">CVE-2099-2</cve><cve href=\""
	    "https://ubuntu.com/security/CVE-2099-3\" severity=\"low\" public=\"20990101\">"
	    "CVE-2099-3</cve></advisory></metadata><criteria operator=\"OR\">"
	    U_CRIT("3", "(CVE-2099-2) c package in xenial was vulnerable but has been fixed "
	    "(note: &apos;1.2-3&apos;).")
	    U_CRIT("1", "(CVE-2099-3) c package in xenial is affected and needs fixing.")
	    "</criteria></definition>\n");
	r = parse_mini(&c, "ubuntu-oval", doc, &n);
	free(doc);
	ASSERT_ERR(&c, r, E_FORMAT, "oval:com.ubuntu.xenial:def:1604000010000: Canonical's "
	    "per-package OVAL (pkg.oval.xml) is not supported");
}
