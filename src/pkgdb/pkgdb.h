/*
 * pkgdb.h - the installed-package inventory of an image, and its readers.
 *
 * Each package database format is one file (dpkg.c, later apk.c, rpm_*.c) that
 * exports one `const struct pkgdb_reader`; pkgdb.c lists them in one table.
 *
 * Ownership: a pkglist owns its packages and every string in them;
 * pkglist_free() releases all. pkgdb readers append to a list the caller owns.
 */
#ifndef AIRLOCK_PKGDB_H
#define AIRLOCK_PKGDB_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct image;

struct pkg {
	char *name;		/* binary package name */
	char *version;		/* exactly as the package manager prints it */
	char *arch;		/* may be NULL */
	char *source_name;	/* source package (dpkg Source:, apk origin); never NULL */
	char *source_version;	/* never NULL: defaults to version */
	const char *ecosystem;	/* "deb", "apk", "rpm" (static) */
	int layer;		/* 0-based index of the layer that holds its db entry, -1
				 * unknown; inventory_read() then sets the layer that
				 * introduced it (first listing the same name, version, arch) */
	char *modularity_label;	/* rpm: RPMTAG_MODULARITYLABEL
				 * "NAME:STREAM:VERSION:CONTEXT" of a module stream's
				 * package, else NULL */
	char *sigkey;		/* rpm: the OpenPGP issuer key id of the header
				 * signature, 16 lowercase hex digits ("199e2f91fd431d51"),
				 * else NULL (unsigned, or not rpm) */
};

struct pkglist {
	struct pkg *v;
	size_t n;
	size_t cap;
};

/* Appends a package; takes ownership of nothing: every string is copied. */
void pkglist_add(struct pkglist *l, const struct pkg *p);
void pkglist_sort(struct pkglist *l);	/* by name, then version, then arch */
void pkglist_free(struct pkglist *l);	/* NULL is a no-op; l is reusable after */
/* Frees the packages past the first n (a failed reader undoes its appends). */
void pkglist_truncate(struct pkglist *l, size_t n);

struct pkgdb_reader {
	const char *name;	/* "dpkg" */
	const char *ecosystem;	/* "deb" */
	/*
	 * Reads this database from the image's final filesystem and appends what it
	 * finds. Returns 0 and appends nothing when the database is absent.
	 */
	int (*read)(struct ctx *c, const struct image *img, struct pkglist *out);
	/* Paths (relative, no leading '/') the image reader must keep for it. */
	const char *const *paths;	/* NULL-terminated; "dir/" keeps the whole dir */
};

/* NULL-terminated table of every reader. */
extern const struct pkgdb_reader *const pkgdb_readers[];
extern const struct pkgdb_reader pkgdb_dpkg;
extern const struct pkgdb_reader pkgdb_apk;
extern const struct pkgdb_reader pkgdb_rpm_sqlite;
extern const struct pkgdb_reader pkgdb_rpm_ndb;
extern const struct pkgdb_reader pkgdb_rpm_bdb;

/*
 * The wanted-path list to pass to image_open(): image_os_paths followed by
 * every reader's paths, NULL-terminated. The array is allocated (free() it);
 * the strings in it are static.
 */
const char **pkgdb_want_paths(void);

/* Runs every reader; out is filled and sorted. */
int pkgdb_read_all(struct ctx *c, const struct image *img, struct pkglist *out);

/* dpkg status parser on bytes, exposed for tests and fuzzing. layer is copied
 * into each package; distroless status.d stanzas lack Status: pass want_status 0. */
int pkgdb_dpkg_parse(struct ctx *c, const uint8_t *buf, size_t len, int want_status,
    int layer, struct pkglist *out);

/* apk lib/apk/db/installed parser on bytes, exposed for tests and fuzzing:
 * name P, version V, arch A, source_name origin o; layer is copied. */
int pkgdb_apk_parse(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out);

/*
 * rpm databases on bytes, exposed for tests and fuzzing: a BerkeleyDB hash
 * `Packages`, an `rpmdb.sqlite`, an NDB `Packages.db`, or one header blob.
 * Packages: version "[EPOCH:]VERSION-RELEASE", source from SOURCERPM (with the
 * package's epoch), arch NULL for gpg-pubkey; layer is copied. A failure
 * appends nothing.
 */
int pkgdb_rpm_parse_bdb(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out);
int pkgdb_rpm_parse_sqlite(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out);
int pkgdb_rpm_parse_ndb(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out);
int pkgdb_rpm_parse_header(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out);

#endif
