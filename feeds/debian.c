/*
 * debian.c - the Debian Security Tracker JSON feed
 * (https://security-tracker.debian.org/tracker/data/json, about 70 MB).
 *
 * Shape, keyed by SOURCE package:
 *   { PACKAGE: { VULN-ID: { "description": str, "scope": str, "debianbug": int,
 *       "releases": { CODENAME: { "status": str, "repositories": {...},
 *           "fixed_version": str, "urgency": str, "nodsa": str,
 *           "nodsa_reason": str } } } } }
 * Other fields are ignored (the tracker adds some now and then); a field we
 * use with the wrong type is E_FORMAT naming the package, vuln and release.
 *
 * Each package x vuln x release gives one affected row: ecosystem "deb",
 * name_kind "source", namespace "debian:VERSION" (codename mapped by src/base/release.c), vendor_status = status,
 * vendor_severity = urgency verbatim, and
 *   resolved, fixed_version "0"   -> not-affected (kept: the matcher must know)
 *   resolved, fixed_version V     -> fixed, V
 *   open                          -> unfixed; nodsa_reason "ignored" -> wont-fix,
 *                                    note "ignored[: nodsa]"; "postponed" -> note
 *                                    "postponed[: nodsa]"; plain nodsa text -> note
 *                                    "no-dsa: TEXT"
 *   undetermined                  -> unknown
 *   any other status              -> E_FORMAT (unknown vocabulary fails closed)
 * severity: urgency without trailing '*'s; low, medium, high as such,
 * unimportant -> negligible, anything else ("not yet assigned", "end-of-life")
 * -> unknown. Urgency "end-of-life" adds the note "end-of-life". An open or
 * undetermined release that names a fixed_version keeps it in the note only.
 * Descriptions go to the vuln table (the writer keeps one per vuln).
 *
 * The input may be compressed (gzip, bzip2, xz, zstd). Parsing streams
 * through yajl's callback API driven by feeds/jsonstream.c. Memory is bounded
 * whatever the input: nesting is cut at DEBIAN_DEPTH_MAX by the callbacks
 * (before yajl grows its state stack), the driver bounds every raw token
 * (string or bare word) at DEBIAN_TOKEN_MAX bytes, and the rows of one vuln
 * are buffered (at most DEBIAN_RELEASES_MAX) so that a description after
 * "releases" still reaches them.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/release.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feeds/jsonstream.h"

/* Named limits. */
#define DEBIAN_FILE_MAX		((uint64_t)1 << 30)	/* input, stored and decompressed */
#define DEBIAN_DEPTH_MAX	32			/* JSON nesting (the format uses 6) */
#define DEBIAN_TOKEN_MAX	(1 << 20)		/* one raw JSON string or word */
#define DEBIAN_NAME_MAX		256			/* package, vuln id, fixed_version */
#define DEBIAN_CODENAME_MAX	64			/* release codename */
#define DEBIAN_WORD_MAX		64			/* status, urgency, nodsa_reason */
#define DEBIAN_NODSA_MAX	1024			/* nodsa free text */
#define DEBIAN_DESC_MAX		65536			/* description */
#define DEBIAN_RELEASES_MAX	64			/* releases of one vuln */
#define DEBIAN_CODENAMES_MAX	64			/* distinct codenames in one input */

#define DEBIAN_NS_PREFIX	"debian:"
#define DEBIAN_NOTE_BUF		(DEBIAN_NODSA_MAX + DEBIAN_NAME_MAX + 128)

/* What the container at a depth is. */
enum role {
	R_DOC,		/* depth 0: before the top-level value */
	R_TOP,		/* { PACKAGE: ... } */
	R_PKG,		/* { VULN-ID: ... } */
	R_VULN,		/* { "description", "releases", ... } */
	R_RELEASES,	/* { CODENAME: ... } */
	R_RELEASES_EMPTY, /* [] standing for no releases */
	R_RELEASE,	/* { "status", "fixed_version", ... } */
	R_SKIP		/* a value we ignore, and everything in it */
};

/* The last key read in a R_VULN or R_RELEASE object. */
enum field {
	F_OTHER,
	F_DESCRIPTION,
	F_RELEASES,
	F_STATUS,	/* release fields: F_STATUS .. F_REASON, in rel_fields[] order */
	F_FIXED,
	F_URGENCY,
	F_NODSA,
	F_REASON
};

#define BIT(f)	(1u << (f))

/* How a release field is checked: printable without spaces, or with them. */
enum check { C_NAME, C_WORD, C_TEXT };

struct rel {
	char codename[DEBIAN_CODENAME_MAX + 1];
	char status[DEBIAN_WORD_MAX + 1];
	char fixed[DEBIAN_NAME_MAX + 1];
	char urgency[DEBIAN_WORD_MAX + 1];
	char nodsa[DEBIAN_NODSA_MAX + 1];
	char reason[DEBIAN_WORD_MAX + 1];
	unsigned seen;		/* BIT(field) once the key was read */
	unsigned present;	/* BIT(field) when it holds a non-empty string */
};

static const struct {
	const char *key;
	size_t off;
	size_t max;
	const char *limit;
	enum check check;
} rel_fields[] = {
	{ "status", offsetof(struct rel, status), DEBIAN_WORD_MAX, "DEBIAN_WORD_MAX",
	    C_WORD },
	{ "fixed_version", offsetof(struct rel, fixed), DEBIAN_NAME_MAX, "DEBIAN_NAME_MAX",
	    C_NAME },
	{ "urgency", offsetof(struct rel, urgency), DEBIAN_WORD_MAX, "DEBIAN_WORD_MAX",
	    C_WORD },
	{ "nodsa", offsetof(struct rel, nodsa), DEBIAN_NODSA_MAX, "DEBIAN_NODSA_MAX",
	    C_TEXT },
	{ "nodsa_reason", offsetof(struct rel, reason), DEBIAN_WORD_MAX, "DEBIAN_WORD_MAX",
	    C_WORD },
};

struct dparser {
	struct ctx *c;
	struct bundle_writer *w;
	int err;			/* E_* set by a callback that cancelled */
	int64_t records;

	int depth;
	enum role role[DEBIAN_DEPTH_MAX + 1];
	enum field field;

	/* Where we are, for messages: 0 top, 1 package, 2 vuln, 3 release. */
	int level;
	char pkg[DEBIAN_NAME_MAX + 1];
	char vuln[DEBIAN_NAME_MAX + 1];
	char rel_name[DEBIAN_CODENAME_MAX + 1];

	/* The vuln being read. */
	unsigned vuln_seen;		/* BIT(F_DESCRIPTION) | BIT(F_RELEASES) */
	char desc[DEBIAN_DESC_MAX + 1];
	size_t desc_len;
	struct rel rels[DEBIAN_RELEASES_MAX];
	size_t nrels;

	/* Codenames already declared as namespaces. */
	char codenames[DEBIAN_CODENAMES_MAX][DEBIAN_CODENAME_MAX + 1];
	size_t ncodenames;
};

static int perr(struct dparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the current message with where the parser is. */
static void
locate(struct dparser *p)
{
	switch (p->level) {
	case 3:
		ctx_prefix(p->c, "package %s: %s: release %s", p->pkg, p->vuln, p->rel_name);
		break;
	case 2:
		ctx_prefix(p->c, "package %s: %s", p->pkg, p->vuln);
		break;
	case 1:
		ctx_prefix(p->c, "package %s", p->pkg);
		break;
	}
}

/* Records the first error and returns 0, which makes yajl cancel the parse. */
static int
perr(struct dparser *p, int code, const char *fmt, ...)
{
	char msg[CTX_ERR_MAX];
	va_list ap;

	if (p->err != 0)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ctx_err(p->c, code, "%s", msg);
	locate(p);
	p->err = code;
	return 0;
}

/* The writer already set the message: add where, and cancel. */
static int
wfail(struct dparser *p, int r)
{
	if (p->err == 0) {
		locate(p);
		p->err = r;
	}
	return 0;
}

static int
valid(const char *s, size_t len, enum check check)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		switch (check) {
		case C_NAME:
			if (ch < 0x21 || ch > 0x7e)
				return 0;
			break;
		case C_WORD:
			if (ch < 0x20 || ch > 0x7e)
				return 0;
			break;
		case C_TEXT:
			if (ch == '\0')
				return 0;
			break;
		}
	}
	return 1;
}

static int
valid_codename(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		char ch = s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '+' ||
		    ch == '-'))
			return 0;
	}
	return len > 0;
}

static int
word_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* Normalized severity of a tracker urgency ("high**" -> "high"). */
static const char *
severity_of(const char *urgency)
{
	size_t n = strlen(urgency);

	while (n > 0 && urgency[n - 1] == '*')
		n--;
	if (word_is(urgency, n, "low"))
		return "low";
	if (word_is(urgency, n, "medium"))
		return "medium";
	if (word_is(urgency, n, "high"))
		return "high";
	if (word_is(urgency, n, "unimportant"))
		return "negligible";
	return "unknown";
}

/* Appends "what" or "what: text" to note, "; "-separated. */
static void
note_add(char *note, const char *what, const char *text)
{
	size_t len = strlen(note);

	snprintf(note + len, DEBIAN_NOTE_BUF - len, "%s%s%s%s", len ? "; " : "", what,
	    text ? ": " : "", text ? text : "");
}

/* Declares debian:VERSION once per input. */
static int
declare(struct dparser *p, const char *codename, const char *ns)
{
	size_t i;
	int r;

	for (i = 0; i < p->ncodenames; i++)
		if (strcmp(p->codenames[i], codename) == 0)
			return 1;
	if (p->ncodenames == DEBIAN_CODENAMES_MAX)
		return perr(p, E_LIMIT, "more than %d release codenames "
		    "(DEBIAN_CODENAMES_MAX)", DEBIAN_CODENAMES_MAX);
	memcpy(p->codenames[p->ncodenames++], codename, strlen(codename) + 1);
	if (p->w != NULL && (r = bundle_writer_namespace(p->c, p->w, ns)) != 0)
		return wfail(p, r);
	return 1;
}

/* One affected row from one release of the current vuln. */
static int
emit_release(struct dparser *p, const struct rel *rl)
{
	struct bundle_affected a;
	char ns[sizeof(DEBIAN_NS_PREFIX) + DEBIAN_CODENAME_MAX];
	char note[DEBIAN_NOTE_BUF];
	const char *state, *fixed = NULL, *nodsa = NULL, *version;
	int has_fixed = (rl->present & BIT(F_FIXED)) != 0;
	int r;

	memcpy(p->rel_name, rl->codename, sizeof(p->rel_name));
	p->level = 3;
	note[0] = '\0';
	if (rl->present & BIT(F_NODSA))
		nodsa = rl->nodsa;
	if (!(rl->present & BIT(F_STATUS)))
		return perr(p, E_FORMAT, "no status");
	if ((rl->present & BIT(F_REASON)) && strcmp(rl->reason, "ignored") != 0 &&
	    strcmp(rl->reason, "postponed") != 0)
		return perr(p, E_FORMAT, "unknown nodsa_reason '%s'", rl->reason);
	if (strcmp(rl->status, "resolved") == 0) {
		if (!has_fixed)
			return perr(p, E_FORMAT, "status resolved without fixed_version");
		if (strcmp(rl->fixed, "0") == 0)
			state = "not-affected";
		else {
			state = "fixed";
			fixed = rl->fixed;
		}
	} else if (strcmp(rl->status, "open") == 0) {
		state = "unfixed";
		if (!(rl->present & BIT(F_REASON))) {
			if (nodsa != NULL)
				note_add(note, "no-dsa", nodsa);
		} else if (strcmp(rl->reason, "ignored") == 0) {
			state = "wont-fix";
			note_add(note, "ignored", nodsa);
		} else
			note_add(note, "postponed", nodsa);
		if (has_fixed)
			note_add(note, "fixed_version", rl->fixed);
	} else if (strcmp(rl->status, "undetermined") == 0) {
		state = "unknown";
		if (has_fixed)
			note_add(note, "fixed_version", rl->fixed);
	} else
		return perr(p, E_FORMAT, "unknown status '%s'", rl->status);
	if ((rl->present & BIT(F_URGENCY)) && strcmp(rl->urgency, "end-of-life") == 0)
		note_add(note, "end-of-life", NULL);

	/* namespaces name releases by version (src/base/release.c): "debian:12" */
	if ((version = release_debian_version(rl->codename)) == NULL)
		return perr(p, E_FORMAT, "unknown Debian release '%s' (add it to "
		    "src/base/release.c)", rl->codename);
	snprintf(ns, sizeof(ns), "%s%s", DEBIAN_NS_PREFIX, version);
	if (!declare(p, rl->codename, ns))
		return 0;
	memset(&a, 0, sizeof(a));
	a.vuln_id = p->vuln;
	a.ecosystem = "deb";
	a.namespace = ns;
	a.package = p->pkg;
	a.name_kind = "source";
	a.state = state;
	a.fixed_version = fixed;
	if (rl->present & BIT(F_URGENCY)) {
		a.vendor_severity = rl->urgency;
		a.severity = severity_of(rl->urgency);
	} else
		a.severity = "unknown";
	a.vendor_status = rl->status;
	a.note = note[0] != '\0' ? note : NULL;
	a.description = p->desc_len > 0 ? p->desc : NULL;
	if (p->w != NULL && (r = bundle_writer_affected(p->c, p->w, &a)) != 0)
		return wfail(p, r);
	if (ckd_add(&p->records, p->records, 1))
		return perr(p, E_LIMIT, "too many records");
	return 1;
}

static int
end_vuln(struct dparser *p)
{
	size_t i;

	for (i = 0; i < p->nrels; i++)
		if (!emit_release(p, &p->rels[i]))
			return 0;
	p->level = 1;
	return 1;
}

static int
begin_release(struct dparser *p)
{
	struct rel *rl;
	size_t i;

	for (i = 0; i < p->nrels; i++)
		if (strcmp(p->rels[i].codename, p->rel_name) == 0)
			return perr(p, E_FORMAT, "duplicate release");
	if (p->nrels == DEBIAN_RELEASES_MAX)
		return perr(p, E_LIMIT, "more than %d releases (DEBIAN_RELEASES_MAX)",
		    DEBIAN_RELEASES_MAX);
	rl = &p->rels[p->nrels];
	memset(rl, 0, sizeof(*rl));
	memcpy(rl->codename, p->rel_name, sizeof(rl->codename));
	return 1;
}

/* A map or array opens where the parser stands. */
static int
open_container(void *arg, int is_map)
{
	struct dparser *p = arg;
	enum role child = R_SKIP;

	if (p->depth >= DEBIAN_DEPTH_MAX)
		return perr(p, E_LIMIT, "json nested deeper than %d (DEBIAN_DEPTH_MAX)",
		    DEBIAN_DEPTH_MAX);
	switch (p->role[p->depth]) {
	case R_DOC:
		if (!is_map)
			return perr(p, E_FORMAT, "top level is not an object");
		child = R_TOP;
		break;
	case R_TOP:
		if (!is_map)
			return perr(p, E_FORMAT, "not an object");
		child = R_PKG;
		break;
	case R_PKG:
		if (!is_map)
			return perr(p, E_FORMAT, "not an object");
		p->vuln_seen = 0;
		p->desc_len = 0;
		p->desc[0] = '\0';
		p->nrels = 0;
		child = R_VULN;
		break;
	case R_VULN:
		if (p->field == F_DESCRIPTION)
			return perr(p, E_FORMAT, "description is not a string");
		if (p->field == F_RELEASES) {
			if (p->vuln_seen & BIT(F_RELEASES))
				return perr(p, E_FORMAT, "duplicate releases");
			p->vuln_seen |= BIT(F_RELEASES);
			child = is_map ? R_RELEASES : R_RELEASES_EMPTY;
		}
		break;
	case R_RELEASES:
		if (!is_map)
			return perr(p, E_FORMAT, "not an object");
		if (!begin_release(p))
			return 0;
		child = R_RELEASE;
		break;
	case R_RELEASES_EMPTY:
		return perr(p, E_FORMAT, "releases is a non-empty array");
	case R_RELEASE:
		if (p->field != F_OTHER)
			return perr(p, E_FORMAT, "%s is not a string",
			    rel_fields[p->field - F_STATUS].key);
		break;
	case R_SKIP:
		break;
	}
	p->role[++p->depth] = child;
	p->field = F_OTHER;
	return 1;
}

static int
set_description(struct dparser *p, enum json_kind k, const char *s, size_t len)
{
	if (p->vuln_seen & BIT(F_DESCRIPTION))
		return perr(p, E_FORMAT, "duplicate description");
	p->vuln_seen |= BIT(F_DESCRIPTION);
	if (k == JSON_NULL)
		return 1;
	if (k != JSON_STRING)
		return perr(p, E_FORMAT, "description is not a string");
	if (len > DEBIAN_DESC_MAX)
		return perr(p, E_LIMIT, "description longer than %d bytes (DEBIAN_DESC_MAX)",
		    DEBIAN_DESC_MAX);
	if (!valid(s, len, C_TEXT))
		return perr(p, E_FORMAT, "description contains a NUL byte");
	memcpy(p->desc, s, len);
	p->desc[len] = '\0';
	p->desc_len = len;
	return 1;
}

static int
set_release_field(struct dparser *p, enum json_kind k, const char *s, size_t len)
{
	struct rel *rl = &p->rels[p->nrels];
	size_t i = (size_t)(p->field - F_STATUS);
	char *dst = (char *)rl + rel_fields[i].off;

	if (rl->seen & BIT(p->field))
		return perr(p, E_FORMAT, "duplicate %s", rel_fields[i].key);
	rl->seen |= BIT(p->field);
	if (k == JSON_NULL)
		return 1;
	if (k != JSON_STRING)
		return perr(p, E_FORMAT, "%s is not a string", rel_fields[i].key);
	if (len == 0)
		return 1;	/* "" says as much as an absent field */
	if (len > rel_fields[i].max)
		return perr(p, E_LIMIT, "%s longer than %zu bytes (%s)", rel_fields[i].key,
		    rel_fields[i].max, rel_fields[i].limit);
	if (!valid(s, len, rel_fields[i].check))
		return perr(p, E_FORMAT, "%s has a control or non-ascii character",
		    rel_fields[i].key);
	memcpy(dst, s, len);
	dst[len] = '\0';
	rl->present |= BIT(p->field);
	return 1;
}

/* A scalar value where the parser stands. */
static int
scalar(void *arg, enum json_kind k, const char *s, size_t len)
{
	struct dparser *p = arg;

	switch (p->role[p->depth]) {
	case R_DOC:
		return perr(p, E_FORMAT, "top level is not an object");
	case R_TOP:
	case R_PKG:
	case R_RELEASES:
		return perr(p, E_FORMAT, "not an object");
	case R_RELEASES_EMPTY:
		return perr(p, E_FORMAT, "releases is a non-empty array");
	case R_VULN:
		if (p->field == F_DESCRIPTION)
			return set_description(p, k, s, len);
		if (p->field == F_RELEASES) {
			if (p->vuln_seen & BIT(F_RELEASES))
				return perr(p, E_FORMAT, "duplicate releases");
			p->vuln_seen |= BIT(F_RELEASES);
			if (k != JSON_NULL)
				return perr(p, E_FORMAT, "releases is not an object");
		}
		return 1;
	case R_RELEASE:
		if (p->field == F_OTHER)
			return 1;
		return set_release_field(p, k, s, len);
	case R_SKIP:
		return 1;
	}
	return 1;
}

/* A map key where the parser stands. */
static int
map_key(void *arg, const char *k, size_t len)
{
	struct dparser *p = arg;
	size_t i;

	switch (p->role[p->depth]) {
	case R_TOP:
		p->level = 0;
		if (len == 0 || len > DEBIAN_NAME_MAX || !valid(k, len, C_NAME))
			return perr(p, E_FORMAT, "bad package name (1 to %d printable "
			    "characters, DEBIAN_NAME_MAX)", DEBIAN_NAME_MAX);
		memcpy(p->pkg, k, len);
		p->pkg[len] = '\0';
		p->level = 1;
		break;
	case R_PKG:
		p->level = 1;
		if (len == 0 || len > DEBIAN_NAME_MAX || !valid(k, len, C_NAME))
			return perr(p, E_FORMAT, "bad vulnerability id (1 to %d printable "
			    "characters, DEBIAN_NAME_MAX)", DEBIAN_NAME_MAX);
		memcpy(p->vuln, k, len);
		p->vuln[len] = '\0';
		p->level = 2;
		break;
	case R_VULN:
		if (word_is(k, len, "description"))
			p->field = F_DESCRIPTION;
		else if (word_is(k, len, "releases"))
			p->field = F_RELEASES;
		else
			p->field = F_OTHER;
		break;
	case R_RELEASES:
		p->level = 2;
		if (len > DEBIAN_CODENAME_MAX || !valid_codename(k, len))
			return perr(p, E_FORMAT, "bad release codename (1 to %d of "
			    "[A-Za-z0-9._+-], DEBIAN_CODENAME_MAX)", DEBIAN_CODENAME_MAX);
		memcpy(p->rel_name, k, len);
		p->rel_name[len] = '\0';
		p->level = 3;
		break;
	case R_RELEASE:
		p->field = F_OTHER;
		for (i = 0; i < sizeof(rel_fields) / sizeof(rel_fields[0]); i++)
			if (word_is(k, len, rel_fields[i].key))
				p->field = (enum field)(F_STATUS + i);
		break;
	default:
		break;
	}
	return 1;
}

static int
close_container(void *arg)
{
	struct dparser *p = arg;
	enum role role = p->role[p->depth];

	if (p->depth == 0)
		return perr(p, E_INTERNAL, "unbalanced json");
	p->depth--;
	p->field = F_OTHER;
	switch (role) {
	case R_TOP:
		p->level = 0;
		break;
	case R_PKG:
		p->level = 0;
		break;
	case R_VULN:
		return end_vuln(p);
	case R_RELEASES:
		p->level = 2;
		break;
	case R_RELEASE:
		p->nrels++;
		p->level = 2;
		break;
	default:
		break;
	}
	return 1;
}

static const struct jsonstream_spec debian_json = {
	.open = open_container,
	.close = close_container,
	.key = map_key,
	.scalar = scalar,
	.finish = NULL,
	.token_max = DEBIAN_TOKEN_MAX,
	.token_limit = "DEBIAN_TOKEN_MAX",
	.size = {
		.raw_max = DEBIAN_FILE_MAX,
		.data_max = DEBIAN_FILE_MAX,
		.raw_limit = "DEBIAN_FILE_MAX",
		.data_limit = "DEBIAN_FILE_MAX",
	},
};

/* One input: the file at path (recorded in w), or else buf. */
static int
debian_run(struct ctx *c, const char *path, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct dparser *p = xcalloc(1, sizeof(*p));
	int r;

	p->c = c;
	p->w = w;
	p->role[0] = R_DOC;
	if (path != NULL)
		r = jsonstream_parse_file(c, &debian_json, p, &p->err, path, w);
	else
		r = jsonstream_parse_buf(c, &debian_json, p, &p->err, buf, len);
	if (r == 0)
		*records = p->records;
	free(p);
	return r;
}

int
feed_debian_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	*records = 0;
	return debian_run(c, NULL, buf, len, w, records);
}

static int
debian_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	*records = 0;
	if (arg != NULL)
		return ctx_err(c, E_USAGE, "debian: takes no @argument (got '%s')", arg);
	return debian_run(c, path, NULL, 0, w, records);
}

const struct feed_source feed_debian = {
	"debian",
	"Debian Security Tracker JSON (security-tracker.debian.org/tracker/data/json)",
	"1",
	debian_parse,
};
