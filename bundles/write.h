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
 * vulnerability is listed) or "fixes-only" (only fixed ones, e.g. Alpine secdb). */
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
};
int bundle_writer_enrichment(struct ctx *c, struct bundle_writer *w,
    const struct bundle_enrichment *e);
/* Ends the current source; fails (E_FORMAT) when it yielded zero records
 * (affected rows plus enrichment records). */
int bundle_writer_source_end(struct ctx *c, struct bundle_writer *w, int64_t records);
/* Stores meta, commits, VACUUMs and closes the database. */
int bundle_writer_finish(struct ctx *c, struct bundle_writer *w,
    const struct bundle_meta *meta);
void bundle_writer_free(struct bundle_writer *w);

#endif
