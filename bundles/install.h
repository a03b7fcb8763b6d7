/*
 * install.h - the database directory of the isolated side: importing a bundle
 * (verified, rollback-refusing, atomic, locked) and opening the installed one.
 *
 * Layout of DIR (doc/airlock-bundle.5):
 *   DIR/lock                    flock(2)ed exclusively by an import
 *   DIR/current -> gen-S.XXXXXX symlink to the installed generation
 *   DIR/previous -> gen-...     the generation current replaced (one is kept)
 *   DIR/gen-S.XXXXXX/           a generation (S: its serial), never changed once
 *                               complete:
 *       bundle.db.zst           the bundle's two files, byte for byte as
 *       bundle.db.zst.minisig   verified: every open re-verifies them
 *       state                   what the import recorded (install_state)
 * An import writes a new generation, syncs it, then switches `current` by
 * renaming a new symlink over it and syncs DIR: a crash at any moment leaves
 * current at the old or the new generation, both complete. Any other gen-* is
 * left over from an interrupted import; the next import removes it.
 *
 * Order of checks (both import and open): the bundle's files are read once under
 * their size limits; signature shape and algorithm -> key id trusted and not
 * revoked -> signature -> trusted-comment signature and syntax (bundle_verify)
 * -> expiry -> serial >= the installed serial -> decompression of the same
 * verified bytes under the size cap -> SQLite read-only, defensive, quick_check
 * -> the database's meta repeats the signed format and serial.
 *
 * Ownership: install_open() hands over a struct bundle (bundle_close()) and a
 * malloc'd path (free()); struct install_state holds no pointers.
 */
#ifndef AIRLOCK_BUNDLE_INSTALL_H
#define AIRLOCK_BUNDLE_INSTALL_H

#include <stddef.h>
#include <stdint.h>

#include "bundles/bundle.h"

struct ctx;
struct bundle;

/* Named limits of the database directory. */
#define INSTALL_STATE_MAX	4096	/* a state file */
#define INSTALL_GEN_NAME_MAX	64	/* a generation's directory name */

#define INSTALL_STATE_FORMAT	1	/* airlock-db-state=1 */

/*
 * The state file of a generation, one "key=value" line each, in this order:
 *   airlock-db-state=1
 *   serial=N  keyid=HEX16  created=TIME  expires=TIME   (the signed metadata)
 *   imported=TIME                  when it was imported
 *   downgrade=0|1                  1: its serial was below the one it replaced,
 *                                  imported with --allow-downgrade
 *   replaced=N                     (optional) serial of the generation replaced
 * TIME is bundle_time_format's "YYYY-MM-DDTHH:MM:SSZ".
 */
struct install_state {
	uint64_t serial;
	char keyid[17];
	int64_t created;
	int64_t expires;
	int64_t imported;
	int downgrade;
	int replaced_any;		/* replaced_serial is set */
	uint64_t replaced_serial;
	char gen[INSTALL_GEN_NAME_MAX + 1];	/* generation directory name (not stored) */
};

struct install_opts {
	const struct bundle_pubkey *keys;	/* trusted (and revoked) keys */
	size_t nkeys;
	int64_t now;		/* unix time for the expiry check */
	int allow_downgrade;	/* accept (and record) a serial below the installed one */
	int allow_expired;	/* install_open: accept (and flag) an expired bundle */
	size_t db_max;		/* decompressed cap; 0 is BUNDLE_DB_MAX (tests use less) */
};

/* The database directory: dir, else $AIRLOCK_DB_DIR, else AIRLOCK_DB_DIR (/var/lib/airlock). */
const char *install_dir(const char *dir);

int install_state_parse(struct ctx *c, const uint8_t *buf, size_t len,
    struct install_state *st);
/* The state file's text (NUL-terminated) into out; the length, or -1 when short. */
int install_state_format(const struct install_state *st, char *out, size_t outlen);

/*
 * The state of DIR's current generation (st->gen set), without verifying the
 * bundle. E_NOTFOUND (with a message naming DIR) when nothing is installed.
 */
int install_state_read(struct ctx *c, const char *dir, struct install_state *st);
/* The same for DIR's previous generation. */
int install_previous_read(struct ctx *c, const char *dir, struct install_state *st);

/*
 * Imports the bundle at path (and path.minisig) into dir (created if missing,
 * one level), under DIR/lock. Refuses (E_VERIFY, E_FORMAT, E_LIMIT, ...) what
 * bundle_open would, an expired bundle (E_STALE), and a serial below the
 * installed one (E_STALE "bundle serial N is older than the installed serial
 * M") unless o->allow_downgrade, which is recorded. The database must
 * decompress and pass quick_check before anything in dir changes; on any
 * failure dir is unchanged (apart from a first DIR/lock). Importing the
 * installed bundle again changes nothing and sets *unchanged (may be NULL).
 * st (may be NULL) receives the new state.
 */
int install_import(struct ctx *c, const char *dir, const char *path,
    const struct install_opts *o, struct install_state *st, int *unchanged);

/*
 * Opens for scanning: path, or when NULL the installed bundle of dir (E_NOTFOUND
 * "no vulnerability database imported (airlock db import BUNDLE)"). Fully
 * re-verified in the order above. An expired bundle is E_STALE unless
 * o->allow_expired (then meta.expired is set). For an explicit path, a serial
 * below dir's installed one is E_STALE unless o->allow_downgrade (then
 * meta.downgrade is set); for the installed bundle, meta.downgrade repeats the
 * state's. The installed bundle must match its state (serial, key) or E_VERIFY.
 * st (may be NULL) receives the installed state (zeroed when there is none);
 * *opened (may be NULL) the path of the bundle file opened.
 */
int install_open(struct ctx *c, const char *dir, const char *path,
    const struct install_opts *o, struct bundle **out, struct install_state *st,
    char **opened);

#endif
