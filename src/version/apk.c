/*
 * apk.c - Alpine version ordering, as apk-tools 3 orders versions
 * (apk_version_compare(), `apk version -t`).
 *
 * A version is number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}
 * (apk-package(5)), read as a sequence of tokens:
 * - a leading number: one or more ASCII digits;
 * - then any number of ".number" (digits required after the dot);
 * - then at most one lower-case letter a-z, right after the numbers;
 * - then any number of "_suffix" each optionally followed by a number, the
 *   suffix being exactly one of alpha, beta, pre, rc (pre-releases), cvs,
 *   svn, git, hg, p (post-releases);
 * - then at most one "~hash" of lower-case hexadecimal digits 0-9a-f;
 * - then at most one "-r" followed by digits (the package release).
 * Anything else ("1.0-1", "1.0b2", "1.0_foo", "1.", "v1", "1.0-r", "1.0 ",
 * upper case) is invalid: E_FORMAT, never guessed (apk itself still answers
 * for some of them by comparing the tokens up to the bad one; we do not).
 *
 * Ordering: both token sequences are walked in step while the two tokens
 * are of the same kind:
 * - numbers compare as numbers, except a ".number" where either side starts
 *   with '0': then the digit strings compare as bytes, a shorter prefix first
 *   (1.05 < 1.1, 1.0 < 1.00 < 1.01; the leading number is always numeric:
 *   01.1 == 1.1);
 * - letters, and hashes, compare as bytes; suffixes by the list order
 *   alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p.
 * At the first difference in value that decides. At the first difference in
 * kind (or when one side ends): a pre-release suffix on either side makes
 * that side the lower; otherwise the side whose token comes later in the
 * grammar above (the end counting as the last) is the lower. So
 * 1.0_rc1 < 1.0 < 1.0-r1 < 1.0_p1 < 1.0a, and 1.0 < 1.0-r1 < 1.0~0abc.
 *
 * Differences from apk-tools, on purpose: a version longer than
 * VERSION_APK_MAX_LEN bytes, or holding a number above 2^64 - 1 (which apk
 * reads modulo 2^64, ordering 18446744073709551616 as 0), is E_LIMIT.
 *
 * Every function reads at most VERSION_APK_MAX_LEN + 1 bytes of a version.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "version/version.h"

#define STR_(x) #x
#define STR(x) STR_(x)

/* Token kinds in grammar order: the order matters when kinds differ. */
enum apk_tok {
	TOK_FIRST,		/* the leading number */
	TOK_NUMBER,		/* .number */
	TOK_LETTER,
	TOK_SUFFIX,		/* _suffix */
	TOK_SUFFIX_NO,		/* the number after a suffix */
	TOK_HASH,		/* ~hash */
	TOK_REV,		/* -r number */
	TOK_END,
};

/* Suffixes in order; those before SUFFIX_NONE are pre-releases. */
enum apk_suffix {
	SUFFIX_ALPHA,
	SUFFIX_BETA,
	SUFFIX_PRE,
	SUFFIX_RC,
	SUFFIX_NONE,
	SUFFIX_CVS,
	SUFFIX_SVN,
	SUFFIX_GIT,
	SUFFIX_HG,
	SUFFIX_P,
};

static const struct {
	const char *name;
	enum apk_suffix value;
} suffixes[] = {
	{ "alpha", SUFFIX_ALPHA },
	{ "beta", SUFFIX_BETA },
	{ "pre", SUFFIX_PRE },
	{ "rc", SUFFIX_RC },
	{ "cvs", SUFFIX_CVS },
	{ "svn", SUFFIX_SVN },
	{ "git", SUFFIX_GIT },
	{ "hg", SUFFIX_HG },
	{ "p", SUFFIX_P },
};

struct apk_lex {
	const char *p, *end;	/* what is left of the version */
	enum apk_tok tok;	/* the current token */
	const char *val;	/* its bytes (digits, letter, suffix name, hash) */
	size_t val_len;
	uint64_t num;		/* its value, for a number */
	enum apk_suffix suffix;	/* its value, for a suffix */
};

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}

static int
is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* Reads a run of digits as the current token's value; one digit at least. */
static int
lex_number(struct apk_lex *l, const char *empty, const char **why)
{
	uint64_t v = 0;

	l->val = l->p;
	while (l->p < l->end && is_digit(*l->p)) {
		if (ckd_mul(&v, v, 10) || ckd_add(&v, v, (uint64_t)(*l->p - '0'))) {
			*why = "number in version too big (max 18446744073709551615)";
			return E_LIMIT;
		}
		l->p++;
	}
	l->val_len = (size_t)(l->p - l->val);
	l->num = v;
	if (l->val_len == 0) {
		*why = empty;
		return E_FORMAT;
	}
	return 0;
}

static int
lex_suffix(struct apk_lex *l, const char **why)
{
	size_t i;

	l->val = l->p;
	while (l->p < l->end && is_lower(*l->p))
		l->p++;
	l->val_len = (size_t)(l->p - l->val);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		if (strlen(suffixes[i].name) == l->val_len &&
		    memcmp(suffixes[i].name, l->val, l->val_len) == 0) {
			l->suffix = suffixes[i].value;
			return 0;
		}
	}
	*why = l->val_len == 0 ? "empty suffix after '_'" : "unknown suffix after '_'";
	return E_FORMAT;
}

/* Moves to the next token; 0, or E_FORMAT / E_LIMIT with *why. */
static int
lex_next(struct apk_lex *l, const char **why)
{
	int c;

	if (l->p == l->end) {
		l->tok = TOK_END;
		return 0;
	}
	c = (unsigned char)*l->p;
	if (is_lower(c)) {
		if (l->tok > TOK_NUMBER) {
			*why = "letter out of place (one, right after the numbers)";
			return E_FORMAT;
		}
		l->tok = TOK_LETTER;
		l->val = l->p++;
		l->val_len = 1;
		return 0;
	}
	switch (c) {
	case '.':
		if (l->tok > TOK_NUMBER) {
			*why = "'.' after a letter or suffix";
			return E_FORMAT;
		}
		l->p++;
		l->tok = TOK_NUMBER;
		return lex_number(l, "no digits after '.'", why);
	case '_':
		if (l->tok > TOK_SUFFIX_NO) {
			*why = "'_' suffix after '~' or '-r'";
			return E_FORMAT;
		}
		l->p++;
		l->tok = TOK_SUFFIX;
		return lex_suffix(l, why);
	case '~':
		if (l->tok >= TOK_HASH) {
			*why = "'~' hash after '~' or '-r'";
			return E_FORMAT;
		}
		l->p++;
		l->tok = TOK_HASH;
		for (l->val = l->p; l->p < l->end && is_hex(*l->p); l->p++)
			;
		l->val_len = (size_t)(l->p - l->val);
		if (l->val_len == 0) {
			*why = "no hexadecimal digits after '~'";
			return E_FORMAT;
		}
		return 0;
	case '-':
		if (l->tok >= TOK_REV) {
			*why = "more than one '-r'";
			return E_FORMAT;
		}
		if (l->end - l->p < 2 || l->p[1] != 'r') {
			*why = "'-' not followed by 'r'";
			return E_FORMAT;
		}
		l->p += 2;
		l->tok = TOK_REV;
		return lex_number(l, "no digits after '-r'", why);
	default:
		if (is_digit(c) && l->tok == TOK_SUFFIX) {
			l->tok = TOK_SUFFIX_NO;
			return lex_number(l, "", why);
		}
		*why = is_digit(c) ? "digits after a letter" : "invalid character in version";
		return E_FORMAT;
	}
}

/* Starts at the leading number; 0, or E_FORMAT / E_LIMIT with *why. */
static int
lex_first(struct apk_lex *l, const char *v, const char **why)
{
	size_t n;

	*why = NULL;
	memset(l, 0, sizeof(*l));
	n = strnlen(v, VERSION_APK_MAX_LEN + 1);
	if (n > VERSION_APK_MAX_LEN) {
		*why = "version too long (max " STR(VERSION_APK_MAX_LEN) " bytes)";
		return E_LIMIT;
	}
	if (n == 0) {
		*why = "version string is empty";
		return E_FORMAT;
	}
	l->p = v;
	l->end = v + n;
	l->tok = TOK_FIRST;
	return lex_number(l, "version does not start with a digit", why);
}

static int
check(const char *v, const char **why)
{
	struct apk_lex l;
	int r;

	if ((r = lex_first(&l, v, why)) != 0)
		return r;
	while (l.tok != TOK_END)
		if ((r = lex_next(&l, why)) != 0)
			return r;
	return 0;
}

static int
sign3(int d)
{
	return (d > 0) - (d < 0);
}

/* Byte order of two strings, a shorter prefix first. */
static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int d;

	d = memcmp(a, b, alen < blen ? alen : blen);
	if (d == 0 && alen != blen)
		return alen < blen ? -1 : 1;
	return sign3(d);
}

/* Compares two tokens of the same kind. */
static int
tok_cmp(const struct apk_lex *a, const struct apk_lex *b)
{
	switch (a->tok) {
	case TOK_NUMBER:
		if (a->val[0] == '0' || b->val[0] == '0')
			return bytes_cmp(a->val, a->val_len, b->val, b->val_len);
		/* FALLTHROUGH */
	case TOK_FIRST:
	case TOK_SUFFIX_NO:
	case TOK_REV:
		return a->num < b->num ? -1 : a->num > b->num;
	case TOK_LETTER:
		return sign3((unsigned char)a->val[0] - (unsigned char)b->val[0]);
	case TOK_SUFFIX:
		return a->suffix < b->suffix ? -1 : a->suffix > b->suffix;
	case TOK_HASH:
		return bytes_cmp(a->val, a->val_len, b->val, b->val_len);
	case TOK_END:
		break;
	}
	return 0;
}

int
version_apk_check(const char *v, const char **why)
{
	const char *w;
	int r;

	r = check(v, &w);
	if (why != NULL)
		*why = w;
	return r;
}

int
version_apk_valid(const char *v)
{
	return version_apk_check(v, NULL) == 0;
}

int
version_apk_cmp(const char *a, const char *b, int *res)
{
	struct apk_lex la, lb;
	const char *why;
	int r;

	*res = 0;
	/* Whole versions first: nothing is ordered unless both are valid. */
	if ((r = check(a, &why)) != 0)
		return r;
	if ((r = check(b, &why)) != 0)
		return r;
	if (lex_first(&la, a, &why) != 0 || lex_first(&lb, b, &why) != 0)
		return E_INTERNAL;
	while (la.tok == lb.tok && la.tok != TOK_END) {
		if ((r = tok_cmp(&la, &lb)) != 0) {
			*res = r;
			return 0;
		}
		if (lex_next(&la, &why) != 0 || lex_next(&lb, &why) != 0)
			return E_INTERNAL;
	}
	if (la.tok == lb.tok)
		r = 0;
	else if (la.tok == TOK_SUFFIX && la.suffix < SUFFIX_NONE)
		r = -1;
	else if (lb.tok == TOK_SUFFIX && lb.suffix < SUFFIX_NONE)
		r = 1;
	else
		r = la.tok > lb.tok ? -1 : 1;
	*res = r;
	return 0;
}
