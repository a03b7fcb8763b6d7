/*
 * lookup-shim.c - an LD_PRELOAD library for bench/lookup.sh: times the SQLite
 * calls a process makes (sqlite3_prepare_v2 and _v3, sqlite3_step,
 * sqlite3_reset, sqlite3_finalize) with CLOCK_MONOTONIC, per SQL text (the
 * first line, SHIM_KEY_LEN bytes), and prints one line per text on stderr at
 * exit:
 *   lookup-shim: ENDS PREPARE_NS STEP_NS STEPS RESET_FINALIZE_NS SQL
 * (ENDS: calls to sqlite3_reset and sqlite3_finalize). It is the cross-check
 * of bundle_profile() (bundles/open.c): it counts the time inside SQLite only
 * (all of prepare included, the caller's row callbacks excluded), where
 * bundle_profile counts a run from its compilation to its end, callbacks
 * included.
 *
 * Bench tool only: not built by make, not linked into anything.
 *   cc -O2 -shared -fPIC -o lookup-shim.so bench/lookup-shim.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#define SHIM_SQL_MAX	64	/* distinct SQL texts kept apart; the rest share one row */
#define SHIM_STMT_MAX	64	/* live statements whose text is known */
#define SHIM_KEY_LEN	80	/* bytes of SQL that name a row */

struct shim_row {
	char key[SHIM_KEY_LEN + 1];
	uint64_t runs, prepare_ns, step_ns, steps, finalize_ns;
};

struct shim_live {
	sqlite3_stmt *st;
	size_t row;
};

/* An LD_PRELOAD library has no context to be passed: its state is this one static. */
static struct {
	struct shim_row rows[SHIM_SQL_MAX + 1];
	size_t nrows;
	struct shim_live live[SHIM_STMT_MAX];
	size_t nlive;
	int depth;	/* SQLite calling its own API (sqlite3_exec): counted once */
	int (*prepare)(sqlite3 *, const char *, int, sqlite3_stmt **, const char **);
	int (*prepare3)(sqlite3 *, const char *, int, unsigned, sqlite3_stmt **,
	    const char **);
	int (*step)(sqlite3_stmt *);
	int (*reset)(sqlite3_stmt *);
	int (*finalize)(sqlite3_stmt *);
} S;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *
next(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (f == NULL) {
		fprintf(stderr, "lookup-shim: %s not found\n", name);
		_exit(127);
	}
	return f;
}

/* The row of an SQL text: its first line, at most SHIM_KEY_LEN bytes. */
static size_t
row_of(const char *sql)
{
	char key[SHIM_KEY_LEN + 1];
	size_t i, n;

	for (n = 0; sql[n] != '\0' && sql[n] != '\n' && n < SHIM_KEY_LEN; n++)
		key[n] = sql[n];
	key[n] = '\0';
	for (i = 0; i < S.nrows; i++)
		if (strcmp(S.rows[i].key, key) == 0)
			return i;
	if (S.nrows == SHIM_SQL_MAX) {
		snprintf(S.rows[SHIM_SQL_MAX].key, sizeof(S.rows[0].key), "(other)");
		return SHIM_SQL_MAX;
	}
	memcpy(S.rows[S.nrows].key, key, n + 1);
	return S.nrows++;
}

static struct shim_row *
row_of_stmt(sqlite3_stmt *st, int drop)
{
	size_t i, r;

	for (i = 0; i < S.nlive; i++) {
		if (S.live[i].st == st) {
			r = S.live[i].row;
			if (drop)
				S.live[i] = S.live[--S.nlive];
			return &S.rows[r];
		}
	}
	return NULL;
}

/* After a prepare of sql that took t ns and returned rc, *st. */
static void
prepared(const char *sql, uint64_t t, int rc, sqlite3_stmt **st)
{
	size_t r;

	r = row_of(sql);
	S.rows[r].prepare_ns += t;
	/* SQLite finalizes sqlite3_exec's statements without the PLT: forget any
	 * statement that had this address */
	if (rc == SQLITE_OK && *st != NULL)
		(void)row_of_stmt(*st, 1);
	if (rc == SQLITE_OK && *st != NULL && S.nlive < SHIM_STMT_MAX) {
		S.live[S.nlive].st = *st;
		S.live[S.nlive++].row = r;
	}
}

int
sqlite3_prepare_v2(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail)
{
	uint64_t t;
	int rc;

	if (S.prepare == NULL)
		S.prepare = next("sqlite3_prepare_v2");
	if (S.depth > 0)
		return S.prepare(db, sql, n, st, tail);
	S.depth++;
	t = now_ns();
	rc = S.prepare(db, sql, n, st, tail);
	t = now_ns() - t;
	S.depth--;
	prepared(sql, t, rc, st);
	return rc;
}

int
sqlite3_prepare_v3(sqlite3 *db, const char *sql, int n, unsigned flags, sqlite3_stmt **st,
    const char **tail)
{
	uint64_t t;
	int rc;

	if (S.prepare3 == NULL)
		S.prepare3 = next("sqlite3_prepare_v3");
	if (S.depth > 0)
		return S.prepare3(db, sql, n, flags, st, tail);
	S.depth++;
	t = now_ns();
	rc = S.prepare3(db, sql, n, flags, st, tail);
	t = now_ns() - t;
	S.depth--;
	prepared(sql, t, rc, st);
	return rc;
}

int
sqlite3_step(sqlite3_stmt *st)
{
	struct shim_row *row;
	uint64_t t;
	int rc;

	if (S.step == NULL)
		S.step = next("sqlite3_step");
	if (S.depth > 0)
		return S.step(st);
	S.depth++;
	t = now_ns();
	rc = S.step(st);
	t = now_ns() - t;
	S.depth--;
	if ((row = row_of_stmt(st, 0)) != NULL) {
		row->step_ns += t;
		row->steps++;
	}
	return rc;
}

int
sqlite3_reset(sqlite3_stmt *st)
{
	struct shim_row *row;
	uint64_t t;
	int rc;

	if (S.reset == NULL)
		S.reset = next("sqlite3_reset");
	if (S.depth > 0)
		return S.reset(st);
	S.depth++;
	t = now_ns();
	rc = S.reset(st);
	t = now_ns() - t;
	S.depth--;
	if ((row = row_of_stmt(st, 0)) != NULL) {
		row->finalize_ns += t;
		row->runs++;
	}
	return rc;
}

int
sqlite3_finalize(sqlite3_stmt *st)
{
	struct shim_row *row;
	uint64_t t;
	int rc;

	if (S.finalize == NULL)
		S.finalize = next("sqlite3_finalize");
	if (S.depth > 0 || st == NULL)
		return S.finalize(st);
	row = row_of_stmt(st, 1);
	S.depth++;
	t = now_ns();
	rc = S.finalize(st);
	t = now_ns() - t;
	S.depth--;
	if (row != NULL) {
		row->finalize_ns += t;
		row->runs++;
	}
	return rc;
}

__attribute__((destructor)) static void
report(void)
{
	size_t i;

	for (i = 0; i <= SHIM_SQL_MAX; i++) {
		const struct shim_row *w = &S.rows[i];

		if (w->key[0] == '\0')
			continue;
		fprintf(stderr, "lookup-shim: %llu %llu %llu %llu %llu %s\n",
		    (unsigned long long)w->runs, (unsigned long long)w->prepare_ns,
		    (unsigned long long)w->step_ns, (unsigned long long)w->steps,
		    (unsigned long long)w->finalize_ns, w->key);
	}
}
