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
/* Ends the current source; fails (E_FORMAT) when it yielded zero records. */
int bundle_writer_source_end(struct ctx *c, struct bundle_writer *w, int64_t records);
/* Stores meta, commits, VACUUMs and closes the database. */
int bundle_writer_finish(struct ctx *c, struct bundle_writer *w,
    const struct bundle_meta *meta);
void bundle_writer_free(struct bundle_writer *w);

#endif
