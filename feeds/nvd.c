/*
 * nvd.c - the NVD CVE feeds, for enrichment by CVE id only: descriptions,
 * dates, CVSS, CWE, references and CPE configurations. NVD rows are not
 * affected rows (no namespace, no package): each CVE is one enrichment record.
 *
 * Formats, told apart by content (the top-level key that holds the records):
 *   API 2.0 pages and yearly 2.0 feeds: { "vulnerabilities": [ { "cve": {
 *       "id", "published", "lastModified", "descriptions": [{lang, value}],
 *       "metrics": { "cvssMetricV31" | "cvssMetricV30" | "cvssMetricV40" |
 *           "cvssMetricV2": [{ "source", "type", "cvssData": { "version",
 *           "vectorString", "baseScore", "baseSeverity" }, "baseSeverity" (v2) }] },
 *       "weaknesses": [{ "description": [{lang, value}] }],
 *       "references": [{ "url" }],
 *       "configurations": [{ "operator", "negate", "nodes": [{ "operator",
 *           "negate", "cpeMatch": [{ "vulnerable", "criteria",
 *           "matchCriteriaId", "versionStartIncluding", "versionStartExcluding",
 *           "versionEndIncluding", "versionEndExcluding" }] }] }] } } ] }
 *   legacy 1.1 feeds: { "CVE_Items": [ { "cve": { "CVE_data_meta": { "ID" },
 *       "description": { "description_data": [{lang, value}] },
 *       "problemtype": { "problemtype_data": [{ "description": [{value}] }] },
 *       "references": { "reference_data": [{ "url" }] } },
 *       "impact": { "baseMetricV3": { "cvssV3": {...} }, "baseMetricV2": {
 *           "cvssV2": {...}, "severity" } },
 *       "publishedDate", "lastModifiedDate", "configurations": { "nodes": [{
 *           "operator", "negate", "children": [ NODE ], "cpe_match": [{
 *           "vulnerable", "cpe23Uri", "versionStartIncluding", ... }] }] } } ] }
 *     (1.1 metrics are NVD's own: source "nvd@nist.gov", type "Primary").
 * Either may be compressed (gzip, bzip2, xz, zstd): the file goes
 * through libarchive's raw format (feeds/stream.c) and is never decompressed
 * to disk.
 *
 * Mapping: the first English description; CVSS entries verbatim (version,
 * vector, score, base severity; a v2 entry without one gets it from the score
 * with CVSS v2's bands); every distinct CWE value; every reference URL; the
 * dates as published; every CPE match criterion with its place in the
 * configurations (bundle_cpe_match: configuration and node numbers from 0,
 * their operators and negation; in 1.1 a top-level node is the configuration
 * and its children the nodes, or it is node 0 of its own when it has none).
 * Matching by CPE is off: the criteria are stored, not used. A node with
 * criteria must have an operator ("AND" or "OR"), a criterion must say
 * "vulnerable" (a boolean) and name its CPE; a 1.1 node with both children and
 * criteria, or children of children, is E_FORMAT (NVD's 1.1 feeds have
 * neither). One CVE may hold NVD_CPES_MAX criteria in NVD_CPE_NODES_MAX
 * configurations and nodes, whose strings take NVD_CPE_BYTES_MAX bytes in all:
 * more is E_LIMIT naming the limit and the CVE, and the build fails (nothing
 * is cut).
 *
 * Parsing streams through yajl's callback API driven by feeds/jsonstream.c:
 * nesting is cut at NVD_DEPTH_MAX by the callbacks, every raw token is
 * bounded at NVD_TOKEN_MAX by the driver, and only one CVE is
 * buffered at a time (its fields each under a named limit), so memory does not
 * grow with the input. Where a value sits is tracked as a path of keys
 * ("cve/metrics/cvssMetricV31[]/cvssData/baseScore") under NVD_PATH_MAX; keys
 * that are long or contain other characters than [A-Za-z0-9_-] become "?",
 * so no key can pose as a path.
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
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "feeds/jsonstream.h"

/* Named limits. */
#define NVD_FILE_MAX		((uint64_t)4 << 30)	/* decompressed input: 4 GiB */
#define NVD_RAW_MAX		((uint64_t)2 << 30)	/* input file as stored: 2 GiB */
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
#define NVD_CPES_MAX		100000			/* CPE match criteria of one CVE */
#define NVD_CPE_NODES_MAX	100000			/* configurations + nodes of one CVE */
#define NVD_CPE_BYTES_MAX	(16 << 20)		/* all CPE strings of one CVE */
#define NVD_CPE_MAX		1024			/* one criteria / cpe23Uri */
#define NVD_CPE_VERSION_MAX	256			/* one versionStart / versionEnd */

#define NVD_SELF		"nvd@nist.gov"	/* who scored 1.1 feeds' metrics */

enum fmt { FMT_NONE, FMT_API2, FMT_V11 };

/* What the object being read inside a record is, when it matters. */
enum obj { O_NONE, O_DESC, O_CWE, O_CVSS };

/* CPE configurations: an operator, and the strings of one criterion. */
enum cpe_op { OP_NONE, OP_AND, OP_OR };
enum cpe_str { CS_CRITERIA, CS_MCID, CS_VSI, CS_VSE, CS_VEI, CS_VEE, CS_COUNT };

/* One CPE match criterion of the record; configuration and node filled at their end. */
struct cpe {
	size_t str[CS_COUNT];	/* offset + 1 in cpe_text; 0: not given */
	int config, node;
	int vulnerable;		/* -1: not given */
	enum cpe_op config_op, node_op;
	int config_negate, node_negate;
};

/* Where the record's CPE configurations stand: the level being read. */
struct cpe_level {
	int depth;		/* of its object; 0 outside one */
	int n;			/* objects of this level opened so far in the parent */
	size_t first;		/* the first criterion inside the current one */
	enum cpe_op op;
	int negate;
	unsigned seen;		/* BIT(0) operator, BIT(1) negate */
};

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
	int err;			/* E_* set by a callback that cancelled */
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

	/*
	 * CPE configurations: the criteria so far, their strings, the
	 * configuration and node being read (1.1: top-level node and child),
	 * the criterion being read (its depth), and how many configurations and
	 * nodes were opened in the record.
	 */
	struct cpe *cpes;
	size_t ncpes, capcpes;
	struct sb cpe_text;
	struct cpe_level cfg, node;
	int ent_depth;
	int direct;			/* 1.1: the top-level node has criteria of its own */
	size_t cpe_nodes;
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
take(struct nparser *p, enum json_kind k, const char *s, size_t len, char *dst, size_t max,
    const char *what, const char *limit, int spaces)
{
	if (k != JSON_STRING)
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

/* --- CPE configurations ------------------------------------------------------ */

/* The keys of a criterion's strings (NULL: not in that format) and their limits. */
static const struct {
	const char *api2, *v11;
	size_t max;
	const char *limit;
} cpe_keys[CS_COUNT] = {
	[CS_CRITERIA] = { "criteria", "cpe23Uri", NVD_CPE_MAX, "NVD_CPE_MAX" },
	[CS_MCID] = { "matchCriteriaId", NULL, NVD_ID_MAX, "NVD_ID_MAX" },
	[CS_VSI] = { "versionStartIncluding", "versionStartIncluding", NVD_CPE_VERSION_MAX,
	    "NVD_CPE_VERSION_MAX" },
	[CS_VSE] = { "versionStartExcluding", "versionStartExcluding", NVD_CPE_VERSION_MAX,
	    "NVD_CPE_VERSION_MAX" },
	[CS_VEI] = { "versionEndIncluding", "versionEndIncluding", NVD_CPE_VERSION_MAX,
	    "NVD_CPE_VERSION_MAX" },
	[CS_VEE] = { "versionEndExcluding", "versionEndExcluding", NVD_CPE_VERSION_MAX,
	    "NVD_CPE_VERSION_MAX" },
};

static const char *
op_name(enum cpe_op op)
{
	return op == OP_AND ? "AND" : op == OP_OR ? "OR" : NULL;
}

/* The key of the current value in the map at the current depth, or NULL. */
static const char *
key_here(struct nparser *p)
{
	size_t base = p->plen[p->depth];

	if (p->is_array[p->depth] || p->vlen <= base)
		return NULL;
	return p->path + base + 1;
}

static int
cpe_level_open(struct nparser *p, struct cpe_level *l)
{
	if (p->cpe_nodes == NVD_CPE_NODES_MAX)
		return perr(p, E_LIMIT, "more than %d CPE configurations and nodes "
		    "(NVD_CPE_NODES_MAX)", NVD_CPE_NODES_MAX);
	p->cpe_nodes++;
	l->depth = p->depth;
	l->n++;
	l->first = p->ncpes;
	l->op = OP_NONE;
	l->negate = 0;
	l->seen = 0;
	return 1;
}

/* A map opens at rel path r inside the record: a configuration, node or criterion? */
static int
cpe_open(struct nparser *p, const char *r)
{
	int api2 = p->fmt == FMT_API2;
	struct cpe *e;

	if (is(r, api2 ? "cve/configurations[]" : "configurations/nodes[]")) {
		p->node.n = 0;
		p->direct = 0;
		return cpe_level_open(p, &p->cfg);
	}
	if (is(r, api2 ? "cve/configurations[]/nodes[]" : "configurations/nodes[]/children[]"))
		return cpe_level_open(p, &p->node);
	if (!api2 && is(r, "configurations/nodes[]/children[]/children[]"))
		return perr(p, E_FORMAT, "CPE node nested below a child node (NVD 1.1 "
		    "configurations have one level of children)");
	if (!is(r, api2 ? "cve/configurations[]/nodes[]/cpeMatch[]" :
	    "configurations/nodes[]/cpe_match[]") &&
	    (api2 || !is(r, "configurations/nodes[]/children[]/cpe_match[]")))
		return 1;
	if (p->ncpes == NVD_CPES_MAX)
		return perr(p, E_LIMIT, "more than %d CPE match criteria (NVD_CPES_MAX)",
		    NVD_CPES_MAX);
	if (p->ncpes == p->capcpes) {
		p->capcpes = p->capcpes ? p->capcpes * 2 : 64;
		p->cpes = xreallocarray(p->cpes, p->capcpes, sizeof(*p->cpes));
	}
	e = &p->cpes[p->ncpes];
	memset(e, 0, sizeof(*e));
	e->vulnerable = -1;
	e->config = p->cfg.n - 1;
	/* 1.1 criteria of a top-level node: node 0 of their own configuration */
	e->node = p->node.depth != 0 ? p->node.n - 1 : 0;
	p->direct |= p->node.depth == 0;
	p->ent_depth = p->depth;
	return 1;
}

/* "operator" and "negate" of a configuration or node. */
static int
cpe_level_field(struct nparser *p, struct cpe_level *l, const char *f, enum json_kind k,
    const char *s, size_t len)
{
	unsigned bit = is(f, "operator") ? 1u : is(f, "negate") ? 2u : 0u;

	if (bit == 0)
		return 1;
	if (l->seen & bit)
		return perr(p, E_FORMAT, "duplicate CPE %s", f);
	l->seen |= bit;
	if (bit == 2u) {
		if (k != JSON_BOOL)
			return perr(p, E_FORMAT, "CPE negate is not a boolean");
		l->negate = s[0] == 't';
		return 1;
	}
	if (k == JSON_STRING && len == 3 && memcmp(s, "AND", 3) == 0)
		l->op = OP_AND;
	else if (k == JSON_STRING && len == 2 && memcmp(s, "OR", 2) == 0)
		l->op = OP_OR;
	else
		return perr(p, E_FORMAT, "CPE operator is not \"AND\" or \"OR\"");
	return 1;
}

/* A field f of the criterion being read. */
static int
cpe_field(struct nparser *p, const char *f, enum json_kind k, const char *s, size_t len)
{
	struct cpe *e = &p->cpes[p->ncpes];
	size_t i;

	if (is(f, "vulnerable")) {
		if (e->vulnerable != -1)
			return perr(p, E_FORMAT, "duplicate CPE vulnerable");
		if (k != JSON_BOOL)
			return perr(p, E_FORMAT, "CPE vulnerable is not a boolean");
		e->vulnerable = s[0] == 't';
		return 1;
	}
	for (i = 0; i < CS_COUNT; i++) {
		const char *key = p->fmt == FMT_API2 ? cpe_keys[i].api2 : cpe_keys[i].v11;

		if (key != NULL && is(f, key))
			break;
	}
	if (i == CS_COUNT || k == JSON_NULL)
		return 1;
	if (e->str[i] != 0)
		return perr(p, E_FORMAT, "duplicate CPE %s", f);
	if (k != JSON_STRING)
		return perr(p, E_FORMAT, "CPE %s is not a string", f);
	if (len == 0)
		return perr(p, E_FORMAT, "CPE %s is empty", f);
	if (len > cpe_keys[i].max)
		return perr(p, E_LIMIT, "CPE %s longer than %zu bytes (%s)", f, cpe_keys[i].max,
		    cpe_keys[i].limit);
	if (!printable(s, len, 1))
		return perr(p, E_FORMAT, "CPE %s has a control or non-ascii character", f);
	if (p->cpe_text.len + len + 1 > NVD_CPE_BYTES_MAX)
		return perr(p, E_LIMIT, "CPE strings longer than %d bytes in all "
		    "(NVD_CPE_BYTES_MAX)", NVD_CPE_BYTES_MAX);
	e->str[i] = p->cpe_text.len + 1;
	sb_add(&p->cpe_text, s, len);
	sb_addc(&p->cpe_text, '\0');
	return 1;
}

/* Whether a scalar is a field of a configuration, node or criterion. */
static int
cpe_owns(struct nparser *p)
{
	return p->cfg.depth != 0 && (p->depth == p->cfg.depth ||
	    p->depth == p->node.depth || p->depth == p->ent_depth);
}

/* A field of the configuration, node or criterion being read. */
static int
cpe_scalar(struct nparser *p, enum json_kind k, const char *s, size_t len)
{
	const char *f = key_here(p);

	if (f == NULL)
		return 1;
	if (p->depth == p->ent_depth)
		return cpe_field(p, f, k, s, len);
	if (p->depth == p->node.depth)
		return cpe_level_field(p, &p->node, f, k, s, len);
	return cpe_level_field(p, &p->cfg, f, k, s, len);
}

/* The criterion ends. */
static int
cpe_close_entry(struct nparser *p)
{
	struct cpe *e = &p->cpes[p->ncpes];

	p->ent_depth = 0;
	if (e->vulnerable == -1)
		return perr(p, E_FORMAT, "CPE match without \"vulnerable\"");
	if (e->str[CS_CRITERIA] == 0)
		return perr(p, E_FORMAT, "CPE match without \"%s\"",
		    p->fmt == FMT_API2 ? "criteria" : "cpe23Uri");
	p->ncpes++;
	return 1;
}

/* Criteria [from, ncpes) belong to a node with level l's operator and negation. */
static int
cpe_set_node(struct nparser *p, size_t from, const struct cpe_level *l)
{
	size_t i;

	if (from < p->ncpes && l->op == OP_NONE)
		return perr(p, E_FORMAT, "CPE node without an operator");
	for (i = from; i < p->ncpes; i++) {
		p->cpes[i].node_op = l->op;
		p->cpes[i].node_negate = l->negate;
	}
	return 1;
}

/* The configuration ends (1.1: the top-level node). */
static int
cpe_close_config(struct nparser *p)
{
	struct cpe_level *l = &p->cfg;
	size_t i;

	l->depth = 0;
	if (p->fmt == FMT_V11) {
		if (p->node.n == 0)	/* no children: the node is its own configuration */
			return cpe_set_node(p, l->first, l);
		if (p->direct)
			return perr(p, E_FORMAT, "CPE node with both children and cpe_match");
	}
	for (i = l->first; i < p->ncpes; i++) {
		p->cpes[i].config_op = l->op;
		p->cpes[i].config_negate = l->negate;
	}
	return 1;
}

/* A map at depth d closes: the end of a criterion, node or configuration? */
static int
cpe_close(struct nparser *p, int d)
{
	if (d == p->ent_depth)
		return cpe_close_entry(p);
	if (d == p->node.depth) {
		p->node.depth = 0;
		return cpe_set_node(p, p->node.first, &p->node);
	}
	if (d == p->cfg.depth)
		return cpe_close_config(p);
	return 1;
}

/* The record's criteria for the writer; caller frees. */
static struct bundle_cpe_match *
cpe_rows(struct nparser *p)
{
	struct bundle_cpe_match *m;
	const char *text = sb_str(&p->cpe_text);
	const char **dst[CS_COUNT];
	size_t i, j;

	if (p->ncpes == 0)
		return NULL;
	m = xreallocarray(NULL, p->ncpes, sizeof(*m));
	for (i = 0; i < p->ncpes; i++) {
		const struct cpe *e = &p->cpes[i];

		memset(&m[i], 0, sizeof(m[i]));
		m[i].config = e->config;
		m[i].node = e->node;
		m[i].config_operator = op_name(e->config_op);
		m[i].config_negate = e->config_negate;
		m[i].operator = op_name(e->node_op);
		m[i].negate = e->node_negate;
		m[i].vulnerable = e->vulnerable;
		dst[CS_CRITERIA] = &m[i].criteria;
		dst[CS_MCID] = &m[i].match_criteria_id;
		dst[CS_VSI] = &m[i].version_start_including;
		dst[CS_VSE] = &m[i].version_start_excluding;
		dst[CS_VEI] = &m[i].version_end_including;
		dst[CS_VEE] = &m[i].version_end_excluding;
		for (j = 0; j < CS_COUNT; j++)
			*dst[j] = e->str[j] != 0 ? text + e->str[j] - 1 : NULL;
	}
	return m;
}

/* --- records -------------------------------------------------------------------- */

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
	p->ncpes = 0;
	sb_reset(&p->cpe_text);
	memset(&p->cfg, 0, sizeof(p->cfg));
	memset(&p->node, 0, sizeof(p->node));
	p->ent_depth = 0;
	p->cpe_nodes = 0;
}

static int
emit_record(struct nparser *p)
{
	struct bundle_enrichment e;
	struct bundle_cvss bc[NVD_CVSS_MAX];
	struct bundle_cpe_match *cpes;
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
	cpes = cpe_rows(p);
	e.cpes = cpes;
	e.ncpes = p->ncpes;
	r = p->w != NULL ? bundle_writer_enrichment(p->c, p->w, &e) : 0;
	free(refs);
	free(cpes);
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
cvss_field(struct nparser *p, const char *f, enum json_kind k, const char *s, size_t len)
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
		if (k != JSON_NUMBER || score_tenths(s, len, &v->score) != 0)
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
add_ref(struct nparser *p, enum json_kind k, const char *s, size_t len)
{
	if (k != JSON_STRING)
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
record_scalar(struct nparser *p, const char *r, enum json_kind k, const char *s, size_t len)
{
	const char *f = obj_rel(p);
	int api2 = p->fmt == FMT_API2;

	if (cpe_owns(p))
		return cpe_scalar(p, k, s, len);
	if (f != NULL && p->depth == p->obj_depth) {
		switch (p->obj) {
		case O_DESC:
		case O_CWE:
			if (is(f, "lang"))
				/* a lang we could not hold is not "en": ignored */
				return k == JSON_STRING && len <= NVD_TAG_MAX ?
				    take(p, k, s, len, p->lang, NVD_TAG_MAX, "lang",
				    "NVD_TAG_MAX", 0) : 1;
			if (is(f, "value")) {
				if (k != JSON_STRING)
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
		if (k != JSON_STRING || len == 0)
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
open_container(void *arg, int is_map)
{
	struct nparser *p = arg;
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
		return cpe_open(p, r) && open_obj(p, r);
	return 1;
}

static int
close_container(void *arg)
{
	struct nparser *p = arg;
	int d = p->depth;

	if (d == 0)
		return perr(p, E_INTERNAL, "unbalanced json");
	if (p->obj != O_NONE && d == p->obj_depth && !close_obj(p))
		return 0;
	if (p->rec_depth != 0 && !cpe_close(p, d))
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
scalar(void *arg, enum json_kind k, const char *s, size_t len)
{
	struct nparser *p = arg;
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
map_key(void *arg, const char *k, size_t len)
{
	const unsigned char *key = (const unsigned char *)k;
	struct nparser *p = arg;
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
records_seen(void *arg)
{
	struct nparser *p = arg;

	if (!p->seen_records_key)
		return ctx_err(p->c, E_FORMAT, "not an NVD feed: no \"vulnerabilities\" "
		    "(API 2.0) or \"CVE_Items\" (1.1) array");
	return 0;
}

static const struct jsonstream_spec nvd_json = {
	.open = open_container,
	.close = close_container,
	.key = map_key,
	.scalar = scalar,
	.finish = records_seen,
	.token_max = NVD_TOKEN_MAX,
	.token_limit = "NVD_TOKEN_MAX",
	.size = {
		.raw_max = NVD_RAW_MAX,
		.data_max = NVD_FILE_MAX,
		.raw_limit = "NVD_RAW_MAX",
		.data_limit = "NVD_FILE_MAX",
	},
};

/* One input: the file at path (recorded in w), or else buf. */
static int
nvd_run(struct ctx *c, const char *path, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	struct nparser *p = xcalloc(1, sizeof(*p));
	int r;

	p->c = c;
	p->w = w;
	p->value = xmalloc(NVD_DESC_MAX + 1);
	if (path != NULL)
		r = jsonstream_parse_file(c, &nvd_json, p, &p->err, path, w);
	else
		r = jsonstream_parse_buf(c, &nvd_json, p, &p->err, buf, len);
	if (r == 0)
		*records = p->records;
	sb_free(&p->refs);
	sb_free(&p->cpe_text);
	free(p->cpes);
	free(p->value);
	free(p);
	return r;
}

int
feed_nvd_parse_buf(struct ctx *c, const uint8_t *buf, size_t len,
    struct bundle_writer *w, int64_t *records)
{
	*records = 0;
	return nvd_run(c, NULL, buf, len, w, records);
}

static int
nvd_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	*records = 0;
	if (arg != NULL)
		return ctx_err(c, E_USAGE, "nvd: takes no @argument (got '%s')", arg);
	return nvd_run(c, path, NULL, 0, w, records);
}

const struct feed_source feed_nvd = {
	"nvd",
	"NVD CVE JSON: API 2.0 pages, yearly 2.0 feeds, legacy 1.1 feeds (plain or "
	    "compressed); enrichment by CVE id",
	"1",
	nvd_parse,
};
