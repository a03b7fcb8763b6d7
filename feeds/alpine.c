/*
 * alpine.c - the Alpine Linux security database (secdb.alpinelinux.org), one
 * file per branch and repository: vX.Y/main.json, vX.Y/community.json (and the
 * older vX.Y/main.yaml of the same shape).
 *
 * Shape:
 *   { "distroversion": "v3.18", "reponame": "main", "archs": [...],
 *     "urlprefix": str, "apkurl": str,
 *     "packages": [ { "pkg": { "name": ORIGIN,
 *         "secfixes": { FIXED-VERSION: [ ENTRY, ... ], "0": [ ENTRY, ... ] } } } ] }
 * Keys may come in any order (the rows of packages read before distroversion
 * wait, bounded by ALPINE_PENDING_MAX); other keys are ignored; a key we use
 * with the wrong type, a missing distroversion, reponame, packages, pkg or
 * name is E_FORMAT naming the package.
 *
 * Names are aports origin names (what apk's installed database calls origin),
 * so every row has name_kind "source", ecosystem "apk", namespace
 * "alpine:X.Y" from distroversion "vX.Y" ("edge" gives "alpine:edge"),
 * severity "unknown" and no vendor_severity (secdb has none). reponame is
 * required and names the file in messages. Every namespace is declared with
 * coverage "fixes-only": secdb lists fixed vulnerabilities only, so a package
 * or CVE absent from it is never known safe.
 *
 * secfixes: each entry under a version V gives state "fixed" with
 * fixed_version V; under "0" (Alpine's marker for "this release was never
 * affected") state "not-affected". An entry is meant to be one id but real
 * ones carry more: "CVE-2018-7540 XSA-252", "CVE-2019-17349 CVE-2019-17350
 * XSA-295", "XSA-248", "GHSA-572g-rvwr-6c7f", "CVE-2022-45059 VSV00010". The
 * entry is split into tokens at blanks, commas and semicolons; brackets,
 * quotes and a trailing ':' or '.' around a token are ignored when classing it:
 *   - a CVE id: "CVE-YYYY-NNNN..." (the prefix in any case, stored upper case);
 *   - another advisory id: an upper-case prefix of two or more [A-Z0-9] (the
 *     first a letter), then one or more "-[A-Za-z0-9]+" groups, a digit
 *     somewhere, at most ALPINE_ID_MAX bytes: the form of every id scheme the
 *     real files use (XSA, GHSA, GHSL, RUSTSEC, ZDI-CAN, TALOS, GNUTLS-SA, TS,
 *     ALPINE); a token starting "CVE-" that is not a CVE id is text;
 *   - anything else is text.
 * When the entry holds CVE ids, each one is a row and every other token (the
 * advisory ids that name the same fix, free text) is kept, in order, as the
 * row's note; without one, each other advisory id is a row and the text is
 * the note. An entry with no id at all ("", "see upstream") is E_FORMAT: it
 * says something was fixed without saying what, so the build fails closed.
 *
 * One package may list an id several times (under two fixed versions after a
 * fix was redone, or under a version and "0"): one row is kept, with the
 * highest fixed version by apk's ordering (a version below the last fix is
 * still reported), a fixed version beating "0", and the note saying "also
 * listed under V" for the others. Two fixed versions apk cannot order are
 * E_FORMAT. Rows of a package are written in id order.
 *
 * The file may be compressed (gzip, bzip2, xz, zstd; feeds/stream.c). Parsing
 * streams: JSON through yajl's callbacks driven by feeds/jsonstream.c, with
 * the nesting cut at ALPINE_DEPTH_MAX and every raw token bounded by
 * ALPINE_TOKEN_MAX before yajl buffers it; YAML (a file whose first non-blank
 * byte in its first ALPINE_CHUNK bytes is not '{') through libyaml's event
 * parser, into the same state machine, where aliases are refused and a scalar
 * is bounded by the file size. Only one package's entries are held at a time
 * (ALPINE_IDS_MAX).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feeds/jsonstream.h"
#include "feeds/stream.h"
#include "version/version.h"

/* Named limits. */
#define ALPINE_FILE_MAX		((uint64_t)64 << 20)	/* input (real ones: < 1 MiB),
							 * stored and decompressed */
#define ALPINE_CHUNK		65536			/* bytes sniffed: JSON or YAML */
#define ALPINE_DEPTH_MAX	16			/* nesting (the format uses 6) */
#define ALPINE_TOKEN_MAX	65536			/* one raw JSON string or word */
#define ALPINE_NAME_MAX		256			/* package (origin) name */
#define ALPINE_VERSION_MAX	VERSION_APK_MAX_LEN	/* a secfixes version key */
#define ALPINE_WORD_MAX		64			/* distroversion, reponame */
#define ALPINE_ENTRY_MAX	1024			/* one secfixes entry string */
#define ALPINE_ENTRY_IDS_MAX	128			/* ids in one entry */
#define ALPINE_ID_MAX		64			/* one vulnerability id */
#define ALPINE_NOTE_MAX		4096			/* a row's note */
#define ALPINE_IDS_MAX		100000			/* ids of one package */
#define ALPINE_PACKAGES_MAX	200000			/* packages in one file */
#define ALPINE_PENDING_MAX	200000			/* ids read before distroversion */

#define ALPINE_NS_PREFIX	"alpine:"
#define ALPINE_COVERAGE		"fixes-only"

/* What the container at a depth is. */
enum role {
	R_DOC,		/* depth 0: before the top-level value */
	R_TOP,		/* { "distroversion", "reponame", "packages", ... } */
	R_PKGS,		/* [ ITEM, ... ] */
	R_ITEM,		/* { "pkg": ... } */
	R_PKG,		/* { "name", "secfixes" } */
	R_SECFIXES,	/* { VERSION: [...] } */
	R_IDS,		/* [ ENTRY, ... ] */
	R_SKIP		/* a value we ignore, and everything in it */
};

/* The last key read in a map we look into. */
enum field {
	F_OTHER,
	F_DISTRO,	/* R_TOP */
	F_REPO,
	F_PACKAGES,
	F_PKG,		/* R_ITEM */
	F_NAME,		/* R_PKG */
	F_SECFIXES,
	F_VERSION	/* R_SECFIXES: the key is in p->ver */
};

#define BIT(f)	(1u << (f))

/* One id of one package, before duplicates are merged. */
struct entry {
	char *id;
	char *fixed;		/* NULL: listed under "0" */
	char *note;		/* or NULL */
	size_t seq;		/* input order */
};

/* A finished package waiting for distroversion. */
struct pend {
	char *name;
	struct entry *e;
	size_t n;
};

struct aparser {
	struct ctx *c;
	struct bundle_writer *w;
	int err;			/* E_* set by a callback that cancelled */
	size_t line;			/* YAML: 1-based line of the current event */
	int64_t records;

	int depth;
	enum role role[ALPINE_DEPTH_MAX + 1];
	enum field field;

	/* The file. */
	unsigned top_seen;		/* BIT(F_DISTRO) | BIT(F_REPO) | BIT(F_PACKAGES) */
	char distro[ALPINE_WORD_MAX + 1];
	char repo[ALPINE_WORD_MAX + 1];
	char ns[sizeof(ALPINE_NS_PREFIX) + ALPINE_WORD_MAX];
	int declared;
	int doc_ended;			/* the top-level object was closed */
	size_t npkgs;

	/* The package being read. */
	int in_pkg;			/* 1 inside packages[npkgs - 1] */
	unsigned pkg_seen;		/* BIT(F_PKG) | BIT(F_NAME) | BIT(F_SECFIXES) */
	int have_name;			/* name holds the package's name */
	char name[ALPINE_NAME_MAX + 1];
	int in_ver;
	char ver[ALPINE_VERSION_MAX + 1];
	struct entry *ents;
	size_t nents, capents;
	size_t seq;

	/* Packages read before distroversion. */
	struct pend *pend;
	size_t npend, cappend, pend_ids;
};

static int perr(struct aparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prefixes the current message with where the parser is. */
static void
locate(struct aparser *p)
{
	if (p->in_pkg && p->in_ver) {
		if (p->have_name)
			ctx_prefix(p->c, "package %s: secfixes %s", p->name, p->ver);
		else
			ctx_prefix(p->c, "packages[%zu]: secfixes %s", p->npkgs - 1, p->ver);
	} else if (p->in_pkg) {
		if (p->have_name)
			ctx_prefix(p->c, "package %s", p->name);
		else
			ctx_prefix(p->c, "packages[%zu]", p->npkgs - 1);
	}
	if (p->line > 0)
		ctx_prefix(p->c, "line %zu", p->line);
}

/* Records the first error and returns 0, which cancels the parse. */
static int
perr(struct aparser *p, int code, const char *fmt, ...)
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
wfail(struct aparser *p, int r)
{
	if (p->err == 0) {
		locate(p);
		p->err = r;
	}
	return 0;
}

/* Printable ASCII without blanks (names, versions, words). */
static int
valid_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return 0;
	return len > 0;
}

static int
word_is(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

static int
is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int
is_upper(char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static int
is_alnum(char ch)
{
	return is_digit(ch) || is_upper(ch) || (ch >= 'a' && ch <= 'z');
}

/* "CVE-YYYY-NNNN..." with the prefix in any case. */
static int
is_cve(const char *s, size_t n)
{
	size_t i;

	if (n < 13 || n > 4 + 4 + 1 + 19 || (s[0] | 0x20) != 'c' || (s[1] | 0x20) != 'v' ||
	    (s[2] | 0x20) != 'e' || s[3] != '-' || s[8] != '-')
		return 0;
	for (i = 4; i < n; i++)
		if (i != 8 && !is_digit(s[i]))
			return 0;
	return 1;
}

static int
starts_cve(const char *s, size_t n)
{
	return n >= 4 && (s[0] | 0x20) == 'c' && (s[1] | 0x20) == 'v' &&
	    (s[2] | 0x20) == 'e' && s[3] == '-';
}

/* PREFIX(-[A-Za-z0-9]+)+, PREFIX = [A-Z][A-Z0-9]+, a digit somewhere. */
static int
is_other_id(const char *s, size_t n)
{
	size_t i = 0, groups = 0;
	int digit = 0;

	if (n > ALPINE_ID_MAX || n < 4 || !is_upper(s[0]))
		return 0;
	for (i = 1; i < n && s[i] != '-'; i++) {
		if (!is_upper(s[i]) && !is_digit(s[i]))
			return 0;
		digit |= is_digit(s[i]);
	}
	if (i < 2)
		return 0;
	while (i < n) {
		size_t start = ++i;	/* past the '-' */

		while (i < n && s[i] != '-') {
			if (!is_alnum(s[i]))
				return 0;
			digit |= is_digit(s[i]);
			i++;
		}
		if (i == start)
			return 0;
		groups++;
	}
	return groups > 0 && digit;
}

static int
is_sep(char ch)
{
	return ch == ' ' || ch == '\t' || ch == ',' || ch == ';';
}

enum tok { T_TEXT, T_CVE, T_OTHER };

/*
 * Splits one entry into row ids (each ALPINE_ID_MAX + 1 bytes in ids) and the
 * note (the other tokens, space-joined, "" when none). Returns 1, or 0 after
 * perr().
 */
static int
split_entry(struct aparser *p, const char *s, size_t len,
    char ids[ALPINE_ENTRY_IDS_MAX][ALPINE_ID_MAX + 1], size_t *nids, char *note)
{
	const char *tok[ALPINE_ENTRY_IDS_MAX], *core[ALPINE_ENTRY_IDS_MAX];
	size_t tlen[ALPINE_ENTRY_IDS_MAX], clen[ALPINE_ENTRY_IDS_MAX];
	enum tok kind[ALPINE_ENTRY_IDS_MAX];
	size_t ntok = 0, i = 0, j, k, notelen = 0, ncve = 0;
	enum tok want;

	*nids = 0;
	note[0] = '\0';
	while (i < len) {
		const char *c;
		size_t cn;

		while (i < len && is_sep(s[i]))
			i++;
		if (i == len)
			break;
		if (ntok == ALPINE_ENTRY_IDS_MAX)
			return perr(p, E_LIMIT, "entry has more than %d words "
			    "(ALPINE_ENTRY_IDS_MAX)", ALPINE_ENTRY_IDS_MAX);
		tok[ntok] = s + i;
		while (i < len && !is_sep(s[i]))
			i++;
		tlen[ntok] = (size_t)(s + i - tok[ntok]);
		c = tok[ntok];
		cn = tlen[ntok];
		while (cn > 0 && *c != '\0' && strchr("([{\"'", *c) != NULL) {
			c++;
			cn--;
		}
		while (cn > 0 && c[cn - 1] != '\0' && strchr(")]}\"':.", c[cn - 1]) != NULL)
			cn--;
		core[ntok] = c;
		clen[ntok] = cn;
		if (is_cve(c, cn)) {
			kind[ntok] = T_CVE;
			ncve++;
		} else if (!starts_cve(c, cn) && is_other_id(c, cn))
			kind[ntok] = T_OTHER;
		else
			kind[ntok] = T_TEXT;
		ntok++;
	}
	want = ncve > 0 ? T_CVE : T_OTHER;
	for (j = 0; j < ntok; j++) {
		if (kind[j] == want) {
			char id[ALPINE_ID_MAX + 1];

			memcpy(id, core[j], clen[j]);
			id[clen[j]] = '\0';
			if (want == T_CVE)
				memcpy(id, "CVE", 3);
			for (k = 0; k < *nids; k++)
				if (strcmp(ids[k], id) == 0)
					break;
			if (k == *nids)
				memcpy(ids[(*nids)++], id, clen[j] + 1);
			continue;
		}
		/* note: the token as written; len is at most ALPINE_ENTRY_MAX */
		if (notelen > 0)
			note[notelen++] = ' ';
		memcpy(note + notelen, tok[j], tlen[j]);
		notelen += tlen[j];
		note[notelen] = '\0';
	}
	if (*nids == 0)
		return perr(p, E_FORMAT, "entry '%.*s' names no vulnerability id (CVE-... "
		    "or an advisory id such as XSA-123)", (int)(len > 200 ? 200 : len), s);
	return 1;
}

static void
entries_free(struct entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(e[i].id);
		free(e[i].fixed);
		free(e[i].note);
	}
	free(e);
}

/* One secfixes entry under the current version key. */
static int
add_entry(struct aparser *p, const char *s, size_t len)
{
	char ids[ALPINE_ENTRY_IDS_MAX][ALPINE_ID_MAX + 1];
	char note[ALPINE_ENTRY_MAX + 1];
	size_t nids, i;

	if (len > ALPINE_ENTRY_MAX)
		return perr(p, E_LIMIT, "entry longer than %d bytes (ALPINE_ENTRY_MAX)",
		    ALPINE_ENTRY_MAX);
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return perr(p, E_FORMAT, "entry has a control byte");
	if (!split_entry(p, s, len, ids, &nids, note))
		return 0;
	for (i = 0; i < nids; i++) {
		struct entry *e;

		if (p->nents == ALPINE_IDS_MAX)
			return perr(p, E_LIMIT, "more than %d ids (ALPINE_IDS_MAX)",
			    ALPINE_IDS_MAX);
		if (p->nents == p->capents) {
			p->capents = p->capents ? p->capents * 2 : 64;
			p->ents = xreallocarray(p->ents, p->capents, sizeof(*p->ents));
		}
		e = &p->ents[p->nents++];
		e->id = xstrdup(ids[i]);
		e->fixed = strcmp(p->ver, "0") == 0 ? NULL : xstrdup(p->ver);
		e->note = note[0] != '\0' ? xstrdup(note) : NULL;
		e->seq = p->seq++;
	}
	return 1;
}

static int
entry_cmp(const void *va, const void *vb)
{
	const struct entry *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->id, b->id)) != 0)
		return d;
	return (a->seq > b->seq) - (a->seq < b->seq);
}

/* Appends text to the note in b ("; "-separated) unless it is already there. */
static int
note_add(struct aparser *p, struct sb *b, const char *text)
{
	const char *at;
	size_t n = strlen(text);

	for (at = b->len ? strstr(b->s, text) : NULL; at != NULL; at = strstr(at + 1, text))
		if ((at == b->s || (at - b->s >= 2 && at[-2] == ';' && at[-1] == ' ')) &&
		    (at[n] == '\0' || (at[n] == ';' && at[n + 1] == ' ')))
			return 1;
	if (b->len + 2 + n > ALPINE_NOTE_MAX)
		return perr(p, E_LIMIT, "note longer than %d bytes (ALPINE_NOTE_MAX)",
		    ALPINE_NOTE_MAX);
	if (b->len > 0)
		sb_adds(b, "; ");
	sb_adds(b, text);
	return 1;
}

/* Two fixed versions (NULL: "0") are the same string. */
static int
same_version(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/*
 * Merges the entries e[0..n) of one id (sorted by input order) into the row
 * to write: the highest fixed version, the notes of all, "also listed under
 * V" for each other version. Returns 1, or 0 after perr().
 */
static int
merge_id(struct aparser *p, const char *pkg, struct entry *e, size_t n,
    const char **fixed, struct sb *note)
{
	const char *why;
	char also[ALPINE_VERSION_MAX + 32];
	size_t i, j, best = 0;
	int cmp, r;

	for (i = 1; i < n; i++) {
		if (e[i].fixed == NULL)
			continue;
		if (e[best].fixed == NULL) {
			best = i;
			continue;
		}
		if ((r = version_cmp(VERSION_APK, e[i].fixed, e[best].fixed, &cmp)) != 0) {
			why = NULL;
			if (version_apk_check(e[i].fixed, &why) == 0)
				version_apk_check(e[best].fixed, &why);
			return perr(p, r, "package %s: %s is listed as fixed in %s and in %s, "
			    "which cannot be ordered (%s)",
			    pkg, e[i].id, e[best].fixed, e[i].fixed,
			    why ? why : ctx_code_name(r));
		}
		if (cmp > 0)
			best = i;
	}
	*fixed = e[best].fixed;
	sb_reset(note);
	for (i = 0; i < n; i++)
		if (e[i].note != NULL && !note_add(p, note, e[i].note))
			return 0;
	for (i = 0; i < n; i++) {
		if (same_version(e[i].fixed, e[best].fixed))
			continue;
		for (j = 0; j < i; j++)
			if (same_version(e[j].fixed, e[i].fixed))
				break;
		if (j < i)
			continue;	/* that version was named already */
		snprintf(also, sizeof(also), "also listed under %s",
		    e[i].fixed ? e[i].fixed : "0");
		if (!note_add(p, note, also))
			return 0;
	}
	return 1;
}

/* Declares the namespace once per input. */
static int
declare(struct aparser *p)
{
	int r;

	if (p->declared)
		return 1;
	p->declared = 1;
	if (p->w != NULL &&
	    (r = bundle_writer_namespace_coverage(p->c, p->w, p->ns, ALPINE_COVERAGE)) != 0)
		return wfail(p, r);
	return 1;
}

/* Writes the merged rows of one package (entries sorted by id). */
static int
emit_package(struct aparser *p, const char *pkg, struct entry *e, size_t n)
{
	struct bundle_affected a;
	struct sb note = SB_INIT;
	const char *fixed = NULL;
	size_t i, j;
	int r, ok = 0, in_pkg = p->in_pkg;

	p->in_pkg = 0;		/* the messages below name the package */
	if (!declare(p))
		goto out;
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(e[j].id, e[i].id) == 0; j++)
			;
		if (!merge_id(p, pkg, e + i, j - i, &fixed, &note))
			goto out;
		memset(&a, 0, sizeof(a));
		a.vuln_id = e[i].id;
		a.ecosystem = "apk";
		a.namespace = p->ns;
		a.package = pkg;
		a.name_kind = "source";
		a.state = fixed != NULL ? "fixed" : "not-affected";
		a.fixed_version = fixed;
		a.severity = "unknown";
		a.note = note.len > 0 ? note.s : NULL;
		if (p->w != NULL && (r = bundle_writer_affected(p->c, p->w, &a)) != 0) {
			ctx_prefix(p->c, "package %s: %s", pkg, e[i].id);
			wfail(p, r);
			goto out;
		}
		if (ckd_add(&p->records, p->records, 1)) {
			perr(p, E_LIMIT, "too many records");
			goto out;
		}
	}
	ok = 1;
out:
	p->in_pkg = in_pkg;
	sb_free(&note);
	return ok;
}

/* Sets p->ns from distroversion "vX.Y" or "edge". */
static int
set_distro(struct aparser *p, const char *s, size_t len)
{
	size_t i = 1, a, b;

	if (word_is(s, len, "edge")) {
		snprintf(p->ns, sizeof(p->ns), "%sedge", ALPINE_NS_PREFIX);
		return 1;
	}
	if (len < 4 || len > ALPINE_WORD_MAX || s[0] != 'v')
		goto bad;
	for (a = i; i < len && is_digit(s[i]); i++)
		;
	if (i == a || i - a > 4 || i == len || s[i] != '.')
		goto bad;
	for (b = ++i; i < len && is_digit(s[i]); i++)
		;
	if (i == b || i - b > 4 || i != len)
		goto bad;
	snprintf(p->ns, sizeof(p->ns), "%s%.*s", ALPINE_NS_PREFIX, (int)(len - 1), s + 1);
	return 1;
bad:
	return perr(p, E_FORMAT, "distroversion '%.*s' is not vMAJOR.MINOR or edge",
	    (int)(len > 64 ? 64 : len), s);
}

/* The current package ends: merge, then write it or keep it for later. */
static int
end_package(struct aparser *p)
{
	struct pend *pd;
	int ok = 1;

	if (!p->have_name)
		return perr(p, E_FORMAT, "pkg without a name");
	if (p->nents > 1)
		qsort(p->ents, p->nents, sizeof(*p->ents), entry_cmp);
	if (p->top_seen & BIT(F_DISTRO)) {
		ok = emit_package(p, p->name, p->ents, p->nents);
		entries_free(p->ents, p->nents);
	} else if (p->nents > 0) {
		if (p->nents > ALPINE_PENDING_MAX - p->pend_ids) {
			entries_free(p->ents, p->nents);
			p->ents = NULL;
			p->nents = p->capents = 0;
			return perr(p, E_LIMIT, "more than %d ids before distroversion "
			    "(ALPINE_PENDING_MAX)", ALPINE_PENDING_MAX);
		}
		if (p->npend == p->cappend) {
			p->cappend = p->cappend ? p->cappend * 2 : 16;
			p->pend = xreallocarray(p->pend, p->cappend, sizeof(*p->pend));
		}
		pd = &p->pend[p->npend++];
		pd->name = xstrdup(p->name);
		pd->e = p->ents;
		pd->n = p->nents;
		p->pend_ids += p->nents;
	} else
		free(p->ents);
	p->ents = NULL;
	p->nents = p->capents = 0;
	return ok;
}

static void
pend_free(struct aparser *p)
{
	size_t i;

	for (i = 0; i < p->npend; i++) {
		free(p->pend[i].name);
		entries_free(p->pend[i].e, p->pend[i].n);
	}
	free(p->pend);
	p->pend = NULL;
	p->npend = p->cappend = p->pend_ids = 0;
}

/* The document ends: check the file-level keys and write what waited. */
static int
end_document(struct aparser *p)
{
	size_t i;

	if (!(p->top_seen & BIT(F_DISTRO)))
		return perr(p, E_FORMAT, "no distroversion");
	if (!(p->top_seen & BIT(F_REPO)))
		return perr(p, E_FORMAT, "no reponame");
	if (!(p->top_seen & BIT(F_PACKAGES)))
		return perr(p, E_FORMAT, "no packages");
	for (i = 0; i < p->npend; i++)
		if (!emit_package(p, p->pend[i].name, p->pend[i].e, p->pend[i].n))
			return 0;
	pend_free(p);
	return declare(p);
}

/* A map or array opens where the parser stands. */
static int
open_container(void *arg, int is_map)
{
	struct aparser *p = arg;
	enum role child = R_SKIP;

	if (p->depth >= ALPINE_DEPTH_MAX)
		return perr(p, E_LIMIT, "nested deeper than %d (ALPINE_DEPTH_MAX)",
		    ALPINE_DEPTH_MAX);
	switch (p->role[p->depth]) {
	case R_DOC:
		if (!is_map)
			return perr(p, E_FORMAT, "top level is not an object");
		child = R_TOP;
		break;
	case R_TOP:
		if (p->field == F_DISTRO || p->field == F_REPO)
			return perr(p, E_FORMAT, "%s is not a string",
			    p->field == F_DISTRO ? "distroversion" : "reponame");
		if (p->field == F_PACKAGES) {
			if (is_map)
				return perr(p, E_FORMAT, "packages is not an array");
			child = R_PKGS;
		}
		break;
	case R_PKGS:
		if (!is_map)
			return perr(p, E_FORMAT, "packages[%zu] is not an object", p->npkgs);
		if (p->npkgs == ALPINE_PACKAGES_MAX)
			return perr(p, E_LIMIT, "more than %d packages (ALPINE_PACKAGES_MAX)",
			    ALPINE_PACKAGES_MAX);
		p->npkgs++;
		p->in_pkg = 1;
		p->pkg_seen = 0;
		p->have_name = 0;
		p->name[0] = '\0';
		child = R_ITEM;
		break;
	case R_ITEM:
		if (p->field == F_PKG) {
			if (!is_map)
				return perr(p, E_FORMAT, "pkg is not an object");
			child = R_PKG;
		}
		break;
	case R_PKG:
		if (p->field == F_NAME)
			return perr(p, E_FORMAT, "name is not a string");
		if (p->field == F_SECFIXES) {
			if (!is_map)
				return perr(p, E_FORMAT, "secfixes is not an object");
			child = R_SECFIXES;
		}
		break;
	case R_SECFIXES:
		if (is_map)
			return perr(p, E_FORMAT, "not an array");
		child = R_IDS;
		break;
	case R_IDS:
		return perr(p, E_FORMAT, "entry is not a string");
	case R_SKIP:
		break;
	}
	p->role[++p->depth] = child;
	p->field = F_OTHER;
	return 1;
}

static int
set_word(struct aparser *p, enum json_kind k, const char *s, size_t len, char *dst,
    const char *what)
{
	if (k != JSON_STRING)
		return perr(p, E_FORMAT, "%s is not a string", what);
	if (len > ALPINE_WORD_MAX || !valid_name(s, len))
		return perr(p, E_FORMAT, "bad %s (1 to %d printable characters, "
		    "ALPINE_WORD_MAX)", what, ALPINE_WORD_MAX);
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 1;
}

/* A scalar value where the parser stands. */
static int
scalar(void *arg, enum json_kind k, const char *s, size_t len)
{
	struct aparser *p = arg;

	switch (p->role[p->depth]) {
	case R_DOC:
		return perr(p, E_FORMAT, "top level is not an object");
	case R_TOP:
		if (p->field == F_DISTRO)
			return set_word(p, k, s, len, p->distro, "distroversion") &&
			    set_distro(p, s, len);
		if (p->field == F_REPO)
			return set_word(p, k, s, len, p->repo, "reponame");
		if (p->field == F_PACKAGES)
			return perr(p, E_FORMAT, "packages is not an array");
		return 1;
	case R_PKGS:
		return perr(p, E_FORMAT, "packages[%zu] is not an object", p->npkgs);
	case R_ITEM:
		if (p->field == F_PKG)
			return perr(p, E_FORMAT, "pkg is not an object");
		return 1;
	case R_PKG:
		if (p->field == F_NAME) {
			if (k != JSON_STRING)
				return perr(p, E_FORMAT, "name is not a string");
			if (len > ALPINE_NAME_MAX || !valid_name(s, len))
				return perr(p, E_FORMAT, "bad package name (1 to %d printable "
				    "characters, ALPINE_NAME_MAX)", ALPINE_NAME_MAX);
			memcpy(p->name, s, len);
			p->name[len] = '\0';
			p->have_name = 1;
			return 1;
		}
		if (p->field == F_SECFIXES && k != JSON_NULL)
			return perr(p, E_FORMAT, "secfixes is not an object");
		return 1;	/* secfixes null: nothing fixed */
	case R_SECFIXES:
		if (k != JSON_NULL)
			return perr(p, E_FORMAT, "not an array");
		p->in_ver = 0;
		return 1;	/* VERSION: null (YAML "V:" with no list): no ids */
	case R_IDS:
		if (k != JSON_STRING)
			return perr(p, E_FORMAT, "entry is not a string");
		return add_entry(p, s, len);
	case R_SKIP:
		return 1;
	}
	return 1;
}

/* A map key where the parser stands. */
static int
map_key(void *arg, const char *k, size_t len)
{
	struct aparser *p = arg;
	unsigned *seen = NULL;
	enum field f = F_OTHER;

	switch (p->role[p->depth]) {
	case R_TOP:
		if (word_is(k, len, "distroversion"))
			f = F_DISTRO;
		else if (word_is(k, len, "reponame"))
			f = F_REPO;
		else if (word_is(k, len, "packages"))
			f = F_PACKAGES;
		seen = &p->top_seen;
		break;
	case R_ITEM:
		if (word_is(k, len, "pkg"))
			f = F_PKG;
		seen = &p->pkg_seen;
		break;
	case R_PKG:
		if (word_is(k, len, "name"))
			f = F_NAME;
		else if (word_is(k, len, "secfixes"))
			f = F_SECFIXES;
		seen = &p->pkg_seen;
		break;
	case R_SECFIXES:
		p->in_ver = 0;
		if (len > ALPINE_VERSION_MAX || !valid_name(k, len))
			return perr(p, E_FORMAT, "bad secfixes version (1 to %d printable "
			    "characters, ALPINE_VERSION_MAX)", ALPINE_VERSION_MAX);
		memcpy(p->ver, k, len);
		p->ver[len] = '\0';
		p->in_ver = 1;
		f = F_VERSION;
		break;
	default:
		break;
	}
	if (seen != NULL && f != F_OTHER) {
		if (*seen & BIT(f))
			return perr(p, E_FORMAT, "duplicate %.*s", (int)len, k);
		*seen |= BIT(f);
	}
	p->field = f;
	return 1;
}

static int
close_container(void *arg)
{
	struct aparser *p = arg;
	enum role role = p->role[p->depth];

	if (p->depth == 0)
		return perr(p, E_INTERNAL, "unbalanced document");
	p->depth--;
	p->field = F_OTHER;
	switch (role) {
	case R_TOP:
		p->doc_ended = 1;
		return end_document(p);
	case R_ITEM:
		if (!(p->pkg_seen & BIT(F_PKG)))
			return perr(p, E_FORMAT, "no pkg");
		p->in_pkg = 0;
		break;
	case R_PKG:
		return end_package(p);
	case R_IDS:
		p->in_ver = 0;
		break;
	default:
		break;
	}
	return 1;
}

/* --- JSON ------------------------------------------------------------------------------ */

static const struct jsonstream_spec alpine_json = {
	.open = open_container,
	.close = close_container,
	.key = map_key,
	.scalar = scalar,
	.finish = NULL,
	.token_max = ALPINE_TOKEN_MAX,
	.token_limit = "ALPINE_TOKEN_MAX",
	.size = {
		.raw_max = ALPINE_FILE_MAX,
		.data_max = ALPINE_FILE_MAX,
		.raw_limit = "ALPINE_FILE_MAX",
		.data_limit = "ALPINE_FILE_MAX",
	},
};

static struct aparser *
parser_new(struct ctx *c, struct bundle_writer *w)
{
	struct aparser *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->w = w;
	p->role[0] = R_DOC;
	return p;
}

static void
parser_free(struct aparser *p)
{
	if (p == NULL)
		return;
	entries_free(p->ents, p->nents);
	pend_free(p);
	free(p);
}

/* --- YAML ------------------------------------------------------------------------------ */

/*
 * Where a YAML mapping is, per depth: expecting a key (1) or its value (0).
 * Sequences and scalars need no state.
 */
struct ymap {
	int is_map[ALPINE_DEPTH_MAX + 1];
	int want_key[ALPINE_DEPTH_MAX + 1];
};

/* A plain scalar that YAML reads as null. */
static int
yaml_is_null(const yaml_event_t *ev)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length;

	if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return n == 0 || word_is(s, n, "~") || word_is(s, n, "null") ||
	    word_is(s, n, "Null") || word_is(s, n, "NULL");
}

/* One YAML event into the same state machine; returns 1 to go on, 0 on error. */
static int
yaml_event(struct aparser *p, struct ymap *y, const yaml_event_t *ev, int *done)
{
	int d = p->depth, ok;

	p->line = ev->start_mark.line + 1;
	switch (ev->type) {
	case YAML_STREAM_START_EVENT:
	case YAML_DOCUMENT_END_EVENT:
		return 1;
	case YAML_DOCUMENT_START_EVENT:
		if (p->doc_ended)
			return perr(p, E_FORMAT, "more than one document");
		return 1;
	case YAML_STREAM_END_EVENT:
		*done = 1;
		if (!p->doc_ended)
			return perr(p, E_FORMAT, "no document");
		return 1;
	case YAML_ALIAS_EVENT:
		return perr(p, E_FORMAT, "yaml alias (not used by secdb, not followed)");
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.length > ALPINE_TOKEN_MAX)
			return perr(p, E_LIMIT, "scalar longer than %d bytes (ALPINE_TOKEN_MAX)",
			    ALPINE_TOKEN_MAX);
		if (memchr(ev->data.scalar.value, '\0', ev->data.scalar.length) != NULL)
			return perr(p, E_FORMAT, "scalar contains a NUL byte");
		if (y->is_map[d] && y->want_key[d]) {
			y->want_key[d] = 0;
			return map_key(p, (const char *)ev->data.scalar.value,
			    ev->data.scalar.length);
		}
		if (y->is_map[d])
			y->want_key[d] = 1;
		if (yaml_is_null(ev))
			return scalar(p, JSON_NULL, NULL, 0);
		return scalar(p, JSON_STRING, (const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		if (y->is_map[d] && y->want_key[d])
			return perr(p, E_FORMAT, "a key that is not a scalar");
		if (y->is_map[d])
			y->want_key[d] = 1;
		ok = open_container(p, ev->type == YAML_MAPPING_START_EVENT);
		if (ok) {
			y->is_map[p->depth] = ev->type == YAML_MAPPING_START_EVENT;
			y->want_key[p->depth] = 1;
		}
		return ok;
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return close_container(p);
	default:
		return 1;
	}
}

/* The YAML input: the bytes already read (the sniffed head), then the stream. */
struct yinput {
	const uint8_t *head;
	size_t headlen, headoff;
	struct feed_stream *stream;	/* NULL: head is all */
	int err;			/* the stream's E_*, when it failed */
};

static int
yaml_read(void *data, unsigned char *buf, size_t size, size_t *got)
{
	struct yinput *in = data;
	ssize_t n;

	*got = 0;
	if (in->headoff < in->headlen) {
		*got = in->headlen - in->headoff < size ? in->headlen - in->headoff : size;
		memcpy(buf, in->head + in->headoff, *got);
		in->headoff += *got;
		return 1;
	}
	if (in->stream == NULL)
		return 1;	/* end of input */
	if ((n = feed_stream_read(in->stream, buf, size)) < 0) {
		in->err = feed_stream_error(in->stream);
		return 0;
	}
	*got = (size_t)n;
	return 1;
}

static int
yaml_run(struct aparser *p, struct yinput *in)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	struct ymap y;
	int done = 0, ok, r = E_INTERNAL;

	memset(&y, 0, sizeof(y));
	if (!yaml_parser_initialize(&yp))
		return ctx_err(p->c, E_NOMEM, "yaml parser: out of memory");
	yaml_parser_set_input(&yp, yaml_read, in);
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			if (in->err != 0) {
				r = in->err;
				goto out;
			}
			r = ctx_err(p->c, yp.error == YAML_MEMORY_ERROR ? E_NOMEM : E_FORMAT,
			    "line %zu: yaml: %s", yp.problem_mark.line + 1,
			    yp.problem ? yp.problem : "invalid yaml");
			goto out;
		}
		ok = yaml_event(p, &y, &ev, &done);
		yaml_event_delete(&ev);
		if (!ok) {
			r = p->err ? p->err : E_INTERNAL;
			goto out;
		}
	}
	r = 0;
out:
	yaml_parser_delete(&yp);
	return r;
}

/* --- entry points ------------------------------------------------------------------ */

/* 1 when the first non-blank byte (after a UTF-8 BOM) is '{'. */
static int
sniff_json(const uint8_t *buf, size_t len, int *known)
{
	size_t i = 0;

	if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf)
		i = 3;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' ||
	    buf[i] == '\r'))
		i++;
	*known = i < len;
	return i < len && buf[i] == '{';
}

int
feed_alpine_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct aparser *p;
	struct yinput in;
	int known, r;

	*records = 0;
	if ((uint64_t)len > ALPINE_FILE_MAX)
		return ctx_err(c, E_LIMIT, "input larger than %llu bytes (ALPINE_FILE_MAX)",
		    (unsigned long long)ALPINE_FILE_MAX);
	if (len == 0)
		return ctx_err(c, E_FORMAT, "empty input");
	p = parser_new(c, w);
	if (sniff_json(buf, len, &known) || !known)
		r = jsonstream_parse_buf(c, &alpine_json, p, &p->err, buf, len);
	else {
		memset(&in, 0, sizeof(in));
		in.head = buf;
		in.headlen = len;
		r = yaml_run(p, &in);
	}
	if (r == 0)
		*records = p->records;
	parser_free(p);
	return r;
}

/* Reads into buf until it holds len bytes or the stream ends: the count, or -1. */
static ssize_t
read_head(struct feed_stream *s, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n = 0;

	while (got < len && (n = feed_stream_read(s, buf + got, len - got)) > 0)
		got += (size_t)n;
	return n < 0 ? -1 : (ssize_t)got;
}

static int
alpine_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	struct feed_stream *s = NULL;
	struct jsonstream *js = NULL;
	struct aparser *p = NULL;
	struct yinput in;
	uint8_t *head = NULL;
	char hex[65];
	uint64_t bytes;
	ssize_t n;
	int known, r;

	*records = 0;
	if (arg != NULL)
		return ctx_err(c, E_USAGE, "alpine: takes no @argument (got '%s'): the branch "
		    "comes from the file's distroversion", arg);
	if ((r = feed_stream_open_file(c, path, &alpine_json.size, &s)) != 0)
		return r;
	p = parser_new(c, w);
	head = xmalloc(ALPINE_CHUNK);
	/* the first chunk decides the format */
	if ((n = read_head(s, head, ALPINE_CHUNK)) < 0) {
		r = feed_stream_error(s);
		goto out;
	}
	if (sniff_json(head, (size_t)n, &known) || !known) {
		if ((r = jsonstream_new(c, &alpine_json, p, &p->err, &js)) != 0 ||
		    (r = jsonstream_feed(js, head, (size_t)n)) != 0 ||
		    (r = jsonstream_read(js, s)) != 0 ||
		    (r = jsonstream_end(js)) != 0)
			goto out;	/* the caller names the input */
	} else {
		memset(&in, 0, sizeof(in));
		in.head = head;
		in.headlen = (size_t)n;
		in.stream = s;
		if ((r = yaml_run(p, &in)) != 0)
			goto out;
	}
	if ((r = feed_stream_finish(s, hex, &bytes)) != 0)
		goto out;
	if (w != NULL && (r = bundle_writer_input(c, w, path, hex, bytes, NULL)) != 0)
		goto out;
	*records = p->records;
	r = 0;
out:
	jsonstream_free(js);
	free(head);
	parser_free(p);
	feed_stream_free(s);
	return r;
}

const struct feed_source feed_alpine = {
	"alpine",
	"Alpine secdb JSON or YAML, one branch and repository per file "
	    "(secdb.alpinelinux.org/vX.Y/main.json)",
	"1",
	alpine_parse,
};
