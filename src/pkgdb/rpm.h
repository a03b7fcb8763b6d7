/*
 * rpm.h - what the three rpm database readers share (internal to src/pkgdb/).
 *
 * rpm keeps one "header blob" per installed package in its database; the three
 * backends differ only in how they store those blobs: BerkeleyDB hash
 * `Packages` (rpm_bdb.c), SQLite `rpmdb.sqlite` (rpm_sqlite.c) and NDB
 * `Packages.db` (rpm_ndb.c). rpmhdr.c parses a blob and turns it into a
 * struct pkg, and chooses which database of an image is read.
 *
 * A blob, as stored in every backend (a package file's header without its
 * 8-byte magic): il and dl (u32 big-endian: index entries, data bytes), il
 * index entries of 16 bytes (tag, type, offset, count; u32 big-endian each),
 * then the dl-byte data store.
 *
 * Ownership: struct rpm_hdr borrows from the blob it was parsed from.
 */
#ifndef AIRLOCK_PKGDB_RPM_H
#define AIRLOCK_PKGDB_RPM_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct image;
struct image_file;
struct pkglist;

#define RPM_SIGKEY_LEN	16	/* hex digits of an OpenPGP key id */

/* The fields read from one header. Strings point into the blob (each is
 * NUL-terminated inside its data store); absent ones are NULL. */
struct rpm_hdr {
	const char *name;		/* RPMTAG_NAME: always present */
	const char *version;		/* RPMTAG_VERSION: always present */
	const char *release;		/* RPMTAG_RELEASE: always present */
	const char *arch;		/* RPMTAG_ARCH: absent for gpg-pubkey */
	const char *sourcerpm;		/* RPMTAG_SOURCERPM: "NAME-V-R.src.rpm" */
	const char *vendor;		/* RPMTAG_VENDOR */
	const char *modularitylabel;	/* RPMTAG_MODULARITYLABEL "NAME:STREAM:VER:CTX" */
	uint32_t epoch;			/* RPMTAG_EPOCH, when has_epoch */
	int has_epoch;
	/* The OpenPGP issuer key id of the header's signature (rpm_sig_keyid() of
	 * the first of DSAHEADER, RSAHEADER, SIGGPG, SIGPGP present, as rpm's
	 * `%|DSAHEADER?{...}:{%|RSAHEADER?...}|` idiom picks it): 16 lowercase hex
	 * digits, or "" when unsigned or the signature names no issuer. */
	char sigkey[RPM_SIGKEY_LEN + 1];
};

/*
 * Parses one header blob of exactly len bytes. Checks the intro against len,
 * every index entry (type, count, offset, alignment, fixed-size data inside
 * the store) and each field it reads (type, NUL inside the store, printable,
 * RPMHDR_MAX_STRING). E_FORMAT or E_LIMIT with a message; *h is zeroed first.
 */
int rpm_hdr_parse(struct ctx *c, const uint8_t *blob, size_t len, struct rpm_hdr *h);

/*
 * The key id of one OpenPGP signature packet (the data of a signature tag),
 * see rpmsig.c: out gets 16 lowercase hex digits, or "" when the signature
 * names no issuer. E_FORMAT when the data is not exactly one well-formed
 * signature packet, E_UNSUPPORTED for a signature version other than 2, 3, 4
 * or 6, E_LIMIT past RPMSIG_MAX_LEN bytes; out is "" then.
 */
int rpm_sig_keyid(struct ctx *c, const uint8_t *data, size_t len,
    char out[RPM_SIGKEY_LEN + 1]);

/*
 * Parses a blob and appends its package: version "[EPOCH:]VERSION-RELEASE" (the
 * epoch only when the tag is present), source from SOURCERPM (see rpmhdr.c),
 * ecosystem "rpm". Appends nothing on failure.
 */
int rpm_hdr_add(struct ctx *c, const uint8_t *blob, size_t len, int layer,
    struct pkglist *out);

/* The backends, in rpm's own autodetection order (lib/backend/dbi.c). */
enum rpm_backend { RPM_BE_SQLITE, RPM_BE_NDB, RPM_BE_BDB, RPM_BE_N };

/* Where each backend's database lives: rpm's two _dbpath conventions. */
#define RPM_DIR_SYSIMAGE	"usr/lib/sysimage/rpm/"
#define RPM_DIR_VARLIB		"var/lib/rpm/"
#define RPM_FILE_SQLITE		"rpmdb.sqlite"
#define RPM_FILE_NDB		"Packages.db"
#define RPM_FILE_BDB		"Packages"

/*
 * The one rpm database of the image that is read (several can be present:
 * leftovers of a backend migration, or one directory reached through the
 * other's symlink). Returns NULL when there is none, else the file and its
 * backend in *be. See rpmhdr.c for the rule.
 */
const struct image_file *rpm_db_pick(const struct image *img, enum rpm_backend *be);

/*
 * A reader's read(): when the picked database is of backend be, parses it
 * with parse (a pkgdb_rpm_parse_* function) and prefixes any error with the
 * layer and path. Returns 0 and appends nothing when another backend (or
 * none) was picked.
 */
int rpm_read_backend(struct ctx *c, const struct image *img, enum rpm_backend be,
    int (*parse)(struct ctx *, const uint8_t *, size_t, int, struct pkglist *),
    struct pkglist *out);

/* Largest database file any backend reads, and most packages in one. */
#define RPM_MAX_DB_SIZE		((size_t)512 * 1024 * 1024)
#define RPM_MAX_PACKAGES	100000

#endif
