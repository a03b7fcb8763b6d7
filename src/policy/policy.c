/*
 * policy.c - the policy file (libyaml's event parser, with marks) and the
 * decisions it makes about a scan. The file format is doc/airlock-policy.5.
 *
 * The parser walks libyaml's events against the one schema there is: every
 * mapping has a fixed set of keys, anything else is an error at the event's
 * line and column, and a structure where a scalar is expected is refused
 * before it is descended into, so nesting is bounded by the schema itself.
 * Aliases, anchors and tags are refused; so are duplicate keys and a second
 * document.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <yaml.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "policy/policy.h"
#include "version/version.h"

#define KEY_SHOW_MAX	48	/* bytes of an unknown key quoted in a message */

static const char *const severity_names[] = {
	"unknown", "negligible", "low", "medium", "high", "critical"
};
static const char *const state_names[] = { "fixed", "unfixed", "wont-fix", "unknown" };

const char *
policy_severity_name(int rank)
{
	if (rank < 0 || rank >= (int)(sizeof(severity_names) / sizeof(severity_names[0])))
		return "unknown";
	return severity_names[rank];
}

void
policy_default(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->severity = 1;		/* negligible: every known severity */
	p->unknown_severity_fails = 1;
	p->fixable_only = 0;
	p->states = POLICY_STATES_ALL;
	p->max_age_days = -1;
	p->distribution_feed = 0;
	p->allow_not_assessed = 0;
}

void
policy_free(struct policy *p)
{
	size_t i, j;

	if (p == NULL)
		return;
	free(p->path);
	for (i = 0; i < p->nsources; i++)
		free(p->sources[i]);
	free(p->sources);
	for (i = 0; i < p->nwaivers; i++) {
		struct policy_waiver *w = &p->waivers[i];

		free(w->vulnerability);
		free(w->package);
		free(w->versions);
		for (j = 0; j < w->nrange; j++)
			free(w->range[j].version);
		free(w->range);
		free(w->ecosystem);
		free(w->image);
		free(w->owner);
		free(w->reason);
	}
	free(p->waivers);
	memset(p, 0, sizeof(*p));
}

/* ---- the parser ---------------------------------------------------------- */

struct pp {
	struct ctx *c;
	const char *name;
	const uint8_t *buf;
	size_t len;
	yaml_parser_t yp;
	yaml_event_t ev;	/* the current event */
	int have;		/* ev must be deleted */
};

static int pp_err(struct pp *p, int code, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
pp_err(struct pp *p, int code, yaml_mark_t m, const char *fmt, ...)
{
	char msg[CTX_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ctx_err(p->c, code, "%s:%zu:%zu: %s", p->name, m.line + 1, m.column + 1, msg);
}

/* Line and column of a byte offset, for reader errors (which carry no mark). */
static yaml_mark_t
pp_mark_at(const struct pp *p, size_t off)
{
	yaml_mark_t m;
	size_t i;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < off && i < p->len; i++) {
		if (p->buf[i] == '\n') {
			m.line++;
			m.column = 0;
		} else if ((p->buf[i] & 0xc0) != 0x80) {
			m.column++;
		}
	}
	m.index = off;
	return m;
}

static int
pp_yaml_err(struct pp *p)
{
	const char *problem = p->yp.problem ? p->yp.problem : "malformed";

	switch (p->yp.error) {
	case YAML_MEMORY_ERROR:
		return ctx_err(p->c, E_NOMEM, "%s: out of memory parsing the policy", p->name);
	case YAML_READER_ERROR:
		return pp_err(p, E_FORMAT, pp_mark_at(p, p->yp.problem_offset),
		    "invalid yaml: %s", problem);
	default:
		if (p->yp.context != NULL)
			return pp_err(p, E_FORMAT, p->yp.problem_mark,
			    "invalid yaml: %s (%s at line %zu, column %zu)", problem,
			    p->yp.context, p->yp.context_mark.line + 1,
			    p->yp.context_mark.column + 1);
		return pp_err(p, E_FORMAT, p->yp.problem_mark, "invalid yaml: %s", problem);
	}
}

/* Moves to the next event, refusing aliases, anchors and tags. */
static int
pp_next(struct pp *p)
{
	yaml_char_t *anchor = NULL, *tag = NULL;

	if (p->have) {
		yaml_event_delete(&p->ev);
		p->have = 0;
	}
	if (!yaml_parser_parse(&p->yp, &p->ev))
		return pp_yaml_err(p);
	p->have = 1;
	switch (p->ev.type) {
	case YAML_ALIAS_EVENT:
		return pp_err(p, E_FORMAT, p->ev.start_mark, "aliases are not allowed");
	case YAML_SCALAR_EVENT:
		anchor = p->ev.data.scalar.anchor;
		tag = p->ev.data.scalar.tag;
		break;
	case YAML_SEQUENCE_START_EVENT:
		anchor = p->ev.data.sequence_start.anchor;
		tag = p->ev.data.sequence_start.tag;
		break;
	case YAML_MAPPING_START_EVENT:
		anchor = p->ev.data.mapping_start.anchor;
		tag = p->ev.data.mapping_start.tag;
		break;
	default:
		break;
	}
	if (anchor != NULL)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "anchors are not allowed");
	if (tag != NULL)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "tags are not allowed");
	return 0;
}

static const char *
pp_kind(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT: return "a scalar";
	case YAML_SEQUENCE_START_EVENT: return "a list";
	case YAML_MAPPING_START_EVENT: return "a mapping";
	default: return "the end of a collection";
	}
}

/* A key or value safe to quote in a message: printable ASCII, other bytes as
 * \xHH, cut short after KEY_SHOW_MAX bytes. */
#define SHOW_LEN (4 * KEY_SHOW_MAX + 4)
static void
pp_show(const yaml_event_t *ev, char out[SHOW_LEN])
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = ev->data.scalar.value;
	size_t i, o = 0, n = ev->data.scalar.length;

	for (i = 0; i < n && i < KEY_SHOW_MAX; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			out[o++] = (char)s[i];
		} else {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[s[i] >> 4];
			out[o++] = hex[s[i] & 15];
		}
	}
	if (n > KEY_SHOW_MAX)
		out[o++] = '.', out[o++] = '.', out[o++] = '.';
	out[o] = '\0';
}

/*
 * In a mapping: reads the next key. Returns 1 with its index in keys[] and the
 * value's first event current, 0 at the end of the mapping, or an error.
 */
static int
pp_key(struct pp *p, const char *where, const char *const *keys, unsigned *seen, int *idx)
{
	char show[SHOW_LEN];
	struct sb known = SB_INIT;
	const char *k;
	size_t i, n;
	int r;

	*idx = -1;
	if ((r = pp_next(p)) != 0)
		return r;
	if (p->ev.type == YAML_MAPPING_END_EVENT)
		return 0;
	if (p->ev.type != YAML_SCALAR_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: a key must be a scalar, "
		    "not %s", where, pp_kind(&p->ev));
	k = (const char *)p->ev.data.scalar.value;
	n = p->ev.data.scalar.length;
	for (i = 0; keys[i] != NULL; i++)
		if (strlen(keys[i]) == n && memcmp(keys[i], k, n) == 0)
			break;
	if (keys[i] == NULL) {
		for (i = 0; keys[i] != NULL; i++)
			sb_addf(&known, "%s%s", i ? ", " : "", keys[i]);
		pp_show(&p->ev, show);
		r = pp_err(p, E_FORMAT, p->ev.start_mark, "%s: unknown key '%s' (known: %s)",
		    where, show, sb_str(&known));
		sb_free(&known);
		return r;
	}
	if (*seen & (1u << i))
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: duplicate key '%s'", where,
		    keys[i]);
	*seen |= 1u << i;
	*idx = (int)i;
	if ((r = pp_next(p)) != 0)
		return r;
	return 1;
}

static int
pp_is_null(const yaml_event_t *ev)
{
	const char *v = (const char *)ev->data.scalar.value;

	return ev->type == YAML_SCALAR_EVENT && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    (ev->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
	    strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0);
}

/* The current event as a scalar of at most POLICY_STRING_MAX bytes, no NUL. */
static int
pp_scalar(struct pp *p, const char *where, const char **v)
{
	*v = NULL;
	if (p->ev.type != YAML_SCALAR_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected a scalar, found %s",
		    where, pp_kind(&p->ev));
	if (p->ev.data.scalar.length > POLICY_STRING_MAX)
		return pp_err(p, E_LIMIT, p->ev.start_mark, "%s: value longer than %d bytes "
		    "(POLICY_STRING_MAX)", where, POLICY_STRING_MAX);
	if (strlen((const char *)p->ev.data.scalar.value) != p->ev.data.scalar.length)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: value contains a NUL byte",
		    where);
	*v = (const char *)p->ev.data.scalar.value;
	return 0;
}

/* A non-empty string; *out is allocated. */
static int
pp_string(struct pp *p, const char *where, char **out)
{
	const char *v;
	int r;

	*out = NULL;
	if ((r = pp_scalar(p, where, &v)) != 0)
		return r;
	if (pp_is_null(&p->ev))
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected a string, found "
		    "null", where);
	if (*v == '\0')
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: must not be empty", where);
	*out = xstrdup(v);
	return 0;
}

/* A string without blanks or control characters (ids, names, tags). */
static int
pp_word(struct pp *p, const char *where, char **out)
{
	const unsigned char *s;
	int r;

	if ((r = pp_string(p, where, out)) != 0)
		return r;
	for (s = (const unsigned char *)*out; *s; s++) {
		if (*s <= 0x20 || *s == 0x7f) {
			free(*out);
			*out = NULL;
			return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: must not contain "
			    "blanks or control characters", where);
		}
	}
	return 0;
}

/* One of names[] (plain or quoted); its index in *idx. */
static int
pp_enum(struct pp *p, const char *where, const char *const *names, size_t n, int *idx)
{
	char show[SHOW_LEN];
	struct sb list = SB_INIT;
	const char *v;
	size_t i;
	int r;

	*idx = -1;
	if ((r = pp_scalar(p, where, &v)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if (strcmp(v, names[i]) == 0) {
			*idx = (int)i;
			sb_free(&list);
			return 0;
		}
		sb_addf(&list, "%s%s", i ? ", " : "", names[i]);
	}
	pp_show(&p->ev, show);
	r = pp_err(p, E_FORMAT, p->ev.start_mark, "%s: '%s' is not one of %s", where, show,
	    sb_str(&list));
	sb_free(&list);
	return r;
}

static int
pp_bool(struct pp *p, const char *where, int *out)
{
	const char *v;
	int r;

	if ((r = pp_scalar(p, where, &v)) != 0)
		return r;
	if (p->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(v, "true") == 0) {
			*out = 1;
			return 0;
		}
		if (strcmp(v, "false") == 0) {
			*out = 0;
			return 0;
		}
	}
	return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected true or false", where);
}

/* A plain decimal integer in [0, max], no sign, no leading zero; above max is
 * E_LIMIT naming limit, or E_FORMAT when limit is NULL. */
static int
pp_uint(struct pp *p, const char *where, int64_t max, const char *limit, int64_t *out)
{
	const char *v, *s;
	int64_t n = 0;
	int r;

	*out = 0;
	if ((r = pp_scalar(p, where, &v)) != 0)
		return r;
	if (p->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE || *v == '\0' ||
	    (v[0] == '0' && v[1] != '\0'))
		goto bad;
	for (s = v; *s; s++) {
		if (*s < '0' || *s > '9')
			goto bad;
		n = n * 10 + (*s - '0');
		if (n > max && limit != NULL)
			return pp_err(p, E_LIMIT, p->ev.start_mark, "%s: larger than %lld (%s)",
			    where, (long long)max, limit);
		if (n > max)
			return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: larger than %lld", where,
			    (long long)max);
	}
	*out = n;
	return 0;
 bad:
	return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected a whole number", where);
}

static int
pp_expect_seq(struct pp *p, const char *where)
{
	if (p->ev.type != YAML_SEQUENCE_START_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected a list, found %s",
		    where, pp_is_null(&p->ev) ? "null" : pp_kind(&p->ev));
	return 0;
}

static int
pp_expect_map(struct pp *p, const char *where)
{
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "%s: expected a mapping, found %s",
		    where, pp_is_null(&p->ev) ? "null" : pp_kind(&p->ev));
	return 0;
}

static int
parse_states(struct pp *p, struct policy *pol)
{
	yaml_mark_t start = p->ev.start_mark;
	int r, idx;

	if ((r = pp_expect_seq(p, "fail: states")) != 0)
		return r;
	pol->states = 0;
	for (;;) {
		if ((r = pp_next(p)) != 0)
			return r;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if ((r = pp_enum(p, "fail: states", state_names, 4, &idx)) != 0)
			return r;
		if (pol->states & (1u << idx))
			return pp_err(p, E_FORMAT, p->ev.start_mark, "fail: states: '%s' listed "
			    "twice", state_names[idx]);
		pol->states |= 1u << idx;
	}
	if (pol->states == 0)
		return pp_err(p, E_FORMAT, start, "fail: states: empty (list the states that "
		    "fail)");
	return 0;
}

static int
parse_fail(struct pp *p, struct policy *pol)
{
	static const char *const keys[] = {
		"severity", "unknown_severity", "fixable_only", "states", NULL
	};
	static const char *const unk[] = { "fail", "pass" };
	unsigned seen = 0;
	int r, idx, v;

	if ((r = pp_expect_map(p, "fail")) != 0)
		return r;
	while ((r = pp_key(p, "fail", keys, &seen, &idx)) == 1) {
		switch (idx) {
		case 0:
			/* "unknown" is not a threshold: see unknown_severity */
			if ((r = pp_enum(p, "fail: severity", severity_names + 1, 5, &v)) != 0)
				return r;
			pol->severity = v + 1;
			break;
		case 1:
			if ((r = pp_enum(p, "fail: unknown_severity", unk, 2, &v)) != 0)
				return r;
			pol->unknown_severity_fails = v == 0;
			break;
		case 2:
			if ((r = pp_bool(p, "fail: fixable_only", &pol->fixable_only)) != 0)
				return r;
			break;
		case 3:
			if ((r = parse_states(p, pol)) != 0)
				return r;
			break;
		}
	}
	return r;
}

static int
parse_sources(struct pp *p, struct policy *pol)
{
	char *s;
	size_t i;
	int r;

	if ((r = pp_expect_seq(p, "require: sources")) != 0)
		return r;
	for (;;) {
		if ((r = pp_next(p)) != 0)
			return r;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (pol->nsources == POLICY_SOURCES_MAX)
			return pp_err(p, E_LIMIT, p->ev.start_mark, "require: sources: more than "
			    "%d (POLICY_SOURCES_MAX)", POLICY_SOURCES_MAX);
		if ((r = pp_word(p, "require: sources", &s)) != 0)
			return r;
		for (i = 0; i < pol->nsources; i++) {
			if (strcmp(pol->sources[i], s) == 0) {
				r = pp_err(p, E_FORMAT, p->ev.start_mark, "require: sources: '%s' "
				    "listed twice", s);
				free(s);
				return r;
			}
		}
		pol->sources = xreallocarray(pol->sources, pol->nsources + 1, sizeof(char *));
		pol->sources[pol->nsources++] = s;
	}
}

static int
parse_require(struct pp *p, struct policy *pol)
{
	static const char *const keys[] = {
		"max_bundle_age_days", "sources", "distribution_feed", NULL
	};
	unsigned seen = 0;
	int r, idx;

	if ((r = pp_expect_map(p, "require")) != 0)
		return r;
	while ((r = pp_key(p, "require", keys, &seen, &idx)) == 1) {
		switch (idx) {
		case 0:
			if ((r = pp_uint(p, "require: max_bundle_age_days", POLICY_AGE_MAX,
			    "POLICY_AGE_MAX", &pol->max_age_days)) != 0)
				return r;
			break;
		case 1:
			if ((r = parse_sources(p, pol)) != 0)
				return r;
			break;
		case 2:
			if ((r = pp_bool(p, "require: distribution_feed",
			    &pol->distribution_feed)) != 0)
				return r;
			break;
		}
	}
	return r;
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* "YYYY-MM-DD", a real date; *end is the next day at 00:00 UTC. */
static int
parse_date(const char *s, int64_t *end)
{
	char t[BUNDLE_TIME_LEN + 1];
	int64_t day;
	size_t i;

	if (strlen(s) != 10)
		return E_FORMAT;
	for (i = 0; i < 10; i++)
		if ((i == 4 || i == 7) ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return E_FORMAT;
	snprintf(t, sizeof(t), "%sT00:00:00Z", s);
	if (bundle_time_parse(t, BUNDLE_TIME_LEN, &day) != 0)
		return E_FORMAT;
	*end = day + 86400;
	return 0;
}

/* Is v a version some ecosystem (eco, or any when eco < 0) could order? */
static int
version_usable(int eco, const char *v)
{
	int e, res, r;

	for (e = VERSION_DEB; e <= VERSION_APK; e++) {
		if (eco >= 0 && e != eco)
			continue;
		r = version_cmp((enum version_eco)e, v, v, &res);
		if (r == 0 || r == E_UNSUPPORTED)
			return 1;
	}
	return 0;
}

/* ">= 1.0, < 2.0": constraints separated by commas, each OP VERSION. */
static int
parse_range(struct pp *p, const char *where, struct policy_waiver *w, yaml_mark_t m)
{
	const char *s = w->versions, *e, *v;
	size_t n, vl;
	int op, eco = w->ecosystem ? version_eco_from_name(w->ecosystem) : -1;
	char *ver;

	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		for (e = s; *e && *e != ','; e++)
			;
		n = (size_t)(e - s);
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n == 0)
			return pp_err(p, E_FORMAT, m, "%s: versions: empty constraint (expected "
			    "OP VERSION, OP one of <, <=, =, !=, >=, >)", where);
		if (w->nrange == POLICY_RANGE_MAX)
			return pp_err(p, E_LIMIT, m, "%s: versions: more than %d constraints "
			    "(POLICY_RANGE_MAX)", where, POLICY_RANGE_MAX);
		if (n >= 2 && s[1] == '=' && (s[0] == '<' || s[0] == '>' || s[0] == '!')) {
			op = s[0] == '<' ? POLICY_LE : s[0] == '>' ? POLICY_GE : POLICY_NE;
			v = s + 2;
		} else if (s[0] == '<' || s[0] == '>' || s[0] == '=') {
			op = s[0] == '<' ? POLICY_LT : s[0] == '>' ? POLICY_GT : POLICY_EQ;
			v = s + 1;
		} else {
			return pp_err(p, E_FORMAT, m, "%s: versions: '%.*s' does not start with "
			    "an operator (one of <, <=, =, !=, >=, >)", where, (int)n, s);
		}
		while (v < s + n && (*v == ' ' || *v == '\t'))
			v++;
		vl = (size_t)(s + n - v);
		if (vl == 0 || memchr(v, ' ', vl) != NULL || memchr(v, '\t', vl) != NULL ||
		    strchr("<>=!", *v) != NULL)
			return pp_err(p, E_FORMAT, m, "%s: versions: '%.*s' is not OP VERSION "
			    "(OP one of <, <=, =, !=, >=, >)", where, (int)n, s);
		ver = xstrndup(v, vl);
		if (!version_usable(eco, ver)) {
			int r = pp_err(p, E_FORMAT, m, "%s: versions: '%s' is not a valid %s "
			    "version", where, ver, w->ecosystem ? w->ecosystem : "deb, rpm or apk");

			free(ver);
			return r;
		}
		w->range = xreallocarray(w->range, w->nrange + 1, sizeof(*w->range));
		w->range[w->nrange].op = (enum policy_op)op;
		w->range[w->nrange++].version = ver;
		if (*e == '\0')
			return 0;
		s = e + 1;
	}
}

static int
parse_waiver(struct pp *p, struct policy_waiver *w, size_t n)
{
	static const char *const keys[] = {
		"vulnerability", "package", "versions", "ecosystem", "image", "owner", "reason",
		"expires", NULL
	};
	static const char *const ecos[] = { "deb", "rpm", "apk" };
	yaml_mark_t start = p->ev.start_mark, vmark;
	char where[48], key[80];
	const char *v;
	unsigned seen = 0;
	int r, idx, e;

	memset(&vmark, 0, sizeof(vmark));
	snprintf(where, sizeof(where), "waiver %zu", n + 1);
	w->line = (int)start.line + 1;
	w->column = (int)start.column + 1;
	if ((r = pp_expect_map(p, where)) != 0)
		return r;
	while ((r = pp_key(p, where, keys, &seen, &idx)) == 1) {
		snprintf(key, sizeof(key), "%s: %s", where, keys[idx]);
		switch (idx) {
		case 0: r = pp_word(p, key, &w->vulnerability); break;
		case 1: r = pp_word(p, key, &w->package); break;
		case 2:
			vmark = p->ev.start_mark;
			w->versions_line = (int)vmark.line + 1;
			w->versions_column = (int)vmark.column + 1;
			r = pp_string(p, key, &w->versions);
			break;
		case 3:
			if ((r = pp_enum(p, key, ecos, 3, &e)) == 0)
				w->ecosystem = xstrdup(ecos[e]);
			break;
		case 4:
			if ((r = pp_word(p, key, &w->image)) != 0)
				break;
			if (strncmp(w->image, "sha256:", 7) == 0 && !is_hex64(w->image + 7))
				r = pp_err(p, E_FORMAT, p->ev.start_mark, "%s: an image id is "
				    "sha256: and 64 lowercase hex digits", key);
			break;
		case 5: r = pp_string(p, key, &w->owner); break;
		case 6: r = pp_string(p, key, &w->reason); break;
		case 7:
			if ((r = pp_scalar(p, key, &v)) != 0)
				break;
			if (parse_date(v, &w->expires_at) != 0) {
				char show[SHOW_LEN];

				pp_show(&p->ev, show);
				r = pp_err(p, E_FORMAT, p->ev.start_mark, "%s: '%s' is not a date "
				    "(YYYY-MM-DD)", key, show);
				break;
			}
			memcpy(w->expires, v, 11);
			break;
		}
		if (r != 0)
			return r;
	}
	if (r < 0)
		return r;
	/* the end of the mapping is current; requirements are reported at its start */
	if (w->owner == NULL)
		return pp_err(p, E_FORMAT, start, "%s: missing owner (who answers for it)",
		    where);
	if (w->reason == NULL)
		return pp_err(p, E_FORMAT, start, "%s: missing reason", where);
	if (w->expires[0] == '\0')
		return pp_err(p, E_FORMAT, start, "%s: missing expires (YYYY-MM-DD)", where);
	if (w->vulnerability == NULL && w->package == NULL)
		return pp_err(p, E_FORMAT, start, "%s: needs vulnerability or package (a "
		    "waiver scoped by image alone would waive everything)", where);
	if (w->versions != NULL) {
		if (w->package == NULL)
			return pp_err(p, E_FORMAT, vmark, "%s: versions needs package", where);
		if ((r = parse_range(p, where, w, vmark)) != 0)
			return r;
	}
	return 0;
}

static int
parse_waivers(struct pp *p, struct policy *pol)
{
	struct policy_waiver *w;
	int r;

	if ((r = pp_expect_seq(p, "waivers")) != 0)
		return r;
	for (;;) {
		if ((r = pp_next(p)) != 0)
			return r;
		if (p->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (pol->nwaivers == POLICY_WAIVERS_MAX)
			return pp_err(p, E_LIMIT, p->ev.start_mark, "waivers: more than %d "
			    "(POLICY_WAIVERS_MAX)", POLICY_WAIVERS_MAX);
		pol->waivers = xreallocarray(pol->waivers, pol->nwaivers + 1, sizeof(*w));
		w = &pol->waivers[pol->nwaivers++];
		memset(w, 0, sizeof(*w));
		if ((r = parse_waiver(p, w, pol->nwaivers - 1)) != 0)
			return r;
	}
}

static int
parse_root(struct pp *p, struct policy *pol)
{
	static const char *const keys[] = {
		"version", "fail", "require", "not_assessed", "waivers", NULL
	};
	static const char *const na[] = { "no-verdict", "allow" };
	yaml_mark_t start;
	unsigned seen = 0;
	int64_t version;
	int r, idx, v;

	if ((r = pp_next(p)) != 0)	/* stream start */
		return r;
	if ((r = pp_next(p)) != 0)
		return r;
	if (p->ev.type == YAML_STREAM_END_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "empty policy (expected a mapping "
		    "starting with version: %d)", POLICY_FORMAT);
	if ((r = pp_next(p)) != 0)	/* after document start */
		return r;
	start = p->ev.start_mark;
	if (p->ev.type != YAML_MAPPING_START_EVENT)
		return pp_err(p, E_FORMAT, start, "the policy must be a mapping, not %s",
		    pp_is_null(&p->ev) ? "null" : pp_kind(&p->ev));
	while ((r = pp_key(p, "policy", keys, &seen, &idx)) == 1) {
		switch (idx) {
		case 0:
			if ((r = pp_uint(p, "version", 1000, NULL, &version)) != 0)
				return r;
			if (version != POLICY_FORMAT)
				return pp_err(p, E_FORMAT, p->ev.start_mark, "version: policy "
				    "format %lld is not supported (this airlock reads %d)",
				    (long long)version, POLICY_FORMAT);
			break;
		case 1: r = parse_fail(p, pol); break;
		case 2: r = parse_require(p, pol); break;
		case 3:
			if ((r = pp_enum(p, "not_assessed", na, 2, &v)) == 0)
				pol->allow_not_assessed = v == 1;
			break;
		case 4: r = parse_waivers(p, pol); break;
		}
		if (r != 0)
			return r;
	}
	if (r < 0)
		return r;
	if (!(seen & 1u))
		return pp_err(p, E_FORMAT, start, "policy: missing version (this airlock reads "
		    "version: %d)", POLICY_FORMAT);
	if ((r = pp_next(p)) != 0)	/* document end */
		return r;
	if ((r = pp_next(p)) != 0)
		return r;
	if (p->ev.type != YAML_STREAM_END_EVENT)
		return pp_err(p, E_FORMAT, p->ev.start_mark, "only one document is allowed");
	return 0;
}

int
policy_parse(struct ctx *c, const char *name, const uint8_t *buf, size_t len,
    struct policy *pol)
{
	static const uint8_t empty[1];
	struct pp p;
	int r = E_INTERNAL;

	policy_default(pol);
	if (buf == NULL) {	/* libyaml wants a pointer even for nothing */
		buf = empty;
		len = 0;
	}
	if (len > POLICY_FILE_MAX)
		return ctx_err(c, E_LIMIT, "%s: larger than %d bytes (POLICY_FILE_MAX)", name,
		    POLICY_FILE_MAX);
	memset(&p, 0, sizeof(p));
	p.c = c;
	p.name = name;
	p.buf = buf;
	p.len = len;
	if (!yaml_parser_initialize(&p.yp))
		return ctx_err(c, E_NOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&p.yp, buf, len);
	if ((r = parse_root(&p, pol)) != 0)
		goto out;
	pol->path = xstrdup(name);
	r = 0;
 out:
	if (p.have)
		yaml_event_delete(&p.ev);
	yaml_parser_delete(&p.yp);
	if (r != 0) {
		policy_free(pol);
		policy_default(pol);
	}
	return r;
}

int
policy_load(struct ctx *c, const char *path, struct policy *pol)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	uint8_t *buf = NULL;
	size_t len = 0;
	int r;

	policy_default(pol);
	if ((r = file_read(c, path, POLICY_FILE_MAX, &buf, &len)) != 0) {
		if (r == E_LIMIT)
			r = ctx_err(c, E_LIMIT, "%s: larger than %d bytes (POLICY_FILE_MAX)",
			    path, POLICY_FILE_MAX);
		return r;
	}
	if ((r = policy_parse(c, path, buf, len, pol)) == 0) {
		crypto_hash_sha256(h, buf, (unsigned long long)len);
		sodium_bin2hex(pol->sha256, sizeof(pol->sha256), h, sizeof(h));
	}
	free(buf);
	return r;
}

/* ---- evaluation ------------------------------------------------------------ */

static int
image_matches(const char *want, const struct image *img)
{
	size_t i;

	if (img == NULL)
		return 0;
	if (strncmp(want, "sha256:", 7) == 0)
		return img->config_digest != NULL && strcmp(want, img->config_digest) == 0;
	for (i = 0; img->tags && img->tags[i]; i++)
		if (strcmp(want, img->tags[i]) == 0)
			return 1;
	return 0;
}

static int
range_holds(struct ctx *c, const struct policy *p, const struct policy_waiver *w,
    const char *ecosystem, const char *version, int *yes)
{
	int eco, cmp, r, ok;
	size_t i;

	*yes = 0;
	if (ecosystem == NULL || version == NULL || (eco = version_eco_from_name(ecosystem)) < 0)
		return 0;	/* cannot be ordered: the range does not hold */
	for (i = 0; i < w->nrange; i++) {
		const struct policy_constraint *k = &w->range[i];

		if ((r = version_cmp((enum version_eco)eco, k->version, k->version, &cmp)) != 0)
			return ctx_err(c, E_FORMAT, "%s:%d:%d: waiver at line %d: versions: '%s' "
			    "cannot be ordered as a %s version", p->path ? p->path : "policy",
			    w->versions_line, w->versions_column, w->line, k->version, ecosystem);
		if (version_cmp((enum version_eco)eco, version, k->version, &cmp) != 0)
			return 0;	/* the installed version was assessed, so not reached */
		switch (k->op) {
		case POLICY_LT: ok = cmp < 0; break;
		case POLICY_LE: ok = cmp <= 0; break;
		case POLICY_EQ: ok = cmp == 0; break;
		case POLICY_NE: ok = cmp != 0; break;
		case POLICY_GE: ok = cmp >= 0; break;
		case POLICY_GT: ok = cmp > 0; break;
		default: ok = 0; break;
		}
		if (!ok)
			return 0;
	}
	*yes = 1;
	return 0;
}

static int
waiver_matches(struct ctx *c, const struct policy *p, const struct policy_waiver *w,
    const struct finding *f, const struct image *img, int *yes)
{
	const char *version;

	*yes = 0;
	if (w->vulnerability != NULL && strcmp(w->vulnerability, f->vuln_id) != 0)
		return 0;
	if (w->ecosystem != NULL && (f->ecosystem == NULL ||
	    strcmp(w->ecosystem, f->ecosystem) != 0))
		return 0;
	if (w->image != NULL && !image_matches(w->image, img))
		return 0;
	if (w->package != NULL) {
		/* the binary name is checked against the installed version, the
		 * source name against the source version the feed was compared with */
		if (strcmp(w->package, f->package) == 0)
			version = f->installed_version;
		else if (f->source_package != NULL && strcmp(w->package, f->source_package) == 0)
			version = f->source_version;
		else
			return 0;
		if (w->nrange > 0)
			return range_holds(c, p, w, f->ecosystem, version, yes);
	}
	*yes = 1;
	return 0;
}

/* Would f fail p before waivers? *why gets the reason either way. */
static int
finding_fails(const struct policy *p, const struct finding *f, char **why)
{
	struct sb b = SB_INIT;
	int st = match_status_rank(f->status), sev = match_severity_rank(f->severity);
	int fails;

	if (st < 4 && !(p->states & (1u << st))) {
		sb_addf(&b, "state %s is not counted", f->status);
		fails = 0;
	} else if (p->fixable_only && f->fixed_version == NULL) {
		sb_adds(&b, "no fixed version (fixable_only)");
		fails = 0;
	} else if (sev == 0) {
		fails = p->unknown_severity_fails;
		sb_addf(&b, "severity unknown %s (unknown_severity: %s)",
		    fails ? "fails" : "passes", fails ? "fail" : "pass");
	} else {
		fails = sev >= p->severity;
		sb_addf(&b, "severity %s is %s the threshold %s", severity_names[sev],
		    fails ? "at or above" : "below", policy_severity_name(p->severity));
	}
	*why = sb_steal(&b);
	return fails;
}

static void
add_check(struct policy_eval *e, const char *name, const char *subject, int ok,
    const char *detail)
{
	struct policy_check *k;

	e->checks = xreallocarray(e->checks, e->nchecks + 1, sizeof(*e->checks));
	k = &e->checks[e->nchecks++];
	k->name = xstrdup(name);
	k->subject = xstrdup(subject);
	k->ok = ok;
	k->detail = xstrdup(detail);
	if (!ok)
		e->nchecks_failed++;
}

static void
run_checks(const struct policy *p, const struct report *r, struct policy_eval *e)
{
	const struct match_result *m = r->match;
	char created[BUNDLE_TIME_LEN + 1], subject[32];
	struct sb d = SB_INIT;
	size_t i, j;
	int ok;

	if (p->max_age_days >= 0) {
		snprintf(subject, sizeof(subject), "%lld", (long long)p->max_age_days);
		if (r->meta == NULL) {
			ok = 0;
			sb_adds(&d, "the bundle's creation time is not known");
		} else {
			bundle_time_format(r->meta->created, created);
			ok = r->now - r->meta->created <= p->max_age_days * 86400;
			sb_addf(&d, "bundle created %s, %s %lld days before the scan", created,
			    ok ? "at most" : "more than", (long long)p->max_age_days);
		}
		add_check(e, "max_bundle_age_days", subject, ok, sb_str(&d));
		sb_reset(&d);
	}
	for (i = 0; i < p->nsources; i++) {
		for (j = 0; j < r->nsources; j++)
			if (strcmp(r->sources[j].name, p->sources[i]) == 0)
				break;
		if (j == r->nsources)
			sb_adds(&d, "not in the bundle");
		else
			sb_addf(&d, "in the bundle with %lld records",
			    (long long)r->sources[j].records);
		add_check(e, "source", p->sources[i], j < r->nsources && r->sources[j].records > 0,
		    sb_str(&d));
		sb_reset(&d);
	}
	if (p->distribution_feed) {
		if (m->namespace == NULL)
			sb_adds(&d, "the image's distribution is not known");
		else if (m->coverage == NULL)
			sb_addf(&d, "no feed of the bundle covers %s", m->namespace);
		else
			sb_addf(&d, "covered (%s)", m->coverage);
		add_check(e, "distribution_feed", m->namespace ? m->namespace : "unknown",
		    m->namespace != NULL && m->coverage != NULL, sb_str(&d));
		sb_reset(&d);
	}
	sb_free(&d);
}

/* Installed (source) version against the fixed version: -1, 0, 1, or 2. */
static int
compare_fixed(const struct finding *f)
{
	int eco, cmp;

	if (f->fixed_version == NULL || f->source_version == NULL || f->ecosystem == NULL ||
	    (eco = version_eco_from_name(f->ecosystem)) < 0 ||
	    version_cmp((enum version_eco)eco, f->source_version, f->fixed_version, &cmp) != 0)
		return 2;
	return cmp;
}

int
policy_evaluate(struct ctx *c, const struct policy *p, const struct report *r,
    struct policy_eval *out)
{
	const struct match_result *m = r->match;
	struct policy_eval e;
	size_t i, j, *applied = NULL;
	int rc = E_INTERNAL, yes, fails;

	memset(out, 0, sizeof(*out));
	memset(&e, 0, sizeof(e));
	e.policy = p;
	e.nfindings = m->nfindings;
	e.findings = xcalloc(m->nfindings + 1, sizeof(*e.findings));
	e.waiver_state = xcalloc(p->nwaivers + 1, sizeof(*e.waiver_state));
	e.waiver_matches = xcalloc(p->nwaivers + 1, sizeof(*e.waiver_matches));
	applied = xcalloc(p->nwaivers + 1, sizeof(*applied));
	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];
		struct policy_finding_eval *fe = &e.findings[i];

		fe->waiver = fe->expired_waiver = -1;
		fe->cmp = compare_fixed(f);
		fails = finding_fails(p, f, &fe->why);
		for (j = 0; j < p->nwaivers; j++) {
			const struct policy_waiver *w = &p->waivers[j];

			if ((rc = waiver_matches(c, p, w, f, r->img, &yes)) != 0)
				goto out;
			if (!yes)
				continue;
			e.waiver_matches[j]++;
			if (r->now >= w->expires_at) {
				if (fe->expired_waiver < 0)
					fe->expired_waiver = (int)j;
			} else if (fe->waiver < 0) {
				fe->waiver = (int)j;
			}
		}
		if (fails && fe->waiver >= 0) {
			fe->decision = POLICY_WAIVED;
			applied[fe->waiver]++;
			e.nwaived++;
		} else if (fails) {
			fe->decision = POLICY_FAIL;
			e.nfail++;
		} else {
			fe->decision = POLICY_PASS;
			fe->waiver = -1;	/* a waiver changes nothing here */
			e.npass++;
		}
	}
	for (j = 0; j < p->nwaivers; j++) {
		if (r->now >= p->waivers[j].expires_at) {
			e.waiver_state[j] = POLICY_WAIVER_EXPIRED;
			e.nexpired++;
		} else if (applied[j] > 0) {
			e.waiver_state[j] = POLICY_WAIVER_APPLIED;
		} else if (e.waiver_matches[j] > 0) {
			e.waiver_state[j] = POLICY_WAIVER_MATCHED;
		} else {
			e.waiver_state[j] = POLICY_WAIVER_STALE;
			e.nstale++;
		}
	}
	run_checks(p, r, &e);
	/* not_assessed: allow covers packages; an operating system no feed
	 * assessed never passes (distribution_feed: true makes it fail) */
	for (i = 0; i < m->nnot_assessed; i++)
		if (!p->allow_not_assessed || strcmp(m->not_assessed[i].kind, "package") != 0)
			break;
	if (e.nfail > 0 || e.nchecks_failed > 0)
		e.verdict = REPORT_FAIL;
	else if (i < m->nnot_assessed)
		e.verdict = REPORT_INCOMPLETE;
	else
		e.verdict = REPORT_PASS;
	*out = e;
	memset(&e, 0, sizeof(e));
	rc = 0;
 out:
	free(applied);
	policy_eval_free(&e);
	return rc;
}

void
policy_eval_free(struct policy_eval *e)
{
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->nfindings; i++)
		free(e->findings[i].why);
	free(e->findings);
	free(e->waiver_state);
	free(e->waiver_matches);
	for (i = 0; i < e->nchecks; i++) {
		free(e->checks[i].name);
		free(e->checks[i].subject);
		free(e->checks[i].detail);
	}
	free(e->checks);
	memset(e, 0, sizeof(*e));
}

int
policy_exit_status(enum report_verdict v)
{
	switch (v) {
	case REPORT_PASS: return 0;
	case REPORT_FAIL: return 1;
	case REPORT_INCOMPLETE: return 2;
	}
	return 2;
}
