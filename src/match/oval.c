/* oval.c - OVAL criteria trees of a bundle evaluated against installed packages (oval.h). */
#include "config.h"

#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "match/oval.h"
#include "pkgdb/pkgdb.h"
#include "version/version.h"

/* ---- the criteria string ---------------------------------------------------- */

struct parser {
	struct ctx *c;
	const char *s;
	size_t len, pos;
	struct oval_tree *t;
	size_t cap;
};

static int
p_err(struct parser *p, const char *what)
{
	return ctx_err(p->c, E_FORMAT, "oval criteria: %s at offset %zu", what, p->pos);
}

static int
p_node(struct parser *p, int depth)
{
	struct oval_node *nd;
	size_t me, start;
	int64_t id = 0;
	uint64_t size;
	char ch;
	int r;

	if (p->pos >= p->len)
		return p_err(p, "unexpected end");
	if (p->t->n == OVAL_NODES_MAX)
		return ctx_err(p->c, E_LIMIT, "oval criteria: more than OVAL_NODES_MAX (%d) "
		    "nodes", OVAL_NODES_MAX);
	if (p->t->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 16;
		p->t->v = xreallocarray(p->t->v, p->cap, sizeof(*p->t->v));
	}
	me = p->t->n++;
	nd = &p->t->v[me];
	memset(nd, 0, sizeof(*nd));
	ch = p->s[p->pos];
	switch (ch) {
	case 't':
		start = ++p->pos;
		while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9') {
			if (ckd_mul(&id, id, 10) || ckd_add(&id, id, p->s[p->pos] - '0'))
				return p_err(p, "test id out of range");
			p->pos++;
		}
		if (p->pos == start || p->s[start] == '0')
			return p_err(p, "bad test id");
		nd->kind = OVAL_NODE_TEST;
		nd->test = id;
		break;
	case '!':
	case '&':
	case '|':
	case '1':
	case '^':
		if (depth >= OVAL_DEPTH_MAX)
			return ctx_err(p->c, E_LIMIT, "oval criteria: more than OVAL_DEPTH_MAX "
			    "(%d) nested operators at offset %zu", OVAL_DEPTH_MAX, p->pos);
		p->pos++;
		if (ch == '!') {
			nd->kind = OVAL_NODE_NOT;
			nd->nchildren = 1;
			if ((r = p_node(p, depth + 1)) != 0)
				return r;
			break;
		}
		nd->kind = OVAL_NODE_OP;
		nd->op = ch == '&' ? OVAL_AND : ch == '|' ? OVAL_OR : ch == '1' ? OVAL_ONE :
		    OVAL_XOR;
		if (p->pos >= p->len || p->s[p->pos] != '(')
			return p_err(p, "'(' expected");
		p->pos++;
		for (;;) {
			if ((r = p_node(p, depth + 1)) != 0)
				return r;
			p->t->v[me].nchildren++;
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				continue;
			}
			if (p->pos < p->len && p->s[p->pos] == ')') {
				p->pos++;
				break;
			}
			return p_err(p, "',' or ')' expected");
		}
		break;
	default:
		return p_err(p, "node expected");
	}
	size = p->t->n - me;	/* at most OVAL_NODES_MAX */
	p->t->v[me].size = (uint32_t)size;
	return 0;
}

int
oval_criteria_parse(struct ctx *c, const char *s, size_t len, struct oval_tree *out)
{
	struct parser p;
	int r;

	memset(out, 0, sizeof(*out));
	if (len > OVAL_CRITERIA_MAX)
		return ctx_err(c, E_LIMIT, "oval criteria: %zu bytes, more than "
		    "OVAL_CRITERIA_MAX (%d)", len, OVAL_CRITERIA_MAX);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.s = s;
	p.len = len;
	p.t = out;
	if ((r = p_node(&p, 0)) == 0 && p.pos != len)
		r = p_err(&p, "trailing bytes");
	if (r != 0)
		oval_tree_free(out);
	return r;
}

void
oval_tree_free(struct oval_tree *t)
{
	if (t == NULL)
		return;
	free(t->v);
	t->v = NULL;
	t->n = 0;
}

static size_t
format_node(const struct oval_tree *t, size_t i, struct sb *out)
{
	static const char ops[] = { '&', '|', '1', '^' };
	const struct oval_node *nd = &t->v[i];
	size_t j = i + 1, k;

	switch (nd->kind) {
	case OVAL_NODE_TEST:
		sb_addf(out, "t%lld", (long long)nd->test);
		break;
	case OVAL_NODE_NOT:
		sb_addc(out, '!');
		format_node(t, j, out);
		break;
	case OVAL_NODE_OP:
		sb_addc(out, ops[nd->op]);
		sb_addc(out, '(');
		for (k = 0; k < nd->nchildren; k++) {
			if (k > 0)
				sb_addc(out, ',');
			j += format_node(t, j, out);
		}
		sb_addc(out, ')');
		break;
	}
	return nd->size;
}

void
oval_criteria_format(const struct oval_tree *t, struct sb *out)
{
	if (t->n > 0)
		format_node(t, 0, out);
}

/* ---- three-valued logic ------------------------------------------------------ */

static enum oval_result
combine_counts(enum oval_op op, size_t nt, size_t nf, size_t nu)
{
	(void)nf;
	switch (op) {
	case OVAL_AND:
		return nf > 0 ? OVAL_FALSE : nu > 0 ? OVAL_UNKNOWN : OVAL_TRUE;
	case OVAL_OR:
		return nt > 0 ? OVAL_TRUE : nu > 0 ? OVAL_UNKNOWN : OVAL_FALSE;
	case OVAL_ONE:
		if (nt >= 2)
			return OVAL_FALSE;
		if (nu > 0)
			return OVAL_UNKNOWN;
		return nt == 1 ? OVAL_TRUE : OVAL_FALSE;
	case OVAL_XOR:
		if (nu > 0)
			return OVAL_UNKNOWN;
		return nt % 2 == 1 ? OVAL_TRUE : OVAL_FALSE;
	}
	return OVAL_UNKNOWN;
}

enum oval_result
oval_negate(enum oval_result r)
{
	return r == OVAL_TRUE ? OVAL_FALSE : r == OVAL_FALSE ? OVAL_TRUE : OVAL_UNKNOWN;
}

enum oval_result
oval_combine(enum oval_op op, const enum oval_result *v, size_t n)
{
	size_t i, nt = 0, nf = 0, nu = 0;

	for (i = 0; i < n; i++) {
		if (v[i] == OVAL_TRUE)
			nt++;
		else if (v[i] == OVAL_FALSE)
			nf++;
		else
			nu++;
	}
	return combine_counts(op, nt, nf, nu);
}

/* ---- the evaluator ------------------------------------------------------------- */

enum tkind { TK_PKG, TK_MODULE, TK_PLATFORM, TK_UNSUPPORTED };
enum tcheck { CK_ALL, CK_AT_LEAST_ONE, CK_ONLY_ONE, CK_NONE_SATISFY };
enum texist { EX_AT_LEAST_ONE, EX_ANY, EX_ALL, EX_NONE, EX_ONLY_ONE };
enum top { OP_NONE, OP_LT, OP_LE, OP_EQ, OP_NE, OP_GT, OP_GE, OP_MATCH };
/* What a test's satisfied items are worth as witnesses. */
enum wclass { W_NONE, W_VERSION, W_EXISTS };

static const char *const op_words[] = {
	[OP_NONE] = NULL, [OP_LT] = "less than", [OP_LE] = "less than or equal",
	[OP_EQ] = "equals", [OP_NE] = "not equal", [OP_GT] = "greater than",
	[OP_GE] = "greater than or equal", [OP_MATCH] = "pattern match",
};
static const char *const op_symbols[] = {
	[OP_NONE] = "?", [OP_LT] = "<", [OP_LE] = "<=", [OP_EQ] = "=", [OP_NE] = "!=",
	[OP_GT] = ">", [OP_GE] = ">=", [OP_MATCH] = "matches",
};

struct field {
	enum top op;
	char *value;
	regex_t re;		/* op OP_MATCH, when has_re */
	int has_re;
};

struct test {
	int64_t id;
	enum tkind kind;
	enum tcheck check;
	enum texist exist;
	char **names;
	size_t nnames;
	char *pattern;
	regex_t pattern_re;
	int has_pattern_re;
	struct field evr, version, arch;
	char *sigkey, *module, *flavour, *why;
	char *bad;		/* why the test cannot be evaluated (a pattern), or NULL */
	enum wclass wclass;
	/* the vendor's status of the packages matched through it, or NULLs */
	char *state, *vendor_status, *note;
};

/* An item OVAL compares: one binary package, or one (source name, version). */
struct item {
	const char *name;
	const char *evr;
	const char *arch;	/* binary: NULL when the package has none */
	const char *sigkey;
	const char *label;
	int source;		/* a source item: it has no arch, key or label */
	size_t first, n;	/* its binary packages: ipkgs[first..first+n) */
};

struct witness {
	const struct item *item;
	const struct test *t;
	enum wclass cls;
};

/* A child's result and its witnesses' span, while its operator node is open. */
struct crec {
	enum oval_result r;
	size_t start, end;
};

struct vuln {
	char *id, *description;
};

struct oval_eval {
	struct bundle *b;
	const struct pkglist *pkgs;
	char *ecosystem;
	enum version_eco eco;
	const struct pkg **ipkgs;	/* binary items' packages, then source items' */
	struct item *bin, *src;		/* each sorted by name */
	size_t nbin, nsrc;
	char *reported;			/* per package of pkgs: bad version reported */
	struct test **tab;		/* test cache: open addressing on id */
	size_t tabcap, ntests;
	struct oval_stats stats;
	/* per definition */
	const struct bundle_oval_def_row *def;
	const struct oval_sink *sink;
	int source_kind, flavours;
	struct witness *w;
	size_t nw, capw;
	struct crec *cr;
	size_t ncr, capcr;
	const char **mods;
	size_t nmods, capmods;
	const struct item **coll;
	size_t capcoll;
	enum oval_result *ires;
	char *reasons[OVAL_REASONS_MAX];
	size_t nreasons, more_reasons;
	struct vuln *vulns;
	size_t nvulns, capvulns;
};

static int
item_cmp(const void *va, const void *vb)
{
	const struct item *a = va, *b = vb;

	return strcmp(a->name, b->name);
}

static int
pkg_src_cmp(const void *va, const void *vb)
{
	const struct pkg *a = *(const struct pkg *const *)va, *b = *(const struct pkg *const *)vb;
	int d;

	if ((d = strcmp(a->source_name, b->source_name)) != 0)
		return d;
	return strcmp(a->source_version, b->source_version);
}

int
oval_eval_new(struct ctx *c, struct bundle *b, const struct pkglist *pkgs,
    const char *ecosystem, struct oval_eval **out)
{
	struct oval_eval *e;
	const struct pkg **tmp;
	size_t i, n = 0, k;
	int eco;

	*out = NULL;
	if ((eco = version_eco_from_name(ecosystem)) < 0)
		return ctx_err(c, E_INTERNAL, "oval: unknown ecosystem %s", ecosystem);
	e = xcalloc(1, sizeof(*e));
	e->b = b;
	e->pkgs = pkgs;
	e->eco = (enum version_eco)eco;
	e->ecosystem = xstrdup(ecosystem);
	for (i = 0; i < pkgs->n; i++)
		n += strcmp(pkgs->v[i].ecosystem, ecosystem) == 0;
	e->ipkgs = xreallocarray(NULL, 2 * n + 1, sizeof(*e->ipkgs));
	e->bin = xreallocarray(NULL, n + 1, sizeof(*e->bin));
	e->src = xreallocarray(NULL, n + 1, sizeof(*e->src));
	e->reported = xcalloc(pkgs->n + 1, 1);
	tmp = e->ipkgs + n;
	for (i = 0, k = 0; i < pkgs->n; i++) {
		const struct pkg *p = &pkgs->v[i];

		if (strcmp(p->ecosystem, ecosystem) != 0)
			continue;
		e->ipkgs[k] = p;
		tmp[k] = p;
		e->bin[k] = (struct item){ .name = p->name, .evr = p->version, .arch = p->arch,
		    .sigkey = p->sigkey, .label = p->modularity_label, .first = k, .n = 1 };
		k++;
	}
	e->nbin = n;
	if (n > 1) {
		qsort(e->bin, n, sizeof(*e->bin), item_cmp);
		qsort(tmp, n, sizeof(*tmp), pkg_src_cmp);
	}
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && pkg_src_cmp(&tmp[i], &tmp[k]) == 0; k++)
			;
		e->src[e->nsrc++] = (struct item){ .name = tmp[i]->source_name,
		    .evr = tmp[i]->source_version, .source = 1, .first = n + i, .n = k - i };
	}
	if (e->nsrc > 1)	/* already in name order; kept stable for equal names */
		qsort(e->src, e->nsrc, sizeof(*e->src), item_cmp);
	*out = e;
	return 0;
}

static void
field_free(struct field *f)
{
	free(f->value);
	if (f->has_re)
		regfree(&f->re);
}

static void
test_free(struct test *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->pattern);
	if (t->has_pattern_re)
		regfree(&t->pattern_re);
	field_free(&t->evr);
	field_free(&t->version);
	field_free(&t->arch);
	free(t->sigkey);
	free(t->module);
	free(t->flavour);
	free(t->why);
	free(t->bad);
	free(t->state);
	free(t->vendor_status);
	free(t->note);
	free(t);
}

static void
def_reset(struct oval_eval *e)
{
	size_t i;

	for (i = 0; i < e->nreasons; i++)
		free(e->reasons[i]);
	e->nreasons = e->more_reasons = 0;
	for (i = 0; i < e->nvulns; i++) {
		free(e->vulns[i].id);
		free(e->vulns[i].description);
	}
	e->nvulns = 0;
	e->nw = e->ncr = e->nmods = 0;
	e->def = NULL;
	e->sink = NULL;
}

void
oval_eval_free(struct oval_eval *e)
{
	size_t i;

	if (e == NULL)
		return;
	def_reset(e);
	for (i = 0; i < e->tabcap; i++)
		test_free(e->tab[i]);
	free(e->tab);
	free(e->ipkgs);
	free(e->bin);
	free(e->src);
	free(e->reported);
	free(e->w);
	free(e->cr);
	free(e->mods);
	free(e->coll);
	free(e->ires);
	free(e->vulns);
	free(e->ecosystem);
	free(e);
}

const struct oval_stats *
oval_eval_stats(const struct oval_eval *e)
{
	return &e->stats;
}

/* Keeps a reason for an unknown result (distinct, at most OVAL_REASONS_MAX). */
static void
add_reason(struct oval_eval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_reason(struct oval_eval *e, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (i = 0; i < e->nreasons; i++)
		if (strcmp(e->reasons[i], buf) == 0)
			return;
	if (e->nreasons == OVAL_REASONS_MAX) {
		e->more_reasons++;
		return;
	}
	e->reasons[e->nreasons++] = xstrdup(buf);
}

/* ---- tests: read once, cached ---------------------------------------------------- */

static enum top
op_of(const char *s)
{
	size_t i;

	for (i = OP_LT; s != NULL && i <= OP_MATCH; i++)
		if (strcmp(s, op_words[i]) == 0)
			return (enum top)i;
	return OP_NONE;
}

static size_t
word_index(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(s, words[i]) == 0)
			return i;
	return n;
}

/*
 * Interval expressions ("{n}", "{n,m}") multiply what a regex compiles to; the
 * vendors' patterns use none ("aarch64|x86_64", "^7[^0-9]"), so a few small
 * ones are all we compile. A '{' after a backslash or in a bracket expression
 * is counted too: erring on the side of refusing.
 */
static int
bounds_ok(const char *p)
{
	unsigned long v;
	int n = 0;

	for (; *p != '\0'; p++) {
		if (*p != '{')
			continue;
		if (++n > OVAL_PATTERN_BOUNDS_MAX)
			return 0;
		for (p++; *p != '\0' && *p != '}'; p++) {
			if (*p < '0' || *p > '9')
				continue;
			for (v = 0; *p >= '0' && *p <= '9'; p++)
				if ((v = v * 10 + (unsigned long)(*p - '0')) > OVAL_PATTERN_REPEAT_MAX)
					return 0;
			p--;
		}
		if (*p == '\0')
			return 1;	/* regcomp judges the rest */
	}
	return 1;
}

/* Compiles a pattern of test t (what: "name", "version", "arch"); a pattern
 * we cannot use makes the test unknown, with the reason in t->bad. */
static int
compile(struct test *t, const char *what, const char *pattern, regex_t *re)
{
	struct sb b = SB_INIT;
	char msg[128];
	int rc;

	if (strlen(pattern) > OVAL_PATTERN_MAX) {
		if (t->bad == NULL) {
			sb_addf(&b, "oval test %lld: %s pattern longer than OVAL_PATTERN_MAX (%d)",
			    (long long)t->id, what, OVAL_PATTERN_MAX);
			t->bad = sb_steal(&b);
		}
		return 0;
	}
	if (!bounds_ok(pattern)) {
		if (t->bad == NULL) {
			sb_addf(&b, "oval test %lld: %s pattern '%.64s' repeats more than "
			    "OVAL_PATTERN_BOUNDS_MAX (%d) intervals or an interval more than "
			    "OVAL_PATTERN_REPEAT_MAX (%d) times", (long long)t->id, what, pattern,
			    OVAL_PATTERN_BOUNDS_MAX, OVAL_PATTERN_REPEAT_MAX);
			t->bad = sb_steal(&b);
		}
		return 0;
	}
	if ((rc = regcomp(re, pattern, REG_EXTENDED | REG_NOSUB)) != 0) {
		if (t->bad == NULL) {
			regerror(rc, re, msg, sizeof(msg));
			sb_addf(&b, "oval test %lld: %s pattern '%.64s' does not compile: %s",
			    (long long)t->id, what, pattern, msg);
			t->bad = sb_steal(&b);
		}
		return 0;
	}
	return 1;
}

static void
field_set(struct test *t, struct field *f, const char *what, const char *op, const char *v)
{
	f->op = op_of(op);
	f->value = xstrdup_or_null(v);
	if (f->op == OP_MATCH && f->value != NULL)
		f->has_re = compile(t, what, f->value, &f->re);
}

static int
on_test(struct ctx *c, const struct bundle_oval_test_row *r, void *arg)
{
	static const char *const kinds[] = { "pkg", "module", "platform", "unsupported" };
	static const char *const checks[] = { "all", "at least one", "only one",
	    "none satisfy" };
	static const char *const exists[] = { "at_least_one_exists", "any_exist", "all_exist",
	    "none_exist", "only_one_exists" };
	struct test **out = arg, *t;
	size_t i;

	(void)c;
	t = xcalloc(1, sizeof(*t));
	t->id = r->id;
	t->kind = (enum tkind)word_index(r->kind, kinds, 4);
	t->check = (enum tcheck)word_index(r->check, checks, 4);
	t->exist = (enum texist)word_index(r->existence, exists, 5);
	if (r->nnames > 0) {
		t->names = xreallocarray(NULL, r->nnames, sizeof(*t->names));
		for (i = 0; i < r->nnames; i++)
			t->names[i] = xstrdup(r->names[i]);
		t->nnames = r->nnames;
	}
	if (r->name_pattern != NULL) {
		t->pattern = xstrdup(r->name_pattern);
		t->has_pattern_re = compile(t, "name", t->pattern, &t->pattern_re);
	}
	field_set(t, &t->evr, "evr", r->evr_op, r->evr);
	field_set(t, &t->version, "version", r->version_op, r->version);
	field_set(t, &t->arch, "arch", r->arch_op, r->arch);
	t->sigkey = xstrdup_or_null(r->sigkey);
	t->module = xstrdup_or_null(r->module);
	t->flavour = xstrdup_or_null(r->flavour);
	t->why = xstrdup_or_null(r->why);
	t->state = xstrdup_or_null(r->state);
	t->vendor_status = xstrdup_or_null(r->vendor_status);
	t->note = xstrdup_or_null(r->note);
	if (t->evr.op == OP_LT || t->evr.op == OP_LE || t->version.op == OP_LT ||
	    t->version.op == OP_LE)
		t->wclass = W_VERSION;
	else if (t->evr.op == OP_NONE && t->version.op == OP_NONE &&
	    t->arch.op == OP_NONE && t->sigkey == NULL)
		t->wclass = W_EXISTS;
	else
		t->wclass = W_NONE;
	*out = t;
	return 0;
}

static size_t
slot_of(int64_t id, size_t cap)
{
	uint64_t h = (uint64_t)id * UINT64_C(0x9e3779b97f4a7c15);

	return (size_t)(h >> 20) & (cap - 1);
}

static int
test_get(struct ctx *c, struct oval_eval *e, int64_t id, const struct test **out)
{
	struct test *t = NULL, **old;
	size_t i, s, oldcap;
	int r;

	*out = NULL;
	if (e->tabcap > 0)
		for (s = slot_of(id, e->tabcap); e->tab[s] != NULL; s = (s + 1) & (e->tabcap - 1))
			if (e->tab[s]->id == id) {
				*out = e->tab[s];
				return 0;
			}
	if ((r = bundle_oval_test_get(c, e->b, id, on_test, &t)) != 0) {
		if (r == E_NOTFOUND)
			return ctx_err(c, E_FORMAT, "bundle: oval definition %s names test t%lld, "
			    "which does not exist", e->def ? e->def->def_id : "?", (long long)id);
		return r;
	}
	if ((e->ntests + 1) * 2 > e->tabcap) {
		old = e->tab;
		oldcap = e->tabcap;
		e->tabcap = oldcap ? oldcap * 2 : 256;
		e->tab = xcalloc(e->tabcap, sizeof(*e->tab));
		for (i = 0; i < oldcap; i++) {
			if (old[i] == NULL)
				continue;
			for (s = slot_of(old[i]->id, e->tabcap); e->tab[s] != NULL;
			    s = (s + 1) & (e->tabcap - 1))
				;
			e->tab[s] = old[i];
		}
		free(old);
	}
	for (s = slot_of(id, e->tabcap); e->tab[s] != NULL; s = (s + 1) & (e->tabcap - 1))
		;
	e->tab[s] = t;
	e->ntests++;
	e->stats.tests_read++;
	*out = t;
	return 0;
}

/* ---- one test against the packages ------------------------------------------------ */

static enum oval_result
from_bool(int b)
{
	return b ? OVAL_TRUE : OVAL_FALSE;
}

static enum oval_result
and2(enum oval_result a, enum oval_result b)
{
	if (a == OVAL_FALSE || b == OVAL_FALSE)
		return OVAL_FALSE;
	return a == OVAL_UNKNOWN || b == OVAL_UNKNOWN ? OVAL_UNKNOWN : OVAL_TRUE;
}

static enum oval_result
cmp_result(enum top op, int cmp)
{
	switch (op) {
	case OP_LT: return from_bool(cmp < 0);
	case OP_LE: return from_bool(cmp <= 0);
	case OP_EQ: return from_bool(cmp == 0);
	case OP_NE: return from_bool(cmp != 0);
	case OP_GT: return from_bool(cmp > 0);
	case OP_GE: return from_bool(cmp >= 0);
	default: return OVAL_UNKNOWN;
	}
}

/* The release part of an rpm/deb version (after the last '-'), or "". */
static const char *
release_of(const char *v)
{
	const char *d = strrchr(v, '-');

	return d ? d + 1 : "";
}

static const char *
flavour_of(const char *evr)
{
	const char *rel = release_of(evr);

	if (strstr(rel, ".ksplice") != NULL)
		return "ksplice";
	if (strstr(rel, "_fips") != NULL || strstr(rel, ".fips") != NULL)
		return "fips";
	return NULL;
}

/* The version part of "[E:]V[-R]" into buf (NUL-terminated), or NULL when too long. */
static const char *
version_part(const char *evr, char *buf, size_t size)
{
	const char *colon = strchr(evr, ':'), *v = colon ? colon + 1 : evr;
	const char *d = strrchr(v, '-');
	size_t n = d ? (size_t)(d - v) : strlen(v);

	if (n >= size)
		return NULL;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

/* Reports every package of an item whose version could not be compared. */
static int
bad_version(struct ctx *c, struct oval_eval *e, const struct item *it, const char *reason)
{
	const struct pkg *p;
	size_t i, k;
	int r;

	for (i = 0; i < it->n; i++) {
		p = e->ipkgs[it->first + i];
		k = (size_t)(p - e->pkgs->v);
		if (e->reported[k])
			continue;
		e->reported[k] = 1;
		if (e->sink->bad_version != NULL &&
		    (r = e->sink->bad_version(c, p, reason, e->sink->arg)) != 0)
			return r;
	}
	return 0;
}

/* An ordered comparison of the item's value a with the test's value b. */
static int
compare(struct ctx *c, struct oval_eval *e, const struct test *t, const struct item *it,
    const char *what, const char *a, const char *b, enum top op, enum oval_result *res)
{
	struct sb why = SB_INIT;
	const char *reason = NULL;
	int cmp, r;

	*res = OVAL_UNKNOWN;
	if (version_cmp(e->eco, a, b, &cmp) == 0) {
		*res = cmp_result(op, cmp);
		return 0;
	}
	if (version_check(e->eco, b, &reason) != 0) {
		/* the bundle's value, not the package, is at fault */
		add_reason(e, "oval test %lld: %s %s is not a valid %s version", (long long)t->id,
		    what, b, version_eco_tool(e->eco));
		return 0;
	}
	version_check(e->eco, a, &reason);
	sb_addf(&why, "cannot compare version %s with %s's %s %s: %s: %s", a,
	    e->def->advisory ? e->def->advisory : e->def->def_id, what, b, a,
	    reason ? reason : "invalid");
	add_reason(e, "%s", sb_str(&why));
	r = bad_version(c, e, it, sb_str(&why));
	sb_free(&why);
	return r;
}

/* One item against every state field of t (AND). */
static int
item_state(struct ctx *c, struct oval_eval *e, const struct test *t, const struct item *it,
    enum oval_result *res)
{
	char vbuf[VERSION_MAX_LEN + 1];
	const char *v;
	enum oval_result f = OVAL_TRUE;
	int r;

	*res = OVAL_TRUE;
	if (e->flavours && t->evr.op != OP_NONE) {
		const char *fl = flavour_of(it->evr);

		if ((fl == NULL) != (t->flavour == NULL) ||
		    (fl != NULL && strcmp(fl, t->flavour) != 0)) {
			*res = OVAL_FALSE;
			return 0;
		}
	}
	if (t->evr.op != OP_NONE) {
		if ((r = compare(c, e, t, it, "evr", it->evr, t->evr.value, t->evr.op, &f)) != 0)
			return r;
		if ((*res = and2(*res, f)) == OVAL_FALSE)
			return 0;
	}
	if (t->version.op != OP_NONE) {
		if ((v = version_part(it->evr, vbuf, sizeof(vbuf))) == NULL)
			f = OVAL_UNKNOWN;
		else if (t->version.op == OP_MATCH)
			f = t->version.has_re ? from_bool(regexec(&t->version.re, v, 0, NULL,
			    0) == 0) : OVAL_UNKNOWN;
		else if (t->version.op == OP_EQ || t->version.op == OP_NE)
			f = from_bool((strcmp(v, t->version.value) == 0) ==
			    (t->version.op == OP_EQ));
		else if ((r = compare(c, e, t, it, "version", v, t->version.value,
		    t->version.op, &f)) != 0)
			return r;
		if ((*res = and2(*res, f)) == OVAL_FALSE)
			return 0;
	}
	if (t->arch.op != OP_NONE) {
		if (it->source)
			f = OVAL_UNKNOWN;
		else if (it->arch == NULL)
			f = OVAL_FALSE;
		else if (t->arch.op == OP_EQ)
			f = from_bool(strcmp(it->arch, t->arch.value) == 0);
		else
			f = t->arch.has_re ? from_bool(regexec(&t->arch.re, it->arch, 0, NULL,
			    0) == 0) : OVAL_UNKNOWN;
		if ((*res = and2(*res, f)) == OVAL_FALSE)
			return 0;
	}
	if (t->sigkey != NULL) {
		if (it->source)
			f = OVAL_UNKNOWN;
		else
			f = from_bool(it->sigkey != NULL && strcasecmp(it->sigkey, t->sigkey) == 0);
		*res = and2(*res, f);
	}
	return 0;
}

/* Every module stream in scope ("N:S") prefixes the label as "N:S:". */
static int
in_streams(const struct oval_eval *e, const struct item *it)
{
	size_t i, n;

	for (i = 0; i < e->nmods; i++) {
		n = strlen(e->mods[i]);
		if (it->label == NULL || strncmp(it->label, e->mods[i], n) != 0 ||
		    it->label[n] != ':')
			return 0;
	}
	return 1;
}

static int
has_name(const struct test *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->nnames; i++)
		if (strcmp(t->names[i], name) == 0)
			return 1;
	return 0;
}

/* The items of a pkg test into e->coll; returns their number. */
static size_t
collect(struct oval_eval *e, const struct test *t)
{
	const struct item *items = e->source_kind ? e->src : e->bin;
	size_t nitems = e->source_kind ? e->nsrc : e->nbin, n = 0, i, lo, hi, mid;

	if (e->capcoll < nitems + 1) {
		e->capcoll = nitems + 1;
		e->coll = xreallocarray(e->coll, e->capcoll, sizeof(*e->coll));
		e->ires = xreallocarray(e->ires, e->capcoll, sizeof(*e->ires));
	}
	if (t->pattern != NULL) {
		/* every item whose name is listed or matches */
		for (i = 0; i < nitems; i++)
			if ((has_name(t, items[i].name) || (t->has_pattern_re &&
			    regexec(&t->pattern_re, items[i].name, 0, NULL, 0) == 0)) &&
			    in_streams(e, &items[i]))
				e->coll[n++] = &items[i];
		return n;
	}
	for (i = 0; i < t->nnames; i++) {
		lo = 0;
		hi = nitems;
		while (lo < hi) {	/* the first item not below the name */
			mid = lo + (hi - lo) / 2;
			if (strcmp(items[mid].name, t->names[i]) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < nitems && strcmp(items[lo].name, t->names[i]) == 0; lo++)
			if (in_streams(e, &items[lo]))
				e->coll[n++] = &items[lo];
	}
	return n;
}

static void
push_witness(struct oval_eval *e, const struct item *it, const struct test *t,
    enum wclass cls)
{
	if (e->nw == e->capw) {
		e->capw = e->capw ? e->capw * 2 : 64;
		e->w = xreallocarray(e->w, e->capw, sizeof(*e->w));
	}
	e->w[e->nw++] = (struct witness){ it, t, cls };
}

static int
eval_pkg(struct ctx *c, struct oval_eval *e, const struct test *t, enum oval_result *res)
{
	size_t n, i, nt = 0, nf = 0, nu = 0;
	int r;

	n = collect(e, t);
	if (n == 0) {
		*res = from_bool(t->exist == EX_NONE || t->exist == EX_ANY);
		return 0;
	}
	if (t->exist == EX_NONE || (t->exist == EX_ONLY_ONE && n != 1)) {
		*res = OVAL_FALSE;
		return 0;
	}
	if (t->evr.op == OP_NONE && t->version.op == OP_NONE && t->arch.op == OP_NONE &&
	    t->sigkey == NULL) {
		*res = OVAL_TRUE;
		for (i = 0; i < n; i++)
			push_witness(e, e->coll[i], t, W_EXISTS);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if ((r = item_state(c, e, t, e->coll[i], &e->ires[i])) != 0)
			return r;
		if (e->ires[i] == OVAL_TRUE)
			nt++;
		else if (e->ires[i] == OVAL_FALSE)
			nf++;
		else
			nu++;
	}
	switch (t->check) {
	case CK_ALL: *res = combine_counts(OVAL_AND, nt, nf, nu); break;
	case CK_AT_LEAST_ONE: *res = combine_counts(OVAL_OR, nt, nf, nu); break;
	case CK_ONLY_ONE: *res = combine_counts(OVAL_ONE, nt, nf, nu); break;
	default: *res = oval_negate(combine_counts(OVAL_OR, nt, nf, nu)); break;
	}
	if (t->wclass != W_VERSION || *res == OVAL_FALSE || t->check == CK_NONE_SATISFY)
		return 0;
	for (i = 0; i < n; i++)
		if (e->ires[i] == OVAL_TRUE || (*res == OVAL_UNKNOWN && e->ires[i] == OVAL_UNKNOWN))
			push_witness(e, e->coll[i], t, W_VERSION);
	return 0;
}

static int
eval_test(struct ctx *c, struct oval_eval *e, const struct test *t, enum oval_result *res)
{
	int negative = t->check == CK_NONE_SATISFY || t->exist == EX_NONE, found = 0;
	size_t i, n;

	*res = OVAL_UNKNOWN;
	if (t->bad != NULL) {
		add_reason(e, "%s", t->bad);
		return 0;
	}
	switch (t->kind) {
	case TK_PKG:
		return eval_pkg(c, e, t, res);
	case TK_MODULE:
		n = strlen(t->module);
		for (i = 0; i < e->nbin && !found; i++)
			found = e->bin[i].label != NULL &&
			    strncmp(e->bin[i].label, t->module, n) == 0 &&
			    e->bin[i].label[n] == ':';
		*res = from_bool(negative ? !found : found);
		return 0;
	case TK_PLATFORM:
		*res = from_bool(!negative);
		return 0;
	default:
		add_reason(e, "%s", t->why ? t->why : "unsupported test");
		return 0;
	}
}

/* ---- the tree ----------------------------------------------------------------- */

static void
push_mod(struct oval_eval *e, const char *m)
{
	if (e->nmods == e->capmods) {
		e->capmods = e->capmods ? e->capmods * 2 : 8;
		e->mods = xreallocarray(e->mods, e->capmods, sizeof(*e->mods));
	}
	e->mods[e->nmods++] = m;
}

static int
eval_node(struct ctx *c, struct oval_eval *e, const struct oval_tree *tr, size_t i,
    enum oval_result *res)
{
	const struct oval_node *nd = &tr->v[i];
	const struct test *t;
	size_t j, k, cr0, mods0, w0, dst, len, nt = 0, nf = 0, nu = 0;
	enum oval_result r1;
	int r;

	*res = OVAL_UNKNOWN;
	switch (nd->kind) {
	case OVAL_NODE_TEST:
		if ((r = test_get(c, e, nd->test, &t)) != 0)
			return r;
		return eval_test(c, e, t, res);
	case OVAL_NODE_NOT:
		w0 = e->nw;
		if ((r = eval_node(c, e, tr, i + 1, &r1)) != 0)
			return r;
		e->nw = w0;	/* a negation proves an absence: no witness */
		*res = oval_negate(r1);
		return 0;
	case OVAL_NODE_OP:
		break;
	}
	mods0 = e->nmods;
	if (nd->op == OVAL_AND) {
		/* module tests among the direct children set the stream scope */
		for (j = i + 1, k = 0; k < nd->nchildren; k++, j += tr->v[j].size) {
			if (tr->v[j].kind != OVAL_NODE_TEST)
				continue;
			if ((r = test_get(c, e, tr->v[j].test, &t)) != 0)
				return r;
			if (t->kind == TK_MODULE && t->bad == NULL)
				push_mod(e, t->module);
		}
	}
	cr0 = e->ncr;
	for (j = i + 1, k = 0; k < nd->nchildren; k++, j += tr->v[j].size) {
		w0 = e->nw;
		if ((r = eval_node(c, e, tr, j, &r1)) != 0)
			return r;
		if (e->ncr == e->capcr) {
			e->capcr = e->capcr ? e->capcr * 2 : 64;
			e->cr = xreallocarray(e->cr, e->capcr, sizeof(*e->cr));
		}
		e->cr[e->ncr++] = (struct crec){ r1, w0, e->nw };
		if (r1 == OVAL_TRUE)
			nt++;
		else if (r1 == OVAL_FALSE)
			nf++;
		else
			nu++;
	}
	*res = combine_counts(nd->op, nt, nf, nu);
	/* keep the witnesses of the children that support the result */
	dst = e->ncr > cr0 ? e->cr[cr0].start : e->nw;
	for (k = cr0; k < e->ncr; k++) {
		if (!((*res == OVAL_TRUE && e->cr[k].r == OVAL_TRUE) ||
		    (*res == OVAL_UNKNOWN && e->cr[k].r != OVAL_FALSE)))
			continue;
		len = e->cr[k].end - e->cr[k].start;
		if (len > 0 && dst != e->cr[k].start)
			memmove(&e->w[dst], &e->w[e->cr[k].start], len * sizeof(*e->w));
		dst += len;
	}
	e->nw = dst;
	e->ncr = cr0;
	e->nmods = mods0;
	return 0;
}

/* ---- findings ----------------------------------------------------------------- */

static int
on_vuln(struct ctx *c, const char *id, const char *description, void *arg)
{
	struct oval_eval *e = arg;

	(void)c;
	if (e->nvulns == e->capvulns) {
		e->capvulns = e->capvulns ? e->capvulns * 2 : 8;
		e->vulns = xreallocarray(e->vulns, e->capvulns, sizeof(*e->vulns));
	}
	e->vulns[e->nvulns].id = xstrdup(id);
	e->vulns[e->nvulns].description = xstrdup_or_null(description);
	e->nvulns++;
	return 0;
}

static int
witness_cmp(const void *va, const void *vb)
{
	const struct witness *a = va, *b = vb;

	if (a->item != b->item)
		return a->item < b->item ? -1 : 1;
	if (a->t != b->t)
		return a->t->id < b->t->id ? -1 : a->t->id > b->t->id;
	return 0;
}

/*
 * Hits for every (witness package, vuln) of the definition. A witness of a
 * test with its own state (the vendor's status of that package) stays
 * whatever its class, unless that state is not-affected.
 */
static int
emit(struct ctx *c, struct oval_eval *e, enum oval_result res)
{
	const struct bundle_oval_def_row *d = e->def;
	struct sb cmp = SB_INIT, note = SB_INIT;
	enum wclass cls = W_EXISTS;
	struct oval_hit h;
	const struct field *f;
	const char *state, *base;
	char vbuf[VERSION_MAX_LEN + 1];
	size_t i, k, v, n = 0;
	int r = 0;

	for (i = 0; i < e->nw; i++)
		if (e->w[i].cls == W_VERSION && e->w[i].t->state == NULL)
			cls = W_VERSION;
	for (i = 0; i < e->nw; i++) {	/* keep the class that names the packages */
		const struct test *t = e->w[i].t;

		if (t->state != NULL ? strcmp(t->state, "not-affected") != 0 :
		    e->w[i].cls == cls)
			e->w[n++] = e->w[i];
	}
	e->nw = n;
	if (n > 1)
		qsort(e->w, n, sizeof(*e->w), witness_cmp);
	if (n == 0) {
		if (res == OVAL_UNKNOWN)
			e->stats.unknown_unwitnessed++;
		return 0;
	}
	if ((r = bundle_oval_def_vulns(c, e->b, d->id, on_vuln, e)) != 0)
		return r;
	if (e->nvulns == 0)
		return ctx_err(c, E_FORMAT, "bundle: oval definition %s has no vulnerability id",
		    d->def_id);
	for (i = 0; i < n; i++) {
		const struct item *it = e->w[i].item;
		const struct test *t = e->w[i].t;

		if (i > 0 && witness_cmp(&e->w[i - 1], &e->w[i]) == 0)
			continue;
		memset(&h, 0, sizeof(h));
		sb_reset(&cmp);
		state = t->state != NULL ? t->state : d->state;
		base = t->state != NULL ? t->note : d->note;
		if (res == OVAL_UNKNOWN) {
			sb_reset(&note);
			sb_adds(&note, "OVAL result unknown: ");
			for (k = 0; k < e->nreasons; k++)
				sb_addf(&note, "%s%s", k ? "; " : "", e->reasons[k]);
			if (e->more_reasons > 0)
				sb_addf(&note, "; and %zu more", e->more_reasons);
			if (base != NULL)
				sb_addf(&note, " (%s)", base);
		}
		f = t->evr.op == OP_LT || t->evr.op == OP_LE ? &t->evr :
		    t->version.op == OP_LT || t->version.op == OP_LE ? &t->version : NULL;
		if (f != NULL) {
			const char *mine = it->evr;

			if (f == &t->version)
				mine = version_part(it->evr, vbuf, sizeof(vbuf));
			sb_addf(&cmp, "%s %s %s (%s)", mine ? mine : it->evr, op_symbols[f->op],
			    f->value, version_eco_tool(e->eco));
			/* a vendor's per-package state other than fixed has no fix
			 * to name (Ubuntu's pending: not yet published) */
			if (f->op == OP_LT && (t->state == NULL || strcmp(state, "fixed") == 0))
				h.fixed_version = f->value;
		} else if (strcmp(state, "fixed") == 0)
			sb_addf(&cmp, "%s installed; no version compared", it->name);
		else
			sb_addf(&cmp, "no fix: vendor state %s", state);
		h.def = d;
		h.package = it->name;
		h.version = it->evr;
		h.status = res == OVAL_UNKNOWN ? "unknown" : state;
		h.vendor_status = t->state != NULL ? t->vendor_status : d->vendor_status;
		h.comparison = sb_str(&cmp);
		h.note = res == OVAL_UNKNOWN ? sb_str(&note) : base;
		for (k = 0; k < it->n; k++) {
			h.pkg = e->ipkgs[it->first + k];
			for (v = 0; v < e->nvulns; v++) {
				h.vuln_id = e->vulns[v].id;
				h.description = e->vulns[v].description;
				if ((r = e->sink->hit(c, &h, e->sink->arg)) != 0)
					goto out;
			}
		}
	}
out:
	sb_free(&cmp);
	sb_free(&note);
	return r;
}

/* The definition's row, copied so that its statement ends before the evaluation
 * runs its own queries (and so that lookup timing counts lookups only). */
struct defcopy {
	struct bundle_oval_def_row row;
	char *s[14];
};

static void
defcopy_free(struct defcopy *d)
{
	size_t i;

	for (i = 0; i < sizeof(d->s) / sizeof(d->s[0]); i++)
		free(d->s[i]);
	memset(d, 0, sizeof(*d));
}

static int
on_def(struct ctx *c, const struct bundle_oval_def_row *d, void *arg)
{
	struct defcopy *dc = arg;
	const char *const from[14] = { d->source, d->namespace, d->ecosystem, d->name_kind,
	    d->def_id, d->klass, d->title, d->advisory, d->state, d->severity,
	    d->vendor_severity, d->vendor_status, d->note, d->criteria };
	const char **to[14] = { &dc->row.source, &dc->row.namespace, &dc->row.ecosystem,
	    &dc->row.name_kind, &dc->row.def_id, &dc->row.klass, &dc->row.title,
	    &dc->row.advisory, &dc->row.state, &dc->row.severity, &dc->row.vendor_severity,
	    &dc->row.vendor_status, &dc->row.note, &dc->row.criteria };
	size_t i;

	(void)c;
	dc->row.id = d->id;
	for (i = 0; i < 14; i++) {
		dc->s[i] = xstrdup_or_null(from[i]);
		*to[i] = dc->s[i];
	}
	return 0;
}

static int
eval_def(struct ctx *c, struct oval_eval *e, const struct bundle_oval_def_row *d)
{
	struct oval_tree tree;
	enum oval_result res;
	int r;

	e->def = d;
	if (strcmp(d->ecosystem, e->ecosystem) != 0)
		return ctx_err(c, E_INTERNAL, "oval: definition %s is for %s packages",
		    d->def_id, d->ecosystem);
	e->source_kind = strcmp(d->name_kind, "source") == 0;
	e->flavours = strncmp(d->namespace, "ol:", 3) == 0;
	if ((r = oval_criteria_parse(c, d->criteria, strlen(d->criteria), &tree)) != 0) {
		ctx_prefix(c, "bundle: oval definition %s", d->def_id);
		return r;
	}
	r = eval_node(c, e, &tree, 0, &res);
	oval_tree_free(&tree);
	if (r != 0)
		return r;
	e->stats.defs++;
	if (res == OVAL_FALSE) {
		e->nw = 0;
		return 0;
	}
	if (res == OVAL_TRUE)
		e->stats.defs_true++;
	else
		e->stats.defs_unknown++;
	if (strcmp(d->state, "not-affected") == 0)
		return 0;
	return emit(c, e, res);
}

int
oval_eval_def(struct ctx *c, struct oval_eval *e, int64_t def, const struct oval_sink *sink)
{
	struct defcopy dc;
	int r;

	if (sink == NULL || sink->hit == NULL)
		return ctx_err(c, E_INTERNAL, "oval_eval_def: no sink");

	memset(&dc, 0, sizeof(dc));
	def_reset(e);
	e->sink = sink;
	if ((r = bundle_oval_def_get(c, e->b, def, on_def, &dc)) == 0)
		r = eval_def(c, e, &dc.row);
	def_reset(e);
	defcopy_free(&dc);
	return r;
}
