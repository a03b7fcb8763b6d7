/*
 * query.c - reading the normalized model of an open bundle (both binaries).
 *
 * The database was verified before it was opened, but rows are still checked
 * before they reach a callback: a required column that is NULL, or a state or
 * severity outside format 1's vocabulary, is E_FORMAT rather than a surprise in
 * the matcher. Strings handed to callbacks point into SQLite's row buffers and
 * are valid for the duration of the callback only.
 */
#include "config.h"

#include <string.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

static const char package_sql[] =
"SELECT s.name, a.vuln_id, a.ecosystem, a.namespace, a.package, a.name_kind,\n"
"       a.state, a.fixed_version, a.severity, a.vendor_severity, a.vendor_status,\n"
"       a.note, v.description, a.id\n"
"  FROM affected AS a\n"
"  JOIN source AS s ON s.id = a.source_id\n"
"  LEFT JOIN vuln AS v ON v.source_id = a.source_id AND v.vuln_id = a.vuln_id\n"
" WHERE a.ecosystem = ?1 AND a.namespace = ?2 AND a.package = ?3 AND a.name_kind = ?4\n"
" ORDER BY a.vuln_id, s.name, a.id";

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

/* The preference order of bundle_vuln_severity, in SQL (documented in bundle.h). */
static const char severity_sql[] =
"SELECT version, base_severity, base_score FROM cvss WHERE vuln_id = ?1\n"
" ORDER BY CASE type WHEN 'Primary' THEN 0 ELSE 1 END,\n"
"          CASE version WHEN '3.1' THEN 0 WHEN '3.0' THEN 1 WHEN '4.0' THEN 2\n"
"                       ELSE 3 END,\n"
"          id\n"
" LIMIT 1";

static const char *const states[] = {
	"fixed", "unfixed", "wont-fix", "unknown", "not-affected", NULL
};
static const char *const severities[] = {
	"critical", "high", "medium", "low", "negligible", "unknown", NULL
};

static int
q_err(struct ctx *c, struct bundle *b, const char *what)
{
	int code = sqlite3_errcode(b->db) == SQLITE_NOMEM ? E_NOMEM : E_FORMAT;

	return ctx_err(c, code, "bundle: %s: %s", what, sqlite3_errmsg(b->db));
}

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

static int
in_list(const char *s, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

int
bundle_query_package(struct ctx *c, struct bundle *b, const char *ecosystem,
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
	if ((r = q_prepare(c, b, package_sql, "affected", &st)) != 0)
		goto out;
	sqlite3_bind_text(st, 1, ecosystem, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, namespace, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, package, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, name_kind, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (i = 0; i < (int)(sizeof(required) / sizeof(required[0])); i++) {
			if (required[i] != NULL && col(st, i) == NULL) {
				r = ctx_err(c, E_FORMAT, "bundle: affected row %lld: no %s",
				    (long long)sqlite3_column_int64(st, 13), required[i]);
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
		a.description = col(st, 12);
		if (!in_list(a.state, states) || !in_list(a.severity, severities) ||
		    (strcmp(a.state, "fixed") == 0 && a.fixed_version == NULL)) {
			r = ctx_err(c, E_FORMAT, "bundle: affected row %lld: bad state or "
			    "severity", (long long)sqlite3_column_int64(st, 13));
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
	sqlite3_finalize(st);
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
	if ((r = q_prepare(c, b, namespace_sql, "namespace", &st)) != 0)
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
	sqlite3_finalize(st);
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

static const char *const cvss_versions[] = { "2.0", "3.0", "3.1", "4.0", NULL };

int
bundle_vuln_severity(struct ctx *c, struct bundle *b, const char *vuln_id,
    const char **severity, const char **version, double *score)
{
	sqlite3_stmt *st = NULL;
	const char *v, *bs;
	size_t i;
	int rc, r = E_INTERNAL;

	*severity = NULL;
	*version = NULL;
	*score = -1;
	if (vuln_id == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_vuln_severity: null vuln_id");
	if ((r = q_prepare(c, b, has_cvss_sql, "cvss", &st)) != 0)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = q_err(c, b, "cvss");
		goto out;
	}
	if (sqlite3_column_int(st, 0) == 0) {
		r = 0;		/* an older bundle: no enrichment to offer */
		goto out;
	}
	sqlite3_finalize(st);
	if ((r = q_prepare(c, b, severity_sql, "cvss", &st)) != 0)
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
	for (i = 0; v != NULL && cvss_versions[i] != NULL; i++)
		if (strcmp(v, cvss_versions[i]) == 0)
			*version = cvss_versions[i];
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
	sqlite3_finalize(st);
	return r;
}
