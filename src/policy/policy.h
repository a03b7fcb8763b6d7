/*
 * policy.h - what makes a scan fail, which findings are waived, and the
 * verdict an auditor can reproduce (doc/airlock-policy.5).
 *
 * A policy is a small YAML file read with libyaml's parser: fail conditions
 * (severity threshold, fixable only, states counted), requirements on the
 * bundle (maximum age, sources, the image's distribution feed), what to do
 * with packages that could not be assessed, and waivers, each scoped by
 * vulnerability, package (and version range) and image, each with an owner, a
 * reason and an expiry date. Unknown keys are errors; every error message is
 * "FILE:LINE:COLUMN: message". Without a policy file the default policy
 * applies: any finding fails, anything not assessed leaves no verdict.
 *
 * policy_evaluate() decides every finding of a scan (fail, pass, waived),
 * checks the requirements, marks waivers expired or stale and gives the
 * verdict. policy_verdict_render() writes the auditor's YAML verdict.
 *
 * Ownership: struct policy owns its strings (policy_free); struct policy_eval
 * owns its arrays (policy_eval_free) and borrows the policy and the scan it was
 * computed from, which must outlive it.
 */
#ifndef AIRLOCK_POLICY_H
#define AIRLOCK_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "report/report.h"

struct ctx;
struct sb;

/* Named limits of the policy file. */
#define POLICY_FILE_MAX		(1024 * 1024)	/* bytes of the policy file */
#define POLICY_STRING_MAX	4096		/* bytes of one string value */
#define POLICY_WAIVERS_MAX	4096		/* waivers */
#define POLICY_SOURCES_MAX	64		/* required sources */
#define POLICY_RANGE_MAX	8		/* constraints in one version range */
#define POLICY_AGE_MAX		36500		/* max_bundle_age_days */

#define POLICY_FORMAT		1		/* the "version:" we read */

/* Bits of struct policy.states, by match_status_rank(). */
#define POLICY_STATE_FIXED	(1u << 0)
#define POLICY_STATE_UNFIXED	(1u << 1)
#define POLICY_STATE_WONTFIX	(1u << 2)
#define POLICY_STATE_UNKNOWN	(1u << 3)
#define POLICY_STATES_ALL	0xfu

enum policy_op { POLICY_LT, POLICY_LE, POLICY_EQ, POLICY_NE, POLICY_GE, POLICY_GT };

struct policy_constraint {
	enum policy_op op;
	char *version;
};

struct policy_waiver {
	char *vulnerability;	/* exact id, or NULL: any */
	char *package;		/* binary or source package name, or NULL: any */
	char *versions;		/* the range as written, or NULL: any version */
	struct policy_constraint *range;
	size_t nrange;
	char *ecosystem;	/* "deb", "rpm", "apk", or NULL: any */
	char *image;		/* a tag or the image id "sha256:...", or NULL: any */
	char *owner;
	char *reason;
	char expires[11];	/* "YYYY-MM-DD" */
	int64_t expires_at;	/* unix time it stops applying: the next day, 00:00 UTC */
	int line, column;	/* where it starts in the file, 1-based */
	int versions_line, versions_column;
};

struct policy {
	char *path;		/* the file as given, or NULL for the default policy */
	char sha256[65];	/* of the file's bytes, lowercase hex; "" by default */
	int severity;		/* match_severity_rank(): findings at or above it fail */
	int unknown_severity_fails; /* an "unknown" severity fails whatever the threshold */
	int fixable_only;	/* only findings with a fixed version fail */
	unsigned states;	/* POLICY_STATE_* counted */
	int64_t max_age_days;	/* -1: no limit */
	char **sources;		/* sources that must be in the bundle */
	size_t nsources;
	int distribution_feed;	/* the image's release must be covered by a feed */
	int allow_not_assessed;	/* a verdict despite packages not assessed */
	struct policy_waiver *waivers;
	size_t nwaivers;
};

/* The default policy: any finding fails; not assessed leaves no verdict. */
void policy_default(struct policy *p);
/*
 * Parses a policy from buf (name is used in messages and kept as p->path).
 * E_FORMAT with "NAME:LINE:COLUMN: message" for anything malformed or unknown,
 * E_LIMIT when a limit above is exceeded. On failure p is left empty.
 */
int policy_parse(struct ctx *c, const char *name, const uint8_t *buf, size_t len,
    struct policy *p);
/* Reads path (at most POLICY_FILE_MAX bytes), parses it, records its sha256. */
int policy_load(struct ctx *c, const char *path, struct policy *p);
void policy_free(struct policy *p);

/* Severity name of a rank ("unknown" ... "critical"). */
const char *policy_severity_name(int rank);

enum policy_decision { POLICY_PASS, POLICY_FAIL, POLICY_WAIVED };

enum policy_waiver_state {
	POLICY_WAIVER_APPLIED,	/* in force, waived at least one failing finding */
	POLICY_WAIVER_MATCHED,	/* in force, matched only findings that pass anyway */
	POLICY_WAIVER_STALE,	/* in force, matched nothing in this scan */
	POLICY_WAIVER_EXPIRED,	/* past its expiry date: no longer applies */
};

struct policy_finding_eval {
	enum policy_decision decision;
	char *why;		/* one line: why it fails or passes */
	int waiver;		/* index of the waiver applied, or -1 */
	int expired_waiver;	/* index of an expired waiver that matches it, or -1 */
	int cmp;		/* installed vs fixed version: -1, 0, 1; 2 when not compared */
};

/* A requirement on the scan: max bundle age, a source, the distribution feed. */
struct policy_check {
	char *name;		/* "max_bundle_age_days", "source", "distribution_feed" */
	char *subject;		/* "debian", "debian:bullseye", "7" */
	int ok;
	char *detail;		/* one line */
};

struct policy_eval {
	const struct policy *policy;
	struct policy_finding_eval *findings;	/* one per match finding, same order */
	size_t nfindings;
	enum policy_waiver_state *waiver_state;	/* one per waiver */
	size_t *waiver_matches;			/* findings each waiver matches */
	struct policy_check *checks;
	size_t nchecks;
	size_t nfail, npass, nwaived, nexpired, nstale, nchecks_failed;
	enum report_verdict verdict;
};

/*
 * Decides r's scan (r->match, r->meta, r->sources, r->img, r->now) under p.
 * E_FORMAT "FILE:LINE:COLUMN: ..." when a waiver's version cannot be ordered
 * in a finding's ecosystem. On failure *out is left empty.
 */
int policy_evaluate(struct ctx *c, const struct policy *p, const struct report *r,
    struct policy_eval *out);
void policy_eval_free(struct policy_eval *e);

/* Exit status for a verdict: 0 pass, 1 fail, 2 incomplete. */
int policy_exit_status(enum report_verdict v);

/*
 * The auditor's verdict of r (r->policy and r->eval must be set), YAML, stable
 * order, the only wall-clock field being scan_time. doc/airlock-policy.5.
 */
#define POLICY_VERDICT_FORMAT	1
int policy_verdict_render(struct ctx *c, const struct report *r, struct sb *out);

#endif
