/*
 * feedtest.c - helpers of the feed parser tests: see feedtest.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <sqlite3.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "match/match.h"
#include "feedtest.h"
#include "test.h"

struct bundle_meta *
feedtest_meta(struct bundle_meta *m, uint64_t serial)
{
	memset(m, 0, sizeof(*m));
	m->format = BUNDLE_FORMAT;
	m->serial = serial;
	m->created = 1735787045;	/* 2025-01-02T03:04:05Z */
	m->expires = 1738379045;	/* 2025-02-01T03:04:05Z */
	return m;
}

int
feedtest_build_files(struct ctx *c, const char *dbpath, const struct feed_source *src,
    const char *const *files, size_t n, uint64_t serial, int64_t *counts, int64_t *total)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int64_t sum = 0, recs;
	size_t i;
	int r;

	if (total != NULL)
		*total = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, src->name, src->format,
	    src->parser_version)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		recs = 0;
		r = src->parse(c, files[i][0] == '/' ? files[i] : test_data(files[i]), NULL, w,
		    &recs);
		if (counts != NULL)
			counts[i] = recs;
		if (r != 0)
			goto out;
		sum += recs;
	}
	if (total != NULL)
		*total = sum;
	if ((r = bundle_writer_source_end(c, w, sum)) != 0)
		goto out;
	r = bundle_writer_finish(c, w, feedtest_meta(&m, serial));
 out:
	bundle_writer_free(w);
	return r;
}

int
feedtest_build_doc(struct ctx *c, const char *dbpath, const char *name,
    feedtest_parse_fn parse, const char *doc, uint64_t serial, int64_t *records)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta m;
	int r;

	*records = 0;
	if ((r = bundle_writer_new(c, dbpath, &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, name, "test", "1")) == 0 &&
	    (r = parse(c, (const uint8_t *)doc, strlen(doc), w, records)) == 0 &&
	    (r = bundle_writer_source_end(c, w, *records)) == 0)
		r = bundle_writer_finish(c, w, feedtest_meta(&m, serial));
	bundle_writer_free(w);
	return r;
}

sqlite3 *
feedtest_open(const char *path)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

char *
feedtest_q(sqlite3 *db, const char *sql)
{
	struct sb out = SB_INIT;
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sb_addf(&out, "SQL ERROR: %s", sqlite3_errmsg(db));
		return sb_steal(&out);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *s = (const char *)sqlite3_column_text(st, 0);

		if (out.len > 0)
			sb_addc(&out, '\n');
		sb_adds(&out, s ? s : "NULL");
	}
	if (rc != SQLITE_DONE)
		sb_addf(&out, "SQL ERROR: %s", sqlite3_errmsg(db));
	sqlite3_finalize(st);
	sb_adds(&out, "");
	return sb_steal(&out);
}

char *
feedtest_row(sqlite3 *db, const char *cols, const char *pkg, const char *vuln,
    const char *ns)
{
	char *sql, *s;

	sql = sqlite3_mprintf("SELECT %s FROM affected WHERE package = %Q AND vuln_id = %Q "
	    "AND namespace = %Q ORDER BY id", cols, pkg, vuln, ns);
	s = feedtest_q(db, sql);
	sqlite3_free(sql);
	return s;
}

const struct finding *
feedtest_finding(const struct match_result *m, const char *vuln, const char *pkg)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++)
		if (strcmp(m->findings[i].vuln_id, vuln) == 0 &&
		    (pkg == NULL || strcmp(m->findings[i].package, pkg) == 0))
			return &m->findings[i];
	return NULL;
}

int
feedtest_python(const char *script, const char *args, struct sb *out)
{
	struct sb cmd = SB_INIT;
	char line[4096];
	FILE *f;

	if ((f = fopen("script.py", "w")) == NULL)
		return -1;
	fputs(script, f);
	if (fclose(f) != 0)
		return -1;
	sb_addf(&cmd, "python3 script.py %s", args);
	f = popen(cmd.s, "r");
	sb_free(&cmd);
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		sb_adds(out, line);
	return pclose(f);
}

int
feedtest_no_python(int status)
{
	return status != -1 && WIFEXITED(status) &&
	    (WEXITSTATUS(status) == 127 || WEXITSTATUS(status) == 77);
}

int
feedtest_flip(struct ctx *c, feedtest_parse_fn parse, uint8_t *buf, size_t len,
    size_t *ok, size_t *bad, size_t *at)
{
	uint8_t saved;
	int64_t records;
	size_t i;
	int r;

	*ok = *bad = 0;
	for (i = 0; i < len; i++) {
		saved = buf[i];
		buf[i] ^= (uint8_t)(1u << (i % 8));
		ctx_init(c);
		r = parse(c, buf, len, NULL, &records);
		buf[i] = saved;
		if (r == 0)
			(*ok)++;
		else if (r == E_FORMAT || r == E_LIMIT)
			(*bad)++;
		else {
			*at = i;
			return -1;
		}
	}
	return 0;
}
