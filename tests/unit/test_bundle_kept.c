/*
 * test_bundle_kept.c - the scan's lookups made cheap (issue 6, bench/lookup.sh):
 * statements kept on the bundle between calls, the description-less package
 * query, and the matcher's one query per source package, on databases built
 * by the real Debian tracker parser from the real samples (plus rows of a
 * second source through the writer), with the real sample image's packages.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feedtest.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "test.h"

#define OSV	"debian-tracker/osv-dev-debian_security_tracker_mock.json"
#define VUNNEL	"debian-tracker/vunnel-debian.json"
#define SAMPLE_TSV "images/sample-bullseye.packages.tsv"
#define LINE_MAX_ 512

/*
 * k.db (replaced): both tracker samples as source "debian", then a source named second
 * (second, "aaa" or "zzz": before or after "debian" by name) with rows: for
 * line N of the sample image's package list, its source package gets
 * CVE-2999-N fixed after the source version, CVE-2998-N fixed at it and
 * CVE-2997-N unfixed with the advisory ADV-2997-N, described "desc N"; and
 * apparmor's CVE-2016-1585 in
 * debian:12 (debian has a row too) fixed in 3.0.8-4.
 */
static int
build_db(struct ctx *c, const char *second)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct bundle_affected a;
	char line[LINE_MAX_], id[32], adv[32], fixed[256], desc[64], *f[4], *p;
	int64_t n1 = 0, n2 = 0, n = 0;
	FILE *in = NULL;
	int i, k, r;

	if (unlink("k.db") != 0 && errno != ENOENT)
		return ctx_err(c, E_IO, "k.db: %s", strerror(errno));
	if ((r = bundle_writer_new(c, "k.db", &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "debian", "tracker", "1")) != 0 ||
	    (r = feed_debian.parse(c, test_data(VUNNEL), NULL, w, &n1)) != 0 ||
	    (r = feed_debian.parse(c, test_data(OSV), NULL, w, &n2)) != 0 ||
	    (r = bundle_writer_source_end(c, w, n1 + n2)) != 0 ||
	    (r = bundle_writer_source_begin(c, w, second, "test rows", "1")) != 0 ||
	    (r = bundle_writer_namespace(c, w, "debian:11")) != 0)
		goto out;
	memset(&a, 0, sizeof(a));
	a.ecosystem = "deb";
	a.namespace = "debian:12";
	a.package = "apparmor";
	a.name_kind = "source";
	a.vuln_id = "CVE-2016-1585";
	a.state = "fixed";
	a.fixed_version = "3.0.8-4";
	a.severity = "low";
	if ((r = bundle_writer_affected(c, w, &a)) != 0)
		goto out;
	n++;
	if ((in = fopen(test_data(SAMPLE_TSV), "r")) == NULL) {
		r = ctx_err(c, E_IO, "%s: cannot open", SAMPLE_TSV);
		goto out;
	}
	a.namespace = "debian:11";
	for (k = 0; fgets(line, sizeof(line), in) != NULL; k++) {
		line[strcspn(line, "\n")] = '\0';
		/* binary, source, version, source version */
		for (i = 0, p = line; i < 4; i++) {
			f[i] = p;
			if (p != NULL && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (f[3] == NULL || p != NULL) {
			r = ctx_err(c, E_FORMAT, "%s: line %d: not 4 columns", SAMPLE_TSV, k + 1);
			goto out;
		}
		/* rows for the source of every binary line: a source of several
		 * binaries gets several sets (their ids differ) */
		a.package = f[1];
		snprintf(desc, sizeof(desc), "desc %d", k);
		a.description = desc;
		snprintf(id, sizeof(id), "CVE-2999-%04d", k);
		a.vuln_id = id;
		a.state = "fixed";
		snprintf(fixed, sizeof(fixed), "%s+zz1", f[3]);
		a.fixed_version = fixed;
		a.severity = "unknown";
		r = bundle_writer_affected(c, w, &a);
		snprintf(id, sizeof(id), "CVE-2998-%04d", k);
		a.fixed_version = f[3];
		a.severity = "medium";
		if (r == 0)
			r = bundle_writer_affected(c, w, &a);
		snprintf(id, sizeof(id), "CVE-2997-%04d", k);
		snprintf(adv, sizeof(adv), "ADV-2997-%04d", k);
		a.state = "unfixed";
		a.fixed_version = NULL;
		a.severity = "high";
		a.advisory = adv;
		if (r == 0)
			r = bundle_writer_affected(c, w, &a);
		a.advisory = NULL;
		if (r != 0)
			goto out;
		n += 3;
	}
	if ((r = bundle_writer_source_end(c, w, n)) != 0)
		goto out;
	memset(&meta, 0, sizeof(meta));
	meta.format = 1;
	meta.serial = 1;
	meta.created = 1700000000;
	meta.expires = 1800000000;
	r = bundle_writer_finish(c, w, &meta);
out:
	if (in != NULL)
		fclose(in);
	bundle_writer_free(w);
	return r;
}

/* The statements prepared on db. */
static int
nstmts(sqlite3 *db, const char *containing)
{
	sqlite3_stmt *st = NULL;
	int n = 0;

	while ((st = sqlite3_next_stmt(db, st)) != NULL)
		if (containing == NULL || strstr(sqlite3_sql(st), containing) != NULL)
			n++;
	return n;
}

struct rows {
	struct bundle *b;
	struct sb s;
	int n;
	int fetch;		/* append the description bundle_vuln_description gives */
	int nested;		/* query the same package again, per row */
	int inner;		/* rows seen by the nested queries */
	int r;
};

static int
on_row(struct ctx *c, const struct bundle_affected *a, void *arg)
{
	struct rows *w = arg;
	struct rows in = { .b = w->b, .s = SB_INIT };
	char *d = NULL;
	int r;

	sb_addf(&w->s, "%s %s %s %s %s %s %s %s %s %s %s %s", a->source, a->vuln_id,
	    a->ecosystem, a->namespace, a->package, a->name_kind, a->state,
	    a->fixed_version ? a->fixed_version : "-", a->severity,
	    a->vendor_severity ? a->vendor_severity : "-", a->note ? a->note : "-",
	    a->advisory ? a->advisory : "-");
	if (w->fetch) {
		if (a->description != NULL)
			return ctx_err(c, E_INTERNAL, "a brief row with a description");
		if ((r = bundle_vuln_description(c, w->b, a->source, a->vuln_id, &d)) != 0)
			return r;
	}
	sb_addf(&w->s, " [%s]\n", w->fetch ? (d ? d : "NULL") :
	    a->description ? a->description : "NULL");
	free(d);
	w->n++;
	if (w->nested) {
		r = bundle_query_package_brief(c, w->b, a->ecosystem, a->namespace, a->package,
		    a->name_kind, on_row, &in);
		w->inner += in.n;
		sb_free(&in.s);
		return r;
	}
	return 0;
}

DEFINE_TEST(test_bundle_kept_brief_rows)
{
	static const char *const seconds[] = { "aaa", "zzz" };
	struct bundle b;
	struct ctx c;
	char *list, *line, *save = NULL, *kind, *pkg;
	size_t i;
	int keep, total;

	ctx_init(&c);
	for (i = 0; i < 2; i++) {
		ASSERT_OK(&c, build_db(&c, seconds[i]));
		memset(&b, 0, sizeof(b));
		ASSERT((b.db = feedtest_open("k.db")) != NULL);
		for (keep = 0; keep < 2; keep++) {
			if (keep)
				bundle_statements_keep(&b);
			list = feedtest_q(b.db, "SELECT DISTINCT namespace || '|' || package || '|' || "
			    "name_kind FROM affected ORDER BY 1");
			total = 0;
			for (line = strtok_r(list, "\n", &save); line != NULL;
			    line = strtok_r(NULL, "\n", &save)) {
				struct rows full = { .b = &b, .s = SB_INIT };
				struct rows brief = { .b = &b, .s = SB_INIT, .fetch = 1 };
				int r1, r2;

				pkg = strchr(line, '|');
				kind = pkg ? strchr(pkg + 1, '|') : NULL;
				if (kind == NULL)
					break;
				*pkg++ = '\0';
				*kind++ = '\0';
				r1 = bundle_query_package(&c, &b, "deb", line, pkg, kind, on_row, &full);
				r2 = bundle_query_package_brief(&c, &b, "deb", line, pkg, kind, on_row,
				    &brief);
				if (r1 != 0 || r2 != 0 || strcmp(sb_str(&full.s), sb_str(&brief.s)) != 0 ||
				    full.n == 0)
					test_fail(t, __FILE__, __LINE__, "%s %s %s (keep %d): %d %d\n"
					    "full:\n%s\nbrief:\n%s", line, pkg, kind, keep, r1, r2,
					    sb_str(&full.s), sb_str(&brief.s));
				total += full.n;
				sb_free(&full.s);
				sb_free(&brief.s);
			}
			free(list);
			/* every row of the database was compared */
			list = feedtest_q(b.db, "SELECT count(*) FROM affected");
			ASSERT_INT_EQ(total, atoi(list));
			free(list);
		}
		/* vuln_id order, then the source name: whether sources are numbered in
		 * name order (zzz) or not (aaa) */
		{
			struct rows w = { .b = &b, .s = SB_INIT };
			const char *s;

			ASSERT_OK(&c, bundle_query_package_brief(&c, &b, "deb", "debian:12",
			    "apparmor", "source", on_row, &w));
			s = strstr(sb_str(&w.s), "CVE-2016-1585");
			ASSERT(s != NULL);
			ASSERT(strncmp(s - 4, i == 0 ? "aaa " : "ian ", 4) == 0);
			ASSERT(strstr(s + 1, "CVE-2016-1585") != NULL);
			sb_free(&w.s);
		}
		bundle_statements_release(&b);
		ASSERT_INT_EQ(sqlite3_close(b.db), SQLITE_OK);
	}
}

DEFINE_TEST(test_bundle_kept_statements)
{
	struct rows w;
	struct bundle b;
	struct ctx c;
	const char *sev, *ver;
	double score;
	int cov, kept, rows;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "aaa"));
	memset(&b, 0, sizeof(b));
	ASSERT((b.db = feedtest_open("k.db")) != NULL);

	/* not keeping: nothing stays prepared */
	memset(&w, 0, sizeof(w));
	w.b = &b;
	ASSERT_OK(&c, bundle_query_package_brief(&c, &b, "deb", "debian:11", "apparmor",
	    "source", on_row, &w));
	rows = w.n;
	ASSERT(rows > 3);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:11", &cov));
	ASSERT_INT_EQ(cov, BUNDLE_NS_COMPLETE);
	ASSERT_OK(&c, bundle_vuln_severity(&c, &b, "CVE-2016-1585", &sev, &ver, &score));
	ASSERT(sev == NULL);
	ASSERT_INT_EQ(nstmts(b.db, NULL), 0);

	/* keeping: the statements stay, and the next calls reuse them */
	bundle_statements_keep(&b);
	sb_free(&w.s);
	memset(&w, 0, sizeof(w));
	w.b = &b;
	ASSERT_OK(&c, bundle_query_package_brief(&c, &b, "deb", "debian:11", "apparmor",
	    "source", on_row, &w));
	ASSERT_INT_EQ(w.n, rows);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:11", &cov));
	ASSERT_OK(&c, bundle_vuln_severity(&c, &b, "CVE-2016-1585", &sev, &ver, &score));
	ASSERT(sev == NULL);
	kept = nstmts(b.db, NULL);
	ASSERT(kept >= 3);
	/* the cvss table is empty (no NVD source): the severity query is never
	 * prepared */
	ASSERT_INT_EQ(nstmts(b.db, "FROM cvss WHERE vuln_id"), 0);
	ASSERT_OK(&c, bundle_has_namespace(&c, &b, "debian:11", &cov));
	ASSERT_OK(&c, bundle_query_package_brief(&c, &b, "deb", "debian:11", "apparmor",
	    "source", on_row, &w));
	ASSERT_INT_EQ(nstmts(b.db, NULL), kept);
	ASSERT_INT_EQ(w.n, 2 * rows);

	/* the same query from its own callback: a statement of its own, finalized */
	sb_free(&w.s);
	memset(&w, 0, sizeof(w));
	w.b = &b;
	w.nested = 1;
	ASSERT_OK(&c, bundle_query_package_brief(&c, &b, "deb", "debian:11", "apparmor",
	    "source", on_row, &w));
	ASSERT_INT_EQ(w.n, rows);
	ASSERT_INT_EQ(w.inner, rows * rows);
	ASSERT_INT_EQ(nstmts(b.db, NULL), kept);
	sb_free(&w.s);

	/* release finalizes them all: the connection closes */
	bundle_statements_release(&b);
	ASSERT_INT_EQ(nstmts(b.db, NULL), 0);
	ASSERT_INT_EQ(sqlite3_close(b.db), SQLITE_OK);
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* text's lines ("\n"-terminated), sorted: a new string. */
static char *
sorted_lines(const char *text)
{
	struct sb s = SB_INIT;
	char **v = NULL, *out;
	const char *p, *q;
	size_t i, n = 0;

	for (p = text; (q = strchr(p, '\n')) != NULL; p = q + 1) {
		v = xreallocarray(v, n + 1, sizeof(*v));
		v[n] = xmalloc((size_t)(q - p) + 2);
		memcpy(v[n], p, (size_t)(q - p) + 1);
		v[n++][q - p + 1] = '\0';
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_strp);
	for (i = 0; i < n; i++) {
		sb_adds(&s, v[i]);
		free(v[i]);
	}
	free(v);
	out = xstrdup(sb_str(&s));
	sb_free(&s);
	return out;
}

/* The findings of m, a line each (every field), sorted. */
static char *
findings_str(const struct match_result *m)
{
	struct sb s = SB_INIT;
	char *out;
	size_t i;

	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		sb_addf(&s, "%s %s %s %s %s %s %s %s %s %s | %s | %s %s %s [%s]\n", f->vuln_id,
		    f->package, f->installed_version, f->source_package, f->source_version,
		    f->status, f->fixed_version ? f->fixed_version : "-", f->severity,
		    f->severity_source, f->record, f->comparison, f->source, f->namespace,
		    f->note ? f->note : "-", f->description ? f->description : "NULL");
	}
	out = sorted_lines(sb_str(&s));
	sb_free(&s);
	return out;
}

/* The sample image's packages (binary, source, version, source version). */
static int
load_sample(struct ctx *c, struct pkglist *l)
{
	char line[LINE_MAX_], *f[4], *p;
	FILE *in;
	int i;

	if ((in = fopen(test_data(SAMPLE_TSV), "r")) == NULL)
		return ctx_err(c, E_IO, "%s: cannot open", SAMPLE_TSV);
	while (fgets(line, sizeof(line), in) != NULL) {
		struct pkg pk;

		line[strcspn(line, "\n")] = '\0';
		for (i = 0, p = line; i < 4; i++) {
			f[i] = p;
			if (p != NULL && (p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (f[3] == NULL) {
			fclose(in);
			return ctx_err(c, E_FORMAT, "%s: not 4 columns", SAMPLE_TSV);
		}
		memset(&pk, 0, sizeof(pk));
		pk.name = f[0];
		pk.source_name = f[1];
		pk.version = f[2];
		pk.source_version = f[3];
		pk.arch = (char *)"amd64";
		pk.ecosystem = "deb";
		pk.layer = 1;
		pkglist_add(l, &pk);
	}
	fclose(in);
	return 0;
}

/*
 * One query per source package, its rows handed to each binary: the same
 * findings as matching every package alone (where nothing can be shared),
 * descriptions included.
 */
DEFINE_TEST(test_bundle_kept_match_grouped)
{
	struct osinfo os = { .id = (char *)"debian", .version_id = (char *)"11",
	    .codename = (char *)"bullseye" };
	struct pkglist l = { NULL, 0, 0 }, one;
	struct match_result m, m1;
	struct sb alone = SB_INIT;
	struct bundle b;
	struct ctx c;
	char *got, *part, *want_desc;
	size_t i, shared = 0, extra = 0;

	ctx_init(&c);
	ASSERT_OK(&c, build_db(&c, "aaa"));
	memset(&b, 0, sizeof(b));
	ASSERT((b.db = feedtest_open("k.db")) != NULL);
	ASSERT_OK(&c, load_sample(&c, &l));
	ASSERT_INT_EQ(l.n, 136);
	for (i = 1; i < l.n; i++)	/* binaries whose source another one has */
		if (strcmp(l.v[i].source_name, l.v[i].name) != 0)
			shared++;
	ASSERT(shared > 10);

	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nnot_assessed, 0);
	got = findings_str(&m);
	for (i = 0; i < m.nfindings; i++) {
		const struct finding *f = &m.findings[i];

		if (strcmp(f->source, "aaa") != 0)
			continue;
		extra++;
		ASSERT(f->description != NULL && strncmp(f->description, "desc ", 5) == 0);
		/* the line number of the description is the id's */
		ASSERT_INT_EQ(atoi(f->description + 5), atoi(f->vuln_id + 9));
		ASSERT(strncmp(f->vuln_id, "CVE-2998-", 9) != 0);	/* fixed at the version */
		/* the record: the row's advisory (kept with the shared row), else the id */
		if (strncmp(f->vuln_id, "CVE-2997-", 9) == 0)
			ASSERT(strncmp(f->record, "ADV-2997-", 9) == 0 &&
			    strcmp(f->record + 9, f->vuln_id + 9) == 0);
		else
			ASSERT_STR_EQ(f->record, f->vuln_id);
	}
	/* every binary has its source's CVE-2999 and CVE-2997 of each of the lines
	 * of that source: at least two each */
	ASSERT(extra >= 2 * l.n);
	/* a finding of the debian source carries the description the vuln table has */
	want_desc = feedtest_q(b.db, "SELECT v.description FROM vuln AS v JOIN source AS s "
	    "ON s.id = v.source_id WHERE s.name = 'debian' AND v.vuln_id = 'CVE-2016-1585'");
	for (i = 0; i < m.nfindings; i++)
		if (strcmp(m.findings[i].vuln_id, "CVE-2016-1585") == 0 &&
		    strcmp(m.findings[i].package, "apparmor") == 0)
			break;
	ASSERT(i < m.nfindings);
	ASSERT(m.findings[i].description != NULL);
	ASSERT_STR_EQ(m.findings[i].description, want_desc);
	free(want_desc);

	for (i = 0; i < l.n; i++) {
		one.v = &l.v[i];
		one.n = 1;
		one.cap = 1;
		ASSERT_OK(&c, match_run(&c, &b, &os, &one, &m1));
		part = findings_str(&m1);
		sb_adds(&alone, part);
		free(part);
		match_result_free(&m1);
	}
	/* the union of the packages alone, sorted, against the whole, sorted */
	part = sorted_lines(sb_str(&alone));
	ASSERT_STR_EQ(part, got);
	free(part);
	free(got);
	sb_free(&alone);
	match_result_free(&m);
	pkglist_free(&l);
	ASSERT_INT_EQ(sqlite3_close(b.db), SQLITE_OK);
}
