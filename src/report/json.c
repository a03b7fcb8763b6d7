/*
 * json.c - the JSON contracts (doc/airlock-json.7), pretty-printed, keys in a
 * fixed order so two runs diff cleanly.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "base/sb.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"
#include "report/report_private.h"

/* The writer of report_private.h: commas, newlines and indentation. */
static void
jw_sep(struct jw *w)
{
	int i;

	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (w->count[w->depth - 1]++ > 0)
			sb_addc(w->out, ',');
		sb_addc(w->out, '\n');
		for (i = 0; i < w->depth; i++)
			sb_adds(w->out, "  ");
	}
}

static void
jw_open(struct jw *w, char c)
{
	if (w->depth >= JW_DEPTH_MAX)
		abort();	/* a renderer nests deeper than JW_DEPTH_MAX: a bug */
	jw_sep(w);
	sb_addc(w->out, c);
	w->count[w->depth++] = 0;
}

void
jw_close(struct jw *w, char c)
{
	int i, had = w->count[--w->depth] > 0;

	if (had) {
		sb_addc(w->out, '\n');
		for (i = 0; i < w->depth; i++)
			sb_adds(w->out, "  ");
	}
	sb_addc(w->out, c);
}

static void
jw_key(struct jw *w, const char *k)
{
	jw_sep(w);
	sb_add_json_str(w->out, k);
	sb_adds(w->out, ": ");
	w->after_key = 1;
}

void
jw_str(struct jw *w, const char *k, const char *v)
{
	if (k)
		jw_key(w, k);
	jw_sep(w);	/* after a key: only clears after_key */
	sb_add_json_str(w->out, v);
}

void
jw_int(struct jw *w, const char *k, int64_t v)
{
	if (k)
		jw_key(w, k);
	jw_sep(w);	/* after a key: only clears after_key */
	sb_addf(w->out, "%" PRId64, v);
}

void
jw_bool(struct jw *w, const char *k, int v)
{
	if (k)
		jw_key(w, k);
	jw_sep(w);	/* after a key: only clears after_key */
	sb_adds(w->out, v ? "true" : "false");
}

void
jw_obj(struct jw *w, const char *k)
{
	if (k)
		jw_key(w, k);
	jw_open(w, '{');
}

void
jw_arr(struct jw *w, const char *k)
{
	if (k)
		jw_key(w, k);
	jw_open(w, '[');
}

static void
json_os(struct jw *w, const struct osinfo *os)
{
	jw_obj(w, "os");
	jw_str(w, "id", os->id);
	jw_str(w, "version_id", os->version_id);
	jw_str(w, "codename", os->codename);
	jw_str(w, "pretty_name", os->pretty_name);
	jw_close(w, '}');
}

static void
json_image(struct jw *w, const struct report *r)
{
	const struct image *img = r->img;
	size_t i;

	jw_obj(w, "image");
	jw_str(w, "path", r->image_path);
	jw_str(w, "archive_sha256", img->archive_sha256);
	jw_str(w, "config_digest", img->config_digest);
	jw_arr(w, "tags");
	for (i = 0; img->tags && img->tags[i]; i++)
		jw_str(w, NULL, img->tags[i]);
	jw_close(w, ']');
	jw_arr(w, "layers");
	for (i = 0; i < img->nlayers; i++) {
		jw_obj(w, NULL);
		jw_int(w, "index", (int64_t)i);
		jw_str(w, "digest", img->layers[i].digest);
		jw_str(w, "created_by", img->layers[i].created_by);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

static void
json_packages(struct jw *w, const struct report *r)
{
	const struct pkglist *pkgs = r->pkgs;
	size_t i;

	jw_arr(w, "packages");
	for (i = 0; i < pkgs->n; i++) {
		const struct pkg *p = &pkgs->v[i];

		jw_obj(w, NULL);
		jw_str(w, "name", p->name);
		jw_str(w, "version", p->version);
		jw_str(w, "arch", p->arch);
		jw_str(w, "source_name", p->source_name);
		jw_str(w, "source_version", p->source_version);
		jw_str(w, "ecosystem", p->ecosystem);
		jw_int(w, "layer", p->layer);
		/* the history line of the layer that introduced the package */
		jw_str(w, "created_by", p->layer >= 0 && (size_t)p->layer < r->img->nlayers ?
		    r->img->layers[p->layer].created_by : NULL);
		/* rpm only (null otherwise): what OVAL definitions test besides versions */
		jw_str(w, "signing_key_id", p->sigkey);
		jw_str(w, "modularity_label", p->modularity_label);
		jw_close(w, '}');
	}
	jw_close(w, ']');
}

void
report_json_packages(const struct report *r, struct sb *out)
{
	struct jw w = JW_INIT(out);

	jw_obj(&w, NULL);
	jw_int(&w, "schema_version", REPORT_SCHEMA_VERSION);
	json_os(&w, r->os);
	json_image(&w, r);
	json_packages(&w, r);
	jw_close(&w, '}');
	sb_addc(out, '\n');
}

static void
json_bundle(struct jw *w, const struct report *r)
{
	const struct bundle_meta *m = r->meta;
	char created[32], expires[32];
	size_t i;

	report_iso8601(m->created, created);
	report_iso8601(m->expires, expires);
	jw_obj(w, "bundle");
	jw_str(w, "path", r->bundle_path);
	jw_int(w, "format", m->format);
	jw_int(w, "serial", (int64_t)m->serial);
	jw_str(w, "created", created);
	jw_str(w, "expires", expires);
	jw_str(w, "key_id", m->keyid);
	jw_int(w, "age_days", (r->now - m->created) / 86400);
	/* trust overrides are part of the evidence, never silent */
	jw_bool(w, "expired", m->expired);
	jw_bool(w, "downgrade", m->downgrade);
	if (m->downgrade)
		jw_int(w, "downgraded_from", (int64_t)m->downgraded_from);
	else
		jw_str(w, "downgraded_from", NULL);
	jw_arr(w, "sources");
	for (i = 0; i < r->nsources; i++) {
		jw_obj(w, NULL);
		jw_str(w, "name", r->sources[i].name);
		jw_str(w, "format", r->sources[i].format);
		jw_str(w, "parser_version", r->sources[i].parser_version);
		jw_int(w, "records", r->sources[i].records);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	/* the manifest: every input file of every feed, in the builder's order */
	jw_arr(w, "inputs");
	for (i = 0; i < r->ninputs; i++) {
		const struct report_input *in = &r->inputs[i];

		jw_obj(w, NULL);
		jw_str(w, "source", in->source);
		jw_str(w, "path", in->path);
		jw_str(w, "sha256", in->sha256);
		jw_int(w, "bytes", in->bytes);
		jw_str(w, "upstream_time", in->upstream_time);
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_close(w, '}');
}

void
report_json_scan(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	static const char *const states[] = { "fixed", "unfixed", "wont-fix", "unknown" };
	struct jw w = JW_INIT(out);
	char now[32];
	size_t i, j, n;

	report_iso8601(r->now, now);
	jw_obj(&w, NULL);
	jw_int(&w, "schema_version", REPORT_SCHEMA_VERSION);
	jw_obj(&w, "scanner");
	jw_str(&w, "name", PACKAGE_NAME);
	jw_str(&w, "version", PACKAGE_VERSION);
	jw_str(&w, "scan_time", now);
	jw_close(&w, '}');
	json_bundle(&w, r);
	json_image(&w, r);
	json_os(&w, r->os);
	jw_str(&w, "namespace", m->namespace);
	jw_str(&w, "coverage", m->coverage);
	jw_arr(&w, "findings");
	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		jw_obj(&w, NULL);
		jw_str(&w, "vulnerability", f->vuln_id);
		jw_str(&w, "package", f->package);
		jw_str(&w, "installed_version", f->installed_version);
		jw_str(&w, "fixed_version", f->fixed_version);
		jw_str(&w, "status", f->status);
		jw_str(&w, "severity", f->severity);
		jw_str(&w, "source", f->source);
		jw_str(&w, "ecosystem", f->ecosystem);
		jw_str(&w, "source_package", f->source_package);
		jw_str(&w, "source_version", f->source_version);
		jw_str(&w, "namespace", f->namespace);
		jw_str(&w, "vendor_status", f->vendor_status);
		jw_str(&w, "vendor_severity", f->vendor_severity);
		jw_str(&w, "severity_source", f->severity_source);
		jw_str(&w, "note", f->note);
		jw_str(&w, "record", f->record);
		jw_str(&w, "comparison", f->comparison);
		jw_int(&w, "layer", f->layer);
		jw_str(&w, "description", f->description);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_arr(&w, "not_assessed");
	for (i = 0; i < m->nnot_assessed; i++) {
		jw_obj(&w, NULL);
		jw_str(&w, "kind", m->not_assessed[i].kind);
		jw_str(&w, "name", m->not_assessed[i].name);
		jw_str(&w, "version", m->not_assessed[i].version);
		jw_str(&w, "reason", m->not_assessed[i].reason);
		jw_close(&w, '}');
	}
	jw_close(&w, ']');
	jw_obj(&w, "summary");
	jw_int(&w, "packages", (int64_t)m->npackages);
	jw_int(&w, "findings", (int64_t)m->nfindings);
	jw_int(&w, "not_assessed", (int64_t)m->nnot_assessed);
	jw_obj(&w, "by_status");
	for (j = 0; j < sizeof(states) / sizeof(states[0]); j++) {
		for (i = n = 0; i < m->nfindings; i++)
			n += strcmp(m->findings[i].status, states[j]) == 0;
		jw_int(&w, states[j], (int64_t)n);
	}
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_str(&w, "verdict", report_verdict_name(report_verdict(r)));
	jw_close(&w, '}');
	sb_addc(out, '\n');
}
