/*
 * test_bundle_profile.c - lookup timing (bundle_profile_enable, bundle_profile)
 * on a database built by the real Debian tracker parser from the real samples:
 * every statement run is counted once it ends, also when a walk stops early,
 * and runs nested in a row callback count once in the time (a union of
 * intervals, never more than the wall time around them).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "feeds/feed.h"
#include "feedtest.h"
#include "test.h"

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* p.db from both tracker samples, opened read-only as b->db. */
static int
open_db(struct ctx *c, struct bundle *b)
{
	static const char *const files[] = {
		"debian-tracker/vunnel-debian.json",
		"debian-tracker/osv-dev-debian_security_tracker_mock.json",
	};
	int r;

	memset(b, 0, sizeof(*b));
	if ((r = feedtest_build_files(c, "p.db", &feed_debian, files, 2, 1, NULL, NULL)) != 0)
		return r;
	if (sqlite3_open_v2("p.db", &b->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return ctx_err(c, E_IO, "p.db: %s", sqlite3_errmsg(b->db));
	return 0;
}

struct walk {
	struct bundle *b;
	int rows;
	int stop_at;	/* the callback returns 1 at this row (1-based); 0: never */
	int nested;	/* the callback walks apparmor's debian:12 rows for each row */
	uint64_t spin_ns; /* the callback spends this long before it returns */
};

static int
on_row(struct ctx *c, const struct bundle_affected *row, void *arg)
{
	struct walk *w = arg;
	struct walk inner = { .b = w->b, .spin_ns = w->spin_ns };
	uint64_t t0 = mono_ns();
	int r;

	(void)row;
	w->rows++;
	if (w->nested && (r = bundle_query_package(c, w->b, "deb", "debian:12", "apparmor",
	    "source", on_row, &inner)) != 0)
		return r;
	while (!w->nested && mono_ns() - t0 < w->spin_ns)
		;
	return w->stop_at != 0 && w->rows == w->stop_at ? 1 : 0;
}

DEFINE_TEST(test_bundle_profile_counts)
{
	struct walk w = { .b = NULL };
	struct bundle b;
	uint64_t ns, n, ns0;
	struct ctx c;
	int cov;

	ctx_init(&c);
	ASSERT_OK(&c, open_db(&c, &b));
	w.b = &b;
	/* off until enabled: a query leaves nothing */
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:11", "apparmor", "source",
	    on_row, &w));
	ASSERT_INT_EQ(w.rows, 3);
	bundle_profile(&b, &ns, &n);
	ASSERT_INT_EQ(ns, 0);
	ASSERT_INT_EQ(n, 0);

	ASSERT_OK(&c, bundle_profile_enable(&c, &b));
	w.rows = 0;
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:11", "apparmor", "source",
	    on_row, &w));
	ASSERT_INT_EQ(w.rows, 3);
	bundle_profile(&b, &ns, &n);
	ASSERT_INT_EQ(n, 1);
	ASSERT(ns > 0);
	ns0 = ns;
	/* no rows: still a run */
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:11", "no-such-package",
	    "source", on_row, &w));
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:11", &cov));
	ASSERT_INT_EQ(cov, BUNDLE_NS_COMPLETE);
	bundle_profile(&b, &ns, &n);
	ASSERT_INT_EQ(n, 3);
	ASSERT(ns > ns0);

	/* a walk the callback stops at its first row: counted when finalized */
	w.rows = 0;
	w.stop_at = 1;
	ASSERT_INT_EQ(bundle_query_package(&c, &b, "deb", "debian:11", "apparmor", "source",
	    on_row, &w), 1);
	ASSERT_INT_EQ(w.rows, 1);
	bundle_profile(&b, &ns, &n);
	ASSERT_INT_EQ(n, 4);
	sqlite3_close(b.db);
}

DEFINE_TEST(test_bundle_profile_nested)
{
	struct walk w = { .nested = 1, .spin_ns = 1000000 };
	struct bundle b;
	uint64_t ns0, n0, ns, n, t0, t1;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, open_db(&c, &b));
	w.b = &b;
	ASSERT_OK(&c, bundle_profile_enable(&c, &b));
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:11", &(int){ 0 }));
	bundle_profile(&b, &ns0, &n0);
	ASSERT_INT_EQ(n0, 1);
	/*
	 * Each of apparmor's three debian:11 rows walks its three debian:12 rows
	 * inside the walk, 1 ms a row: four runs, nine of the milliseconds in
	 * nested runs. Counted once they are never more than the wall time around
	 * the walk; counted twice they would be more.
	 */
	t0 = mono_ns();
	ASSERT_OK(&c, bundle_query_package(&c, &b, "deb", "debian:11", "apparmor", "source",
	    on_row, &w));
	t1 = mono_ns();
	ASSERT_INT_EQ(w.rows, 3);
	bundle_profile(&b, &ns, &n);
	ASSERT_INT_EQ(n - n0, 4);
	ASSERT(ns > ns0);
	ASSERT(ns - ns0 >= 9000000);
	ASSERT(ns - ns0 <= t1 - t0);
	sqlite3_close(b.db);
}
