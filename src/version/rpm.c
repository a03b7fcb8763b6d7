/*
 * rpm.c - RPM version ordering, as rpm orders EVR strings (rpm.vercmp() of
 * rpm's Lua interface, rpmverCmp() over rpmverParse(), rpm 4.18).
 *
 * An EVR is [epoch:]version[-release]:
 * - the epoch is the run of ASCII digits at the very start when a colon
 *   follows it (":1" has the empty epoch, which is 0); without that colon
 *   there is no epoch, which is also 0 ("a:1" and " 1:1" are versions
 *   holding a colon);
 * - the release is what follows the last hyphen, possibly empty ("1.0-");
 *   without a hyphen there is none, and a missing release orders below any
 *   present one, even an empty one: 1.0 < 1.0- < 1.0-0;
 * - the version is what lies between; it may be empty ("1:-1").
 * Nothing is trimmed and every byte is accepted; only the empty string is
 * invalid (rpm.vercmp() raises "invalid version" for it).
 *
 * Ordering: epochs numerically (digit strings of any length), then version,
 * then release, each compared segment by segment (rpmvercmp):
 * - bytes other than ASCII letters, digits, '~' and '^' only separate
 *   segments, so "1.0" == "1_0" == "1..0" and "1.0." == "1.0";
 * - '~' sorts before everything, the end of the string included:
 *   1.0~rc1 < 1.0;
 * - '^' sorts after the end of the string but before anything else:
 *   1.0 < 1.0^git1 < 1.0.1, and 1.0^ < 1.0a;
 * - a segment is a run of digits or a run of letters; a digit run is a
 *   number of any length (leading zeros dropped, then longer is greater, then
 *   the first differing digit); letter runs compare as bytes (a shorter
 *   prefix first; 'Z' < 'a'); a digit run is greater than a letter run;
 * - when one side ends first (after separators), the other is greater.
 *
 * Every function reads at most VERSION_RPM_MAX_LEN + 1 bytes of a version.
 */
#include "config.h"

#include <string.h>

#include "base/ctx.h"
#include "version/version.h"

#define STR_(x) #x
#define STR(x) STR_(x)

struct rpm_evr {
	const char *e;		/* epoch digits; e_len 0 (absent or empty) is 0 */
	size_t e_len;
	const char *v;		/* version, not NUL-terminated, may be empty */
	size_t v_len;
	const char *r;		/* release, NULL when there is no hyphen */
	size_t r_len;
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

/* Bytes that only separate segments. */
static int
is_sep(int c)
{
	return !is_digit(c) && !is_alpha(c) && c != '~' && c != '^';
}

static int
parse(const char *s, struct rpm_evr *d, const char **why)
{
	const char *p, *end, *hyphen;
	size_t n;

	*why = NULL;
	memset(d, 0, sizeof(*d));
	n = strnlen(s, VERSION_RPM_MAX_LEN + 1);
	if (n > VERSION_RPM_MAX_LEN) {
		*why = "version too long (max " STR(VERSION_RPM_MAX_LEN) " bytes)";
		return E_LIMIT;
	}
	if (n == 0) {
		*why = "version string is empty";
		return E_FORMAT;
	}
	end = s + n;
	for (p = s; p < end && is_digit(*p); p++)
		;
	d->v = s;
	if (p < end && *p == ':') {
		d->e = s;
		d->e_len = (size_t)(p - s);
		d->v = p + 1;
	}
	hyphen = NULL;
	for (p = d->v; p < end; p++)
		if (*p == '-')
			hyphen = p;
	if (hyphen != NULL) {
		d->v_len = (size_t)(hyphen - d->v);
		d->r = hyphen + 1;
		d->r_len = (size_t)(end - hyphen - 1);
	} else
		d->v_len = (size_t)(end - d->v);
	return 0;
}

/* Compares two digit strings as numbers of any length. */
static int
num_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int d;

	while (alen > 0 && *a == '0') {
		a++;
		alen--;
	}
	while (blen > 0 && *b == '0') {
		b++;
		blen--;
	}
	if (alen != blen)
		return alen > blen ? 1 : -1;
	if (alen == 0)
		return 0;
	d = memcmp(a, b, alen);
	return (d > 0) - (d < 0);
}

/* Compares two versions or two releases segment by segment. */
static int
seg_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0, ea, eb, n;
	int ca, cb, d, num;

	for (;;) {
		while (i < alen && is_sep((unsigned char)a[i]))
			i++;
		while (j < blen && is_sep((unsigned char)b[j]))
			j++;
		ca = i < alen ? (unsigned char)a[i] : 0;	/* 0: the end */
		cb = j < blen ? (unsigned char)b[j] : 0;

		if (ca == '~' || cb == '~') {
			if (ca != '~')
				return 1;
			if (cb != '~')
				return -1;
			i++;
			j++;
			continue;
		}
		if (ca == '^' || cb == '^') {
			if (ca == 0)
				return -1;
			if (cb == 0)
				return 1;
			if (ca != '^')
				return 1;
			if (cb != '^')
				return -1;
			i++;
			j++;
			continue;
		}
		if (ca == 0 || cb == 0)
			break;

		/* One segment: a digit run or a letter run, as a's kind says. */
		num = is_digit(ca);
		for (ea = i; ea < alen && (num ? is_digit(a[ea]) : is_alpha(a[ea])); ea++)
			;
		for (eb = j; eb < blen && (num ? is_digit(b[eb]) : is_alpha(b[eb])); eb++)
			;
		if (eb == j)
			return num ? 1 : -1;	/* digits beat letters */
		if (num)
			d = num_cmp(a + i, ea - i, b + j, eb - j);
		else {
			n = ea - i < eb - j ? ea - i : eb - j;
			d = memcmp(a + i, b + j, n);
			if (d == 0 && ea - i != eb - j)
				d = ea - i < eb - j ? -1 : 1;
			d = (d > 0) - (d < 0);
		}
		if (d != 0)
			return d;
		i = ea;
		j = eb;
	}
	if (ca == 0 && cb == 0)
		return 0;
	return ca == 0 ? -1 : 1;
}

int
version_rpm_check(const char *v, const char **why)
{
	struct rpm_evr d;
	const char *w;
	int r;

	r = parse(v, &d, &w);
	if (why != NULL)
		*why = w;
	return r;
}

int
version_rpm_valid(const char *v)
{
	return version_rpm_check(v, NULL) == 0;
}

int
version_rpm_cmp(const char *a, const char *b, int *res)
{
	struct rpm_evr da, db;
	const char *why;
	int r;

	*res = 0;
	if ((r = parse(a, &da, &why)) != 0)
		return r;
	if ((r = parse(b, &db, &why)) != 0)
		return r;
	r = num_cmp(da.e, da.e_len, db.e, db.e_len);
	if (r == 0)
		r = seg_cmp(da.v, da.v_len, db.v, db.v_len);
	if (r == 0) {
		if (da.r != NULL && db.r != NULL)
			r = seg_cmp(da.r, da.r_len, db.r, db.r_len);
		else if (da.r != NULL || db.r != NULL)
			r = da.r != NULL ? 1 : -1;
	}
	*res = r;
	return 0;
}
