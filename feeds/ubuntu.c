/*
 * ubuntu.c - the Ubuntu CVE Tracker (git.launchpad.net/ubuntu-cve-tracker):
 * one text file per CVE in active/, retired/ and ignored/ of a checkout, given
 * as that directory or as a tarball of it (plain, gzip, bzip2, xz or zstd).
 *
 * A CVE file is lines of "Field: value", continued by lines that start with a
 * space; blank lines and lines starting with '#' are skipped:
 *   Candidate: CVE-2019-17185          the vulnerability id
 *   Priority: low                      global priority (first word counts)
 *   Priority_SRC: medium               override for one source package,
 *   Priority_SRC_RELEASE: high         ... and for one package in one release
 *   Description:                       continued by " text" lines
 *   Patches_SRC: / Tags_SRC:           blocks we skip
 *   RELEASE_SRC: STATUS (DETAILS)      one package in one release
 * Other fields (PublicDate, References, Notes, CVSS, ...) are read and skipped.
 * A field used twice, a continuation line after a RELEASE_SRC line or before
 * any field, a control character, a bad package name, an unknown priority or
 * status word, or an unknown release token is E_FORMAT naming the line.
 *
 * Each RELEASE_SRC line gives one affected row: ecosystem "deb", name_kind
 * "source", vendor_status = the status word, vendor_severity = the priority word
 * that applies (RELEASE override, else package override, else global):
 *   released (V)        -> fixed, fixed_version V (a Debian version)
 *   released            -> unknown, note "released without a fixed version":
 *                          the tracker says the release was vulnerable and an
 *                          update was published, but not which version fixed it
 *   pending (V)         -> unfixed, note "pending: V" (still vulnerable)
 *   needed (NOTE)       -> unfixed, note NOTE
 *   in-progress, active -> unfixed, note "in-progress[: NOTE]"
 *   deferred (DATE)     -> unfixed, note "deferred[: DATE]"
 *   needs-triage        -> unknown; an empty status is needs-triage and a bare
 *                          version "1.2-3" is "released (1.2-3)", as the
 *                          tracker's own cve_lib reads them
 *   ignored (REASON)    -> wont-fix, note REASON
 *   not-affected (NOTE) -> not-affected, note NOTE
 *   DNE                 -> no row (the package does not exist there)
 * Priority -> severity: negligible, low, medium, high, critical as such;
 * untriaged and not-for-us -> unknown; none given -> unknown.
 *
 * Release tokens map to namespaces explicitly. A base release codename is
 * "ubuntu:VERSION" with the version from src/base/release.c ("bionic" ->
 * "ubuntu:18.04"); every other token is a row of tokens[] below: a channel
 * ("esm-infra/xenial" -> "ubuntu:16.04-esm-infra") or skipped (upstream, devel,
 * snap, product). Any other token is E_FORMAT naming it: never dropped. A
 * release src/base/release.c has no version for is E_FORMAT too, except on the
 * DNE line of a listed channel, which carries nothing to drop.
 *
 * Memory is bounded whatever the input: one CVE file at a time (at most
 * UBUNTU_FILE_MAX bytes) is read into memory and parsed in two passes over a
 * bounded cursor (fields first, because a Priority_ override may follow the
 * lines it applies to, then the rows); a tarball streams through libarchive.
 * The input is recorded once: a tarball by the SHA-256 of its bytes, a
 * directory by the SHA-256 of "DIR/NAME\nSIZE\n" + content of every CVE file
 * read, in the order read (active, retired, ignored; names in byte order).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <sodium.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/cur.h"
#include "base/release.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"

/* Named limits. */
#define UBUNTU_FILE_MAX		((size_t)4 << 20)	/* one CVE file: 4 MiB */
#define UBUNTU_INPUT_MAX	((uint64_t)4 << 30)	/* CVE file bytes of one input */
#define UBUNTU_TARBALL_MAX	((uint64_t)2 << 30)	/* tarball as stored: 2 GiB */
#define UBUNTU_FILES_MAX	1000000			/* CVE files of one input (~40 000) */
#define UBUNTU_LINE_MAX		65536			/* one line */
#define UBUNTU_NAME_MAX		256			/* candidate, package, version */
#define UBUNTU_TOKEN_MAX	64			/* release token */
#define UBUNTU_NOTE_MAX		1024			/* status details */
#define UBUNTU_DESC_MAX		65536			/* description */
#define UBUNTU_PRIORITIES_MAX	4096			/* Priority_ overrides in one file */
#define UBUNTU_NAMESPACES_MAX	256			/* namespaces in one input */
#define UBUNTU_PATH_MAX		4096			/* tarball entry name */
#define UBUNTU_CHUNK		65536			/* bytes per read */

#define UBUNTU_NS_PREFIX	"ubuntu:"
#define UBUNTU_NS_BUF		96
#define UBUNTU_NOTE_BUF		(UBUNTU_NOTE_MAX + 64)

/*
 * Release tokens other than base codenames, as CVE files spell them (the
 * tracker's subprojects in scripts/cve_lib.py, by their aliases). codename NULL:
 * not a release of the Ubuntu archive, no rows.
 */
static const struct token {
	const char *token;
	const char *codename;
	const char *channel;	/* namespace suffix after "-" */
} tokens[] = {
	{ "upstream", NULL, NULL },	/* the upstream project */
	{ "devel", NULL, NULL },	/* the release in development: moves, rows come
					 * back under its codename once released */
	{ "snap", NULL, NULL },		/* snaps, not debs */
	{ "product", NULL, NULL },	/* Canonical products, not debs */
	{ "precise/esm", "precise", "esm" },
	{ "trusty/esm", "trusty", "esm" },
	{ "esm-infra-legacy/trusty", "trusty", "esm-infra-legacy" },
	{ "esm-infra/xenial", "xenial", "esm-infra" },
	{ "esm-infra/bionic", "bionic", "esm-infra" },
	{ "esm-infra/focal", "focal", "esm-infra" },
	{ "esm-apps/xenial", "xenial", "esm-apps" },
	{ "esm-apps/bionic", "bionic", "esm-apps" },
	{ "esm-apps/focal", "focal", "esm-apps" },
	{ "esm-apps/jammy", "jammy", "esm-apps" },
	{ "esm-apps/noble", "noble", "esm-apps" },
	{ "fips/xenial", "xenial", "fips" },
	{ "fips/bionic", "bionic", "fips" },
	{ "fips/focal", "focal", "fips" },
	{ "fips-updates/xenial", "xenial", "fips-updates" },
	{ "fips-updates/bionic", "bionic", "fips-updates" },
	{ "fips-updates/focal", "focal", "fips-updates" },
	{ "fips-updates/jammy", "jammy", "fips-updates" },
	{ "fips-preview/jammy", "jammy", "fips-preview" },
	{ "realtime/jammy", "jammy", "realtime" },
	{ "realtime/noble", "noble", "realtime" },
	{ "bluefield/jammy", "jammy", "bluefield" },
	{ "vivid/ubuntu-core", "vivid", "ubuntu-core" },
	{ "vivid/stable-phone-overlay", "vivid", "stable-phone-overlay" },
	{ "ros-esm/xenial", "xenial", "ros-esm" },		/* ROS Kinetic */
	{ "ros-esm/bionic", "bionic", "ros-esm" },		/* ROS Melodic */
	{ "ros-esm/focal/foxy", "focal", "ros-esm-foxy" },
	{ "ros-esm/focal/noetic", "focal", "ros-esm-noetic" },
};

/* Status words (the tracker's README and cve_lib). */
enum status {
	S_DNE,
	S_NEEDS_TRIAGE,
	S_NEEDED,
	S_IN_PROGRESS,
	S_ACTIVE,
	S_PENDING,
	S_DEFERRED,
	S_RELEASED,
	S_IGNORED,
	S_NOT_AFFECTED
};

static const char *const status_words[] = {
	"DNE", "needs-triage", "needed", "in-progress", "active", "pending", "deferred",
	"released", "ignored", "not-affected"
};

/* Priority words and their normalized severity. */
static const struct {
	const char *word;
	const char *severity;
} priorities[] = {
	{ "negligible", "negligible" },
	{ "low", "low" },
	{ "medium", "medium" },
	{ "high", "high" },
	{ "critical", "critical" },
	{ "untriaged", "unknown" },
	{ "not-for-us", "unknown" },
};

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* What a line is. */
enum kind {
	L_NONE,		/* before the first field */
	L_CANDIDATE,
	L_DESCRIPTION,
	L_PRIORITY,
	L_PRIORITY_PKG,	/* Priority_SRC[_RELEASE] */
	L_BLOCK,	/* Patches_SRC, Tags_SRC: continuation lines are entries */
	L_RELEASE,	/* RELEASE_SRC: STATUS */
	L_OTHER		/* a field we skip */
};

/* A parsed field line; pointers borrow the file buffer. */
struct fline {
	enum kind kind;
	const char *field;
	size_t flen;
	const char *val;
	size_t vlen;
	/* L_RELEASE, L_PRIORITY_PKG */
	const char *pkg;
	size_t pkglen;
	const char *tok;	/* release token; L_PRIORITY_PKG: may be empty */
	size_t toklen;
	/* L_RELEASE */
	int skip;		/* token names no release of the archive */
	const struct token *chan;	/* its row in tokens[], for a channel */
	char code[UBUNTU_TOKEN_MAX + 1];	/* the release codename */
	char ns[UBUNTU_NS_BUF];	/* "" when release.c has no version for it */
	enum status status;
	const char *det;	/* details without the parentheses */
	size_t detlen;
	/* L_PRIORITY, L_PRIORITY_PKG */
	size_t prio;		/* index in priorities[] */
};

/* A Priority_SRC[_RELEASE] override of the file being parsed. */
struct prio {
	const char *pkg;
	size_t pkglen;
	const char *tok;
	size_t toklen;		/* 0: every release */
	size_t prio;
};

struct uparser {
	struct ctx *c;
	struct bundle_writer *w;
	int64_t records;

	/* Namespaces already declared for this input. */
	char ns[UBUNTU_NAMESPACES_MAX][UBUNTU_NS_BUF];
	size_t nns;

	/* The file being parsed. */
	size_t line;
	char cand[UBUNTU_NAME_MAX + 1];
	int has_prio;
	size_t prio;		/* global priority, when has_prio */
	int has_desc;
	char desc[UBUNTU_DESC_MAX + 1];
	size_t desc_len;
	struct prio prios[UBUNTU_PRIORITIES_MAX];
	size_t nprios;
};

static int lerr(struct uparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* An error at the current line. */
static int
lerr(struct uparser *p, int code, const char *fmt, ...)
{
	char msg[CTX_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctx_err(p->c, code, "line %zu: %s", p->line, msg);
}

static int
span_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int
has_prefix(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	return len >= n && memcmp(s, lit, n) == 0;
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_lower_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || is_digit(ch);
}

/* A Debian source package name: [a-z0-9][a-z0-9+.-]*. */
static int
valid_package(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || !is_lower_alnum(s[0]))
		return 0;
	for (i = 1; i < len; i++)
		if (!is_lower_alnum(s[i]) && s[i] != '+' && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/* A Debian version as the tracker checks it: [EPOCH:]DIGIT[A-Za-z0-9~.+-]*. */
static int
valid_version(const char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len && is_digit(s[i]))
		i++;
	if (i > 0 && i < len && s[i] == ':')
		i++;
	else
		i = 0;
	if (i == len || !is_digit(s[i]))
		return 0;
	for (j = i; j < len; j++) {
		char ch = s[j];

		if (!is_digit(ch) && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    ch != '~' && ch != '.' && ch != '+' && ch != '-')
			return 0;
	}
	return 1;
}

/* Field names: letters, digits and _/.+- (release tokens and package names). */
static int
valid_field(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || is_digit(ch) ||
		    ch == '_' || ch == '/' || ch == '.' || ch == '+' || ch == '-'))
			return 0;
	}
	return 1;
}

static void
trim(const char **s, size_t *len)
{
	while (*len > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*len)--;
	}
	while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
		(*len)--;
}

static int
find_priority(const char *s, size_t len, size_t *idx)
{
	size_t i;

	for (i = 0; i < NELEM(priorities); i++)
		if (span_is(s, len, priorities[i].word)) {
			*idx = i;
			return 1;
		}
	return 0;
}

/* A priority value: its first word ("medium" of "medium (reason)"). */
static int
parse_priority(struct uparser *p, const char *val, size_t vlen, size_t *idx)
{
	size_t n = 0;

	while (n < vlen && val[n] != ' ' && val[n] != '\t')
		n++;
	if (!find_priority(val, n, idx))
		return lerr(p, E_FORMAT, "unknown priority '%.*s'",
		    (int)(n > UBUNTU_TOKEN_MAX ? UBUNTU_TOKEN_MAX : n), val);
	return 0;
}

/*
 * The namespace of a release token, or skip. Base codenames come from
 * src/base/release.c, everything else from tokens[]. A token that is neither
 * is E_FORMAT. A token whose release has no version in release.c leaves f->ns
 * empty, and the caller fails (unnamed()) unless it is a DNE line of a channel
 * in tokens[]: that carries nothing a scanner could use, and no image of that
 * release can be named either. An unlisted codename fails even there.
 */
static int
resolve_token(struct uparser *p, struct fline *f)
{
	const char *version = NULL;
	size_t i;

	f->skip = 0;
	f->ns[0] = '\0';
	f->chan = NULL;
	f->code[0] = '\0';
	for (i = 0; i < NELEM(tokens); i++)
		if (span_is(f->tok, f->toklen, tokens[i].token))
			break;
	if (i < NELEM(tokens)) {
		if (tokens[i].codename == NULL) {
			f->skip = 1;
			return 0;
		}
		f->chan = &tokens[i];
		snprintf(f->code, sizeof(f->code), "%s", tokens[i].codename);
	} else {
		/* a base release: its codename, all lowercase letters */
		for (i = 0; i < f->toklen; i++)
			if (!(f->tok[i] >= 'a' && f->tok[i] <= 'z'))
				break;
		if (f->toklen == 0 || i < f->toklen)
			return lerr(p, E_FORMAT, "unknown release token '%.*s' (not a "
			    "channel in feeds/ubuntu.c's table nor a codename)",
			    (int)f->toklen, f->tok);
		memcpy(f->code, f->tok, f->toklen);
		f->code[f->toklen] = '\0';
	}
	if ((version = release_ubuntu_version(f->code)) == NULL)
		return 0;
	snprintf(f->ns, sizeof(f->ns), "%s%s%s%s", UBUNTU_NS_PREFIX, version,
	    f->chan ? "-" : "", f->chan ? f->chan->channel : "");
	return 0;
}

/* A line with information for a release we cannot name: E_FORMAT. */
static int
unnamed(struct uparser *p, const struct fline *f)
{
	if (f->chan != NULL)
		return lerr(p, E_FORMAT, "release '%s' of token '%s' has no version in "
		    "src/base/release.c", f->code, f->chan->token);
	return lerr(p, E_FORMAT, "unknown release token '%s' (not a channel in "
	    "feeds/ubuntu.c's table nor a codename in src/base/release.c)", f->code);
}

/* "STATUS (DETAILS)" of a RELEASE_SRC line. */
static int
parse_status(struct uparser *p, struct fline *f)
{
	const char *v = f->val, *word, *det;
	size_t vlen = f->vlen, wlen = 0, dlen, i;

	while (wlen < vlen && v[wlen] != ' ' && v[wlen] != '\t')
		wlen++;
	word = v;
	det = v + wlen;
	dlen = vlen - wlen;
	trim(&det, &dlen);
	if (dlen > 0 && det[0] == '(') {
		det++;
		dlen--;
	}
	if (dlen > 0 && det[dlen - 1] == ')')
		dlen--;
	trim(&det, &dlen);
	if (wlen == 0) {
		/* an empty status is needs-triage (cve_lib) */
		f->status = S_NEEDS_TRIAGE;
	} else if (dlen == 0 && is_digit(word[0])) {
		/* the old form: a bare version is "released (VERSION)" (cve_lib) */
		f->status = S_RELEASED;
		det = word;
		dlen = wlen;
	} else {
		for (i = 0; i < NELEM(status_words); i++)
			if (span_is(word, wlen, status_words[i]))
				break;
		if (i == NELEM(status_words))
			return lerr(p, E_FORMAT, "unknown status '%.*s'",
			    (int)(wlen > UBUNTU_TOKEN_MAX ? UBUNTU_TOKEN_MAX : wlen), word);
		f->status = (enum status)i;
	}
	if (dlen > UBUNTU_NOTE_MAX)
		return lerr(p, E_LIMIT, "status details longer than %d bytes "
		    "(UBUNTU_NOTE_MAX)", UBUNTU_NOTE_MAX);
	f->det = det;
	f->detlen = dlen;
	if (f->skip || dlen == 0)
		return 0;
	if (f->status == S_RELEASED || f->status == S_PENDING) {
		if (dlen > UBUNTU_NAME_MAX)
			return lerr(p, E_LIMIT, "version longer than %d bytes "
			    "(UBUNTU_NAME_MAX)", UBUNTU_NAME_MAX);
		if (!valid_version(det, dlen))
			return lerr(p, E_FORMAT, "%s: '%.*s' is not a version",
			    status_words[f->status], (int)dlen, det);
	}
	return 0;
}

/* Splits "Field: value" and classifies the field. */
static int
parse_field(struct uparser *p, const char *s, size_t n, struct fline *f)
{
	const char *colon, *us;
	size_t rest;

	memset(f, 0, sizeof(*f));
	if ((colon = memchr(s, ':', n)) == NULL)
		return lerr(p, E_FORMAT, "not a 'Field: value' line");
	f->field = s;
	f->flen = (size_t)(colon - s);
	f->val = colon + 1;
	f->vlen = n - f->flen - 1;
	trim(&f->field, &f->flen);
	trim(&f->val, &f->vlen);
	if (!valid_field(f->field, f->flen))
		return lerr(p, E_FORMAT, "bad field name");
	if (span_is(f->field, f->flen, "Candidate"))
		f->kind = L_CANDIDATE;
	else if (span_is(f->field, f->flen, "Description"))
		f->kind = L_DESCRIPTION;
	else if (span_is(f->field, f->flen, "Priority")) {
		f->kind = L_PRIORITY;
		if (f->vlen > 0 && parse_priority(p, f->val, f->vlen, &f->prio) != 0)
			return p->c->err_code;
	} else if (has_prefix(f->field, f->flen, "Priority_")) {
		/* Priority_SRC or Priority_SRC_RELEASE (names have no '_') */
		f->kind = L_PRIORITY_PKG;
		f->pkg = f->field + 9;
		rest = f->flen - 9;
		us = memchr(f->pkg, '_', rest);
		f->pkglen = us ? (size_t)(us - f->pkg) : rest;
		if (us != NULL) {
			f->tok = us + 1;
			f->toklen = rest - f->pkglen - 1;
			if (f->toklen == 0)
				return lerr(p, E_FORMAT, "empty release in %.*s",
				    (int)f->flen, f->field);
		}
		if (f->pkglen > UBUNTU_NAME_MAX || !valid_package(f->pkg, f->pkglen))
			return lerr(p, E_FORMAT, "bad package name in %.*s (1 to %d of "
			    "[a-z0-9+.-], UBUNTU_NAME_MAX)", (int)f->flen, f->field,
			    UBUNTU_NAME_MAX);
		if (f->toklen > UBUNTU_TOKEN_MAX)
			return lerr(p, E_LIMIT, "release token longer than %d bytes "
			    "(UBUNTU_TOKEN_MAX)", UBUNTU_TOKEN_MAX);
		if (f->toklen > 0 && resolve_token(p, f) != 0)
			return p->c->err_code;
		if (f->toklen > 0 && !f->skip && f->ns[0] == '\0' && f->chan == NULL)
			return unnamed(p, f);
		if (f->vlen == 0)
			return lerr(p, E_FORMAT, "empty %.*s", (int)f->flen, f->field);
		if (parse_priority(p, f->val, f->vlen, &f->prio) != 0)
			return p->c->err_code;
	} else if (has_prefix(f->field, f->flen, "Patches_") ||
	    has_prefix(f->field, f->flen, "Tags_"))
		f->kind = L_BLOCK;
	else if ((us = memchr(f->field, '_', f->flen)) != NULL) {
		f->kind = L_RELEASE;
		f->tok = f->field;
		f->toklen = (size_t)(us - f->field);
		f->pkg = us + 1;
		f->pkglen = f->flen - f->toklen - 1;
		if (f->toklen > UBUNTU_TOKEN_MAX)
			return lerr(p, E_LIMIT, "release token longer than %d bytes "
			    "(UBUNTU_TOKEN_MAX)", UBUNTU_TOKEN_MAX);
		if (resolve_token(p, f) != 0)
			return p->c->err_code;
		if (!f->skip && (f->pkglen > UBUNTU_NAME_MAX ||
		    !valid_package(f->pkg, f->pkglen)))
			return lerr(p, E_FORMAT, "bad package name '%.*s' (1 to %d of "
			    "[a-z0-9+.-], UBUNTU_NAME_MAX)",
			    (int)(f->pkglen > UBUNTU_NAME_MAX ? UBUNTU_NAME_MAX : f->pkglen),
			    f->pkg, UBUNTU_NAME_MAX);
		if (parse_status(p, f) != 0)
			return p->c->err_code;
		if (!f->skip && f->ns[0] == '\0' && (f->status != S_DNE || f->chan == NULL))
			return unnamed(p, f);
	} else
		f->kind = L_OTHER;
	return 0;
}

static int
cmp_prio(const void *va, const void *vb)
{
	const struct prio *a = va, *b = vb;
	size_t n = a->pkglen < b->pkglen ? a->pkglen : b->pkglen;
	int d;

	if ((d = memcmp(a->pkg, b->pkg, n)) != 0)
		return d;
	if (a->pkglen != b->pkglen)
		return a->pkglen < b->pkglen ? -1 : 1;
	n = a->toklen < b->toklen ? a->toklen : b->toklen;
	if (n > 0 && (d = memcmp(a->tok, b->tok, n)) != 0)
		return d;
	if (a->toklen != b->toklen)
		return a->toklen < b->toklen ? -1 : 1;
	return 0;
}

/* The priority index for pkg in release tok, or -1 when none is given. */
static long
priority_for(const struct uparser *p, const char *pkg, size_t pkglen, const char *tok,
    size_t toklen)
{
	struct prio key, *hit;

	key.pkg = pkg;
	key.pkglen = pkglen;
	key.tok = tok;
	key.toklen = toklen;
	if ((hit = bsearch(&key, p->prios, p->nprios, sizeof(key), cmp_prio)) != NULL)
		return (long)hit->prio;
	key.toklen = 0;
	if ((hit = bsearch(&key, p->prios, p->nprios, sizeof(key), cmp_prio)) != NULL)
		return (long)hit->prio;
	return p->has_prio ? (long)p->prio : -1;
}

/* First pass: the fields rows depend on. */
static int
collect(struct uparser *p, const struct fline *f, unsigned *seen)
{
	struct prio *q;
	size_t i;

#define ONCE(bit, name) do { \
	if (*seen & (bit)) \
		return lerr(p, E_FORMAT, "repeated field %s", name); \
	*seen |= (bit); \
} while (0)
	switch (f->kind) {
	case L_CANDIDATE:
		ONCE(1u, "Candidate");
		if (f->vlen == 0)
			return lerr(p, E_FORMAT, "empty Candidate");
		if (f->vlen > UBUNTU_NAME_MAX)
			return lerr(p, E_LIMIT, "Candidate longer than %d bytes "
			    "(UBUNTU_NAME_MAX)", UBUNTU_NAME_MAX);
		for (i = 0; i < f->vlen; i++)
			if ((unsigned char)f->val[i] <= 0x20 || (unsigned char)f->val[i] >= 0x7f)
				return lerr(p, E_FORMAT, "Candidate is not one printable word");
		memcpy(p->cand, f->val, f->vlen);
		p->cand[f->vlen] = '\0';
		break;
	case L_PRIORITY:
		ONCE(2u, "Priority");
		if (f->vlen > 0) {
			p->has_prio = 1;
			p->prio = f->prio;
		}
		break;
	case L_DESCRIPTION:
		ONCE(4u, "Description");
		p->has_desc = 1;
		if (f->vlen > UBUNTU_DESC_MAX)
			return lerr(p, E_LIMIT, "description longer than %d bytes "
			    "(UBUNTU_DESC_MAX)", UBUNTU_DESC_MAX);
		memcpy(p->desc, f->val, f->vlen);
		p->desc_len = f->vlen;
		p->desc[p->desc_len] = '\0';
		break;
	case L_PRIORITY_PKG:
		for (i = 0; i < p->nprios; i++) {
			q = &p->prios[i];
			if (q->pkglen == f->pkglen && memcmp(q->pkg, f->pkg, f->pkglen) == 0 &&
			    q->toklen == f->toklen &&
			    (f->toklen == 0 || memcmp(q->tok, f->tok, f->toklen) == 0))
				return lerr(p, E_FORMAT, "repeated field %.*s", (int)f->flen,
				    f->field);
		}
		if (p->nprios == UBUNTU_PRIORITIES_MAX)
			return lerr(p, E_LIMIT, "more than %d Priority_ fields "
			    "(UBUNTU_PRIORITIES_MAX)", UBUNTU_PRIORITIES_MAX);
		q = &p->prios[p->nprios++];
		q->pkg = f->pkg;
		q->pkglen = f->pkglen;
		q->tok = f->tok;
		q->toklen = f->toklen;
		q->prio = f->prio;
		break;
	default:
		break;
	}
#undef ONCE
	return 0;
}

/* A continuation line of the description ("" for the leading space). */
static int
add_description(struct uparser *p, const char *s, size_t n)
{
	size_t need = n + (p->desc_len > 0 ? 1 : 0);

	if (need > UBUNTU_DESC_MAX - p->desc_len)
		return lerr(p, E_LIMIT, "description longer than %d bytes (UBUNTU_DESC_MAX)",
		    UBUNTU_DESC_MAX);
	if (p->desc_len > 0)
		p->desc[p->desc_len++] = '\n';
	memcpy(p->desc + p->desc_len, s, n);
	p->desc_len += n;
	p->desc[p->desc_len] = '\0';
	return 0;
}

/* Declares ns once per input. */
static int
declare(struct uparser *p, const char *ns)
{
	size_t i;
	int r;

	for (i = 0; i < p->nns; i++)
		if (strcmp(p->ns[i], ns) == 0)
			return 0;
	if (p->nns == UBUNTU_NAMESPACES_MAX)
		return lerr(p, E_LIMIT, "more than %d release namespaces "
		    "(UBUNTU_NAMESPACES_MAX)", UBUNTU_NAMESPACES_MAX);
	snprintf(p->ns[p->nns++], UBUNTU_NS_BUF, "%s", ns);
	if (p->w != NULL && (r = bundle_writer_namespace(p->c, p->w, ns)) != 0) {
		ctx_prefix(p->c, "line %zu", p->line);
		return r;
	}
	return 0;
}

/* Second pass: one affected row per RELEASE_SRC line (none for DNE). */
static int
emit(struct uparser *p, const struct fline *f)
{
	struct bundle_affected a;
	char pkg[UBUNTU_NAME_MAX + 1], fixed[UBUNTU_NAME_MAX + 1];
	char note[UBUNTU_NOTE_BUF];
	const char *state, *what = NULL;
	long pi;
	int r, det = f->detlen > 0;

	if (f->skip || f->ns[0] == '\0')
		return 0;	/* not a release, or DNE in one release.c cannot name */
	if ((r = declare(p, f->ns)) != 0)
		return r;
	if (f->status == S_DNE)
		return 0;
	note[0] = '\0';
	fixed[0] = '\0';
	switch (f->status) {
	case S_RELEASED:
		if (det) {
			state = "fixed";
			snprintf(fixed, sizeof(fixed), "%.*s", (int)f->detlen, f->det);
		} else {
			state = "unknown";
			what = "released without a fixed version";
		}
		break;
	case S_PENDING:
		state = "unfixed";
		what = "pending";
		break;
	case S_IN_PROGRESS:
	case S_ACTIVE:
		state = "unfixed";
		what = "in-progress";
		break;
	case S_DEFERRED:
		state = "unfixed";
		what = "deferred";
		break;
	case S_NEEDED:
		state = "unfixed";
		break;
	case S_NEEDS_TRIAGE:
		state = "unknown";
		break;
	case S_IGNORED:
		state = "wont-fix";
		break;
	case S_NOT_AFFECTED:
		state = "not-affected";
		break;
	default:
		return lerr(p, E_INTERNAL, "unhandled status %d", (int)f->status);
	}
	/* "what: details", "what", "details" or nothing (fixed: the version) */
	if (what != NULL && det)
		snprintf(note, sizeof(note), "%s: %.*s", what, (int)f->detlen, f->det);
	else if (what != NULL)
		snprintf(note, sizeof(note), "%s", what);
	else if (det && f->status != S_RELEASED)
		snprintf(note, sizeof(note), "%.*s", (int)f->detlen, f->det);
	memcpy(pkg, f->pkg, f->pkglen);
	pkg[f->pkglen] = '\0';
	pi = priority_for(p, f->pkg, f->pkglen, f->tok, f->toklen);

	memset(&a, 0, sizeof(a));
	a.vuln_id = p->cand;
	a.ecosystem = "deb";
	a.namespace = f->ns;
	a.package = pkg;
	a.name_kind = "source";
	a.state = state;
	a.fixed_version = fixed[0] != '\0' ? fixed : NULL;
	a.severity = pi >= 0 ? priorities[pi].severity : "unknown";
	a.vendor_severity = pi >= 0 ? priorities[pi].word : NULL;
	a.vendor_status = status_words[f->status];
	a.note = note[0] != '\0' ? note : NULL;
	a.description = p->desc_len > 0 ? p->desc : NULL;
	if (p->w != NULL && (r = bundle_writer_affected(p->c, p->w, &a)) != 0) {
		ctx_prefix(p->c, "line %zu", p->line);
		return r;
	}
	if (ckd_add(&p->records, p->records, 1))
		return lerr(p, E_LIMIT, "too many records");
	return 0;
}

/* One pass over the lines of a CVE file: pass 1 collects, pass 2 emits. */
static int
walk(struct uparser *p, const uint8_t *buf, size_t len, int pass)
{
	struct fline f;
	struct cur k;
	const char *s;
	size_t n, i;
	enum kind last = L_NONE;
	unsigned seen = 0;
	int r;

	cur_init(&k, buf, len);
	p->line = 0;
	while (cur_avail(&k) > 0) {
		p->line++;
		if (cur_get_line(&k, UBUNTU_LINE_MAX, &s, &n) != 0)
			return lerr(p, E_LIMIT, "longer than %d bytes (UBUNTU_LINE_MAX)",
			    UBUNTU_LINE_MAX);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
			n--;
		if (n == 0 || s[0] == '#')
			continue;
		for (i = 0; i < n; i++) {
			unsigned char ch = (unsigned char)s[i];

			if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
				return lerr(p, E_FORMAT, "control character 0x%02x", ch);
		}
		if (s[0] == ' ') {
			if (last == L_NONE)
				return lerr(p, E_FORMAT, "continuation line before any field");
			if (last == L_RELEASE)
				return lerr(p, E_FORMAT, "continuation line after a release line");
			if (pass == 1 && last == L_DESCRIPTION &&
			    (r = add_description(p, s + 1, n - 1)) != 0)
				return r;
			continue;
		}
		if ((r = parse_field(p, s, n, &f)) != 0)
			return r;
		last = f.kind;
		if (pass == 1)
			r = collect(p, &f, &seen);
		else
			r = f.kind == L_RELEASE ? emit(p, &f) : 0;
		if (r != 0)
			return r;
	}
	return 0;
}

/* One CVE file. */
static int
parse_file(struct uparser *p, const uint8_t *buf, size_t len)
{
	int r;

	if (len > UBUNTU_FILE_MAX)
		return ctx_err(p->c, E_LIMIT, "larger than %zu bytes (UBUNTU_FILE_MAX)",
		    UBUNTU_FILE_MAX);
	p->cand[0] = '\0';
	p->has_prio = 0;
	p->has_desc = 0;
	p->desc_len = 0;
	p->desc[0] = '\0';
	p->nprios = 0;
	if ((r = walk(p, buf, len, 1)) != 0)
		return r;
	if (p->cand[0] == '\0')
		return ctx_err(p->c, E_FORMAT, "no Candidate field");
	qsort(p->prios, p->nprios, sizeof(p->prios[0]), cmp_prio);
	return walk(p, buf, len, 2);
}

static struct uparser *
parser_new(struct ctx *c, struct bundle_writer *w)
{
	struct uparser *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->w = w;
	return p;
}

int
feed_ubuntu_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct uparser *p;
	int r;

	*records = 0;
	p = parser_new(c, w);
	if ((r = parse_file(p, buf, len)) == 0)
		*records = p->records;
	free(p);
	return r;
}

/* Tracker file names: CVE-YEAR-NUMBER (the tracker also uses N placeholders). */
static int
cve_name(const char *s)
{
	size_t i = 4, d;

	if (strncmp(s, "CVE-", 4) != 0)
		return 0;
	for (d = i; is_digit(s[i]); i++)
		;
	if (i == d || s[i] != '-')
		return 0;
	for (d = ++i; is_digit(s[i]) || s[i] == 'N'; i++)
		;
	return i > d && s[i] == '\0';
}

static int
tracker_dir(const char *s, size_t len)
{
	return span_is(s, len, "active") || span_is(s, len, "retired") ||
	    span_is(s, len, "ignored");
}

/* Reads fd to the end into *buf (grown as needed), at most UBUNTU_FILE_MAX. */
static int
read_all(struct ctx *c, int fd, uint8_t **buf, size_t *cap, size_t *len)
{
	ssize_t n;

	*len = 0;
	for (;;) {
		if (*len == *cap) {
			if (*cap > UBUNTU_FILE_MAX)
				return ctx_err(c, E_LIMIT, "larger than %zu bytes "
				    "(UBUNTU_FILE_MAX)", UBUNTU_FILE_MAX);
			*cap = *cap ? *cap * 2 : UBUNTU_CHUNK;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		if ((n = read(fd, *buf + *len, *cap - *len)) == -1) {
			if (errno == EINTR)
				continue;
			return ctx_errno(c, E_IO, "read");
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	if (*len > UBUNTU_FILE_MAX)
		return ctx_err(c, E_LIMIT, "larger than %zu bytes (UBUNTU_FILE_MAX)",
		    UBUNTU_FILE_MAX);
	return 0;
}

/* State shared by the directory and tarball readers. */
struct input {
	struct uparser *p;
	crypto_hash_sha256_state hs;
	uint64_t bytes;		/* CVE file bytes parsed */
	size_t files;
	uint8_t *buf;		/* the current CVE file */
	size_t cap;
};

/* Parses one CVE file named name (for messages) and counts it. */
static int
input_file(struct input *in, const char *name, const uint8_t *buf, size_t len)
{
	struct ctx *c = in->p->c;
	int r;

	if (++in->files > UBUNTU_FILES_MAX)
		return ctx_err(c, E_LIMIT, "more than %d CVE files (UBUNTU_FILES_MAX)",
		    UBUNTU_FILES_MAX);
	if (ckd_add(&in->bytes, in->bytes, (uint64_t)len) || in->bytes > UBUNTU_INPUT_MAX)
		return ctx_err(c, E_LIMIT, "CVE files larger than %llu bytes in all "
		    "(UBUNTU_INPUT_MAX)", (unsigned long long)UBUNTU_INPUT_MAX);
	if ((r = parse_file(in->p, buf, len)) != 0)
		ctx_prefix(c, "%s", name);
	return r;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The CVE files of DIR/sub in name order; a missing sub is no error. */
static int
read_subdir(struct input *in, const char *dir, const char *sub, int *found)
{
	struct ctx *c = in->p->c;
	char path[UBUNTU_PATH_MAX], hdr[UBUNTU_PATH_MAX + 32];
	char **names = NULL;
	size_t n = 0, cap = 0, i, len;
	struct dirent *de;
	struct stat sb;
	DIR *d = NULL;
	int dfd, fd = -1, r = E_INTERNAL;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, sub) >= sizeof(path))
		return ctx_err(c, E_LIMIT, "%s: path longer than %d bytes (UBUNTU_PATH_MAX)",
		    dir, UBUNTU_PATH_MAX);
	if ((d = opendir(path)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return ctx_errno(c, E_IO, "%s", path);
	}
	*found = 1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) {
				r = ctx_errno(c, E_IO, "%s", path);
				goto out;
			}
			break;
		}
		if (!cve_name(de->d_name))
			continue;
		if (in->files + n >= UBUNTU_FILES_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: more than %d CVE files (UBUNTU_FILES_MAX)",
			    path, UBUNTU_FILES_MAX);
			goto out;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	if (n > 1)	/* qsort of a NULL array is undefined, even when empty */
		qsort(names, n, sizeof(*names), cmp_name);
	dfd = dirfd(d);
	for (i = 0; i < n; i++) {
		if ((fd = openat(dfd, names[i], O_RDONLY | O_CLOEXEC)) == -1) {
			r = ctx_errno(c, E_IO, "%s/%s", path, names[i]);
			goto out;
		}
		if (fstat(fd, &sb) != 0) {
			r = ctx_errno(c, E_IO, "%s/%s", path, names[i]);
			goto out;
		}
		if (!S_ISREG(sb.st_mode)) {
			r = ctx_err(c, E_FORMAT, "%s/%s: not a regular file", sub, names[i]);
			goto out;
		}
		if ((r = read_all(c, fd, &in->buf, &in->cap, &len)) != 0) {
			ctx_prefix(c, "%s/%s", sub, names[i]);
			goto out;
		}
		close(fd);
		fd = -1;
		snprintf(hdr, sizeof(hdr), "%s/%s\n%zu\n", sub, names[i], len);
		crypto_hash_sha256_update(&in->hs, (const uint8_t *)hdr, strlen(hdr));
		crypto_hash_sha256_update(&in->hs, in->buf, len);
		snprintf(hdr, sizeof(hdr), "%s/%s", sub, names[i]);
		if ((r = input_file(in, hdr, in->buf, len)) != 0)
			goto out;
	}
	r = 0;
out:
	if (fd != -1)
		close(fd);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

static int
read_tree(struct input *in, const char *dir)
{
	static const char *const subs[] = { "active", "retired", "ignored" };
	size_t i;
	int found = 0, r;

	for (i = 0; i < NELEM(subs); i++)
		if ((r = read_subdir(in, dir, subs[i], &found)) != 0)
			return r;
	if (!found)
		return ctx_err(in->p->c, E_FORMAT, "%s: no active/, retired/ or ignored/ "
		    "directory", dir);
	return 0;
}

/* The tarball's bytes: read, hashed and bounded on their way to libarchive. */
struct tarsrc {
	struct ctx *c;
	int fd;
	crypto_hash_sha256_state *hs;
	uint64_t total;
	uint8_t *buf;
	int err;		/* E_* a callback failed with */
};

static ssize_t
tar_fill(struct tarsrc *t)
{
	ssize_t n;

	do
		n = read(t->fd, t->buf, UBUNTU_CHUNK);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		t->err = ctx_errno(t->c, E_IO, "read");
		return -1;
	}
	if (ckd_add(&t->total, t->total, (uint64_t)n) || t->total > UBUNTU_TARBALL_MAX) {
		t->err = ctx_err(t->c, E_LIMIT, "larger than %llu bytes (UBUNTU_TARBALL_MAX)",
		    (unsigned long long)UBUNTU_TARBALL_MAX);
		return -1;
	}
	crypto_hash_sha256_update(t->hs, t->buf, (unsigned long long)n);
	return n;
}

static la_ssize_t
tar_read(struct archive *a, void *arg, const void **out)
{
	struct tarsrc *t = arg;
	ssize_t n;

	if ((n = tar_fill(t)) < 0) {
		archive_set_error(a, EIO, "%s", t->c->err);
		return -1;
	}
	*out = t->buf;
	return (la_ssize_t)n;
}

/*
 * A tarball entry to parse: [TOP/]{active,retired,ignored}/CVE-*, after any
 * leading "./". Everything else in the tarball is skipped.
 */
static int
tar_wanted(const char *path)
{
	const char *comp[4];
	size_t lens[4], nc = 0;
	const char *s = path, *e;

	while (s[0] == '.' && s[1] == '/')
		s += 2;
	while (*s == '/')
		s++;
	while (*s != '\0') {
		if (nc == 4)
			return 0;
		e = strchr(s, '/');
		comp[nc] = s;
		lens[nc] = e ? (size_t)(e - s) : strlen(s);
		nc++;
		if (e == NULL)
			break;
		s = e + 1;
	}
	if (nc == 2)
		return tracker_dir(comp[0], lens[0]) && cve_name(comp[1]);
	if (nc == 3)
		return tracker_dir(comp[1], lens[1]) && cve_name(comp[2]);
	return 0;
}

static int
read_tarball(struct input *in, int fd, uint64_t *size)
{
	struct ctx *c = in->p->c;
	struct tarsrc t;
	struct archive *a = NULL;
	struct archive_entry *e;
	const char *name;
	la_int64_t esize;
	la_ssize_t n;
	size_t len;
	int ar, r = E_INTERNAL;

	memset(&t, 0, sizeof(t));
	t.c = c;
	t.fd = fd;
	t.hs = &in->hs;
	t.buf = xmalloc(UBUNTU_CHUNK);
	if ((a = archive_read_new()) == NULL) {
		r = ctx_err(c, E_NOMEM, "archive_read_new");
		goto out;
	}
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(a) != ARCHIVE_OK) {
		r = ctx_err(c, E_UNSUPPORTED, "libarchive: %s", archive_error_string(a));
		goto out;
	}
	if (archive_read_open(a, &t, NULL, tar_read, NULL) != ARCHIVE_OK)
		goto fail;
	for (;;) {
		ar = archive_read_next_header(a, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN)
			goto fail;
		if ((name = archive_entry_pathname(e)) == NULL)
			name = archive_entry_pathname_utf8(e);
		if (name == NULL || strlen(name) > UBUNTU_PATH_MAX) {
			r = ctx_err(c, E_FORMAT, "entry without a usable name (at most %d "
			    "bytes, UBUNTU_PATH_MAX)", UBUNTU_PATH_MAX);
			goto out;
		}
		if (!tar_wanted(name))
			continue;	/* libarchive skips the data */
		if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) != NULL) {
			r = ctx_err(c, E_FORMAT, "%s: not a regular file", name);
			goto out;
		}
		esize = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
		if (esize < 0 || (uint64_t)esize > UBUNTU_FILE_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (UBUNTU_FILE_MAX)",
			    name, UBUNTU_FILE_MAX);
			goto out;
		}
		len = 0;
		for (;;) {
			if (len == in->cap) {
				if (in->cap > UBUNTU_FILE_MAX) {
					r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes "
					    "(UBUNTU_FILE_MAX)", name, UBUNTU_FILE_MAX);
					goto out;
				}
				in->cap = in->cap ? in->cap * 2 : UBUNTU_CHUNK;
				in->buf = xreallocarray(in->buf, in->cap, 1);
			}
			if ((n = archive_read_data(a, in->buf + len, in->cap - len)) < 0)
				goto fail;
			if (n == 0)
				break;
			len += (size_t)n;
		}
		if (len > UBUNTU_FILE_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (UBUNTU_FILE_MAX)",
			    name, UBUNTU_FILE_MAX);
			goto out;
		}
		if ((r = input_file(in, name, in->buf, len)) != 0)
			goto out;
	}
	/* hash what libarchive left unread (end-of-archive padding) */
	while ((n = tar_fill(&t)) > 0)
		;
	if (n < 0) {
		r = t.err;
		goto out;
	}
	*size = t.total;
	r = 0;
	goto out;
fail:
	if (t.err != 0)
		r = t.err;
	else
		r = ctx_err(c, E_FORMAT, "not a tar archive of the tracker: %s",
		    archive_error_string(a) ? archive_error_string(a) : "unreadable");
out:
	if (a != NULL)
		archive_read_free(a);
	free(t.buf);
	return r;
}

static int
ubuntu_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	struct input in;
	uint8_t digest[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	struct stat sb;
	uint64_t size = 0;
	int fd = -1, r = E_INTERNAL;

	*records = 0;
	memset(&in, 0, sizeof(in));
	if (arg != NULL)
		return ctx_err(c, E_USAGE, "ubuntu: takes no @argument (got '%s')", arg);
	if (sodium_init() < 0)
		return ctx_err(c, E_INTERNAL, "libsodium failed to initialize");
	if (stat(path, &sb) != 0)
		return ctx_errno(c, E_IO, "%s", path);
	in.p = parser_new(c, w);
	crypto_hash_sha256_init(&in.hs);
	if (S_ISDIR(sb.st_mode)) {
		if ((r = read_tree(&in, path)) != 0)
			goto out;
		size = in.bytes;
	} else {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
			r = ctx_errno(c, E_IO, "%s", path);
			goto out;
		}
		if ((r = read_tarball(&in, fd, &size)) != 0)
			goto out;	/* the caller names the input ("ubuntu:PATH: ...") */
	}
	if (in.files == 0) {
		r = ctx_err(c, E_FORMAT, "no CVE files in active/, retired/ or ignored/");
		goto out;
	}
	crypto_hash_sha256_final(&in.hs, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if (w != NULL && (r = bundle_writer_input(c, w, path, hex, size, NULL)) != 0)
		goto out;
	*records = in.p->records;
	r = 0;
out:
	if (fd != -1)
		close(fd);
	free(in.buf);
	free(in.p);
	return r;
}

const struct feed_source feed_ubuntu = {
	"ubuntu",
	"Ubuntu CVE Tracker files (active/, retired/, ignored/): a directory or a tarball",
	"1",
	ubuntu_parse,
};
