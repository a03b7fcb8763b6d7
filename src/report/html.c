/*
 * html.c - the scan as one self-contained HTML page an auditor opens offline.
 *
 * Everything is in the file: inline CSS and one inline script, no link, image,
 * font or frame, and a Content-Security-Policy (default-src 'none'; the style
 * and the script allowed by their sha256) so that nothing can be fetched even
 * if a value slipped through. Every value from the image, the bundle or the
 * feeds is HTML-escaped (report_xml_escape); the script reads data only from
 * the DOM and never writes markup.
 *
 * Sections: verdict and summary (counts by decision, status and severity),
 * findings table (severity, vulnerability, package, installed, fixed, status,
 * the policy's decision, feed evidence, layer) in the JSON report's order,
 * not-assessed list, image layers, bundle provenance (serial, times, key id,
 * the trust overrides, the feeds with their records, the manifest's inputs
 * with their sha256). A bundle used past its expiry (--allow-expired) or below
 * the installed serial (--allow-downgrade) also gets a warning banner
 * (#trust-warning) at the top. The script sorts on a
 * click on a column head and filters by text, status, severity and decision;
 * the initial state can come from the URL fragment (#sort=package&dir=desc&
 * q=openssl&status=fixed&severity=high&decision=fail). When it has
 * initialised, it sets data-airlock-script="ready" on <body>; the findings
 * table gets data-sorted="KEY:asc|desc" after a sort.
 * Deterministic apart from the scan time.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "base/sb.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"
#include "report/report_private.h"

#define HTML_DIGEST_SHORT 19	/* "sha256:" + 12 hex digits shown for a layer */

static const char html_style[] =
	"\n:root{color-scheme:light;--line:#d0d7de;--muted:#57606a;--head:#f6f8fa}\n"
	"body{font:14px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;"
	"margin:0 auto;max-width:1400px;padding:16px 24px;color:#1f2328;background:#fff}\n"
	"h1{font-size:22px;margin:0 0 8px}\n"
	"h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);"
	"padding-bottom:4px}\n"
	"table{border-collapse:collapse;width:100%}\n"
	"th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;"
	"vertical-align:top}\n"
	"th{background:var(--head)}\n"
	"table.kv{width:auto}\n"
	"table.kv th{min-width:12em;font-weight:600}\n"
	"#findings-table thead th{cursor:pointer;user-select:none;white-space:nowrap;"
	"position:sticky;top:0}\n"
	"#findings-table thead th[aria-sort=ascending]::after{content:\" \\25B2\"}\n"
	"#findings-table thead th[aria-sort=descending]::after{content:\" \\25BC\"}\n"
	"code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;"
	"font-size:12.5px;word-break:break-all}\n"
	".badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;"
	"font-weight:600;color:#fff;white-space:nowrap}\n"
	".sev-critical{background:#82071e}.sev-high{background:#cf222e}"
	".sev-medium{background:#9a6700}.sev-low{background:#0969da}"
	".sev-negligible{background:#6e7781}.sev-unknown{background:#57606a}\n"
	".verdict{display:inline-block;padding:4px 12px;border-radius:6px;font-weight:700;"
	"color:#fff;text-transform:uppercase}\n"
	".verdict-pass{background:#1a7f37}.verdict-fail{background:#cf222e}"
	".verdict-incomplete{background:#9a6700}\n"
	".banner{border:2px solid #cf222e;border-radius:6px;background:#ffebe9;color:#82071e;"
	"padding:8px 14px;margin:12px 0;font-weight:600}\n"
	".banner p{margin:4px 0}\n"
	".controls{display:flex;gap:16px;flex-wrap:wrap;align-items:center;margin:8px 0}\n"
	".stats{display:flex;gap:8px;flex-wrap:wrap;margin:12px 0}\n"
	".stat{border:1px solid var(--line);border-radius:6px;padding:4px 10px;min-width:5em}\n"
	".stat b{display:block;font-size:18px}\n"
	".stat span{color:var(--muted);font-size:12px}\n"
	".dec{font-weight:700}.dec-fail{color:#cf222e}.dec-pass{color:#1a7f37}"
	".dec-waived{color:#9a6700}\n"
	".muted,details summary{color:var(--muted)}\n"
	"details summary{cursor:pointer}\n"
	".evidence div{margin:0}\n"
	"td.nw code{white-space:nowrap;word-break:normal}\n"
	"td.layer code{display:block}\n"
	"footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
	"@media print{.controls{display:none}#findings-table thead th{position:static}}\n";

/* No "//" anywhere in here: the tests grep the page for it. */
static const char html_script[] =
	"\n(function () {\n"
	"  \"use strict\";\n"
	"  var table = document.getElementById(\"findings-table\");\n"
	"  function ready() { document.body.setAttribute(\"data-airlock-script\", \"ready\"); }\n"
	"  if (!table) { ready(); return; }\n"
	"  var tbody = table.tBodies[0];\n"
	"  var rows = Array.prototype.slice.call(tbody.rows);\n"
	"  var heads = table.tHead.rows[0].cells;\n"
	"  var q = document.getElementById(\"q\");\n"
	"  var st = document.getElementById(\"status\");\n"
	"  var sv = document.getElementById(\"severity\");\n"
	"  var dc = document.getElementById(\"decision\");\n"
	"  var shown = document.getElementById(\"shown\");\n"
	"  var current = -1, dir = 1;\n"
	"  function key(row, i, numeric) {\n"
	"    var c = row.cells[i], v = c.getAttribute(\"data-sort\");\n"
	"    if (v === null) { v = c.textContent; }\n"
	"    if (numeric) { v = parseFloat(v); return isNaN(v) ? -1 : v; }\n"
	"    return v.toLowerCase();\n"
	"  }\n"
	"  function sortBy(i, d) {\n"
	"    var numeric = heads[i].getAttribute(\"data-type\") === \"number\";\n"
	"    var keyed = rows.map(function (r, n) { return [key(r, i, numeric), n, r]; });\n"
	"    keyed.sort(function (a, b) {\n"
	"      if (a[0] < b[0]) { return -d; }\n"
	"      if (a[0] > b[0]) { return d; }\n"
	"      return a[1] - b[1];\n"
	"    });\n"
	"    keyed.forEach(function (k) { tbody.appendChild(k[2]); });\n"
	"    for (var j = 0; j < heads.length; j++) { heads[j].removeAttribute(\"aria-sort\"); }\n"
	"    heads[i].setAttribute(\"aria-sort\", d > 0 ? \"ascending\" : \"descending\");\n"
	"    table.setAttribute(\"data-sorted\", heads[i].getAttribute(\"data-key\") + \":\" +\n"
	"      (d > 0 ? \"asc\" : \"desc\"));\n"
	"    current = i; dir = d;\n"
	"  }\n"
	"  function filter() {\n"
	"    var text = q.value.toLowerCase(), s = st.value, v = sv.value, c = dc.value;\n"
	"    var n = 0;\n"
	"    rows.forEach(function (r) {\n"
	"      var ok = (!text || r.textContent.toLowerCase().indexOf(text) >= 0) &&\n"
	"        (!s || r.getAttribute(\"data-status\") === s) &&\n"
	"        (!v || r.getAttribute(\"data-severity\") === v) &&\n"
	"        (!c || r.getAttribute(\"data-decision\") === c);\n"
	"      r.hidden = !ok;\n"
	"      if (ok) { n++; }\n"
	"    });\n"
	"    shown.textContent = n + \" of \" + rows.length + \" shown\";\n"
	"  }\n"
	"  Array.prototype.forEach.call(heads, function (h, i) {\n"
	"    function go() { sortBy(i, current === i ? -dir : 1); }\n"
	"    h.tabIndex = 0;\n"
	"    h.addEventListener(\"click\", go);\n"
	"    h.addEventListener(\"keydown\", function (e) {\n"
	"      if (e.key === \"Enter\" || e.key === \" \") { e.preventDefault(); go(); }\n"
	"    });\n"
	"  });\n"
	"  [q, st, sv, dc].forEach(function (el) { el.addEventListener(\"input\", filter); });\n"
	"  var p = new URLSearchParams(location.hash.replace(/^#/, \"\"));\n"
	"  if (p.get(\"q\")) { q.value = p.get(\"q\"); }\n"
	"  if (p.get(\"status\")) { st.value = p.get(\"status\"); }\n"
	"  if (p.get(\"severity\")) { sv.value = p.get(\"severity\"); }\n"
	"  if (p.get(\"decision\")) { dc.value = p.get(\"decision\"); }\n"
	"  for (var i = 0; i < heads.length; i++) {\n"
	"    if (heads[i].getAttribute(\"data-key\") === p.get(\"sort\")) {\n"
	"      sortBy(i, p.get(\"dir\") === \"desc\" ? -1 : 1);\n"
	"    }\n"
	"  }\n"
	"  filter();\n"
	"  ready();\n"
	"})();\n";

static const char *const severities[] = {	/* by match_severity_rank() */
	"unknown", "negligible", "low", "medium", "high", "critical",
};
static const char *const statuses[] = { "fixed", "unfixed", "wont-fix", "unknown" };
static const char *const decisions[] = { "fail", "waived", "pass" };

static void
esc(struct sb *out, const char *s)
{
	report_xml_escape(out, s, 1);
}

/* 'sha256-BASE64' of s, for the CSP; "'unsafe-inline'" when libsodium cannot start. */
static void
csp_hash(struct sb *out, const char *s)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES,
	    sodium_base64_VARIANT_ORIGINAL)];

	if (sodium_init() < 0) {
		sb_adds(out, "'unsafe-inline'");
		return;
	}
	crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
	sodium_bin2base64(b64, sizeof(b64), h, sizeof(h), sodium_base64_VARIANT_ORIGINAL);
	sb_addf(out, "'sha256-%s'", b64);
}

static const char *
severity_class(const char *severity)
{
	int rank = match_severity_rank(severity);

	return rank >= 0 && rank <= 5 ? severities[rank] : "unknown";
}

/* A row of a key/value table; NULL values show as a muted dash. */
static void
kv(struct sb *out, const char *label, const char *value, int code)
{
	sb_addf(out, "<tr><th>%s</th><td>", label);
	if (value == NULL)
		sb_adds(out, "<span class=\"muted\">-</span>");
	else {
		sb_adds(out, code ? "<code>" : "");
		esc(out, value);
		sb_adds(out, code ? "</code>" : "");
	}
	sb_adds(out, "</td></tr>\n");
}

static void
kv_int(struct sb *out, const char *label, long long value)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", value);
	kv(out, label, buf, 0);
}

static void
html_head(const struct report *r, struct sb *out)
{
	const char *tag = r->img->tags && r->img->tags[0] ? r->img->tags[0] : r->image_path;

	sb_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	    "style-src ");
	csp_hash(out, html_style);
	sb_adds(out, "; script-src ");
	csp_hash(out, html_script);
	sb_adds(out, "; base-uri 'none'; form-action 'none'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	sb_addf(out, "<meta name=\"generator\" content=\"%s %s\">\n<title>airlock scan: ",
	    PACKAGE_NAME, PACKAGE_VERSION);
	esc(out, tag);
	sb_addf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", html_style);
}

static void
stat(struct sb *out, size_t n, const char *label)
{
	sb_addf(out, "<div class=\"stat\"><b>%zu</b><span>%s</span></div>", n, label);
}

/* The trust overrides this run accepted the bundle with, where nobody can miss them. */
static void
html_banner(const struct report *r, struct sb *out)
{
	const struct bundle_meta *m = r->meta;
	char t[32];

	if (!m->expired && !m->downgrade)
		return;
	sb_adds(out, "<div id=\"trust-warning\" class=\"banner\" role=\"alert\">\n");
	if (m->expired) {
		report_iso8601(m->expires, t);
		sb_addf(out, "<p id=\"warning-expired\">Warning: the bundle (serial %" PRIu64
		    ") expired on %s and was used with --allow-expired. Its vulnerability "
		    "data may be out of date.</p>\n", m->serial, t);
	}
	if (m->downgrade)
		sb_addf(out, "<p id=\"warning-downgrade\">Warning: the bundle (serial %" PRIu64
		    ") is older than the installed serial %" PRIu64 " and was used with "
		    "--allow-downgrade.</p>\n", m->serial, m->downgraded_from);
	sb_adds(out, "</div>\n");
}

static void
html_summary(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	const char *verdict = report_verdict_name(report_verdict(r));
	struct report_decision d;
	size_t i, j, n;
	char now[32], label[48];

	report_iso8601(r->now, now);
	sb_adds(out, "<header>\n<h1>airlock scan report</h1>\n");
	sb_addf(out, "<p>Verdict: <span id=\"verdict\" class=\"verdict verdict-%s\">%s"
	    "</span></p>\n", verdict, verdict);
	html_banner(r, out);
	sb_adds(out, "</header>\n<section id=\"summary\">\n<h2>Summary</h2>\n"
	    "<table class=\"kv\">\n");
	kv(out, "Image", r->image_path, 0);
	for (i = 0; r->img->tags && r->img->tags[i]; i++)
		kv(out, "Tag", r->img->tags[i], 0);
	kv(out, "Operating system", r->os->pretty_name ? r->os->pretty_name : r->os->id, 0);
	kv(out, "Namespace", m->namespace, 0);
	kv(out, "Feed coverage", m->coverage, 0);
	kv(out, "Policy", r->eval && r->eval->policy && r->eval->policy->path ?
	    r->eval->policy->path : "default (any finding fails)", 0);
	kv(out, "Scan time", now, 0);
	sb_adds(out, "</table>\n<div class=\"stats\">");
	stat(out, m->npackages, "packages");
	stat(out, m->nfindings, "findings");
	stat(out, m->nnot_assessed, "not assessed");
	sb_adds(out, "</div>\n<div class=\"stats\">");
	for (j = 0; j < sizeof(decisions) / sizeof(decisions[0]); j++) {
		for (i = n = 0; i < m->nfindings; i++) {
			report_decision(r, i, &d);
			n += strcmp(d.decision, decisions[j]) == 0;
		}
		snprintf(label, sizeof(label), "decision %s", decisions[j]);
		stat(out, n, label);
	}
	sb_adds(out, "</div>\n<div class=\"stats\">");
	for (j = 0; j < sizeof(statuses) / sizeof(statuses[0]); j++) {
		for (i = n = 0; i < m->nfindings; i++)
			n += strcmp(m->findings[i].status, statuses[j]) == 0;
		snprintf(label, sizeof(label), "status %s", statuses[j]);
		stat(out, n, label);
	}
	sb_adds(out, "</div>\n<div class=\"stats\">");
	for (j = sizeof(severities) / sizeof(severities[0]); j-- > 0; ) {
		for (i = n = 0; i < m->nfindings; i++)
			n += strcmp(severity_class(m->findings[i].severity), severities[j]) == 0;
		snprintf(label, sizeof(label), "severity %s", severities[j]);
		stat(out, n, label);
	}
	sb_adds(out, "</div>\n");
	if (m->coverage && strcmp(m->coverage, "fixes-only") == 0)
		sb_adds(out, "<p class=\"muted\">The feeds for this release list fixed "
		    "vulnerabilities only; unfixed ones are not known to them.</p>\n");
	sb_adds(out, "</section>\n");
}

static void
html_finding(const struct report *r, size_t i, struct sb *out)
{
	const struct finding *f = &r->match->findings[i];
	const char *sev = severity_class(f->severity);
	const struct image *img = r->img;
	struct report_decision d;

	report_decision(r, i, &d);
	sb_adds(out, "<tr class=\"finding\" data-status=\"");
	esc(out, f->status);
	sb_addf(out, "\" data-severity=\"%s\" data-decision=\"%s\">", sev, d.decision);
	sb_addf(out, "<td data-sort=\"%d\"><span class=\"badge sev-%s\">%s</span></td>",
	    match_severity_rank(f->severity), sev, sev);
	sb_adds(out, "<td class=\"nw\"><code>");
	esc(out, f->vuln_id);
	sb_adds(out, "</code></td><td>");
	esc(out, f->package);
	sb_adds(out, "</td><td class=\"nw\"><code>");
	esc(out, f->installed_version);
	sb_adds(out, "</code></td><td class=\"nw\">");
	if (f->fixed_version) {
		sb_adds(out, "<code>");
		esc(out, f->fixed_version);
		sb_adds(out, "</code>");
	}
	sb_adds(out, "</td><td>");
	esc(out, f->status);
	sb_addf(out, "</td><td><span class=\"dec dec-%s\">%s</span>", d.decision, d.decision);
	if (d.why) {
		sb_adds(out, "<div>");
		esc(out, d.why);
		sb_adds(out, "</div>");
	}
	if (d.reason || d.owner || d.expires) {
		sb_adds(out, "<div>waiver: ");
		esc(out, d.reason);
		sb_adds(out, " (owner ");
		esc(out, d.owner);
		sb_adds(out, ", expires ");
		esc(out, d.expires);
		sb_adds(out, ")</div>");
	}
	sb_adds(out, "</td><td class=\"evidence\"><div>");
	esc(out, f->source);
	sb_adds(out, ": source package <code>");
	esc(out, f->source_package);
	sb_adds(out, "</code> <code>");
	esc(out, f->source_version);
	sb_adds(out, "</code> in <code>");
	esc(out, f->namespace);
	sb_adds(out, "</code></div>");
	if (f->record) {
		sb_adds(out, "<div>record <code>");
		esc(out, f->record);
		sb_adds(out, "</code>: <code>");
		esc(out, f->comparison);
		sb_adds(out, "</code></div>");
	}
	if (f->vendor_status) {
		sb_adds(out, "<div>vendor status: ");
		esc(out, f->vendor_status);
		sb_adds(out, "</div>");
	}
	if (f->vendor_severity) {
		sb_adds(out, "<div>vendor severity: ");
		esc(out, f->vendor_severity);
		sb_adds(out, "</div>");
	}
	if (f->note) {
		sb_adds(out, "<div>note: ");
		esc(out, f->note);
		sb_adds(out, "</div>");
	}
	if (f->description) {
		sb_adds(out, "<details><summary>description</summary>");
		esc(out, f->description);
		sb_adds(out, "</details>");
	}
	sb_addf(out, "</td><td class=\"layer\" data-sort=\"%d\">", f->layer);
	if (f->layer >= 0 && (size_t)f->layer < img->nlayers) {
		const struct image_layer *l = &img->layers[f->layer];

		sb_addf(out, "%d", f->layer);
		if (l->digest) {
			sb_adds(out, " <code title=\"");
			esc(out, l->digest);
			if (l->created_by) {
				sb_adds(out, "&#10;");
				esc(out, l->created_by);
			}
			sb_adds(out, "\">");
			if (strlen(l->digest) > HTML_DIGEST_SHORT) {
				struct sb cut = SB_INIT;

				sb_add(&cut, l->digest, HTML_DIGEST_SHORT);
				esc(out, sb_str(&cut));
				sb_adds(out, "&#8230;");
				sb_free(&cut);
			} else
				esc(out, l->digest);
			sb_adds(out, "</code>");
		}
	} else if (f->layer >= 0)
		sb_addf(out, "%d", f->layer);
	else
		sb_adds(out, "<span class=\"muted\">-</span>");
	sb_adds(out, "</td></tr>\n");
}

static void
html_findings(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	size_t i;

	sb_addf(out, "<section id=\"findings\">\n<h2>Findings (%zu)</h2>\n", m->nfindings);
	if (m->nfindings == 0) {
		sb_adds(out, "<p id=\"no-findings\">No findings.</p>\n</section>\n");
		return;
	}
	sb_adds(out, "<div class=\"controls\">\n"
	    "<label>Filter <input id=\"q\" type=\"search\" placeholder=\"text in any column\">"
	    "</label>\n<label>Status <select id=\"status\"><option value=\"\">all</option>");
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		sb_addf(out, "<option>%s</option>", statuses[i]);
	sb_adds(out, "</select></label>\n<label>Severity <select id=\"severity\">"
	    "<option value=\"\">all</option>");
	for (i = sizeof(severities) / sizeof(severities[0]); i-- > 0; )
		sb_addf(out, "<option>%s</option>", severities[i]);
	sb_adds(out, "</select></label>\n<label>Decision <select id=\"decision\">"
	    "<option value=\"\">all</option>");
	for (i = 0; i < sizeof(decisions) / sizeof(decisions[0]); i++)
		sb_addf(out, "<option>%s</option>", decisions[i]);
	sb_adds(out, "</select></label>\n<span id=\"shown\" class=\"muted\"></span>\n</div>\n"
	    "<table id=\"findings-table\">\n<thead><tr>"
	    "<th data-key=\"severity\" data-type=\"number\">Severity</th>"
	    "<th data-key=\"vulnerability\">Vulnerability</th>"
	    "<th data-key=\"package\">Package</th>"
	    "<th data-key=\"installed\">Installed</th>"
	    "<th data-key=\"fixed\">Fixed</th>"
	    "<th data-key=\"status\">Status</th>"
	    "<th data-key=\"decision\">Decision</th>"
	    "<th data-key=\"evidence\">Feed evidence</th>"
	    "<th data-key=\"layer\" data-type=\"number\">Layer</th>"
	    "</tr></thead>\n<tbody>\n");
	for (i = 0; i < m->nfindings; i++)
		html_finding(r, i, out);
	sb_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void
html_not_assessed(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	size_t i;

	sb_addf(out, "<section id=\"not-assessed\">\n<h2>Not assessed (%zu)</h2>\n",
	    m->nnot_assessed);
	if (m->nnot_assessed == 0) {
		sb_adds(out, "<p>Every package was assessed.</p>\n</section>\n");
		return;
	}
	sb_adds(out, "<table>\n<thead><tr><th>Kind</th><th>Name</th><th>Version</th>"
	    "<th>Reason</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < m->nnot_assessed; i++) {
		const struct not_assessed *na = &m->not_assessed[i];

		sb_adds(out, "<tr class=\"not-assessed\"><td>");
		esc(out, na->kind);
		sb_adds(out, "</td><td>");
		esc(out, na->name);
		sb_adds(out, "</td><td><code>");
		esc(out, na->version);
		sb_adds(out, "</code></td><td>");
		esc(out, na->reason);
		sb_adds(out, "</td></tr>\n");
	}
	sb_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void
html_image(const struct report *r, struct sb *out)
{
	const struct image *img = r->img;
	size_t i;

	sb_adds(out, "<section id=\"image\">\n<h2>Image</h2>\n<table class=\"kv\">\n");
	kv(out, "Archive", r->image_path, 0);
	kv(out, "Archive SHA-256", img->archive_sha256, 1);
	kv(out, "Config digest", img->config_digest, 1);
	kv(out, "OS id", r->os->id, 0);
	kv(out, "OS version", r->os->version_id, 0);
	kv(out, "OS codename", r->os->codename, 0);
	sb_adds(out, "</table>\n<table>\n<thead><tr><th>Layer</th><th>Digest</th>"
	    "<th>Created by</th></tr></thead>\n<tbody>\n");
	for (i = 0; i < img->nlayers; i++) {
		sb_addf(out, "<tr><td>%zu</td><td><code>", i);
		esc(out, img->layers[i].digest);
		sb_adds(out, "</code></td><td>");
		esc(out, img->layers[i].created_by);
		sb_adds(out, "</td></tr>\n");
	}
	sb_adds(out, "</tbody>\n</table>\n</section>\n");
}

static void
html_bundle(const struct report *r, struct sb *out)
{
	const struct bundle_meta *m = r->meta;
	char t[48];
	size_t i;

	sb_adds(out, "<section id=\"bundle\">\n<h2>Bundle (signed vulnerability data)</h2>\n"
	    "<table class=\"kv\">\n");
	kv(out, "Bundle", r->bundle_path, 0);
	kv_int(out, "Format", m->format);
	snprintf(t, sizeof(t), "%" PRIu64, m->serial);
	kv(out, "Serial", t, 0);
	report_iso8601(m->created, t);
	kv(out, "Created", t, 0);
	report_iso8601(m->expires, t);
	kv(out, "Expires", t, 0);
	kv_int(out, "Age (days)", (long long)((r->now - m->created) / 86400));
	kv(out, "Signing key id", m->keyid, 1);
	kv(out, "Trusted comment", m->trusted_comment, 1);
	kv(out, "Expired (--allow-expired)", m->expired ? "yes" : "no", 0);
	if (m->downgrade) {
		snprintf(t, sizeof(t), "yes, from serial %" PRIu64, m->downgraded_from);
		kv(out, "Downgrade (--allow-downgrade)", t, 0);
	} else
		kv(out, "Downgrade (--allow-downgrade)", "no", 0);
	sb_addf(out, "</table>\n<h3>Feeds (%zu)</h3>\n<table id=\"feeds\">\n<thead><tr>"
	    "<th>Feed</th><th>Format</th><th>Parser version</th><th>Records</th></tr></thead>\n"
	    "<tbody>\n", r->nsources);
	for (i = 0; i < r->nsources; i++) {
		const struct report_source *s = &r->sources[i];

		sb_adds(out, "<tr class=\"source\"><td>");
		esc(out, s->name);
		sb_adds(out, "</td><td>");
		esc(out, s->format);
		sb_adds(out, "</td><td>");
		esc(out, s->parser_version);
		sb_addf(out, "</td><td>%" PRId64 "</td></tr>\n", s->records);
	}
	sb_adds(out, "</tbody>\n</table>\n");
	sb_addf(out, "<h3>Inputs (%zu)</h3>\n<table id=\"inputs\">\n<thead><tr><th>Feed</th>"
	    "<th>Path</th><th>SHA-256</th><th>Bytes</th><th>Upstream time</th></tr>"
	    "</thead>\n<tbody>\n", r->ninputs);
	for (i = 0; i < r->ninputs; i++) {
		const struct report_input *in = &r->inputs[i];

		sb_adds(out, "<tr class=\"input\"><td>");
		esc(out, in->source);
		sb_adds(out, "</td><td><code>");
		esc(out, in->path);
		sb_adds(out, "</code></td><td><code>");
		esc(out, in->sha256);
		sb_addf(out, "</code></td><td>%" PRId64 "</td><td>", in->bytes);
		if (in->upstream_time)
			esc(out, in->upstream_time);
		else
			sb_adds(out, "<span class=\"muted\">-</span>");
		sb_adds(out, "</td></tr>\n");
	}
	sb_adds(out, "</tbody>\n</table>\n</section>\n");
}

void
report_html_scan(const struct report *r, struct sb *out)
{
	char now[32];

	report_iso8601(r->now, now);
	html_head(r, out);
	html_summary(r, out);
	html_findings(r, out);
	html_not_assessed(r, out);
	html_image(r, out);
	html_bundle(r, out);
	sb_addf(out, "<footer>Written by %s %s at %s. This page is self-contained: it "
	    "loads nothing from anywhere.</footer>\n", PACKAGE_NAME, PACKAGE_VERSION, now);
	sb_addf(out, "<script>%s</script>\n</body>\n</html>\n", html_script);
}
