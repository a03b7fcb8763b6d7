/* report.c - the format table and the verdict. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "match/match.h"
#include "policy/policy.h"
#include "report/report.h"

static const struct {
	const char *name;
	void (*scan)(const struct report *, struct sb *);
	void (*packages)(const struct report *, struct sb *);
} formats[] = {
	{ "table", report_table_scan, report_table_packages },
	{ "json", report_json_scan, report_json_packages },
	{ "yaml", report_yaml_scan, NULL },
	{ "sarif", report_sarif_scan, NULL },
	{ "cyclonedx", report_cyclonedx_scan, report_cyclonedx_packages },
	{ "html", report_html_scan, NULL },
	{ "junit", report_junit_scan, NULL },
};

enum report_verdict
report_verdict(const struct report *r)
{
	if (r->eval != NULL)
		return r->eval->verdict;
	/* the default policy (policy_default()): any finding fails the scan */
	if (r->match->nfindings > 0)
		return REPORT_FAIL;
	if (r->match->nnot_assessed > 0)
		return REPORT_INCOMPLETE;
	return REPORT_PASS;
}

const char *
report_verdict_name(enum report_verdict v)
{
	switch (v) {
	case REPORT_PASS: return "pass";
	case REPORT_FAIL: return "fail";
	case REPORT_INCOMPLETE: return "incomplete";
	}
	return "incomplete";
}

int
report_check_format(struct ctx *c, const char *name)
{
	struct sb names = SB_INIT;
	size_t i;
	int r;

	/* "verdict" (the auditor's YAML, policy/verdict.c) can fail, so it is
	 * not a row of formats[] */
	if (strcmp(name, "verdict") == 0)
		return 0;
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0) {
			sb_free(&names);
			return 0;
		}
		sb_addf(&names, "%s%s", i ? ", " : "", formats[i].name);
	}
	r = ctx_err(c, E_USAGE, "unknown format '%s' (%s, verdict)", name, sb_str(&names));
	sb_free(&names);
	return r;
}

int
report_render(struct ctx *c, const char *format, const struct report *r, struct sb *out)
{
	size_t i;

	if (strcmp(format, "verdict") == 0) {
		if (r->match == NULL || r->policy == NULL || r->eval == NULL)
			return ctx_err(c, E_USAGE, "format verdict needs a scan");
		return policy_verdict_render(c, r, out);
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, format) != 0)
			continue;
		if (r->match)
			formats[i].scan(r, out);
		else if (formats[i].packages)
			formats[i].packages(r, out);
		else
			return ctx_err(c, E_USAGE, "format %s needs a scan", format);
		return 0;
	}
	return report_check_format(c, format);
}

void
report_iso8601(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strcpy(out, "invalid-time");
}
