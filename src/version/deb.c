/*
 * deb.c - Debian version ordering, as dpkg --compare-versions orders versions.
 *
 * A version is [epoch:]upstream[-revision] (deb-version(7)):
 * - blanks (space, tab) around it are ignored; a blank inside is an error;
 * - if there is a colon, the text before the first one is the epoch, read as
 *   strtol(3) reads it in dpkg (leading C-locale white space and one sign
 *   allowed), and must be a number in 0..INT_MAX followed by the colon;
 * - the revision is what follows the last hyphen and must not be empty;
 *   without a hyphen it is "" (which orders as "0": 1.0 == 1.0-0);
 * - the upstream part must not be empty. dpkg only warns when it does not
 *   start with a digit or holds characters outside [0-9A-Za-z.+~:-] (the
 *   revision: [0-9A-Za-z.+~]), and still compares; so do we.
 *
 * Ordering: epochs numerically, then upstream, then revision, each split into
 * alternating non-digit and digit runs. Non-digit runs compare byte by byte
 * with '~' < end of run < letters (ASCII order) < anything else (byte + 256,
 * with the byte as a signed char, as dpkg on amd64). Digit runs compare as
 * numbers of any length: leading zeros dropped, then longer is greater, then
 * the first differing digit.
 *
 * Every function reads at most VERSION_DEB_MAX_LEN + 1 bytes of a version.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "version/version.h"

/* The epoch bound dpkg enforces. */
#define DEB_EPOCH_MAX INT_MAX

#define STR_(x) #x
#define STR(x) STR_(x)

struct deb_ver {
	long epoch;		/* 0..DEB_EPOCH_MAX */
	const char *up;		/* upstream part, not NUL-terminated */
	size_t up_len;
	const char *rev;	/* revision, "" when absent */
	size_t rev_len;
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t';
}

/* isspace(3) in the C locale: what strtol skips before a number. */
static int
is_c_space(int c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Reads the epoch in [s, colon) the way dpkg does; 0 or E_FORMAT with *why.
 */
static int
parse_epoch(const char *s, const char *colon, long *epoch, const char **why)
{
	const char *p = s;
	int neg = 0, big = 0;
	long v = 0;

	while (p < colon && is_c_space((unsigned char)*p))
		p++;
	if (p < colon && (*p == '+' || *p == '-')) {
		neg = *p == '-';
		p++;
	}
	if (p == colon || !is_digit(*p)) {
		/* No number at all, as strtol sees it (even "5x:" has one). */
		*why = "epoch in version is empty";
		return E_FORMAT;
	}
	for (; p < colon && is_digit(*p); p++) {
		if (big)
			continue;
		if (ckd_mul(&v, v, 10) || ckd_add(&v, v, *p - '0') || v > DEB_EPOCH_MAX)
			big = 1;
	}
	if (p != colon) {
		*why = "epoch in version is not number";
		return E_FORMAT;
	}
	if (neg && (big || v != 0)) {
		*why = "epoch in version is negative";
		return E_FORMAT;
	}
	if (big) {
		*why = "epoch in version is too big";
		return E_FORMAT;
	}
	*epoch = v;
	return 0;
}

/* Sets *why to dpkg's warning for a valid version, or leaves it NULL. */
static void
lint(const struct deb_ver *d, const char **why)
{
	size_t i;
	int c;

	if (!is_digit(d->up[0])) {
		*why = "version number does not start with digit";
		return;
	}
	for (i = 1; i < d->up_len; i++) {
		c = (unsigned char)d->up[i];
		if (!is_digit(c) && !is_alpha(c) && strchr(".-+~:", c) == NULL) {
			*why = "invalid character in version number";
			return;
		}
	}
	for (i = 0; i < d->rev_len; i++) {
		c = (unsigned char)d->rev[i];
		if (!is_digit(c) && !is_alpha(c) && strchr(".+~", c) == NULL) {
			*why = "invalid character in revision number";
			return;
		}
	}
}

static int
parse(const char *v, struct deb_ver *d, const char **why)
{
	const char *s, *e, *end, *colon, *p, *hyphen;
	size_t n;
	int r;

	*why = NULL;
	memset(d, 0, sizeof(*d));
	n = strnlen(v, VERSION_DEB_MAX_LEN + 1);
	if (n > VERSION_DEB_MAX_LEN) {
		*why = "version too long (max " STR(VERSION_DEB_MAX_LEN) " bytes)";
		return E_LIMIT;
	}
	if (n == 0) {
		*why = "version string is empty";
		return E_FORMAT;
	}
	if (strcmp(v, "<unknown>") == 0) {
		*why = "'<unknown>' means no version to dpkg";
		return E_FORMAT;
	}
	end = v + n;
	for (s = v; s < end && is_blank(*s); s++)
		;
	if (s == end) {
		*why = "version string is empty";
		return E_FORMAT;
	}
	for (e = s; e < end && !is_blank(*e); e++)
		;
	for (p = e; p < end && is_blank(*p); p++)
		;
	if (p != end) {
		*why = "version string has embedded spaces";
		return E_FORMAT;
	}

	colon = memchr(s, ':', (size_t)(e - s));
	if (colon != NULL) {
		if ((r = parse_epoch(s, colon, &d->epoch, why)) != 0)
			return r;
		if (colon[1] == '\0') {
			*why = "nothing after colon in version number";
			return E_FORMAT;
		}
		s = colon + 1;	/* may equal e ("1: "): then upstream is empty */
	}

	hyphen = NULL;
	for (p = s; p < e; p++)
		if (*p == '-')
			hyphen = p;
	d->up = s;
	if (hyphen != NULL) {
		if (hyphen + 1 == e) {
			*why = "revision number is empty";
			return E_FORMAT;
		}
		d->up_len = (size_t)(hyphen - s);
		d->rev = hyphen + 1;
		d->rev_len = (size_t)(e - hyphen - 1);
	} else {
		d->up_len = (size_t)(e - s);
		d->rev = "";
	}
	if (d->up_len == 0) {
		*why = "version number is empty";
		return E_FORMAT;
	}
	lint(d, why);
	return 0;
}

/* Weight of one byte of a non-digit run; 0 is the end of the run. */
static int
weight(const char *s, size_t len, size_t i)
{
	int c;

	if (i >= len)
		return 0;
	c = (signed char)s[i];
	if (is_digit(c))
		return 0;
	if (is_alpha(c))
		return c;
	if (c == '~')
		return -1;
	return c + 256;
}

static int
sign(int x)
{
	return (x > 0) - (x < 0);
}

/* Compares two upstream parts or two revisions. */
static int
part_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0, da, db;
	int wa, wb, d;

	while (i < alen || j < blen) {
		/* A non-digit run (possibly empty on one side). */
		while ((i < alen && !is_digit(a[i])) || (j < blen && !is_digit(b[j]))) {
			wa = weight(a, alen, i);
			wb = weight(b, blen, j);
			if (wa != wb)
				return sign(wa - wb);
			i++;
			j++;
		}
		/* A digit run (possibly empty), compared as a number. */
		while (i < alen && a[i] == '0')
			i++;
		while (j < blen && b[j] == '0')
			j++;
		for (da = 0; i + da < alen && is_digit(a[i + da]); da++)
			;
		for (db = 0; j + db < blen && is_digit(b[j + db]); db++)
			;
		if (da != db)
			return da > db ? 1 : -1;
		if (da > 0 && (d = memcmp(a + i, b + j, da)) != 0)
			return sign(d);
		i += da;
		j += db;
	}
	return 0;
}

int
version_deb_check(const char *v, const char **why)
{
	struct deb_ver d;
	const char *w;
	int r;

	r = parse(v, &d, &w);
	if (why != NULL)
		*why = w;
	return r;
}

int
version_deb_valid(const char *v)
{
	return version_deb_check(v, NULL) == 0;
}

int
version_deb_cmp(const char *a, const char *b, int *res)
{
	struct deb_ver da, db;
	const char *why;
	int r;

	*res = 0;
	if ((r = parse(a, &da, &why)) != 0)
		return r;
	if ((r = parse(b, &db, &why)) != 0)
		return r;
	if (da.epoch != db.epoch) {
		*res = da.epoch > db.epoch ? 1 : -1;
		return 0;
	}
	r = part_cmp(da.up, da.up_len, db.up, db.up_len);
	if (r == 0)
		r = part_cmp(da.rev, da.rev_len, db.rev, db.rev_len);
	*res = r;
	return 0;
}
