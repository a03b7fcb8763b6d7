/*
 * cyclonedx.c - CycloneDX 1.5 JSON: the image's packages as components with
 * package URLs and, for a scan, the findings as vulnerabilities.
 *
 *   metadata.component   the image (type container, bom-ref "image"): first tag
 *                        or path, config digest, SHA-256 of the archive
 *   components           the operating system (bom-ref "os") when identified, then
 *                        every package (type library) in inventory order with its
 *                        purl; its bom-ref is the purl ("#N" appended when two
 *                        packages share one)
 *   dependencies         the image depends on the OS and every package
 *   vulnerabilities      one per vulnerability id, feed, source package, status,
 *                        fixed version, severity, record and policy decision (with
 *                        its waiver); affects lists the bom-refs of the packages it
 *                        was found in, with their installed version
 *   properties           "airlock:..." name/value pairs for what CycloneDX has no
 *                        field for (bundle provenance, vendor words, layers). The
 *                        bundle's: airlock:bundle:serial, created, expires, key_id,
 *                        format, expired and downgrade ("true"/"false"),
 *                        downgraded_from (only with a downgrade), a
 *                        airlock:bundle:warning sentence per trust override, then
 *                        per feed airlock:bundle:feed:I:{name,format,
 *                        parser_version,records} and per manifest input
 *                        airlock:bundle:input:I:{source,path,sha256,bytes,
 *                        upstream_time} (I from 0, in the JSON report's order)
 *
 * Status to analysis: fixed -> state exploitable, response update; unfixed ->
 * exploitable; wont-fix -> exploitable, response will_not_fix; unknown -> in_triage
 * (and the affected version's status unknown). Severity: critical, high, medium
 * and low as they are, negligible -> info, unknown -> unknown. Deterministic apart
 * from metadata.timestamp (the scan time); no serialNumber, since a derived one would claim a
 * uniqueness we do not track. An inventory (r->now 0: `airlock packages`) has no
 * timestamp, so its SBOM is byte-for-byte reproducible.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"
#include "report/report_private.h"

/* purl percent-encoding: everything but [A-Za-z0-9.-_~] */
static void
purl_enc(struct sb *out, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_' || *p == '~')
			sb_addc(out, (char)*p);
		else
			sb_addf(out, "%%%02X", *p);
	}
}

/* purl namespaces are lowercase */
static void
purl_enc_lower(struct sb *out, const char *s)
{
	struct sb tmp = SB_INIT;
	size_t i;

	sb_adds(&tmp, s);
	for (i = 0; i < tmp.len; i++)
		if (tmp.s[i] >= 'A' && tmp.s[i] <= 'Z')
			tmp.s[i] = (char)(tmp.s[i] - 'A' + 'a');
	purl_enc(out, sb_str(&tmp));
	sb_free(&tmp);
}

/* "12:1.2-3" -> epoch "12", rest "1.2-3"; no epoch: *epoch_len 0 */
static const char *
rpm_split_epoch(const char *v, size_t *epoch_len)
{
	size_t i;

	*epoch_len = 0;
	for (i = 0; v[i] >= '0' && v[i] <= '9'; i++)
		;
	if (i > 0 && v[i] == ':') {
		*epoch_len = i;
		return v + i + 1;
	}
	return v;
}

void
report_purl(const struct report *r, const struct pkg *p, struct sb *out)
{
	const struct osinfo *os = r->os;
	const char *ns = os->id, *version = p->version;
	size_t epoch_len = 0;
	char sep = '?';

	if (strcmp(p->ecosystem, "rpm") == 0)
		version = rpm_split_epoch(p->version, &epoch_len);
	if (ns == NULL) {
		if (strcmp(p->ecosystem, "deb") == 0)
			ns = "debian";
		else if (strcmp(p->ecosystem, "apk") == 0)
			ns = "alpine";
	}
	sb_adds(out, "pkg:");
	purl_enc_lower(out, p->ecosystem);
	sb_addc(out, '/');
	if (ns != NULL) {
		purl_enc_lower(out, ns);
		sb_addc(out, '/');
	}
	purl_enc(out, p->name);
	sb_addc(out, '@');
	purl_enc(out, version);
	/* qualifiers in key order */
	if (p->arch) {
		sb_addf(out, "%carch=", sep);
		purl_enc(out, p->arch);
		sep = '&';
	}
	if (os->id && (os->version_id || os->codename)) {
		sb_addf(out, "%cdistro=", sep);
		purl_enc_lower(out, os->id);
		sb_addc(out, '-');
		purl_enc(out, os->version_id ? os->version_id : os->codename);
		sep = '&';
	}
	if (epoch_len > 0) {
		sb_addf(out, "%cepoch=", sep);
		sb_add(out, p->version, epoch_len);
	}
}

size_t
report_finding_pkgs(const struct report *r, const struct finding *f, size_t *first)
{
	const struct pkglist *l = r->pkgs;
	size_t lo = 0, hi = l->n, mid, n;
	int d;

	/* lower bound of (name, version) in the sorted list */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((d = strcmp(l->v[mid].name, f->package)) == 0)
			d = strcmp(l->v[mid].version, f->installed_version);
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*first = lo;
	for (n = 0; lo + n < l->n && strcmp(l->v[lo + n].name, f->package) == 0 &&
	    strcmp(l->v[lo + n].version, f->installed_version) == 0; n++)
		;
	return n;
}

/* A string member only when there is a value: CycloneDX has no nulls. */
static void
opt_str(struct jw *w, const char *k, const char *v)
{
	if (v != NULL)
		jw_str(w, k, v);
}

static void
prop(struct jw *w, const char *name, const char *value)
{
	if (value == NULL)
		return;
	jw_obj(w, NULL);
	jw_str(w, "name", name);
	jw_str(w, "value", value);
	jw_close(w, '}');
}

static void
prop_int(struct jw *w, const char *name, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	prop(w, name, buf);
}

static void
prop_uint(struct jw *w, const char *name, uint64_t value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, value);
	prop(w, name, buf);
}

/* "airlock:bundle:KIND:I:FIELD": one field of the I-th feed or input. */
static void
prop_indexed(struct jw *w, const char *kind, size_t i, const char *field, const char *value)
{
	char name[96];

	snprintf(name, sizeof(name), "airlock:bundle:%s:%zu:%s", kind, i, field);
	prop(w, name, value);
}

/* The trust overrides this run accepted the bundle with, as sentences. */
static void
cdx_overrides(struct jw *w, const struct report *r)
{
	const struct bundle_meta *m = r->meta;
	char t[32], text[256];

	if (m->expired) {
		report_iso8601(m->expires, t);
		snprintf(text, sizeof(text), "the bundle (serial %" PRIu64 ") expired on %s "
		    "and was used with --allow-expired", m->serial, t);
		prop(w, "airlock:bundle:warning", text);
	}
	if (m->downgrade) {
		snprintf(text, sizeof(text), "the bundle (serial %" PRIu64 ") is older than "
		    "the installed serial %" PRIu64 " and was used with --allow-downgrade",
		    m->serial, m->downgraded_from);
		prop(w, "airlock:bundle:warning", text);
	}
}

static int
is_hex64(const char *s)
{
	size_t i;

	for (i = 0; s && s[i]; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s && i == 64;
}

struct ref_order {
	const char *purl;
	size_t i;
};

static int
ref_order_cmp(const void *va, const void *vb)
{
	const struct ref_order *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->purl, b->purl)) != 0)
		return d;
	return a->i < b->i ? -1 : a->i > b->i;
}

/*
 * The bom-ref of every package: its purl, unique within the document ("#N",
 * N its index in the inventory, appended to all but the first of equal purls;
 * a purl never contains '#'). Caller frees with refs_free().
 */
static char **
bom_refs(const struct report *r)
{
	size_t i, n = r->pkgs->n;
	char **refs = xcalloc(n ? n : 1, sizeof(*refs));
	struct ref_order *o = xcalloc(n ? n : 1, sizeof(*o));
	struct sb b = SB_INIT;

	for (i = 0; i < n; i++) {
		report_purl(r, &r->pkgs->v[i], &b);
		refs[i] = sb_steal(&b);
		o[i].purl = refs[i];
		o[i].i = i;
	}
	qsort(o, n, sizeof(*o), ref_order_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(o[i].purl, o[i - 1].purl) != 0)
			continue;
		sb_addf(&b, "%s#%zu", o[i].purl, o[i].i);
		refs[o[i].i] = sb_steal(&b);	/* o[i].purl still points at the old one */
	}
	for (i = 1; i < n; i++)
		if (refs[o[i].i] != o[i].purl)
			free((char *)o[i].purl);
	free(o);
	return refs;
}

static void
refs_free(char **refs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(refs[i]);
	free(refs);
}

static void
cdx_metadata(struct jw *w, const struct report *r)
{
	const struct image *img = r->img;
	const char *name = img->tags && img->tags[0] ? img->tags[0] : r->image_path;
	char now[32], t[32];
	size_t i;

	report_iso8601(r->now, now);
	jw_obj(w, "metadata");
	if (r->now != 0)	/* an inventory has no scan time */
		jw_str(w, "timestamp", now);
	jw_obj(w, "tools");
	jw_arr(w, "components");
	jw_obj(w, NULL);
	jw_str(w, "type", "application");
	jw_str(w, "name", PACKAGE_NAME);
	jw_str(w, "version", PACKAGE_VERSION);
	jw_close(w, '}');
	jw_close(w, ']');
	jw_close(w, '}');
	jw_obj(w, "component");
	jw_str(w, "type", "container");
	jw_str(w, "bom-ref", "image");
	jw_str(w, "name", name);
	opt_str(w, "version", img->config_digest);
	if (is_hex64(img->archive_sha256)) {
		jw_arr(w, "hashes");
		jw_obj(w, NULL);
		jw_str(w, "alg", "SHA-256");
		jw_str(w, "content", img->archive_sha256);
		jw_close(w, '}');
		jw_close(w, ']');
	}
	jw_arr(w, "properties");
	prop(w, "airlock:image:path", r->image_path);
	for (i = 0; img->tags && img->tags[i]; i++)
		prop(w, "airlock:image:tag", img->tags[i]);
	for (i = 0; i < img->nlayers; i++)
		prop(w, "airlock:image:layer", img->layers[i].digest);
	jw_close(w, ']');
	jw_close(w, '}');
	if (r->match) {
		const struct bundle_meta *m = r->meta;

		jw_arr(w, "properties");
		prop(w, "airlock:bundle:path", r->bundle_path);
		prop_uint(w, "airlock:bundle:serial", m->serial);
		report_iso8601(m->created, t);
		prop(w, "airlock:bundle:created", t);
		report_iso8601(m->expires, t);
		prop(w, "airlock:bundle:expires", t);
		prop(w, "airlock:bundle:key_id", m->keyid);
		for (i = 0; i < r->nsources; i++)
			prop(w, "airlock:bundle:source", r->sources[i].name);
		prop_int(w, "airlock:bundle:format", m->format);
		/* trust overrides are part of the evidence, never silent */
		prop(w, "airlock:bundle:expired", m->expired ? "true" : "false");
		prop(w, "airlock:bundle:downgrade", m->downgrade ? "true" : "false");
		if (m->downgrade)
			prop_uint(w, "airlock:bundle:downgraded_from", m->downgraded_from);
		cdx_overrides(w, r);
		for (i = 0; i < r->nsources; i++) {
			const struct report_source *s = &r->sources[i];

			prop_indexed(w, "feed", i, "name", s->name);
			prop_indexed(w, "feed", i, "format", s->format);
			prop_indexed(w, "feed", i, "parser_version", s->parser_version);
			snprintf(t, sizeof(t), "%" PRId64, s->records);
			prop_indexed(w, "feed", i, "records", t);
		}
		for (i = 0; i < r->ninputs; i++) {
			const struct report_input *in = &r->inputs[i];

			prop_indexed(w, "input", i, "source", in->source);
			prop_indexed(w, "input", i, "path", in->path);
			prop_indexed(w, "input", i, "sha256", in->sha256);
			snprintf(t, sizeof(t), "%" PRId64, in->bytes);
			prop_indexed(w, "input", i, "bytes", t);
			prop_indexed(w, "input", i, "upstream_time", in->upstream_time);
		}
		prop(w, "airlock:namespace", r->match->namespace);
		prop(w, "airlock:coverage", r->match->coverage);
		prop_int(w, "airlock:not_assessed", (long long)r->match->nnot_assessed);
		prop(w, "airlock:verdict", report_verdict_name(report_verdict(r)));
		jw_close(w, ']');
	}
	jw_close(w, '}');
}

static void
cdx_components(struct jw *w, const struct report *r, char **refs)
{
	const struct osinfo *os = r->os;
	struct sb purl = SB_INIT;
	size_t i;

	jw_arr(w, "components");
	if (os->id) {
		jw_obj(w, NULL);
		jw_str(w, "type", "operating-system");
		jw_str(w, "bom-ref", "os");
		jw_str(w, "name", os->id);
		opt_str(w, "version", os->version_id);
		opt_str(w, "description", os->pretty_name);
		jw_close(w, '}');
	}
	for (i = 0; i < r->pkgs->n; i++) {
		const struct pkg *p = &r->pkgs->v[i];

		sb_reset(&purl);
		report_purl(r, p, &purl);
		jw_obj(w, NULL);
		jw_str(w, "type", "library");
		jw_str(w, "bom-ref", refs[i]);
		jw_str(w, "name", p->name);
		jw_str(w, "version", p->version);
		jw_str(w, "purl", sb_str(&purl));
		jw_arr(w, "properties");
		prop(w, "airlock:ecosystem", p->ecosystem);
		prop(w, "airlock:arch", p->arch);
		prop(w, "airlock:source_name", p->source_name);
		prop(w, "airlock:source_version", p->source_version);
		if (p->layer >= 0) {
			prop_int(w, "airlock:layer", p->layer);
			if ((size_t)p->layer < r->img->nlayers)
				prop(w, "airlock:layer_digest", r->img->layers[p->layer].digest);
		}
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	sb_free(&purl);
}

static void
cdx_dependencies(struct jw *w, const struct report *r, char **refs)
{
	size_t i;

	jw_arr(w, "dependencies");
	jw_obj(w, NULL);
	jw_str(w, "ref", "image");
	jw_arr(w, "dependsOn");
	if (r->os->id)
		jw_str(w, NULL, "os");
	for (i = 0; i < r->pkgs->n; i++)
		jw_str(w, NULL, refs[i]);
	jw_close(w, ']');
	jw_close(w, '}');
	jw_close(w, ']');
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Findings that become one vulnerability entry compare equal. */
static int
group_cmp(const struct finding *a, const struct finding *b)
{
	int d;

	if ((d = strcmp(a->vuln_id, b->vuln_id)) != 0 ||
	    (d = strcmp(a->source, b->source)) != 0 ||
	    (d = strcmp(a->source_package, b->source_package)) != 0 ||
	    (d = strcmp(a->status, b->status)) != 0 ||
	    (d = strcmp_null(a->fixed_version, b->fixed_version)) != 0 ||
	    (d = strcmp(a->severity, b->severity)) != 0)
		return d;
	return strcmp_null(a->record, b->record);	/* its airlock:record property */
}

struct order {
	const struct finding *f;
	struct report_decision d;
	size_t i;	/* position in the findings: ties keep it */
};

/* Same group: same vulnerability entry, same policy decision and waiver. */
static int
order_group_cmp(const struct order *a, const struct order *b)
{
	int d;

	if ((d = group_cmp(a->f, b->f)) != 0 ||
	    (d = strcmp(a->d.decision, b->d.decision)) != 0 ||
	    (d = strcmp_null(a->d.reason, b->d.reason)) != 0 ||
	    (d = strcmp_null(a->d.owner, b->d.owner)) != 0)
		return d;
	return strcmp_null(a->d.expires, b->d.expires);
}

static int
order_cmp(const void *va, const void *vb)
{
	const struct order *a = va, *b = vb;
	int d;

	if ((d = order_group_cmp(a, b)) != 0)
		return d;
	return a->i < b->i ? -1 : a->i > b->i;
}

static int
size_cmp(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;

	return a < b ? -1 : a > b;
}

static const char *
cdx_severity(const char *s)
{
	static const char *const same[] = { "critical", "high", "medium", "low" };
	size_t i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (strcmp(s, same[i]) == 0)
			return same[i];
	if (strcmp(s, "negligible") == 0)
		return "info";
	return "unknown";
}

/* One vulnerability from the findings o[0..n) (one group). */
static void
cdx_vulnerability(struct jw *w, const struct report *r, char **refs,
    const struct order *o, size_t n)
{
	const struct finding *f = o[0].f;
	const int unknown = strcmp(f->status, "unknown") == 0;
	size_t *pk = NULL, npk = 0, i, j, first, cnt;
	struct sb rec = SB_INIT;

	for (i = 0; i < n; i++) {
		cnt = report_finding_pkgs(r, o[i].f, &first);
		pk = xreallocarray(pk, npk + cnt + 1, sizeof(*pk));
		for (j = 0; j < cnt; j++)
			pk[npk++] = first + j;
	}
	qsort(pk, npk, sizeof(*pk), size_cmp);

	jw_obj(w, NULL);
	jw_str(w, "id", f->vuln_id);
	jw_obj(w, "source");
	jw_str(w, "name", f->source);
	jw_close(w, '}');
	jw_arr(w, "ratings");
	jw_obj(w, NULL);
	jw_obj(w, "source");
	jw_str(w, "name", f->source);
	jw_close(w, '}');
	jw_str(w, "severity", cdx_severity(f->severity));
	jw_close(w, '}');
	jw_close(w, ']');
	opt_str(w, "description", f->description);
	if (f->fixed_version) {
		sb_addf(&rec, "Upgrade source package %s to %s or later", f->source_package,
		    f->fixed_version);
		jw_str(w, "recommendation", sb_str(&rec));
	}
	jw_obj(w, "analysis");
	jw_str(w, "state", unknown ? "in_triage" : "exploitable");
	if (strcmp(f->status, "fixed") == 0 || strcmp(f->status, "wont-fix") == 0) {
		jw_arr(w, "response");
		jw_str(w, NULL, strcmp(f->status, "fixed") == 0 ? "update" : "will_not_fix");
		jw_close(w, ']');
	}
	opt_str(w, "detail", f->note);
	jw_close(w, '}');
	jw_arr(w, "affects");
	for (i = 0; i < npk; i++) {
		if (i > 0 && pk[i] == pk[i - 1])
			continue;	/* two findings on one package (multi-arch twins) */
		jw_obj(w, NULL);
		jw_str(w, "ref", refs[pk[i]]);
		jw_arr(w, "versions");
		jw_obj(w, NULL);
		jw_str(w, "version", r->pkgs->v[pk[i]].version);
		jw_str(w, "status", unknown ? "unknown" : "affected");
		jw_close(w, '}');
		jw_close(w, ']');
		jw_close(w, '}');
	}
	jw_close(w, ']');
	jw_arr(w, "properties");
	prop(w, "airlock:status", f->status);
	prop(w, "airlock:severity", f->severity);
	prop(w, "airlock:fixed_version", f->fixed_version);
	prop(w, "airlock:source_package", f->source_package);
	prop(w, "airlock:namespace", f->namespace);
	prop(w, "airlock:vendor_status", f->vendor_status);
	prop(w, "airlock:vendor_severity", f->vendor_severity);
	prop(w, "airlock:record", f->record);
	prop(w, "airlock:comparison", f->comparison);
	prop(w, "airlock:decision", o[0].d.decision);
	prop(w, "airlock:waiver:reason", o[0].d.reason);
	prop(w, "airlock:waiver:owner", o[0].d.owner);
	prop(w, "airlock:waiver:expires", o[0].d.expires);
	jw_close(w, ']');
	jw_close(w, '}');
	sb_free(&rec);
	free(pk);
}

static void
cdx_vulnerabilities(struct jw *w, const struct report *r, char **refs)
{
	const struct match_result *m = r->match;
	struct order *o = xcalloc(m->nfindings ? m->nfindings : 1, sizeof(*o));
	size_t i, j;

	for (i = 0; i < m->nfindings; i++) {
		o[i].f = &m->findings[i];
		report_decision(r, i, &o[i].d);
		o[i].i = i;
	}
	qsort(o, m->nfindings, sizeof(*o), order_cmp);
	jw_arr(w, "vulnerabilities");
	for (i = 0; i < m->nfindings; i = j) {
		for (j = i + 1; j < m->nfindings && order_group_cmp(&o[i], &o[j]) == 0; j++)
			;
		cdx_vulnerability(w, r, refs, &o[i], j - i);
	}
	jw_close(w, ']');
	free(o);
}

static void
cdx_document(const struct report *r, struct sb *out)
{
	struct jw w = JW_INIT(out);
	char **refs = bom_refs(r);

	jw_obj(&w, NULL);
	jw_str(&w, "$schema", "http://cyclonedx.org/schema/bom-1.5.schema.json");
	jw_str(&w, "bomFormat", "CycloneDX");
	jw_str(&w, "specVersion", "1.5");
	jw_int(&w, "version", 1);
	cdx_metadata(&w, r);
	cdx_components(&w, r, refs);
	cdx_dependencies(&w, r, refs);
	if (r->match)
		cdx_vulnerabilities(&w, r, refs);
	jw_close(&w, '}');
	sb_addc(out, '\n');
	refs_free(refs, r->pkgs->n);
}

void
report_cyclonedx_scan(const struct report *r, struct sb *out)
{
	cdx_document(r, out);
}

void
report_cyclonedx_packages(const struct report *r, struct sb *out)
{
	cdx_document(r, out);
}
