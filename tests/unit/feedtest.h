/*
 * feedtest.h - what the feed parser tests share: building a bundle database
 * from real files or from a document in memory, reading it back with SQL,
 * running python3 for an independent reading, and the byte-flip pass.
 *
 * Every path is relative to the test's own temporary directory (the cwd)
 * unless absolute; file names given to feedtest_build_files() are
 * tests/data-relative unless absolute.
 *
 * Ownership: feedtest_q() returns a string the caller frees with free();
 * feedtest_open() a database the caller closes with sqlite3_close(). Nothing
 * else is kept between calls.
 */
#ifndef AIRLOCK_FEEDTEST_H
#define AIRLOCK_FEEDTEST_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct ctx;
struct sb;
struct bundle_meta;
struct bundle_writer;
struct feed_source;
struct finding;
struct match_result;

/* A parser over bytes in memory: feed_debian_parse_buf() and the like. */
typedef int (*feedtest_parse_fn)(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records);

/* Fixed meta: serial, created 2025-01-02T03:04:05Z, expires 2025-02-01T03:04:05Z. */
struct bundle_meta *feedtest_meta(struct bundle_meta *m, uint64_t serial);

/*
 * files[0..n) as the inputs of one source src into a new, finished database
 * at dbpath; counts[i] gets each file's records (counts may be NULL), *total
 * their sum (total may be NULL). Stops at the first failure.
 */
int feedtest_build_files(struct ctx *c, const char *dbpath, const struct feed_source *src,
    const char *const *files, size_t n, uint64_t serial, int64_t *counts, int64_t *total);

/* One document through parse as source name (format "test", parser version "1"). */
int feedtest_build_doc(struct ctx *c, const char *dbpath, const char *name,
    feedtest_parse_fn parse, const char *doc, uint64_t serial, int64_t *records);

/* The database at path, read-only, or NULL. */
sqlite3 *feedtest_open(const char *path);

/* Every row's first column joined with "\n" (NULL as "NULL"; an error as "SQL ERROR: ..."). */
char *feedtest_q(sqlite3 *db, const char *sql);
/* The affected rows of (pkg, vuln, ns) as cols, an SQL expression, in id order. */
char *feedtest_row(sqlite3 *db, const char *cols, const char *pkg, const char *vuln,
    const char *ns);

/* The first finding for vuln (and, when pkg is not NULL, binary package pkg), or NULL. */
const struct finding *feedtest_finding(const struct match_result *m, const char *vuln,
    const char *pkg);

/*
 * Writes script to ./script.py and runs `python3 script.py ARGS`, appending its
 * standard output to out: its wait status, or -1. feedtest_no_python(status)
 * says python3 (or, with exit 77, a module the script needs) is missing.
 */
int feedtest_python(const char *script, const char *args, struct sb *out);
int feedtest_no_python(int status);

/*
 * Habit 10's corruption pass: parses buf with one byte changed at every offset
 * (bit i % 8 of byte i, restored after). Counts the parses that succeeded (*ok)
 * and failed with E_FORMAT or E_LIMIT (*bad); returns 0, or -1 with *at the
 * offset of any other result (its message in c).
 */
int feedtest_flip(struct ctx *c, feedtest_parse_fn parse, uint8_t *buf, size_t len,
    size_t *ok, size_t *bad, size_t *at);

#define ASSERT_Q(db, sql, want) do { \
	char *got_ = feedtest_q((db), (sql)); \
	int ok_ = strcmp(got_, (want)) == 0; \
	if (!ok_) { test_fail(t, __FILE__, __LINE__, "%s: \"%s\" != \"%s\"", (sql), got_, \
	    (want)); free(got_); sqlite3_close(db); return; } \
	free(got_); \
} while (0)

#define ASSERT_ROW_AS(db, cols, pkg, vuln, ns, want) do { \
	char *got_ = feedtest_row((db), (cols), (pkg), (vuln), (ns)); \
	int ok_ = strcmp(got_, (want)) == 0; \
	if (!ok_) { test_fail(t, __FILE__, __LINE__, "%s %s %s: \"%s\" != \"%s\"", \
	    (pkg), (vuln), (ns), got_, (want)); free(got_); sqlite3_close(db); return; } \
	free(got_); \
} while (0)

/* r is the E_* code want and the message holds text. */
#define ASSERT_ERR(c, r, code, text) do { \
	ASSERT_INT_EQ((r), (code)); \
	if (strstr((c)->err, (text)) == NULL) { test_fail(t, __FILE__, __LINE__, \
	    "message \"%s\" lacks \"%s\"", (c)->err, (text)); return; } \
} while (0)

#endif
