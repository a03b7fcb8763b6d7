/*
 * test_match.c - the matcher on a database built by the real Debian tracker
 * parser from the real samples, with packages from the real sample image's
 * dpkg status, plus rows written through the writer for the states the
 * samples lack (wont-fix, unknown) and for versions dpkg cannot order; and
 * the order of findings that two feeds give for one vulnerability of one
 * package (the tracker sample and a definition cut from Debian's real OVAL).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "feedtest.h"
#include "test.h"

/* Builds m.db from both tracker samples plus extra rows of a second source. */
static int
build_db(struct ctx *c, const struct bundle_affected *extra, size_t nextra)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	int64_t n1 = 0, n2 = 0;
	size_t i;
	int r;

	memset(&meta, 0, sizeof(meta));
	meta.format = 1;
	meta.serial = 1;
	meta.created = 1700000000;
	meta.expires = 1800000000;
	if ((r = bundle_writer_new(c, "m.db", &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "debian", "tracker", "1")) != 0 ||
	    (r = feed_debian.parse(c, test_data("debian-tracker/vunnel-debian.json"), NULL, w,
	    &n1)) != 0 ||
	    (r = feed_debian.parse(c, test_data(
	    "debian-tracker/osv-dev-debian_security_tracker_mock.json"), NULL, w, &n2)) != 0 ||
	    (r = bundle_writer_source_end(c, w, n1 + n2)) != 0)
		goto out;
	if (nextra > 0) {
		if ((r = bundle_writer_source_begin(c, w, "extra", "test rows", "1")) != 0)
			goto out;
		for (i = 0; i < nextra; i++)
			if ((r = bundle_writer_affected(c, w, &extra[i])) != 0)
				goto out;
		if ((r = bundle_writer_source_end(c, w, (int64_t)nextra)) != 0)
			goto out;
	}
	r = bundle_writer_finish(c, w, &meta);
out:
	bundle_writer_free(w);
	return r;
}

static void
add(struct pkglist *l, const char *name, const char *ver, const char *src, const char *srcver)
{
	struct pkg p = { (char *)name, (char *)ver, (char *)"amd64", (char *)src,
		(char *)srcver, "deb", 1, NULL, NULL };

	pkglist_add(l, &p);
}

DEFINE_TEST(test_match_debian_states)
{
	static const struct bundle_affected extra[] = {
		{ .vuln_id = "CVE-2000-0001", .ecosystem = "deb",
		  .namespace = "debian:11", .package = "txt2man", .name_kind = "source",
		  .state = "wont-fix", .severity = "low", .vendor_severity = "low",
		  .vendor_status = "open", .note = "ignored: minor issue" },
		{ .vuln_id = "CVE-2000-0002", .ecosystem = "deb",
		  .namespace = "debian:11", .package = "txt2man", .name_kind = "source",
		  .state = "unknown", .severity = "unknown",
		  .vendor_status = "undetermined" },
		{ .vuln_id = "CVE-2000-0003", .ecosystem = "deb",
		  .namespace = "debian:12", .package = "txt2man", .name_kind = "source",
		  .state = "unfixed", .severity = "high", .vendor_severity = "high",
		  .vendor_status = "open" },
	};
	struct osinfo os = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_db(&c, extra, 3));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	/* versions as in the sample image's dpkg status (bullseye) */
	add(&l, "apparmor", "2.13.6-10", "apparmor", "2.13.6-10");
	add(&l, "libapparmor1", "2.13.6-10", "apparmor", "2.13.6-10");
	add(&l, "libsope1", "5.0.1-2", "sope", "5.0.1-2");
	add(&l, "txt2man", "1.7.1-1+deb11u1", "txt2man", "1.7.1-1+deb11u1");
	/* a binNMU: binary version differs, the source version decides */
	add(&l, "libsope-appserver", "5.0.1-2+b1", "sope", "5.0.1-2+deb11u1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_STR_EQ(m.namespace, "debian:11");
	ASSERT_STR_EQ(m.coverage, "complete");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	/* sope 5.0.1-2 < 5.0.1-2+deb11u1: fixed */
	ASSERT((f = feedtest_finding(&m, "CVE-2025-53603", "libsope1")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "5.0.1-2+deb11u1");
	ASSERT_STR_EQ(f->source_package, "sope");
	/* its source is already at the fixed version: not a finding */
	ASSERT(feedtest_finding(&m, "CVE-2025-53603", "libsope-appserver") == NULL);
	/* apparmor CVE-2016-1585 open in bullseye, for both binaries of the source */
	ASSERT((f = feedtest_finding(&m, "CVE-2016-1585", "apparmor")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT(f->fixed_version == NULL);
	ASSERT_STR_EQ(f->vendor_severity, "unimportant");
	ASSERT_STR_EQ(f->severity, "negligible");
	ASSERT(feedtest_finding(&m, "CVE-2016-1585", "libapparmor1") != NULL);
	/* fixed long ago (2.11.0-3) and "0" (not affected): nothing */
	ASSERT(feedtest_finding(&m, "CVE-2017-6507", "apparmor") == NULL);
	ASSERT(feedtest_finding(&m, "CVE-2014-1424", "apparmor") == NULL);
	/* wont-fix and unknown kept apart, with the vendor's note */
	ASSERT((f = feedtest_finding(&m, "CVE-2000-0001", "txt2man")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->note, "ignored: minor issue");
	ASSERT((f = feedtest_finding(&m, "CVE-2000-0002", "txt2man")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	/* another release's row does not leak in */
	ASSERT(feedtest_finding(&m, "CVE-2000-0003", "txt2man") == NULL);
	ASSERT_INT_EQ(m.nfindings, 5);
	/* ordered fixed, unfixed, wont-fix, unknown */
	ASSERT_STR_EQ(m.findings[0].status, "fixed");
	ASSERT_STR_EQ(m.findings[m.nfindings - 1].status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/*
 * Debian's tracker gives chromium in buster and stretch the urgency
 * "end-of-life" (CVE-2022-0456, open, in the real sample): its security support
 * has ended, so the package is judged on what the feed has and also listed as
 * not assessed; in bullseye (no such row) it is not.
 */
DEFINE_TEST(test_match_end_of_support)
{
	struct osinfo buster = { .id = (char *)"debian", .version_id = (char *)"10",
	    .codename = (char *)"buster" };
	struct osinfo bullseye = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	const struct finding *f;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_db(&c, NULL, 0));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	add(&l, "chromium", "90.0.4430.212-1~deb10u1", "chromium", "90.0.4430.212-1~deb10u1");
	add(&l, "chromium-common", "90.0.4430.212-1~deb10u1", "chromium",
	    "90.0.4430.212-1~deb10u1");
	ASSERT_OK(&c, match_run(&c, &b, &buster, &l, &m));
	ASSERT_STR_EQ(m.namespace, "debian:10");
	ASSERT((f = feedtest_finding(&m, "CVE-2022-0456", "chromium")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT_STR_EQ(f->note, "end-of-life");
	/* each binary once, however many rows say so */
	ASSERT_INT_EQ(m.nnot_assessed, 2);
	ASSERT_STR_EQ(m.not_assessed[0].name, "chromium");
	ASSERT_STR_EQ(m.not_assessed[1].name, "chromium-common");
	ASSERT_STR_EQ(m.not_assessed[0].reason, "debian marks chromium end of support in "
	    "debian:10 (CVE-2022-0456: open 'end-of-life'): issues after that are not tracked");
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &bullseye, &l, &m));
	ASSERT_STR_EQ(m.namespace, "debian:11");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

DEFINE_TEST(test_match_not_assessed)
{
	static const struct bundle_affected bad[] = {
		{ .vuln_id = "CVE-2000-0004", .ecosystem = "deb",
		  .namespace = "debian:11", .package = "txt2man", .name_kind = "source",
		  .state = "fixed", .fixed_version = "1:", .severity = "low",
		  .vendor_severity = "low", .vendor_status = "resolved" },
	};
	struct osinfo os = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct osinfo forky = { .id = (char *)"debian", .version_id = (char *)"14",
	    .codename = (char *)"forky" };
	struct osinfo sid = { .id = (char *)"debian", .codename = (char *)"sid" };
	struct osinfo none = { .id = NULL };
	struct osinfo nocode = { .id = (char *)"debian" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_db(&c, bad, 1));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	add(&l, "txt2man", "1.7.1-1+deb11u1", "txt2man", "1.7.1-1+deb11u1");
	add(&l, "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib", "1:1.2.11.dfsg-2+deb11u2");

	/* a fixed version dpkg rejects: that package is not assessed, the rest is */
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 1);
	ASSERT_STR_EQ(m.not_assessed[0].name, "txt2man");
	ASSERT(strstr(m.not_assessed[0].reason, "cannot compare") != NULL);
	match_result_free(&m);

	/* a release no source covers: the OS and every package */
	ASSERT_OK(&c, match_run(&c, &b, &forky, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 3);
	ASSERT_STR_EQ(m.not_assessed[0].kind, "os");
	ASSERT(strstr(m.not_assessed[0].reason, "debian:14") != NULL);
	ASSERT(m.coverage == NULL);
	match_result_free(&m);

	/* no os-release, and a Debian without codename */
	ASSERT_OK(&c, match_run(&c, &b, &none, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 3);
	ASSERT(strstr(m.not_assessed[0].reason, "not identified") != NULL);
	match_result_free(&m);
	ASSERT_OK(&c, match_run(&c, &b, &nocode, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 3);
	ASSERT(strstr(m.not_assessed[0].reason, "not recognised") != NULL);
	match_result_free(&m);
	/* sid has no VERSION_ID: the codename maps it, and the samples cover it */
	ASSERT_OK(&c, match_run(&c, &b, &sid, &l, &m));
	ASSERT_STR_EQ(m.namespace, "debian:sid");
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/*
 * s.db: both tracker samples as source "debian", then the chromium definition
 * of Debian's bullseye OVAL (tests/data/README.md) as source "debian-oval".
 */
static int
build_two(struct ctx *c)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	int64_t n1 = 0, n2 = 0, n3 = 0;
	int r;

	memset(&meta, 0, sizeof(meta));
	meta.format = 1;
	meta.serial = 1;
	meta.created = 1700000000;
	meta.expires = 1800000000;
	if ((r = bundle_writer_new(c, "s.db", &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "debian", "tracker", "1")) != 0 ||
	    (r = feed_debian.parse(c, test_data("debian-tracker/vunnel-debian.json"), NULL, w,
	    &n1)) != 0 ||
	    (r = feed_debian.parse(c, test_data(
	    "debian-tracker/osv-dev-debian_security_tracker_mock.json"), NULL, w, &n2)) != 0 ||
	    (r = bundle_writer_source_end(c, w, n1 + n2)) != 0 ||
	    (r = bundle_writer_source_begin(c, w, feed_debian_oval.name, feed_debian_oval.format,
	    feed_debian_oval.parser_version)) != 0 ||
	    (r = feed_debian_oval.parse(c, test_data("oval/debian-bullseye-chromium.xml"), NULL,
	    w, &n3)) != 0 ||
	    (r = bundle_writer_source_end(c, w, n3)) != 0)
		goto out;
	r = bundle_writer_finish(c, w, &meta);
out:
	bundle_writer_free(w);
	return r;
}

static const char *
or_null(const char *s)
{
	return s ? s : "NULL";
}

/* Every field of v[0..n), a line per finding. */
static void
findings_text(struct sb *out, const struct finding *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sb_addf(out, "%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%d\n",
		    v[i].status, v[i].severity, v[i].vuln_id, v[i].package,
		    v[i].installed_version, v[i].source, v[i].namespace, v[i].record,
		    v[i].source_package, v[i].source_version, or_null(v[i].fixed_version),
		    v[i].comparison, or_null(v[i].severity_source),
		    or_null(v[i].vendor_severity), or_null(v[i].vendor_status),
		    or_null(v[i].note), or_null(v[i].description), or_null(v[i].ecosystem),
		    v[i].layer);
}

/*
 * match_sort_findings over v[0..n) given in order perm (reversed when perm is
 * 0, else rotated by perm mod n): the text of the result. v is not changed.
 */
static char *
sorted_from(const struct finding *v, size_t n, size_t perm)
{
	struct finding *w = calloc(n + 1, sizeof(*w));
	struct sb out = SB_INIT;
	size_t i;

	if (w == NULL)
		return NULL;
	for (i = 0; i < n; i++)	/* shallow copies: the strings stay v's */
		w[i] = v[perm == 0 ? n - 1 - i : (i + perm) % n];
	match_sort_findings(w, n);
	findings_text(&out, w, n);
	free(w);
	return sb_steal(&out);
}

/*
 * The Debian tracker and Debian's OVAL both say chromium before
 * 98.0.4758.80-1~deb11u1 has CVE-2022-0456 in bullseye (DSA-5068): two
 * findings equal in status, severity, vulnerability, package and installed
 * version. Their order, and that of findings differing in any one other
 * field, must not depend on the order they come in (reports are
 * byte-reproducible); without tie-breakers the sort keeps (glibc: merge sort)
 * or scrambles the input order.
 */
DEFINE_TEST(test_match_sort_ties)
{
	struct osinfo os = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	struct finding v[16];
	const struct finding *f;
	struct sb want = SB_INIT;
	struct bundle b;
	struct ctx c;
	char *got;
	size_t i, n, perm;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_two(&c));
	ASSERT(sqlite3_open_v2("s.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	/* bullseye's own chromium, as the tracker sample's repositories name it */
	add(&l, "chromium", "90.0.4430.212-1", "chromium", "90.0.4430.212-1");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	ASSERT_INT_EQ(m.nfindings, 2);
	/* the tie, broken by the source's name: the tracker's, then the OVAL's */
	f = &m.findings[0];
	ASSERT_STR_EQ(f->vuln_id, "CVE-2022-0456");
	ASSERT_STR_EQ(f->source, "debian");
	ASSERT_STR_EQ(f->record, "CVE-2022-0456");
	ASSERT_STR_EQ(f->fixed_version, "98.0.4758.80-1~deb11u1");
	f = &m.findings[1];
	ASSERT_STR_EQ(f->vuln_id, "CVE-2022-0456");
	ASSERT_STR_EQ(f->source, "debian-oval");
	ASSERT_STR_EQ(f->record, "DSA-5068");
	ASSERT_STR_EQ(f->fixed_version, "0:98.0.4758.80-1~deb11u1");
	for (i = 0; i < 2; i++) {
		ASSERT_STR_EQ(m.findings[i].status, "fixed");
		ASSERT_STR_EQ(m.findings[i].severity, m.findings[0].severity);
		ASSERT_STR_EQ(m.findings[i].package, "chromium");
		ASSERT_STR_EQ(m.findings[i].installed_version, "90.0.4430.212-1");
	}

	/* the two, then the tracker's finding changed in one field at a time */
	v[0] = m.findings[0];
	v[1] = m.findings[1];
	n = 2;
	for (i = 0; i < 13; i++) {
		struct finding *x = &v[n++];

		*x = m.findings[0];
		switch (i) {
		case 0: x->namespace = (char *)"debian:12"; break;
		case 1: x->record = (char *)"DSA-5068"; break;
		case 2: x->source_package = (char *)"chromium-browser"; break;
		case 3: x->source_version = (char *)"90.0.4430.212-1+b1"; break;
		case 4: x->fixed_version = NULL; break;
		case 5: x->comparison = (char *)"no fix: vendor state fixed"; break;
		case 6: x->severity_source = "nvd"; break;
		case 7: x->vendor_severity = (char *)"low"; break;
		case 8: x->vendor_status = (char *)"open"; break;
		case 9: x->note = (char *)"postponed"; break;
		case 10: x->description = (char *)"another text"; break;
		case 11: x->ecosystem = "rpm"; break;
		case 12: x->layer = 2; break;
		}
	}
	ASSERT(n <= sizeof(v) / sizeof(v[0]));
	for (perm = 0; perm <= n; perm++) {	/* n: rotated by n, the input order */
		got = sorted_from(v, n, perm);
		ASSERT(got != NULL);
		if (perm == 0) {
			sb_adds(&want, got);
		} else if (strcmp(got, sb_str(&want)) != 0) {
			test_fail(t, __FILE__, __LINE__, "rotation %zu sorts differently:\n%s\n"
			    "reversed:\n%s", perm, got, sb_str(&want));
			free(got);
			break;
		}
		free(got);
	}
	/* and the two real findings alone, both ways round */
	got = sorted_from(m.findings, 2, 0);
	ASSERT(got != NULL);
	sb_free(&want);
	findings_text(&want, m.findings, 2);
	if (strcmp(got, sb_str(&want)) != 0)
		test_fail(t, __FILE__, __LINE__, "reversed pair sorts differently:\n%s", got);
	free(got);
	sb_free(&want);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}
