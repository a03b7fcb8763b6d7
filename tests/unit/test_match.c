/*
 * test_match.c - the matcher on a database built by the real Debian tracker
 * parser from the real samples, with packages from the real sample image's
 * dpkg status, plus rows written through the writer for the states the
 * samples lack (wont-fix, unknown) and for versions dpkg cannot order.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
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

DEFINE_TEST(test_match_debian_states)
{
	static const struct bundle_affected extra[] = {
		{ NULL, "CVE-2000-0001", "deb", "debian:11", "txt2man", "source", "wont-fix",
		  NULL, "low", "low", "open", "ignored: minor issue", NULL },
		{ NULL, "CVE-2000-0002", "deb", "debian:11", "txt2man", "source", "unknown",
		  NULL, "unknown", NULL, "undetermined", NULL, NULL },
		{ NULL, "CVE-2000-0003", "deb", "debian:12", "txt2man", "source", "unfixed",
		  NULL, "high", "high", "open", NULL, NULL },
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
	ASSERT((f = find(&m, "CVE-2025-53603", "libsope1")) != NULL);
	ASSERT_STR_EQ(f->status, "fixed");
	ASSERT_STR_EQ(f->fixed_version, "5.0.1-2+deb11u1");
	ASSERT_STR_EQ(f->source_package, "sope");
	/* its source is already at the fixed version: not a finding */
	ASSERT(find(&m, "CVE-2025-53603", "libsope-appserver") == NULL);
	/* apparmor CVE-2016-1585 open in bullseye, for both binaries of the source */
	ASSERT((f = find(&m, "CVE-2016-1585", "apparmor")) != NULL);
	ASSERT_STR_EQ(f->status, "unfixed");
	ASSERT(f->fixed_version == NULL);
	ASSERT_STR_EQ(f->vendor_severity, "unimportant");
	ASSERT_STR_EQ(f->severity, "negligible");
	ASSERT(find(&m, "CVE-2016-1585", "libapparmor1") != NULL);
	/* fixed long ago (2.11.0-3) and "0" (not affected): nothing */
	ASSERT(find(&m, "CVE-2017-6507", "apparmor") == NULL);
	ASSERT(find(&m, "CVE-2014-1424", "apparmor") == NULL);
	/* wont-fix and unknown kept apart, with the vendor's note */
	ASSERT((f = find(&m, "CVE-2000-0001", "txt2man")) != NULL);
	ASSERT_STR_EQ(f->status, "wont-fix");
	ASSERT_STR_EQ(f->note, "ignored: minor issue");
	ASSERT((f = find(&m, "CVE-2000-0002", "txt2man")) != NULL);
	ASSERT_STR_EQ(f->status, "unknown");
	/* another release's row does not leak in */
	ASSERT(find(&m, "CVE-2000-0003", "txt2man") == NULL);
	ASSERT_INT_EQ(m.nfindings, 5);
	/* ordered fixed, unfixed, wont-fix, unknown */
	ASSERT_STR_EQ(m.findings[0].status, "fixed");
	ASSERT_STR_EQ(m.findings[m.nfindings - 1].status, "unknown");
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

DEFINE_TEST(test_match_not_assessed)
{
	static const struct bundle_affected bad[] = {
		{ NULL, "CVE-2000-0004", "deb", "debian:11", "txt2man", "source", "fixed",
		  "1:", "low", "low", "resolved", NULL, NULL },
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
