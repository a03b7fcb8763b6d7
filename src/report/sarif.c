/*
 * sarif.c - the scan as SARIF 2.1.0, for code-scanning dashboards.
 *
 * One run. tool.driver.rules has one rule per vulnerability id (sorted by id):
 * its level is that of its most severe finding, its description the feed's.
 * One result per finding (the JSON report's order): ruleId/ruleIndex, a level
 * from the severity (critical, high -> error; medium, unknown -> warning; low,
 * negligible -> note), a message, and one location per installed copy of the
 * package: the package database in the image (var/lib/dpkg/status ...,
 * relative to the uriBaseId IMAGEROOT, the image's final filesystem) with the
 * lines of the package's stanza when it is a dpkg database, and a logical
 * location naming the package (fullyQualifiedName: its purl). The result's
 * properties carry the JSON report's finding keys (status, fixed_version,
 * installed_version, layer ...) and the policy's decision (fail, pass, waived);
 * a waived finding also gets an accepted external suppression whose
 * justification names the waiver's reason, owner and expiry. What was not
 * assessed becomes a warning notification of the invocation; image, bundle and
 * verdict are the run's properties. The bundle's are the JSON report's: serial,
 * times, key id, the feeds with their records, the manifest's inputs with their
 * sha256, and the trust overrides (expired, downgrade, downgraded_from), which
 * also become warning configuration notifications of the invocation
 * (airlock/bundle-expired, airlock/bundle-downgrade). Deterministic apart from
 * invocations[0].endTimeUtc.
 */
#include "config.h"

#include <inttypes.h>
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

#define SARIF_STANZAS_MAX 100000	/* dpkg stanzas indexed for regions; past it: no region */
#define SARIF_SHORT_MAX 200		/* bytes of a description in shortDescription */

#define SARIF_SCHEMA \
	"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* Where a package's database entry is: a dpkg stanza, by file and lines. */
struct stanza {
	const char *path;
	const char *name, *version, *arch;	/* into the file's bytes, not terminated */
	size_t name_len, version_len, arch_len;
	size_t first, last;			/* 1-based lines */
};

struct stanzas {
	struct stanza *v;
	size_t n;
};

struct rule {
	const char *id;
	const char *description;	/* of its first finding that has one */
	int rank;			/* highest match_severity_rank() of its findings */
	const char *severity;
};

/* "Key: value" on line p[0..len): the trimmed value, or NULL. */
static const char *
field(const char *p, size_t len, const char *key, size_t *vlen)
{
	size_t k = strlen(key), i;

	if (len <= k || memcmp(p, key, k) != 0 || p[k] != ':')
		return NULL;
	for (i = k + 1; i < len && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	while (len > i && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	*vlen = len - i;
	return p + i;
}

/* Indexes the stanzas of a dpkg status file (already parsed once by pkgdb). */
static void
index_dpkg(const struct image_file *f, struct stanzas *st)
{
	const char *p = (const char *)f->data, *end = p + f->len, *nl, *v;
	struct stanza cur;
	size_t line = 1, len, vlen;
	int in = 0;

	memset(&cur, 0, sizeof(cur));
	for (; p < end; p = nl ? nl + 1 : end, line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		len = (size_t)((nl ? nl : end) - p);
		if (len == 0 || (len == 1 && p[0] == '\r')) {
			if (in && cur.name && st->n < SARIF_STANZAS_MAX) {
				st->v = xreallocarray(st->v, st->n + 1, sizeof(*st->v));
				st->v[st->n++] = cur;
			}
			in = 0;
			continue;
		}
		if (!in) {
			memset(&cur, 0, sizeof(cur));
			cur.path = f->path;
			cur.first = line;
			in = 1;
		}
		cur.last = line;
		if ((v = field(p, len, "Package", &vlen)) != NULL) {
			cur.name = v;
			cur.name_len = vlen;
		} else if ((v = field(p, len, "Version", &vlen)) != NULL) {
			cur.version = v;
			cur.version_len = vlen;
		} else if ((v = field(p, len, "Architecture", &vlen)) != NULL) {
			cur.arch = v;
			cur.arch_len = vlen;
		}
	}
	if (in && cur.name && st->n < SARIF_STANZAS_MAX) {
		st->v = xreallocarray(st->v, st->n + 1, sizeof(*st->v));
		st->v[st->n++] = cur;
	}
}

static void
index_image(const struct image *img, struct stanzas *st)
{
	const struct image_file *f;
	size_t i, n, first;

	if ((f = image_file(img, "var/lib/dpkg/status")) != NULL)
		index_dpkg(f, st);
	n = image_dir(img, "var/lib/dpkg/status.d/", &first);
	for (i = 0; i < n; i++)
		index_dpkg(&img->files[first + i], st);
}

static int
span_eq(const char *s, size_t len, const char *want)
{
	if (want == NULL)
		return s == NULL;
	return s != NULL && strlen(want) == len && memcmp(s, want, len) == 0;
}

static const struct stanza *
stanza_find(const struct stanzas *st, const struct pkg *p)
{
	size_t i;

	for (i = 0; i < st->n; i++)
		if (span_eq(st->v[i].name, st->v[i].name_len, p->name) &&
		    span_eq(st->v[i].version, st->v[i].version_len, p->version) &&
		    (p->arch == NULL || span_eq(st->v[i].arch, st->v[i].arch_len, p->arch)))
			return &st->v[i];
	return NULL;
}

/* The package database an ecosystem's packages are read from, as in the image. */
static const char *
db_path(const struct image *img, const char *ecosystem)
{
	static const char *const rpm[] = {
		"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite",
		"var/lib/rpm/Packages.db", "var/lib/rpm/Packages",
	};
	size_t i;

	if (strcmp(ecosystem, "apk") == 0)
		return "lib/apk/db/installed";
	if (strcmp(ecosystem, "rpm") == 0) {
		for (i = 0; i < sizeof(rpm) / sizeof(rpm[0]); i++)
			if (image_file(img, rpm[i]) != NULL)
				return rpm[i];
		return rpm[0];
	}
	return "var/lib/dpkg/status";
}

/* A relative URI reference for an image path: percent-encoded but for '/'. */
static void
uri_path(struct sb *out, const char *path)
{
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			sb_addc(out, (char)*p);
		else
			sb_addf(out, "%%%02X", *p);
	}
}

static const char *
level(const char *severity)
{
	int rank = match_severity_rank(severity);

	if (rank >= 4)		/* critical, high */
		return "error";
	if (rank == 3 || rank == 0)	/* medium, unknown */
		return "warning";
	return "note";
}

/* GitHub's numeric security-severity, inside its bands; NULL for unknown. */
static const char *
security_severity(const char *severity)
{
	static const struct {
		const char *name, *score;
	} scores[] = {
		{ "critical", "9.5" }, { "high", "8.0" }, { "medium", "5.5" },
		{ "low", "2.0" }, { "negligible", "0.5" },
	};
	size_t i;

	for (i = 0; i < sizeof(scores) / sizeof(scores[0]); i++)
		if (strcmp(severity, scores[i].name) == 0)
			return scores[i].score;
	return NULL;
}

static void
opt_str(struct jw *w, const char *k, const char *v)
{
	if (v != NULL)
		jw_str(w, k, v);
}

static void
message(struct jw *w, const char *k, const char *text)
{
	jw_obj(w, k);
	jw_str(w, "text", text);
	jw_close(w, '}');
}

static int
rule_cmp(const void *va, const void *vb)
{
	const struct rule *a = va, *b = vb;

	return strcmp(a->id, b->id);
}

/* One rule per vulnerability id, sorted by id. Caller frees *rules. */
static size_t
rules_collect(const struct match_result *m, struct rule **rules)
{
	struct rule *v = xcalloc(m->nfindings ? m->nfindings : 1, sizeof(*v)), key, *hit;
	size_t i, k, n = 0;

	for (i = 0; i < m->nfindings; i++) {
		v[n].id = m->findings[i].vuln_id;
		v[n].rank = -1;
		n++;
	}
	qsort(v, n, sizeof(*v), rule_cmp);
	for (i = k = 0; i < n; i++)	/* drop repeats */
		if (k == 0 || strcmp(v[k - 1].id, v[i].id) != 0)
			v[k++] = v[i];
	n = k;
	for (i = 0; i < m->nfindings; i++) {
		const struct finding *f = &m->findings[i];

		key.id = f->vuln_id;
		hit = bsearch(&key, v, n, sizeof(*v), rule_cmp);
		if (hit->rank < match_severity_rank(f->severity)) {
			hit->rank = match_severity_rank(f->severity);
			hit->severity = f->severity;
		}
		if (hit->description == NULL)
			hit->description = f->description;
	}
	*rules = v;
	return n;
}

static void
sarif_rule(struct jw *w, const struct rule *ru)
{
	struct sb b = SB_INIT;
	size_t len;

	jw_obj(w, NULL);
	jw_str(w, "id", ru->id);
	if (ru->description) {
		/* the first line, cut at a character boundary */
		len = strcspn(ru->description, "\n");
		if (len > SARIF_SHORT_MAX) {
			len = SARIF_SHORT_MAX;
			while (len > 0 && ((unsigned char)ru->description[len] & 0xc0) == 0x80)
				len--;
		}
		sb_add(&b, ru->description, len);
		if (ru->description[len] != '\0')
			sb_adds(&b, "...");
		message(w, "shortDescription", sb_str(&b));
		message(w, "fullDescription", ru->description);
	} else
		message(w, "shortDescription", ru->id);
	jw_obj(w, "defaultConfiguration");
	jw_str(w, "level", level(ru->severity));
	jw_close(w, '}');
	jw_obj(w, "properties");
	jw_arr(w, "tags");
	jw_str(w, NULL, "security");
	jw_str(w, NULL, "vulnerability");
	jw_close(w, ']');
	jw_str(w, "severity", ru->severity);
	opt_str(w, "security-severity", security_severity(ru->severity));
	jw_close(w, '}');
	jw_close(w, '}');
	sb_free(&b);
}

static void
sarif_location(struct jw *w, const struct report *r, const struct stanzas *st,
    const struct finding *f, const struct pkg *p)
{
	const struct stanza *s = NULL;
	struct sb b = SB_INIT;

	if (p != NULL && strcmp(p->ecosystem, "deb") == 0)
		s = stanza_find(st, p);
	jw_obj(w, NULL);
	jw_obj(w, "physicalLocation");
	jw_obj(w, "artifactLocation");
	uri_path(&b, s ? s->path : db_path(r->img, p ? p->ecosystem : f->ecosystem));
	jw_str(w, "uri", sb_str(&b));
	jw_str(w, "uriBaseId", "IMAGEROOT");
	jw_close(w, '}');
	if (s != NULL) {
		jw_obj(w, "region");
		jw_int(w, "startLine", (int64_t)s->first);
		jw_int(w, "endLine", (int64_t)s->last);
		jw_close(w, '}');
	}
	jw_close(w, '}');
	jw_arr(w, "logicalLocations");
	jw_obj(w, NULL);
	jw_str(w, "name", f->package);
	if (p != NULL) {
		sb_reset(&b);
		report_purl(r, p, &b);
		jw_str(w, "fullyQualifiedName", sb_str(&b));
	}
	jw_str(w, "kind", "module");
	jw_close(w, '}');
	jw_close(w, ']');
	jw_close(w, '}');
	sb_free(&b);
}

static void
sarif_result(struct jw *w, const struct report *r, const struct stanzas *st,
    const struct rule *rules, size_t nrules, size_t index)
{
	const struct finding *f = &r->match->findings[index];
	const struct image *img = r->img;
	struct report_decision d;
	struct rule key, *hit;
	struct sb b = SB_INIT;
	size_t i, n, first;

	key.id = f->vuln_id;
	hit = bsearch(&key, rules, nrules, sizeof(*rules), rule_cmp);
	jw_obj(w, NULL);
	jw_str(w, "ruleId", f->vuln_id);
	jw_int(w, "ruleIndex", (int64_t)(hit - rules));
	jw_str(w, "level", level(f->severity));
	sb_addf(&b, "%s %s is affected by %s (source package %s %s): ", f->package,
	    f->installed_version, f->vuln_id, f->source_package, f->source_version);
	if (strcmp(f->status, "fixed") == 0)
		sb_addf(&b, "fixed in %s", f->fixed_version ? f->fixed_version : "?");
	else if (strcmp(f->status, "unfixed") == 0)
		sb_adds(&b, "no fix yet");
	else if (strcmp(f->status, "wont-fix") == 0)
		sb_adds(&b, "the vendor will not fix it");
	else
		sb_adds(&b, "the vendor has not determined it");
	sb_addf(&b, "; severity %s (%s).", f->severity, f->source);
	message(w, "message", sb_str(&b));
	jw_arr(w, "locations");
	n = report_finding_pkgs(r, f, &first);
	for (i = 0; i < n; i++)
		sarif_location(w, r, st, f, &r->pkgs->v[first + i]);
	if (n == 0)
		sarif_location(w, r, st, f, NULL);
	jw_close(w, ']');
	jw_obj(w, "partialFingerprints");
	sb_reset(&b);
	sb_addf(&b, "%s:%s", f->vuln_id, f->package);
	jw_str(w, "airlockFinding/v1", sb_str(&b));
	jw_close(w, '}');
	report_decision(r, index, &d);
	if (strcmp(d.decision, "waived") == 0) {
		sb_reset(&b);
		sb_addf(&b, "%s (owner %s, expires %s)", d.reason ? d.reason : "?",
		    d.owner ? d.owner : "?", d.expires ? d.expires : "?");
		jw_arr(w, "suppressions");
		jw_obj(w, NULL);
		jw_str(w, "kind", "external");
		jw_str(w, "status", "accepted");
		jw_str(w, "justification", sb_str(&b));
		jw_close(w, '}');
		jw_close(w, ']');
	}
	jw_obj(w, "properties");
	jw_str(w, "package", f->package);
	jw_str(w, "installed_version", f->installed_version);
	jw_str(w, "fixed_version", f->fixed_version);
	jw_str(w, "status", f->status);
	jw_str(w, "severity", f->severity);
	jw_str(w, "source", f->source);
	jw_str(w, "ecosystem", f->ecosystem);
	jw_str(w, "source_package", f->source_package);
	jw_str(w, "source_version", f->source_version);
	jw_str(w, "namespace", f->namespace);
	jw_str(w, "vendor_status", f->vendor_status);
	jw_str(w, "vendor_severity", f->vendor_severity);
	jw_str(w, "note", f->note);
	jw_str(w, "record", f->record);
	jw_str(w, "comparison", f->comparison);
	jw_int(w, "layer", f->layer);
	jw_str(w, "layer_digest", f->layer >= 0 && (size_t)f->layer < img->nlayers ?
	    img->layers[f->layer].digest : NULL);
	jw_str(w, "decision", d.decision);
	jw_str(w, "decision_reason", d.why);
	jw_close(w, '}');
	jw_close(w, '}');
	sb_free(&b);
}

/* A warning notification of the invocation's configuration. */
static void
config_warning(struct jw *w, const char *id, const char *text)
{
	jw_obj(w, NULL);
	jw_obj(w, "descriptor");
	jw_str(w, "id", id);
	jw_close(w, '}');
	jw_str(w, "level", "warning");
	message(w, "message", text);
	jw_close(w, '}');
}

/* The trust overrides this run accepted the bundle with, stated as warnings. */
static void
sarif_overrides(struct jw *w, const struct report *r)
{
	const struct bundle_meta *meta = r->meta;
	struct sb b = SB_INIT;
	char t[32];

	if (!meta->expired && !meta->downgrade)
		return;
	jw_arr(w, "toolConfigurationNotifications");
	if (meta->expired) {
		report_iso8601(meta->expires, t);
		sb_addf(&b, "the bundle (serial %" PRIu64 ") expired on %s and was used "
		    "with --allow-expired", meta->serial, t);
		config_warning(w, "airlock/bundle-expired", sb_str(&b));
	}
	if (meta->downgrade) {
		sb_reset(&b);
		sb_addf(&b, "the bundle (serial %" PRIu64 ") is older than the installed "
		    "serial %" PRIu64 " and was used with --allow-downgrade", meta->serial,
		    meta->downgraded_from);
		config_warning(w, "airlock/bundle-downgrade", sb_str(&b));
	}
	jw_close(w, ']');
	sb_free(&b);
}

static void
sarif_run_properties(struct jw *w, const struct report *r)
{
	const struct bundle_meta *meta = r->meta;
	const struct image *img = r->img;
	char t[32];
	size_t i;

	jw_obj(w, "properties");
	jw_obj(w, "image");
	jw_str(w, "path", r->image_path);
	jw_str(w, "archive_sha256", img->archive_sha256);
	jw_str(w, "config_digest", img->config_digest);
	jw_arr(w, "tags");
	for (i = 0; img->tags && img->tags[i]; i++)
		jw_str(w, NULL, img->tags[i]);
	jw_close(w, ']');
	jw_close(w, '}');
	jw_obj(w, "os");
	jw_str(w, "id", r->os->id);
	jw_str(w, "version_id", r->os->version_id);
	jw_str(w, "codename", r->os->codename);
	jw_str(w, "pretty_name", r->os->pretty_name);
	jw_close(w, '}');
	jw_obj(w, "bundle");
	jw_str(w, "path", r->bundle_path);
	jw_int(w, "serial", (int64_t)meta->serial);
	report_iso8601(meta->created, t);
	jw_str(w, "created", t);
	report_iso8601(meta->expires, t);
	jw_str(w, "expires", t);
	jw_str(w, "key_id", meta->keyid);
	jw_arr(w, "sources");
	for (i = 0; i < r->nsources; i++)
		jw_str(w, NULL, r->sources[i].name);
	jw_close(w, ']');
	jw_int(w, "format", meta->format);
	/* trust overrides are part of the evidence, never silent */
	jw_bool(w, "expired", meta->expired);
	jw_bool(w, "downgrade", meta->downgrade);
	if (meta->downgrade)
		jw_int(w, "downgraded_from", (int64_t)meta->downgraded_from);
	else
		jw_str(w, "downgraded_from", NULL);
	jw_arr(w, "feeds");
	for (i = 0; i < r->nsources; i++) {
		jw_obj(w, NULL);
		jw_str(w, "name", r->sources[i].name);
		jw_str(w, "format", r->sources[i].format);
		jw_str(w, "parser_version", r->sources[i].parser_version);
		jw_int(w, "records", r->sources[i].records);
		jw_close(w, '}');
	}
	jw_close(w, ']');
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
	jw_str(w, "namespace", r->match->namespace);
	jw_str(w, "coverage", r->match->coverage);
	jw_int(w, "not_assessed", (int64_t)r->match->nnot_assessed);
	jw_str(w, "verdict", report_verdict_name(report_verdict(r)));
	jw_close(w, '}');
}

void
report_sarif_scan(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	const char *tag = r->img->tags && r->img->tags[0] ? r->img->tags[0] : r->image_path;
	struct jw w = JW_INIT(out);
	struct stanzas st = { NULL, 0 };
	struct rule *rules = NULL;
	struct sb b = SB_INIT;
	size_t i, nrules;
	char now[32];

	report_iso8601(r->now, now);
	index_image(r->img, &st);
	nrules = rules_collect(m, &rules);

	jw_obj(&w, NULL);
	jw_str(&w, "$schema", SARIF_SCHEMA);
	jw_str(&w, "version", "2.1.0");
	jw_arr(&w, "runs");
	jw_obj(&w, NULL);
	jw_obj(&w, "tool");
	jw_obj(&w, "driver");
	jw_str(&w, "name", PACKAGE_NAME);
	jw_str(&w, "version", PACKAGE_VERSION);
	jw_arr(&w, "rules");
	for (i = 0; i < nrules; i++)
		sarif_rule(&w, &rules[i]);
	jw_close(&w, ']');
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_obj(&w, "originalUriBaseIds");
	jw_obj(&w, "IMAGEROOT");
	sb_addf(&b, "The final filesystem of the image %s (archive sha256 %s)", tag,
	    r->img->archive_sha256 ? r->img->archive_sha256 : "unknown");
	message(&w, "description", sb_str(&b));
	jw_close(&w, '}');
	jw_close(&w, '}');
	jw_arr(&w, "invocations");
	jw_obj(&w, NULL);
	jw_bool(&w, "executionSuccessful", 1);
	jw_str(&w, "endTimeUtc", now);
	if (m->nnot_assessed > 0) {
		jw_arr(&w, "toolExecutionNotifications");
		for (i = 0; i < m->nnot_assessed; i++) {
			const struct not_assessed *na = &m->not_assessed[i];

			sb_reset(&b);
			sb_addf(&b, "not assessed: %s %s%s%s: %s", na->kind, na->name,
			    na->version ? " " : "", na->version ? na->version : "", na->reason);
			jw_obj(&w, NULL);
			jw_str(&w, "level", "warning");
			message(&w, "message", sb_str(&b));
			jw_close(&w, '}');
		}
		jw_close(&w, ']');
	}
	sarif_overrides(&w, r);
	jw_close(&w, '}');
	jw_close(&w, ']');
	jw_arr(&w, "results");
	for (i = 0; i < m->nfindings; i++)
		sarif_result(&w, r, &st, rules, nrules, i);
	jw_close(&w, ']');
	sarif_run_properties(&w, r);
	jw_close(&w, '}');
	jw_close(&w, ']');
	jw_close(&w, '}');
	sb_addc(out, '\n');
	sb_free(&b);
	free(rules);
	free(st.v);
}
