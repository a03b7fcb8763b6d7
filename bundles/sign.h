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

#endif
