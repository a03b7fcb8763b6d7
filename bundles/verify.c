/*
 * verify.c - minisign detached signatures over a bundle, and the trusted
 * comment that carries the bundle's metadata.
 *
 * Order (STYLE.md habit 8): exact sizes and algorithm tag, key id among the
 * trusted keys and not revoked, signature over the BLAKE2b-512 prehash,
 * signature over signature || trusted comment, then the trusted comment's
 * syntax and its key id.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/cur.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

/* Named limits of the signature parser. */
#define SIG_B64_MAX		128	/* base64 lines: 74 and 64 bytes encode to 100 and 88 */
#define COMMENT_VERSION_DIGITS	9	/* digits of airlock-bundle=N */

#define TIME_YEAR_MIN	1970
#define TIME_YEAR_MAX	9999
#define SECS_PER_DAY	86400

/* --- times ---------------------------------------------------------------- */

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int64_t y, int m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days since 1970-01-01 of a valid date with y >= 1970 (proleptic Gregorian,
 * counted in 400-year eras from March 1 so leap days end a year). */
static int64_t
days_from_date(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	if (m <= 2)
		y--;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse, for days >= 0. */
static void
date_from_days(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* n decimal digits at s into *v; -1 when any is not a digit. */
static int
digits(const char *s, int n, int *v)
{
	int i, x = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

int
bundle_time_parse(const char *s, size_t len, int64_t *t)
{
	int y, mo, d, h, mi, se;

	*t = 0;
	if (len != BUNDLE_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return E_FORMAT;
	if (digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &se))
		return E_FORMAT;
	if (y < TIME_YEAR_MIN || y > TIME_YEAR_MAX || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
		return E_FORMAT;
	*t = days_from_date(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + se;
	return 0;
}

void
bundle_time_format(int64_t t, char out[BUNDLE_TIME_LEN + 1])
{
	int64_t max = days_from_date(TIME_YEAR_MAX, 12, 31) * SECS_PER_DAY + SECS_PER_DAY - 1;
	int64_t y, days, secs;
	int m, d;

	if (t < 0)
		t = 0;
	if (t > max)
		t = max;
	days = t / SECS_PER_DAY;
	secs = t % SECS_PER_DAY;
	date_from_days(days, &y, &m, &d);
	snprintf(out, BUNDLE_TIME_LEN + 1, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, m, d,
	    (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* --- trusted comment ------------------------------------------------------ */

void
bundle_comment_format(const struct bundle_meta *m, char *out, size_t outlen)
{
	char created[BUNDLE_TIME_LEN + 1], expires[BUNDLE_TIME_LEN + 1];

	bundle_time_format(m->created, created);
	bundle_time_format(m->expires, expires);
	snprintf(out, outlen, "airlock-bundle=%d serial=%" PRIu64 " created=%s expires=%s keyid=%s",
	    m->format, m->serial, created, expires, m->keyid);
}

/* Consumes the literal lit at *p, or fails. */
static int
expect(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return -1;
	*p += n;
	return 0;
}

/* A u64 in canonical decimal (no sign, no leading zero) up to a space or end. */
static int
parse_u64(const char **p, const char *end, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (s == end || *s < '0' || *s > '9' || (*s == '0' && s + 1 < end && s[1] != ' '))
		return -1;
	for (; s < end && *s != ' '; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (ckd_mul(&x, x, (uint64_t)10) || ckd_add(&x, x, (uint64_t)(*s - '0')))
			return -1;
	}
	*p = s;
	*v = x;
	return 0;
}

static int
parse_time_field(const char **p, const char *end, int64_t *t)
{
	if ((size_t)(end - *p) < BUNDLE_TIME_LEN || bundle_time_parse(*p, BUNDLE_TIME_LEN, t) != 0)
		return -1;
	*p += BUNDLE_TIME_LEN;
	return 0;
}

int
bundle_comment_parse(struct ctx *c, const char *comment, struct bundle_meta *m)
{
	const char *p = comment, *end, *v;
	uint64_t version;
	size_t len = strlen(comment);
	int i;

	memset(m, 0, sizeof(*m));
	if (len > BUNDLE_COMMENT_MAX)
		return ctx_err(c, E_LIMIT, "trusted comment longer than %d bytes "
		    "(BUNDLE_COMMENT_MAX)", BUNDLE_COMMENT_MAX);
	end = p + len;
	if (expect(&p, end, "airlock-bundle=") != 0)
		return ctx_err(c, E_FORMAT, "trusted comment is not an airlock bundle comment");
	v = p;
	if (parse_u64(&p, end, &version) != 0 || p - v > COMMENT_VERSION_DIGITS)
		return ctx_err(c, E_FORMAT, "trusted comment: bad airlock-bundle version");
	if (version != BUNDLE_FORMAT)
		return ctx_err(c, E_UNSUPPORTED, "bundle format %" PRIu64 " is not supported "
		    "(this airlock reads format %d)", version, BUNDLE_FORMAT);
	m->format = BUNDLE_FORMAT;
	if (expect(&p, end, " serial=") != 0 || parse_u64(&p, end, &m->serial) != 0)
		return ctx_err(c, E_FORMAT, "trusted comment: bad serial");
	if (expect(&p, end, " created=") != 0 || parse_time_field(&p, end, &m->created) != 0)
		return ctx_err(c, E_FORMAT, "trusted comment: bad created time");
	if (expect(&p, end, " expires=") != 0 || parse_time_field(&p, end, &m->expires) != 0)
		return ctx_err(c, E_FORMAT, "trusted comment: bad expires time");
	if (m->expires <= m->created)
		return ctx_err(c, E_FORMAT, "trusted comment: expires is not after created");
	if (expect(&p, end, " keyid=") != 0 || end - p != 16)
		return ctx_err(c, E_FORMAT, "trusted comment: bad keyid");
	for (i = 0; i < 16; i++) {
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'A' && p[i] <= 'F')))
			return ctx_err(c, E_FORMAT, "trusted comment: bad keyid");
		m->keyid[i] = p[i];
	}
	m->keyid[16] = '\0';
	memcpy(m->trusted_comment, comment, len + 1);
	return 0;
}

/* --- signature ------------------------------------------------------------ */

struct sigfile {
	uint8_t sig[BUNDLE_SIGSTRUCT_BIN];	/* alg || keynum || signature */
	uint8_t global[BUNDLE_SIG_LEN];
	char comment[BUNDLE_COMMENT_MAX + 1];
	size_t comment_len;
};

static int
sigfile_parse(struct ctx *c, const uint8_t *buf, size_t len, struct sigfile *s)
{
	size_t tp = strlen(BUNDLE_TRUSTED_PREFIX), up = strlen(BUNDLE_COMMENT_PREFIX), n;
	const char *line;
	struct cur k;
	int r;

	if (len > BUNDLE_SIG_MAX)
		return ctx_err(c, E_LIMIT, "signature file larger than %d bytes (BUNDLE_SIG_MAX)",
		    BUNDLE_SIG_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return ctx_err(c, E_FORMAT, "signature file contains a NUL byte");
	cur_init(&k, buf, len);

	if ((r = cur_get_line(&k, up + BUNDLE_UNTRUSTED_MAX, &line, &n)) != 0)
		return r == E_LIMIT ?
		    ctx_err(c, E_LIMIT, "untrusted comment longer than %d bytes",
		    BUNDLE_UNTRUSTED_MAX) : ctx_err(c, E_FORMAT, "empty signature file");
	if (n < up || memcmp(line, BUNDLE_COMMENT_PREFIX, up) != 0)
		return ctx_err(c, E_FORMAT, "signature file: first line must start with \"%s\"",
		    BUNDLE_COMMENT_PREFIX);

	if ((r = cur_get_line(&k, SIG_B64_MAX, &line, &n)) != 0)
		return ctx_err(c, E_FORMAT, "signature file: %s signature line",
		    r == E_LIMIT ? "overlong" : "missing");
	if (bundle_b64_decode(line, n, s->sig, sizeof(s->sig)) != 0)
		return ctx_err(c, E_FORMAT, "signature file: signature is not base64 of %d bytes",
		    BUNDLE_SIGSTRUCT_BIN);

	if ((r = cur_get_line(&k, tp + BUNDLE_COMMENT_MAX, &line, &n)) != 0)
		return r == E_LIMIT ?
		    ctx_err(c, E_LIMIT, "trusted comment longer than %d bytes (BUNDLE_COMMENT_MAX)",
		    BUNDLE_COMMENT_MAX) :
		    ctx_err(c, E_FORMAT, "signature file: missing trusted comment");
	if (n < tp || memcmp(line, BUNDLE_TRUSTED_PREFIX, tp) != 0)
		return ctx_err(c, E_FORMAT, "signature file: third line must start with \"%s\"",
		    BUNDLE_TRUSTED_PREFIX);
	s->comment_len = n - tp;
	memcpy(s->comment, line + tp, s->comment_len);
	s->comment[s->comment_len] = '\0';
	if (!bundle_utf8_printable(s->comment, s->comment_len))
		return ctx_err(c, E_FORMAT, "trusted comment is not printable UTF-8");

	if ((r = cur_get_line(&k, SIG_B64_MAX, &line, &n)) != 0)
		return ctx_err(c, E_FORMAT, "signature file: %s global signature line",
		    r == E_LIMIT ? "overlong" : "missing");
	if (bundle_b64_decode(line, n, s->global, sizeof(s->global)) != 0)
		return ctx_err(c, E_FORMAT,
		    "signature file: global signature is not base64 of %d bytes", BUNDLE_SIG_LEN);
	if (cur_avail(&k) != 0)
		return ctx_err(c, E_FORMAT, "signature file: trailing data after the signature");

	if (memcmp(s->sig, "Ed", BUNDLE_ALG_LEN) == 0)
		return ctx_err(c, E_VERIFY, "legacy non-prehashed signature (algorithm Ed) "
		    "is not accepted: sign with prehashing (algorithm ED)");
	if (memcmp(s->sig, "ED", BUNDLE_ALG_LEN) != 0)
		return ctx_err(c, E_FORMAT, "unsupported signature algorithm 0x%02x%02x",
		    s->sig[0], s->sig[1]);
	return 0;
}

int
bundle_verify(struct ctx *c, const uint8_t *data, size_t len, const uint8_t *sig,
    size_t siglen, const struct bundle_pubkey *keys, size_t nkeys, struct bundle_meta *meta)
{
	const struct bundle_pubkey *key = NULL;
	uint8_t hash[BUNDLE_PREHASH_LEN], *gbuf = NULL;
	const uint8_t *keynum, *sigbytes;
	char signer[17];
	struct sigfile *s;
	size_t i;
	int r = E_INTERNAL;

	memset(meta, 0, sizeof(*meta));
	s = xcalloc(1, sizeof(*s));
	if (sodium_init() < 0) {
		r = ctx_err(c, E_INTERNAL, "libsodium initialization failed");
		goto out;
	}
	if ((r = sigfile_parse(c, sig, siglen, s)) != 0)
		goto out;
	keynum = s->sig + BUNDLE_ALG_LEN;
	sigbytes = keynum + BUNDLE_KEYNUM_LEN;
	bundle_keyid_hex(keynum, signer);
	for (i = 0; i < nkeys; i++) {
		if (memcmp(keys[i].keynum, keynum, BUNDLE_KEYNUM_LEN) == 0) {
			key = &keys[i];
			break;
		}
	}
	if (key == NULL) {
		r = ctx_err(c, E_VERIFY, "signed by key %s, not a trusted key", signer);
		goto out;
	}
	if (bundle_pubkey_is_revoked(key)) {
		r = ctx_err(c, E_VERIFY, "key %s is revoked", signer);
		goto out;
	}
	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	if (crypto_sign_verify_detached(sigbytes, hash, sizeof(hash), key->pk) != 0) {
		r = ctx_err(c, E_VERIFY, "signature verification failed (key %s)", signer);
		goto out;
	}
	gbuf = xmalloc(BUNDLE_SIG_LEN + s->comment_len);
	memcpy(gbuf, sigbytes, BUNDLE_SIG_LEN);
	memcpy(gbuf + BUNDLE_SIG_LEN, s->comment, s->comment_len);
	if (crypto_sign_verify_detached(s->global, gbuf, BUNDLE_SIG_LEN + s->comment_len,
	    key->pk) != 0) {
		r = ctx_err(c, E_VERIFY, "trusted comment signature verification failed (key %s)",
		    signer);
		goto out;
	}
	if ((r = bundle_comment_parse(c, s->comment, meta)) != 0)
		goto out;
	if (strcmp(meta->keyid, signer) != 0) {
		r = ctx_err(c, E_VERIFY, "trusted comment names key %s but the signature is by "
		    "key %s", meta->keyid, signer);
		goto out;
	}
	r = 0;
out:
	if (r != 0)
		memset(meta, 0, sizeof(*meta));
	free(gbuf);
	free(s);
	return r;
}
