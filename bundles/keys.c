/*
 * keys.c - minisign public keys: parsing, key ids, the trusted-key directory,
 * revocation lists, and the strict base64 and printable-UTF-8 checks the
 * signature parser shares.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

/* Named limits of the public-key and revocation-list parsers. */
#define PUBKEY_B64_MAX	64	/* base64 line: 42 bytes encode to 56 characters */
#define KEYDIR_NAME_MAX	255	/* file name in the key directory */
#define REVOKED_LINE_MAX 256	/* a line of a revocation list */

#define KEY_SUFFIX	".pub"

uint64_t
bundle_le64(const uint8_t p[8])
{
	uint64_t x = 0;
	int i;

	for (i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	return x;
}

void
bundle_keyid_hex(const uint8_t keynum[8], char out[17])
{
	snprintf(out, 17, "%016" PRIX64, bundle_le64(keynum));
}

int
bundle_b64_decode(const char *b64, size_t len, uint8_t *out, size_t outlen)
{
	size_t got = 0;

	/* libsodium rejects bad characters, wrong padding, non-zero spare bits,
	 * unconsumed input and output beyond outlen. */
	if (sodium_base642bin(out, outlen, b64, len, NULL, &got, NULL,
	    sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	return got == outlen ? 0 : -1;
}

int
bundle_utf8_printable(const char *s, size_t len)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, need, j;
	uint32_t cp, min;

	while (i < len) {
		uint8_t b = p[i];

		if (b == '\t' || (b >= 0x20 && b <= 0x7e)) {
			i++;
			continue;
		}
		if (b >= 0xc2 && b <= 0xdf) {
			need = 1, cp = b & 0x1f, min = 0x80;
		} else if (b >= 0xe0 && b <= 0xef) {
			need = 2, cp = b & 0x0f, min = 0x800;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3, cp = b & 0x07, min = 0x10000;
		} else {
			return 0;	/* control, DEL, stray continuation, overlong lead */
		}
		if (len - i - 1 < need)
			return 0;
		for (j = 1; j <= need; j++) {
			if ((p[i + j] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		i += need + 1;
	}
	return 1;
}

int
bundle_pubkey_parse(struct ctx *c, const uint8_t *buf, size_t len, struct bundle_pubkey *pk)
{
	uint8_t bin[BUNDLE_PUBKEY_BIN];
	const char *line;
	size_t n;
	struct cur k;
	int r;

	memset(pk, 0, sizeof(*pk));
	if (len > BUNDLE_KEY_MAX)
		return ctx_err(c, E_LIMIT, "public key file larger than %d bytes (BUNDLE_KEY_MAX)",
		    BUNDLE_KEY_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return ctx_err(c, E_FORMAT, "public key file contains a NUL byte");
	cur_init(&k, buf, len);
	if ((r = cur_get_line(&k, BUNDLE_UNTRUSTED_MAX, &line, &n)) != 0) {
		if (r == E_LIMIT)
			return ctx_err(c, E_LIMIT, "public key comment longer than %d bytes",
			    BUNDLE_UNTRUSTED_MAX);
		return ctx_err(c, E_FORMAT, "empty public key file");
	}
	if (n < strlen(BUNDLE_COMMENT_PREFIX) ||
	    memcmp(line, BUNDLE_COMMENT_PREFIX, strlen(BUNDLE_COMMENT_PREFIX)) != 0)
		return ctx_err(c, E_FORMAT, "public key: first line must start with \"%s\"",
		    BUNDLE_COMMENT_PREFIX);
	if ((r = cur_get_line(&k, PUBKEY_B64_MAX, &line, &n)) != 0) {
		if (r == E_LIMIT)
			return ctx_err(c, E_FORMAT, "public key: base64 line too long");
		return ctx_err(c, E_FORMAT, "public key: missing key line");
	}
	if (cur_avail(&k) != 0)
		return ctx_err(c, E_FORMAT, "public key: trailing data after the key line");
	if (bundle_b64_decode(line, n, bin, sizeof(bin)) != 0)
		return ctx_err(c, E_FORMAT, "public key: not base64 of %d bytes",
		    BUNDLE_PUBKEY_BIN);
	if (memcmp(bin, "Ed", BUNDLE_ALG_LEN) != 0)
		return ctx_err(c, E_UNSUPPORTED, "public key: unsupported algorithm (want Ed)");
	/* all zero marks a revoked key in a key list (and is no Ed25519 key) */
	if (sodium_is_zero(bin + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, BUNDLE_PK_LEN))
		return ctx_err(c, E_FORMAT, "public key: all-zero key");
	memcpy(pk->keynum, bin + BUNDLE_ALG_LEN, BUNDLE_KEYNUM_LEN);
	memcpy(pk->pk, bin + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, BUNDLE_PK_LEN);
	return 0;
}

int
bundle_pubkey_load(struct ctx *c, const char *path, struct bundle_pubkey *pk)
{
	uint8_t *buf = NULL;
	size_t len;
	int r;

	memset(pk, 0, sizeof(*pk));
	if ((r = file_read(c, path, BUNDLE_KEY_MAX, &buf, &len)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes (BUNDLE_KEY_MAX)", path,
			    BUNDLE_KEY_MAX);
		return r;
	}
	if ((r = bundle_pubkey_parse(c, buf, len, pk)) != 0)
		ctx_prefix(c, "%s", path);
	free(buf);
	return r;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
is_key_name(const char *name)
{
	size_t n = strlen(name), s = strlen(KEY_SUFFIX);

	return name[0] != '.' && n > s && strcmp(name + n - s, KEY_SUFFIX) == 0;
}

/* Appends the keys of dir's *.pub files to keys[*n] (capacity BUNDLE_KEYS_MAX). */
static int
load_dir(struct ctx *c, const char *dir, struct bundle_pubkey *keys, size_t *n)
{
	char **names = NULL, *path = NULL;
	size_t nnames = 0, i, plen;
	struct dirent *e;
	DIR *d;
	int r = E_INTERNAL;

	if ((d = opendir(dir)) == NULL)
		return ctx_errno(c, E_IO, "%s: key directory", dir);
	for (;;) {
		errno = 0;
		if ((e = readdir(d)) == NULL) {
			if (errno != 0) {
				r = ctx_errno(c, E_IO, "%s: read directory", dir);
				goto out;
			}
			break;
		}
		if (!is_key_name(e->d_name))
			continue;
		if (strlen(e->d_name) > KEYDIR_NAME_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: file name longer than %d bytes", dir,
			    KEYDIR_NAME_MAX);
			goto out;
		}
		if (*n + nnames >= BUNDLE_KEYS_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: more than %d trusted keys (BUNDLE_KEYS_MAX)",
			    dir, BUNDLE_KEYS_MAX);
			goto out;
		}
		names = xreallocarray(names, nnames + 1, sizeof(*names));
		names[nnames++] = xstrdup(e->d_name);
	}
	if (nnames > 0)
		qsort(names, nnames, sizeof(*names), name_cmp);
	for (i = 0; i < nnames; i++) {
		plen = strlen(dir) + 1 + strlen(names[i]) + 1;
		free(path);
		path = xmalloc(plen);
		snprintf(path, plen, "%s/%s", dir, names[i]);
		if ((r = bundle_pubkey_load(c, path, &keys[*n])) != 0)
			goto out;
		(*n)++;
	}
	r = 0;
out:
	closedir(d);
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	free(path);
	return r;
}

static const char *
default_key_dir(void)
{
	const char *dir = getenv("AIRLOCK_KEYS");

	return dir != NULL && *dir != '\0' ? dir : AIRLOCK_KEYS_DIR;
}

int
bundle_pubkey_is_revoked(const struct bundle_pubkey *k)
{
	return sodium_is_zero(k->pk, sizeof(k->pk));
}

/* A hex digit's value, or -1. */
static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int
bundle_revoked_parse(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_keyid **idsp, size_t *nidsp)
{
	struct bundle_keyid *ids = NULL;
	size_t nids = 0, n, lineno = 0, i;
	const char *line;
	struct cur k;
	uint64_t v;
	int r = E_INTERNAL;

	*idsp = NULL;
	*nidsp = 0;
	if (len > BUNDLE_REVOKED_FILE_MAX)
		return ctx_err(c, E_LIMIT, "revocation list larger than %d bytes "
		    "(BUNDLE_REVOKED_FILE_MAX)", BUNDLE_REVOKED_FILE_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return ctx_err(c, E_FORMAT, "revocation list contains a NUL byte");
	cur_init(&k, buf, len);
	while (cur_avail(&k) > 0) {
		lineno++;
		if ((r = cur_get_line(&k, REVOKED_LINE_MAX, &line, &n)) != 0) {
			r = ctx_err(c, r == E_LIMIT ? E_LIMIT : E_FORMAT, "revocation list: "
			    "line %zu: longer than %d bytes", lineno, REVOKED_LINE_MAX);
			goto out;
		}
		while (n > 0 && (*line == ' ' || *line == '\t'))
			line++, n--;
		if (memchr(line, '#', n) != NULL)
			n = (size_t)((const char *)memchr(line, '#', n) - line);
		while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		if (n == 0)
			continue;
		v = 0;
		for (i = 0; i < n && i < 16 && hexval(line[i]) >= 0; i++)
			v = (v << 4) | (uint64_t)hexval(line[i]);
		if (n != 16 || i != 16) {
			r = ctx_err(c, E_FORMAT, "revocation list: line %zu: not a key id "
			    "(16 hex digits)", lineno);
			goto out;
		}
		if (nids == BUNDLE_REVOKED_MAX) {
			r = ctx_err(c, E_LIMIT, "revocation list: more than %d key ids "
			    "(BUNDLE_REVOKED_MAX)", BUNDLE_REVOKED_MAX);
			goto out;
		}
		ids = xreallocarray(ids, nids + 1, sizeof(*ids));
		for (i = 0; i < BUNDLE_KEYNUM_LEN; i++)	/* printed big-endian, stored LE */
			ids[nids].keynum[i] = (uint8_t)(v >> (8 * i));
		nids++;
	}
	*idsp = ids;
	*nidsp = nids;
	ids = NULL;
	r = 0;
out:
	free(ids);
	return r;
}

/*
 * Revokes the ids listed in path among keys[0..*n) (capacity *n + room): wipes
 * the matching keys and appends a wiped entry for an id no key has. E_NOTFOUND
 * without a message when path does not exist and optional is set.
 */
static int
revoke_file(struct ctx *c, const char *path, int optional, struct bundle_pubkey *keys,
    size_t *n, size_t room)
{
	struct bundle_keyid *ids = NULL;
	size_t nids = 0, i, j, added = 0, len;
	uint8_t *buf = NULL;
	struct stat st;
	int r, found;

	if (optional && stat(path, &st) == -1 && (errno == ENOENT || errno == ENOTDIR))
		return E_NOTFOUND;
	if ((r = file_read(c, path, BUNDLE_REVOKED_FILE_MAX, &buf, &len)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes "
			    "(BUNDLE_REVOKED_FILE_MAX)", path, BUNDLE_REVOKED_FILE_MAX);
		return r;
	}
	if ((r = bundle_revoked_parse(c, buf, len, &ids, &nids)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	for (i = 0; i < nids; i++) {
		found = 0;
		for (j = 0; j < *n; j++) {
			if (memcmp(keys[j].keynum, ids[i].keynum, BUNDLE_KEYNUM_LEN) == 0) {
				sodium_memzero(keys[j].pk, sizeof(keys[j].pk));
				found = 1;
			}
		}
		if (found)
			continue;
		if (added == room) {	/* not reached: a list holds at most room ids */
			r = ctx_err(c, E_LIMIT, "%s: more than %d key ids (BUNDLE_REVOKED_MAX)",
			    path, BUNDLE_REVOKED_MAX);
			goto out;
		}
		memcpy(keys[*n].keynum, ids[i].keynum, BUNDLE_KEYNUM_LEN);
		memset(keys[*n].pk, 0, sizeof(keys[*n].pk));
		(*n)++;
		added++;
	}
	r = 0;
out:
	free(ids);
	free(buf);
	return r;
}

int
bundle_keys_load_revoked(struct ctx *c, const char *pubfile, const char *dir,
    const char *revfile, struct bundle_pubkey **keysp, size_t *nkeysp)
{
	struct bundle_pubkey *keys;
	const char *revdir;
	char *path = NULL;
	size_t n = 0, plen;
	int r = E_INTERNAL;

	*keysp = NULL;
	*nkeysp = 0;
	keys = xcalloc(BUNDLE_KEYS_MAX + 2 * (size_t)BUNDLE_REVOKED_MAX, sizeof(*keys));
	if (pubfile == NULL && dir == NULL)
		dir = default_key_dir();
	if (pubfile != NULL) {
		if ((r = bundle_pubkey_load(c, pubfile, &keys[0])) != 0)
			goto out;
		n = 1;
	}
	if (dir != NULL && (r = load_dir(c, dir, keys, &n)) != 0)
		goto out;
	if (n == 0) {
		r = ctx_err(c, E_NOTFOUND, "%s: no trusted keys (*%s files)", dir, KEY_SUFFIX);
		goto out;
	}
	/* capacity: each of the two lists adds at most BUNDLE_REVOKED_MAX ids */
	if (revfile != NULL &&
	    (r = revoke_file(c, revfile, 0, keys, &n, BUNDLE_REVOKED_MAX)) != 0)
		goto out;
	revdir = dir != NULL ? dir : default_key_dir();
	plen = strlen(revdir) + 1 + sizeof(BUNDLE_REVOKED_NAME);
	path = xmalloc(plen);
	snprintf(path, plen, "%s/%s", revdir, BUNDLE_REVOKED_NAME);
	r = revoke_file(c, path, 1, keys, &n, BUNDLE_REVOKED_MAX);
	if (r != 0 && r != E_NOTFOUND)
		goto out;
	*keysp = keys;
	*nkeysp = n;
	keys = NULL;
	r = 0;
out:
	free(path);
	free(keys);
	return r;
}

int
bundle_keys_load(struct ctx *c, const char *pubfile, const char *dir,
    struct bundle_pubkey **keysp, size_t *nkeysp)
{
	return bundle_keys_load_revoked(c, pubfile, dir, NULL, keysp, nkeysp);
}
