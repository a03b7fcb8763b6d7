/*
 * query.c - reading the normalized model of an open bundle (both binaries).
 *
 * The database was verified before it was opened, but rows are still checked
 * before they reach a callback: a required column that is NULL, a state or
 * severity outside format 1's vocabulary, or an empty advisory id, is E_FORMAT
 * rather than a surprise in the matcher. Strings handed to callbacks point into
 * SQLite's row buffers and are valid for the duration of the callback only.
 *
 * Statements: every function takes its statement from q_stmt() and hands it
 * back to q_done() on every path. While the bundle keeps statements
 * (bundle_statements_keep), q_done() leaves it reset in b->kept[] for the next
 * call, and the schema facts (cvss rows, source numbering) are looked up once;
 * otherwise it is finalized. b->kept[] belongs to the bundle:
 * bundle_statements_release() and bundle_close() finalize it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

/* The affected rows of a package with their description (bundle_query_package). */
static const char package_sql[] =
"SELECT s.name, a.vuln_id, a.ecosystem, a.namespace, a.package, a.name_kind,\n"
"       a.state, a.fixed_version, a.severity, a.vendor_severity, a.vendor_status,\n"
"       a.note, a.advisory, v.description, a.id\n"
"  FROM affected AS a\n"
"  JOIN source AS s ON s.id = a.source_id\n"
"  LEFT JOIN vuln AS v ON v.source_id = a.source_id AND v.vuln_id = a.vuln_id\n"
" WHERE a.ecosystem = ?1 AND a.namespace = ?2 AND a.package = ?3 AND a.name_kind = ?4\n"
" ORDER BY a.vuln_id, s.name, a.id";

/*
 * The same rows without the description (bundle_query_package_brief): no vuln
 * lookup per row, and ordered as the affected_package index (ecosystem,
 * namespace, package, name_kind, vuln_id, source_id, then the rowid) is, so
 * without a sort. That is the order above when the source ids ascend as their
 * names do (airlock-feed numbers sources in build order, and a bundle of one
 * source always does); package_brief_byname_sql serves the other bundles.
 */
static const char package_brief_sql[] =
"SELECT s.name, a.vuln_id, a.ecosystem, a.namespace, a.package, a.name_kind,\n"
"       a.state, a.fixed_version, a.severity, a.vendor_severity, a.vendor_status,\n"
"       a.note, a.advisory, NULL, a.id\n"
"  FROM affected AS a\n"
"  JOIN source AS s ON s.id = a.source_id\n"
" WHERE a.ecosystem = ?1 AND a.namespace = ?2 AND a.package = ?3 AND a.name_kind = ?4\n"
" ORDER BY a.vuln_id, a.source_id, a.id";

static const char package_brief_byname_sql[] =
"SELECT s.name, a.vuln_id, a.ecosystem, a.namespace, a.package, a.name_kind,\n"
"       a.state, a.fixed_version, a.severity, a.vendor_severity, a.vendor_status,\n"
"       a.note, a.advisory, NULL, a.id\n"
"  FROM affected AS a\n"
"  JOIN source AS s ON s.id = a.source_id\n"
" WHERE a.ecosystem = ?1 AND a.namespace = ?2 AND a.package = ?3 AND a.name_kind = ?4\n"
" ORDER BY a.vuln_id, s.name, a.id";

/* 1 when no source has a higher id than one whose name sorts after its own. */
static const char source_order_sql[] =
"SELECT NOT EXISTS (SELECT 1 FROM source AS x JOIN source AS y\n"
"                    ON y.id > x.id AND y.name < x.name)";

/* The vuln row that package_sql's LEFT JOIN finds. */
static const char description_sql[] =
"SELECT v.description FROM vuln AS v JOIN source AS s ON s.id = v.source_id\n"
" WHERE s.name = ?1 AND v.vuln_id = ?2";

static const char namespace_sql[] =
"SELECT coalesce(max(CASE coverage WHEN 'complete' THEN 2 ELSE 1 END), 0)\n"
"  FROM namespace WHERE name = ?1";

static const char sources_sql[] =
"SELECT name, format, parser_version, records FROM source ORDER BY id";

static const char inputs_sql[] =
"SELECT s.name, i.path, i.sha256, i.bytes, i.upstream_time, i.id\n"
"  FROM source_input AS i\n"
"  JOIN source AS s ON s.id = i.source_id\n"
" ORDER BY s.id, i.id";

static const char has_cvss_sql[] =
"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'cvss'";

/* Prepared only when the table exists (a bundle older than it has none). */
static const char cvss_rows_sql[] =
"SELECT EXISTS (SELECT 1 FROM cvss)";

/* The preference order of bundle_vuln_severity, in SQL (documented in bundle.h). */
static const char severity_sql[] =
"SELECT version, base_severity, base_score FROM cvss WHERE vuln_id = ?1\n"
" ORDER BY CASE type WHEN 'Primary' THEN 0 ELSE 1 END,\n"
"          CASE version WHEN '3.1' THEN 0 WHEN '3.0' THEN 1 WHEN '4.0' THEN 2\n"
"                       ELSE 3 END,\n"
"          id\n"
" LIMIT 1";


static int
q_err(struct ctx *c, struct bundle *b, const char *what)
{
	int code = sqlite3_errcode(b->db) == SQLITE_NOMEM ? E_NOMEM : E_FORMAT;

	return ctx_err(c, code, "bundle: %s: %s", what, sqlite3_errmsg(b->db));
}

/* Statements used once per call (bundle_sources, bundle_source_inputs): never kept. */
static int
q_prepare(struct ctx *c, struct bundle *b, const char *sql, const char *what,
    sqlite3_stmt **st)
{
	*st = NULL;
	if (b == NULL || b->db == NULL)
		return ctx_err(c, E_INTERNAL, "%s: bundle not open", what);
	if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK)
		return q_err(c, b, what);
	return 0;
}

/* SQL of the statements q_stmt() hands out (bundle_private.h: enum bundle_q). */
static const char *
q_sql(enum bundle_q q);

/*
 * Statement q, idle with no bindings: the kept one when there is one not in
 * use, else a new one. Whatever it returns goes back through q_done().
 */
static int
q_stmt(struct ctx *c, struct bundle *b, enum bundle_q q, const char *what,
    sqlite3_stmt **out)
{
	*out = NULL;
	if (b == NULL || b->db == NULL)
		return ctx_err(c, E_INTERNAL, "%s: bundle not open", what);
	if (b->kept[q] != NULL && !sqlite3_stmt_busy(b->kept[q])) {
		*out = b->kept[q];
		return 0;
	}
	if (sqlite3_prepare_v3(b->db, q_sql(q), -1, b->keep ? SQLITE_PREPARE_PERSISTENT : 0,
	    out, NULL) != SQLITE_OK) {
		*out = NULL;
		return q_err(c, b, what);
	}
	return 0;
}

/* Ends a run of st (from q_stmt): kept for the next call, or finalized. */
static void
q_done(struct bundle *b, enum bundle_q q, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	if (b->keep && (b->kept[q] == NULL || b->kept[q] == st)) {
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		b->kept[q] = st;
		return;
	}
	sqlite3_finalize(st);
}

void
bundle_statements_keep(struct bundle *b)
{
	if (b != NULL)
		b->keep = 1;
}

void
bundle_statements_release(struct bundle *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < BQ_COUNT; i++) {
		sqlite3_finalize(b->kept[i]);	/* NULL is a no-op */
		b->kept[i] = NULL;
	}
	b->keep = 0;
	b->facts = 0;
}

void
bundle_oval_release(struct bundle *b)
{
	bundle_statements_release(b);
}

/* A one-row, one-integer query of the schema (q_stmt's q): its value in *v. */
static int
q_int(struct ctx *c, struct bundle *b, enum bundle_q q, const char *what, int *v)
{
	sqlite3_stmt *st = NULL;
	int r;

	*v = 0;
	if ((r = q_stmt(c, b, q, what, &st)) != 0)
		return r;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = q_err(c, b, what);
	else
		*v = sqlite3_column_int(st, 0);
	q_done(b, q, st);
	return r;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The column of the row id in the affected statements above. */
#define Q_AFFECTED_ID	14

/* The rows of statement q (BQ_PACKAGE or a brief one) for the package. */
static int
query_package(struct ctx *c, struct bundle *b, enum bundle_q q, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_affected_fn fn, void *arg)
{
	static const char *const required[] = {
		"source", "vuln_id", "ecosystem", "namespace", "package", "name_kind",
		"state", NULL, "severity"
	};
	struct bundle_affected a;
	sqlite3_stmt *st = NULL;
	int i, rc, r = E_INTERNAL;

	if (ecosystem == NULL || namespace == NULL || package == NULL || name_kind == NULL ||
	    fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_query_package: null argument");
	if ((r = q_stmt(c, b, q, "affected", &st)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name_kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < (int)(sizeof(required) / sizeof(required[0])); i++) {
			if (required[i] != NULL && col(st, i) == NULL) {
				r = ctx_err(c, E_FORMAT, "bundle: affected row %lld: no %s",
				    (long long)sqlite3_column_int64(st, Q_AFFECTED_ID),
				    required[i]);
				goto out;
			}
		}
		memset(&a, 0, sizeof(a));
		a.source = col(st, 0);
		a.vuln_id = col(st, 1);
		a.ecosystem = col(st, 2);
		a.namespace = col(st, 3);
		a.package = col(st, 4);
		a.name_kind = col(st, 5);
		a.state = col(st, 6);
		a.fixed_version = col(st, 7);
		a.severity = col(st, 8);
		a.vendor_severity = col(st, 9);
		a.vendor_status = col(st, 10);
		a.note = col(st, 11);
		a.advisory = col(st, 12);
		a.description = col(st, 13);
		if (!bundle_in_list(a.state, bundle_states) ||
		    !bundle_in_list(a.severity, bundle_severities) ||
		    (strcmp(a.state, "fixed") == 0 && a.fixed_version == NULL)) {
			r = ctx_err(c, E_FORMAT, "bundle: affected row %lld: bad state or "
			    "severity", (long long)sqlite3_column_int64(st, Q_AFFECTED_ID));
			goto out;
		}
		if (a.advisory != NULL && *a.advisory == '\0') {
			r = ctx_err(c, E_FORMAT, "bundle: affected row %lld: empty advisory",
			    (long long)sqlite3_column_int64(st, Q_AFFECTED_ID));
			goto out;
		}
		if ((r = fn(c, &a, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = q_err(c, b, "affected");
		goto out;
	}
	r = 0;
 out:
	q_done(b, q, st);
	return r;
}

int
bundle_query_package(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_affected_fn fn, void *arg)
{
	return query_package(c, b, BQ_PACKAGE, ecosystem, namespace, package, name_kind, fn,
	    arg);
}

int
bundle_query_package_brief(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_affected_fn fn, void *arg)
{
	int r;

	if (b != NULL && !(b->facts & BUNDLE_FACT_SOURCE_ORDER)) {
		if ((r = q_int(c, b, BQ_SOURCE_ORDER, "source", &b->sources_in_name_order)) != 0)
			return r;
		if (b->keep)
			b->facts |= BUNDLE_FACT_SOURCE_ORDER;
	}
	return query_package(c, b, b != NULL && b->sources_in_name_order ? BQ_PACKAGE_BRIEF :
	    BQ_PACKAGE_BRIEF_BYNAME, ecosystem, namespace, package, name_kind, fn, arg);
}

int
bundle_vuln_description(struct ctx *c, struct bundle *b, const char *source,
    const char *vuln_id, char **out)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	*out = NULL;
	if (source == NULL || vuln_id == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_vuln_description: null argument");
	if ((r = q_stmt(c, b, BQ_DESCRIPTION, "vuln", &st)) != 0)
		return r;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, vuln_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (col(st, 0) != NULL)
			*out = xstrdup(col(st, 0));
	} else if (rc != SQLITE_DONE)
		r = q_err(c, b, "vuln");
	q_done(b, BQ_DESCRIPTION, st);
	return r;
}

int
bundle_has_namespace(struct ctx *c, struct bundle *b, const char *namespace, int *yes)
{
	sqlite3_stmt *st = NULL;
	int r = E_INTERNAL;

	*yes = 0;
	if (namespace == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_has_namespace: null namespace");
	if ((r = q_stmt(c, b, BQ_NAMESPACE, "namespace", &st)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, namespace, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = q_err(c, b, "namespace");
		goto out;
	}
	switch (sqlite3_column_int(st, 0)) {
	case 2: *yes = BUNDLE_NS_COMPLETE; break;
	case 1: *yes = BUNDLE_NS_FIXES_ONLY; break;
	default: *yes = BUNDLE_NS_NONE; break;
	}
	r = 0;
 out:
	q_done(b, BQ_NAMESPACE, st);
	return r;
}

int
bundle_sources(struct ctx *c, struct bundle *b, bundle_source_fn fn, void *arg)
{
	struct bundle_source_info s;
	sqlite3_stmt *st = NULL;
	int rc, r = E_INTERNAL;

	if (fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_sources: null callback");
	if ((r = q_prepare(c, b, sources_sql, "source", &st)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s.name = col(st, 0);
		s.format = col(st, 1);
		s.parser_version = col(st, 2);
		if (s.name == NULL || s.format == NULL || s.parser_version == NULL ||
		    sqlite3_column_type(st, 3) != SQLITE_INTEGER) {
			r = ctx_err(c, E_FORMAT, "bundle: incomplete source row");
			goto out;
		}
		s.records = sqlite3_column_int64(st, 3);
		if ((r = fn(c, &s, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = q_err(c, b, "source");
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

static int
is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

int
bundle_source_inputs(struct ctx *c, struct bundle *b, bundle_input_fn fn, void *arg)
{
	struct bundle_source_input in;
	sqlite3_stmt *st = NULL;
	int rc, r = E_INTERNAL;

	if (fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_source_inputs: null callback");
	if ((r = q_prepare(c, b, inputs_sql, "source_input", &st)) != 0)
		goto out;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&in, 0, sizeof(in));
		in.source = col(st, 0);
		in.path = col(st, 1);
		in.sha256 = col(st, 2);
		in.upstream_time = col(st, 4);
		if (in.source == NULL || in.path == NULL || in.sha256 == NULL ||
		    !is_sha256_hex(in.sha256) || sqlite3_column_type(st, 3) != SQLITE_INTEGER ||
		    (in.bytes = sqlite3_column_int64(st, 3)) < 0) {
			r = ctx_err(c, E_FORMAT, "bundle: source_input row %lld: missing or "
			    "malformed column", (long long)sqlite3_column_int64(st, 5));
			goto out;
		}
		if ((r = fn(c, &in, arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE) {
		r = q_err(c, b, "source_input");
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

/* The one NVD severity table (doc/airlock-json.7): CVSS base severity -> ours. */
static const struct {
	const char *cvss;
	const char *severity;
} cvss_severity_map[] = {
	{ "CRITICAL", "critical" },
	{ "HIGH", "high" },
	{ "MEDIUM", "medium" },
	{ "LOW", "low" },
	{ "NONE", "negligible" },
};


/* *yes: the cvss table exists and has a row (an older bundle has no table; one
 * built without NVD has an empty one: either way there is nothing to look up). */
static int
cvss_rows(struct ctx *c, struct bundle *b, int *yes)
{
	int r;

	if (b != NULL && (b->facts & BUNDLE_FACT_CVSS)) {
		*yes = b->cvss_rows;
		return 0;
	}
	if ((r = q_int(c, b, BQ_HAS_CVSS, "cvss", yes)) != 0)
		return r;
	if (*yes && (r = q_int(c, b, BQ_CVSS_ROWS, "cvss", yes)) != 0)
		return r;
	if (b->keep) {
		b->cvss_rows = *yes;
		b->facts |= BUNDLE_FACT_CVSS;
	}
	return 0;
}

int
bundle_vuln_severity(struct ctx *c, struct bundle *b, const char *vuln_id,
    const char **severity, const char **version, double *score)
{
	sqlite3_stmt *st = NULL;
	const char *v, *bs;
	size_t i;
	int rc, rows, r = E_INTERNAL;

	*severity = NULL;
	*version = NULL;
	*score = -1;
	if (vuln_id == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_vuln_severity: null vuln_id");
	if ((r = cvss_rows(c, b, &rows)) != 0 || !rows)
		return r;		/* no enrichment to offer */
	if ((r = q_stmt(c, b, BQ_SEVERITY, "cvss", &st)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, vuln_id, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		r = 0;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = q_err(c, b, "cvss");
		goto out;
	}
	v = col(st, 0);
	bs = col(st, 1);
	for (i = 0; v != NULL && bundle_cvss_versions[i] != NULL; i++)
		if (strcmp(v, bundle_cvss_versions[i]) == 0)
			*version = bundle_cvss_versions[i];
	for (i = 0; bs != NULL && i < sizeof(cvss_severity_map) /
	    sizeof(cvss_severity_map[0]); i++)
		if (strcmp(bs, cvss_severity_map[i].cvss) == 0)
			*severity = cvss_severity_map[i].severity;
	if (*version == NULL || *severity == NULL ||
	    sqlite3_column_type(st, 2) == SQLITE_NULL) {
		*version = NULL;
		*severity = NULL;
		r = ctx_err(c, E_FORMAT, "bundle: cvss row for %s: bad version or severity",
		    vuln_id);
		goto out;
	}
	*score = sqlite3_column_double(st, 2);
	r = 0;
 out:
	q_done(b, BQ_SEVERITY, st);
	return r;
}

/* ---- OVAL ------------------------------------------------------------------ */

#define OVAL_NAMES_MAX	65536	/* names of one test handed to a callback */

static const char oval_present_sql[] =
"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN\n"
"  ('oval_test', 'oval_test_name', 'oval_def', 'oval_def_vuln', 'oval_index')";

static const char oval_candidates_sql[] =
"SELECT DISTINCT def FROM oval_index\n"
" WHERE ecosystem = ?1 AND namespace = ?2 AND package = ?3 AND name_kind = ?4\n"
" ORDER BY def";

static const char oval_def_sql[] =
"SELECT d.id, s.name, d.namespace, d.ecosystem, d.name_kind, d.def_id, d.class,\n"
"       d.title, d.advisory, d.state, d.severity, d.vendor_severity,\n"
"       d.vendor_status, d.note, d.criteria\n"
"  FROM oval_def AS d JOIN source AS s ON s.id = d.source_id\n"
" WHERE d.id = ?1";

static const char oval_vulns_sql[] =
"SELECT v.vuln_id, x.description\n"
"  FROM oval_def_vuln AS v\n"
"  JOIN oval_def AS d ON d.id = v.def\n"
"  LEFT JOIN vuln AS x ON x.source_id = d.source_id AND x.vuln_id = v.vuln_id\n"
" WHERE v.def = ?1\n"
" ORDER BY v.id";

/* The test and its names: a row per name, in insertion order. */
#define OVAL_TEST_COLS	19	/* the columns before the name */
static const char oval_test_sql[] =
"SELECT t.id, t.kind, t.comment, t.check_, t.existence, t.name_pattern, t.evr_op, t.evr,\n"
"       t.version_op, t.version, t.arch_op, t.arch, t.sigkey, t.module, t.flavour, t.why,\n"
"       t.state, t.vendor_status, t.note, n.name\n"
"  FROM oval_test AS t LEFT JOIN oval_test_name AS n ON n.test = t.id\n"
" WHERE t.id = ?1\n"
" ORDER BY n.id";

static const char *
q_sql(enum bundle_q q)
{
	static const char *const sql[BQ_COUNT] = {
		[BQ_PACKAGE] = package_sql,
		[BQ_PACKAGE_BRIEF] = package_brief_sql,
		[BQ_PACKAGE_BRIEF_BYNAME] = package_brief_byname_sql,
		[BQ_DESCRIPTION] = description_sql,
		[BQ_NAMESPACE] = namespace_sql,
		[BQ_SOURCE_ORDER] = source_order_sql,
		[BQ_HAS_CVSS] = has_cvss_sql,
		[BQ_CVSS_ROWS] = cvss_rows_sql,
		[BQ_SEVERITY] = severity_sql,
		[BQ_OVAL_PRESENT] = oval_present_sql,
		[BQ_OVAL_CANDIDATES] = oval_candidates_sql,
		[BQ_OVAL_DEF] = oval_def_sql,
		[BQ_OVAL_VULNS] = oval_vulns_sql,
		[BQ_OVAL_TEST] = oval_test_sql,
	};

	return sql[q];
}


int
bundle_oval_present(struct ctx *c, struct bundle *b, int *yes)
{
	sqlite3_stmt *st = NULL;
	int r;

	*yes = 0;
	if ((r = q_stmt(c, b, BQ_OVAL_PRESENT, "oval tables", &st)) != 0)
		return r;
	if (sqlite3_step(st) != SQLITE_ROW)
		r = q_err(c, b, "oval tables");
	else
		*yes = sqlite3_column_int(st, 0) == 5;
	q_done(b, BQ_OVAL_PRESENT, st);
	return r;
}

int
bundle_oval_candidates(struct ctx *c, struct bundle *b, const char *ecosystem,
    const char *namespace, const char *package, const char *name_kind,
    bundle_oval_candidate_fn fn, void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (ecosystem == NULL || namespace == NULL || package == NULL || name_kind == NULL ||
	    fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_oval_candidates: null argument");
	if ((r = q_stmt(c, b, BQ_OVAL_CANDIDATES, "oval_index", &st)) != 0)
		return r;
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name_kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_INTEGER) {
			r = ctx_err(c, E_FORMAT, "bundle: oval_index row for %s: def is not an "
			    "integer", package);
			goto out;
		}
		if ((r = fn(c, sqlite3_column_int64(st, 0), arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = q_err(c, b, "oval_index");
out:
	q_done(b, BQ_OVAL_CANDIDATES, st);
	return r;
}

int
bundle_oval_def_get(struct ctx *c, struct bundle *b, int64_t def, bundle_oval_def_fn fn,
    void *arg)
{
	static const char *const required[] = {
		"id", "source", "namespace", "ecosystem", "name_kind", "def_id", "class",
		NULL, NULL, "state", "severity", NULL, NULL, NULL, "criteria"
	};
	struct bundle_oval_def_row d;
	sqlite3_stmt *st = NULL;
	int i, rc, r;

	if (fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_oval_def_get: null callback");
	if ((r = q_stmt(c, b, BQ_OVAL_DEF, "oval_def", &st)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, def);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		r = rc == SQLITE_DONE ? ctx_err(c, E_NOTFOUND, "bundle: no oval definition "
		    "%lld", (long long)def) : q_err(c, b, "oval_def");
		goto out;
	}
	for (i = 0; i < (int)(sizeof(required) / sizeof(required[0])); i++)
		if (required[i] != NULL && sqlite3_column_type(st, i) == SQLITE_NULL) {
			r = ctx_err(c, E_FORMAT, "bundle: oval_def row %lld: no %s",
			    (long long)def, required[i]);
			goto out;
		}
	memset(&d, 0, sizeof(d));
	d.id = sqlite3_column_int64(st, 0);
	d.source = col(st, 1);
	d.namespace = col(st, 2);
	d.ecosystem = col(st, 3);
	d.name_kind = col(st, 4);
	d.def_id = col(st, 5);
	d.klass = col(st, 6);
	d.title = col(st, 7);
	d.advisory = col(st, 8);
	d.state = col(st, 9);
	d.severity = col(st, 10);
	d.vendor_severity = col(st, 11);
	d.vendor_status = col(st, 12);
	d.note = col(st, 13);
	d.criteria = col(st, 14);
	if (d.source == NULL || d.namespace == NULL || d.def_id == NULL || d.criteria == NULL ||
	    !bundle_in_list(d.ecosystem, bundle_oval_ecosystems) ||
	    !bundle_in_list(d.name_kind, bundle_name_kinds) ||
	    !bundle_in_list(d.klass, bundle_oval_classes) ||
	    !bundle_in_list(d.state, bundle_states) ||
	    !bundle_in_list(d.severity, bundle_severities)) {
		r = ctx_err(c, E_FORMAT, "bundle: oval_def row %lld: a word outside the "
		    "schema's vocabulary", (long long)def);
		goto out;
	}
	r = fn(c, &d, arg);
out:
	q_done(b, BQ_OVAL_DEF, st);
	return r;
}

int
bundle_oval_def_vulns(struct ctx *c, struct bundle *b, int64_t def, bundle_oval_vuln_fn fn,
    void *arg)
{
	sqlite3_stmt *st = NULL;
	int rc, r;

	if (fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_oval_def_vulns: null callback");
	if ((r = q_stmt(c, b, BQ_OVAL_VULNS, "oval_def_vuln", &st)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, def);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (col(st, 0) == NULL || col(st, 0)[0] == '\0') {
			r = ctx_err(c, E_FORMAT, "bundle: oval_def_vuln of definition %lld: no "
			    "vuln_id", (long long)def);
			goto out;
		}
		if ((r = fn(c, col(st, 0), col(st, 1), arg)) != 0)
			goto out;
	}
	if (rc != SQLITE_DONE)
		r = q_err(c, b, "oval_def_vuln");
out:
	q_done(b, BQ_OVAL_VULNS, st);
	return r;
}

/* op and value both present (op in ops) or both NULL. */
static int
op_pair(const char *op, const char *value, const char *const *ops)
{
	if (op == NULL)
		return value == NULL;
	return value != NULL && bundle_in_list(op, ops);
}

static int
is_keyid(const char *s)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[16] == '\0';
}

/* The vocabulary and shape of a test row (the schema's CHECKs, and more). */
static const char *
oval_test_bad(const struct bundle_oval_test_row *t)
{
	if (t->kind == NULL || !bundle_in_list(t->kind, bundle_oval_kinds))
		return "kind";
	if (t->check == NULL || !bundle_in_list(t->check, bundle_oval_checks))
		return "check_";
	if (t->existence == NULL || !bundle_in_list(t->existence, bundle_oval_existences))
		return "existence";
	if (!op_pair(t->evr_op, t->evr, bundle_oval_cmp_ops))
		return "evr";
	if (!op_pair(t->version_op, t->version, bundle_oval_version_ops))
		return "version";
	if (!op_pair(t->arch_op, t->arch, bundle_oval_arch_ops))
		return "arch";
	if (t->sigkey != NULL && !is_keyid(t->sigkey))
		return "sigkey";
	if (t->flavour != NULL && !bundle_in_list(t->flavour, bundle_oval_flavours))
		return "flavour";
	if ((strcmp(t->kind, "module") == 0) != (t->module != NULL) ||
	    (t->module != NULL && (strchr(t->module, ':') == NULL || t->module[0] == ':')))
		return "module";
	if ((strcmp(t->kind, "unsupported") == 0) != (t->why != NULL))
		return "why";
	if (t->name_pattern != NULL && t->name_pattern[0] == '\0')
		return "name_pattern";
	if (strcmp(t->kind, "pkg") == 0 && t->nnames == 0 && t->name_pattern == NULL)
		return "names";
	if (t->state != NULL && (!bundle_in_list(t->state, bundle_states) ||
	    strcmp(t->kind, "pkg") != 0))
		return "state";
	if (t->state == NULL && (t->vendor_status != NULL || t->note != NULL))
		return "state";
	return NULL;
}

int
bundle_oval_test_get(struct ctx *c, struct bundle *b, int64_t test, bundle_oval_test_fn fn,
    void *arg)
{
	struct bundle_oval_test_row t;
	sqlite3_stmt *st = NULL;
	char **names = NULL, *cols[OVAL_TEST_COLS];
	size_t n = 0, cap = 0, i;
	const char *bad, *name;
	int rc, r, rows = 0;

	memset(cols, 0, sizeof(cols));
	if (fn == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_oval_test_get: null callback");
	if ((r = q_stmt(c, b, BQ_OVAL_TEST, "oval_test", &st)) != 0)
		return r;
	sqlite3_bind_int64(st, 1, test);
	/* one row per name (one with a NULL name when there is none): copied, as the
	 * test's own columns of the first row are */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0)
			for (i = 1; i < OVAL_TEST_COLS; i++)
				cols[i] = col(st, (int)i) ? xstrdup(col(st, (int)i)) : NULL;
		if (sqlite3_column_type(st, OVAL_TEST_COLS) == SQLITE_NULL)
			continue;
		if ((name = col(st, OVAL_TEST_COLS)) == NULL || name[0] == '\0') {
			r = ctx_err(c, E_FORMAT, "bundle: oval test %lld: empty name",
			    (long long)test);
			goto out;
		}
		if (n == OVAL_NAMES_MAX) {
			r = ctx_err(c, E_LIMIT, "bundle: oval test %lld: more than "
			    "OVAL_NAMES_MAX (%d) names", (long long)test, OVAL_NAMES_MAX);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(name);
	}
	if (rc != SQLITE_DONE) {
		r = q_err(c, b, "oval_test");
		goto out;
	}
	if (rows == 0) {
		r = ctx_err(c, E_NOTFOUND, "bundle: no oval test %lld", (long long)test);
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.id = test;
	t.kind = cols[1];
	t.comment = cols[2];
	t.check = cols[3];
	t.existence = cols[4];
	t.names = (const char *const *)names;
	t.nnames = n;
	t.name_pattern = cols[5];
	t.evr_op = cols[6];
	t.evr = cols[7];
	t.version_op = cols[8];
	t.version = cols[9];
	t.arch_op = cols[10];
	t.arch = cols[11];
	t.sigkey = cols[12];
	t.module = cols[13];
	t.flavour = cols[14];
	t.why = cols[15];
	t.state = cols[16];
	t.vendor_status = cols[17];
	t.note = cols[18];
	if ((bad = oval_test_bad(&t)) != NULL) {
		r = ctx_err(c, E_FORMAT, "bundle: oval test %lld: bad %s", (long long)test, bad);
		goto out;
	}
	r = fn(c, &t, arg);
out:
	q_done(b, BQ_OVAL_TEST, st);
	for (i = 0; i < OVAL_TEST_COLS; i++)
		free(cols[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return r;
}
