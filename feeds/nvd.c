/*
 * nvd.c - the NVD CVE feeds, for enrichment by CVE id only: descriptions,
 * dates, CVSS, CWE and references. NVD rows are not affected rows (no
 * namespace, no package): each CVE is one enrichment record.
 *
 * Formats, told apart by content (the top-level key that holds the records):
 *   API 2.0 pages and yearly 2.0 feeds: { "vulnerabilities": [ { "cve": {
 *       "id", "published", "lastModified", "descriptions": [{lang, value}],
 *       "metrics": { "cvssMetricV31" | "cvssMetricV30" | "cvssMetricV40" |
 *           "cvssMetricV2": [{ "source", "type", "cvssData": { "version",
 *           "vectorString", "baseScore", "baseSeverity" }, "baseSeverity" (v2) }] },
 *       "weaknesses": [{ "description": [{lang, value}] }],
 *       "references": [{ "url" }], "configurations": ... } } ] }
 *   legacy 1.1 feeds: { "CVE_Items": [ { "cve": { "CVE_data_meta": { "ID" },
 *       "description": { "description_data": [{lang, value}] },
 *       "problemtype": { "problemtype_data": [{ "description": [{value}] }] },
 *       "references": { "reference_data": [{ "url" }] } },
 *       "impact": { "baseMetricV3": { "cvssV3": {...} }, "baseMetricV2": {
 *           "cvssV2": {...}, "severity" } },
 *       "publishedDate", "lastModifiedDate", "configurations" } ] }
 *     (1.1 metrics are NVD's own: source "nvd@nist.gov", type "Primary").
 * Either may be compressed (gzip, bzip2, xz, zstd): the file goes
 * through libarchive's raw format and is never decompressed to disk.
 *
 * Mapping: the first English description; CVSS entries verbatim (version,
 * vector, score, base severity; a v2 entry without one gets it from the score
 * with CVSS v2's bands); every distinct CWE value; every reference URL; the
 * dates as published. CPE configurations are not stored yet (skipped).
 *
 * Parsing streams through yajl's callback API in NVD_CHUNK pieces, following
 * feeds/debian.c: nesting is cut at NVD_DEPTH_MAX by the callbacks, every raw
 * token is bounded at NVD_TOKEN_MAX by the feeder, and only one CVE is
 * buffered at a time (its fields each under a named limit), so memory does not
 * grow with the input. Where a value sits is tracked as a path of keys
 * ("cve/metrics/cvssMetricV31[]/cvssData/baseScore") under NVD_PATH_MAX; keys
 * that are long or contain other characters than [A-Za-z0-9_-] become "?",
 * so no key can pose as a path.
 */
#include "config.h"

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
#include <yajl/yajl_parse.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"

/* Named limits. */
#define NVD_FILE_MAX		((uint64_t)4 << 30)	/* decompressed input: 4 GiB */
#define NVD_RAW_MAX		((uint64_t)2 << 30)	/* input file as stored: 2 GiB */
#define NVD_CHUNK		65536			/* bytes per read and parse */
#define NVD_DEPTH_MAX		32			/* JSON nesting (the formats use 9) */
#define NVD_TOKEN_MAX		(1 << 20)		/* one raw JSON string or word */
#define NVD_KEY_MAX		64			/* a key kept in the path */
#define NVD_PATH_MAX		1024			/* the key path of a value */
#define NVD_ID_MAX		64			/* CVE id */
#define NVD_DATE_MAX		64			/* published, lastModified */
#define NVD_DESC_MAX		65536			/* description */
#define NVD_CVSS_MAX		64			/* CVSS entries of one CVE */
#define NVD_VECTOR_MAX		256			/* vectorString */
#define NVD_WORD_MAX		256			/* cvss source */
#define NVD_TAG_MAX		15			/* cvss version, type, severity; lang */
#define NVD_CWES_MAX		64			/* distinct CWE values of one CVE */
#define NVD_CWE_MAX		64			/* one CWE value */
#define NVD_REFS_MAX		4096			/* references of one CVE */
#define NVD_URL_MAX		4096			/* one reference URL */
#define NVD_REFS_BYTES_MAX	(1 << 20)		/* all reference URLs of one CVE */

#define NVD_SELF		"nvd@nist.gov"	/* who scored 1.1 feeds' metrics */

enum fmt { FMT_NONE, FMT_API2, FMT_V11 };

enum kind { K_NULL, K_BOOL, K_NUMBER, K_STRING };

/* What the object being read inside a record is, when it matters. */
enum obj { O_NONE, O_DESC, O_CWE, O_CVSS };

struct cvss {
	char version[NVD_TAG_MAX + 1];
	char vector[NVD_VECTOR_MAX + 1];
	char severity[NVD_TAG_MAX + 1];
	char source[NVD_WORD_MAX + 1];
	char type[NVD_TAG_MAX + 1];
	int score;		/* tenths; -1 unset */
	int family;		/* 2, 3 (3.0 or 3.1) or 4: what the metric array allows */
};

struct nparser {
	struct ctx *c;
	struct bundle_writer *w;
	yajl_handle h;
	int err;
	uint64_t offset;
	int64_t records;

	int depth;
	int is_array[NVD_DEPTH_MAX + 1];
	size_t plen[NVD_DEPTH_MAX + 1];	/* path length of the container at a depth */
	char path[NVD_PATH_MAX + 1];
	size_t vlen;			/* path length of the current value */
	int seen_records_key;		/* "vulnerabilities" or "CVE_Items" seen */

	/* The record (one CVE) being read; rec_depth 0 when outside one. */
	int rec_depth;
	enum fmt fmt;
	size_t rec_plen;		/* its path length, "vulnerabilities[]" */
	char id[NVD_ID_MAX + 1];
	char published[NVD_DATE_MAX + 1];
	char modified[NVD_DATE_MAX + 1];
	char desc[NVD_DESC_MAX + 1];
	int has_desc;
	struct cvss cvss[NVD_CVSS_MAX];
	size_t ncvss;
	char cwes[NVD_CWES_MAX][NVD_CWE_MAX + 1];
	size_t ncwes;
	struct sb refs;			/* URLs, each NUL-terminated */
	size_t nrefs;

	/* The object inside the record whose fields arrive one by one. */
	enum obj obj;
	int obj_depth;
	size_t obj_plen;
	char lang[NVD_TAG_MAX + 1];
	char *value;			/* NVD_DESC_MAX + 1 bytes */
	int has_value;

	/* Token-length guard. */
	int in_str;
	int esc;
	size_t run;
};

static int perr(struct nparser *p, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
locate(struct nparser *p)
{
	if (p->rec_depth == 0)
		return;
	if (p->id[0] != '\0')
		ctx_prefix(p->c, "%s", p->id);
	else
		ctx_prefix(p->c, "record %lld", (long long)p->records + 1);
}

static int
perr(struct nparser *p, int code, const char *fmt, ...)
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

static int
wfail(struct nparser *p, int r)
{
	if (p->err == 0) {
		locate(p);
		p->err = r;
	}
	return 0;
}

/* Printable ASCII; spaces only when allowed. */
static int
printable(const char *s, size_t len, int spaces)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch > 0x7e || ch < 0x20 || (ch == 0x20 && !spaces))
			return 0;
	}
	return 1;
}

/* Text: no NUL and no control characters except tab and newlines. */
static int
text_ok(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
			return 0;
	}
	return 1;
}

static int
is(const char *s, const char *lit)
{
	return strcmp(s, lit) == 0;
}

/* The value's path relative to the record ("cve/id"), or NULL outside one. */
static const char *
rel(struct nparser *p)
{
	if (p->rec_depth == 0 || p->vlen <= p->rec_plen)
		return NULL;
	return p->path + p->rec_plen + 1;
}

/* Relative to the current object ("cvssData/baseScore"), or NULL. */
static const char *
obj_rel(struct nparser *p)
{
	if (p->obj == O_NONE || p->vlen <= p->obj_plen)
		return NULL;
	return p->path + p->obj_plen + 1;
}

/* Copies a string field into dst (max bytes) under the named limit. */
static int
take(struct nparser *p, enum kind k, const char *s, size_t len, char *dst, size_t max,
    const char *what, const char *limit, int spaces)
{
	if (k != K_STRING)
		return perr(p, E_FORMAT, "%s is not a string", what);
	if (len > max)
		return perr(p, E_LIMIT, "%s longer than %zu bytes (%s)", what, max, limit);
	if (!printable(s, len, spaces))
		return perr(p, E_FORMAT, "%s has a control or non-ascii character", what);
	memcpy(dst, s, len);
	dst[len] = '\0';
	return 1;
}

/* A CVSS base score "D[D][.DDD]" (trailing zeros only past tenths) in tenths. */
static int
score_tenths(const char *s, size_t len, int *out)
{
	size_t i = 0;
	int v = 0, digits = 0;

	while (i < len && s[i] >= '0' && s[i] <= '9' && digits < 3) {
		v = v * 10 + (s[i++] - '0');
		digits++;
	}
	if (digits == 0)
		return -1;
	v *= 10;
	if (i < len && s[i] == '.') {
		i++;
		if (i == len || s[i] < '0' || s[i] > '9')
			return -1;
		v += s[i++] - '0';
		while (i < len && s[i] == '0')
			i++;
	}
	if (i != len || v > 100)
		return -1;
	*out = v;
	return 0;
}

/* CVSS v2's bands have no NONE or CRITICAL; v3 and v4 share theirs. */
static const char *
severity_of_score(int family, int tenths)
{
	if (family == 2)
		return tenths < 40 ? "LOW" : tenths < 70 ? "MEDIUM" : "HIGH";
	if (tenths == 0)
		return "NONE";
	return tenths < 40 ? "LOW" : tenths < 70 ? "MEDIUM" : tenths < 90 ? "HIGH" :
	    "CRITICAL";
}

static void
record_reset(struct nparser *p)
{
	p->id[0] = p->published[0] = p->modified[0] = p->desc[0] = '\0';
	p->has_desc = 0;
	p->ncvss = 0;
	p->ncwes = 0;
	sb_reset(&p->refs);
	p->nrefs = 0;
	p->obj = O_NONE;
}

static int
emit_record(struct nparser *p)
{
	struct bundle_enrichment e;
	struct bundle_cvss bc[NVD_CVSS_MAX];
	const char *cwes[NVD_CWES_MAX];
	const char **refs = NULL;
	const char *s;
	size_t i;
	int r;

	if (p->id[0] == '\0')
		return perr(p, E_FORMAT, "no CVE id");
	memset(&e, 0, sizeof(e));
	e.vuln_id = p->id;
	e.description = p->has_desc ? p->desc : NULL;
	e.published = p->published[0] ? p->published : NULL;
	e.last_modified = p->modified[0] ? p->modified : NULL;
	for (i = 0; i < p->ncvss; i++) {
		bc[i].version = p->cvss[i].version;
		bc[i].vector = p->cvss[i].vector;
		bc[i].base_severity = p->cvss[i].severity;
		bc[i].cvss_source = p->cvss[i].source;
		bc[i].type = p->cvss[i].type;
		bc[i].score_tenths = p->cvss[i].score;
	}
	e.cvss = bc;
	e.ncvss = p->ncvss;
	for (i = 0; i < p->ncwes; i++)
		cwes[i] = p->cwes[i];
	e.cwes = cwes;
	e.ncwes = p->ncwes;
	if (p->nrefs > 0) {
		refs = xreallocarray(NULL, p->nrefs, sizeof(*refs));
		s = sb_str(&p->refs);
		for (i = 0; i < p->nrefs; i++) {
			refs[i] = s;
			s += strlen(s) + 1;
		}
	}
	e.refs = refs;
	e.nrefs = p->nrefs;
	r = p->w != NULL ? bundle_writer_enrichment(p->c, p->w, &e) : 0;
	free(refs);
	if (r != 0)
		return wfail(p, r);
	if (ckd_add(&p->records, p->records, 1))
		return perr(p, E_LIMIT, "too many records");
	return 1;
}

/* An object inside the record opens at rel path r. */
static int
open_obj(struct nparser *p, const char *r)
{
	struct cvss *v;
	int family = 0;

	if (p->obj != O_NONE)
		return 1;
	if (p->fmt == FMT_API2) {
		if (is(r, "cve/descriptions[]"))
			p->obj = O_DESC;
		else if (is(r, "cve/weaknesses[]/description[]"))
			p->obj = O_CWE;
		else if (is(r, "cve/metrics/cvssMetricV31[]") ||
		    is(r, "cve/metrics/cvssMetricV30[]"))
			family = 3;
		else if (is(r, "cve/metrics/cvssMetricV2[]"))
			family = 2;
		else if (is(r, "cve/metrics/cvssMetricV40[]"))
			family = 4;
	} else {
		if (is(r, "cve/description/description_data[]"))
			p->obj = O_DESC;
		else if (is(r, "cve/problemtype/problemtype_data[]/description[]"))
			p->obj = O_CWE;
		else if (is(r, "impact/baseMetricV3"))
			family = 3;
		else if (is(r, "impact/baseMetricV2"))
			family = 2;
	}
	if (family != 0) {
		if (p->ncvss == NVD_CVSS_MAX)
			return perr(p, E_LIMIT, "more than %d CVSS entries (NVD_CVSS_MAX)",
			    NVD_CVSS_MAX);
		v = &p->cvss[p->ncvss];
		memset(v, 0, sizeof(*v));
		v->score = -1;
		v->family = family;
		if (p->fmt == FMT_V11) {
			memcpy(v->source, NVD_SELF, sizeof(NVD_SELF));
			memcpy(v->type, "Primary", sizeof("Primary"));
		}
		p->obj = O_CVSS;
	}
	if (p->obj != O_NONE) {
		p->obj_depth = p->depth;
		p->obj_plen = p->plen[p->depth];
		p->lang[0] = '\0';
		p->has_value = 0;
	}
	return 1;
}

static int
close_cvss(struct nparser *p)
{
	struct cvss *v = &p->cvss[p->ncvss];
	int ok;

	if (v->version[0] == '\0')
		return perr(p, E_FORMAT, "CVSS entry without a version");
	switch (v->family) {
	case 2:
		ok = is(v->version, "2.0");
		break;
	case 3:
		ok = is(v->version, "3.0") || is(v->version, "3.1");
		break;
	default:
		ok = is(v->version, "4.0");
		break;
	}
	if (!ok)
		return perr(p, E_FORMAT, "CVSS version '%s' in a v%d metric", v->version,
		    v->family);
	if (v->vector[0] == '\0')
		return perr(p, E_FORMAT, "CVSS %s entry without a vectorString", v->version);
	if (v->score < 0)
		return perr(p, E_FORMAT, "CVSS %s entry without a baseScore", v->version);
	if (v->source[0] == '\0')
		return perr(p, E_FORMAT, "CVSS %s entry without a source", v->version);
	if (!is(v->type, "Primary") && !is(v->type, "Secondary"))
		return perr(p, E_FORMAT, "CVSS %s entry: type is not Primary or Secondary",
		    v->version);
	if (v->severity[0] == '\0')
		memcpy(v->severity, severity_of_score(v->family, v->score),
		    strlen(severity_of_score(v->family, v->score)) + 1);
	p->ncvss++;
	return 1;
}

static int
close_obj(struct nparser *p)
{
	size_t i;

	switch (p->obj) {
	case O_DESC:
		if (p->has_value && !p->has_desc && is(p->lang, "en")) {
			memcpy(p->desc, p->value, strlen(p->value) + 1);
			p->has_desc = 1;
		}
		break;
	case O_CWE:
		if (!p->has_value || p->value[0] == '\0')
			break;
		if (strlen(p->value) > NVD_CWE_MAX)
			return perr(p, E_LIMIT, "CWE value longer than %d bytes (NVD_CWE_MAX)",
			    NVD_CWE_MAX);
		if (!printable(p->value, strlen(p->value), 0))
			return perr(p, E_FORMAT, "CWE value has a space, control or "
			    "non-ascii character");
		for (i = 0; i < p->ncwes; i++)
			if (is(p->cwes[i], p->value))
				break;
		if (i < p->ncwes)
			break;
		if (p->ncwes == NVD_CWES_MAX)
			return perr(p, E_LIMIT, "more than %d CWE values (NVD_CWES_MAX)",
			    NVD_CWES_MAX);
		memcpy(p->cwes[p->ncwes++], p->value, strlen(p->value) + 1);
		break;
	case O_CVSS:
		if (!close_cvss(p))
			return 0;
		break;
	case O_NONE:
		break;
	}
	p->obj = O_NONE;
	return 1;
}

static int
cvss_field(struct nparser *p, const char *f, enum kind k, const char *s, size_t len)
{
	struct cvss *v = &p->cvss[p->ncvss];
	const char *sub = NULL;

	if (p->fmt == FMT_API2) {
		if (is(f, "source"))
			return take(p, k, s, len, v->source, NVD_WORD_MAX, "CVSS source",
			    "NVD_WORD_MAX", 0);
		if (is(f, "type"))
			return take(p, k, s, len, v->type, NVD_TAG_MAX, "CVSS type",
			    "NVD_TAG_MAX", 0);
		if (v->family == 2 && is(f, "baseSeverity"))
			sub = "baseSeverity";
		else if (strncmp(f, "cvssData/", 9) == 0)
			sub = f + 9;
	} else {
		if (v->family == 2 && is(f, "severity"))
			sub = "baseSeverity";
		else if (v->family == 3 && strncmp(f, "cvssV3/", 7) == 0)
			sub = f + 7;
		else if (v->family == 2 && strncmp(f, "cvssV2/", 7) == 0)
			sub = f + 7;
	}
	if (sub == NULL)
		return 1;
	if (is(sub, "version"))
		return take(p, k, s, len, v->version, NVD_TAG_MAX, "CVSS version",
		    "NVD_TAG_MAX", 0);
	if (is(sub, "vectorString"))
		return take(p, k, s, len, v->vector, NVD_VECTOR_MAX, "CVSS vectorString",
		    "NVD_VECTOR_MAX", 0);
	if (is(sub, "baseScore")) {
		if (k != K_NUMBER || score_tenths(s, len, &v->score) != 0)
			return perr(p, E_FORMAT, "CVSS baseScore is not a number from 0 to 10");
		return 1;
	}
	if (is(sub, "baseSeverity")) {
		if (!take(p, k, s, len, v->severity, NVD_TAG_MAX,
		    "CVSS baseSeverity", "NVD_TAG_MAX", 0))
			return 0;
		if (!is(v->severity, "CRITICAL") && !is(v->severity, "HIGH") &&
		    !is(v->severity, "MEDIUM") && !is(v->severity, "LOW") &&
		    !is(v->severity, "NONE"))
			return perr(p, E_FORMAT, "unknown CVSS baseSeverity '%s'", v->severity);
		return 1;
	}
	return 1;
}

static int
add_ref(struct nparser *p, enum kind k, const char *s, size_t len)
{
	if (k != K_STRING)
		return perr(p, E_FORMAT, "reference url is not a string");
	if (len == 0)
		return 1;
	if (len > NVD_URL_MAX)
		return perr(p, E_LIMIT, "reference url longer than %d bytes (NVD_URL_MAX)",
		    NVD_URL_MAX);
	if (!printable(s, len, 1))
		return perr(p, E_FORMAT, "reference url has a control or non-ascii "
		    "character");
	if (p->nrefs == NVD_REFS_MAX)
		return perr(p, E_LIMIT, "more than %d references (NVD_REFS_MAX)",
		    NVD_REFS_MAX);
	if (p->refs.len + len + 1 > NVD_REFS_BYTES_MAX)
		return perr(p, E_LIMIT, "references longer than %d bytes in all "
		    "(NVD_REFS_BYTES_MAX)", NVD_REFS_BYTES_MAX);
	sb_add(&p->refs, s, len);
	sb_addc(&p->refs, '\0');
	p->nrefs++;
	return 1;
}

/* A scalar at rel path r inside the record. */
static int
record_scalar(struct nparser *p, const char *r, enum kind k, const char *s, size_t len)
{
	const char *f = obj_rel(p);
	int api2 = p->fmt == FMT_API2;

	if (f != NULL && p->depth == p->obj_depth) {
		switch (p->obj) {
		case O_DESC:
		case O_CWE:
			if (is(f, "lang"))
				/* a lang we could not hold is not "en": ignored */
				return k == K_STRING && len <= NVD_TAG_MAX ?
				    take(p, k, s, len, p->lang, NVD_TAG_MAX, "lang",
				    "NVD_TAG_MAX", 0) : 1;
			if (is(f, "value")) {
				if (k != K_STRING)
					return perr(p, E_FORMAT, "value is not a string");
				if (len > NVD_DESC_MAX)
					return perr(p, E_LIMIT, "description longer than %d "
					    "bytes (NVD_DESC_MAX)", NVD_DESC_MAX);
				if (!text_ok(s, len))
					return perr(p, E_FORMAT, "value has a control "
					    "character");
				memcpy(p->value, s, len);
				p->value[len] = '\0';
				p->has_value = 1;
			}
			return 1;
		default:
			break;
		}
	}
	if (f != NULL && p->obj == O_CVSS)
		return cvss_field(p, f, k, s, len);
	if (is(r, api2 ? "cve/id" : "cve/CVE_data_meta/ID")) {
		if (p->id[0] != '\0')
			return perr(p, E_FORMAT, "duplicate id");
		if (k != K_STRING || len == 0)
			return perr(p, E_FORMAT, "id is not a non-empty string");
		return take(p, k, s, len, p->id, NVD_ID_MAX, "id", "NVD_ID_MAX", 0);
	}
	if (is(r, api2 ? "cve/published" : "publishedDate"))
		return take(p, k, s, len, p->published, NVD_DATE_MAX, "published date",
		    "NVD_DATE_MAX", 0);
	if (is(r, api2 ? "cve/lastModified" : "lastModifiedDate"))
		return take(p, k, s, len, p->modified, NVD_DATE_MAX, "lastModified date",
		    "NVD_DATE_MAX", 0);
	if (is(r, api2 ? "cve/references[]/url" : "cve/references/reference_data[]/url"))
		return add_ref(p, k, s, len);
	return 1;
}

/* Array elements share the array's path; a key replaces the last component. */
static void
element(struct nparser *p)
{
	if (p->is_array[p->depth])
		p->vlen = p->plen[p->depth];
}

/* Whether the value path is an element of the top-level array of records. */
static int
records_array(struct nparser *p)
{
	return is(p->path, "vulnerabilities[]") || is(p->path, "CVE_Items[]");
}

static int
open_container(struct nparser *p, int is_map)
{
	const char *r;

	if (p->depth >= NVD_DEPTH_MAX)
		return perr(p, E_LIMIT, "json nested deeper than %d (NVD_DEPTH_MAX)",
		    NVD_DEPTH_MAX);
	if (p->depth == 0 && !is_map)
		return perr(p, E_FORMAT, "top level is not an object");
	element(p);
	if (p->depth == 1 && (is(p->path, "vulnerabilities") || is(p->path, "CVE_Items"))) {
		if (is_map)
			return perr(p, E_FORMAT, "%s is not an array", p->path);
		p->seen_records_key = 1;
	}
	if (!is_map) {
		if (p->vlen + 2 > NVD_PATH_MAX)
			return perr(p, E_LIMIT, "json path longer than %d bytes "
			    "(NVD_PATH_MAX)", NVD_PATH_MAX);
		memcpy(p->path + p->vlen, "[]", 3);
		p->vlen += 2;
	}
	p->depth++;
	p->is_array[p->depth] = !is_map;
	p->plen[p->depth] = p->vlen;
	if (p->depth == 3 && p->rec_depth == 0 && records_array(p)) {
		/* a record: an element of the top-level array of records */
		if (!is_map)
			return perr(p, E_FORMAT, "record is not an object");
		p->fmt = is(p->path, "vulnerabilities[]") ? FMT_API2 : FMT_V11;
		p->rec_depth = p->depth;
		p->rec_plen = p->vlen;
		record_reset(p);
		return 1;
	}
	if ((r = rel(p)) != NULL && is_map)
		return open_obj(p, r);
	return 1;
}

static int
close_container(struct nparser *p)
{
	int d = p->depth;

	if (d == 0)
		return perr(p, E_INTERNAL, "unbalanced json");
	if (p->obj != O_NONE && d == p->obj_depth && !close_obj(p))
		return 0;
	p->depth--;
	p->vlen = p->plen[p->depth];
	p->path[p->vlen] = '\0';
	if (d == p->rec_depth) {
		if (!emit_record(p))
			return 0;
		p->rec_depth = 0;
	}
	return 1;
}

static int
scalar(struct nparser *p, enum kind k, const char *s, size_t len)
{
	const char *r;

	if (p->depth == 0)
		return perr(p, E_FORMAT, "top level is not an object");
	element(p);
	if (p->depth == 1 && (is(p->path, "vulnerabilities") || is(p->path, "CVE_Items")))
		return perr(p, E_FORMAT, "%s is not an array", p->path);
	if (p->depth == 2 && records_array(p))
		return perr(p, E_FORMAT, "record is not an object");
	if ((r = rel(p)) != NULL)
		return record_scalar(p, r, k, s, len);
	return 1;
}

static int
cb_null(void *ctx)
{
	return scalar(ctx, K_NULL, NULL, 0);
}

static int
cb_boolean(void *ctx, int v)
{
	(void)v;
	return scalar(ctx, K_BOOL, NULL, 0);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	return scalar(ctx, K_NUMBER, s, len);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	return scalar(ctx, K_STRING, (const char *)s, len);
}

static int
cb_start_map(void *ctx)
{
	return open_container(ctx, 1);
}

static int
cb_start_array(void *ctx)
{
	return open_container(ctx, 0);
}

static int
key_ok(const unsigned char *k, size_t len)
{
	size_t i;

	if (len == 0 || len > NVD_KEY_MAX)
		return 0;
	for (i = 0; i < len; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
		    (k[i] >= '0' && k[i] <= '9') || k[i] == '_' || k[i] == '-'))
			return 0;
	return 1;
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct nparser *p = ctx;
	size_t base = p->plen[p->depth], sep = base > 0 ? 1 : 0;

	if (!key_ok(key, len)) {
		key = (const unsigned char *)"?";
		len = 1;
	}
	if (base + sep + len > NVD_PATH_MAX)
		return perr(p, E_LIMIT, "json path longer than %d bytes (NVD_PATH_MAX)",
		    NVD_PATH_MAX);
	if (sep)
		p->path[base] = '/';
	memcpy(p->path + base + sep, key, len);
	p->vlen = base + sep + len;
	p->path[p->vlen] = '\0';
	return 1;
}

static int
cb_end_map(void *ctx)
{
	return close_container(ctx);
}

static int
cb_end_array(void *ctx)
{
	return close_container(ctx);
}

static const yajl_callbacks callbacks = {
	cb_null,
	cb_boolean,
	NULL,		/* integers and doubles arrive as cb_number text */
	NULL,
	cb_number,
	cb_string,
	cb_start_map,
	cb_map_key,
	cb_end_map,
	cb_start_array,
	cb_end_array,
};

static struct nparser *
parser_new(struct ctx *c, struct bundle_writer *w)
{
	struct nparser *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->w = w;
	p->value = xmalloc(NVD_DESC_MAX + 1);
	if ((p->h = yajl_alloc(&callbacks, NULL, p)) == NULL) {
		free(p->value);
		free(p);
		return NULL;
	}
	return p;
}

static void
parser_free(struct nparser *p)
{
	if (p == NULL)
		return;
	if (p->h != NULL)
		yajl_free(p->h);
	sb_free(&p->refs);
	free(p->value);
	free(p);
}

static int
parse_failed(struct nparser *p, yajl_status st, int complete)
{
	unsigned char *msg;
	size_t len;
	uint64_t at = p->offset;

	if (st == yajl_status_client_canceled) {
		if (p->err == 0)
			return ctx_err(p->c, E_INTERNAL, "parse cancelled without an error");
		return p->err;
	}
	if (!complete)
		at += yajl_get_bytes_consumed(p->h);
	msg = yajl_get_error(p->h, 0, NULL, 0);
	if (msg == NULL)
		return ctx_err(p->c, E_FORMAT, "byte %llu: invalid json", (unsigned long long)at);
	len = strlen((char *)msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '.' ||
	    msg[len - 1] == ' '))
		msg[--len] = '\0';
	p->err = ctx_err(p->c, E_FORMAT, "byte %llu: %s", (unsigned long long)at,
	    (char *)msg);
	yajl_free_error(p->h, msg);
	return p->err;
}

/* As debian.c's: bounds every raw token at NVD_TOKEN_MAX before yajl sees it. */
static int
parser_feed(struct nparser *p, const uint8_t *buf, size_t len)
{
	yajl_status st;
	size_t i;
	int over = 0;

	if (p->err != 0)
		return p->err;
	for (i = 0; i < len; i++) {
		uint8_t ch = buf[i];

		if (p->in_str) {
			if (p->esc)
				p->esc = 0;
			else if (ch == '\\')
				p->esc = 1;
			else if (ch == '"') {
				p->in_str = 0;
				p->run = 0;
				continue;
			}
		} else {
			switch (ch) {
			case '"':
				p->in_str = 1;
				p->run = 0;
				continue;
			case '{': case '}': case '[': case ']': case ',': case ':':
			case ' ': case '\t': case '\n': case '\r':
				p->run = 0;
				continue;
			}
		}
		if (++p->run > NVD_TOKEN_MAX) {
			over = 1;
			break;
		}
	}
	if (i > 0) {
		if ((st = yajl_parse(p->h, buf, i)) != yajl_status_ok)
			return parse_failed(p, st, 0);
		p->offset += i;
	}
	if (over) {
		p->err = ctx_err(p->c, E_LIMIT, "byte %llu: json token longer than %d bytes "
		    "(NVD_TOKEN_MAX)", (unsigned long long)p->offset, NVD_TOKEN_MAX);
		return p->err;
	}
	return 0;
}

static int
parser_end(struct nparser *p)
{
	yajl_status st;

	if (p->err != 0)
		return p->err;
	if ((st = yajl_complete_parse(p->h)) != yajl_status_ok)
		return parse_failed(p, st, 1);
	if (p->depth != 0)
		return ctx_err(p->c, E_INTERNAL, "json ended at depth %d", p->depth);
	if (!p->seen_records_key)
		return ctx_err(p->c, E_FORMAT, "not an NVD feed: no \"vulnerabilities\" "
		    "(API 2.0) or \"CVE_Items\" (1.1) array");
	return 0;
}

int
feed_nvd_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct nparser *p = NULL;
	size_t off, n;
	int r = E_INTERNAL;

	*records = 0;
	if ((uint64_t)len > NVD_FILE_MAX)
		return ctx_err(c, E_LIMIT, "input larger than %llu bytes (NVD_FILE_MAX)",
		    (unsigned long long)NVD_FILE_MAX);
	if ((p = parser_new(c, w)) == NULL)
		return ctx_err(c, E_NOMEM, "json parser: out of memory");
	for (off = 0; off < len; off += n) {
		n = len - off < NVD_CHUNK ? len - off : NVD_CHUNK;
		if ((r = parser_feed(p, buf + off, n)) != 0)
			goto out;
	}
	if ((r = parser_end(p)) != 0)
		goto out;
	*records = p->records;
	r = 0;
 out:
	parser_free(p);
	return r;
}

/* The raw file for libarchive: read, hashed and counted as it goes. */
struct rawsrc {
	struct ctx *c;
	int fd;
	crypto_hash_sha256_state hs;
	uint64_t bytes;
	uint8_t *buf;
	int err;
};

static la_ssize_t
raw_read(struct archive *a, void *arg, const void **out)
{
	struct rawsrc *s = arg;
	ssize_t n;

	for (;;) {
		if ((n = read(s->fd, s->buf, NVD_CHUNK)) != -1)
			break;
		if (errno != EINTR) {
			s->err = ctx_errno(s->c, E_IO, "read");
			archive_set_error(a, EIO, "%s", s->c->err);
			return -1;
		}
	}
	if (ckd_add(&s->bytes, s->bytes, (uint64_t)n) || s->bytes > NVD_RAW_MAX) {
		s->err = ctx_err(s->c, E_LIMIT, "larger than %llu bytes (NVD_RAW_MAX)",
		    (unsigned long long)NVD_RAW_MAX);
		archive_set_error(a, EFBIG, "%s", s->c->err);
		return -1;
	}
	crypto_hash_sha256_update(&s->hs, s->buf, (unsigned long long)n);
	*out = s->buf;
	return (la_ssize_t)n;
}

static int
nvd_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	uint8_t digest[crypto_hash_sha256_BYTES];
	char hex[crypto_hash_sha256_BYTES * 2 + 1];
	struct nparser *p = NULL;
	struct archive *a = NULL;
	struct archive_entry *e;
	struct rawsrc s;
	struct stat sb;
	uint8_t *buf = NULL;
	uint64_t total = 0;
	la_ssize_t n;
	int r = E_INTERNAL;

	*records = 0;
	memset(&s, 0, sizeof(s));
	s.c = c;
	s.fd = -1;
	if (arg != NULL)
		return ctx_err(c, E_USAGE, "nvd: takes no @argument (got '%s')", arg);
	if (sodium_init() < 0)
		return ctx_err(c, E_INTERNAL, "libsodium failed to initialize");
	if ((s.fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ctx_errno(c, E_IO, "%s", path);
	if (fstat(s.fd, &sb) != 0) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		r = ctx_err(c, E_IO, "%s: is a directory", path);
		goto out;
	}
	crypto_hash_sha256_init(&s.hs);
	s.buf = xmalloc(NVD_CHUNK);
	buf = xmalloc(NVD_CHUNK);
	if ((p = parser_new(c, w)) == NULL) {
		r = ctx_err(c, E_NOMEM, "json parser: out of memory");
		goto out;
	}
	if ((a = archive_read_new()) == NULL) {
		r = ctx_err(c, E_NOMEM, "archive_read_new");
		goto out;
	}
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(a) != ARCHIVE_OK) {
		r = ctx_err(c, E_UNSUPPORTED, "libarchive: %s", archive_error_string(a));
		goto out;
	}
	if (archive_read_open(a, &s, NULL, raw_read, NULL) != ARCHIVE_OK)
		goto fail;
	r = archive_read_next_header(a, &e);
	if (r == ARCHIVE_EOF) {
		r = ctx_err(c, E_FORMAT, "%s: empty file", path);
		goto out;
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
		goto fail;
	for (;;) {
		if ((n = archive_read_data(a, buf, NVD_CHUNK)) < 0)
			goto fail;
		if (n == 0)
			break;
		if (ckd_add(&total, total, (uint64_t)n) || total > NVD_FILE_MAX) {
			r = ctx_err(c, E_LIMIT, "%s: more than %llu bytes decompressed "
			    "(NVD_FILE_MAX)", path, (unsigned long long)NVD_FILE_MAX);
			goto out;
		}
		if ((r = parser_feed(p, buf, (size_t)n)) != 0)
			goto out;	/* the caller names the input ("nvd:PATH: ...") */
	}
	if ((r = parser_end(p)) != 0)
		goto out;
	crypto_hash_sha256_final(&s.hs, digest);
	sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
	if (w != NULL && (r = bundle_writer_input(c, w, path, hex, s.bytes, NULL)) != 0)
		goto out;
	*records = p->records;
	r = 0;
	goto out;
 fail:
	if (s.err != 0)
		r = s.err;
	else
		r = ctx_err(c, E_FORMAT, "%s: %s", path, archive_error_string(a) ?
		    archive_error_string(a) : "unreadable");
 out:
	if (a != NULL)
		archive_read_free(a);
	free(buf);
	free(s.buf);
	parser_free(p);
	if (s.fd != -1)
		close(s.fd);
	return r;
}

const struct feed_source feed_nvd = {
	"nvd",
	"NVD CVE JSON: API 2.0 pages, yearly 2.0 feeds, legacy 1.1 feeds (plain or "
	    "compressed); enrichment by CVE id",
	"1",
	nvd_parse,
};
