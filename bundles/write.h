/*
 * write.h - building a bundle database (connected side only).
 *
 * A writer creates a fresh SQLite database at a temporary path, takes rows
 * source by source inside one transaction, and finish() records the metadata.
 * Nothing here signs; see sign.h.
 *
 * Ownership: bundle_writer_new() returns a writer freed by bundle_writer_free(),
 * which also removes the database file unless finish() succeeded. Strings passed
 * in are copied by SQLite; the caller keeps them.
 */
#ifndef AIRLOCK_BUNDLE_WRITE_H
#define AIRLOCK_BUNDLE_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "bundles/bundle.h"

struct bundle_writer;

int bundle_writer_new(struct ctx *c, const char *dbpath, struct bundle_writer **out);
int bundle_writer_source_begin(struct ctx *c, struct bundle_writer *w, const char *name,
    const char *format, const char *parser_version);
/* Records an input file of the current source: path as given, sha256 hex, size. */
int bundle_writer_input(struct ctx *c, struct bundle_writer *w, const char *path,
    const char *sha256_hex, uint64_t bytes, const char *upstream_time);
/* Declares that the current source covers namespace (even with no rows in it). */
int bundle_writer_namespace(struct ctx *c, struct bundle_writer *w, const char *namespace);
/* The same, saying how complete the source is for it: "complete" (every known
 * vulnerability is listed) or "fixes-only" (only fixed ones, e.g. Alpine secdb).
 * Declared twice by one source (two input files), "complete" wins. */
int bundle_writer_namespace_coverage(struct ctx *c, struct bundle_writer *w,
    const char *namespace, const char *coverage);
/* row->source is ignored: rows belong to the current source. */
int bundle_writer_affected(struct ctx *c, struct bundle_writer *w,
    const struct bundle_affected *row);
/*
 * Enrichment for one vulnerability, keyed by its id only (NVD): no affected
 * rows, no namespace. Counts as one record of the current source. A source
 * giving the same vuln_id twice is E_FORMAT.
 */
struct bundle_cvss {
	const char *version;		/* "2.0" | "3.0" | "3.1" | "4.0" */
	const char *vector;		/* vectorString, verbatim */
	const char *base_severity;	/* "CRITICAL" ... "NONE", as published (v2: derived) */
	const char *cvss_source;	/* who scored it: "nvd@nist.gov" */
	const char *type;		/* "Primary" | "Secondary" */
	int score_tenths;		/* base score x 10: 0..100 */
};
/*
 * One CPE match criterion of NVD's configurations, stored for CPE matching
 * (which is off). config numbers the configuration within the CVE and node the
 * node within its configuration, both from 0 in input order (legacy 1.1: the
 * top-level node is the configuration, its children the nodes; one without
 * children is node 0 of its own). Operators are "AND" | "OR"; flags 0 | 1. A
 * value outside these is E_INTERNAL (a parser bug). Strings verbatim.
 */
struct bundle_cpe_match {
	int config, node;
	const char *config_operator;	/* how the nodes combine, or NULL (none given) */
	int config_negate;
	const char *operator;		/* how the node's criteria combine */
	int negate;			/* the node is negated */
	int vulnerable;
	const char *criteria;		/* CPE 2.3 name: "cpe:2.3:a:oracle:mysql:*:..." */
	const char *match_criteria_id;	/* API 2.0 matchCriteriaId, or NULL */
	const char *version_start_including, *version_start_excluding;	/* or NULL */
	const char *version_end_including, *version_end_excluding;	/* or NULL */
};
struct bundle_enrichment {
	const char *vuln_id;		/* "CVE-2023-27314" */
	const char *description;	/* English text, or NULL */
	const char *published;		/* as published ("2023-10-12T19:15:11.747"), or NULL */
	const char *last_modified;	/* or NULL */
	const struct bundle_cvss *cvss;
	size_t ncvss;
	const char *const *cwes;	/* "CWE-79", "NVD-CWE-noinfo" */
	size_t ncwes;
	const char *const *refs;	/* reference URLs */
	size_t nrefs;
	const struct bundle_cpe_match *cpes;	/* in input order, into cpe_match */
	size_t ncpes;
};
int bundle_writer_enrichment(struct ctx *c, struct bundle_writer *w,
    const struct bundle_enrichment *e);
/*
 * OVAL (see doc/airlock-bundle.5 and the schema's comments). A parser writes
 * the tests of an input file first, then its definitions, whose criteria
 * reference the tests by the ids bundle_writer_oval_test() returned.
 *
 * bundle_oval_test: one resolved test. kind "pkg" | "module" | "platform" |
 * "unsupported"; check and existence as OVAL spells them ("at least one",
 * "at_least_one_exists"); names (pkg tests: the object's package names, var_ref
 * values expanded; duplicates are stored once) and/or name_pattern (POSIX
 * ERE); each state field as an (op, value) pair, both NULL when absent; sigkey
 * 16 lowercase hex digits; module "NAME:STREAM" iff kind module; flavour
 * "ksplice" | "fips" | NULL; why iff kind unsupported. state (kind pkg only):
 * what a package matched through this test is, when the vendor says so per
 * package (as bundle_affected.state), with the vendor's status word and words
 * (vendor_status, note: each NULL when state is); NULL: the definition's state.
 * *id is the test's id. A value outside these vocabularies is E_INTERNAL (a
 * parser bug).
 */
struct bundle_oval_test {
	const char *kind, *comment, *check, *existence;
	const char *const *names;
	size_t nnames;
	const char *name_pattern, *evr_op, *evr, *version_op, *version, *arch_op, *arch,
	    *sigkey, *module, *flavour, *why;
	const char *state, *vendor_status, *note;
};
int bundle_writer_oval_test(struct ctx *c, struct bundle_writer *w,
    const struct bundle_oval_test *t, int64_t *id);

/*
 * bundle_oval_def: one (definition, namespace). ecosystem "rpm" | "deb";
 * name_kind "source" | "binary"; klass the OVAL class (not "inventory");
 * state and severity as in bundle_affected; vulns (at least one: the advisory
 * id when there is no CVE; a repeated one is stored once) in order;
 * description, when given, goes to the vuln table for each vuln (first wins).
 *
 * criteria, ASCII without spaces:
 *   node := OP '(' node (',' node)* ')' | '!' node | 't' DIGITS
 *   OP   := '&' (AND) | '|' (OR) | '1' (ONE) | '^' (XOR)
 * where t<id> is an id from bundle_writer_oval_test() in the current source.
 * At most BUNDLE_OVAL_CRITERIA_MAX bytes, and at most BUNDLE_OVAL_DEPTH_MAX
 * operators (OP or '!') enclosing any node. Bad syntax or an unknown test id is
 * E_FORMAT, over a limit E_LIMIT; the same (def_id, namespace) twice in a
 * source is E_FORMAT. The writer fills oval_index with one row per distinct
 * name of the pkg tests the criteria reference, and counts one record.
 */
#define BUNDLE_OVAL_CRITERIA_MAX	(1 << 20)	/* criteria string: 1 MiB */
#define BUNDLE_OVAL_DEPTH_MAX		64		/* nested operators */
struct bundle_oval_def {
	const char *namespace, *ecosystem, *name_kind, *def_id, *klass, *title, *advisory,
	    *state, *severity, *vendor_severity, *vendor_status, *note, *description,
	    *criteria;
	const char *const *vulns;
	size_t nvulns;
};
int bundle_writer_oval_def(struct ctx *c, struct bundle_writer *w,
    const struct bundle_oval_def *d, int64_t *id);

/* Ends the current source; fails (E_FORMAT) when it yielded zero records
 * (affected rows, enrichment records and oval definitions). */
int bundle_writer_source_end(struct ctx *c, struct bundle_writer *w, int64_t records);
/* Stores meta, commits, VACUUMs and closes the database. */
int bundle_writer_finish(struct ctx *c, struct bundle_writer *w,
    const struct bundle_meta *meta);
void bundle_writer_free(struct bundle_writer *w);

#endif
