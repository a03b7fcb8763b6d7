/* report.c - the format table and the verdict. */
#include "config.h"

#include <string.h>
#include <time.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "match/match.h"
#include "report/report.h"

static const struct {
	const char *name;
	void (*scan)(const struct report *, struct sb *);
	void (*packages)(const struct report *, struct sb *);
} formats[] = {
	{ "table", report_table_scan, report_table_packages },
	{ "json", report_json_scan, report_json_packages },
};

enum report_verdict
report_verdict(const struct report *r)
{
	/* Default policy until --policy exists: any finding fails the scan. */
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

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, name) == 0)
			return 0;
		sb_addf(&names, "%s%s", i ? ", " : "", formats[i].name);
	}
	r = ctx_err(c, E_USAGE, "unknown format '%s' (%s)", name, sb_str(&names));
	sb_free(&names);
	return r;
}

int
report_render(struct ctx *c, const char *format, const struct report *r, struct sb *out)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		if (strcmp(formats[i].name, format) != 0)
			continue;
		if (r->match)
			formats[i].scan(r, out);
		else
			formats[i].packages(r, out);
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
