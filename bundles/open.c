/*
 * open.c - from a verified NAME.db.zst to a read-only in-memory SQLite database.
 *
 * The bytes that are hashed and verified are the bytes that are decompressed:
 * the file is read once into memory and never re-read. Decompression counts
 * output against a cap; SQLite gets the image read-only with defensive mode on,
 * trusted_schema off, and must pass quick_check before anything is queried.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>
#include <zstd.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

/* Named limits of the bundle reader (with BUNDLE_ZST_MAX/DB_MAX/SIG_MAX). */
#define DB_OUT_INITIAL	((size_t)1 << 20)	/* first output allocation */
#define META_VALUE_MAX	64			/* a value in the meta table */

#define SIG_SUFFIX	".minisig"
#define SQLITE_HEADER	"SQLite format 3"	/* with its NUL: 16 bytes */

/*
 * Decompresses every zstd frame of src into one malloc'd buffer of at most max
 * bytes: E_LIMIT beyond, E_FORMAT when corrupt or truncated.
 */
static int
zstd_decompress(struct ctx *c, const uint8_t *src, size_t len, size_t max, uint8_t **outp,
    size_t *outlenp)
{
	ZSTD_DCtx *dctx = NULL;
	ZSTD_inBuffer in = { src, len, 0 };
	ZSTD_outBuffer ob;
	unsigned long long hint;
	uint8_t *buf = NULL;
	size_t cap, outlen = 0, ret = 1, limit;
	int r = E_INTERNAL;

	*outp = NULL;
	*outlenp = 0;
	if (len == 0)
		return ctx_err(c, E_FORMAT, "empty bundle");
	if (ckd_add(&limit, max, (size_t)1))
		return ctx_err(c, E_INTERNAL, "decompression cap overflows");
	hint = ZSTD_getFrameContentSize(src, len);
	if (hint == ZSTD_CONTENTSIZE_ERROR)
		return ctx_err(c, E_FORMAT, "not a zstd frame");
	if (hint != ZSTD_CONTENTSIZE_UNKNOWN && hint > max)
		return ctx_err(c, E_LIMIT, "database of %llu bytes is larger than %zu bytes "
		    "(BUNDLE_DB_MAX)", hint, max);
	/* The declared size is only a hint for the first allocation; the output is
	 * counted regardless. One byte more lets the last read hit end of frame. */
	cap = hint != ZSTD_CONTENTSIZE_UNKNOWN ? (size_t)hint + 1 : DB_OUT_INITIAL;
	if (cap > limit)
		cap = limit;
	buf = xmalloc(cap);
	if ((dctx = ZSTD_createDCtx()) == NULL) {
		r = ctx_err(c, E_NOMEM, "zstd: cannot create a decompression context");
		goto out;
	}
	for (;;) {
		if (outlen == cap) {
			cap = cap > limit / 2 ? limit : cap * 2;
			buf = xreallocarray(buf, cap, 1);
		}
		ob.dst = buf + outlen;
		ob.size = cap - outlen;
		ob.pos = 0;
		ret = ZSTD_decompressStream(dctx, &ob, &in);
		if (ZSTD_isError(ret)) {
			r = ctx_err(c, E_FORMAT, "zstd: %s", ZSTD_getErrorName(ret));
			goto out;
		}
		outlen += ob.pos;
		if (outlen > max) {
			r = ctx_err(c, E_LIMIT, "database larger than %zu bytes (BUNDLE_DB_MAX)",
			    max);
			goto out;
		}
		if (in.pos == in.size && ob.pos < ob.size)
			break;
	}
	if (ret != 0) {
		r = ctx_err(c, E_FORMAT, "zstd: truncated frame");
		goto out;
	}
	*outp = buf;
	*outlenp = outlen;
	buf = NULL;
	r = 0;
out:
	ZSTD_freeDCtx(dctx);
	free(buf);
	return r;
}

static int
db_err(struct ctx *c, int code, sqlite3 *db, const char *what)
{
	return ctx_err(c, code, "database: %s: %s", what, db ? sqlite3_errmsg(db) : "no handle");
}

/* Opens image (taken over: freed on failure too) as b->db, read-only. */
static int
db_open_image(struct ctx *c, uint8_t *image, size_t len, struct bundle **out)
{
	struct bundle *b = xcalloc(1, sizeof(*b));
	sqlite3_stmt *st = NULL;
	const char *res;
	int r = E_INTERNAL, rc;

	*out = NULL;
	b->image = image;
	b->image_len = len;
	if (len > (size_t)INT64_MAX) {
		r = ctx_err(c, E_LIMIT, "database too large");
		goto out;
	}
	rc = sqlite3_open_v2(":memory:", &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL);
	if (rc != SQLITE_OK) {
		r = db_err(c, E_NOMEM, b->db, "open");
		goto out;
	}
	if (sqlite3_db_config(b->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK ||
	    sqlite3_db_config(b->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL) !=
	    SQLITE_OK) {
		r = db_err(c, E_INTERNAL, b->db, "configure");
		goto out;
	}
	/* A database last written in WAL mode says so in its header (file format
	 * versions 2/2 at offsets 18/19), and SQLite cannot open such an image from
	 * memory. Read it as a rollback-journal database: same pages, read-only. */
	if (len >= 20 && memcmp(b->image, SQLITE_HEADER, sizeof(SQLITE_HEADER)) == 0 &&
	    b->image[18] == 2 && b->image[19] == 2) {
		b->image[18] = 1;
		b->image[19] = 1;
	}
	rc = sqlite3_deserialize(b->db, "main", b->image, (sqlite3_int64)len,
	    (sqlite3_int64)len, SQLITE_DESERIALIZE_READONLY);
	if (rc != SQLITE_OK) {
		r = db_err(c, E_FORMAT, b->db, "load");
		goto out;
	}
	if (sqlite3_exec(b->db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL) != SQLITE_OK) {
		r = db_err(c, E_FORMAT, b->db, "cell_size_check");
		goto out;
	}
	if (sqlite3_prepare_v2(b->db, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK) {
		r = db_err(c, E_FORMAT, b->db, "quick_check");
		goto out;
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		r = db_err(c, E_FORMAT, b->db, "quick_check");
		goto out;
	}
	res = (const char *)sqlite3_column_text(st, 0);
	if (res == NULL || strcmp(res, "ok") != 0) {
		r = ctx_err(c, E_FORMAT, "database: quick_check: %.200s", res ? res : "no result");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		r = ctx_err(c, E_FORMAT, "database: quick_check reports problems");
		goto out;
	}
	*out = b;
	b = NULL;
	r = 0;
out:
	sqlite3_finalize(st);
	bundle_close(b);
	return r;
}

/* Copies the meta table's value for key into val (NUL-terminated). */
static int
meta_get(struct ctx *c, sqlite3 *db, const char *key, char val[META_VALUE_MAX + 1])
{
	sqlite3_stmt *st = NULL;
	const unsigned char *v;
	int r = E_INTERNAL, n, rc;

	val[0] = '\0';
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) !=
	    SQLITE_OK) {
		r = db_err(c, E_FORMAT, db, "meta table");
		goto out;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		r = ctx_err(c, E_FORMAT, "database: meta table has no %s", key);
		goto out;
	}
	if (rc != SQLITE_ROW) {
		r = db_err(c, E_FORMAT, db, "meta table");
		goto out;
	}
	v = sqlite3_column_text(st, 0);
	n = sqlite3_column_bytes(st, 0);
	if (v == NULL || sqlite3_column_type(st, 0) != SQLITE_TEXT) {
		r = ctx_err(c, E_FORMAT, "database: meta %s is not text", key);
		goto out;
	}
	if (n < 0 || n > META_VALUE_MAX) {
		r = ctx_err(c, E_LIMIT, "database: meta %s longer than %d bytes", key,
		    META_VALUE_MAX);
		goto out;
	}
	memcpy(val, v, (size_t)n);
	val[n] = '\0';
	if (strlen(val) != (size_t)n) {
		r = ctx_err(c, E_FORMAT, "database: meta %s contains a NUL byte", key);
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	return r;
}

/* Canonical decimal u64 (no sign, no leading zero, no overflow). */
static int
parse_dec_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	*v = 0;
	if (*s == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (ckd_mul(&x, x, (uint64_t)10) || ckd_add(&x, x, (uint64_t)(*s - '0')))
			return -1;
	}
	*v = x;
	return 0;
}

/* A meta time: ISO "YYYY-MM-DDTHH:MM:SSZ" or decimal unix seconds. */
static int
parse_meta_time(const char *s, int64_t *t)
{
	uint64_t u;

	if (bundle_time_parse(s, strlen(s), t) == 0)
		return 0;
	if (parse_dec_u64(s, &u) != 0 || u > (uint64_t)INT64_MAX)
		return -1;
	*t = (int64_t)u;
	return 0;
}

/* The database's meta must be the signed one: same format version and serial. */
static int
check_db_meta(struct ctx *c, sqlite3 *db, const struct bundle_meta *m)
{
	char val[META_VALUE_MAX + 1], want[32];
	int r;

	if ((r = meta_get(c, db, "format_version", val)) != 0)
		return r;
	snprintf(want, sizeof(want), "%d", m->format);
	if (strcmp(val, want) != 0)
		return ctx_err(c, E_VERIFY, "database format_version %s does not match the signed "
		    "format %s", val, want);
	if ((r = meta_get(c, db, "serial", val)) != 0)
		return r;
	snprintf(want, sizeof(want), "%" PRIu64, m->serial);
	if (strcmp(val, want) != 0)
		return ctx_err(c, E_VERIFY, "database serial %s does not match the signed "
		    "serial %s", val, want);
	return 0;
}

int
bundle_open_capped(struct ctx *c, const char *path, const struct bundle_pubkey *keys,
    size_t nkeys, int64_t now, size_t db_max, struct bundle **out)
{
	uint8_t *zst = NULL, *sig = NULL;
	size_t zlen = 0, siglen = 0, splen;
	char *sigpath = NULL, when[BUNDLE_TIME_LEN + 1];
	struct bundle_meta meta;
	struct bundle *b = NULL;
	int r = E_INTERNAL;

	*out = NULL;
	splen = strlen(path) + sizeof(SIG_SUFFIX);
	sigpath = xmalloc(splen);
	snprintf(sigpath, splen, "%s%s", path, SIG_SUFFIX);
	if ((r = file_read(c, path, BUNDLE_ZST_MAX, &zst, &zlen)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (BUNDLE_ZST_MAX)", path,
			    BUNDLE_ZST_MAX);
		goto out;
	}
	if ((r = file_read(c, sigpath, BUNDLE_SIG_MAX, &sig, &siglen)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes (BUNDLE_SIG_MAX)",
			    sigpath, BUNDLE_SIG_MAX);
		goto out;
	}
	if ((r = bundle_verify(c, zst, zlen, sig, siglen, keys, nkeys, &meta)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	if (now != 0 && now > meta.expires) {
		bundle_time_format(meta.expires, when);
		r = ctx_err(c, E_STALE, "%s: expired on %s (serial %" PRIu64 ")", path, when,
		    meta.serial);
		goto out;
	}
	/* The verified buffer itself, never the file again. */
	r = bundle_db_load(c, zst, zlen, db_max, &b);
	free(zst);
	zst = NULL;
	if (r != 0 || (r = check_db_meta(c, b->db, &meta)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	b->meta = meta;
	*out = b;
	b = NULL;
	r = 0;
out:
	bundle_close(b);
	free(zst);
	free(sig);
	free(sigpath);
	return r;
}

int
bundle_open(struct ctx *c, const char *path, const struct bundle_pubkey *keys, size_t nkeys,
    int64_t now, struct bundle **out)
{
	return bundle_open_capped(c, path, keys, nkeys, now, BUNDLE_DB_MAX, out);
}

int
bundle_db_load(struct ctx *c, const uint8_t *zst, size_t len, size_t db_max,
    struct bundle **out)
{
	uint8_t *image = NULL;
	size_t ilen = 0;
	int r;

	*out = NULL;
	if ((r = zstd_decompress(c, zst, len, db_max, &image, &ilen)) != 0)
		return r;
	return db_open_image(c, image, ilen, out);	/* takes image, even on failure */
}

int
bundle_db_read_meta(struct ctx *c, struct bundle *b)
{
	char val[META_VALUE_MAX + 1];
	int r;

	if ((r = meta_get(c, b->db, "format_version", val)) != 0)
		return r;
	if (strcmp(val, "1") != 0)
		return ctx_err(c, E_UNSUPPORTED, "database format_version %s is not supported "
		    "(want %d)", val, BUNDLE_FORMAT);
	b->meta.format = BUNDLE_FORMAT;
	if ((r = meta_get(c, b->db, "serial", val)) != 0)
		return r;
	if (parse_dec_u64(val, &b->meta.serial) != 0)
		return ctx_err(c, E_FORMAT, "database: bad meta serial '%s'", val);
	if ((r = meta_get(c, b->db, "created", val)) != 0)
		return r;
	if (parse_meta_time(val, &b->meta.created) != 0)
		return ctx_err(c, E_FORMAT, "database: bad meta created '%s'", val);
	if ((r = meta_get(c, b->db, "expires", val)) != 0)
		return r;
	if (parse_meta_time(val, &b->meta.expires) != 0)
		return ctx_err(c, E_FORMAT, "database: bad meta expires '%s'", val);
	return 0;
}

void
bundle_close(struct bundle *b)
{
	if (b == NULL)
		return;
	bundle_statements_release(b);	/* the kept statements (query.c) */
	if (b->db != NULL) {
		sqlite3_stmt *st;

		/* A plain close with nothing left open: no zombie connection may
		 * outlive the image it reads. */
		while ((st = sqlite3_next_stmt(b->db, NULL)) != NULL)
			sqlite3_finalize(st);
		sqlite3_close(b->db);
	}
	free(b->image);
	free(b);
}

const struct bundle_meta *
bundle_get_meta(const struct bundle *b)
{
	return &b->meta;
}

/*
 * Lookup timing (bundle.h). SQLite's own SQLITE_TRACE_PROFILE figure is read
 * from the VFS clock, which counts whole milliseconds (unix VFS, SQLite 3.40):
 * a lookup takes microseconds, so it reads 0 or 1000000 ns. The trace events
 * serve as brackets instead: SQLITE_TRACE_STMT fires in a run's first
 * sqlite3_step, SQLITE_TRACE_PROFILE when the run ends (a step returning
 * SQLITE_DONE or an error, else sqlite3_reset or sqlite3_finalize), and the
 * interval between them is timed here with CLOCK_MONOTONIC.
 *
 * No trace event covers sqlite3_prepare, which costs more than the steps of a
 * lookup (bench/README.md), so an authorizer that allows everything marks where
 * compiling starts: its first call (the statement has been parsed, its names
 * are being resolved) opens the interval that the run's end closes. What
 * comes before that first call, tokenizing and parsing, is not counted; a
 * statement compiled but never run (an error in between) leaves the interval
 * open until the next run ends.
 */
static uint64_t
prof_now(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The authorizer: allows everything, notes when a compile starts. */
static int
prof_auth(void *arg, int action, const char *a, const char *b2, const char *db,
    const char *trigger)
{
	struct bundle *b = arg;

	(void)action, (void)a, (void)b2, (void)db, (void)trigger;
	if (b->prof_nrun == 0 && !b->prof_compiling) {
		b->prof_since = prof_now();
		b->prof_compiling = 1;
	}
	return SQLITE_OK;
}

static int
prof_trace(unsigned type, void *arg, void *p, void *x)
{
	struct bundle *b = arg;
	sqlite3_stmt *st = p;
	uint64_t now;
	size_t i;

	(void)x;
	for (i = 0; i < b->prof_nrun; i++)
		if (b->prof_run[i] == st)
			break;
	if (type == SQLITE_TRACE_STMT) {
		/* trigger programs report again under the same statement: once is enough */
		if (i < b->prof_nrun)
			return 0;
		if (b->prof_nrun == 0 && !b->prof_compiling)
			b->prof_since = prof_now();
		b->prof_compiling = 0;
		/* beyond the limit a run is still counted, inside the runs around it */
		if (b->prof_nrun < BUNDLE_PROF_RUNS_MAX)
			b->prof_run[b->prof_nrun++] = st;
		return 0;
	}
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	b->prof_nstmts++;
	if (i == b->prof_nrun)
		return 0;
	b->prof_run[i] = b->prof_run[--b->prof_nrun];
	if (b->prof_nrun == 0) {
		now = prof_now();
		if (now > b->prof_since)
			b->prof_ns += now - b->prof_since;
	}
	return 0;
}

int
bundle_profile_enable(struct ctx *c, struct bundle *b)
{
	if (b == NULL || b->db == NULL)
		return ctx_err(c, E_INTERNAL, "bundle_profile_enable: bundle not open");
	if (sqlite3_trace_v2(b->db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, prof_trace, b) !=
	    SQLITE_OK)
		return db_err(c, E_INTERNAL, b->db, "trace");
	if (sqlite3_set_authorizer(b->db, prof_auth, b) != SQLITE_OK)
		return db_err(c, E_INTERNAL, b->db, "authorizer");
	return 0;
}

void
bundle_profile(const struct bundle *b, uint64_t *ns, uint64_t *nstmts)
{
	*ns = b != NULL ? b->prof_ns : 0;
	*nstmts = b != NULL ? b->prof_nstmts : 0;
}
