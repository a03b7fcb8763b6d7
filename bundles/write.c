/*
 * write.c - builds a bundle database (connected side only).
 *
 * The writer creates a new SQLite file (it refuses an existing one), applies
 * the schema below and takes every row inside one transaction with reused
 * prepared statements. finish() stores the metadata, creates the lookup index,
 * checks that no source gave the same record twice, commits, VACUUMs and
 * closes. The file is temporary until the build command renames it, so the
 * build runs with journal_mode=OFF and synchronous=OFF; the finished file is
 * fsynced once.
 *
 * Output is deterministic: every table has an explicit INTEGER PRIMARY KEY
 * that SQLite assigns in insertion order (max + 1), nothing random or
 * time-dependent is stored except what the caller passes in meta, so the same
 * input and meta give the same bytes (with the same SQLite version).
 */
#include "config.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"

/* Largest time we format: 9999-12-31T23:59:59Z (four-digit years only). */
#define WRITE_TIME_MAX	INT64_C(253402300799)
#define WRITE_CACHE_KIB	32768	/* page cache during the build: 32 MiB */

/*
 * The normalized model (bundle format 1). The SQL comments are stored with the
 * schema, so `sqlite3 NAME.db .schema` documents every column. Later feeds
 * extend the vocabularies by bumping BUNDLE_FORMAT.
 */
static const char schema_sql[] =
"CREATE TABLE meta (\n"
"  key   TEXT PRIMARY KEY,      -- format_version | serial | created | expires | generator\n"
"  value TEXT NOT NULL          -- format_version: \"1\"; serial: decimal; created and\n"
"                               -- expires: UTC \"YYYY-MM-DDTHH:MM:SSZ\";\n"
"                               -- generator: \"airlock-feed VERSION\"\n"
");\n"
"CREATE TABLE source (\n"
"  id             INTEGER PRIMARY KEY,  -- 1, 2, ... in build order\n"
"  name           TEXT UNIQUE NOT NULL, -- feed source name: \"debian\"\n"
"  format         TEXT NOT NULL,        -- human description of its input format\n"
"  parser_version TEXT NOT NULL,        -- version of the parser that wrote its rows\n"
"  records        INTEGER               -- records it yielded: affected rows, enriched\n"
"                                       -- vulns and oval_def rows (NULL while building)\n"
");\n"
"CREATE TABLE source_input (\n"
"  id            INTEGER PRIMARY KEY,   -- insertion order\n"
"  source_id     INTEGER NOT NULL REFERENCES source (id),\n"
"  path          TEXT NOT NULL,         -- input file as given to the builder\n"
"  sha256        TEXT NOT NULL,         -- its SHA-256: 64 lowercase hex digits\n"
"  bytes         INTEGER NOT NULL,      -- its size in bytes\n"
"  upstream_time TEXT                   -- publisher's timestamp of the data, or NULL\n"
");\n"
"CREATE TABLE namespace (\n"
"  id        INTEGER PRIMARY KEY,       -- insertion order\n"
"  source_id INTEGER NOT NULL REFERENCES source (id),\n"
"  name      TEXT NOT NULL,             -- a release namespace the source covers, even\n"
"                                       -- without rows in it: \"debian:12\"\n"
"  coverage  TEXT NOT NULL DEFAULT 'complete' -- complete: every known vulnerability of\n"
"                                       -- the release is listed (absent = none known);\n"
"                                       -- fixes-only: only fixed ones are (Alpine secdb),\n"
"                                       -- so absent never means safe\n"
"    CHECK (coverage IN ('complete', 'fixes-only')),\n"
"  UNIQUE (source_id, name)\n"
");\n"
"CREATE TABLE affected (\n"
"  id              INTEGER PRIMARY KEY, -- input order\n"
"  source_id       INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id         TEXT NOT NULL,       -- \"CVE-2016-1585\"\n"
"  ecosystem       TEXT NOT NULL,       -- package type: deb | apk | rpm\n"
"  namespace       TEXT NOT NULL,       -- release namespace: \"debian:12\"\n"
"  package         TEXT NOT NULL,       -- package name as the vendor keys it\n"
"  name_kind       TEXT NOT NULL        -- whether package is a source or binary name\n"
"    CHECK (name_kind IN ('source', 'binary')),\n"
"  state           TEXT NOT NULL        -- fixed: versions before fixed_version are\n"
"                                       -- affected; unfixed: all versions, fix pending;\n"
"                                       -- wont-fix: all versions, vendor will not fix;\n"
"                                       -- unknown: not yet assessed; not-affected: none\n"
"    CHECK (state IN ('fixed', 'unfixed', 'wont-fix', 'unknown', 'not-affected')),\n"
"  fixed_version   TEXT                 -- first fixed version (vendor syntax), or NULL\n"
"    CHECK (state <> 'fixed' OR fixed_version IS NOT NULL),\n"
"  severity        TEXT NOT NULL        -- normalized severity\n"
"    CHECK (severity IN ('critical', 'high', 'medium', 'low', 'negligible', 'unknown')),\n"
"  vendor_severity TEXT,                -- the vendor's word, verbatim: \"high**\"\n"
"  vendor_status   TEXT,                -- the vendor's status word: \"resolved\"\n"
"  note            TEXT,                -- vendor remark (\"ignored: ...\", \"end-of-life\")\n"
"  advisory        TEXT                 -- the vendor's advisory that gave this entry\n"
"                                       -- (ALAS2-2018-939), as oval_def.advisory;\n"
"                                       -- NULL when the feed names none per entry\n"
");\n"
"CREATE TABLE vuln (\n"
"  id          INTEGER PRIMARY KEY,     -- insertion order\n"
"  source_id   INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id     TEXT NOT NULL,           -- as in affected.vuln_id\n"
"  description TEXT NOT NULL,           -- the source's text (first one given wins)\n"
"  UNIQUE (source_id, vuln_id)\n"
");\n"
"CREATE TABLE nvd_vuln (\n"
"  id            INTEGER PRIMARY KEY,   -- insertion order: one row per enriched vuln\n"
"  source_id     INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id       TEXT NOT NULL,         -- \"CVE-2023-27314\"\n"
"  published     TEXT,                  -- as published: \"2023-10-12T19:15:11.747\"\n"
"  last_modified TEXT,                  -- as published\n"
"  UNIQUE (source_id, vuln_id)\n"
");\n"
"CREATE TABLE cvss (\n"
"  id            INTEGER PRIMARY KEY,   -- input order\n"
"  source_id     INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id       TEXT NOT NULL,\n"
"  version       TEXT NOT NULL CHECK (version IN ('2.0', '3.0', '3.1', '4.0')),\n"
"  vector        TEXT NOT NULL,         -- vectorString, verbatim\n"
"  base_score    REAL NOT NULL CHECK (base_score BETWEEN 0 AND 10),\n"
"  base_severity TEXT NOT NULL          -- as published (v2 without one: from the score)\n"
"    CHECK (base_severity IN ('CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'NONE')),\n"
"  cvss_source   TEXT NOT NULL,         -- who scored it: \"nvd@nist.gov\", a CNA\n"
"  type          TEXT NOT NULL CHECK (type IN ('Primary', 'Secondary')),\n"
"  UNIQUE (vuln_id, id)                 -- always true: the index that looks a CVE up\n"
");\n"
"CREATE TABLE cwe (\n"
"  id        INTEGER PRIMARY KEY,       -- input order\n"
"  source_id INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id   TEXT NOT NULL,\n"
"  cwe       TEXT NOT NULL              -- \"CWE-79\", \"NVD-CWE-noinfo\"\n"
");\n"
"CREATE TABLE reference (\n"
"  id        INTEGER PRIMARY KEY,       -- input order\n"
"  source_id INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id   TEXT NOT NULL,\n"
"  url       TEXT NOT NULL\n"
");\n"
"-- OVAL (rhel-oval, oracle-oval, suse-oval, ubuntu-oval, debian-oval): the\n"
"-- vendor's criteria trees, kept as trees. See doc/airlock-bundle.5.\n"
"CREATE TABLE oval_test (\n"
"  id           INTEGER PRIMARY KEY,    -- the t<id> of oval_def.criteria\n"
"  source_id    INTEGER NOT NULL REFERENCES source (id),\n"
"  kind         TEXT NOT NULL           -- pkg: installed packages named by\n"
"                                       -- oval_test_name / name_pattern against the\n"
"                                       -- state fields below; module: module stream\n"
"                                       -- `module` enabled; platform: the OS release\n"
"                                       -- the namespace already selects; unsupported:\n"
"                                       -- evaluates to unknown (see why)\n"
"    CHECK (kind IN ('pkg', 'module', 'platform', 'unsupported')),\n"
"  comment      TEXT,                   -- the test's comment, verbatim\n"
"  check_       TEXT NOT NULL           -- OVAL check over the items (default 'all')\n"
"    CHECK (check_ IN ('at least one', 'all', 'only one', 'none satisfy')),\n"
"  existence    TEXT NOT NULL           -- OVAL check_existence (default\n"
"                                       -- 'at_least_one_exists')\n"
"    CHECK (existence IN ('at_least_one_exists', 'any_exist', 'all_exist',\n"
"      'none_exist', 'only_one_exists')),\n"
"  name_pattern TEXT,                   -- POSIX ERE when the object's name is a\n"
"                                       -- pattern match, else NULL\n"
"  evr_op       TEXT                    -- state <evr> operation, or NULL\n"
"    CHECK (evr_op IN ('less than', 'less than or equal', 'equals', 'not equal',\n"
"      'greater than', 'greater than or equal')),\n"
"  evr          TEXT                    -- state <evr> value, verbatim: \"0:2.2-1\"\n"
"    CHECK ((evr_op IS NULL) = (evr IS NULL)),\n"
"  version_op   TEXT                    -- state <version> operation, or NULL\n"
"    CHECK (version_op IN ('less than', 'less than or equal', 'equals', 'not equal',\n"
"      'greater than', 'greater than or equal', 'pattern match')),\n"
"  version      TEXT                    -- its value (POSIX ERE for pattern match)\n"
"    CHECK ((version_op IS NULL) = (version IS NULL)),\n"
"  arch_op      TEXT                    -- state <arch> operation, or NULL\n"
"    CHECK (arch_op IN ('equals', 'pattern match')),\n"
"  arch         TEXT                    -- its value (POSIX ERE for pattern match)\n"
"    CHECK ((arch_op IS NULL) = (arch IS NULL)),\n"
"  sigkey       TEXT,                   -- state <signature_keyid> (equals): 16\n"
"                                       -- lowercase hex digits, or NULL\n"
"  module       TEXT                    -- kind module: \"NAME:STREAM\", else NULL\n"
"    CHECK ((kind = 'module') = (module IS NOT NULL)),\n"
"  flavour      TEXT                    -- Oracle: the state's evr is a ksplice or\n"
"                                       -- fips build; NULL: a normal build\n"
"    CHECK (flavour IN ('ksplice', 'fips')),\n"
"  why          TEXT                    -- kind unsupported: what it tests\n"
"                                       -- (\"uname_test os_release\"), else NULL\n"
"    CHECK ((kind = 'unsupported') = (why IS NOT NULL)),\n"
"  state        TEXT                    -- kind pkg: what a package matched through\n"
"                                       -- this test is (as affected.state) when the\n"
"                                       -- vendor says so per package (Ubuntu CVE OVAL's\n"
"                                       -- criterion comments); NULL: oval_def.state\n"
"    CHECK (state IN ('fixed', 'unfixed', 'wont-fix', 'unknown', 'not-affected')),\n"
"  vendor_status TEXT,                  -- with state: the vendor's status word\n"
"                                       -- (\"needed\"), or NULL\n"
"  note         TEXT,                   -- with state: the vendor's words, verbatim\n"
"                                       -- (the criterion's comment), or NULL\n"
"  CHECK (state IS NULL OR kind = 'pkg'),\n"
"  CHECK (state IS NOT NULL OR (vendor_status IS NULL AND note IS NULL))\n"
");\n"
"CREATE TABLE oval_test_name (\n"
"  id   INTEGER PRIMARY KEY,            -- insertion order\n"
"  test INTEGER NOT NULL REFERENCES oval_test (id),\n"
"  name TEXT NOT NULL,                  -- a package name of the test's object\n"
"                                       -- (var_ref constant values expanded)\n"
"  UNIQUE (test, name)                  -- also the index that looks a test up\n"
");\n"
"CREATE TABLE oval_def (\n"
"  id              INTEGER PRIMARY KEY, -- one row per (definition, namespace)\n"
"  source_id       INTEGER NOT NULL REFERENCES source (id),\n"
"  namespace       TEXT NOT NULL,       -- release namespace: \"rhel:8\"\n"
"  ecosystem       TEXT NOT NULL CHECK (ecosystem IN ('rpm', 'deb')),\n"
"  name_kind       TEXT NOT NULL        -- whether the tests name source or binary\n"
"                                       -- packages (source: debian-oval)\n"
"    CHECK (name_kind IN ('source', 'binary')),\n"
"  def_id          TEXT NOT NULL,       -- \"oval:com.redhat.rhsa:def:20190966\"\n"
"  class           TEXT NOT NULL        -- the definition's OVAL class\n"
"    CHECK (class IN ('patch', 'vulnerability', 'miscellaneous', 'compliance')),\n"
"  title           TEXT,                -- verbatim\n"
"  advisory        TEXT,                -- RHSA-2019:0966, ELSA-2007-0057, USN-5900-2,\n"
"                                       -- DSA-..., SUSE-SU-..., or NULL\n"
"  state           TEXT NOT NULL        -- what a TRUE result means (as\n"
"                                       -- affected.state): fixed when the tests compare\n"
"                                       -- against a fixed version\n"
"    CHECK (state IN ('fixed', 'unfixed', 'wont-fix', 'unknown', 'not-affected')),\n"
"  severity        TEXT NOT NULL        -- normalized severity\n"
"    CHECK (severity IN ('critical', 'high', 'medium', 'low', 'negligible', 'unknown')),\n"
"  vendor_severity TEXT,                -- the vendor's word, verbatim: \"Important\"\n"
"  vendor_status   TEXT,                -- the vendor's status: \"Will not fix\"\n"
"  note            TEXT,                -- remark on the state, or NULL\n"
"  criteria        TEXT NOT NULL,       -- the criteria tree: node := OP(node,...) |\n"
"                                       -- !node | t<oval_test.id>; OP: & AND, | OR,\n"
"                                       -- 1 ONE, ^ XOR; ASCII, no spaces, at most\n"
"                                       -- 1 MiB and 64 nested operators\n"
"  UNIQUE (source_id, namespace, def_id)\n"
");\n"
"CREATE TABLE oval_def_vuln (\n"
"  id      INTEGER PRIMARY KEY,         -- input order: the definition's CVEs in order\n"
"  def     INTEGER NOT NULL REFERENCES oval_def (id),\n"
"  vuln_id TEXT NOT NULL,               -- \"CVE-2019-3835\"; the advisory id when the\n"
"                                       -- definition names no CVE\n"
"  UNIQUE (def, vuln_id)                -- also the index that looks a def up\n"
");\n"
"CREATE TABLE oval_index (\n"
"  id        INTEGER PRIMARY KEY,       -- per def, in package name order\n"
"  ecosystem TEXT NOT NULL,             -- as oval_def.ecosystem\n"
"  namespace TEXT NOT NULL,             -- as oval_def.namespace\n"
"  package   TEXT NOT NULL,             -- a name of a pkg test in the def's criteria\n"
"  name_kind TEXT NOT NULL,             -- as oval_def.name_kind\n"
"  def       INTEGER NOT NULL REFERENCES oval_def (id) -- a candidate definition\n"
");\n";

/*
 * NVD CPE match criteria: created after the tables above. Stored for CPE
 * matching, which is off; doc/airlock-bundle.5 describes the table.
 */
static const char cpe_schema_sql[] =
"-- NVD configurations (source nvd): one row per CPE match criterion, for CPE\n"
"-- matching (off). See doc/airlock-bundle.5.\n"
"CREATE TABLE cpe_match (\n"
"  id                      INTEGER PRIMARY KEY, -- input order\n"
"  source_id               INTEGER NOT NULL REFERENCES source (id),\n"
"  vuln_id                 TEXT NOT NULL,       -- as nvd_vuln.vuln_id\n"
"  config                  INTEGER NOT NULL     -- which configuration of the CVE,\n"
"    CHECK (config >= 0),                       -- from 0 (1.1: top-level node)\n"
"  node                    INTEGER NOT NULL     -- which node of that configuration,\n"
"    CHECK (node >= 0),                         -- from 0 (1.1: child, or 0)\n"
"  operator                TEXT NOT NULL        -- how the node's criteria combine\n"
"    CHECK (operator IN ('AND', 'OR')),\n"
"  negate                  INTEGER NOT NULL     -- 1: the node is negated\n"
"    CHECK (negate IN (0, 1)),\n"
"  vulnerable              INTEGER NOT NULL     -- 1: a match is vulnerable; 0: a\n"
"    CHECK (vulnerable IN (0, 1)),              -- platform it must run on\n"
"  criteria                TEXT NOT NULL,       -- CPE 2.3 name, verbatim\n"
"  version_start_including TEXT,                -- version range, verbatim, or NULL\n"
"  version_start_excluding TEXT,\n"
"  version_end_including   TEXT,\n"
"  version_end_excluding   TEXT,\n"
"  config_operator         TEXT                 -- how the configuration's nodes\n"
"    CHECK (config_operator IN ('AND', 'OR')),  -- combine; NULL: none given\n"
"  config_negate           INTEGER NOT NULL     -- 1: the configuration is negated\n"
"    CHECK (config_negate IN (0, 1)),\n"
"  match_criteria_id       TEXT                 -- API 2.0 matchCriteriaId, or NULL\n"
");\n";

/* Created by finish(), after the rows (faster than maintaining it per insert). */
static const char index_sql[] =
"CREATE INDEX affected_package\n"
"  ON affected (ecosystem, namespace, package, name_kind, vuln_id, source_id);\n"
"CREATE INDEX oval_index_package\n"
"  ON oval_index (ecosystem, namespace, package, name_kind, def);\n";

/* A source may give a (package, namespace, vuln) record once; the index covers it. */
static const char dup_sql[] =
"SELECT s.name, a.vuln_id, a.namespace, a.package FROM affected AS a\n"
"  JOIN source AS s ON s.id = a.source_id\n"
"  GROUP BY a.ecosystem, a.namespace, a.package, a.name_kind, a.vuln_id, a.source_id\n"
"  HAVING count(*) > 1 LIMIT 1";

enum {
	ST_SOURCE,
	ST_INPUT,
	ST_NAMESPACE,
	ST_AFFECTED,
	ST_VULN,
	ST_RECORDS,
	ST_NVD_VULN,
	ST_CVSS,
	ST_CWE,
	ST_REFERENCE,
	ST_OVAL_TEST,
	ST_OVAL_TEST_NAME,
	ST_OVAL_TEST_FIND,
	ST_OVAL_DEF,
	ST_OVAL_DEF_VULN,
	ST_OVAL_TMP_CLEAR,
	ST_OVAL_TMP_ADD,
	ST_OVAL_INDEX,
	ST_CPE_MATCH,
	ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
	"INSERT INTO source (name, format, parser_version) VALUES (?1, ?2, ?3)",
	"INSERT INTO source_input (source_id, path, sha256, bytes, upstream_time) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	/* a source declaring a namespace twice (two files): "complete" wins */
	"INSERT INTO namespace (source_id, name, coverage) VALUES (?1, ?2, ?3) "
	    "ON CONFLICT (source_id, name) DO UPDATE SET coverage = 'complete' "
	    "WHERE excluded.coverage = 'complete'",
	"INSERT INTO affected (source_id, vuln_id, ecosystem, namespace, package, "
	    "name_kind, state, fixed_version, severity, vendor_severity, vendor_status, "
	    "note, advisory) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
	"INSERT OR IGNORE INTO vuln (source_id, vuln_id, description) VALUES (?1, ?2, ?3)",
	"UPDATE source SET records = ?1 WHERE id = ?2",
	"INSERT INTO nvd_vuln (source_id, vuln_id, published, last_modified) "
	    "VALUES (?1, ?2, ?3, ?4)",
	"INSERT INTO cvss (source_id, vuln_id, version, vector, base_score, base_severity, "
	    "cvss_source, type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	"INSERT INTO cwe (source_id, vuln_id, cwe) VALUES (?1, ?2, ?3)",
	"INSERT INTO reference (source_id, vuln_id, url) VALUES (?1, ?2, ?3)",
	"INSERT INTO oval_test (source_id, kind, comment, check_, existence, name_pattern, "
	    "evr_op, evr, version_op, version, arch_op, arch, sigkey, module, flavour, why, "
	    "state, vendor_status, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, "
	    "?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	"INSERT OR IGNORE INTO oval_test_name (test, name) VALUES (?1, ?2)",
	"SELECT 1 FROM oval_test WHERE id = ?1 AND source_id = ?2",
	"INSERT INTO oval_def (source_id, namespace, ecosystem, name_kind, def_id, class, "
	    "title, advisory, state, severity, vendor_severity, vendor_status, note, "
	    "criteria) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
	"INSERT OR IGNORE INTO oval_def_vuln (def, vuln_id) VALUES (?1, ?2)",
	"DELETE FROM temp.oval_def_test",
	"INSERT OR IGNORE INTO temp.oval_def_test (test) VALUES (?1)",
	/* every distinct name of the def's pkg tests, in name order (CROSS JOIN
	 * keeps this join order: from the def's few tests, never a scan of all) */
	"INSERT INTO oval_index (ecosystem, namespace, package, name_kind, def) "
	    "SELECT DISTINCT ?1, ?2, n.name, ?3, ?4 FROM temp.oval_def_test AS d "
	    "CROSS JOIN oval_test AS t ON t.id = d.test AND t.kind = 'pkg' "
	    "CROSS JOIN oval_test_name AS n ON n.test = t.id ORDER BY n.name",
	[ST_CPE_MATCH] = "INSERT INTO cpe_match (source_id, vuln_id, config, node, "
	    "operator, negate, vulnerable, criteria, version_start_including, "
	    "version_start_excluding, version_end_including, version_end_excluding, "
	    "config_operator, config_negate, match_criteria_id) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
};

/* The tests a def's criteria reference, while bundle_writer_oval_def() runs. */
static const char oval_tmp_sql[] =
"CREATE TEMP TABLE oval_def_test (test INTEGER PRIMARY KEY);";


struct bundle_writer {
	sqlite3 *db;
	char *path;
	sqlite3_stmt *st[ST_COUNT];
	int failed;		/* a step failed: only free() remains */
	int done;		/* finish() succeeded: keep the file */
	int in_source;
	int nsources;
	sqlite3_int64 source_id;
	char *source_name;
	int64_t rows;		/* affected rows of the current source */
	int64_t enriched;	/* enrichment records of the current source */
	int64_t ovals;		/* oval_def rows of the current source */
	char *last_vuln;	/* last vuln_id whose description was stored */
};

/* Fails the writer with SQLite's message for what. */
static int
db_fail(struct ctx *c, struct bundle_writer *w, const char *what)
{
	int code = E_IO;

	if (sqlite3_errcode(w->db) == SQLITE_NOMEM)
		code = E_NOMEM;
	w->failed = 1;
	return ctx_err(c, code, "%s: %s: %s", w->path, what, sqlite3_errmsg(w->db));
}

static int
db_exec(struct ctx *c, struct bundle_writer *w, const char *sql, const char *what)
{
	if (sqlite3_exec(w->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(c, w, what);
	return 0;
}

/* Runs a bound statement that returns no rows, then resets it and its bindings. */
static int
db_step(struct ctx *c, struct bundle_writer *w, sqlite3_stmt *st, const char *what)
{
	int r = 0;

	if (sqlite3_step(st) != SQLITE_DONE)
		r = db_fail(c, w, what);	/* reads the message before reset */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return r;
}

/*
 * Strings are bound SQLITE_STATIC: db_step() resets the statement before the
 * caller's strings can go away, and SQLite has copied them into the row.
 */
static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

/* Refuses calls on a writer that failed, finished, or is in the wrong phase. */
static int
check_usable(struct ctx *c, struct bundle_writer *w, int want_source, const char *fn)
{
	if (w == NULL || w->db == NULL || w->done)
		return ctx_err(c, E_INTERNAL, "%s: writer is closed", fn);
	if (w->failed)
		return ctx_err(c, E_INTERNAL, "%s: writer failed earlier", fn);
	if (want_source && !w->in_source)
		return ctx_err(c, E_INTERNAL, "%s: no source begun", fn);
	if (!want_source && w->in_source)
		return ctx_err(c, E_INTERNAL, "%s: source %s not ended", fn, w->source_name);
	return 0;
}

/* "YYYY-MM-DDTHH:MM:SSZ" (UTC) of t; -1 when t is outside 1970..9999. */
static int
format_utc(int64_t t, char out[21])
{
	struct tm tm;
	time_t tt;

	if (t < 0 || t > WRITE_TIME_MAX)
		return -1;
	tt = (time_t)t;
	if (gmtime_r(&tt, &tm) == NULL)
		return -1;
	if (strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		return -1;
	return 0;
}

int
bundle_writer_new(struct ctx *c, const char *dbpath, struct bundle_writer **out)
{
	struct bundle_writer *w = NULL;
	char pragmas[256];
	int fd, i, r = E_INTERNAL;

	*out = NULL;
	/* O_EXCL: never reuse or clobber an existing file. */
	if ((fd = open(dbpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1)
		return ctx_errno(c, E_IO, "%s", dbpath);
	close(fd);
	w = xcalloc(1, sizeof(*w));
	w->path = xstrdup(dbpath);
	if (sqlite3_open_v2(dbpath, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	    NULL) != SQLITE_OK) {
		if (w->db == NULL) {
			r = ctx_err(c, E_NOMEM, "%s: sqlite: out of memory", dbpath);
			goto out;
		}
		r = db_fail(c, w, "open");
		goto out;
	}
	snprintf(pragmas, sizeof(pragmas),
	    "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; "
	    "PRAGMA locking_mode = EXCLUSIVE; PRAGMA encoding = 'UTF-8'; "
	    "PRAGMA cache_size = -%d;", WRITE_CACHE_KIB);
	if ((r = db_exec(c, w, pragmas, "pragmas")) != 0 ||
	    (r = db_exec(c, w, "BEGIN", "begin")) != 0 ||
	    (r = db_exec(c, w, schema_sql, "schema")) != 0 ||
	    (r = db_exec(c, w, cpe_schema_sql, "schema")) != 0 ||
	    (r = db_exec(c, w, oval_tmp_sql, "temp table")) != 0)
		goto out;
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(w->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		    &w->st[i], NULL) != SQLITE_OK) {
			r = db_fail(c, w, "prepare");
			goto out;
		}
	}
	*out = w;
	w = NULL;
	r = 0;
 out:
	bundle_writer_free(w);
	return r;
}

int
bundle_writer_source_begin(struct ctx *c, struct bundle_writer *w, const char *name,
    const char *format, const char *parser_version)
{
	sqlite3_stmt *st;
	int rc, r;

	if ((r = check_usable(c, w, 0, "source_begin")) != 0)
		return r;
	if (name == NULL || *name == '\0' || format == NULL || parser_version == NULL)
		return ctx_err(c, E_INTERNAL, "source_begin: missing name, format or version");
	st = w->st[ST_SOURCE];
	bind_text(st, 1, name);
	bind_text(st, 2, format);
	bind_text(st, 3, parser_version);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT) {
			w->failed = 1;
			r = ctx_err(c, E_USAGE, "source %s given twice", name);
		} else
			r = db_fail(c, w, "source");
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return r;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	w->source_id = sqlite3_last_insert_rowid(w->db);
	free(w->source_name);
	w->source_name = xstrdup(name);
	free(w->last_vuln);
	w->last_vuln = NULL;
	w->rows = 0;
	w->enriched = 0;
	w->ovals = 0;
	w->in_source = 1;
	w->nsources++;
	return 0;
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
bundle_writer_input(struct ctx *c, struct bundle_writer *w, const char *path,
    const char *sha256_hex, uint64_t bytes, const char *upstream_time)
{
	sqlite3_stmt *st;
	int r;

	if ((r = check_usable(c, w, 1, "input")) != 0)
		return r;
	if (path == NULL || sha256_hex == NULL || !is_sha256_hex(sha256_hex))
		return ctx_err(c, E_INTERNAL, "input: missing path or bad sha256");
	if (bytes > (uint64_t)INT64_MAX)
		return ctx_err(c, E_LIMIT, "%s: size out of range", path);
	st = w->st[ST_INPUT];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, path);
	bind_text(st, 3, sha256_hex);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)bytes);
	bind_text(st, 5, upstream_time);
	return db_step(c, w, st, "source_input");
}

int
bundle_writer_namespace(struct ctx *c, struct bundle_writer *w, const char *namespace)
{
	return bundle_writer_namespace_coverage(c, w, namespace, "complete");
}

int
bundle_writer_namespace_coverage(struct ctx *c, struct bundle_writer *w,
    const char *namespace, const char *coverage)
{
	sqlite3_stmt *st;
	int r;

	if ((r = check_usable(c, w, 1, "namespace")) != 0)
		return r;
	if (namespace == NULL || *namespace == '\0')
		return ctx_err(c, E_INTERNAL, "namespace: empty name");
	if (coverage == NULL ||
	    (strcmp(coverage, "complete") != 0 && strcmp(coverage, "fixes-only") != 0))
		return ctx_err(c, E_INTERNAL, "namespace: bad coverage");
	st = w->st[ST_NAMESPACE];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, namespace);
	bind_text(st, 3, coverage);
	return db_step(c, w, st, "namespace");
}

/* Parser bugs, not input errors: parsers map vendor words to our vocabulary. */
static int
check_row(struct ctx *c, const struct bundle_affected *a)
{
	const char *missing = NULL;

	if (a->vuln_id == NULL || *a->vuln_id == '\0')
		missing = "vuln_id";
	else if (a->ecosystem == NULL || *a->ecosystem == '\0')
		missing = "ecosystem";
	else if (a->namespace == NULL || *a->namespace == '\0')
		missing = "namespace";
	else if (a->package == NULL || *a->package == '\0')
		missing = "package";
	else if (a->name_kind == NULL)
		missing = "name_kind";
	else if (a->state == NULL)
		missing = "state";
	else if (a->severity == NULL)
		missing = "severity";
	if (missing != NULL)
		return ctx_err(c, E_INTERNAL, "affected row: no %s", missing);
	if (!bundle_in_list(a->name_kind, bundle_name_kinds))
		return ctx_err(c, E_INTERNAL, "affected row: bad name_kind '%s'", a->name_kind);
	if (!bundle_in_list(a->state, bundle_states))
		return ctx_err(c, E_INTERNAL, "affected row: bad state '%s'", a->state);
	if (!bundle_in_list(a->severity, bundle_severities))
		return ctx_err(c, E_INTERNAL, "affected row: bad severity '%s'", a->severity);
	if (strcmp(a->state, "fixed") == 0 && a->fixed_version == NULL)
		return ctx_err(c, E_INTERNAL, "affected row: fixed without fixed_version");
	if (a->advisory != NULL && *a->advisory == '\0')
		return ctx_err(c, E_INTERNAL, "affected row: empty advisory");
	return 0;
}

int
bundle_writer_affected(struct ctx *c, struct bundle_writer *w,
    const struct bundle_affected *a)
{
	sqlite3_stmt *st;
	int r;

	if ((r = check_usable(c, w, 1, "affected")) != 0)
		return r;
	if ((r = check_row(c, a)) != 0) {
		ctx_prefix(c, "%s %s %s", a->package ? a->package : "?",
		    a->vuln_id ? a->vuln_id : "?", a->namespace ? a->namespace : "?");
		return r;
	}
	st = w->st[ST_AFFECTED];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, a->vuln_id);
	bind_text(st, 3, a->ecosystem);
	bind_text(st, 4, a->namespace);
	bind_text(st, 5, a->package);
	bind_text(st, 6, a->name_kind);
	bind_text(st, 7, a->state);
	bind_text(st, 8, a->fixed_version);
	bind_text(st, 9, a->severity);
	bind_text(st, 10, a->vendor_severity);
	bind_text(st, 11, a->vendor_status);
	bind_text(st, 12, a->note);
	bind_text(st, 13, a->advisory);
	if ((r = db_step(c, w, st, "affected")) != 0)
		return r;
	if (ckd_add(&w->rows, w->rows, 1))
		return ctx_err(c, E_LIMIT, "source %s: too many records", w->source_name);
	/* Rows of one vuln usually come together: skip the repeated insert. */
	if (a->description == NULL ||
	    (w->last_vuln != NULL && strcmp(w->last_vuln, a->vuln_id) == 0))
		return 0;
	st = w->st[ST_VULN];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, a->vuln_id);
	bind_text(st, 3, a->description);
	if ((r = db_step(c, w, st, "vuln")) != 0)
		return r;
	free(w->last_vuln);
	w->last_vuln = xstrdup(a->vuln_id);
	return 0;
}

static const char *const cvss_severities[] = {
	"CRITICAL", "HIGH", "MEDIUM", "LOW", "NONE", NULL
};
static const char *const cvss_types[] = { "Primary", "Secondary", NULL };

/* Parser bugs, not input errors: the parser checks and maps the vendor's words. */
static int
check_enrichment(struct ctx *c, const struct bundle_enrichment *e)
{
	size_t i;

	if (e->vuln_id == NULL || *e->vuln_id == '\0')
		return ctx_err(c, E_INTERNAL, "enrichment: no vuln_id");
	for (i = 0; i < e->ncvss; i++) {
		const struct bundle_cvss *v = &e->cvss[i];

		if (v->version == NULL || !bundle_in_list(v->version, bundle_cvss_versions) ||
		    v->vector == NULL || v->base_severity == NULL ||
		    !bundle_in_list(v->base_severity, cvss_severities) || v->cvss_source == NULL ||
		    v->type == NULL || !bundle_in_list(v->type, cvss_types) ||
		    v->score_tenths < 0 || v->score_tenths > 100)
			return ctx_err(c, E_INTERNAL, "enrichment %s: bad cvss %zu", e->vuln_id,
			    i);
	}
	for (i = 0; i < e->ncwes; i++)
		if (e->cwes[i] == NULL)
			return ctx_err(c, E_INTERNAL, "enrichment %s: null cwe", e->vuln_id);
	for (i = 0; i < e->nrefs; i++)
		if (e->refs[i] == NULL)
			return ctx_err(c, E_INTERNAL, "enrichment %s: null reference",
			    e->vuln_id);
	return 0;
}

/* --- NVD CPE match criteria (cpe_match) --------------------------------------- */

static const char *const cpe_operators[] = { "AND", "OR", NULL };

/* Parser bugs, not input errors: the parser checks the file's words. */
static int
check_cpes(struct ctx *c, const struct bundle_enrichment *e)
{
	size_t i;

	for (i = 0; i < e->ncpes; i++) {
		const struct bundle_cpe_match *m = &e->cpes[i];

		if (m->config < 0 || m->node < 0 || m->criteria == NULL ||
		    *m->criteria == '\0' || m->operator == NULL ||
		    !bundle_in_list(m->operator, cpe_operators) ||
		    (m->config_operator != NULL &&
		    !bundle_in_list(m->config_operator, cpe_operators)) ||
		    (m->negate != 0 && m->negate != 1) ||
		    (m->config_negate != 0 && m->config_negate != 1) ||
		    (m->vulnerable != 0 && m->vulnerable != 1))
			return ctx_err(c, E_INTERNAL, "enrichment %s: bad cpe match %zu",
			    e->vuln_id, i);
	}
	return 0;
}

static int
write_cpes(struct ctx *c, struct bundle_writer *w, const struct bundle_enrichment *e)
{
	sqlite3_stmt *st = w->st[ST_CPE_MATCH];
	size_t i;
	int r;

	for (i = 0; i < e->ncpes; i++) {
		const struct bundle_cpe_match *m = &e->cpes[i];

		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, e->vuln_id);
		sqlite3_bind_int(st, 3, m->config);
		sqlite3_bind_int(st, 4, m->node);
		bind_text(st, 5, m->operator);
		sqlite3_bind_int(st, 6, m->negate);
		sqlite3_bind_int(st, 7, m->vulnerable);
		bind_text(st, 8, m->criteria);
		bind_text(st, 9, m->version_start_including);
		bind_text(st, 10, m->version_start_excluding);
		bind_text(st, 11, m->version_end_including);
		bind_text(st, 12, m->version_end_excluding);
		bind_text(st, 13, m->config_operator);
		sqlite3_bind_int(st, 14, m->config_negate);
		bind_text(st, 15, m->match_criteria_id);
		if ((r = db_step(c, w, st, "cpe_match")) != 0)
			return r;
	}
	return 0;
}

/* --- end of cpe_match ------------------------------------------------------------ */

int
bundle_writer_enrichment(struct ctx *c, struct bundle_writer *w,
    const struct bundle_enrichment *e)
{
	sqlite3_stmt *st;
	size_t i;
	int rc, r;

	if ((r = check_usable(c, w, 1, "enrichment")) != 0)
		return r;
	if ((r = check_enrichment(c, e)) != 0 || (r = check_cpes(c, e)) != 0)
		return r;
	st = w->st[ST_NVD_VULN];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, e->vuln_id);
	bind_text(st, 3, e->published);
	bind_text(st, 4, e->last_modified);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT) {
			w->failed = 1;
			r = ctx_err(c, E_FORMAT, "source %s: duplicate record: %s",
			    w->source_name, e->vuln_id);
		} else
			r = db_fail(c, w, "nvd_vuln");
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return r;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (e->description != NULL) {
		st = w->st[ST_VULN];
		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, e->vuln_id);
		bind_text(st, 3, e->description);
		if ((r = db_step(c, w, st, "vuln")) != 0)
			return r;
	}
	for (i = 0; i < e->ncvss; i++) {
		const struct bundle_cvss *v = &e->cvss[i];

		st = w->st[ST_CVSS];
		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, e->vuln_id);
		bind_text(st, 3, v->version);
		bind_text(st, 4, v->vector);
		sqlite3_bind_double(st, 5, v->score_tenths / 10.0);
		bind_text(st, 6, v->base_severity);
		bind_text(st, 7, v->cvss_source);
		bind_text(st, 8, v->type);
		if ((r = db_step(c, w, st, "cvss")) != 0)
			return r;
	}
	for (i = 0; i < e->ncwes; i++) {
		st = w->st[ST_CWE];
		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, e->vuln_id);
		bind_text(st, 3, e->cwes[i]);
		if ((r = db_step(c, w, st, "cwe")) != 0)
			return r;
	}
	for (i = 0; i < e->nrefs; i++) {
		st = w->st[ST_REFERENCE];
		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, e->vuln_id);
		bind_text(st, 3, e->refs[i]);
		if ((r = db_step(c, w, st, "reference")) != 0)
			return r;
	}
	if ((r = write_cpes(c, w, e)) != 0)
		return r;
	if (ckd_add(&w->enriched, w->enriched, 1))
		return ctx_err(c, E_LIMIT, "source %s: too many records", w->source_name);
	return 0;
}

/* OVAL. Rows are checked against the schema's vocabularies (vocab.c) so a
 * parser bug gets a message naming the field, before SQLite's CHECK. */

static int
nonempty(const char *s)
{
	return s != NULL && *s != '\0';
}

/* op and value both given (and op in ops) or both NULL. */
static int
op_pair_ok(const char *op, const char *value, const char *const *ops)
{
	if (op == NULL)
		return value == NULL;
	return value != NULL && bundle_in_list(op, ops);
}

/* Parser bugs, not input errors: the parser maps the file's words. */
static int
check_oval_test(struct ctx *c, const struct bundle_oval_test *t)
{
	size_t i;

	if (t->kind == NULL || !bundle_in_list(t->kind, bundle_oval_kinds))
		return ctx_err(c, E_INTERNAL, "oval test: bad kind '%s'",
		    t->kind ? t->kind : "(null)");
	if (t->check == NULL || !bundle_in_list(t->check, bundle_oval_checks))
		return ctx_err(c, E_INTERNAL, "oval test: bad check '%s'",
		    t->check ? t->check : "(null)");
	if (t->existence == NULL || !bundle_in_list(t->existence, bundle_oval_existences))
		return ctx_err(c, E_INTERNAL, "oval test: bad existence '%s'",
		    t->existence ? t->existence : "(null)");
	if (t->nnames > 0 && t->names == NULL)
		return ctx_err(c, E_INTERNAL, "oval test: names missing");
	for (i = 0; i < t->nnames; i++)
		if (!nonempty(t->names[i]))
			return ctx_err(c, E_INTERNAL, "oval test: empty name %zu", i);
	if (strcmp(t->kind, "pkg") == 0 && t->nnames == 0 && !nonempty(t->name_pattern))
		return ctx_err(c, E_INTERNAL, "oval test: pkg test without names or pattern");
	if (t->name_pattern != NULL && *t->name_pattern == '\0')
		return ctx_err(c, E_INTERNAL, "oval test: empty name pattern");
	if (!op_pair_ok(t->evr_op, t->evr, bundle_oval_cmp_ops))
		return ctx_err(c, E_INTERNAL, "oval test: bad evr operation");
	if (!op_pair_ok(t->version_op, t->version, bundle_oval_version_ops))
		return ctx_err(c, E_INTERNAL, "oval test: bad version operation");
	if (!op_pair_ok(t->arch_op, t->arch, bundle_oval_arch_ops))
		return ctx_err(c, E_INTERNAL, "oval test: bad arch operation");
	if (t->sigkey != NULL) {
		for (i = 0; t->sigkey[i] != '\0'; i++)
			if (!((t->sigkey[i] >= '0' && t->sigkey[i] <= '9') ||
			    (t->sigkey[i] >= 'a' && t->sigkey[i] <= 'f')))
				break;
		if (i != 16 || t->sigkey[i] != '\0')
			return ctx_err(c, E_INTERNAL, "oval test: signature key '%s' is not 16 "
			    "lowercase hex digits", t->sigkey);
	}
	if ((strcmp(t->kind, "module") == 0) != nonempty(t->module))
		return ctx_err(c, E_INTERNAL, "oval test: module given iff kind module");
	if (t->module != NULL && strchr(t->module, ':') == NULL)
		return ctx_err(c, E_INTERNAL, "oval test: module '%s' is not NAME:STREAM",
		    t->module);
	if (t->flavour != NULL && !bundle_in_list(t->flavour, bundle_oval_flavours))
		return ctx_err(c, E_INTERNAL, "oval test: bad flavour '%s'", t->flavour);
	if ((strcmp(t->kind, "unsupported") == 0) != nonempty(t->why))
		return ctx_err(c, E_INTERNAL, "oval test: why given iff kind unsupported");
	if (t->state != NULL && (!bundle_in_list(t->state, bundle_states) ||
	    strcmp(t->kind, "pkg") != 0))
		return ctx_err(c, E_INTERNAL, "oval test: bad state '%s' for kind %s",
		    t->state, t->kind);
	if (t->state == NULL && (t->vendor_status != NULL || t->note != NULL))
		return ctx_err(c, E_INTERNAL, "oval test: vendor status or note without state");
	return 0;
}

int
bundle_writer_oval_test(struct ctx *c, struct bundle_writer *w,
    const struct bundle_oval_test *t, int64_t *id)
{
	sqlite3_stmt *st;
	sqlite3_int64 tid;
	size_t i;
	int r;

	*id = 0;
	if ((r = check_usable(c, w, 1, "oval_test")) != 0)
		return r;
	if ((r = check_oval_test(c, t)) != 0)
		return r;
	st = w->st[ST_OVAL_TEST];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, t->kind);
	bind_text(st, 3, t->comment);
	bind_text(st, 4, t->check);
	bind_text(st, 5, t->existence);
	bind_text(st, 6, t->name_pattern);
	bind_text(st, 7, t->evr_op);
	bind_text(st, 8, t->evr);
	bind_text(st, 9, t->version_op);
	bind_text(st, 10, t->version);
	bind_text(st, 11, t->arch_op);
	bind_text(st, 12, t->arch);
	bind_text(st, 13, t->sigkey);
	bind_text(st, 14, t->module);
	bind_text(st, 15, t->flavour);
	bind_text(st, 16, t->why);
	bind_text(st, 17, t->state);
	bind_text(st, 18, t->vendor_status);
	bind_text(st, 19, t->note);
	if ((r = db_step(c, w, st, "oval_test")) != 0)
		return r;
	tid = sqlite3_last_insert_rowid(w->db);
	for (i = 0; i < t->nnames; i++) {
		st = w->st[ST_OVAL_TEST_NAME];
		sqlite3_bind_int64(st, 1, tid);
		bind_text(st, 2, t->names[i]);
		if ((r = db_step(c, w, st, "oval_test_name")) != 0)
			return r;
	}
	*id = (int64_t)tid;
	return 0;
}

/* Walks a criteria string: syntax, limits, and each t<id>'s existence. */
struct crit {
	struct ctx *c;
	struct bundle_writer *w;
	const char *s;
	size_t pos;
};

static int
crit_err(struct crit *k, int code, const char *what)
{
	return ctx_err(k->c, code, "oval criteria: %s at offset %zu", what, k->pos);
}

static int
crit_test(struct crit *k)
{
	sqlite3_stmt *st;
	int64_t id = 0;
	size_t start = k->pos;
	int rc, r;

	while (k->s[k->pos] >= '0' && k->s[k->pos] <= '9') {
		if (ckd_mul(&id, id, 10) || ckd_add(&id, id, k->s[k->pos] - '0'))
			return crit_err(k, E_FORMAT, "test id out of range");
		k->pos++;
	}
	if (k->pos == start || (k->s[start] == '0'))
		return crit_err(k, E_FORMAT, "bad test id");
	st = k->w->st[ST_OVAL_TEST_FIND];
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, k->w->source_id);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc == SQLITE_DONE)
		return ctx_err(k->c, E_FORMAT, "oval criteria: test t%" PRId64 " does not exist "
		    "in source %s", id, k->w->source_name);
	if (rc != SQLITE_ROW)
		return db_fail(k->c, k->w, "oval_test lookup");
	st = k->w->st[ST_OVAL_TMP_ADD];
	sqlite3_bind_int64(st, 1, id);
	if ((r = db_step(k->c, k->w, st, "oval_def_test")) != 0)
		return r;
	return 0;
}

/* node := OP '(' node (',' node)* ')' | '!' node | 't' DIGITS; depth counts the
 * operators (OP and '!') enclosing the node. */
static int
crit_node(struct crit *k, int depth)
{
	int r;

	if (depth > BUNDLE_OVAL_DEPTH_MAX)
		return ctx_err(k->c, E_LIMIT, "oval criteria: more than %d nested operators "
		    "at offset %zu (BUNDLE_OVAL_DEPTH_MAX)", BUNDLE_OVAL_DEPTH_MAX, k->pos);
	switch (k->s[k->pos]) {
	case 't':
		k->pos++;
		return crit_test(k);
	case '!':
		k->pos++;
		return crit_node(k, depth + 1);
	case '&':
	case '|':
	case '1':
	case '^':
		k->pos++;
		if (k->s[k->pos] != '(')
			return crit_err(k, E_FORMAT, "expected '('");
		do {
			k->pos++;
			if ((r = crit_node(k, depth + 1)) != 0)
				return r;
		} while (k->s[k->pos] == ',');
		if (k->s[k->pos] != ')')
			return crit_err(k, E_FORMAT, "expected ',' or ')'");
		k->pos++;
		return 0;
	default:
		return crit_err(k, E_FORMAT, "expected an operator, '!' or a test");
	}
}

static int
check_oval_def(struct ctx *c, const struct bundle_oval_def *d)
{
	const char *missing = NULL;
	size_t i;

	if (!nonempty(d->namespace))
		missing = "namespace";
	else if (!nonempty(d->ecosystem))
		missing = "ecosystem";
	else if (d->name_kind == NULL)
		missing = "name_kind";
	else if (!nonempty(d->def_id))
		missing = "def_id";
	else if (d->klass == NULL)
		missing = "class";
	else if (d->state == NULL)
		missing = "state";
	else if (d->severity == NULL)
		missing = "severity";
	else if (d->criteria == NULL)
		missing = "criteria";
	else if (d->nvulns == 0 || d->vulns == NULL)
		missing = "vuln";
	if (missing != NULL)
		return ctx_err(c, E_INTERNAL, "oval def: no %s", missing);
	if (!bundle_in_list(d->ecosystem, bundle_oval_ecosystems))
		return ctx_err(c, E_INTERNAL, "oval def: bad ecosystem '%s'", d->ecosystem);
	if (!bundle_in_list(d->name_kind, bundle_name_kinds))
		return ctx_err(c, E_INTERNAL, "oval def: bad name_kind '%s'", d->name_kind);
	if (!bundle_in_list(d->klass, bundle_oval_classes))
		return ctx_err(c, E_INTERNAL, "oval def: bad class '%s'", d->klass);
	if (!bundle_in_list(d->state, bundle_states))
		return ctx_err(c, E_INTERNAL, "oval def: bad state '%s'", d->state);
	if (!bundle_in_list(d->severity, bundle_severities))
		return ctx_err(c, E_INTERNAL, "oval def: bad severity '%s'", d->severity);
	for (i = 0; i < d->nvulns; i++)
		if (!nonempty(d->vulns[i]))
			return ctx_err(c, E_INTERNAL, "oval def: empty vuln %zu", i);
	return 0;
}

int
bundle_writer_oval_def(struct ctx *c, struct bundle_writer *w,
    const struct bundle_oval_def *d, int64_t *id)
{
	struct crit k;
	sqlite3_stmt *st;
	sqlite3_int64 did;
	size_t i;
	int rc, r;

	*id = 0;
	if ((r = check_usable(c, w, 1, "oval_def")) != 0)
		return r;
	if ((r = check_oval_def(c, d)) != 0)
		goto fail;
	if (strlen(d->criteria) > BUNDLE_OVAL_CRITERIA_MAX) {
		r = ctx_err(c, E_LIMIT, "oval criteria longer than %d bytes "
		    "(BUNDLE_OVAL_CRITERIA_MAX)", BUNDLE_OVAL_CRITERIA_MAX);
		goto fail;
	}
	if ((r = db_step(c, w, w->st[ST_OVAL_TMP_CLEAR], "oval_def_test")) != 0)
		return r;
	memset(&k, 0, sizeof(k));
	k.c = c;
	k.w = w;
	k.s = d->criteria;
	if ((r = crit_node(&k, 0)) != 0)
		goto fail;
	if (d->criteria[k.pos] != '\0') {
		r = crit_err(&k, E_FORMAT, "trailing bytes");
		goto fail;
	}
	st = w->st[ST_OVAL_DEF];
	sqlite3_bind_int64(st, 1, w->source_id);
	bind_text(st, 2, d->namespace);
	bind_text(st, 3, d->ecosystem);
	bind_text(st, 4, d->name_kind);
	bind_text(st, 5, d->def_id);
	bind_text(st, 6, d->klass);
	bind_text(st, 7, d->title);
	bind_text(st, 8, d->advisory);
	bind_text(st, 9, d->state);
	bind_text(st, 10, d->severity);
	bind_text(st, 11, d->vendor_severity);
	bind_text(st, 12, d->vendor_status);
	bind_text(st, 13, d->note);
	bind_text(st, 14, d->criteria);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE) {
		if (rc == SQLITE_CONSTRAINT) {
			w->failed = 1;
			r = ctx_err(c, E_FORMAT, "source %s: duplicate record: %s %s",
			    w->source_name, d->def_id, d->namespace);
		} else
			r = db_fail(c, w, "oval_def");
		sqlite3_reset(st);
		sqlite3_clear_bindings(st);
		return r;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	did = sqlite3_last_insert_rowid(w->db);
	for (i = 0; i < d->nvulns; i++) {
		st = w->st[ST_OVAL_DEF_VULN];
		sqlite3_bind_int64(st, 1, did);
		bind_text(st, 2, d->vulns[i]);
		if ((r = db_step(c, w, st, "oval_def_vuln")) != 0)
			return r;
		if (d->description == NULL)
			continue;
		st = w->st[ST_VULN];	/* first description of a vuln wins */
		sqlite3_bind_int64(st, 1, w->source_id);
		bind_text(st, 2, d->vulns[i]);
		bind_text(st, 3, d->description);
		if ((r = db_step(c, w, st, "vuln")) != 0)
			return r;
	}
	st = w->st[ST_OVAL_INDEX];
	bind_text(st, 1, d->ecosystem);
	bind_text(st, 2, d->namespace);
	bind_text(st, 3, d->name_kind);
	sqlite3_bind_int64(st, 4, did);
	if ((r = db_step(c, w, st, "oval_index")) != 0)
		return r;
	if (ckd_add(&w->ovals, w->ovals, 1))
		return ctx_err(c, E_LIMIT, "source %s: too many records", w->source_name);
	*id = (int64_t)did;
	return 0;
 fail:
	ctx_prefix(c, "%s %s", d->def_id ? d->def_id : "?",
	    d->namespace ? d->namespace : "?");
	return r;
}

int
bundle_writer_source_end(struct ctx *c, struct bundle_writer *w, int64_t records)
{
	sqlite3_stmt *st;
	int64_t total;
	int r;

	if ((r = check_usable(c, w, 1, "source_end")) != 0)
		return r;
	if (records <= 0 || (w->rows == 0 && w->enriched == 0 && w->ovals == 0)) {
		w->failed = 1;
		return ctx_err(c, E_FORMAT, "source %s yielded no records", w->source_name);
	}
	if (ckd_add(&total, w->rows, w->enriched) || ckd_add(&total, total, w->ovals) ||
	    records != total) {
		w->failed = 1;
		return ctx_err(c, E_INTERNAL, "source %s: parser counted %" PRId64 " records, "
		    "writer got %" PRId64 " rows, %" PRId64 " enrichments and %" PRId64
		    " oval definitions", w->source_name, records, w->rows, w->enriched,
		    w->ovals);
	}
	st = w->st[ST_RECORDS];
	sqlite3_bind_int64(st, 1, records);
	sqlite3_bind_int64(st, 2, w->source_id);
	if ((r = db_step(c, w, st, "source records")) != 0)
		return r;
	w->in_source = 0;
	return 0;
}

static int
put_meta(struct ctx *c, struct bundle_writer *w, sqlite3_stmt *st, const char *key,
    const char *value)
{
	bind_text(st, 1, key);
	bind_text(st, 2, value);
	return db_step(c, w, st, "meta");
}

/* E_FORMAT naming the first record a source gave twice. */
static int
check_duplicates(struct ctx *c, struct bundle_writer *w)
{
	sqlite3_stmt *st = NULL;
	int rc, r = E_INTERNAL;

	if (sqlite3_prepare_v2(w->db, dup_sql, -1, &st, NULL) != SQLITE_OK) {
		r = db_fail(c, w, "duplicate check");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		w->failed = 1;
		r = ctx_err(c, E_FORMAT, "source %s: duplicate record: %s %s %s",
		    (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2),
		    (const char *)sqlite3_column_text(st, 3));
		goto out;
	}
	if (rc != SQLITE_DONE) {
		r = db_fail(c, w, "duplicate check");
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

int
bundle_writer_finish(struct ctx *c, struct bundle_writer *w, const struct bundle_meta *meta)
{
	sqlite3_stmt *st = NULL;
	char serial[32], created[21], expires[21], format[16];
	int fd, i, r;

	if ((r = check_usable(c, w, 0, "finish")) != 0)
		return r;
	if (w->nsources == 0)
		return ctx_err(c, E_USAGE, "bundle has no sources");
	if (meta->format != BUNDLE_FORMAT)
		return ctx_err(c, E_INTERNAL, "finish: format %d is not %d", meta->format,
		    BUNDLE_FORMAT);
	if (format_utc(meta->created, created) != 0 || format_utc(meta->expires, expires) != 0)
		return ctx_err(c, E_USAGE, "bundle times out of range (1970 to 9999)");
	snprintf(format, sizeof(format), "%d", meta->format);
	snprintf(serial, sizeof(serial), "%" PRIu64, meta->serial);
	if (sqlite3_prepare_v2(w->db, "INSERT INTO meta (key, value) VALUES (?1, ?2)", -1,
	    &st, NULL) != SQLITE_OK) {
		r = db_fail(c, w, "meta");
		goto out;
	}
	if ((r = put_meta(c, w, st, "format_version", format)) != 0 ||
	    (r = put_meta(c, w, st, "serial", serial)) != 0 ||
	    (r = put_meta(c, w, st, "created", created)) != 0 ||
	    (r = put_meta(c, w, st, "expires", expires)) != 0 ||
	    (r = put_meta(c, w, st, "generator", "airlock-feed " PACKAGE_VERSION)) != 0)
		goto out;
	sqlite3_finalize(st);
	st = NULL;
	if ((r = db_exec(c, w, index_sql, "index")) != 0 ||
	    (r = check_duplicates(c, w)) != 0 ||
	    (r = db_exec(c, w, "COMMIT", "commit")) != 0)
		goto out;
	for (i = 0; i < ST_COUNT; i++) {
		sqlite3_finalize(w->st[i]);
		w->st[i] = NULL;
	}
	if ((r = db_exec(c, w, "VACUUM", "vacuum")) != 0)
		goto out;
	if (sqlite3_close(w->db) != SQLITE_OK) {
		r = db_fail(c, w, "close");
		goto out;
	}
	w->db = NULL;
	if ((fd = open(w->path, O_RDONLY | O_CLOEXEC)) == -1) {
		w->failed = 1;
		r = ctx_errno(c, E_IO, "%s", w->path);
		goto out;
	}
	if (fsync(fd) != 0) {
		w->failed = 1;
		r = ctx_errno(c, E_IO, "%s: fsync", w->path);
		close(fd);
		goto out;
	}
	close(fd);
	w->done = 1;
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

void
bundle_writer_free(struct bundle_writer *w)
{
	int i;

	if (w == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(w->st[i]);
	if (w->db != NULL)
		sqlite3_close(w->db);
	if (!w->done)
		unlink(w->path);
	free(w->path);
	free(w->source_name);
	free(w->last_vuln);
	free(w);
}
