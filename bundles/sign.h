/*
 * sign.h - key generation and signing in minisign's formats (airlock-feed only).
 *
 * The scanner never links this file: `make check` asserts with nm that airlock
 * references no crypto_sign_detached / crypto_sign_keypair.
 *
 * Ownership: a struct bundle_seckey lives in sodium_malloc() memory, returned
 * by bundle_seckey_load() and released (wiped) by bundle_seckey_free().
 */
#ifndef AIRLOCK_BUNDLE_SIGN_H
#define AIRLOCK_BUNDLE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "bundles/bundle.h"

struct ctx;

struct bundle_seckey {
	uint8_t keynum[8];
	uint8_t sk[64];		/* Ed25519 secret key (seed + public key) */
};

/*
 * Writes a new key pair: pubpath in minisign's public-key format, secpath in
 * its secret-key format, unencrypted (kdf "\0\0") when passphrase is NULL.
 * Refuses to overwrite existing files unless force.
 */
int bundle_keygen(struct ctx *c, const char *pubpath, const char *secpath,
    const char *passphrase, int force);
int bundle_seckey_load(struct ctx *c, const char *path, const char *passphrase,
    struct bundle_seckey **out);
void bundle_seckey_free(struct bundle_seckey *k);

/*
 * Produces a minisign signature file body (NUL-terminated, caller frees) over
 * data with the given trusted comment: prehashed Ed25519 ("ED"), key id, and
 * the global signature over signature || trusted comment.
 */
int bundle_sign(struct ctx *c, const struct bundle_seckey *k, const uint8_t *data,
    size_t len, const char *trusted_comment, char **sigfile);

/* --- helpers for the commands (keygen, build, sign) ----------------------- */

#define BUNDLE_EXPIRES_DAYS_DEFAULT 30
#define BUNDLE_EXPIRES_DAYS_MAX     3650
#define BUNDLE_PASSPHRASE_MAX       1024

/* As bundle_keygen, with explicit scrypt limits (bundle_keygen uses libsodium's
 * "sensitive" ones, as minisign; tests use the minimum). */
int bundle_keygen_kdf(struct ctx *c, const char *pubpath, const char *secpath,
    const char *passphrase, int force, uint64_t opslimit, size_t memlimit);

/* The build time: $SOURCE_DATE_EPOCH when set (strict decimal), else time(NULL). */
int bundle_build_time(struct ctx *c, int64_t *t);

/*
 * Fresh metadata for a bundle built now (bundle_build_time): format 1,
 * serial = serial_or_0, or when 0 the build time as the decimal YYYYMMDDHHMMSS,
 * created = build time, expires = created + expires_days days
 * (1..BUNDLE_EXPIRES_DAYS_MAX). keyid and trusted_comment are left empty:
 * signing fills them. The database must carry the same serial (meta table).
 */
int bundle_meta_defaults(struct ctx *c, uint64_t serial_or_0, int expires_days,
    struct bundle_meta *m);

/*
 * Signs data with the trusted comment made from meta (format, serial, created,
 * expires; keyid is taken from k) and writes the signature file to sigpath
 * atomically (mode 0644).
 * bundle_sign_fd hashes the file open on fd from its start, by stream (up to
 * BUNDLE_ZST_MAX bytes; name is for messages), and returns the signature file
 * body in *sigtext (NUL-terminated, caller frees; NULL on failure): the caller
 * decides when to write it. bundle_sign_file signs path that way and writes
 * path.minisig atomically.
 */
int bundle_sign_write(struct ctx *c, const struct bundle_seckey *k, const uint8_t *data,
    size_t len, const struct bundle_meta *meta, const char *sigpath);
int bundle_sign_fd(struct ctx *c, const struct bundle_seckey *k, int fd, const char *name,
    const struct bundle_meta *meta, char **sigtext);
int bundle_sign_file(struct ctx *c, const struct bundle_seckey *k, const char *path,
    const struct bundle_meta *meta);

/*
 * A passphrase from file descriptor fd (its first line, up to
 * BUNDLE_PASSPHRASE_MAX bytes) or, when fd is -1, from $AIRLOCK_PASSPHRASE;
 * *out is NULL when fd is -1 and the variable is unset. Never from argv.
 * *out lives in sodium_malloc() memory: release with bundle_passphrase_free().
 */
int bundle_passphrase_read(struct ctx *c, int fd, char **out);
void bundle_passphrase_free(char *p);

#endif
