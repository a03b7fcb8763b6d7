/*
 * verdict.c - the auditor's verdict: what was scanned, with which signed data,
 * under which policy, and why each finding passed or failed. YAML written with
 * libyaml's emitter; doc/airlock-policy.5 describes every field.
 *
 * Deterministic: keys in a fixed order, findings and the not-assessed list
 * sorted, feeds and waivers in the order of the bundle and the policy file,
 * no line folding. The only wall-clock field is scan_time.
 *
 * Strings from the image or the bundle are emitted as valid UTF-8 (an invalid
 * byte becomes U+FFFD); a string a YAML reader could take for a number, a
 * date, a boolean or null is quoted.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"

struct em {
	yaml_emitter_t e;
	struct sb tmp;		/* UTF-8-cleaned copy of the current string */
	int failed;
};

static int
em_write(void *data, unsigned char *buf, size_t size)
{
	sb_add(data, (const char *)buf, size);
	return 1;
}

static void
em_emit(struct em *w, yaml_event_t *ev, int ok)
{
	if (!ok) {
		w->failed = 1;
		return;
	}
	if (w->failed) {
		yaml_event_delete(ev);
		return;
	}
	/* the emitter owns the event from here, also on failure */
	if (!yaml_emitter_emit(&w->e, ev))
		w->failed = 1;
}

/* Appends s to b as valid UTF-8: each byte of an invalid sequence is U+FFFD. */
static void
utf8_clean(struct sb *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n, i;

	while (*p) {
		if (*p < 0x80) {
			sb_addc(b, (char)*p++);
			continue;
		}
		if ((*p & 0xe0) == 0xc0) {
			n = 2;
			cp = *p & 0x1f;
		} else if ((*p & 0xf0) == 0xe0) {
			n = 3;
			cp = *p & 0x0f;
		} else if ((*p & 0xf8) == 0xf0) {
			n = 4;
			cp = *p & 0x07;
		} else {
			goto bad;
		}
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto bad;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad;
		sb_add(b, (const char *)p, n);
		p += n;
		continue;
 bad:
		sb_adds(b, "\xef\xbf\xbd");
		p++;
	}
}

/* May s be written plain? Only when no YAML reader can take it for anything
 * but a string: it starts with a letter and is none of the special words. */
static int
plain_safe(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "on", "off", "true", "false", "null", NULL
	};
	size_t i, j;

	if (!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 0; words[i] != NULL; i++) {
		for (j = 0; words[i][j] && s[j] && (s[j] | 0x20) == words[i][j]; j++)
			;
		if (words[i][j] == '\0' && s[j] == '\0')
			return 0;
	}
	return 1;
}

static void
em_scalar(struct em *w, const char *v, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	em_emit(w, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)v,
	    (int)strlen(v), 1, 1, style));
}

static void
em_key(struct em *w, const char *k)
{
	em_scalar(w, k, YAML_PLAIN_SCALAR_STYLE);
}

/* A string value (NULL: null). */
static void
em_str(struct em *w, const char *k, const char *v)
{
	if (k != NULL)
		em_key(w, k);
	if (v == NULL) {
		em_scalar(w, "null", YAML_PLAIN_SCALAR_STYLE);
		return;
	}
	sb_reset(&w->tmp);
	utf8_clean(&w->tmp, v);
	v = sb_str(&w->tmp);
	em_scalar(w, v, plain_safe(v) ? YAML_PLAIN_SCALAR_STYLE : YAML_SINGLE_QUOTED_SCALAR_STYLE);
}

static void
em_int(struct em *w, const char *k, int64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, v);
	em_key(w, k);
	em_scalar(w, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void
em_uint(struct em *w, const char *k, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	em_key(w, k);
	em_scalar(w, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void
em_bool(struct em *w, const char *k, int v)
{
	em_key(w, k);
	em_scalar(w, v ? "true" : "false", YAML_PLAIN_SCALAR_STYLE);
}

static void
em_null(struct em *w, const char *k)
{
	em_key(w, k);
	em_scalar(w, "null", YAML_PLAIN_SCALAR_STYLE);
}

static void
em_map(struct em *w, const char *k)
{
	yaml_event_t ev;

	if (k != NULL)
		em_key(w, k);
	em_emit(w, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_MAPPING_STYLE));
}

static void
em_map_end(struct em *w)
{
	yaml_event_t ev;

	em_emit(w, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void
em_seq(struct em *w, const char *k)
{
	yaml_event_t ev;

	if (k != NULL)
		em_key(w, k);
	em_emit(w, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
	    YAML_BLOCK_SEQUENCE_STYLE));
}

static void
em_seq_end(struct em *w)
{
	yaml_event_t ev;

	em_emit(w, &ev, yaml_sequence_end_event_initialize(&ev));
}

static const char *
state_name(enum policy_waiver_state s)
{
	switch (s) {
	case POLICY_WAIVER_APPLIED: return "applied";
	case POLICY_WAIVER_MATCHED: return "matched";
	case POLICY_WAIVER_STALE: return "stale";
	case POLICY_WAIVER_EXPIRED: return "expired";
	}
	return "stale";
}

static const char *
decision_name(enum policy_decision d)
{
	switch (d) {
	case POLICY_PASS: return "pass";
	case POLICY_FAIL: return "fail";
	case POLICY_WAIVED: return "waived";
	}
	return "fail";
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* qsort has no argument: sort indices of an array through a small wrapper. */
struct by_finding { const struct finding *f; size_t i; };
struct by_na { const struct not_assessed *n; };

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = ((const struct by_finding *)a)->f;
	const struct finding *y = ((const struct by_finding *)b)->f;
	int d;

	if ((d = strcmp_null(x->vuln_id, y->vuln_id)) != 0 ||
	    (d = strcmp_null(x->package, y->package)) != 0 ||
	    (d = strcmp_null(x->source, y->source)) != 0 ||
	    (d = strcmp_null(x->namespace, y->namespace)) != 0 ||
	    (d = strcmp_null(x->installed_version, y->installed_version)) != 0)
		return d;
	return (((const struct by_finding *)a)->i > ((const struct by_finding *)b)->i) -
	    (((const struct by_finding *)a)->i < ((const struct by_finding *)b)->i);
}

static int
cmp_na(const void *a, const void *b)
{
	const struct not_assessed *x = ((const struct by_na *)a)->n;
	const struct not_assessed *y = ((const struct by_na *)b)->n;
	int d;

	if ((d = strcmp_null(x->kind, y->kind)) != 0 ||
	    (d = strcmp_null(x->name, y->name)) != 0 ||
	    (d = strcmp_null(x->version, y->version)) != 0)
		return d;
	return strcmp_null(x->reason, y->reason);
}

static void
emit_bundle(struct em *w, const struct report *r)
{
	const struct bundle_meta *m = r->meta;
	char t[BUNDLE_TIME_LEN + 1];
	size_t i, j;

	em_map(w, "bundle");
	em_str(w, "path", r->bundle_path);
	em_int(w, "format", m->format);
	em_uint(w, "serial", m->serial);
	bundle_time_format(m->created, t);
	em_str(w, "created", t);
	bundle_time_format(m->expires, t);
	em_str(w, "expires", t);
	em_str(w, "key_id", m->keyid);
	em_bool(w, "expired", m->expired);
	em_bool(w, "downgrade", m->downgrade);
	if (m->downgrade)
		em_uint(w, "downgraded_from", m->downgraded_from);
	else
		em_null(w, "downgraded_from");
	em_seq(w, "feeds");
	for (i = 0; i < r->nsources; i++) {
		const struct report_source *s = &r->sources[i];

		em_map(w, NULL);
		em_str(w, "name", s->name);
		em_str(w, "format", s->format);
		em_str(w, "parser_version", s->parser_version);
		em_int(w, "records", s->records);
		em_seq(w, "inputs");
		for (j = 0; j < r->ninputs; j++) {
			const struct report_input *in = &r->inputs[j];

			if (strcmp(in->source, s->name) != 0)
				continue;
			em_map(w, NULL);
			em_str(w, "path", in->path);
			em_str(w, "sha256", in->sha256);
			em_int(w, "bytes", in->bytes);
			em_str(w, "upstream_time", in->upstream_time);
			em_map_end(w);
		}
		em_seq_end(w);
		em_map_end(w);
	}
	em_seq_end(w);
	em_map_end(w);
}

static void
emit_image(struct em *w, const struct report *r)
{
	const struct image *img = r->img;
	const struct match_result *m = r->match;
	size_t i;

	em_map(w, "image");
	em_str(w, "path", r->image_path);
	em_str(w, "archive_sha256", img ? img->archive_sha256 : NULL);
	em_str(w, "config_digest", img ? img->config_digest : NULL);
	em_seq(w, "tags");
	for (i = 0; img && img->tags && img->tags[i]; i++)
		em_str(w, NULL, img->tags[i]);
	em_seq_end(w);
	em_map(w, "os");
	em_str(w, "id", r->os ? r->os->id : NULL);
	em_str(w, "version_id", r->os ? r->os->version_id : NULL);
	em_str(w, "codename", r->os ? r->os->codename : NULL);
	em_map_end(w);
	em_str(w, "namespace", m->namespace);
	em_str(w, "coverage", m->coverage);
	em_int(w, "packages", (int64_t)m->npackages);
	em_map_end(w);
}

static void
emit_policy(struct em *w, const struct policy *p)
{
	size_t i;

	em_map(w, "policy");
	em_str(w, "file", p->path);
	em_str(w, "sha256", p->sha256[0] ? p->sha256 : NULL);
	em_map(w, "fail");
	em_str(w, "severity", policy_severity_name(p->severity));
	em_str(w, "unknown_severity", p->unknown_severity_fails ? "fail" : "pass");
	em_bool(w, "fixable_only", p->fixable_only);
	em_seq(w, "states");
	for (i = 0; i < 4; i++)
		if (p->states & (1u << i))
			em_str(w, NULL, i == 0 ? "fixed" : i == 1 ? "unfixed" :
			    i == 2 ? "wont-fix" : "unknown");
	em_seq_end(w);
	em_map_end(w);
	em_map(w, "require");
	if (p->max_age_days >= 0)
		em_int(w, "max_bundle_age_days", p->max_age_days);
	else
		em_null(w, "max_bundle_age_days");
	em_seq(w, "sources");
	for (i = 0; i < p->nsources; i++)
		em_str(w, NULL, p->sources[i]);
	em_seq_end(w);
	em_bool(w, "distribution_feed", p->distribution_feed);
	em_map_end(w);
	em_str(w, "not_assessed", p->allow_not_assessed ? "allow" : "no-verdict");
	em_map_end(w);
}

static void
emit_waiver_ref(struct em *w, const char *k, const struct policy *p, int idx)
{
	const struct policy_waiver *wv;

	if (idx < 0) {
		em_null(w, k);
		return;
	}
	wv = &p->waivers[idx];
	em_map(w, k);
	em_int(w, "index", idx + 1);
	em_int(w, "line", wv->line);
	em_str(w, "owner", wv->owner);
	em_str(w, "expires", wv->expires);
	em_map_end(w);
}

static void
emit_findings(struct em *w, const struct report *r)
{
	const struct match_result *m = r->match;
	const struct policy_eval *e = r->eval;
	struct by_finding *ord;
	struct sb cmp = SB_INIT;
	size_t k;

	ord = xcalloc(m->nfindings + 1, sizeof(*ord));
	for (k = 0; k < m->nfindings; k++) {
		ord[k].f = &m->findings[k];
		ord[k].i = k;
	}
	qsort(ord, m->nfindings, sizeof(*ord), cmp_finding);
	em_seq(w, "findings");
	for (k = 0; k < m->nfindings; k++) {
		const struct finding *f = ord[k].f;
		const struct policy_finding_eval *fe = &e->findings[ord[k].i];

		em_map(w, NULL);
		em_str(w, "vulnerability", f->vuln_id);
		em_str(w, "package", f->package);
		em_str(w, "installed_version", f->installed_version);
		em_str(w, "status", f->status);
		em_str(w, "severity", f->severity);
		em_str(w, "decision", decision_name(fe->decision));
		em_str(w, "why", fe->why);
		emit_waiver_ref(w, "waiver", e->policy, fe->waiver);
		emit_waiver_ref(w, "expired_waiver", e->policy, fe->expired_waiver);
		em_map(w, "evidence");
		em_str(w, "feed", f->source);
		em_str(w, "record", f->record);
		em_str(w, "namespace", f->namespace);
		em_str(w, "ecosystem", f->ecosystem);
		em_str(w, "source_package", f->source_package);
		em_str(w, "compared_version", f->source_version);
		em_str(w, "fixed_version", f->fixed_version);
		sb_reset(&cmp);
		if (f->fixed_version == NULL)
			sb_adds(&cmp, "no fixed version: every version is affected");
		else if (fe->cmp == 2)
			sb_adds(&cmp, "not compared");
		else
			sb_addf(&cmp, "%s %s %s", f->source_version,
			    fe->cmp < 0 ? "<" : fe->cmp > 0 ? ">" : "=", f->fixed_version);
		em_str(w, "comparison", sb_str(&cmp));
		em_str(w, "vendor_status", f->vendor_status);
		em_str(w, "vendor_severity", f->vendor_severity);
		em_str(w, "note", f->note);
		em_int(w, "layer", f->layer);
		em_map_end(w);
		em_map_end(w);
	}
	em_seq_end(w);
	sb_free(&cmp);
	free(ord);
}

static void
emit_not_assessed(struct em *w, const struct match_result *m)
{
	struct by_na *ord;
	size_t k;

	ord = xcalloc(m->nnot_assessed + 1, sizeof(*ord));
	for (k = 0; k < m->nnot_assessed; k++)
		ord[k].n = &m->not_assessed[k];
	qsort(ord, m->nnot_assessed, sizeof(*ord), cmp_na);
	em_seq(w, "not_assessed");
	for (k = 0; k < m->nnot_assessed; k++) {
		em_map(w, NULL);
		em_str(w, "kind", ord[k].n->kind);
		em_str(w, "name", ord[k].n->name);
		em_str(w, "version", ord[k].n->version);
		em_str(w, "reason", ord[k].n->reason);
		em_map_end(w);
	}
	em_seq_end(w);
	free(ord);
}

static void
emit_waivers(struct em *w, const struct policy_eval *e)
{
	const struct policy *p = e->policy;
	size_t i;

	em_seq(w, "waivers");
	for (i = 0; i < p->nwaivers; i++) {
		const struct policy_waiver *wv = &p->waivers[i];

		em_map(w, NULL);
		em_int(w, "index", (int64_t)i + 1);
		em_int(w, "line", wv->line);
		em_str(w, "state", state_name(e->waiver_state[i]));
		em_int(w, "matches", (int64_t)e->waiver_matches[i]);
		em_str(w, "vulnerability", wv->vulnerability);
		em_str(w, "package", wv->package);
		em_str(w, "versions", wv->versions);
		em_str(w, "ecosystem", wv->ecosystem);
		em_str(w, "image", wv->image);
		em_str(w, "owner", wv->owner);
		em_str(w, "reason", wv->reason);
		em_str(w, "expires", wv->expires);
		em_map_end(w);
	}
	em_seq_end(w);
}

static void
emit_checks(struct em *w, const struct policy_eval *e)
{
	size_t i;

	em_seq(w, "requirements");
	for (i = 0; i < e->nchecks; i++) {
		em_map(w, NULL);
		em_str(w, "requirement", e->checks[i].name);
		em_str(w, "subject", e->checks[i].subject);
		em_str(w, "result", e->checks[i].ok ? "pass" : "fail");
		em_str(w, "detail", e->checks[i].detail);
		em_map_end(w);
	}
	em_seq_end(w);
}

int
policy_verdict_render(struct ctx *c, const struct report *r, struct sb *out)
{
	const struct policy_eval *e = r->eval;
	const struct match_result *m = r->match;
	char now[BUNDLE_TIME_LEN + 1];
	enum report_verdict v;
	struct sb doc = SB_INIT;
	struct em w;
	yaml_event_t ev;
	int r_ = E_INTERNAL;

	if (e == NULL || r->policy == NULL || m == NULL || r->meta == NULL ||
	    e->nfindings != m->nfindings)
		return ctx_err(c, E_INTERNAL, "verdict: scan, policy or evaluation missing");
	memset(&w, 0, sizeof(w));
	if (!yaml_emitter_initialize(&w.e))
		return ctx_err(c, E_NOMEM, "verdict: out of memory");
	yaml_emitter_set_output(&w.e, em_write, &doc);
	yaml_emitter_set_unicode(&w.e, 1);
	yaml_emitter_set_width(&w.e, -1);	/* never fold lines */
	yaml_emitter_set_indent(&w.e, 2);
	yaml_emitter_set_break(&w.e, YAML_LN_BREAK);

	em_emit(&w, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	em_emit(&w, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 0));
	em_map(&w, NULL);
	em_int(&w, "airlock_verdict", POLICY_VERDICT_FORMAT);
	em_map(&w, "scanner");
	em_str(&w, "name", PACKAGE_NAME);
	em_str(&w, "version", PACKAGE_VERSION);
	em_map_end(&w);
	bundle_time_format(r->now, now);
	em_str(&w, "scan_time", now);
	emit_bundle(&w, r);
	emit_image(&w, r);
	emit_policy(&w, r->policy);
	emit_checks(&w, e);
	emit_findings(&w, r);
	emit_not_assessed(&w, m);
	emit_waivers(&w, e);
	em_map(&w, "summary");
	em_int(&w, "packages", (int64_t)m->npackages);
	em_int(&w, "findings", (int64_t)m->nfindings);
	em_int(&w, "failed", (int64_t)e->nfail);
	em_int(&w, "waived", (int64_t)e->nwaived);
	em_int(&w, "passed", (int64_t)e->npass);
	em_int(&w, "not_assessed", (int64_t)m->nnot_assessed);
	em_int(&w, "requirements_failed", (int64_t)e->nchecks_failed);
	em_int(&w, "waivers", (int64_t)e->policy->nwaivers);
	em_int(&w, "expired_waivers", (int64_t)e->nexpired);
	em_int(&w, "stale_waivers", (int64_t)e->nstale);
	em_map_end(&w);
	v = e->verdict;
	em_str(&w, "verdict", report_verdict_name(v));
	em_int(&w, "exit_status", policy_exit_status(v));
	em_map_end(&w);
	em_emit(&w, &ev, yaml_document_end_event_initialize(&ev, 1));
	em_emit(&w, &ev, yaml_stream_end_event_initialize(&ev));
	if (w.failed) {
		r_ = ctx_err(c, E_INTERNAL, "verdict: yaml emitter: %s",
		    w.e.problem ? w.e.problem : "failed");
		goto out;
	}
	if (!yaml_emitter_flush(&w.e)) {
		r_ = ctx_err(c, E_INTERNAL, "verdict: yaml emitter: flush failed");
		goto out;
	}
	sb_add(out, doc.s ? doc.s : "", doc.len);
	r_ = 0;
 out:
	yaml_emitter_delete(&w.e);
	sb_free(&w.tmp);
	sb_free(&doc);
	return r_;
}
