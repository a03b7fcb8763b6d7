/*
 * match.h - an image inventory against a verified bundle: findings and what
 * could not be assessed.
 *
 * Rules (one table row per distribution in match.c): the OS release picks the
 * namespace ("debian:" + codename); each binary package is looked up by its
 * source name (or binary name, as the feed keys it);
 * a "fixed" row is a finding when the installed source version sorts below the
 * fixed version under dpkg's ordering; "unfixed", "wont-fix" and "unknown" rows
 * are findings as they stand; "not-affected" rows never are. Then the bundle's
 * OVAL definitions for the namespace (rhel-oval, oracle-oval, suse-oval,
 * ubuntu-oval, debian-oval; candidates by every package's binary and source
 * name) are evaluated once each over the whole inventory (match/oval.h); of
 * one source's findings for one (vulnerability, package, installed version)
 * the one with the highest fixed version stays. A package or OS no
 * loaded feed can judge goes to not_assessed with the reason: never dropped,
 * never reported clean; so does a package whose version cannot be compared.
 *
 * Ownership: match_run() fills a struct match_result that owns every string in
 * it; match_result_free() releases them. The inputs are only borrowed.
 */
#ifndef AIRLOCK_MATCH_H
#define AIRLOCK_MATCH_H

#include <stddef.h>

struct ctx;
struct bundle;
struct osinfo;
struct pkglist;

struct finding {
	char *vuln_id;
	char *package;			/* binary package name */
	char *installed_version;	/* binary version as installed */
	char *source_package;		/* name the feed keys it by */
	char *source_version;		/* version compared */
	char *fixed_version;		/* NULL when the vendor has no fix */
	char *status;			/* fixed | unfixed | wont-fix | unknown */
	char *severity;			/* normalized */
	const char *severity_source;	/* "vendor" (the feed row's) or "nvd" (NVD's
					 * CVSS, when the vendor's is "unknown"); static */
	char *vendor_severity;		/* vendor's own wording */
	char *vendor_status;		/* vendor's own status word */
	char *note;			/* vendor note or NULL */
	char *record;			/* the feed's record that says so: its advisory
					 * when it names one (ALAS, RHSA, ELSA, USN, DSA,
					 * SUSE-SU id; an OVAL definition without one: its
					 * def id), else the vulnerability id */
	char *comparison;		/* the comparison made: "2.36-9+deb12u3 <
					 * 2.36-9+deb12u4 (dpkg)", or why no comparison
					 * was needed ("no fix: vendor state unfixed") */
	char *source;			/* feed source: "debian" */
	char *namespace;		/* "debian:11" */
	char *description;		/* or NULL */
	const char *ecosystem;		/* static */
	int layer;			/* layer index of the package's db entry, or -1 */
};

struct not_assessed {
	char *kind;		/* "os" or "package" */
	char *name;		/* package name, or the OS id */
	char *version;		/* or NULL */
	char *reason;
};

struct match_result {
	char *namespace;	/* namespace chosen for the image, or NULL */
	const char *coverage;	/* "complete", "fixes-only" (static), NULL: not covered */
	struct finding *findings;
	size_t nfindings;
	struct not_assessed *not_assessed;
	size_t nnot_assessed;
	size_t npackages;	/* packages considered */
};

int match_run(struct ctx *c, struct bundle *b, const struct osinfo *os,
    const struct pkglist *pkgs, struct match_result *out);
/*
 * Sorts findings in the order match_run() leaves them: status (fixed, unfixed,
 * wont-fix, unknown), severity (most severe first), vulnerability id, package,
 * installed version, then source, namespace, record, source package and every
 * other field, so that the order never depends on the order they came in.
 */
void match_sort_findings(struct finding *v, size_t n);
void match_result_free(struct match_result *m);

/* Rank of a normalized severity, for ordering: critical 5 ... negligible 1, unknown 0. */
int match_severity_rank(const char *severity);
/* Rank of a status for grouping: fixed 0, unfixed 1, wont-fix 2, unknown 3. */
int match_status_rank(const char *status);

#endif
