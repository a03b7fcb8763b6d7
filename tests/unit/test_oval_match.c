/*
 * test_oval_match.c - OVAL matching (src/match/oval.c through match_run) on
 * bundles built by the real OVAL parsers from the real samples in
 * tests/data/oval/ (provenance and the three edited files: tests/data/README.md).
 *
 * The definitions, versions, keys and CVE lists asserted below were read from
 * those files (the definition and test ids are named at each use). The
 * installed packages are typed here: their names are the files', their
 * versions chosen just below or at a fix the file states, their keys the
 * vendors' (Red Hat's 199e2f91fd431d51 is what `rpm -qa` reports for the real
 * RHEL 8 libuuid, test_rpm_sig.c); the modularity labels' version and context
 * parts are illustrative (only "NAME:STREAM:" is compared). Where a
 * conclusion rests on a version ordering, the ordering itself is asserted
 * with version_cmp() first, so that a missing finding is the stream, flavour
 * or key rule at work, not the versions.
 *
 * The operator tables and test semantics are checked on definitions written
 * through the bundle writer from platform / unsupported / pkg tests whose
 * results are known, against a reference written from the OVAL 5.11 tables.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <regex.h>
#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "match/oval.h"
#include "pkgdb/pkgdb.h"
#include "version/version.h"
#include "feedtest.h"
#include "test.h"

#define RH_KEY	"199e2f91fd431d51"	/* Red Hat release key 2 */
#define OL_KEY	"66ced3de1e5e0159"	/* Oracle Linux 5 (ELSA-2007-0057's state) */
#define CENTOS8_KEY "05b555b38483c65d"	/* not Red Hat's */

struct input {
	const struct feed_source *src;
	const char *file;		/* under tests/data/ */
	const char *arg;		/* @ARG or NULL */
};

static void
meta_init(struct bundle_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->format = BUNDLE_FORMAT;
	m->serial = 1;
	m->created = 1700000000;
	m->expires = 1800000000;
}

/* dbpath from the inputs (consecutive inputs of one source form one source). */
static int
build(struct ctx *c, const char *dbpath, const struct input *in, size_t n)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	int64_t recs = 0, k;
	size_t i;
	int r;

	meta_init(&meta);
	remove(dbpath);
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if (i == 0 || in[i].src != in[i - 1].src) {
			if (i > 0 && (r = bundle_writer_source_end(c, w, recs)) != 0)
				goto out;
			recs = 0;
			if ((r = bundle_writer_source_begin(c, w, in[i].src->name,
			    in[i].src->format, in[i].src->parser_version)) != 0)
				goto out;
		}
		k = 0;
		if ((r = in[i].src->parse(c, test_data(in[i].file), in[i].arg, w, &k)) != 0)
			goto out;
		recs += k;
	}
	if ((r = bundle_writer_source_end(c, w, recs)) != 0)
		goto out;
	r = bundle_writer_finish(c, w, &meta);
out:
	bundle_writer_free(w);
	return r;
}

static int
open_db(struct bundle *b, const char *path)
{
	memset(b, 0, sizeof(*b));
	return sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK ? 0 : -1;
}

static void
rpm_pkg(struct pkglist *l, const char *name, const char *ver, const char *label,
    const char *key)
{
	struct pkg p = { .name = (char *)name, .version = (char *)ver,
	    .arch = (char *)"x86_64", .ecosystem = "rpm", .layer = 0,
	    .modularity_label = (char *)label, .sigkey = (char *)key };

	pkglist_add(l, &p);
}

static void
deb_pkg(struct pkglist *l, const char *name, const char *ver, const char *src,
    const char *srcver)
{
	struct pkg p = { .name = (char *)name, .version = (char *)ver,
	    .arch = (char *)"amd64", .source_name = (char *)src,
	    .source_version = (char *)srcver, .ecosystem = "deb", .layer = 0 };

	pkglist_add(l, &p);
}

/* Findings whose record is rec (NULL: any) and package pkg (NULL: any). */
static size_t
count(const struct match_result *m, const char *rec, const char *pkg)
{
	size_t i, n = 0;

	for (i = 0; i < m->nfindings; i++)
		if ((rec == NULL || strcmp(m->findings[i].record, rec) == 0) &&
		    (pkg == NULL || strcmp(m->findings[i].package, pkg) == 0))
			n++;
	return n;
}

static int
vless(enum version_eco eco, const char *a, const char *b)
{
	int cmp = 0;

	return version_cmp(eco, a, b, &cmp) == 0 && cmp < 0;
}

/* ---- RHEL: module streams ------------------------------------------------------ */

static const struct input rhel8[] = {
	{ &feed_rhel_oval, "oval/rhel-8.oval.xml.xz", NULL },
};

/*
 * rhel-8.oval.xml: RHSA-2020:0579 (nodejs:10, def 20200579: nodejs earlier
 * than 1:10.19.0-1.module+el8.1.0+5726+6ed65f8c under "Module nodejs:10 is
 * enabled") and RHSA-2020:0598 (nodejs:12, def 20200598: nodejs earlier than
 * 1:12.16.1-1.module+el8.1.0+5811+44509afe, npm earlier than
 * 1:6.13.4-1.12.16.1.1.module+el8.1.0+5811+44509afe, under "Module nodejs:12
 * is enabled"); each package also "signed with Red Hat redhatrelease2 key".
 * The installed nodejs:10 build 1:10.16.3-2.module+el8.0.0+4214+49953fda is
 * RHSA-2019:2925's fixed version; nodejs:12's 1:12.14.1-1.module+el8.1.0+5466
 * +30f75629 and npm 1:6.13.4-1.12.14.1.1.module+el8.1.0+5466+30f75629 are
 * RHEA-2020:0330's.
 */
#define NODE10 "1:10.16.3-2.module+el8.0.0+4214+49953fda"
#define NODE10_FIX "1:10.19.0-1.module+el8.1.0+5726+6ed65f8c"
#define NODE12 "1:12.14.1-1.module+el8.1.0+5466+30f75629"
#define NODE12_FIX "1:12.16.1-1.module+el8.1.0+5811+44509afe"
#define NPM12 "1:6.13.4-1.12.14.1.1.module+el8.1.0+5466+30f75629"
#define NPM12_FIX "1:6.13.4-1.12.16.1.1.module+el8.1.0+5811+44509afe"
#define LABEL10 "nodejs:10:8000020190916091316:f8e95b4e"
#define LABEL12 "nodejs:12:8010020200115080525:a8dfe2fd"

static const char *const rhsa_2020_0579[] = {
	"CVE-2019-15604", "CVE-2019-15605", "CVE-2019-15606", "CVE-2019-16775",
	"CVE-2019-16776", "CVE-2019-16777",
};

DEFINE_TEST(test_oval_rhel_module_streams)
{
	struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.1" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	/* the premise: by version alone, nodejs:12's fix would catch nodejs:10's build */
	ASSERT(vless(VERSION_RPM, NODE10, NODE12_FIX));
	ASSERT(vless(VERSION_RPM, NODE10, NODE10_FIX));
	ASSERT(!vless(VERSION_RPM, NODE12, NODE10_FIX));
	ASSERT_OK(&c, build(&c, "rhel8.db", rhel8, 1));
	ASSERT(open_db(&b, "rhel8.db") == 0);

	/* a nodejs:10 image: RHSA-2020:0579 only */
	rpm_pkg(&l, "nodejs", NODE10, LABEL10, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "rhel:8");
	ASSERT_STR_EQ(m.coverage, "fixes-only");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT_INT_EQ(m.nfindings, 6);
	for (i = 0; i < 6; i++) {
		ASSERT((f = feedtest_finding(&m, rhsa_2020_0579[i], "nodejs")) != NULL);
		ASSERT_STR_EQ(f->record, "RHSA-2020:0579");
		ASSERT_STR_EQ(f->status, "fixed");
		ASSERT_STR_EQ(f->fixed_version, NODE10_FIX);
		ASSERT_STR_EQ(f->comparison, NODE10 " < " NODE10_FIX " (rpm)");
		ASSERT_STR_EQ(f->source, "rhel-oval");
		ASSERT_STR_EQ(f->namespace, "rhel:8");
		ASSERT_STR_EQ(f->vendor_severity, "Important");
		ASSERT_STR_EQ(f->severity, "high");
		ASSERT_STR_EQ(f->source_package, "nodejs");
		ASSERT_STR_EQ(f->source_version, NODE10);
		/* the source's text per CVE: the file's first definition naming it */
		ASSERT(f->description != NULL);
	}
	ASSERT(strncmp(feedtest_finding(&m, "CVE-2019-15604", "nodejs")->description, "Node.js is", 10) == 0);
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0598", NULL), 0);
	match_result_free(&m);
	pkglist_free(&l);

	/* a nodejs:12 image: RHSA-2020:0598 only */
	rpm_pkg(&l, "nodejs", NODE12, LABEL12, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 3);
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0598", "nodejs"), 3);
	ASSERT((f = feedtest_finding(&m, "CVE-2019-15606", "nodejs")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, NODE12_FIX);
	match_result_free(&m);
	pkglist_free(&l);

	/*
	 * Both streams' modules seen (nodejs from :10, npm from :12): each AND
	 * considers only its own stream's packages, so nodejs:10's build is not
	 * held against nodejs:12's fix, nor npm:12 against nodejs:10's.
	 */
	rpm_pkg(&l, "nodejs", NODE10, LABEL10, RH_KEY);
	rpm_pkg(&l, "npm", NPM12, LABEL12, RH_KEY);
	ASSERT(vless(VERSION_RPM, NPM12, NPM12_FIX));
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0579", "nodejs"), 6);
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0598", "npm"), 3);
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0598", "nodejs"), 0);
	ASSERT_INT_EQ(count(&m, "RHSA-2020:0579", "npm"), 0);
	ASSERT_INT_EQ(m.nfindings, 9);
	ASSERT((f = feedtest_finding(&m, "CVE-2019-15604", "npm")) != NULL);
	ASSERT_STR_EQ(f->comparison, NPM12 " < " NPM12_FIX " (rpm)");
	match_result_free(&m);
	pkglist_free(&l);

	/* a nodejs build from no stream: neither stream's definitions apply */
	rpm_pkg(&l, "nodejs", NODE10, NULL, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- RHEL: the signing key ------------------------------------------------------- */

/*
 * RHSA-2019:0966 (def 20190966): firefox earlier than 0:60.6.1-1.el8 AND
 * firefox signed with Red Hat redhatrelease2 key (199e2f91fd431d51). The
 * file's later firefox advisories raise the fix; the one finding per CVE
 * keeps the highest fixed version.
 */
DEFINE_TEST(test_oval_rhel_signing_key)
{
	struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.0" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "rhel8.db", rhel8, 1));
	ASSERT(open_db(&b, "rhel8.db") == 0);
	rpm_pkg(&l, "firefox", "60.5.1-1.el8", NULL, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT(m.nfindings >= 10);
	ASSERT((f = feedtest_finding(&m, "CVE-2019-9810", "firefox")) != NULL);
	ASSERT_STR_EQ(f->record, "RHSA-2019:0966");
	ASSERT_STR_EQ(f->fixed_version, "0:60.6.1-1.el8");
	ASSERT_STR_EQ(f->comparison, "60.5.1-1.el8 < 0:60.6.1-1.el8 (rpm)");
	ASSERT_STR_EQ(f->severity, "critical");
	for (i = 0; i < m.nfindings; i++) {
		ASSERT_STR_EQ(m.findings[i].package, "firefox");
		ASSERT_STR_EQ(m.findings[i].status, "fixed");
		ASSERT(strncmp(m.findings[i].record, "RHSA-", 5) == 0);
	}
	match_result_free(&m);
	pkglist_free(&l);
	/* the same build signed by another key, or not signed: no Red Hat definition applies */
	rpm_pkg(&l, "firefox", "60.5.1-1.el8", NULL, CENTOS8_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	match_result_free(&m);
	pkglist_free(&l);
	rpm_pkg(&l, "firefox", "60.5.1-1.el8", NULL, NULL);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- RHEL: unknown with a witness ------------------------------------------------ */

/*
 * RHSA-2019:1167 (def 20191167): &(RHEL 8, |(kernel running earlier than
 * 0:4.18.0-80.1.2.el8_0 (uname_test), set to boot (grub.cfg)), |(... kernel-headers
 * earlier than 0:4.18.0-80.1.2.el8_0 AND signed ...)): the running kernel of an
 * image cannot be known, so the definition is unknown, and kernel-headers,
 * which satisfied its version test, is named with status unknown.
 */
DEFINE_TEST(test_oval_rhel_unknown_witness)
{
	struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.0" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "rhel8.db", rhel8, 1));
	ASSERT(open_db(&b, "rhel8.db") == 0);
	rpm_pkg(&l, "kernel-headers", "4.18.0-80.el8", NULL, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT((f = feedtest_finding(&m, "CVE-2018-12126", "kernel-headers")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	ASSERT_STR_EQ(f->record, "RHSA-2019:1167");
	ASSERT_STR_EQ(f->fixed_version, "0:4.18.0-80.1.2.el8_0");
	ASSERT_STR_EQ(f->comparison, "4.18.0-80.el8 < 0:4.18.0-80.1.2.el8_0 (rpm)");
	ASSERT(f->note != NULL && strstr(f->note, "OVAL result unknown") != NULL);
	ASSERT(strstr(f->note, "uname_test os_release") != NULL);
	ASSERT(strstr(f->note, "textfilecontent54_test /boot/grub2/grub.cfg") != NULL);
	/* every kernel advisory of the file tests the running kernel the same way */
	for (i = 0; i < m.nfindings; i++)
		ASSERT_STR_EQ(m.findings[i].status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- RHEL: unpatched (vulnerability) definitions ----------------------------------- */

/*
 * RHEL8-ansible-2-including-unpatched.oval.xml.bz2: three CVE definitions
 * ("ansible is installed" AND signed: no fix) and RHSA-2019:3927 (ansible
 * earlier than 0:2.9.1-1.el8) and RHSA-2020:0215 (earlier than
 * 0:2.9.4-1.el8ae). The edited copy adds Red Hat's <resolution state>:
 * "Will not fix" (CVE-2020-10744), "Affected" (CVE-2020-1734), "Under
 * investigation" (CVE-2020-1738).
 */
DEFINE_TEST(test_oval_rhel_unpatched)
{
	static const struct input real[] = {
		{ &feed_rhel_oval, "oval/RHEL8-ansible-2-including-unpatched.oval.xml.bz2", NULL },
	};
	static const struct input edited[] = {
		{ &feed_rhel_oval, "oval/RHEL8-ansible-resolutions-edited.xml.bz2", NULL },
	};
	struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.2" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "u.db", real, 1));
	ASSERT(open_db(&b, "u.db") == 0);
	rpm_pkg(&l, "ansible", "2.9.0-1.el8ae", NULL, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	/* a product stream's file: fixes-only for the release (test_feed_oval) */
	ASSERT_STR_EQ(m.coverage, "fixes-only");
	ASSERT_INT_EQ(m.nfindings, 6);
	ASSERT((f = feedtest_finding(&m, "CVE-2020-10744", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT(f->fixed_version == NULL);
	ASSERT_STR_EQ(f->record, "oval:com.redhat.cve:def:202010744");
	ASSERT_STR_EQ(f->comparison, "no fix: vendor state unfixed");
	ASSERT_STR_EQ(f->vendor_severity, "Moderate");
	ASSERT((f = feedtest_finding(&m, "CVE-2020-1738", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT_STR_EQ(f->severity, "low");
	ASSERT((f = feedtest_finding(&m, "CVE-2019-14864", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->record, "RHSA-2019:3927");
	ASSERT_STR_EQ(f->fixed_version, "0:2.9.1-1.el8");
	ASSERT((f = feedtest_finding(&m, "CVE-2019-14905", "ansible")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "0:2.9.4-1.el8ae");
	ASSERT_STR_EQ(f->comparison, "2.9.0-1.el8ae < 0:2.9.4-1.el8ae (rpm)");
	match_result_free(&m);
	pkglist_free(&l);
	/* not signed by Red Hat: not Red Hat's ansible */
	rpm_pkg(&l, "ansible", "2.9.0-1.el8ae", NULL, NULL);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);

	/* the vendor's words: wont-fix, unfixed and unknown kept apart */
	ASSERT_OK(&c, build(&c, "e.db", edited, 1));
	ASSERT(open_db(&b, "e.db") == 0);
	rpm_pkg(&l, "ansible", "2.9.0-1.el8ae", NULL, RH_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT((f = feedtest_finding(&m, "CVE-2020-10744", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->vendor_status, "Will not fix");
	ASSERT_STR_EQ(f->note, "Will not fix: ansible");
	ASSERT_STR_EQ(f->comparison, "no fix: vendor state wont-fix");
	ASSERT((f = feedtest_finding(&m, "CVE-2020-1734", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT_STR_EQ(f->vendor_status, "Affected");
	ASSERT((f = feedtest_finding(&m, "CVE-2020-1738", "ansible")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	ASSERT_STR_EQ(f->vendor_status, "Under investigation");
	/* grouped fixed, unfixed, wont-fix, unknown */
	ASSERT_STR_EQ(m.findings[0].status, "fixed");
	ASSERT_STR_EQ(m.findings[m.nfindings - 1].status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- Oracle: flavours ------------------------------------------------------------- */

/*
 * ELSA-2007-0057.xml: &(oraclelinux-release version ^5, |(... bind earlier
 * than 30:9.3.3-8.el5 AND signed with the Oracle Linux 5 key ...)). The
 * edited copy adds bind earlier than 30:9.3.3-8.0.1.ksplice1.el5 (flavour
 * ksplice) and bind-libs earlier than 30:9.3.3-8.el5_fips (fips). The ksplice
 * and fips builds installed here are typed (no sample has one).
 */
DEFINE_TEST(test_oval_oracle_flavours)
{
	static const struct input real[] = {
		{ &feed_oracle_oval, "oval/ELSA-2007-0057.xml", NULL },
	};
	static const struct input edited[] = {
		{ &feed_oracle_oval, "oval/ELSA-2007-0057-flavours-edited.xml", NULL },
	};
	struct osinfo os = { .id = (char *)"ol", .version_id = (char *)"5.11" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT(vless(VERSION_RPM, "30:9.3.3-7.0.1.ksplice1.el5", "30:9.3.3-8.el5"));
	ASSERT(vless(VERSION_RPM, "30:9.3.3-7.el5_fips", "30:9.3.3-8.el5"));
	ASSERT_OK(&c, build(&c, "ol.db", real, 1));
	ASSERT(open_db(&b, "ol.db") == 0);
	/* a normal build below the fix: matched */
	rpm_pkg(&l, "oraclelinux-release", "5-11.0.1", NULL, OL_KEY);
	rpm_pkg(&l, "bind", "30:9.3.3-7.el5", NULL, OL_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ol:5");
	ASSERT_INT_EQ(m.nfindings, 2);
	ASSERT((f = feedtest_finding(&m, "CVE-2007-0493", "bind")) != NULL);
	ASSERT_STR_EQ(f->record, "ELSA-2007-0057");
	ASSERT_STR_EQ(f->fixed_version, "30:9.3.3-8.el5");
	ASSERT_STR_EQ(f->comparison, "30:9.3.3-7.el5 < 30:9.3.3-8.el5 (rpm)");
	ASSERT(feedtest_finding(&m, "CVE-2007-0494", "bind") != NULL);
	/* the release package qualifies the platform; it is no witness */
	ASSERT_INT_EQ(count(&m, NULL, "oraclelinux-release"), 0);
	match_result_free(&m);
	pkglist_free(&l);
	/* ksplice and fips builds are not held against a normal advisory */
	rpm_pkg(&l, "oraclelinux-release", "5-11.0.1", NULL, OL_KEY);
	rpm_pkg(&l, "bind", "30:9.3.3-7.0.1.ksplice1.el5", NULL, OL_KEY);
	rpm_pkg(&l, "bind-libs", "30:9.3.3-7.el5_fips", NULL, OL_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	match_result_free(&m);
	sqlite3_close(b.db);

	/* against their own flavour's advisory they are */
	ASSERT_OK(&c, build(&c, "olf.db", edited, 1));
	ASSERT(open_db(&b, "olf.db") == 0);
	rpm_pkg(&l, "bind-libs", "30:9.3.3-7.el5", NULL, OL_KEY);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT((f = feedtest_finding(&m, "CVE-2007-0493", "bind")) != NULL);
	ASSERT_STR_EQ(f->fixed_version, "30:9.3.3-8.0.1.ksplice1.el5");
	ASSERT_INT_EQ(count(&m, NULL, "bind"), 2);
	ASSERT_INT_EQ(count(&m, NULL, "bind-libs"), 4);	/* two builds, two CVEs */
	ASSERT((f = feedtest_finding(&m, "CVE-2007-0494", "bind-libs")) != NULL);
	{
		size_t i, fips = 0, normal = 0;

		for (i = 0; i < m.nfindings; i++) {
			if (strcmp(m.findings[i].package, "bind-libs") != 0)
				continue;
			if (strcmp(m.findings[i].installed_version, "30:9.3.3-7.el5_fips") == 0) {
				ASSERT_STR_EQ(m.findings[i].fixed_version, "30:9.3.3-8.el5_fips");
				fips++;
			} else {
				ASSERT_STR_EQ(m.findings[i].fixed_version, "30:9.3.3-8.el5");
				normal++;
			}
		}
		ASSERT_INT_EQ(fips, 2);
		ASSERT_INT_EQ(normal, 2);
	}
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- SUSE ----------------------------------------------------------------------- */

/*
 * suse-edited.xml, CVE-2010-1323: |(&(|(sles-release is ==15, ...), |(krb5 is
 * <1.15.2-4.25, ...)), ...). The release test compares a version ("equals
 * 15") but only qualifies the platform: krb5 is the witness, sles-release not.
 */
DEFINE_TEST(test_oval_suse)
{
	static const struct input in[] = {
		{ &feed_suse_oval, "oval/suse-edited.xml", NULL },
	};
	struct osinfo os = { .id = (char *)"sles", .version_id = (char *)"15" };
	struct osinfo sp5 = { .id = (char *)"sles", .version_id = (char *)"15.5" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "s.db", in, 1));
	ASSERT(open_db(&b, "s.db") == 0);
	rpm_pkg(&l, "sles-release", "15-58.1", NULL, NULL);
	rpm_pkg(&l, "krb5", "1.15.2-4.20", NULL, NULL);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "sles:15");
	ASSERT_INT_EQ(m.nfindings, 1);
	ASSERT((f = feedtest_finding(&m, "CVE-2010-1323", "krb5")) != NULL);
	ASSERT_STR_EQ(f->record, "SUSE-SR:2010:023");	/* its <reference source="SUSE-SU"> */
	ASSERT_STR_EQ(f->fixed_version, "0:1.15.2-4.25");
	ASSERT_STR_EQ(f->vendor_severity, "Moderate");
	match_result_free(&m);
	/* SP5 is another namespace, which this bundle does not cover */
	ASSERT_OK(&c, match_run(&c, &b, &sp5, &l, &m));
	ASSERT_STR_EQ(m.namespace, "sles:15.5");
	ASSERT(m.coverage == NULL);
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- Debian: source names and versions ------------------------------------------ */

/*
 * debian-bullseye-excerpt.xml.bz2 (Debian's OVAL names source packages):
 * DSA-5376 apache2 earlier than 0:2.4.56-1~deb11u1; apparmor "earlier than
 * 0" (Debian's not-affected-or-open marker); glibc earlier than 0:2.2-1.
 * apache2-bin is a binNMU (+b1): its source version decides.
 */
DEFINE_TEST(test_oval_debian_source)
{
	static const struct input in[] = {
		{ &feed_debian_oval, "oval/debian-bullseye-excerpt.xml.bz2", NULL },
	};
	struct osinfo os = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "d.db", in, 1));
	ASSERT(open_db(&b, "d.db") == 0);
	deb_pkg(&l, "apache2", "2.4.54-1~deb11u1", "apache2", "2.4.54-1~deb11u1");
	deb_pkg(&l, "apache2-bin", "2.4.54-1~deb11u1+b1", "apache2", "2.4.54-1~deb11u1");
	deb_pkg(&l, "apparmor", "2.13.6-10", "apparmor", "2.13.6-10");
	deb_pkg(&l, "libc6", "2.31-13+deb11u5", "glibc", "2.31-13+deb11u5");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "debian:11");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT_INT_EQ(m.nfindings, 2);
	ASSERT((f = feedtest_finding(&m, "CVE-2006-20001", "apache2-bin")) != NULL);
	ASSERT_STR_EQ(f->installed_version, "2.4.54-1~deb11u1+b1");
	ASSERT_STR_EQ(f->source_package, "apache2");
	ASSERT_STR_EQ(f->source_version, "2.4.54-1~deb11u1");
	ASSERT_STR_EQ(f->fixed_version, "0:2.4.56-1~deb11u1");
	ASSERT_STR_EQ(f->record, "DSA-5376");
	ASSERT_STR_EQ(f->comparison, "2.4.54-1~deb11u1 < 0:2.4.56-1~deb11u1 (dpkg)");
	ASSERT_STR_EQ(f->source, "debian-oval");
	ASSERT((f = feedtest_finding(&m, "CVE-2006-20001", "apache2")) != NULL);
	ASSERT_STR_EQ(f->installed_version, "2.4.54-1~deb11u1");
	match_result_free(&m);
	/* a binNMU of a fixed source is fixed, whatever its binary version */
	pkglist_free(&l);
	deb_pkg(&l, "apache2-bin", "2.4.56-1~deb11u1+b1", "apache2", "2.4.56-1~deb11u1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	match_result_free(&m);
	/* a source version dpkg rejects: not assessed, never silently clean */
	deb_pkg(&l, "apache2-data", "a:1", "apache2", "a:1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 1);
	ASSERT_STR_EQ(m.not_assessed[0].name, "apache2-data");
	ASSERT(strstr(m.not_assessed[0].reason, "cannot compare version a:1 with DSA-5376") !=
	    NULL);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- Ubuntu: binary names through a variable ------------------------------------- */

/*
 * com.ubuntu.oracular.usn.oval.xml.xz, USN-7157-1 (PHP): its test's object
 * names its 35 binaries through a constant_variable (var_ref); the state is
 * evr earlier than 0:8.3.11-0ubuntu0.24.10.4. Ubuntu's OVAL names binaries.
 */
DEFINE_TEST(test_oval_ubuntu_binary_var_ref)
{
	static const struct input in[] = {
		{ &feed_ubuntu_oval, "oval/com.ubuntu.oracular.usn.oval.xml.xz", NULL },
	};
	struct osinfo os = { .id = (char *)"ubuntu", .version_id = (char *)"24.10",
	    .codename = (char *)"oracular" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, build(&c, "o.db", in, 1));
	ASSERT(open_db(&b, "o.db") == 0);
	deb_pkg(&l, "php8.3-cli", "8.3.11-0ubuntu0.24.10.1", "php8.3", "8.3.11-0ubuntu0.24.10.1");
	deb_pkg(&l, "php8.3-common", "8.3.11-0ubuntu0.24.10.4", "php8.3",
	    "8.3.11-0ubuntu0.24.10.4");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:24.10");
	ASSERT((f = feedtest_finding(&m, "CVE-2024-11233", "php8.3-cli")) != NULL);
	ASSERT_STR_EQ(f->record, "USN-7157-1");
	ASSERT_STR_EQ(f->source_package, "php8.3-cli");
	ASSERT_STR_EQ(f->source_version, "8.3.11-0ubuntu0.24.10.1");
	ASSERT_STR_EQ(f->fixed_version, "0:8.3.11-0ubuntu0.24.10.4");
	ASSERT_STR_EQ(f->comparison,
	    "8.3.11-0ubuntu0.24.10.1 < 0:8.3.11-0ubuntu0.24.10.4 (dpkg)");
	ASSERT_STR_EQ(f->severity, "medium");
	ASSERT_INT_EQ(count(&m, "USN-7157-1", "php8.3-cli"), 5);
	ASSERT_INT_EQ(count(&m, NULL, "php8.3-common"), 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- Ubuntu CVE OVAL: each package's status in its criterion ---------------------- */

/*
 * clair-fetcher_ubuntu_test.xml (quay/clair: Canonical's CVE OVAL for 16.04 of
 * 2019-08-16, real ids), definition oval:com.ubuntu.xenial:def:201544710000000,
 * CVE-2015-4471: the release tests AND an OR of two criteria whose comments are
 * the two source packages' statuses in the Ubuntu CVE tracker:
 *   tst:201544710000000 "cabextract package in xenial is affected and needs
 *     fixing." - does the binary cabextract exist (no state);
 *   tst:201544710000010 "libmspack package in xenial was vulnerable but has
 *     been fixed (note: '0.4-3')." - binary libmspack0 with evr less than 0.4-3.
 * Installed: cabextract 1.6-1 (any version satisfies its test) and libmspack0
 * 0.4-2, just below the fix, then 0.4-3, the fix itself.
 */
static const char cabextract_note[] =
    "cabextract package in xenial is affected and needs fixing.";
static const char libmspack_note[] =
    "libmspack package in xenial was vulnerable but has been fixed (note: '0.4-3').";

struct uhit {
	char pkg[32], status[16], fixed[16], vstatus[16], note[128];
};
struct uhits {
	struct uhit v[8];
	size_t n;
};

static int
keep_uhit(struct ctx *c, const struct oval_hit *h, void *arg)
{
	struct uhits *u = arg;
	struct uhit *x;

	(void)c;
	if (u->n == sizeof(u->v) / sizeof(u->v[0]))
		return -1;
	x = &u->v[u->n++];
	snprintf(x->pkg, sizeof(x->pkg), "%s", h->package);
	snprintf(x->status, sizeof(x->status), "%s", h->status);
	snprintf(x->fixed, sizeof(x->fixed), "%s", h->fixed_version ? h->fixed_version : "-");
	snprintf(x->vstatus, sizeof(x->vstatus), "%s",
	    h->vendor_status ? h->vendor_status : "-");
	snprintf(x->note, sizeof(x->note), "%s", h->note ? h->note : "-");
	return 0;
}

/*
 * Ubuntu's CVE OVAL says "ignored" with the tracker's note: the real clair
 * excerpt with cabextract's criterion comment set to the generator's ignored
 * sentence with note 'end of standard support' (as xenial's packages read
 * after 2021). cabextract is a wont-fix finding and, its support having ended,
 * also listed as not assessed; libmspack0 (released) is not.
 */
DEFINE_TEST(test_oval_ubuntu_end_of_support)
{
	static const char needs[] = "cabextract package in xenial is affected and needs fixing.";
	static const char eol[] = "cabextract: while related to the CVE in some way, a decision "
	    "has been made to ignore this issue (note: &apos;end of standard support&apos;).";
	struct osinfo os = { .id = (char *)"ubuntu", .version_id = (char *)"16.04",
	    .codename = (char *)"xenial" };
	struct pkglist l = { NULL, 0, 0 };
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct match_result m;
	const struct finding *f;
	struct sb doc = SB_INIT;
	struct bundle b;
	struct ctx c;
	uint8_t *buf;
	FILE *fp;
	char *at;
	size_t len;
	int64_t n = 0;

	ctx_init(&c);
	buf = test_slurp(test_data("oval/clair-fetcher_ubuntu_test.xml"), &len);
	ASSERT((at = strstr((char *)buf, needs)) != NULL);
	sb_add(&doc, (char *)buf, (size_t)(at - (char *)buf));
	sb_adds(&doc, eol);
	sb_adds(&doc, at + strlen(needs));
	free(buf);
	ASSERT((fp = fopen("eol.xml", "wb")) != NULL);
	ASSERT(fwrite(doc.s, 1, strlen(doc.s), fp) == strlen(doc.s) && fclose(fp) == 0);
	sb_free(&doc);
	meta_init(&meta);
	remove("eol.db");
	ASSERT_OK(&c, bundle_writer_new(&c, "eol.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, feed_ubuntu_oval.name,
	    feed_ubuntu_oval.format, feed_ubuntu_oval.parser_version));
	ASSERT_OK(&c, feed_ubuntu_oval.parse(&c, "eol.xml", NULL, w, &n));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, n));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, &meta));
	bundle_writer_free(w);
	ASSERT(open_db(&b, "eol.db") == 0);
	deb_pkg(&l, "cabextract", "1.6-1", "cabextract", "1.6-1");
	deb_pkg(&l, "libmspack0", "0.4-2", "libmspack", "0.4-2");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 2);
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "cabextract")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->vendor_status, "ignored");
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "libmspack0")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_INT_EQ(m.nnot_assessed, 1);
	ASSERT_STR_EQ(m.not_assessed[0].name, "cabextract");
	ASSERT(strstr(m.not_assessed[0].reason, "ubuntu-oval marks cabextract end of support "
	    "in ubuntu:16.04 (CVE-2015-4471: ignored 'cabextract: while related") != NULL);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

DEFINE_TEST(test_oval_ubuntu_cve_package_states)
{
	static const struct input in[] = {
		{ &feed_ubuntu_oval, "oval/clair-fetcher_ubuntu_test.xml", NULL },
	};
	struct osinfo os = { .id = (char *)"ubuntu", .version_id = (char *)"16.04",
	    .codename = (char *)"xenial" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct uhits u;
	struct oval_sink sink = { keep_uhit, NULL, &u };
	struct oval_eval *ev = NULL;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	ASSERT(vless(VERSION_DEB, "0.4-2", "0.4-3"));
	ASSERT_OK(&c, build(&c, "u.db", in, 1));
	ASSERT(open_db(&b, "u.db") == 0);
	deb_pkg(&l, "cabextract", "1.6-1", "cabextract", "1.6-1");
	deb_pkg(&l, "libmspack0", "0.4-2", "libmspack", "0.4-2");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "ubuntu:16.04");
	ASSERT_INT_EQ(m.nfindings, 2);
	/* the fixed package: fixed, with its fixed version and the vendor's words */
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "libmspack0")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "0.4-3");
	ASSERT_STR_EQ(f->comparison, "0.4-2 < 0.4-3 (dpkg)");
	ASSERT_STR_EQ(f->note, libmspack_note);
	ASSERT_STR_EQ(f->vendor_status, "released");
	ASSERT_STR_EQ(f->record, "oval:com.ubuntu.xenial:def:201544710000000");
	ASSERT_STR_EQ(f->severity, "medium");
	/* the unfixed one: unfixed, no fixed version, the vendor's words (it was
	 * "fixed" without a version, or dropped beside libmspack0, before) */
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "cabextract")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT(f->fixed_version == NULL);
	ASSERT_STR_EQ(f->comparison, "no fix: vendor state unfixed");
	ASSERT_STR_EQ(f->note, cabextract_note);
	ASSERT_STR_EQ(f->vendor_status, "needed");
	match_result_free(&m);

	/* the evaluator's hits carry the tracker's status word too */
	memset(&u, 0, sizeof(u));
	ASSERT_OK(&c, oval_eval_new(&c, &b, &l, "deb", &ev));
	ASSERT_OK(&c, oval_eval_def(&c, ev, 1, &sink));
	oval_eval_free(ev);
	bundle_statements_release(&b);
	ASSERT_INT_EQ(u.n, 2);
	ASSERT_STR_EQ(u.v[0].pkg, "cabextract");
	ASSERT_STR_EQ(u.v[0].status, "unfixed");
	ASSERT_STR_EQ(u.v[0].fixed, "-");
	ASSERT_STR_EQ(u.v[0].vstatus, "needed");
	ASSERT_STR_EQ(u.v[0].note, cabextract_note);
	ASSERT_STR_EQ(u.v[1].pkg, "libmspack0");
	ASSERT_STR_EQ(u.v[1].status, "fixed");
	ASSERT_STR_EQ(u.v[1].fixed, "0.4-3");
	ASSERT_STR_EQ(u.v[1].vstatus, "released");
	ASSERT_STR_EQ(u.v[1].note, libmspack_note);
	pkglist_free(&l);

	/* libmspack0 at the fix: only cabextract is left, still unfixed */
	deb_pkg(&l, "cabextract", "1.6-1", "cabextract", "1.6-1");
	deb_pkg(&l, "libmspack0", "0.4-3", "libmspack", "0.4-3");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 1);
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "cabextract")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT(f->fixed_version == NULL);
	match_result_free(&m);
	pkglist_free(&l);

	/* without cabextract: libmspack0 alone, fixed in 0.4-3 */
	deb_pkg(&l, "libmspack0", "0.4-2", "libmspack", "0.4-2");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 1);
	ASSERT((f = feedtest_finding(&m, "CVE-2015-4471", "libmspack0")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "0.4-3");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* ---- the criteria string ---------------------------------------------------------- */

static int
parse_str(struct ctx *c, const char *s, struct oval_tree *t)
{
	return oval_criteria_parse(c, s, strlen(s), t);
}

DEFINE_TEST(test_oval_criteria_parse)
{
	static const char *const good[] = {
		"t1", "!t1", "!!t9223372036854775807", "&(t1)", "|(t1,t2)",
		"|(t1,&(t2,t3,|(&(t4,t5),&(t6,t7))))", "1(t1,!t2,^(t3,t4))",
		"|(!t12,&(t13,t14,|(&(t1,t2),&(t3,t4))))",
	};
	static const struct {
		const char *s;
		const char *msg;
	} bad[] = {
		{ "", "unexpected end" }, { "t", "bad test id" }, { "t0", "bad test id" },
		{ "t01", "bad test id" }, { "t9223372036854775808", "out of range" },
		{ "x1", "node expected" }, { "&t1", "'(' expected" }, { "&()", "node expected" },
		{ "&(t1", "',' or ')' expected" }, { "&(t1,)", "node expected" },
		{ "&(t1))", "trailing bytes" }, { "t1 ", "trailing bytes" },
		{ "&(t1;t2)", "',' or ')' expected" }, { "!", "unexpected end" },
		{ "| (t1)", "'(' expected" }, { "T1", "node expected" },
	};
	struct oval_tree tr;
	struct sb s = SB_INIT;
	struct ctx c;
	size_t i;
	int d;

	ctx_init(&c);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ASSERT_OK(&c, parse_str(&c, good[i], &tr));
		sb_reset(&s);
		oval_criteria_format(&tr, &s);
		ASSERT_STR_EQ(sb_str(&s), good[i]);
		ASSERT_INT_EQ(tr.v[0].size, tr.n);
		oval_tree_free(&tr);
	}
	ASSERT_OK(&c, parse_str(&c, "|(t1,&(t2,t3),!t4)", &tr));
	ASSERT_INT_EQ(tr.n, 7);
	ASSERT_INT_EQ(tr.v[0].kind, OVAL_NODE_OP);
	ASSERT_INT_EQ(tr.v[0].op, OVAL_OR);
	ASSERT_INT_EQ(tr.v[0].nchildren, 3);
	ASSERT_INT_EQ(tr.v[2].size, 3);
	ASSERT_INT_EQ(tr.v[5].kind, OVAL_NODE_NOT);
	ASSERT_INT_EQ(tr.v[6].test, 4);
	oval_tree_free(&tr);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ASSERT_INT_EQ(parse_str(&c, bad[i].s, &tr), E_FORMAT);
		if (strstr(c.err, bad[i].msg) == NULL) {
			test_fail(t, __FILE__, __LINE__, "\"%s\": %s", bad[i].s, c.err);
			return;
		}
		ASSERT(tr.v == NULL && tr.n == 0);
	}
	/* an embedded NUL is not the end */
	ASSERT_INT_EQ(oval_criteria_parse(&c, "t1\0", 3, &tr), E_FORMAT);
	/* depth: 64 operators around a test, not 65 ('!' counts) */
	sb_reset(&s);
	for (d = 0; d < OVAL_DEPTH_MAX; d++)
		sb_adds(&s, d % 2 ? "!" : "&(");
	sb_adds(&s, "t1");
	for (d = 0; d < OVAL_DEPTH_MAX; d++)
		if (d % 2 == 0)
			sb_addc(&s, ')');
	ASSERT_OK(&c, parse_str(&c, sb_str(&s), &tr));
	oval_tree_free(&tr);
	sb_reset(&s);
	for (d = 0; d <= OVAL_DEPTH_MAX; d++)
		sb_adds(&s, "!");
	sb_adds(&s, "t1");
	ASSERT_INT_EQ(parse_str(&c, sb_str(&s), &tr), E_LIMIT);
	ASSERT(strstr(c.err, "OVAL_DEPTH_MAX") != NULL);
	/* nodes: OVAL_NODES_MAX, not one more */
	sb_reset(&s);
	sb_adds(&s, "|(");
	for (d = 0; d < OVAL_NODES_MAX - 1; d++)
		sb_adds(&s, d ? ",t1" : "t1");
	sb_addc(&s, ')');
	ASSERT_OK(&c, parse_str(&c, sb_str(&s), &tr));
	ASSERT_INT_EQ(tr.n, OVAL_NODES_MAX);
	oval_tree_free(&tr);
	s.len -= 1;
	sb_adds(&s, ",t1)");
	ASSERT_INT_EQ(parse_str(&c, sb_str(&s), &tr), E_LIMIT);
	ASSERT(strstr(c.err, "OVAL_NODES_MAX") != NULL);
	/* length */
	{
		char *big = malloc(OVAL_CRITERIA_MAX + 1);

		memset(big, ' ', OVAL_CRITERIA_MAX + 1);
		ASSERT_INT_EQ(oval_criteria_parse(&c, big, OVAL_CRITERIA_MAX + 1, &tr), E_LIMIT);
		ASSERT(strstr(c.err, "OVAL_CRITERIA_MAX") != NULL);
		free(big);
	}
	sb_free(&s);
}

/* ---- three-valued logic --------------------------------------------------------- */

/*
 * OVAL 5.11's OperatorEnumeration tables, counting true (T), false (F) and
 * unknown (U) children (error and not-evaluated are unknown here; with no
 * children AND is true, the others false).
 */
static enum oval_result
reference(enum oval_op op, int nt, int nf, int nu)
{
	(void)nf;
	switch (op) {
	case OVAL_AND:
		if (nf > 0)
			return OVAL_FALSE;
		return nu > 0 ? OVAL_UNKNOWN : OVAL_TRUE;
	case OVAL_OR:
		if (nt > 0)
			return OVAL_TRUE;
		return nu > 0 ? OVAL_UNKNOWN : OVAL_FALSE;
	case OVAL_ONE:
		if (nt == 1 && nu == 0)
			return OVAL_TRUE;
		if (nt >= 2 || (nt == 0 && nu == 0))
			return OVAL_FALSE;
		return OVAL_UNKNOWN;	/* nt <= 1, nu >= 1 */
	case OVAL_XOR:
		if (nu > 0)
			return OVAL_UNKNOWN;
		return nt % 2 ? OVAL_TRUE : OVAL_FALSE;
	}
	return OVAL_UNKNOWN;
}

DEFINE_TEST(test_oval_operator_tables)
{
	enum oval_result v[5];
	int op, n, code, i, nt, nf, nu, total = 0;

	ASSERT_INT_EQ(oval_negate(OVAL_TRUE), OVAL_FALSE);
	ASSERT_INT_EQ(oval_negate(OVAL_FALSE), OVAL_TRUE);
	ASSERT_INT_EQ(oval_negate(OVAL_UNKNOWN), OVAL_UNKNOWN);
	for (op = OVAL_AND; op <= OVAL_XOR; op++)
		for (n = 0; n <= 5; n++) {
			int combos = 1;

			for (i = 0; i < n; i++)
				combos *= 3;
			for (code = 0; code < combos; code++) {
				int x = code;

				nt = nf = nu = 0;
				for (i = 0; i < n; i++, x /= 3) {
					v[i] = (enum oval_result)(x % 3);
					nt += v[i] == OVAL_TRUE;
					nf += v[i] == OVAL_FALSE;
					nu += v[i] == OVAL_UNKNOWN;
				}
				ASSERT_INT_EQ(oval_combine((enum oval_op)op, v, (size_t)n),
				    reference((enum oval_op)op, nt, nf, nu));
				total++;
			}
		}
	ASSERT_INT_EQ(total, 4 * (1 + 3 + 9 + 27 + 81 + 243));
}

static int
count_hit(struct ctx *c, const struct oval_hit *h, void *arg)
{
	(void)c;
	(void)h;
	(*(int *)arg)++;
	return 0;
}

/*
 * The same tables through whole definitions: three tests of known result
 * (platform: true; platform with check "none satisfy": false; unsupported:
 * unknown) under every operator, every sequence of one to three children,
 * every choice of negated children and a negated node, each a definition
 * evaluated by oval_eval_def(), its result read from the stats.
 */
DEFINE_TEST(test_oval_operator_definitions)
{
	static const char opch[] = { '&', '|', '1', '^' };
	const struct bundle_oval_test tt = { .kind = "platform", .check = "at least one",
	    .existence = "at_least_one_exists", .comment = "true" };
	const struct bundle_oval_test tf = { .kind = "platform", .check = "none satisfy",
	    .existence = "at_least_one_exists", .comment = "false" };
	const struct bundle_oval_test tu = { .kind = "unsupported", .check = "all",
	    .existence = "at_least_one_exists", .why = "uname_test with a state" };
	const char *const vulns[] = { "CVE-2000-0001" };
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct pkglist l = { NULL, 0, 0 };
	int nhits = 0;
	struct oval_sink sink = { count_hit, NULL, &nhits };
	struct oval_eval *ev = NULL;
	struct sb crit = SB_INIT, id = SB_INIT;
	enum oval_result want[4096];
	int64_t ids[3], defid;
	struct bundle b;
	struct ctx c;
	int op, n, code, neg, i, nodeneg, ndefs = 0, k;

	ctx_init(&c);
	meta_init(&meta);
	ASSERT_OK(&c, bundle_writer_new(&c, "t.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "rhel-oval", "test", "1"));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &tf, &ids[0]));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &tt, &ids[1]));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &tu, &ids[2]));
	for (op = 0; op < 4; op++)
		for (n = 1; n <= 3; n++)
			for (code = 0; code < (n == 1 ? 3 : n == 2 ? 9 : 27); code++)
				for (neg = 0; neg < (1 << n); neg++)
					for (nodeneg = 0; nodeneg < 2; nodeneg++) {
						enum oval_result v[3];
						int x = code;
						struct bundle_oval_def d = { .namespace = "rhel:8",
						    .ecosystem = "rpm", .name_kind = "binary",
						    .klass = "patch", .state = "fixed",
						    .severity = "unknown", .vulns = vulns, .nvulns = 1 };

						sb_reset(&crit);
						sb_adds(&crit, nodeneg ? "!" : "");
						sb_addc(&crit, opch[op]);
						sb_addc(&crit, '(');
						for (i = 0; i < n; i++, x /= 3) {
							v[i] = (enum oval_result)(x % 3);
							if (neg & (1 << i))
								v[i] = oval_negate(v[i]);
							sb_addf(&crit, "%s%st%lld", i ? "," : "",
							    neg & (1 << i) ? "!" : "",
							    (long long)ids[x % 3]);
						}
						sb_addc(&crit, ')');
						want[ndefs] = oval_combine((enum oval_op)op, v,
						    (size_t)n);
						if (nodeneg)
							want[ndefs] = oval_negate(want[ndefs]);
						sb_reset(&id);
						sb_addf(&id, "oval:test:def:%d", ndefs);
						d.def_id = sb_str(&id);
						d.criteria = sb_str(&crit);
						ASSERT_OK(&c, bundle_writer_oval_def(&c, w, &d, &defid));
						ASSERT_INT_EQ(defid, ndefs + 1);
						ndefs++;
					}
	ASSERT_INT_EQ(ndefs, 4 * 2 * (3 * 2 + 9 * 4 + 27 * 8));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, ndefs));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, &meta));
	bundle_writer_free(w);
	ASSERT(open_db(&b, "t.db") == 0);
	ASSERT_OK(&c, oval_eval_new(&c, &b, &l, "rpm", &ev));
	for (k = 0; k < ndefs; k++) {
		struct oval_stats before = *oval_eval_stats(ev);
		enum oval_result got;

		ASSERT_OK(&c, oval_eval_def(&c, ev, k + 1, &sink));
		got = oval_eval_stats(ev)->defs_true > before.defs_true ? OVAL_TRUE :
		    oval_eval_stats(ev)->defs_unknown > before.defs_unknown ? OVAL_UNKNOWN :
		    OVAL_FALSE;
		if (got != want[k]) {
			test_fail(t, __FILE__, __LINE__, "definition %d: got %d, want %d", k + 1,
			    got, want[k]);
			break;
		}
	}
	ASSERT_INT_EQ(oval_eval_stats(ev)->defs, (size_t)ndefs);
	ASSERT_INT_EQ(oval_eval_stats(ev)->tests_read, 3);
	ASSERT_INT_EQ(nhits, 0);	/* no package, no witness */
	oval_eval_free(ev);
	bundle_oval_release(&b);
	sqlite3_close(b.db);
	sb_free(&crit);
	sb_free(&id);
}

/* ---- test semantics on written rows ------------------------------------------------ */

struct hits {
	struct sb s;		/* "package version vuln status fixed|- comparison\n" per hit */
	int n;
};

static int
record_hit(struct ctx *c, const struct oval_hit *h, void *arg)
{
	struct hits *hs = arg;

	(void)c;
	sb_addf(&hs->s, "%s %s %s %s %s %s\n", h->pkg->name, h->pkg->version, h->vuln_id,
	    h->status, h->fixed_version ? h->fixed_version : "-", h->comparison);
	if (h->note != NULL && strncmp(h->note, "OVAL result unknown", 19) == 0)
		sb_addf(&hs->s, "  note: %s\n", h->note);
	hs->n++;
	return 0;
}

/* A pkg test naming one package (NULL: none) with an evr state (NULL: none). */
static struct bundle_oval_test
pkg_test(const char *const *name, const char *check, const char *existence,
    const char *evr_op, const char *evr)
{
	struct bundle_oval_test t = { .kind = "pkg", .check = check, .existence = existence,
	    .names = name, .nnames = name ? 1 : 0, .evr_op = evr_op, .evr = evr };

	return t;
}

enum { D_FALSE, D_TRUE, D_UNKNOWN };

/*
 * Written definitions, each of one or two tests, evaluated over a small
 * package list: existence and check (OVAL's CheckEnumeration over two
 * installed builds of one name), patterns, arch, "less than or equal", a
 * pattern that does not compile or is too long, a true not-affected
 * definition; with the hits they yield.
 */
DEFINE_TEST(test_oval_test_semantics)
{
	static const char *const k[] = { "k" }, *const liba[] = { "lib-a" },
	    *const none[] = { "absent" };
	const char *const vulns[] = { "CVE-2000-0001" };
	char *longpat = malloc(OVAL_PATTERN_MAX + 2), regmsg[256], want[2048];
	struct bundle_oval_test tests[20];
	struct {
		const char *criteria;
		const char *state;
		int want;
	} defs[32];
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct pkglist l = { NULL, 0, 0 };
	struct hits hs = { SB_INIT, 0 };
	struct oval_sink sink = { record_hit, NULL, &hs };
	struct oval_eval *ev = NULL;
	int64_t id, tid[20];
	struct bundle b;
	struct ctx c;
	size_t nt = 0, nd = 0, i;

	ctx_init(&c);
	memset(longpat, 'a', OVAL_PATTERN_MAX + 1);
	longpat[OVAL_PATTERN_MAX + 1] = '\0';
	/* t1..: see the criteria below */
	tests[nt++] = pkg_test(k, "all", "at_least_one_exists", "less than", "0:1.5-1");	/* 1 */
	tests[nt++] = pkg_test(k, "at least one", "at_least_one_exists", "less than",
	    "0:1.5-1");								/* 2 */
	tests[nt++] = pkg_test(k, "only one", "at_least_one_exists", "less than", "0:1.5-1");/* 3 */
	tests[nt++] = pkg_test(k, "none satisfy", "at_least_one_exists", "less than",
	    "0:1.5-1");								/* 4 */
	tests[nt++] = pkg_test(k, "all", "none_exist", NULL, NULL);			/* 5 */
	tests[nt++] = pkg_test(none, "all", "none_exist", NULL, NULL);		/* 6 */
	tests[nt++] = pkg_test(none, "all", "any_exist", "less than", "0:1");		/* 7 */
	tests[nt++] = pkg_test(none, "all", "at_least_one_exists", NULL, NULL);	/* 8 */
	tests[nt++] = pkg_test(k, "all", "only_one_exists", NULL, NULL);		/* 9 */
	tests[nt] = pkg_test(NULL, "all", "at_least_one_exists", "less than", "0:2");
	tests[nt++].name_pattern = "^lib-(a|b)$";					/* 10 */
	tests[nt] = pkg_test(NULL, "all", "at_least_one_exists", NULL, NULL);
	tests[nt++].name_pattern = "(";						/* 11 */
	tests[nt] = pkg_test(k, "all", "at_least_one_exists", "less than", "0:3");
	tests[nt].arch_op = "pattern match";
	tests[nt++].arch = "x86_64|aarch64";						/* 12 */
	tests[nt] = pkg_test(k, "at least one", "at_least_one_exists", "less than", "0:3");
	tests[nt].arch_op = "pattern match";
	tests[nt++].arch = "x86_64|aarch64";						/* 13 */
	tests[nt++] = pkg_test(liba, "all", "at_least_one_exists", "less than or equal",
	    "0:1.0-1");								/* 14 */
	tests[nt] = pkg_test(liba, "all", "at_least_one_exists", NULL, NULL);
	tests[nt].version_op = "pattern match";
	tests[nt++].version = "^1\\.";							/* 15 */
	tests[nt] = pkg_test(liba, "all", "at_least_one_exists", NULL, NULL);
	tests[nt].version_op = "pattern match";
	tests[nt++].version = longpat;							/* 16 */
	tests[nt] = pkg_test(k, "all", "at_least_one_exists", NULL, NULL);
	tests[nt++].sigkey = RH_KEY;							/* 17 */
	tests[nt] = pkg_test(NULL, "at least one", "at_least_one_exists", "less than",
	    "0:1.5-1");
	tests[nt++].name_pattern = "^k{1,100}$";					/* 18 */
	tests[nt] = pkg_test(NULL, "at least one", "at_least_one_exists", "less than",
	    "0:1.5-1");
	tests[nt++].name_pattern = "^k{1,2}$";						/* 19 */
	defs[nd++] = (__typeof__(defs[0])){ "t1", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t2", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t3", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t4", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t5", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t6", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t7", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t8", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t9", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t10", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "&(t11,t2)", "fixed", D_UNKNOWN };
	defs[nd++] = (__typeof__(defs[0])){ "t12", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "t13", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t14", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "t15", "fixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "&(t16,t14)", "fixed", D_UNKNOWN };
	defs[nd++] = (__typeof__(defs[0])){ "&(t2,t17)", "fixed", D_FALSE };	/* one build unsigned */
	defs[nd++] = (__typeof__(defs[0])){ "t2", "not-affected", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "|(t5,t6)", "unfixed", D_TRUE };
	defs[nd++] = (__typeof__(defs[0])){ "&(t9,t14)", "fixed", D_FALSE };
	defs[nd++] = (__typeof__(defs[0])){ "&(t18,t14)", "fixed", D_UNKNOWN };
	defs[nd++] = (__typeof__(defs[0])){ "t19", "fixed", D_TRUE };
	meta_init(&meta);
	ASSERT_OK(&c, bundle_writer_new(&c, "s.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "rhel-oval", "test", "1"));
	for (i = 0; i < nt; i++) {
		ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &tests[i], &tid[i]));
		ASSERT_INT_EQ(tid[i], (int64_t)i + 1);
	}
	for (i = 0; i < nd; i++) {
		char did[32];
		struct bundle_oval_def d = { .namespace = "rhel:8", .ecosystem = "rpm",
		    .name_kind = "binary", .klass = "patch", .state = defs[i].state,
		    .severity = "low", .criteria = defs[i].criteria, .vulns = vulns, .nvulns = 1,
		    .def_id = did };

		snprintf(did, sizeof(did), "oval:t:def:%zu", i + 1);
		ASSERT_OK(&c, bundle_writer_oval_def(&c, w, &d, &id));
	}
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, (int64_t)nd));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, &meta));
	bundle_writer_free(w);
	free(longpat);

	rpm_pkg(&l, "k", "1.0-1", NULL, RH_KEY);
	{
		struct pkg p = { .name = (char *)"k", .version = (char *)"2.0-1",
		    .arch = (char *)"i686", .ecosystem = "rpm" };

		pkglist_add(&l, &p);	/* unsigned, i686 */
	}
	rpm_pkg(&l, "lib-a", "1.0-1", NULL, NULL);
	rpm_pkg(&l, "lib-b", "1.0-1", NULL, NULL);
	ASSERT(open_db(&b, "s.db") == 0);
	ASSERT_OK(&c, oval_eval_new(&c, &b, &l, "rpm", &ev));
	for (i = 0; i < nd; i++) {
		struct oval_stats before = *oval_eval_stats(ev);
		int got;

		ASSERT_OK(&c, oval_eval_def(&c, ev, (int64_t)i + 1, &sink));
		got = oval_eval_stats(ev)->defs_true > before.defs_true ? D_TRUE :
		    oval_eval_stats(ev)->defs_unknown > before.defs_unknown ? D_UNKNOWN : D_FALSE;
		if (got != defs[i].want) {
			test_fail(t, __FILE__, __LINE__, "%s: got %d, want %d", defs[i].criteria,
			    got, defs[i].want);
			return;
		}
	}
	{
		regex_t re;
		int rc = regcomp(&re, "(", REG_EXTENDED | REG_NOSUB);

		ASSERT(rc != 0);	/* the C library's words for the error */
		regerror(rc, &re, regmsg, sizeof(regmsg));
	}
	snprintf(want, sizeof(want),
	    /* t2: the build below the fix */
	    "k 1.0-1 CVE-2000-0001 fixed 0:1.5-1 1.0-1 < 0:1.5-1 (rpm)\n"
	    /* t3: the same */
	    "k 1.0-1 CVE-2000-0001 fixed 0:1.5-1 1.0-1 < 0:1.5-1 (rpm)\n"
	    /* t10: both names the pattern matches */
	    "lib-a 1.0-1 CVE-2000-0001 fixed 0:2 1.0-1 < 0:2 (rpm)\n"
	    "lib-b 1.0-1 CVE-2000-0001 fixed 0:2 1.0-1 < 0:2 (rpm)\n"
	    /* &(t11,t2): unknown, k named, with why */
	    "k 1.0-1 CVE-2000-0001 unknown 0:1.5-1 1.0-1 < 0:1.5-1 (rpm)\n"
	    "  note: OVAL result unknown: oval test 11: name pattern '(' does not compile: "
	    "%s\n"
	    /* t13: the x86_64 build only */
	    "k 1.0-1 CVE-2000-0001 fixed 0:3 1.0-1 < 0:3 (rpm)\n"
	    /* t14: "less than or equal" names the last vulnerable version, no fix */
	    "lib-a 1.0-1 CVE-2000-0001 fixed - 1.0-1 <= 0:1.0-1 (rpm)\n"
	    /* t15 (version pattern only): true, but it names no package */
	    /* &(t16,t14): too long a pattern: unknown */
	    "lib-a 1.0-1 CVE-2000-0001 unknown - 1.0-1 <= 0:1.0-1 (rpm)\n"
	    "  note: OVAL result unknown: oval test 16: version pattern longer than "
	    "OVAL_PATTERN_MAX (1024)\n"
	    /* not-affected: nothing; |(t5,t6): existence only, "absent" is absent: no
	     * package to name */
	    /* &(t18,t14): an interval of 100 is not compiled */
	    "lib-a 1.0-1 CVE-2000-0001 unknown - 1.0-1 <= 0:1.0-1 (rpm)\n"
	    "  note: OVAL result unknown: oval test 18: name pattern '^k{1,100}$' repeats "
	    "more than OVAL_PATTERN_BOUNDS_MAX (4) intervals or an interval more than "
	    "OVAL_PATTERN_REPEAT_MAX (64) times\n"
	    /* t19: a small one is */
	    "k 1.0-1 CVE-2000-0001 fixed 0:1.5-1 1.0-1 < 0:1.5-1 (rpm)\n"
	    , regmsg);
	ASSERT_STR_EQ(sb_str(&hs.s), want);
	ASSERT_INT_EQ(oval_eval_stats(ev)->tests_read, 19);
	oval_eval_free(ev);
	bundle_oval_release(&b);
	sqlite3_close(b.db);
	pkglist_free(&l);
	sb_free(&hs.s);
}

/*
 * Two written advisories fixing the same CVE in k at 1.5-1 and 1.8-1: one
 * finding stays, the one with the higher fix; OS releases to namespaces.
 */
DEFINE_TEST(test_oval_dedupe_and_releases)
{
	static const char *const k[] = { "k" };
	const char *const vulns[] = { "CVE-2000-0001" };
	static const struct {
		const char *id, *version_id, *ns;
	} rel[] = {
		{ "rhel", "8.9", "rhel:8" }, { "rhel", "9", "rhel:9" }, { "ol", "7.9", "ol:7" },
		{ "sles", "15.5", "sles:15.5" }, { "sles", "12.4", "sles:12.4" },
		{ "sles", "15", "sles:15" },
	};
	static const struct {
		const char *id, *version_id;
	} norel[] = {
		{ "rhel", NULL }, { "rhel", "8.x" }, { "ol", "8." }, { "sles", "15-SP5" },
		{ "sles", "" },
	};
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct bundle_oval_test t1 = pkg_test(k, "at least one", "at_least_one_exists",
	    "less than", "0:1.5-1");
	struct bundle_oval_test t2 = pkg_test(k, "at least one", "at_least_one_exists",
	    "less than", "0:1.8-1");
	struct bundle_oval_def d = { .namespace = "rhel:8", .ecosystem = "rpm",
	    .name_kind = "binary", .klass = "patch", .state = "fixed", .severity = "unknown",
	    .vulns = vulns, .nvulns = 1 };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	int64_t id1, id2, id;
	struct bundle b;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	meta_init(&meta);
	ASSERT_OK(&c, bundle_writer_new(&c, "dd.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "rhel-oval", "test", "1"));
	ASSERT_OK(&c, bundle_writer_namespace_coverage(&c, w, "rhel:8", "fixes-only"));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &t1, &id1));
	ASSERT_OK(&c, bundle_writer_oval_test(&c, w, &t2, &id2));
	d.def_id = "oval:t:def:1";
	d.advisory = "RHSA-0000:0001";
	d.criteria = "t1";
	ASSERT_OK(&c, bundle_writer_oval_def(&c, w, &d, &id));
	d.def_id = "oval:t:def:2";
	d.advisory = "RHSA-0000:0002";
	d.criteria = "t2";
	ASSERT_OK(&c, bundle_writer_oval_def(&c, w, &d, &id));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, 2));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, &meta));
	bundle_writer_free(w);
	ASSERT(open_db(&b, "dd.db") == 0);
	rpm_pkg(&l, "k", "1.0-1", NULL, NULL);
	{
		struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.9" };

		ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
		ASSERT_INT_EQ(m.nfindings, 1);
		ASSERT_STR_EQ(m.findings[0].record, "RHSA-0000:0002");
		ASSERT_STR_EQ(m.findings[0].fixed_version, "0:1.8-1");
		ASSERT_STR_EQ(m.findings[0].severity, "unknown");	/* no NVD data here */
		match_result_free(&m);
	}
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		struct osinfo os = { .id = (char *)rel[i].id, .version_id = (char *)rel[i].version_id };

		ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
		ASSERT_STR_EQ(m.namespace, rel[i].ns);
		match_result_free(&m);
	}
	for (i = 0; i < sizeof(norel) / sizeof(norel[0]); i++) {
		struct osinfo os = { .id = (char *)norel[i].id,
		    .version_id = (char *)norel[i].version_id };

		ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
		ASSERT(m.namespace == NULL);
		ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
		ASSERT(strstr(m.not_assessed[0].reason, "release not recognised") != NULL);
		ASSERT_STR_EQ(m.not_assessed[1].reason, "operating system not assessed");
		match_result_free(&m);
	}
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* A bundle from before the OVAL tables: matching works as it did. */
DEFINE_TEST(test_oval_old_bundle)
{
	static const struct bundle_affected row = { .vuln_id = "CVE-2000-0001",
	    .ecosystem = "rpm", .namespace = "rhel:8", .package = "k", .name_kind = "binary",
	    .state = "fixed", .fixed_version = "0:1.5-1", .severity = "low",
	    .vendor_severity = "Low" };
	struct osinfo os = { .id = (char *)"rhel", .version_id = (char *)"8.9" };
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	struct bundle b;
	struct ctx c;
	sqlite3 *db;
	int yes = 1;

	ctx_init(&c);
	meta_init(&meta);
	ASSERT_OK(&c, bundle_writer_new(&c, "old.db", &w));
	ASSERT_OK(&c, bundle_writer_source_begin(&c, w, "x", "test", "1"));
	ASSERT_OK(&c, bundle_writer_namespace_coverage(&c, w, "rhel:8", "fixes-only"));
	ASSERT_OK(&c, bundle_writer_affected(&c, w, &row));
	ASSERT_OK(&c, bundle_writer_source_end(&c, w, 1));
	ASSERT_OK(&c, bundle_writer_finish(&c, w, &meta));
	bundle_writer_free(w);
	ASSERT(sqlite3_open("old.db", &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, "DROP TABLE oval_index; DROP TABLE oval_def_vuln; "
	    "DROP TABLE oval_def; DROP TABLE oval_test_name; DROP TABLE oval_test;", NULL, NULL,
	    NULL) == SQLITE_OK);
	sqlite3_close(db);
	ASSERT(open_db(&b, "old.db") == 0);
	ASSERT_OK(&c, bundle_oval_present(&c, &b, &yes));
	ASSERT_INT_EQ(yes, 0);
	rpm_pkg(&l, "k", "1.0-1", NULL, NULL);
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 1);
	ASSERT_STR_EQ(m.findings[0].comparison, "1.0-1 < 0:1.5-1 (rpm)");
	match_result_free(&m);
	pkglist_free(&l);
	/* every statement was released: a plain close succeeds */
	ASSERT(sqlite3_close(b.db) == SQLITE_OK);
}
