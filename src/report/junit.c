/*
 * junit.c - the scan as JUnit XML, so CI systems list findings as failed tests,
 * and the XML escaping the HTML report shares.
 *
 * One <testsuite> per scan (named after the image) inside <testsuites>:
 *   - one <testcase classname="PACKAGE" name="VULNERABILITY"> per finding; when
 *     the policy fails it (the default policy fails every finding), a <failure
 *     type="SEVERITY" message="one line"> whose text lists the evidence; when a
 *     waiver covers it, <skipped message="waived: REASON (owner, expires)">; when
 *     the policy lets it pass, the evidence in <system-out> and no failure;
 *   - one <testcase classname="not-assessed.KIND" name="NAME"> per item that was
 *     not assessed, with <skipped message="REASON"/>;
 *   - when there is neither, one passing <testcase classname="airlock"
 *     name="no known vulnerabilities">, so a clean scan is a green test, not none.
 * The suite's <properties> carry the image and bundle provenance and the verdict:
 * bundle.serial, created, expires, key_id, expired and downgrade ("true"/"false"),
 * downgraded_from (only with a downgrade), per feed bundle.feed.I.{name,format,
 * parser_version,records} and per manifest input bundle.input.I.{source,path,
 * sha256,bytes,upstream_time} (I from 0, in the JSON report's order). A trust
 * override (--allow-expired, --allow-downgrade) is also a bundle.warning property
 * and a line of the suite's <system-err>.
 * Findings keep the JSON report's order; only the timestamp attribute changes
 * between two runs. Valid against Jenkins' junit-10.xsd (the xUnit schema).
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/sb.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"
#include "report/report_private.h"

size_t
report_utf8_len(const unsigned char *p)
{
	size_t n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

#define REPLACEMENT "\xef\xbf\xbd"	/* U+FFFD in UTF-8 */

void
report_xml_escape(struct sb *out, const char *s, int attr)
{
	const unsigned char *p;
	size_t n;

	if (s == NULL)
		return;
	for (p = (const unsigned char *)s; *p; p += n) {
		n = 1;
		if (*p >= 0x80) {
			if ((n = report_utf8_len(p)) == 0) {
				sb_adds(out, REPLACEMENT);
				n = 1;
			} else if (n == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
				sb_adds(out, REPLACEMENT);	/* U+FFFE, U+FFFF: not XML */
			else
				sb_add(out, (const char *)p, n);
			continue;
		}
		switch (*p) {
		case '&': sb_adds(out, "&amp;"); break;
		case '<': sb_adds(out, "&lt;"); break;
		case '>': sb_adds(out, "&gt;"); break;
		case '"': sb_adds(out, "&quot;"); break;
		case '\'': sb_adds(out, "&#39;"); break;
		case '\t': sb_adds(out, attr ? "&#9;" : "\t"); break;
		case '\n': sb_adds(out, attr ? "&#10;" : "\n"); break;
		case '\r': sb_adds(out, "&#13;"); break;	/* a raw CR would become LF */
		default:
			if (*p < 0x20 || *p == 0x7f)
				sb_adds(out, REPLACEMENT);
			else
				sb_addc(out, (char)*p);
		}
	}
}

void
report_decision(const struct report *r, size_t i, struct report_decision *d)
{
	const struct policy_eval *e = r->eval;
	const struct policy_finding_eval *fe;

	memset(d, 0, sizeof(*d));
	d->decision = "fail";
	if (e == NULL || i >= e->nfindings)
		return;
	fe = &e->findings[i];
	d->why = fe->why;
	switch (fe->decision) {
	case POLICY_PASS: d->decision = "pass"; break;
	case POLICY_FAIL: d->decision = "fail"; break;
	case POLICY_WAIVED: d->decision = "waived"; break;
	}
	if (fe->decision == POLICY_WAIVED && fe->waiver >= 0 && e->policy != NULL &&
	    (size_t)fe->waiver < e->policy->nwaivers) {
		const struct policy_waiver *w = &e->policy->waivers[fe->waiver];

		d->owner = w->owner;
		d->reason = w->reason;
		d->expires = w->expires;
	}
}

static void
attr(struct sb *out, const char *name, const char *value)
{
	sb_addf(out, " %s=\"", name);
	report_xml_escape(out, value, 1);
	sb_addc(out, '"');
}

static void
attr_int(struct sb *out, const char *name, size_t value)
{
	sb_addf(out, " %s=\"%zu\"", name, value);
}

static void
property(struct sb *out, const char *name, const char *value)
{
	if (value == NULL)
		return;
	sb_adds(out, "      <property");
	attr(out, "name", name);
	attr(out, "value", value);
	sb_adds(out, "/>\n");
}

/* "bundle.KIND.I.FIELD": one field of the I-th feed or manifest input. */
static void
property_indexed(struct sb *out, const char *kind, size_t i, const char *field,
    const char *value)
{
	char name[64];

	snprintf(name, sizeof(name), "bundle.%s.%zu.%s", kind, i, field);
	property(out, name, value);
}

/* Trust override n (0 expired, 1 downgrade) as one sentence; 0 when it was not used. */
static int
override_text(const struct bundle_meta *m, int n, char *text, size_t len)
{
	char t[32];

	if (n == 0 && m->expired) {
		report_iso8601(m->expires, t);
		snprintf(text, len, "warning: the bundle (serial %" PRIu64 ") expired on %s "
		    "and was used with --allow-expired", m->serial, t);
		return 1;
	}
	if (n == 1 && m->downgrade) {
		snprintf(text, len, "warning: the bundle (serial %" PRIu64 ") is older than "
		    "the installed serial %" PRIu64 " and was used with --allow-downgrade",
		    m->serial, m->downgraded_from);
		return 1;
	}
	return 0;
}

/*
 * The trust overrides this run accepted the bundle with, one sentence each: as
 * bundle.warning properties (in_err 0), or as the suite's <system-err> (in_err
 * 1), which CI systems show with the suite. Nothing when there is none.
 */
static void
junit_overrides(const struct report *r, struct sb *out, int in_err)
{
	char text[256];
	int n;

	if (!r->meta->expired && !r->meta->downgrade)
		return;
	if (in_err)
		sb_adds(out, "    <system-err>");
	for (n = 0; n < 2; n++) {
		if (!override_text(r->meta, n, text, sizeof(text)))
			continue;
		if (in_err) {
			report_xml_escape(out, text, 0);
			sb_addc(out, '\n');
		} else
			property(out, "bundle.warning", text);
	}
	if (in_err)
		sb_adds(out, "</system-err>\n");
}

/* One "label: value" line of a failure's text; NULL values are left out. */
static void
line(struct sb *out, const char *label, const char *value)
{
	if (value == NULL)
		return;
	sb_addf(out, "%s: ", label);
	report_xml_escape(out, value, 0);
	sb_addc(out, '\n');
}

static const char *
status_phrase(const char *status)
{
	if (strcmp(status, "fixed") == 0)
		return "fixed in";
	if (strcmp(status, "unfixed") == 0)
		return "no fix yet";
	if (strcmp(status, "wont-fix") == 0)
		return "the vendor will not fix it";
	return "the vendor has not determined it";
}

static void
junit_finding(const struct report *r, size_t i, struct sb *out)
{
	const struct finding *f = &r->match->findings[i];
	struct report_decision d;
	struct sb msg = SB_INIT;
	const char *elem;
	char layer[32];

	report_decision(r, i, &d);
	if (strcmp(d.decision, "waived") == 0) {
		elem = "skipped";
		sb_addf(&msg, "waived: %s (owner %s, expires %s)", d.reason ? d.reason : "?",
		    d.owner ? d.owner : "?", d.expires ? d.expires : "?");
	} else {
		elem = strcmp(d.decision, "fail") == 0 ? "failure" : "system-out";
		sb_addf(&msg, "%s in %s %s: %s", f->vuln_id, f->package, f->installed_version,
		    status_phrase(f->status));
		if (f->fixed_version)
			sb_addf(&msg, " %s", f->fixed_version);
		sb_addf(&msg, " (severity %s)", f->severity);
	}

	sb_adds(out, "    <testcase");
	attr(out, "classname", f->package);
	attr(out, "name", f->vuln_id);
	sb_addf(out, ">\n      <%s", elem);
	if (strcmp(elem, "system-out") != 0) {
		if (strcmp(elem, "failure") == 0)
			attr(out, "type", f->severity);
		attr(out, "message", sb_str(&msg));
	}
	sb_adds(out, ">");
	line(out, "vulnerability", f->vuln_id);
	line(out, "package", f->package);
	line(out, "installed_version", f->installed_version);
	line(out, "fixed_version", f->fixed_version);
	line(out, "status", f->status);
	line(out, "severity", f->severity);
	line(out, "source", f->source);
	line(out, "source_package", f->source_package);
	line(out, "source_version", f->source_version);
	line(out, "namespace", f->namespace);
	line(out, "vendor_status", f->vendor_status);
	line(out, "vendor_severity", f->vendor_severity);
	line(out, "note", f->note);
	line(out, "record", f->record);
	line(out, "comparison", f->comparison);
	if (f->layer >= 0) {
		snprintf(layer, sizeof(layer), "%d", f->layer);
		line(out, "layer", layer);
		if ((size_t)f->layer < r->img->nlayers)
			line(out, "layer_digest", r->img->layers[f->layer].digest);
	}
	line(out, "decision", d.decision);
	line(out, "decision_reason", d.why);
	line(out, "waiver_owner", d.owner);
	line(out, "waiver_reason", d.reason);
	line(out, "waiver_expires", d.expires);
	line(out, "description", f->description);
	sb_addf(out, "</%s>\n    </testcase>\n", elem);
	sb_free(&msg);
}

void
report_junit_scan(const struct report *r, struct sb *out)
{
	const struct match_result *m = r->match;
	const char *tag = r->img->tags && r->img->tags[0] ? r->img->tags[0] : NULL;
	char now[32], created[32], expires[32], serial[32], num[32];
	struct report_decision d;
	struct sb name = SB_INIT;
	size_t i, tests, failures = 0, skipped = m->nnot_assessed;

	report_iso8601(r->now, now);
	report_iso8601(r->meta->created, created);
	report_iso8601(r->meta->expires, expires);
	snprintf(serial, sizeof(serial), "%" PRIu64, r->meta->serial);
	tests = m->nfindings + m->nnot_assessed;
	for (i = 0; i < m->nfindings; i++) {
		report_decision(r, i, &d);
		failures += strcmp(d.decision, "fail") == 0;
		skipped += strcmp(d.decision, "waived") == 0;
	}
	sb_addf(&name, "airlock scan %s", tag ? tag : r->image_path);

	sb_adds(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
	attr(out, "name", "airlock");
	attr_int(out, "tests", tests ? tests : 1);
	attr_int(out, "failures", failures);
	attr_int(out, "errors", 0);
	sb_adds(out, ">\n  <testsuite");
	attr(out, "name", sb_str(&name));
	attr_int(out, "tests", tests ? tests : 1);
	attr_int(out, "failures", failures);
	attr_int(out, "errors", 0);
	attr_int(out, "skipped", skipped);
	attr(out, "timestamp", now);
	sb_adds(out, ">\n    <properties>\n");
	property(out, "airlock.version", PACKAGE_VERSION);
	property(out, "image.path", r->image_path);
	property(out, "image.tag", tag);
	property(out, "image.archive_sha256", r->img->archive_sha256);
	property(out, "image.config_digest", r->img->config_digest);
	property(out, "os", r->os->pretty_name ? r->os->pretty_name : r->os->id);
	property(out, "namespace", m->namespace);
	property(out, "bundle.path", r->bundle_path);
	property(out, "bundle.serial", serial);
	property(out, "bundle.created", created);
	property(out, "bundle.expires", expires);
	property(out, "bundle.key_id", r->meta->keyid);
	/* trust overrides are part of the evidence, never silent */
	property(out, "bundle.expired", r->meta->expired ? "true" : "false");
	property(out, "bundle.downgrade", r->meta->downgrade ? "true" : "false");
	if (r->meta->downgrade) {
		snprintf(num, sizeof(num), "%" PRIu64, r->meta->downgraded_from);
		property(out, "bundle.downgraded_from", num);
	}
	junit_overrides(r, out, 0);
	for (i = 0; i < r->nsources; i++) {
		const struct report_source *s = &r->sources[i];

		property_indexed(out, "feed", i, "name", s->name);
		property_indexed(out, "feed", i, "format", s->format);
		property_indexed(out, "feed", i, "parser_version", s->parser_version);
		snprintf(num, sizeof(num), "%" PRId64, s->records);
		property_indexed(out, "feed", i, "records", num);
	}
	for (i = 0; i < r->ninputs; i++) {
		const struct report_input *in = &r->inputs[i];

		property_indexed(out, "input", i, "source", in->source);
		property_indexed(out, "input", i, "path", in->path);
		property_indexed(out, "input", i, "sha256", in->sha256);
		snprintf(num, sizeof(num), "%" PRId64, in->bytes);
		property_indexed(out, "input", i, "bytes", num);
		property_indexed(out, "input", i, "upstream_time", in->upstream_time);
	}
	property(out, "policy", r->eval && r->eval->policy ? r->eval->policy->path : NULL);
	property(out, "verdict", report_verdict_name(report_verdict(r)));
	sb_adds(out, "    </properties>\n");
	for (i = 0; i < m->nfindings; i++)
		junit_finding(r, i, out);
	for (i = 0; i < m->nnot_assessed; i++) {
		const struct not_assessed *na = &m->not_assessed[i];

		sb_reset(&name);
		sb_addf(&name, "not-assessed.%s", na->kind);
		sb_adds(out, "    <testcase");
		attr(out, "classname", sb_str(&name));
		sb_reset(&name);
		sb_adds(&name, na->name);
		if (na->version)
			sb_addf(&name, " %s", na->version);
		attr(out, "name", sb_str(&name));
		sb_adds(out, ">\n      <skipped");
		attr(out, "message", na->reason);
		sb_adds(out, "/>\n    </testcase>\n");
	}
	if (tests == 0)
		sb_adds(out, "    <testcase classname=\"airlock\" "
		    "name=\"no known vulnerabilities\"/>\n");
	junit_overrides(r, out, 1);
	sb_adds(out, "  </testsuite>\n</testsuites>\n");
	sb_free(&name);
}
