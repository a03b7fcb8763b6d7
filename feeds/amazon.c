/*
 * amazon.c - Amazon Linux security advisories (ALAS) from a yum repository's
 * updateinfo.xml, plain or compressed (gzip, bzip2, xz, zstd; told apart by
 * their magic, never by the file name). The release is not in the file: it is
 * the @ARG of "amazon@2:FILE", one of "1", "2", "2023" (AMAZON_RELEASES).
 *
 * Shape (attributes we read marked with '='):
 *   <updates>
 *     <update status= type= ...>
 *       <id>ALAS2-2018-939</id> <severity>critical</severity>
 *       <issued date=/> <updated date=/>	"YYYY-MM-DD HH:MM" or "...:SS"
 *       <references><reference type= id=/>...</references>
 *       <pkglist><collection ...><package name= epoch= version= release= arch=>
 *     </update> ...
 * Other elements (title, description, filename, ...) are skipped.
 *
 * Rows: for each update of type "security", each reference of type "cve" (or
 * the ALAS id itself when the update names no CVE) x each package name: one
 * row ecosystem "rpm", namespace "amzn:RELEASE", package = the binary name
 * (name_kind "binary"), state "fixed", fixed_version "[EPOCH:]VERSION-RELEASE"
 * (the epoch left out when it is 0 or absent, as rpm prints an installed
 * version without an epoch tag; rpm compares a missing epoch as 0, so both
 * spellings order the same), vendor_status = the update's status attribute
 * ("final"), advisory = the ALAS id (note stays NULL: the format has no
 * remark per entry), severity: critical -> critical, important ->
 * high, medium/moderate -> medium, low -> low, anything else -> unknown, the
 * vendor's word kept in vendor_severity. Updates of type bugfix, enhancement
 * or newpackage give no rows; any other type is E_FORMAT (fail closed).
 *
 * A (package, vuln) pair is one record for the writer. The same pair recurs
 * when a package is listed for several arches, or when a later advisory fixes
 * the same CVE again (a regression or an incomplete fix): the row kept carries
 * the HIGHEST fixed EVR (rpm ordering), and the id of the advisory that gave
 * it; on a tie the first advisory wins. So rows are held in a table until the
 * end of the input (at most AMAZON_ROWS_MAX) and written in first-seen order.
 * One source run should therefore get one updateinfo.xml per release.
 *
 * Coverage: ALAS lists fixed advisories only, so "amzn:RELEASE" is declared
 * "fixes-only". Dates are checked; the latest issued/updated date becomes the
 * input's upstream_time ("YYYY-MM-DDTHH:MM:SS", as written: no zone given).
 *
 * Parsing streams: feeds/stream.c (gzip, bzip2, xz, zstd or plain, hashed as
 * stored) feeds libxml2's xmlTextReader through a read callback, with
 * XML_PARSE_NONET and without NOENT, DTDLOAD or HUGE. A document type
 * declaration or an entity reference is E_FORMAT: the format needs neither,
 * so nothing declared in a DTD is ever used. Depth, every field's length and
 * the counts per update are bounded by the limits below.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feeds/stream.h"
#include "version/version.h"

/* Named limits. */
#define AMAZON_FILE_MAX		((uint64_t)1 << 30)	/* input file as stored: 1 GiB */
#define AMAZON_XML_MAX		((uint64_t)1 << 31)	/* decompressed XML: 2 GiB */
#define AMAZON_DEPTH_MAX	16			/* element nesting (the format uses 5) */
#define AMAZON_ID_MAX		64			/* advisory id, CVE id */
#define AMAZON_WORD_MAX		64			/* severity, status, type, arch */
#define AMAZON_NAME_MAX		256			/* package name */
#define AMAZON_EPOCH_MAX	10			/* epoch digits */
#define AMAZON_DATE_MAX		32			/* a date attribute */
#define AMAZON_REFS_MAX		4096			/* CVE references of one update */
#define AMAZON_PKGS_MAX		4096			/* packages of one update */
#define AMAZON_ROWS_MAX		(1 << 20)		/* distinct (package, vuln) rows */

#define AMAZON_NS_PREFIX	"amzn:"
#define AMAZON_COVERAGE		"fixes-only"
#define AMAZON_RELEASES		"1, 2, 2023"

static const char *const releases[] = { "1", "2", "2023", NULL };

/* A fixed EVR: "10:1.5.3-141.amzn2.5.3" at most. */
#define EVR_BUF	(AMAZON_EPOCH_MAX + 1 + VERSION_MAX_LEN + 1)

struct pkgref {
	char name[AMAZON_NAME_MAX + 1];
	char evr[EVR_BUF];
};

/* One buffered row; its strings live in the same allocation. */
struct row {
	char *pkg, *vuln, *evr, *alas, *vendor_sev, *status;
	const char *severity;
	uint64_t hash;
};

/* Where text of the current element goes. */
enum text { T_NONE, T_ID, T_SEVERITY };

struct aparser {
	struct ctx *c;
	struct bundle_writer *w;
	char ns[sizeof(AMAZON_NS_PREFIX) + 8];
	struct feed_stream *in;
	xmlTextReaderPtr xr;
	int err;			/* first E_* set by a callback */

	/* The update being read. */
	int in_update;
	int security;			/* type="security" */
	char id[AMAZON_ID_MAX + 1];
	char severity[AMAZON_WORD_MAX + 1];
	char status[AMAZON_WORD_MAX + 1];
	int has_severity, has_status;
	enum text text;
	char tbuf[AMAZON_WORD_MAX + AMAZON_ID_MAX + 1];
	size_t tlen;
	char (*refs)[AMAZON_ID_MAX + 1];
	size_t nrefs;
	struct pkgref *pkgs;
	size_t npkgs;
	int64_t updates;		/* <update> elements seen */

	char latest[AMAZON_DATE_MAX];	/* "YYYY-MM-DDTHH:MM:SS" or "" */

	/* Rows: first-seen order, plus an open-addressing index into it. */
	struct row **rows;
	size_t nrows, caprows;
	size_t *slots;			/* index + 1; 0 = empty */
	size_t nslots;
};

static int perr(struct aparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Records the first error (with the line and the update being read). */
static int
perr(struct aparser *p, int code, const char *fmt, ...)
{
	char msg[CTX_ERR_MAX];
	va_list ap;
	int line = p->xr != NULL ? xmlTextReaderGetParserLineNumber(p->xr) : 0;

	if (p->err != 0)
		return p->err;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->in_update && p->id[0] != '\0')
		ctx_err(p->c, code, "line %d: %s: %s", line, p->id, msg);
	else if (p->in_update)
		ctx_err(p->c, code, "line %d: update %lld: %s", line,
		    (long long)p->updates, msg);
	else
		ctx_err(p->c, code, "line %d: %s", line, msg);
	p->err = code;
	return code;
}

/* Printable ASCII without spaces, 1 to max bytes. */
static int
valid_token(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e || i >= max)
			return 0;
	return i > 0;
}

static int
all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/*
 * "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (both occur in Amazon's files)
 * into "YYYY-MM-DDTHH:MM:SS"; -1 for anything else.
 */
static int
norm_date(const char *s, char out[AMAZON_DATE_MAX])
{
	size_t n = strlen(s);
	int mon, day, hh, mm, ss = 0;

	if (n != 16 && n != 19)
		return -1;
	if (!all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) || s[7] != '-' ||
	    !all_digits(s + 8, 2) || s[10] != ' ' || !all_digits(s + 11, 2) ||
	    s[13] != ':' || !all_digits(s + 14, 2))
		return -1;
	if (n == 19 && (s[16] != ':' || !all_digits(s + 17, 2)))
		return -1;
	mon = (s[5] - '0') * 10 + (s[6] - '0');
	day = (s[8] - '0') * 10 + (s[9] - '0');
	hh = (s[11] - '0') * 10 + (s[12] - '0');
	mm = (s[14] - '0') * 10 + (s[15] - '0');
	if (n == 19)
		ss = (s[17] - '0') * 10 + (s[18] - '0');
	if (mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
		return -1;
	snprintf(out, AMAZON_DATE_MAX, "%.10sT%.5s:%02d", s, s + 11, ss);
	return 0;
}

static const char *
severity_of(const char *vendor)
{
	if (strcmp(vendor, "critical") == 0)
		return "critical";
	if (strcmp(vendor, "important") == 0)
		return "high";
	if (strcmp(vendor, "medium") == 0 || strcmp(vendor, "moderate") == 0)
		return "medium";
	if (strcmp(vendor, "low") == 0)
		return "low";
	return "unknown";
}

/* An attribute of the current element as a C string we own, or NULL. */
static char *
attr(struct aparser *p, const char *name)
{
	return (char *)xmlTextReaderGetAttribute(p->xr, (const xmlChar *)name);
}

/*
 * Copies attribute name (required unless optional) into dst after checking it
 * is a token of at most max bytes. Returns 1 when present, 0 when absent and
 * optional, or an E_* code.
 */
static int
attr_token(struct aparser *p, const char *elem, const char *name, char *dst, size_t max,
    const char *limit, int optional)
{
	char *v = attr(p, name);
	size_t n;

	if (v == NULL) {
		if (optional)
			return 0;
		return perr(p, E_FORMAT, "%s without %s", elem, name);
	}
	n = strlen(v);
	if (n > max) {
		xmlFree(v);
		return perr(p, E_LIMIT, "%s %s longer than %zu bytes (%s)", elem, name, max,
		    limit);
	}
	if (!valid_token(v, max)) {
		xmlFree(v);
		return perr(p, E_FORMAT, "%s %s is empty or has a space or a control or "
		    "non-ascii character", elem, name);
	}
	memcpy(dst, v, n + 1);
	xmlFree(v);
	return 1;
}

static uint64_t
hash_key(const char *pkg, const char *vuln)
{
	uint64_t h = 14695981039346656037ULL;
	const char *s;

	for (s = pkg; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (s = vuln; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static char *
blob_add(char **at, const char *s)
{
	char *dst = *at;
	size_t n = strlen(s) + 1;

	memcpy(dst, s, n);
	*at += n;
	return dst;
}

static struct row *
row_new(struct aparser *p, const char *pkg, const char *vuln, const char *evr,
    uint64_t hash)
{
	const char *vsev = p->has_severity ? p->severity : "";
	const char *status = p->has_status ? p->status : "";
	size_t len = sizeof(struct row) + strlen(pkg) + strlen(vuln) + strlen(evr) +
	    strlen(p->id) + strlen(vsev) + strlen(status) + 6;
	struct row *rw = xmalloc(len);
	char *at = (char *)(rw + 1);

	rw->pkg = blob_add(&at, pkg);
	rw->vuln = blob_add(&at, vuln);
	rw->evr = blob_add(&at, evr);
	rw->alas = blob_add(&at, p->id);
	rw->vendor_sev = blob_add(&at, vsev);
	rw->status = blob_add(&at, status);
	rw->severity = p->has_severity ? severity_of(p->severity) : "unknown";
	rw->hash = hash;
	return rw;
}

/* Doubles the index (all sizes are powers of two). */
static void
rehash(struct aparser *p)
{
	size_t n = p->nslots ? p->nslots * 2 : 1024, i, j;

	free(p->slots);
	p->slots = xcalloc(n, sizeof(*p->slots));
	p->nslots = n;
	for (i = 0; i < p->nrows; i++) {
		for (j = (size_t)p->rows[i]->hash & (n - 1); p->slots[j] != 0;
		    j = (j + 1) & (n - 1))
			;
		p->slots[j] = i + 1;
	}
}

/* Adds (pkg, vuln) fixed in evr by the current update, or raises the kept EVR. */
static int
row_put(struct aparser *p, const char *pkg, const char *vuln, const char *evr)
{
	uint64_t h = hash_key(pkg, vuln);
	struct row *rw;
	size_t j;
	int cmp, r;

	if (p->nrows * 2 >= p->nslots)
		rehash(p);
	for (j = (size_t)h & (p->nslots - 1); p->slots[j] != 0; j = (j + 1) & (p->nslots - 1)) {
		rw = p->rows[p->slots[j] - 1];
		if (rw->hash != h || strcmp(rw->pkg, pkg) != 0 || strcmp(rw->vuln, vuln) != 0)
			continue;
		if ((r = version_cmp(VERSION_RPM, evr, rw->evr, &cmp)) != 0)
			return perr(p, E_FORMAT, "%s: cannot compare %s with %s", pkg, evr,
			    rw->evr);
		if (cmp > 0) {
			p->rows[p->slots[j] - 1] = row_new(p, pkg, vuln, evr, h);
			free(rw);
		}
		return 0;
	}
	if (p->nrows >= AMAZON_ROWS_MAX)
		return perr(p, E_LIMIT, "more than %d (package, vulnerability) rows "
		    "(AMAZON_ROWS_MAX)", AMAZON_ROWS_MAX);
	if (p->nrows == p->caprows) {
		p->caprows = p->caprows ? p->caprows * 2 : 256;
		p->rows = xreallocarray(p->rows, p->caprows, sizeof(*p->rows));
	}
	p->rows[p->nrows++] = row_new(p, pkg, vuln, evr, h);
	p->slots[j] = p->nrows;
	return 0;
}

static void
begin_update(struct aparser *p)
{
	p->in_update = 1;
	p->id[0] = '\0';
	p->has_severity = p->has_status = 0;
	p->nrefs = p->npkgs = 0;
	p->text = T_NONE;
	p->updates++;
}

static int
update_attrs(struct aparser *p)
{
	char type[AMAZON_WORD_MAX + 1];
	int r;

	if ((r = attr_token(p, "update", "type", type, AMAZON_WORD_MAX, "AMAZON_WORD_MAX",
	    0)) < 0)
		return r;
	if (strcmp(type, "security") == 0)
		p->security = 1;
	else if (strcmp(type, "bugfix") == 0 || strcmp(type, "enhancement") == 0 ||
	    strcmp(type, "newpackage") == 0)
		p->security = 0;
	else
		return perr(p, E_FORMAT, "unknown update type '%s'", type);
	if ((r = attr_token(p, "update", "status", p->status, AMAZON_WORD_MAX,
	    "AMAZON_WORD_MAX", 1)) < 0)
		return r;
	p->has_status = r;
	return 0;
}

static int
end_update(struct aparser *p)
{
	size_t i, j;
	int r;

	if (p->id[0] == '\0')
		return perr(p, E_FORMAT, "update without an id");
	if (p->security) {
		for (i = 0; i < p->npkgs; i++) {
			if (p->nrefs == 0 &&
			    (r = row_put(p, p->pkgs[i].name, p->id, p->pkgs[i].evr)) != 0)
				return r;
			for (j = 0; j < p->nrefs; j++)
				if ((r = row_put(p, p->pkgs[i].name, p->refs[j],
				    p->pkgs[i].evr)) != 0)
					return r;
		}
	}
	p->in_update = 0;
	return 0;
}

static int
date_elem(struct aparser *p, const char *elem)
{
	char norm[AMAZON_DATE_MAX];
	char *v = attr(p, "date");
	int bad;

	if (v == NULL)
		return perr(p, E_FORMAT, "<%s> without date", elem);
	bad = strlen(v) >= AMAZON_DATE_MAX || norm_date(v, norm) != 0;
	xmlFree(v);
	if (bad)
		return perr(p, E_FORMAT, "%s date is not \"YYYY-MM-DD HH:MM[:SS]\"", elem);
	if (strcmp(norm, p->latest) > 0)
		memcpy(p->latest, norm, sizeof(norm));
	return 0;
}

static int
reference(struct aparser *p)
{
	char type[AMAZON_WORD_MAX + 1], id[AMAZON_ID_MAX + 1];
	size_t i;
	int r;

	if ((r = attr_token(p, "reference", "type", type, AMAZON_WORD_MAX,
	    "AMAZON_WORD_MAX", 1)) < 0)
		return r;
	if (r == 0 || strcmp(type, "cve") != 0)
		return 0;	/* bugzilla, redhat, ...: not a vulnerability id */
	if ((r = attr_token(p, "reference", "id", id, AMAZON_ID_MAX, "AMAZON_ID_MAX",
	    0)) < 0)
		return r;
	for (i = 0; i < p->nrefs; i++)
		if (strcmp(p->refs[i], id) == 0)
			return 0;
	if (p->nrefs == AMAZON_REFS_MAX)
		return perr(p, E_LIMIT, "more than %d cve references (AMAZON_REFS_MAX)",
		    AMAZON_REFS_MAX);
	memcpy(p->refs[p->nrefs++], id, strlen(id) + 1);
	return 0;
}

static int
package(struct aparser *p)
{
	char epoch[AMAZON_EPOCH_MAX + 1], ver[VERSION_MAX_LEN + 1], rel[VERSION_MAX_LEN + 1];
	struct pkgref *pr;
	const char *why = NULL;
	size_t i;
	int r, has_epoch;

	if (p->npkgs == AMAZON_PKGS_MAX)
		return perr(p, E_LIMIT, "more than %d packages (AMAZON_PKGS_MAX)",
		    AMAZON_PKGS_MAX);
	pr = &p->pkgs[p->npkgs];
	if ((r = attr_token(p, "package", "name", pr->name, AMAZON_NAME_MAX,
	    "AMAZON_NAME_MAX", 0)) < 0 ||
	    (r = attr_token(p, "package", "version", ver, VERSION_MAX_LEN,
	    "VERSION_MAX_LEN", 0)) < 0 ||
	    (r = attr_token(p, "package", "release", rel, VERSION_MAX_LEN,
	    "VERSION_MAX_LEN", 0)) < 0 ||
	    (r = attr_token(p, "package", "epoch", epoch, AMAZON_EPOCH_MAX,
	    "AMAZON_EPOCH_MAX", 1)) < 0)
		return r;
	has_epoch = r;
	if (has_epoch && !all_digits(epoch, strlen(epoch)))
		return perr(p, E_FORMAT, "package %s: epoch '%s' is not a number", pr->name,
		    epoch);
	if (strchr(ver, '-') != NULL || strchr(ver, ':') != NULL ||
	    strchr(rel, '-') != NULL || strchr(rel, ':') != NULL)
		return perr(p, E_FORMAT, "package %s: '-' or ':' in version or release",
		    pr->name);
	while (has_epoch && epoch[0] == '0' && epoch[1] != '\0')
		memmove(epoch, epoch + 1, strlen(epoch));	/* "007" -> "7" */
	if (has_epoch && strcmp(epoch, "0") != 0)
		snprintf(pr->evr, sizeof(pr->evr), "%s:%s-%s", epoch, ver, rel);
	else
		snprintf(pr->evr, sizeof(pr->evr), "%s-%s", ver, rel);
	if (strlen(pr->evr) > VERSION_MAX_LEN)
		return perr(p, E_LIMIT, "package %s: version longer than %d bytes "
		    "(VERSION_MAX_LEN)", pr->name, VERSION_MAX_LEN);
	if (version_check(VERSION_RPM, pr->evr, &why) != 0)
		return perr(p, E_FORMAT, "package %s: version %s: %s", pr->name, pr->evr,
		    why ? why : "invalid");
	/* the same name for another arch: keep the higher EVR in one entry */
	for (i = 0; i < p->npkgs; i++) {
		int cmp;

		if (strcmp(p->pkgs[i].name, pr->name) != 0)
			continue;
		if (version_cmp(VERSION_RPM, pr->evr, p->pkgs[i].evr, &cmp) != 0)
			return perr(p, E_FORMAT, "package %s: cannot compare versions",
			    pr->name);
		if (cmp > 0)
			memcpy(p->pkgs[i].evr, pr->evr, sizeof(pr->evr));
		return 0;
	}
	p->npkgs++;
	return 0;
}

/* Where each element may stand: its parent's name (NULL: the root). */
static const struct {
	const char *name;
	const char *parent;
} grammar[] = {
	{ "updates", NULL },
	{ "update", "updates" },
	{ "id", "update" },
	{ "severity", "update" },
	{ "issued", "update" },
	{ "updated", "update" },
	{ "references", "update" },
	{ "reference", "references" },
	{ "pkglist", "update" },
	{ "collection", "pkglist" },
	{ "package", "collection" },
};

static int
start_element(struct aparser *p, const char *name, int depth, const char *parent)
{
	size_t i;
	int known = 0;

	if (depth == 0 && strcmp(name, "updates") != 0)
		return perr(p, E_FORMAT, "root element is <%s>, not <updates>", name);
	for (i = 0; i < sizeof(grammar) / sizeof(grammar[0]); i++) {
		if (strcmp(name, grammar[i].name) != 0)
			continue;
		if (grammar[i].parent == NULL ? depth == 0 :
		    parent != NULL && strcmp(parent, grammar[i].parent) == 0)
			known = 1;
	}
	if (!known)
		return 0;	/* title, description, filename, ...: skipped */
	if (strcmp(name, "update") == 0) {
		begin_update(p);
		return update_attrs(p);
	}
	if (!p->in_update)
		return 0;
	if (strcmp(name, "id") == 0 || strcmp(name, "severity") == 0) {
		if ((strcmp(name, "id") == 0 && p->id[0] != '\0') ||
		    (strcmp(name, "severity") == 0 && p->has_severity))
			return perr(p, E_FORMAT, "duplicate <%s>", name);
		p->text = name[0] == 'i' ? T_ID : T_SEVERITY;
		p->tlen = 0;
		return 0;
	}
	if (strcmp(name, "issued") == 0 || strcmp(name, "updated") == 0)
		return date_elem(p, name);
	if (strcmp(name, "reference") == 0)
		return reference(p);
	if (strcmp(name, "package") == 0)
		return package(p);
	return 0;
}

/* The text of <id> or <severity> is complete: check and keep it. */
static int
end_text(struct aparser *p)
{
	enum text t = p->text;
	size_t max = t == T_ID ? AMAZON_ID_MAX : AMAZON_WORD_MAX;
	char *s = p->tbuf;
	size_t n = p->tlen;

	p->text = T_NONE;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
	    s[n - 1] == '\r'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	s[n] = '\0';
	if (n > max)
		return perr(p, E_LIMIT, "<%s> longer than %zu bytes (%s)", t == T_ID ? "id" :
		    "severity", max, t == T_ID ? "AMAZON_ID_MAX" : "AMAZON_WORD_MAX");
	if (!valid_token(s, max))
		return perr(p, E_FORMAT, "<%s> is empty or has a space or a control or "
		    "non-ascii character", t == T_ID ? "id" : "severity");
	if (t == T_ID)
		memcpy(p->id, s, n + 1);
	else {
		memcpy(p->severity, s, n + 1);
		p->has_severity = 1;
	}
	return 0;
}

static int
text_node(struct aparser *p)
{
	const char *v = (const char *)xmlTextReaderConstValue(p->xr);
	size_t n = v ? strlen(v) : 0;

	if (p->text == T_NONE)
		return 0;
	if (n > sizeof(p->tbuf) - 1 - p->tlen)
		return perr(p, E_LIMIT, "<%s> longer than %d bytes (%s)",
		    p->text == T_ID ? "id" : "severity",
		    p->text == T_ID ? AMAZON_ID_MAX : AMAZON_WORD_MAX,
		    p->text == T_ID ? "AMAZON_ID_MAX" : "AMAZON_WORD_MAX");
	memcpy(p->tbuf + p->tlen, v, n);
	p->tlen += n;
	return 0;
}

#if LIBXML_VERSION >= 21200
static void
on_xml_error(void *arg, const xmlError *e)
#else
static void
on_xml_error(void *arg, xmlErrorPtr e)
#endif
{
	struct aparser *p = arg;
	char msg[256];

	if (p->err != 0 || e == NULL || e->level < XML_ERR_ERROR)
		return;
	feed_xml_message(e->message, msg, sizeof(msg));
	ctx_err(p->c, E_FORMAT, "line %d: %s", e->line, msg);
	p->err = E_FORMAT;
}

/* libxml2 pulls decompressed bytes through here. */
static int
xml_read(void *arg, char *buf, int len)
{
	struct aparser *p = arg;
	ssize_t n;

	if (p->err != 0)
		return -1;
	n = feed_stream_read(p->in, buf, (size_t)len);
	if (n < 0) {
		p->err = feed_stream_error(p->in);
		return -1;
	}
	return (int)n;
}

static int
xml_close(void *arg)
{
	(void)arg;
	return 0;
}

/* Element names of the open elements, to check each one's parent. */
struct stack {
	char name[AMAZON_DEPTH_MAX + 1][16];
};

/* Reads the whole document from p->in. */
static int
read_xml(struct aparser *p)
{
	struct stack *st = xcalloc(1, sizeof(*st));
	int r = E_INTERNAL, rc, depth, type;

	p->xr = xmlReaderForIO(xml_read, xml_close, p, NULL, NULL, XML_PARSE_NONET);
	if (p->xr == NULL) {
		r = ctx_err(p->c, E_NOMEM, "xml reader: out of memory");
		goto out;
	}
	xmlTextReaderSetStructuredErrorHandler(p->xr, on_xml_error, p);
	while ((rc = xmlTextReaderRead(p->xr)) == 1) {
		const char *name = (const char *)xmlTextReaderConstName(p->xr);

		if (p->err != 0)
			break;
		type = xmlTextReaderNodeType(p->xr);
		depth = xmlTextReaderDepth(p->xr);
		if (depth < 0) {
			r = perr(p, E_INTERNAL, "xml reader depth");
			goto out;
		}
		switch (type) {
		case XML_READER_TYPE_DOCUMENT_TYPE:
			r = perr(p, E_FORMAT, "document type declaration (DTD) not allowed");
			goto out;
		case XML_READER_TYPE_ENTITY_REFERENCE:
		case XML_READER_TYPE_ENTITY:
			r = perr(p, E_FORMAT, "entity reference &%s; not allowed",
			    name ? name : "");
			goto out;
		case XML_READER_TYPE_ELEMENT:
			if (depth >= AMAZON_DEPTH_MAX) {
				r = perr(p, E_LIMIT, "xml nested deeper than %d "
				    "(AMAZON_DEPTH_MAX)", AMAZON_DEPTH_MAX);
				goto out;
			}
			if (name == NULL)
				name = "";
			if (p->text != T_NONE) {
				r = perr(p, E_FORMAT, "element <%s> inside <%s>", name,
				    p->text == T_ID ? "id" : "severity");
				goto out;
			}
			snprintf(st->name[depth], sizeof(st->name[depth]), "%s",
			    strlen(name) < sizeof(st->name[depth]) ? name : "");
			if ((r = start_element(p, name, depth,
			    depth > 0 ? st->name[depth - 1] : NULL)) != 0)
				goto out;
			if (!xmlTextReaderIsEmptyElement(p->xr))
				break;
			/* <id/>: ends here */
			/* FALLTHROUGH */
		case XML_READER_TYPE_END_ELEMENT:
			if (p->text != T_NONE && (r = end_text(p)) != 0)
				goto out;
			if (p->in_update && depth == 1 && (r = end_update(p)) != 0)
				goto out;
			break;
		case XML_READER_TYPE_TEXT:
		case XML_READER_TYPE_CDATA:
			if ((r = text_node(p)) != 0)
				goto out;
			break;
		default:
			break;
		}
	}
	if (p->err != 0) {
		r = p->err;
		goto out;
	}
	if (rc != 0) {
		r = perr(p, E_FORMAT, "malformed xml");
		goto out;
	}
	if (p->updates == 0) {
		r = perr(p, E_FORMAT, "no <update> element");
		goto out;
	}
	r = 0;
 out:
	if (p->xr != NULL) {
		xmlFreeTextReader(p->xr);
		p->xr = NULL;
	}
	free(st);
	return r;
}

/* Writes the buffered rows. */
static int
emit_rows(struct aparser *p, int64_t *records)
{
	struct bundle_affected a;
	size_t i;
	int r;

	for (i = 0; i < p->nrows; i++) {
		const struct row *rw = p->rows[i];

		memset(&a, 0, sizeof(a));
		a.vuln_id = rw->vuln;
		a.ecosystem = "rpm";
		a.namespace = p->ns;
		a.package = rw->pkg;
		a.name_kind = "binary";
		a.state = "fixed";
		a.fixed_version = rw->evr;
		a.severity = rw->severity;
		a.vendor_severity = rw->vendor_sev[0] ? rw->vendor_sev : NULL;
		a.vendor_status = rw->status[0] ? rw->status : NULL;
		a.advisory = rw->alas;
		if (p->w != NULL && (r = bundle_writer_affected(p->c, p->w, &a)) != 0) {
			ctx_prefix(p->c, "%s: %s %s", rw->alas, rw->pkg, rw->vuln);
			return r;
		}
	}
	*records = (int64_t)p->nrows;
	return 0;
}

static int
check_release(struct ctx *c, const char *release)
{
	size_t i;

	if (release == NULL)
		return ctx_err(c, E_USAGE, "amazon: the release is required, as in "
		    "amazon@2:FILE (one of %s)", AMAZON_RELEASES);
	for (i = 0; releases[i] != NULL; i++)
		if (strcmp(release, releases[i]) == 0)
			return 0;
	return ctx_err(c, E_USAGE, "amazon: unknown release '%.32s' (one of %s)", release,
	    AMAZON_RELEASES);
}

static struct aparser *
parser_new(struct ctx *c, const char *release, struct bundle_writer *w)
{
	struct aparser *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->w = w;
	snprintf(p->ns, sizeof(p->ns), "%s%s", AMAZON_NS_PREFIX, release);
	p->refs = xreallocarray(NULL, AMAZON_REFS_MAX, sizeof(*p->refs));
	p->pkgs = xreallocarray(NULL, AMAZON_PKGS_MAX, sizeof(*p->pkgs));
	return p;
}

static void
parser_free(struct aparser *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nrows; i++)
		free(p->rows[i]);
	free(p->rows);
	free(p->slots);
	free(p->refs);
	free(p->pkgs);
	feed_stream_free(p->in);
	free(p);
}

static const struct feed_stream_limits amazon_limits = {
	AMAZON_FILE_MAX, AMAZON_XML_MAX, "AMAZON_FILE_MAX", "AMAZON_XML_MAX"
};

/* The XML of p->in (opened), then the end of the stream: whitespace was all
 * the XML allowed; a compressed stream is checked to its end (gzip's CRC). */
static int
parse_stream(struct aparser *p, char hex[65], uint64_t *bytes, int64_t *records)
{
	int r;

	xmlInitParser();
	if ((p->w != NULL && (r = bundle_writer_namespace_coverage(p->c, p->w, p->ns,
	    AMAZON_COVERAGE)) != 0) ||
	    (r = read_xml(p)) != 0 ||
	    (r = feed_stream_finish(p->in, hex, bytes)) != 0)
		return r;
	return emit_rows(p, records);
}

int
feed_amazon_parse_buf(struct ctx *c, const char *release, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct aparser *p = NULL;
	uint64_t bytes;
	char hex[65];
	int r;

	*records = 0;
	if ((r = check_release(c, release)) != 0)
		return r;
	p = parser_new(c, release, w);
	if ((r = feed_stream_open_mem(c, buf, len, &amazon_limits, &p->in)) == 0)
		r = parse_stream(p, hex, &bytes, records);
	if (r != 0)
		*records = 0;
	parser_free(p);
	return r;
}

static int
amazon_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	struct aparser *p = NULL;
	uint64_t bytes;
	char hex[65];
	int r;

	*records = 0;
	if ((r = check_release(c, arg)) != 0)
		return r;
	p = parser_new(c, arg, w);
	if ((r = feed_stream_open_file(c, path, &amazon_limits, &p->in)) == 0 &&
	    (r = parse_stream(p, hex, &bytes, records)) == 0 && w != NULL)
		r = bundle_writer_input(c, w, path, hex, bytes,
		    p->latest[0] ? p->latest : NULL);
	if (r != 0)
		*records = 0;
	parser_free(p);
	return r;
}

const struct feed_source feed_amazon = {
	"amazon",
	"Amazon Linux ALAS updateinfo.xml, plain or compressed (amazon@1|2|2023:FILE)",
	"1",
	amazon_parse,
};
