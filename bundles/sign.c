/*
 * sign.c - key generation, secret keys and signing in minisign's formats
 * (airlock-feed only: airlock must not link this file).
 *
 * Secret key material lives only in sodium_malloc() memory (guarded, locked,
 * wiped on sodium_free); stack temporaries are wiped with sodium_memzero.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/cur.h"
#include "base/file.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/sign.h"

/* Named limits of the secret-key parser. */
#define SECKEY_FILE_MAX	4096	/* secret key file */
#define SECKEY_B64_MAX	256	/* base64 line: 158 bytes encode to 212 characters */
#define KDF_OPSLIMIT_MAX crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE
#define KDF_MEMLIMIT_MAX crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE
#define BUILD_TIME_DIGITS 18	/* $SOURCE_DATE_EPOCH */

/* Secret key layout: sig_alg kdf_alg chk_alg salt opslimit memlimit | keynum sk chk,
 * the part after | being XORed with the scrypt stream when encrypted. */
#define SK_OFF_SIGALG	0
#define SK_OFF_KDFALG	2
#define SK_OFF_CHKALG	4
#define SK_OFF_SALT	6
#define SK_SALT_LEN	crypto_pwhash_scryptsalsa208sha256_SALTBYTES	/* 32 */
#define SK_OFF_OPS	(SK_OFF_SALT + SK_SALT_LEN)
#define SK_OFF_MEM	(SK_OFF_OPS + 8)
#define SK_OFF_KEYNUM	(SK_OFF_MEM + 8)
#define SK_OFF_SK	(SK_OFF_KEYNUM + BUNDLE_KEYNUM_LEN)
#define SK_OFF_CHK	(SK_OFF_SK + BUNDLE_SK_LEN)
#define SK_CHK_LEN	crypto_generichash_BYTES	/* 32 */
#define SK_BIN		(SK_OFF_CHK + SK_CHK_LEN)	/* 158 */
#define SK_ENC_LEN	(SK_BIN - SK_OFF_KEYNUM)	/* 104 */

#define SECKEY_COMMENT	BUNDLE_COMMENT_PREFIX "minisign encrypted secret key"
#define SIG_COMMENT	BUNDLE_COMMENT_PREFIX "signature from airlock-feed secret key"
#define SIG_SUFFIX	".minisig"
#define SIGN_READ_CHUNK	(1 << 20)	/* bytes hashed per read when signing a file */

_Static_assert(SK_BIN == 158, "minisign secret key is 158 bytes");

static void
le64_store(uint8_t *p, uint64_t x)
{
	int i;

	for (i = 0; i < 8; i++, x >>= 8)
		p[i] = (uint8_t)(x & 0xff);
}

static int
sodium_ready(struct ctx *c)
{
	if (sodium_init() < 0)
		return ctx_err(c, E_INTERNAL, "libsodium initialization failed");
	return 0;
}

/* BLAKE2b-256(sig_alg || keynum || sk) of a decoded (decrypted) secret key. */
static void
seckey_chk(const uint8_t *bin, uint8_t chk[SK_CHK_LEN])
{
	crypto_generichash_state hs;

	crypto_generichash_init(&hs, NULL, 0, SK_CHK_LEN);
	crypto_generichash_update(&hs, bin + SK_OFF_SIGALG, BUNDLE_ALG_LEN);
	crypto_generichash_update(&hs, bin + SK_OFF_KEYNUM, BUNDLE_KEYNUM_LEN);
	crypto_generichash_update(&hs, bin + SK_OFF_SK, BUNDLE_SK_LEN);
	crypto_generichash_final(&hs, chk, SK_CHK_LEN);
	sodium_memzero(&hs, sizeof(hs));
}

/* XORs the keynum||sk||chk part of bin with the scrypt stream of passphrase. */
static int
seckey_crypt(struct ctx *c, uint8_t *bin, const char *passphrase, uint64_t ops, size_t mem)
{
	uint8_t *stream = sodium_malloc(SK_ENC_LEN);
	size_t i;

	if (stream == NULL)
		return ctx_err(c, E_NOMEM, "out of secure memory");
	if (crypto_pwhash_scryptsalsa208sha256(stream, SK_ENC_LEN, passphrase,
	    strlen(passphrase), bin + SK_OFF_SALT, (unsigned long long)ops, mem) != 0) {
		sodium_free(stream);
		return ctx_err(c, E_NOMEM, "scrypt key derivation failed (out of memory?)");
	}
	for (i = 0; i < SK_ENC_LEN; i++)
		bin[SK_OFF_KEYNUM + i] ^= stream[i];
	sodium_free(stream);
	return 0;
}

static int
refuse_existing(struct ctx *c, const char *path)
{
	struct stat st;

	if (lstat(path, &st) == 0)
		return ctx_err(c, E_USAGE, "%s: already exists (use -f to overwrite)", path);
	if (errno != ENOENT)
		return ctx_errno(c, E_IO, "%s", path);
	return 0;
}

/* "comment\nBASE64(bin)\n" in sodium_malloc memory; *len excludes the NUL. */
static char *
key_text(const char *comment, const uint8_t *bin, size_t binlen, size_t *len)
{
	size_t clen = strlen(comment);
	size_t blen = sodium_base64_ENCODED_LEN(binlen, sodium_base64_VARIANT_ORIGINAL);
	char *t = sodium_malloc(clen + 1 + blen + 1);

	if (t == NULL)
		return NULL;
	memcpy(t, comment, clen);
	t[clen] = '\n';
	sodium_bin2base64(t + clen + 1, blen, bin, binlen, sodium_base64_VARIANT_ORIGINAL);
	*len = clen + 1 + strlen(t + clen + 1);
	t[*len] = '\n';
	(*len)++;
	return t;
}

int
bundle_keygen_kdf(struct ctx *c, const char *pubpath, const char *secpath,
    const char *passphrase, int force, uint64_t ops, size_t mem)
{
	uint8_t pub[BUNDLE_PUBKEY_BIN], *bin = NULL;
	char *sectext = NULL, *pubtext = NULL, comment[64], keyid[17];
	size_t seclen = 0, publen = 0;
	int r = E_INTERNAL;

	if ((r = sodium_ready(c)) != 0)
		return r;
	if (passphrase != NULL && *passphrase == '\0')
		return ctx_err(c, E_USAGE, "empty passphrase");
	if (!force && ((r = refuse_existing(c, pubpath)) != 0 ||
	    (r = refuse_existing(c, secpath)) != 0))
		return r;
	if ((bin = sodium_malloc(SK_BIN)) == NULL)
		return ctx_err(c, E_NOMEM, "out of secure memory");
	memset(bin, 0, SK_BIN);
	memcpy(bin + SK_OFF_SIGALG, "Ed", 2);
	memcpy(bin + SK_OFF_KDFALG, passphrase ? "Sc" : "\0\0", 2);
	memcpy(bin + SK_OFF_CHKALG, "B2", 2);
	randombytes_buf(bin + SK_OFF_KEYNUM, BUNDLE_KEYNUM_LEN);
	memcpy(pub, "Ed", 2);
	memcpy(pub + BUNDLE_ALG_LEN, bin + SK_OFF_KEYNUM, BUNDLE_KEYNUM_LEN);
	crypto_sign_keypair(pub + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, bin + SK_OFF_SK);
	/* Unlike minisign -W (zeros), unencrypted keys get their checksum too. */
	seckey_chk(bin, bin + SK_OFF_CHK);
	if (passphrase != NULL) {
		randombytes_buf(bin + SK_OFF_SALT, SK_SALT_LEN);
		/* As minisign: halve the cost until the machine can afford it. */
		while ((r = seckey_crypt(c, bin, passphrase, ops, mem)) != 0) {
			ops /= 2;
			mem /= 2;
			if (ops < crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_MIN ||
			    mem < crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_MIN)
				goto out;
		}
		le64_store(bin + SK_OFF_OPS, ops);
		le64_store(bin + SK_OFF_MEM, (uint64_t)mem);
	}
	if ((sectext = key_text(SECKEY_COMMENT, bin, SK_BIN, &seclen)) == NULL) {
		r = ctx_err(c, E_NOMEM, "out of secure memory");
		goto out;
	}
	bundle_keyid_hex(pub + BUNDLE_ALG_LEN, keyid);
	snprintf(comment, sizeof(comment), BUNDLE_COMMENT_PREFIX "minisign public key %s", keyid);
	if ((pubtext = key_text(comment, pub, sizeof(pub), &publen)) == NULL) {
		r = ctx_err(c, E_NOMEM, "out of secure memory");
		goto out;
	}
	if ((r = file_write_atomic(c, secpath, sectext, seclen, 0600)) != 0)
		goto out;
	if ((r = file_write_atomic(c, pubpath, pubtext, publen, 0644)) != 0)
		goto out;
	r = 0;
out:
	sodium_free(bin);
	sodium_free(sectext);
	sodium_free(pubtext);
	return r;
}

int
bundle_keygen(struct ctx *c, const char *pubpath, const char *secpath, const char *passphrase,
    int force)
{
	return bundle_keygen_kdf(c, pubpath, secpath, passphrase, force,
	    crypto_pwhash_scryptsalsa208sha256_OPSLIMIT_SENSITIVE,
	    crypto_pwhash_scryptsalsa208sha256_MEMLIMIT_SENSITIVE);
}

/* Reads path (at most SECKEY_FILE_MAX bytes) into sodium_malloc memory. */
static int
read_secret_file(struct ctx *c, const char *path, char **out, size_t *outlen)
{
	char *buf;
	size_t len = 0;
	ssize_t n;
	int fd, r = E_INTERNAL;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ctx_errno(c, E_IO, "%s", path);
	if ((buf = sodium_malloc(SECKEY_FILE_MAX + 1)) == NULL) {
		close(fd);
		return ctx_err(c, E_NOMEM, "out of secure memory");
	}
	for (;;) {
		if (len == SECKEY_FILE_MAX + 1) {
			r = ctx_err(c, E_LIMIT, "%s: secret key file larger than %d bytes", path,
			    SECKEY_FILE_MAX);
			goto out;
		}
		n = read(fd, buf + len, SECKEY_FILE_MAX + 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = ctx_errno(c, E_IO, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	r = 0;
out:
	close(fd);
	sodium_free(buf);
	return r;
}

/* Decodes and decrypts the secret key text into bin (SK_BIN bytes). */
static int
seckey_parse(struct ctx *c, const char *text, size_t len, const char *passphrase, uint8_t *bin)
{
	uint8_t chk[SK_CHK_LEN], zero[SK_CHK_LEN] = { 0 }, pk[BUNDLE_PK_LEN], *sk2 = NULL;
	size_t up = strlen(BUNDLE_COMMENT_PREFIX), n;
	uint64_t ops, mem;
	const char *line;
	struct cur k;
	int r = E_INTERNAL, encrypted;

	if (memchr(text, '\0', len) != NULL)
		return ctx_err(c, E_FORMAT, "secret key file contains a NUL byte");
	cur_init(&k, text, len);
	if (cur_get_line(&k, up + BUNDLE_UNTRUSTED_MAX, &line, &n) != 0 || n < up ||
	    memcmp(line, BUNDLE_COMMENT_PREFIX, up) != 0)
		return ctx_err(c, E_FORMAT, "secret key: first line must start with \"%s\"",
		    BUNDLE_COMMENT_PREFIX);
	if (cur_get_line(&k, SECKEY_B64_MAX, &line, &n) != 0 || cur_avail(&k) != 0 ||
	    bundle_b64_decode(line, n, bin, SK_BIN) != 0)
		return ctx_err(c, E_FORMAT, "secret key: second line must be base64 of %d bytes "
		    "and the last line", SK_BIN);
	if (memcmp(bin + SK_OFF_SIGALG, "Ed", 2) != 0)
		return ctx_err(c, E_UNSUPPORTED, "secret key: unsupported signature algorithm");
	if (memcmp(bin + SK_OFF_CHKALG, "B2", 2) != 0)
		return ctx_err(c, E_UNSUPPORTED, "secret key: unsupported checksum algorithm");
	if (memcmp(bin + SK_OFF_KDFALG, "Sc", 2) == 0)
		encrypted = 1;
	else if (memcmp(bin + SK_OFF_KDFALG, "\0\0", 2) == 0)
		encrypted = 0;
	else
		return ctx_err(c, E_UNSUPPORTED, "secret key: unsupported key derivation");
	if (encrypted) {
		if (passphrase == NULL)
			return ctx_err(c, E_USAGE, "secret key is encrypted: a passphrase is "
			    "required ($AIRLOCK_PASSPHRASE or --passphrase-fd)");
		ops = bundle_le64(bin + SK_OFF_OPS);
		mem = bundle_le64(bin + SK_OFF_MEM);
		if (ops > KDF_OPSLIMIT_MAX || mem > KDF_MEMLIMIT_MAX)
			return ctx_err(c, E_LIMIT, "secret key: scrypt limits above libsodium's "
			    "sensitive ones (KDF_OPSLIMIT_MAX, KDF_MEMLIMIT_MAX)");
		if ((r = seckey_crypt(c, bin, passphrase, ops, (size_t)mem)) != 0)
			return r;
	}
	seckey_chk(bin, chk);
	if (sodium_memcmp(chk, bin + SK_OFF_CHK, SK_CHK_LEN) != 0 &&
	    (encrypted || sodium_memcmp(zero, bin + SK_OFF_CHK, SK_CHK_LEN) != 0)) {
		/* minisign -W leaves an unencrypted key's checksum zero; the seed
		 * check below still covers those. */
		r = ctx_err(c, E_VERIFY, encrypted ? "wrong passphrase or corrupt key" :
		    "corrupt secret key (checksum mismatch)");
		goto out;
	}
	/* The public half stored in sk must be the one the seed yields. */
	if ((sk2 = sodium_malloc(BUNDLE_SK_LEN)) == NULL) {
		r = ctx_err(c, E_NOMEM, "out of secure memory");
		goto out;
	}
	crypto_sign_seed_keypair(pk, sk2, bin + SK_OFF_SK);
	if (sodium_memcmp(pk, bin + SK_OFF_SK + 32, BUNDLE_PK_LEN) != 0) {
		r = ctx_err(c, E_VERIFY, "corrupt secret key (public half does not match)");
		goto out;
	}
	r = 0;
out:
	sodium_memzero(chk, sizeof(chk));
	sodium_free(sk2);
	return r;
}

int
bundle_seckey_load(struct ctx *c, const char *path, const char *passphrase,
    struct bundle_seckey **out)
{
	struct bundle_seckey *key = NULL;
	uint8_t *bin = NULL;
	char *text = NULL;
	size_t len = 0;
	int r = E_INTERNAL;

	*out = NULL;
	if ((r = sodium_ready(c)) != 0)
		return r;
	if ((r = read_secret_file(c, path, &text, &len)) != 0)
		return r;
	if ((bin = sodium_malloc(SK_BIN)) == NULL ||
	    (key = sodium_malloc(sizeof(*key))) == NULL) {
		r = ctx_err(c, E_NOMEM, "out of secure memory");
		goto out;
	}
	if ((r = seckey_parse(c, text, len, passphrase, bin)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	memcpy(key->keynum, bin + SK_OFF_KEYNUM, BUNDLE_KEYNUM_LEN);
	memcpy(key->sk, bin + SK_OFF_SK, BUNDLE_SK_LEN);
	*out = key;
	key = NULL;
	r = 0;
out:
	sodium_free(text);
	sodium_free(bin);
	sodium_free(key);
	return r;
}

void
bundle_seckey_free(struct bundle_seckey *k)
{
	sodium_free(k);		/* wipes; NULL is a no-op */
}

static void
sb_add_b64(struct sb *b, const uint8_t *bin, size_t len)
{
	size_t blen = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
	char *t = xmalloc(blen);

	sodium_bin2base64(t, blen, bin, len, sodium_base64_VARIANT_ORIGINAL);
	sb_adds(b, t);
	free(t);
}

/* Signs hash (BLAKE2b-512 of the data: minisign's prehashed "ED" mode). */
static int
sign_prehashed(struct ctx *c, const struct bundle_seckey *k,
    const uint8_t hash[BUNDLE_PREHASH_LEN], const char *trusted_comment, char **sigfile)
{
	uint8_t sig[BUNDLE_SIGSTRUCT_BIN], global[BUNDLE_SIG_LEN];
	const uint8_t *pk = k->sk + 32;
	uint8_t *gbuf = NULL;
	size_t clen = strlen(trusted_comment);
	struct sb out = SB_INIT;
	int r = E_INTERNAL;

	*sigfile = NULL;
	if ((r = sodium_ready(c)) != 0)
		return r;
	if (clen > BUNDLE_COMMENT_MAX)
		return ctx_err(c, E_LIMIT, "trusted comment longer than %d bytes "
		    "(BUNDLE_COMMENT_MAX)", BUNDLE_COMMENT_MAX);
	if (!bundle_utf8_printable(trusted_comment, clen))
		return ctx_err(c, E_USAGE, "trusted comment is not printable UTF-8");
	memcpy(sig, "ED", BUNDLE_ALG_LEN);
	memcpy(sig + BUNDLE_ALG_LEN, k->keynum, BUNDLE_KEYNUM_LEN);
	crypto_sign_detached(sig + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, NULL, hash,
	    BUNDLE_PREHASH_LEN, k->sk);
	gbuf = xmalloc(BUNDLE_SIG_LEN + clen);
	memcpy(gbuf, sig + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, BUNDLE_SIG_LEN);
	memcpy(gbuf + BUNDLE_SIG_LEN, trusted_comment, clen);
	crypto_sign_detached(global, NULL, gbuf, BUNDLE_SIG_LEN + clen, k->sk);
	/* As minisign: never hand out a signature that would not verify. */
	if (crypto_sign_verify_detached(sig + BUNDLE_ALG_LEN + BUNDLE_KEYNUM_LEN, hash,
	    BUNDLE_PREHASH_LEN, pk) != 0 ||
	    crypto_sign_verify_detached(global, gbuf, BUNDLE_SIG_LEN + clen, pk) != 0) {
		r = ctx_err(c, E_INTERNAL, "signature does not verify with the key's public half");
		goto out;
	}
	sb_adds(&out, SIG_COMMENT "\n");
	sb_add_b64(&out, sig, sizeof(sig));
	sb_adds(&out, "\n" BUNDLE_TRUSTED_PREFIX);
	sb_add(&out, trusted_comment, clen);
	sb_addc(&out, '\n');
	sb_add_b64(&out, global, sizeof(global));
	sb_addc(&out, '\n');
	*sigfile = sb_steal(&out);
	r = 0;
out:
	sb_free(&out);
	free(gbuf);
	return r;
}

int
bundle_sign(struct ctx *c, const struct bundle_seckey *k, const uint8_t *data, size_t len,
    const char *trusted_comment, char **sigfile)
{
	uint8_t hash[BUNDLE_PREHASH_LEN];
	int r;

	*sigfile = NULL;
	if ((r = sodium_ready(c)) != 0)
		return r;
	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	return sign_prehashed(c, k, hash, trusted_comment, sigfile);
}

int
bundle_build_time(struct ctx *c, int64_t *t)
{
	const char *e = getenv("SOURCE_DATE_EPOCH"), *p;
	int64_t x = 0;

	*t = 0;
	if (e == NULL || *e == '\0') {
		*t = (int64_t)time(NULL);
		return 0;
	}
	if (strlen(e) > BUILD_TIME_DIGITS)
		return ctx_err(c, E_USAGE, "SOURCE_DATE_EPOCH: more than %d digits",
		    BUILD_TIME_DIGITS);
	for (p = e; *p; p++) {
		if (*p < '0' || *p > '9')
			return ctx_err(c, E_USAGE, "SOURCE_DATE_EPOCH: not a decimal number");
		x = x * 10 + (*p - '0');
	}
	*t = x;
	return 0;
}

/* Whether t is representable in a trusted comment (1970 to 9999). */
static int
time_in_range(int64_t t)
{
	char iso[BUNDLE_TIME_LEN + 1];
	int64_t back;

	bundle_time_format(t, iso);
	return bundle_time_parse(iso, BUNDLE_TIME_LEN, &back) == 0 && back == t;
}

int
bundle_meta_defaults(struct ctx *c, uint64_t serial, int expires_days, struct bundle_meta *m)
{
	char iso[BUNDLE_TIME_LEN + 1];
	const char *p;
	int64_t t, expires;
	int r;

	memset(m, 0, sizeof(*m));
	if (expires_days < 1 || expires_days > BUNDLE_EXPIRES_DAYS_MAX)
		return ctx_err(c, E_USAGE, "expiry of %d days: must be 1 to %d", expires_days,
		    BUNDLE_EXPIRES_DAYS_MAX);
	if ((r = bundle_build_time(c, &t)) != 0)
		return r;
	if (ckd_add(&expires, t, (int64_t)expires_days * 86400) || !time_in_range(t) ||
	    !time_in_range(expires))
		return ctx_err(c, E_USAGE, "build time %" PRId64 " out of range (1970 to 9999)",
		    t);
	if (serial == 0) {
		/* "YYYY-MM-DDTHH:MM:SSZ" -> YYYYMMDDHHMMSS */
		bundle_time_format(t, iso);
		for (p = iso; *p; p++)
			if (*p >= '0' && *p <= '9')
				serial = serial * 10 + (uint64_t)(*p - '0');
	}
	m->format = BUNDLE_FORMAT;
	m->serial = serial;
	m->created = t;
	m->expires = expires;
	return 0;
}

/* The trusted comment for meta signed by k: it must read back as exactly this
 * metadata (times in range, expires after created). */
static int
meta_comment(struct ctx *c, const struct bundle_seckey *k, const struct bundle_meta *meta,
    char comment[BUNDLE_COMMENT_MAX + 1])
{
	struct bundle_meta m = *meta, back;
	int r;

	m.format = BUNDLE_FORMAT;
	bundle_keyid_hex(k->keynum, m.keyid);
	bundle_comment_format(&m, comment, BUNDLE_COMMENT_MAX + 1);
	if ((r = bundle_comment_parse(c, comment, &back)) != 0) {
		ctx_prefix(c, "bundle metadata");
		return r;
	}
	if (back.serial != m.serial || back.created != m.created || back.expires != m.expires)
		return ctx_err(c, E_USAGE, "bundle metadata: times out of range (1970 to 9999)");
	return 0;
}

int
bundle_sign_write(struct ctx *c, const struct bundle_seckey *k, const uint8_t *data,
    size_t len, const struct bundle_meta *meta, const char *sigpath)
{
	char comment[BUNDLE_COMMENT_MAX + 1], *sigtext = NULL;
	int r;

	if ((r = meta_comment(c, k, meta, comment)) != 0 ||
	    (r = bundle_sign(c, k, data, len, comment, &sigtext)) != 0)
		return r;
	r = file_write_atomic(c, sigpath, sigtext, strlen(sigtext), 0644);
	free(sigtext);
	return r;
}

int
bundle_sign_fd(struct ctx *c, const struct bundle_seckey *k, int fd, const char *name,
    const struct bundle_meta *meta, char **sigtext)
{
	char comment[BUNDLE_COMMENT_MAX + 1];
	uint8_t hash[BUNDLE_PREHASH_LEN], *buf = NULL;
	crypto_generichash_state st;
	uint64_t off = 0;
	ssize_t n;
	int r;

	*sigtext = NULL;
	if ((r = sodium_ready(c)) != 0 || (r = meta_comment(c, k, meta, comment)) != 0)
		return r;
	buf = xmalloc(SIGN_READ_CHUNK);
	crypto_generichash_init(&st, NULL, 0, sizeof(hash));
	for (;;) {
		n = pread(fd, buf, SIGN_READ_CHUNK, (off_t)off);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = ctx_errno(c, E_IO, "%s: read", name);
			goto out;
		}
		if (n == 0)
			break;
		off += (uint64_t)n;
		if (off > BUNDLE_ZST_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (BUNDLE_ZST_MAX)", name,
			    BUNDLE_ZST_MAX);
			goto out;
		}
		crypto_generichash_update(&st, buf, (unsigned long long)n);
	}
	crypto_generichash_final(&st, hash, sizeof(hash));
	r = sign_prehashed(c, k, hash, comment, sigtext);
out:
	sodium_memzero(&st, sizeof(st));
	free(buf);
	return r;
}

int
bundle_sign_file(struct ctx *c, const struct bundle_seckey *k, const char *path,
    const struct bundle_meta *meta)
{
	size_t splen = strlen(path) + sizeof(SIG_SUFFIX);
	char *sigpath = xmalloc(splen), *sigtext = NULL;
	int fd, r;

	snprintf(sigpath, splen, "%s%s", path, SIG_SUFFIX);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	r = bundle_sign_fd(c, k, fd, path, meta, &sigtext);
	close(fd);
	if (r == 0)
		r = file_write_atomic(c, sigpath, sigtext, strlen(sigtext), 0644);
out:
	free(sigtext);
	free(sigpath);
	return r;
}

int
bundle_passphrase_read(struct ctx *c, int fd, char **out)
{
	const char *env;
	char *p;
	size_t len = 0;
	ssize_t n;
	char ch;
	int r;

	*out = NULL;
	if ((r = sodium_ready(c)) != 0)
		return r;
	if ((p = sodium_malloc(BUNDLE_PASSPHRASE_MAX + 1)) == NULL)
		return ctx_err(c, E_NOMEM, "out of secure memory");
	if (fd < 0) {
		if ((env = getenv("AIRLOCK_PASSPHRASE")) == NULL) {
			sodium_free(p);
			return 0;
		}
		if ((len = strlen(env)) > BUNDLE_PASSPHRASE_MAX) {
			sodium_free(p);
			return ctx_err(c, E_LIMIT, "AIRLOCK_PASSPHRASE longer than %d bytes",
			    BUNDLE_PASSPHRASE_MAX);
		}
		memcpy(p, env, len);
	} else {
		/* One byte at a time, so nothing past the first line is consumed. */
		for (;;) {
			n = read(fd, &ch, 1);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1) {
				sodium_free(p);
				return ctx_errno(c, E_IO, "passphrase fd %d: read", fd);
			}
			if (n == 0 || ch == '\n')
				break;
			if (len == BUNDLE_PASSPHRASE_MAX) {
				sodium_free(p);
				return ctx_err(c, E_LIMIT, "passphrase longer than %d bytes",
				    BUNDLE_PASSPHRASE_MAX);
			}
			p[len++] = ch;
		}
		if (len > 0 && p[len - 1] == '\r')
			len--;
		ch = 0;
	}
	p[len] = '\0';
	if (len == 0) {
		sodium_free(p);
		return ctx_err(c, E_USAGE, "empty passphrase");
	}
	*out = p;
	return 0;
}

void
bundle_passphrase_free(char *p)
{
	sodium_free(p);
}
