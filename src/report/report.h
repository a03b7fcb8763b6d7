/*
 * report.h - rendering an inventory or a scan as table or JSON.
 *
 * A report renderer is one function from the read-only struct report to text
 * appended to a buffer; the table of formats is in report.c. The JSON forms are
 * contracts (doc/airlock-json.7): later versions add keys, never remove or
 * rename them.
 *
 * Ownership: struct report only borrows; renderers append to a caller-owned sb.
 */
#ifndef AIRLOCK_REPORT_H
#define AIRLOCK_REPORT_H

#include <stddef.h>
#include <stdint.h>

struct ctx;
struct sb;
struct image;
struct osinfo;
struct pkglist;
struct bundle_meta;
struct match_result;
struct policy;
struct policy_eval;

#define REPORT_SCHEMA_VERSION 1

struct report_source {
	const char *name;
	const char *format;
	const char *parser_version;
	int64_t records;
};

/* One input file of a feed source, as the bundle's manifest records it. */
struct report_input {
	const char *source;		/* source name: "debian" */
	const char *path;		/* as given to the builder */
	const char *sha256;		/* 64 lowercase hex digits */
	int64_t bytes;
	const char *upstream_time;	/* publisher's timestamp, or NULL */
};

struct report {
	const char *image_path;
	const struct image *img;
	const struct osinfo *os;
	const struct pkglist *pkgs;
	/* scan only (NULL for an inventory): */
	const char *bundle_path;
	const struct bundle_meta *meta;
	const struct report_source *sources;
	size_t nsources;
	const struct match_result *match;
	int64_t now;		/* scan time, unix */
	int color;		/* table: ANSI colour allowed */
	/* scan only, optional: */
	const struct report_input *inputs;	/* every feed input, in manifest order */
	size_t ninputs;
	const struct policy *policy;		/* the policy applied (verdict format) */
	const struct policy_eval *eval;		/* its decisions; NULL: the default policy */
};

enum report_verdict {
	REPORT_PASS,		/* assessed everything, nothing fails */
	REPORT_FAIL,		/* findings fail the policy */
	REPORT_INCOMPLETE,	/* no finding fails, but something was not assessed */
};

/* The policy's verdict (r->eval) or, without one, the default policy's:
 * any finding fails, anything not assessed is incomplete. */
enum report_verdict report_verdict(const struct report *r);
const char *report_verdict_name(enum report_verdict v);

/* 0 when format names a renderer, else E_USAGE listing the known ones. */
int report_check_format(struct ctx *c, const char *format);

/*
 * Renders format of an inventory (match NULL) or a scan: table, json, yaml,
 * sarif, cyclonedx, html, junit. Of an inventory only table, json and cyclonedx;
 * another format is E_USAGE. "verdict" (policy_verdict_render()) needs a scan
 * with r->policy and r->eval set.
 */
int report_render(struct ctx *c, const char *format, const struct report *r, struct sb *out);

/* Per-format renderers (report.c's table). */
void report_table_scan(const struct report *r, struct sb *out);
void report_table_packages(const struct report *r, struct sb *out);
void report_json_scan(const struct report *r, struct sb *out);
void report_json_packages(const struct report *r, struct sb *out);
void report_yaml_scan(const struct report *r, struct sb *out);
void report_sarif_scan(const struct report *r, struct sb *out);
void report_cyclonedx_scan(const struct report *r, struct sb *out);
void report_cyclonedx_packages(const struct report *r, struct sb *out);
void report_html_scan(const struct report *r, struct sb *out);
void report_junit_scan(const struct report *r, struct sb *out);

/* "2026-11-28T11:30:00Z" */
void report_iso8601(int64_t t, char out[32]);

#endif
