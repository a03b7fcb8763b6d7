/*
 * info.c - `airlock-feed info` (a bundle's metadata and per-source manifest) and
 * `airlock-feed sources` (the feed table).
 *
 * info runs on the connected side, on bundles it built: it reads the database
 * without checking the signature (the scanner's `airlock verify` does that).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/file.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "feedcmd/feedcmd.h"
#include "feeds/feed.h"

int
feedcmd_sources(struct ctx *c, int argc, char **argv)
{
	size_t i;

	(void)c; (void)argc; (void)argv;
	for (i = 0; feed_sources[i]; i++)
		printf("%-12s %s (parser %s)\n", feed_sources[i]->name, feed_sources[i]->format,
		    feed_sources[i]->parser_version);
	return 0;
}

/* Prints every row of a query as "  col1  col2 ..." lines under a heading. */
static int
print_rows(struct ctx *c, sqlite3 *db, const char *heading, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int i, n, rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return ctx_err(c, E_FORMAT, "database: %s", sqlite3_errmsg(db));
	printf("%s\n", heading);
	n = sqlite3_column_count(st);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		printf(" ");
		for (i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			printf(" %s", v ? (const char *)v : "-");
		}
		printf("\n");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return ctx_err(c, E_FORMAT, "database: %s", sqlite3_errmsg(db));
	return 0;
}

/*
 * Per namespace of each source: its affected rows (trackers, secdb, ALAS),
 * its OVAL definitions (oval_def rows: one per definition and namespace) and
 * its coverage. An OVAL source has definitions and no rows; a bundle built
 * before the OVAL tables has no oval_def table ("-").
 */
static const char namespaces_sql[] =
"SELECT s.name, n.name, ifnull(a.n, 0), ifnull(d.n, 0), n.coverage\n"
"  FROM namespace n JOIN source s ON s.id = n.source_id\n"
"  LEFT JOIN (SELECT source_id, namespace, count(*) AS n FROM affected\n"
"             GROUP BY source_id, namespace) a\n"
"    ON a.source_id = n.source_id AND a.namespace = n.name\n"
"  LEFT JOIN (SELECT source_id, namespace, count(*) AS n FROM oval_def\n"
"             GROUP BY source_id, namespace) d\n"
"    ON d.source_id = n.source_id AND d.namespace = n.name\n"
" ORDER BY s.id, n.name";
static const char namespaces_no_oval_sql[] =
"SELECT s.name, n.name, ifnull(a.n, 0), '-', n.coverage\n"
"  FROM namespace n JOIN source s ON s.id = n.source_id\n"
"  LEFT JOIN (SELECT source_id, namespace, count(*) AS n FROM affected\n"
"             GROUP BY source_id, namespace) a\n"
"    ON a.source_id = n.source_id AND a.namespace = n.name\n"
" ORDER BY s.id, n.name";

/* *has: whether the database has the oval_def table. */
static int
has_oval_def(struct ctx *c, sqlite3 *db, int *has)
{
	sqlite3_stmt *st = NULL;
	int rc;

	*has = 0;
	if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' "
	    "AND name = 'oval_def'", -1, &st, NULL) != SQLITE_OK)
		return ctx_err(c, E_FORMAT, "database: %s", sqlite3_errmsg(db));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*has = sqlite3_column_int(st, 0) > 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return ctx_err(c, E_FORMAT, "database: %s", sqlite3_errmsg(db));
	return 0;
}

int
feedcmd_info(struct ctx *c, int argc, char **argv)
{
	struct bundle *b = NULL;
	char created[BUNDLE_TIME_LEN + 1], expires[BUNDLE_TIME_LEN + 1];
	uint8_t *zst = NULL;
	size_t len = 0;
	int r, oval = 0;

	if (argc != 2)
		return ctx_err(c, E_USAGE, "info: exactly one bundle expected");
	if ((r = file_read(c, argv[1], BUNDLE_ZST_MAX, &zst, &len)) != 0)
		goto out;
	if ((r = bundle_open_unverified(c, zst, len, &b)) != 0) {
		ctx_prefix(c, "%s", argv[1]);
		goto out;
	}
	bundle_time_format(b->meta.created, created);
	bundle_time_format(b->meta.expires, expires);
	printf("bundle:   %s (%zu bytes, signature not checked here: use airlock verify)\n",
	    argv[1], len);
	printf("format:   %d\nserial:   %" PRIu64 "\ncreated:  %s\nexpires:  %s\n",
	    b->meta.format, b->meta.serial, created, expires);
	if ((r = print_rows(c, b->db, "sources (name, parser version, records, format):",
	    "SELECT name, parser_version, records, format FROM source ORDER BY id")) != 0 ||
	    (r = print_rows(c, b->db, "inputs (source, sha256, bytes, upstream time, path):",
	    "SELECT s.name, i.sha256, i.bytes, i.upstream_time, i.path FROM source_input i "
	    "JOIN source s ON s.id = i.source_id ORDER BY i.id")) != 0 ||
	    (r = has_oval_def(c, b->db, &oval)) != 0 ||
	    (r = print_rows(c, b->db,
	    "namespaces (source, namespace, rows, definitions, coverage):",
	    oval ? namespaces_sql : namespaces_no_oval_sql)) != 0) {
		ctx_prefix(c, "%s", argv[1]);
		goto out;
	}
	r = 0;
out:
	bundle_close(b);
	free(zst);
	return r;
}
