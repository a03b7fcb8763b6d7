/*
 * rpm_sqlite.c - rpm's SQLite `rpmdb.sqlite` (rpm 4.16 and later: Fedora 33+,
 * RHEL 9, Amazon Linux 2023, CBL-Mariner/Azure Linux), read through SQLite
 * without librpm.
 *
 * rpm keeps each package's header blob in `Packages(hnum INTEGER PRIMARY KEY,
 * blob BLOB NOT NULL)` (lib/backend/sqlite.c); the other tables are indexes
 * we do not need. The bytes are untrusted: they are copied into memory that
 * SQLite owns and opened with sqlite3_deserialize() read-only, on a connection
 * with SQLITE_DBCONFIG_DEFENSIVE on, trusted_schema off, triggers and views
 * off, cell_size_check on, every length capped (SQLITE_LIMIT_LENGTH) and a
 * progress handler bounding the work; `PRAGMA quick_check` must say "ok"
 * before anything is read. Then `SELECT blob FROM Packages ORDER BY hnum`.
 *
 * rpm runs SQLite in WAL mode, so the file header says WAL (versions 2/2 at
 * offsets 18/19), which an in-memory database cannot open: the copy says
 * rollback journal instead (same pages). A `rpmdb.sqlite-wal` beside it is
 * not read: rpm checkpoints and removes it when it closes the database, as it
 * does at the end of every image build step.
 */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "base/ctx.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"

#define RPMSQL_MAX_VM_STEPS	(256u * 1024 * 1024)	/* VM instructions, in all */
#define RPMSQL_PROGRESS_EVERY	1000		/* instructions between checks */
#define RPMSQL_MAX_BLOB		(64 * 1024 * 1024)	/* one value (a header blob) */

static const char sqlite_magic[16] = "SQLite format 3";	/* with its NUL */

struct progress {
	unsigned int calls;
};

static int
on_progress(void *v)
{
	struct progress *p = v;

	return ++p->calls > RPMSQL_MAX_VM_STEPS / RPMSQL_PROGRESS_EVERY;
}

static int
db_err(struct ctx *c, int code, sqlite3 *db, const struct progress *pr, const char *what)
{
	if (pr->calls > RPMSQL_MAX_VM_STEPS / RPMSQL_PROGRESS_EVERY)
		return ctx_err(c, E_LIMIT, "%s: more than RPMSQL_MAX_VM_STEPS (%u)", what,
		    RPMSQL_MAX_VM_STEPS);
	return ctx_err(c, code, "%s: %s", what, db ? sqlite3_errmsg(db) : "out of memory");
}

int
pkgdb_rpm_parse_sqlite(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out)
{
	struct progress pr = { 0 };
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	unsigned char *copy;
	const unsigned char *res;
	const void *blob;
	size_t n0 = out->n, npkgs = 0;
	int r = E_INTERNAL, rc, blen;

	if (len > RPM_MAX_DB_SIZE) {
		r = ctx_err(c, E_LIMIT, "%zu bytes, more than RPM_MAX_DB_SIZE (%zu)", len,
		    RPM_MAX_DB_SIZE);
		goto out;
	}
	if (len < 100 || memcmp(buf, sqlite_magic, sizeof(sqlite_magic)) != 0) {
		r = ctx_err(c, E_FORMAT, "not an SQLite database");
		goto out;
	}
	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
	    NULL) != SQLITE_OK) {
		r = db_err(c, E_NOMEM, db, &pr, "sqlite open");
		goto out;
	}
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL) != SQLITE_OK) {
		r = db_err(c, E_INTERNAL, db, &pr, "sqlite configure");
		goto out;
	}
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, RPMSQL_MAX_BLOB);
	sqlite3_progress_handler(db, RPMSQL_PROGRESS_EVERY, on_progress, &pr);
	if ((copy = sqlite3_malloc64(len)) == NULL) {
		r = ctx_err(c, E_NOMEM, "out of memory for %zu bytes", len);
		goto out;
	}
	memcpy(copy, buf, len);
	if (copy[18] == 2 && copy[19] == 2)
		copy[18] = copy[19] = 1;	/* WAL -> rollback journal */
	/* FREEONCLOSE: SQLite frees copy, also when this fails */
	rc = sqlite3_deserialize(db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
	    SQLITE_DESERIALIZE_READONLY | SQLITE_DESERIALIZE_FREEONCLOSE);
	if (rc != SQLITE_OK) {
		r = db_err(c, E_FORMAT, db, &pr, "sqlite load");
		goto out;
	}
	if (sqlite3_exec(db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL) != SQLITE_OK) {
		r = db_err(c, E_FORMAT, db, &pr, "cell_size_check");
		goto out;
	}
	if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK) {
		r = db_err(c, E_FORMAT, db, &pr, "quick_check");
		goto out;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = db_err(c, E_FORMAT, db, &pr, "quick_check");
		goto out;
	}
	res = sqlite3_column_text(st, 0);
	if (res == NULL || strcmp((const char *)res, "ok") != 0) {
		r = ctx_err(c, E_FORMAT, "quick_check: %.200s", res ? (const char *)res :
		    "no result");
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT hnum, blob FROM main.Packages ORDER BY hnum", -1,
	    &st, NULL) != SQLITE_OK) {
		r = db_err(c, E_FORMAT, db, &pr, "Packages table");
		goto out;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (++npkgs > RPM_MAX_PACKAGES) {
			r = ctx_err(c, E_LIMIT, "more than RPM_MAX_PACKAGES (%d) rows",
			    RPM_MAX_PACKAGES);
			goto out;
		}
		if (sqlite3_column_type(st, 1) != SQLITE_BLOB) {
			r = ctx_err(c, E_FORMAT, "Packages row %lld: blob is not a BLOB",
			    (long long)sqlite3_column_int64(st, 0));
			goto out;
		}
		blob = sqlite3_column_blob(st, 1);
		blen = sqlite3_column_bytes(st, 1);
		if (blob == NULL || blen <= 0) {
			r = ctx_err(c, E_FORMAT, "Packages row %lld: empty blob",
			    (long long)sqlite3_column_int64(st, 0));
			goto out;
		}
		if ((r = rpm_hdr_add(c, blob, (size_t)blen, layer, out)) != 0) {
			ctx_prefix(c, "Packages row %lld", (long long)sqlite3_column_int64(st, 0));
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		r = db_err(c, E_FORMAT, db, &pr, "Packages");
		goto out;
	}
	r = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (r != 0)
		pkglist_truncate(out, n0);
	return r;
}

static int
sqlite_read(struct ctx *c, const struct image *img, struct pkglist *out)
{
	return rpm_read_backend(c, img, RPM_BE_SQLITE, pkgdb_rpm_parse_sqlite, out);
}

static const char *const sqlite_paths[] = {
	RPM_DIR_SYSIMAGE RPM_FILE_SQLITE, RPM_DIR_VARLIB RPM_FILE_SQLITE, NULL,
};

const struct pkgdb_reader pkgdb_rpm_sqlite = {
	.name = "rpm-sqlite",
	.ecosystem = "rpm",
	.read = sqlite_read,
	.paths = sqlite_paths,
};
