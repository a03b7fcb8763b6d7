/*
 * match.c - packages x bundle rows -> findings, and the not-assessed list.
 *
 * Lookups (bench/lookup.sh, issue 6): match_run() has the bundle keep its
 * statements for the run (bundle_statements_keep); binaries that share a
 * source package (a binary name, for the ecosystems matched by binary) share
 * one query, whose rows are copied and handed to each of them in inventory
 * order, so findings come out in the same order as one query per package
 * would give; a row's description is read once, for its first finding; NVD's
 * severity once per vulnerability id.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/release.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "image/image.h"
#include "match/match.h"
#include "match/oval.h"
#include "pkgdb/pkgdb.h"
#include "version/version.h"

/*
 * A feed row copied for the binaries of one source package: a's strings point
 * into text[], one allocation. The description (brief rows have none) is read
 * for the row's first finding and shared by the others.
 */
struct kept_row {
	struct bundle_affected a;
	char *description;	/* owned; NULL: none, or not read yet */
	int described;		/* description has been read */
	char text[];
};

/* NVD's severity of a vulnerability id, looked up once (an open-addressing table). */
struct nvd_memo {
	char *vuln_id;		/* owned; NULL: an empty slot */
	const char *sev;	/* static, or NULL: NVD has none */
};

struct match_state {
	struct bundle *b;	/* for NVD's severity and descriptions */
	struct match_result *res;
	const struct pkglist *pkgs;
	const struct pkg *pkg;
	struct kept_row *row;	/* the row on_row() judges */
	size_t cap_f, cap_na;
	char *version_failed;	/* per package of pkgs: a comparison failed, reported */
	char *eol_reported;	/* per package of pkgs: its end of support, reported */
	struct nvd_memo *nvd;	/* nvd_cap slots (a power of 2), nvd_n in use */
	size_t nvd_cap, nvd_n;
};

int
match_severity_rank(const char *s)
{
	static const char *const order[] = { "unknown", "negligible", "low", "medium", "high",
		"critical" };
	size_t i;

	for (i = 0; s && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(s, order[i]) == 0)
			return (int)i;
	return 0;
}

int
match_status_rank(const char *s)
{
	static const char *const order[] = { "fixed", "unfixed", "wont-fix", "unknown" };
	size_t i;

	for (i = 0; s && i < sizeof(order) / sizeof(order[0]); i++)
		if (strcmp(s, order[i]) == 0)
			return (int)i;
	return 4;
}

static void
add_not_assessed(struct match_state *st, const char *kind, const char *name,
    const char *version, const char *reason)
{
	struct match_result *m = st->res;
	struct not_assessed *na;

	if (m->nnot_assessed == st->cap_na) {
		st->cap_na = st->cap_na ? st->cap_na * 2 : 16;
		m->not_assessed = xreallocarray(m->not_assessed, st->cap_na, sizeof(*na));
	}
	na = &m->not_assessed[m->nnot_assessed++];
	na->kind = xstrdup(kind);
	na->name = xstrdup_or_null(name);
	na->version = xstrdup_or_null(version);
	na->reason = xstrdup(reason);
}

static size_t
nvd_slot(const char *id, size_t cap)
{
	uint64_t h = UINT64_C(14695981039346656037);	/* FNV-1a */

	for (; *id != '\0'; id++)
		h = (h ^ (unsigned char)*id) * UINT64_C(1099511628211);
	return (size_t)h & (cap - 1);
}

/* NVD's severity of vuln_id (bundle_vuln_severity), each id looked up once. */
static int
nvd_severity(struct ctx *c, struct match_state *st, const char *vuln_id, const char **sev)
{
	struct nvd_memo *old;
	const char *ver;
	double score;
	size_t i, s, oldcap;
	int r;

	*sev = NULL;
	if (st->nvd_cap > 0)
		for (s = nvd_slot(vuln_id, st->nvd_cap); st->nvd[s].vuln_id != NULL;
		    s = (s + 1) & (st->nvd_cap - 1))
			if (strcmp(st->nvd[s].vuln_id, vuln_id) == 0) {
				*sev = st->nvd[s].sev;
				return 0;
			}
	if ((r = bundle_vuln_severity(c, st->b, vuln_id, sev, &ver, &score)) != 0)
		return r;
	if ((st->nvd_n + 1) * 2 > st->nvd_cap) {
		old = st->nvd;
		oldcap = st->nvd_cap;
		st->nvd_cap = oldcap ? oldcap * 2 : 256;
		st->nvd = xcalloc(st->nvd_cap, sizeof(*st->nvd));
		for (i = 0; i < oldcap; i++) {
			if (old[i].vuln_id == NULL)
				continue;
			for (s = nvd_slot(old[i].vuln_id, st->nvd_cap); st->nvd[s].vuln_id != NULL;
			    s = (s + 1) & (st->nvd_cap - 1))
				;
			st->nvd[s] = old[i];
		}
		free(old);
	}
	for (s = nvd_slot(vuln_id, st->nvd_cap); st->nvd[s].vuln_id != NULL;
	    s = (s + 1) & (st->nvd_cap - 1))
		;
	st->nvd[s].vuln_id = xstrdup(vuln_id);
	st->nvd[s].sev = *sev;
	st->nvd_n++;
	return 0;
}

/*
 * Severity: the vendor's normalized one first; when that is "unknown", NVD's
 * best CVSS for the same CVE id (bundle_vuln_severity: Primary before
 * Secondary, v3.1 > v3.0 > v4.0 > v2.0), marked severity_source "nvd".
 * compared is the version the feed's row was compared with (source or
 * binary), record the feed's record id, comparison NULL for "no fix: vendor
 * state STATE". kr is the kept row of row (whose description is read here,
 * once), or NULL: row->description is the description.
 */
static int
finding_add(struct ctx *c, struct match_state *st, const struct pkg *p,
    const struct bundle_affected *row, struct kept_row *kr, const char *compared,
    const char *record, const char *comparison)
{
	struct match_result *m = st->res;
	const char *sev = row->severity ? row->severity : "unknown", *src = "vendor";
	const char *nvd_sev = NULL, *description = row->description;
	struct finding *f;
	int r;

	if (strcmp(sev, "unknown") == 0 && st->b != NULL) {
		if ((r = nvd_severity(c, st, row->vuln_id, &nvd_sev)) != 0)
			return r;
		if (nvd_sev != NULL) {
			sev = nvd_sev;
			src = "nvd";
		}
	}
	if (kr != NULL) {
		if (!kr->described) {
			if ((r = bundle_vuln_description(c, st->b, row->source, row->vuln_id,
			    &kr->description)) != 0)
				return r;
			kr->described = 1;
		}
		description = kr->description;
	}

	if (m->nfindings == st->cap_f) {
		st->cap_f = st->cap_f ? st->cap_f * 2 : 64;
		m->findings = xreallocarray(m->findings, st->cap_f, sizeof(*f));
	}
	f = &m->findings[m->nfindings++];
	memset(f, 0, sizeof(*f));
	f->vuln_id = xstrdup(row->vuln_id);
	f->package = xstrdup(p->name);
	f->installed_version = xstrdup(p->version);
	f->source_package = xstrdup(row->package);
	f->source_version = xstrdup(compared);
	f->fixed_version = xstrdup_or_null(row->fixed_version);
	f->status = xstrdup(row->state);
	f->severity = xstrdup(sev);
	f->severity_source = src;
	f->vendor_severity = xstrdup_or_null(row->vendor_severity);
	f->vendor_status = xstrdup_or_null(row->vendor_status);
	f->note = xstrdup_or_null(row->note);
	f->record = xstrdup(record);
	f->comparison = comparison ? xstrdup(comparison) : NULL;
	if (f->comparison == NULL) {
		struct sb why = SB_INIT;

		sb_addf(&why, "no fix: vendor state %s", row->state);
		f->comparison = sb_steal(&why);
	}
	f->source = xstrdup(row->source);
	f->namespace = xstrdup(row->namespace);
	f->description = xstrdup_or_null(description);
	f->ecosystem = p->ecosystem;
	f->layer = p->layer;
	return 0;
}

/*
 * A finding of the current package from the current affected row (st->row):
 * its record is the row's advisory (an ALAS id) when the feed names one, else
 * the vulnerability id.
 */
static int
add_finding(struct ctx *c, struct match_state *st, const struct bundle_affected *row,
    const char *comparison)
{
	const struct pkg *p = st->pkg;

	return finding_add(c, st, p, row, st->row,
	    strcmp(row->name_kind, "source") == 0 ? p->source_version : p->version,
	    row->advisory != NULL && *row->advisory != '\0' ? row->advisory : row->vuln_id,
	    comparison);
}

/* Marks p's failed comparison; 1 when it was already reported. */
static int
version_failed(struct match_state *st, const struct pkg *p)
{
	size_t k = (size_t)(p - st->pkgs->v);
	int was = st->version_failed[k];

	st->version_failed[k] = 1;
	return was;
}

/*
 * Whether the row says the package's security support in its release has
 * ended: Debian's urgency "end-of-life" (the note the debian source writes),
 * Ubuntu's "ignored (end of standard support)", "(out of standard support)",
 * "(... end-of-life)", "(end of life)". Its known issues are still judged, but
 * later ones are no longer tracked: the package is listed as not assessed too.
 */
static int
row_says_eol(const struct bundle_affected *row)
{
	static const char *const words[] = { "end-of-life", "end of life",
	    "end of standard support", "out of standard support" };
	size_t i;

	if (row->note == NULL)
		return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(row->note, words[i]) != NULL)
			return 1;
	return 0;
}

/* Lists p as not assessed once, when a row says its support has ended. */
static void
note_eol(struct match_state *st, const struct pkg *p, const struct bundle_affected *row)
{
	size_t k = (size_t)(p - st->pkgs->v);
	struct sb why = SB_INIT;

	if (st->eol_reported[k] || !row_says_eol(row))
		return;
	st->eol_reported[k] = 1;
	sb_addf(&why, "%s marks %s end of support in %s (%s: %s '%s'): issues after that are "
	    "not tracked", row->source, row->package, row->namespace, row->vuln_id,
	    row->vendor_status ? row->vendor_status : row->state, row->note);
	add_not_assessed(st, "package", p->name, p->version, sb_str(&why));
	sb_free(&why);
}

/* One feed row for the current package: decide whether it is a finding. */
static int
on_row(struct ctx *c, const struct bundle_affected *row, void *arg)
{
	struct match_state *st = arg;
	const struct pkg *p = st->pkg;
	const char *installed;
	struct sb why = SB_INIT;
	int eco, cmp, r;

	note_eol(st, p, row);
	if (strcmp(row->state, "not-affected") == 0)
		return 0;
	if (strcmp(row->state, "fixed") != 0) {
		/* unfixed, wont-fix, unknown: the vendor says the release is exposed */
		return add_finding(c, st, row, NULL);
	}
	if (row->fixed_version == NULL)
		return ctx_err(c, E_FORMAT, "%s: %s: state fixed without a fixed version",
		    row->source, row->vuln_id);
	installed = strcmp(row->name_kind, "source") == 0 ? p->source_version : p->version;
	eco = version_eco_from_name(p->ecosystem);
	if (eco < 0)
		return ctx_err(c, E_INTERNAL, "unknown ecosystem %s", p->ecosystem);
	r = version_cmp((enum version_eco)eco, installed, row->fixed_version, &cmp);
	if (r != 0) {
		/* one bad comparison makes the whole package not assessable */
		if (!version_failed(st, p)) {
			const char *bad = installed, *reason = NULL;

			/* name the version that is not valid, and why */
			if (version_check((enum version_eco)eco, installed, &reason) == 0) {
				bad = row->fixed_version;
				version_check((enum version_eco)eco, bad, &reason);
			}
			sb_addf(&why, "cannot compare version %s with %s's fixed version %s: "
			    "%s: %s", installed, row->vuln_id, row->fixed_version, bad,
			    reason ? reason : "invalid");
			add_not_assessed(st, "package", p->name, p->version, sb_str(&why));
			sb_free(&why);
		}
		return 0;
	}
	if (cmp < 0) {
		sb_addf(&why, "%s < %s (%s)", installed, row->fixed_version,
		    version_eco_tool((enum version_eco)eco));
		r = add_finding(c, st, row, sb_str(&why));
		sb_free(&why);
		return r;
	}
	return 0;
}

/* strcmp with NULL (an absent value) before any string. */
static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/*
 * The report order (match_sort_findings): the grouping keys, then every other
 * field, so that two findings compare equal only when they are the same.
 */
static int
cmp_findings(const void *va, const void *vb)
{
	const struct finding *a = va, *b = vb;
	int d;

	if ((d = match_status_rank(a->status) - match_status_rank(b->status)) != 0 ||
	    (d = match_severity_rank(b->severity) - match_severity_rank(a->severity)) != 0 ||
	    (d = strcmp(a->vuln_id, b->vuln_id)) != 0 ||
	    (d = strcmp(a->package, b->package)) != 0 ||
	    (d = strcmp(a->installed_version, b->installed_version)) != 0)
		return d;
	/* the same vulnerability of the same package from several feeds (a tracker
	 * and an OVAL file) or records: fixed order, never qsort's choice */
	if ((d = strcmp_null(a->source, b->source)) != 0 ||
	    (d = strcmp_null(a->namespace, b->namespace)) != 0 ||
	    (d = strcmp_null(a->record, b->record)) != 0 ||
	    (d = strcmp_null(a->source_package, b->source_package)) != 0 ||
	    (d = strcmp_null(a->source_version, b->source_version)) != 0 ||
	    (d = strcmp_null(a->fixed_version, b->fixed_version)) != 0 ||
	    (d = strcmp_null(a->comparison, b->comparison)) != 0 ||
	    (d = strcmp(a->status, b->status)) != 0 ||
	    (d = strcmp(a->severity, b->severity)) != 0 ||
	    (d = strcmp_null(a->severity_source, b->severity_source)) != 0 ||
	    (d = strcmp_null(a->vendor_severity, b->vendor_severity)) != 0 ||
	    (d = strcmp_null(a->vendor_status, b->vendor_status)) != 0 ||
	    (d = strcmp_null(a->note, b->note)) != 0 ||
	    (d = strcmp_null(a->description, b->description)) != 0 ||
	    (d = strcmp_null(a->ecosystem, b->ecosystem)) != 0)
		return d;
	return (a->layer > b->layer) - (a->layer < b->layer);
}

void
match_sort_findings(struct finding *v, size_t n)
{
	if (n > 1)	/* qsort of a NULL array is undefined, even when empty */
		qsort(v, n, sizeof(*v), cmp_findings);
}

/*
 * How an operating system's packages are matched: one row per distribution.
 * release() appends the release part of the namespace (after prefix) from
 * os-release, or returns why it cannot.
 */
struct os_rule {
	const char *os_id;		/* os-release ID */
	const char *ecosystem;		/* the packages this rule judges */
	const char *prefix;		/* namespace prefix: "debian:" */
	const char *name_kind;		/* "source": by source name and version */
	int (*release)(const struct osinfo *os, struct sb *ns, const char **why);
};

/* Debian: the major version ("12"), from VERSION_ID or else the codename
 * (testing and sid images have no VERSION_ID); sid stays "sid". */
static int
release_debian(const struct osinfo *os, struct sb *ns, const char **why)
{
	const char *v = NULL;

	if (os->version_id != NULL && release_debian_codename(os->version_id) != NULL)
		v = release_debian_version(release_debian_codename(os->version_id));
	else if (os->codename != NULL)
		v = release_debian_version(os->codename);
	if (v == NULL) {
		*why = "Debian release not recognised from os-release (VERSION_ID, "
		    "VERSION_CODENAME)";
		return -1;
	}
	sb_adds(ns, v);
	return 0;
}

/* Ubuntu: the version ("18.04") from VERSION_ID, else from the codename. ESM
 * and other channels ("ubuntu:16.04-esm-infra") are never chosen here: an
 * image's os-release names only its base release. */
static int
release_ubuntu(const struct osinfo *os, struct sb *ns, const char **why)
{
	const char *v = NULL;

	if (os->version_id != NULL && release_ubuntu_codename(os->version_id) != NULL)
		v = os->version_id;
	else if (os->codename != NULL)
		v = release_ubuntu_version(os->codename);
	if (v == NULL) {
		*why = "Ubuntu release not recognised from os-release (VERSION_ID, "
		    "VERSION_CODENAME)";
		return -1;
	}
	sb_adds(ns, v);
	return 0;
}

/*
 * Alpine: the branch the image installs from, as etc/apk/repositories names it
 * ("3.18"), else from VERSION_ID "3.18.4" (or "3.18") or etc/alpine-release. An
 * edge image (repositories on edge, VERSION_ID "3.19_alpha20230901") or
 * anything else has no stable branch whose secdb could judge it: not assessed.
 */
static int
release_alpine(const struct osinfo *os, struct sb *ns, const char **why)
{
	const char *v = os->version_id ? os->version_id : os->release;
	size_t i, digits = 0, dots = 0, cut = 0;

	*why = "Alpine release not recognised from os-release (VERSION_ID) or "
	    "etc/alpine-release";
	if (os->branch != NULL && strcmp(os->branch, "edge") == 0) {
		*why = "Alpine edge (etc/apk/repositories): no stable branch's secdb "
		    "applies to it";
		return -1;
	}
	if (os->branch != NULL)
		v = os->branch;	/* "3.18", checked by osrel.c */
	if (v == NULL)
		return -1;
	if (strchr(v, '_') != NULL || strcmp(v, "edge") == 0) {
		*why = "Alpine edge (a development snapshot): no stable branch's secdb "
		    "applies to it";
		return -1;
	}
	for (i = 0; v[i] != '\0'; i++) {
		if (v[i] == '.') {
			if (digits == 0 || ++dots > 2)
				return -1;
			if (dots == 2)
				cut = i;	/* "3.18.4" -> "3.18" */
			digits = 0;
		} else if (v[i] >= '0' && v[i] <= '9' && digits < 9)
			digits++;
		else
			return -1;
	}
	if (dots == 0 || digits == 0)
		return -1;
	sb_add(ns, v, cut ? cut : i);
	return 0;
}

/*
 * Amazon Linux: VERSION_ID "2" or "2023" as such (ALAS namespaces "amzn:2",
 * "amzn:2023"); Amazon Linux 1 says "2018.03" (YYYY.MM) -> "1".
 */
static int
release_amzn(const struct osinfo *os, struct sb *ns, const char **why)
{
	const char *v = os->version_id;

	*why = "Amazon Linux release not recognised from os-release (VERSION_ID: 2, "
	    "2023, or YYYY.MM for Amazon Linux 1)";
	if (v == NULL)
		return -1;
	if (strcmp(v, "2") == 0 || strcmp(v, "2023") == 0) {
		sb_adds(ns, v);
		return 0;
	}
	if (strlen(v) == 7 && v[0] == '2' && v[1] == '0' && v[2] >= '0' && v[2] <= '9' &&
	    v[3] >= '0' && v[3] <= '9' && v[4] == '.' && v[5] >= '0' && v[5] <= '1' &&
	    v[6] >= '0' && v[6] <= '9') {
		sb_adds(ns, "1");
		return 0;
	}
	return -1;
}

/* "N" or "N.M" (digits, at most 9 each) of VERSION_ID: the length of N in
 * *major; 0 when it is not of that form. */
static int
numeric_release(const char *v, size_t *major)
{
	size_t i = 0, n;

	if (v == NULL)
		return 0;
	for (n = 0; v[i] >= '0' && v[i] <= '9' && n < 9; i++, n++)
		;
	if (n == 0)
		return 0;
	*major = i;
	if (v[i] == '\0')
		return 1;
	if (v[i++] != '.')
		return 0;
	for (n = 0; v[i] >= '0' && v[i] <= '9' && n < 9; i++, n++)
		;
	return n > 0 && v[i] == '\0';
}

/*
 * Red Hat Enterprise Linux (and UBI images, ID "rhel"): the major version of
 * VERSION_ID "8.9" -> "8", the release Red Hat's OVAL files are per.
 */
static int
release_rhel(const struct osinfo *os, struct sb *ns, const char **why)
{
	size_t major;

	*why = "Red Hat Enterprise Linux release not recognised from os-release "
	    "(VERSION_ID: N or N.M)";
	if (!numeric_release(os->version_id, &major))
		return -1;
	sb_add(ns, os->version_id, major);
	return 0;
}

/* Oracle Linux: the major version of VERSION_ID "8.9" -> "8" (ELSA OVAL). */
static int
release_ol(const struct osinfo *os, struct sb *ns, const char **why)
{
	size_t major;

	*why = "Oracle Linux release not recognised from os-release (VERSION_ID: N or N.M)";
	if (!numeric_release(os->version_id, &major))
		return -1;
	sb_add(ns, os->version_id, major);
	return 0;
}

/*
 * SUSE Linux Enterprise Server (and SLE BCI images, whose os-release comes
 * from sles-release: ID "sles"): VERSION_ID "15.5" (15 SP5) as such, "15" for
 * the GA release; SUSE's OVAL names each service pack's platform.
 */
static int
release_sles(const struct osinfo *os, struct sb *ns, const char **why)
{
	size_t major;

	*why = "SUSE Linux Enterprise Server release not recognised from os-release "
	    "(VERSION_ID: N or N.SP)";
	if (!numeric_release(os->version_id, &major))
		return -1;
	sb_adds(ns, os->version_id);
	return 0;
}

static const struct os_rule os_rules[] = {
	{ "debian", "deb", "debian:", "source", release_debian },
	{ "ubuntu", "deb", "ubuntu:", "source", release_ubuntu },
	{ "alpine", "apk", "alpine:", "source", release_alpine },
	{ "amzn", "rpm", "amzn:", "binary", release_amzn },
	{ "rhel", "rpm", "rhel:", "binary", release_rhel },
	{ "ol", "rpm", "ol:", "binary", release_ol },
	{ "sles", "rpm", "sles:", "binary", release_sles },
};

static const struct os_rule *
os_rule_find(const struct osinfo *os)
{
	size_t i;

	for (i = 0; os->id && i < sizeof(os_rules) / sizeof(os_rules[0]); i++)
		if (strcmp(os->id, os_rules[i].os_id) == 0)
			return &os_rules[i];
	return NULL;
}

/* The bundle namespace for an OS, or NULL (with *why) when no rule knows it. */
static char *
os_namespace(const struct os_rule *rule, const struct osinfo *os, const char **why)
{
	struct sb ns = SB_INIT;

	*why = NULL;
	if (os->id == NULL) {
		*why = "operating system not identified (no os-release)";
		return NULL;
	}
	if (rule == NULL) {
		*why = "no matching rules for this operating system";
		return NULL;
	}
	sb_adds(&ns, rule->prefix);
	if (rule->release(os, &ns, why) != 0) {
		sb_free(&ns);
		return NULL;
	}
	return sb_steal(&ns);
}

static void
finding_free(struct finding *f)
{
	free(f->vuln_id); free(f->package); free(f->installed_version);
	free(f->source_package); free(f->source_version); free(f->fixed_version);
	free(f->status); free(f->severity); free(f->vendor_severity);
	free(f->vendor_status); free(f->note); free(f->record); free(f->comparison);
	free(f->source); free(f->namespace);
	free(f->description);
}

/* ---- OVAL --------------------------------------------------------------------- */

/* The candidate definitions of a run: every def id once. */
struct defs {
	int64_t *v;
	size_t n, cap;
};

static int
add_def(struct ctx *c, int64_t def, void *arg)
{
	struct defs *d = arg;

	(void)c;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 256;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n++] = def;
	return 0;
}

static int
cmp_i64(const void *va, const void *vb)
{
	int64_t a = *(const int64_t *)va, b = *(const int64_t *)vb;

	return (a > b) - (a < b);
}

static int
cmp_str(const void *va, const void *vb)
{
	return strcmp(*(const char *const *)va, *(const char *const *)vb);
}

static int
on_oval_hit(struct ctx *c, const struct oval_hit *h, void *arg)
{
	struct match_state *st = arg;
	const struct bundle_oval_def_row *d = h->def;
	struct bundle_affected row;

	memset(&row, 0, sizeof(row));
	row.source = d->source;
	row.vuln_id = h->vuln_id;
	row.ecosystem = d->ecosystem;
	row.namespace = d->namespace;
	row.package = h->package;
	row.name_kind = d->name_kind;
	row.state = h->status;
	row.fixed_version = h->fixed_version;
	row.severity = d->severity;
	row.vendor_severity = d->vendor_severity;
	row.vendor_status = h->vendor_status;	/* the witness test's, else the def's */
	row.note = h->note;
	row.advisory = d->advisory;
	row.description = h->description;
	note_eol(st, h->pkg, &row);
	return finding_add(c, st, h->pkg, &row, NULL, h->version,
	    d->advisory ? d->advisory : d->def_id, h->comparison);
}

static int
on_oval_bad_version(struct ctx *c, const struct pkg *p, const char *reason, void *arg)
{
	struct match_state *st = arg;

	(void)c;
	if (!version_failed(st, p))
		add_not_assessed(st, "package", p->name, p->version, reason);
	return 0;
}

/* OVAL findings of one (source, vuln, package, installed version): the one with
 * the highest fixed version stays (a fixed version before none). */
static int
cmp_oval_key(const struct finding *a, const struct finding *b)
{
	int d;

	if ((d = strcmp(a->source, b->source)) != 0 || (d = strcmp(a->vuln_id, b->vuln_id)) != 0 ||
	    (d = strcmp(a->package, b->package)) != 0)
		return d;
	return strcmp(a->installed_version, b->installed_version);
}

static int
cmp_oval(const void *va, const void *vb)
{
	const struct finding *a = va, *b = vb;
	int d, eco, cmp;

	if ((d = cmp_oval_key(a, b)) != 0)
		return d;
	if ((a->fixed_version == NULL) != (b->fixed_version == NULL))
		return a->fixed_version == NULL ? 1 : -1;
	if (a->fixed_version != NULL && (eco = version_eco_from_name(a->ecosystem)) >= 0 &&
	    version_cmp((enum version_eco)eco, a->fixed_version, b->fixed_version, &cmp) == 0 &&
	    cmp != 0)
		return -cmp;	/* highest first */
	if ((d = match_status_rank(a->status) - match_status_rank(b->status)) != 0)
		return d;
	if ((d = strcmp(a->record, b->record)) != 0)
		return d;
	return strcmp(a->comparison, b->comparison);
}

static void
dedupe_oval(struct match_result *m, size_t from)
{
	size_t i, n = from;

	if (m->nfindings - from > 1)
		qsort(m->findings + from, m->nfindings - from, sizeof(*m->findings), cmp_oval);
	for (i = from; i < m->nfindings; i++) {
		if (n > from && cmp_oval_key(&m->findings[n - 1], &m->findings[i]) == 0) {
			finding_free(&m->findings[i]);
			continue;
		}
		m->findings[n++] = m->findings[i];
	}
	m->nfindings = n;
}

/*
 * The OVAL definitions of the namespace: candidates from every package's
 * binary name (name_kind binary) and source name (name_kind source), each
 * definition evaluated once over the whole inventory (oval.h).
 */
static int
match_oval(struct ctx *c, struct match_state *st, const struct os_rule *rule,
    const char *namespace)
{
	const struct pkglist *pkgs = st->pkgs;
	struct oval_sink sink = { on_oval_hit, on_oval_bad_version, st };
	struct oval_eval *ev = NULL;
	struct defs defs = { NULL, 0, 0 };
	const char **names = NULL;
	size_t i, k, n, nf0 = st->res->nfindings;
	int r = E_INTERNAL;

	names = xreallocarray(NULL, pkgs->n + 1, sizeof(*names));
	for (k = 0; k < 2; k++) {
		const char *kind = k == 0 ? "binary" : "source";

		for (i = n = 0; i < pkgs->n; i++)
			if (strcmp(pkgs->v[i].ecosystem, rule->ecosystem) == 0)
				names[n++] = k == 0 ? pkgs->v[i].name : pkgs->v[i].source_name;
		if (n > 1)
			qsort(names, n, sizeof(*names), cmp_str);
		for (i = 0; i < n; i++) {
			if (i > 0 && strcmp(names[i - 1], names[i]) == 0)
				continue;
			if ((r = bundle_oval_candidates(c, st->b, rule->ecosystem, namespace,
			    names[i], kind, add_def, &defs)) != 0)
				goto out;
		}
	}
	if (defs.n > 1)
		qsort(defs.v, defs.n, sizeof(*defs.v), cmp_i64);
	if ((r = oval_eval_new(c, st->b, pkgs, rule->ecosystem, &ev)) != 0)
		goto out;
	for (i = 0; i < defs.n; i++) {
		if (i > 0 && defs.v[i - 1] == defs.v[i])
			continue;
		if ((r = oval_eval_def(c, ev, defs.v[i], &sink)) != 0)
			goto out;
	}
	dedupe_oval(st->res, nf0);
	r = 0;
out:
	oval_eval_free(ev);
	free(defs.v);
	free(names);
	return r;
}

/* ---- feed rows, one query per source package ----------------------------------- */

/*
 * The packages that share a query (the name the rule looks up), and its rows
 * once read: kept until the last of the packages has been judged.
 */
struct pkg_group {
	const char *name;	/* borrowed from the first package */
	size_t left;		/* its packages not judged yet */
	int loaded;		/* rows holds the query's rows */
	struct kept_row **rows;
	size_t nrows, cap;
};

struct name_ix {
	const char *name;
	size_t ix;		/* index in the package list */
};

static int
cmp_name_ix(const void *va, const void *vb)
{
	const struct name_ix *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->name, b->name)) != 0)
		return d;
	return (a->ix > b->ix) - (a->ix < b->ix);
}

/* Copies s to *p (advanced past its NUL); NULL stays NULL. */
static const char *
put_str(char **p, const char *s)
{
	char *d = *p;
	size_t n;

	if (s == NULL)
		return NULL;
	n = strlen(s) + 1;
	memcpy(d, s, n);
	*p += n;
	return d;
}

/* bundle_query_package_brief callback: a copy of the row into the group. */
static int
keep_row(struct ctx *c, const struct bundle_affected *row, void *arg)
{
	struct pkg_group *g = arg;
	const char *const s[] = {
		row->source, row->vuln_id, row->ecosystem, row->namespace, row->package,
		row->name_kind, row->state, row->fixed_version, row->severity,
		row->vendor_severity, row->vendor_status, row->note, row->advisory
	};
	struct kept_row *kr;
	size_t i, len = 0;
	char *p;

	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (s[i] != NULL && ckd_add(&len, len, strlen(s[i]) + 1))
			return ctx_err(c, E_LIMIT, "feed row too long");
	if (ckd_add(&len, len, sizeof(*kr)))
		return ctx_err(c, E_LIMIT, "feed row too long");
	kr = xmalloc(len);
	memset(kr, 0, sizeof(*kr));
	p = kr->text;
	kr->a.source = put_str(&p, row->source);
	kr->a.vuln_id = put_str(&p, row->vuln_id);
	kr->a.ecosystem = put_str(&p, row->ecosystem);
	kr->a.namespace = put_str(&p, row->namespace);
	kr->a.package = put_str(&p, row->package);
	kr->a.name_kind = put_str(&p, row->name_kind);
	kr->a.state = put_str(&p, row->state);
	kr->a.fixed_version = put_str(&p, row->fixed_version);
	kr->a.severity = put_str(&p, row->severity);
	kr->a.vendor_severity = put_str(&p, row->vendor_severity);
	kr->a.vendor_status = put_str(&p, row->vendor_status);
	kr->a.note = put_str(&p, row->note);
	kr->a.advisory = put_str(&p, row->advisory);
	kr->a.description = NULL;	/* brief rows have none: read per finding */
	if (g->nrows == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->rows = xreallocarray(g->rows, g->cap, sizeof(*g->rows));
	}
	g->rows[g->nrows++] = kr;
	return 0;
}

static void
group_clear(struct pkg_group *g)
{
	size_t i;

	for (i = 0; i < g->nrows; i++) {
		free(g->rows[i]->description);
		free(g->rows[i]);
	}
	free(g->rows);
	g->rows = NULL;
	g->nrows = g->cap = 0;
}

/*
 * The feed rows of every package of the rule's ecosystem, judged by on_row in
 * inventory order; one query per distinct name looked up.
 */
static int
match_rows(struct ctx *c, struct match_state *st, const struct os_rule *rule,
    const char *namespace)
{
	const struct pkglist *pkgs = st->pkgs;
	int by_source = strcmp(rule->name_kind, "source") == 0;
	struct name_ix *nx = xreallocarray(NULL, pkgs->n + 1, sizeof(*nx));
	size_t *gid = xreallocarray(NULL, pkgs->n + 1, sizeof(*gid));
	struct pkg_group *groups = NULL, *g;
	size_t i, j, n = 0, ng = 0;
	int r = 0;

	for (i = 0; i < pkgs->n; i++)
		if (strcmp(pkgs->v[i].ecosystem, rule->ecosystem) == 0) {
			nx[n].name = by_source ? pkgs->v[i].source_name : pkgs->v[i].name;
			nx[n++].ix = i;
		}
	if (n > 1)
		qsort(nx, n, sizeof(*nx), cmp_name_ix);
	groups = xcalloc(n + 1, sizeof(*groups));
	for (i = 0; i < n; i++) {
		if (i == 0 || strcmp(nx[i - 1].name, nx[i].name) != 0)
			groups[ng++].name = nx[i].name;
		groups[ng - 1].left++;
		gid[nx[i].ix] = ng - 1;
	}
	for (i = 0; i < pkgs->n; i++) {
		const struct pkg *p = &pkgs->v[i];

		st->pkg = p;
		if (strcmp(p->ecosystem, rule->ecosystem) != 0) {
			add_not_assessed(st, "package", p->name, p->version,
			    "package ecosystem does not match the operating system's feeds");
			continue;
		}
		g = &groups[gid[i]];
		if (!g->loaded) {
			if ((r = bundle_query_package_brief(c, st->b, rule->ecosystem, namespace,
			    g->name, rule->name_kind, keep_row, g)) != 0) {
				ctx_prefix(c, "%s %s", p->name, p->version);
				goto out;
			}
			g->loaded = 1;
		}
		for (j = 0; j < g->nrows; j++) {
			st->row = g->rows[j];
			if ((r = on_row(c, &g->rows[j]->a, st)) != 0) {
				ctx_prefix(c, "%s %s", p->name, p->version);
				goto out;
			}
		}
		st->row = NULL;
		if (--g->left == 0)
			group_clear(g);
	}
out:
	st->row = NULL;
	for (i = 0; i < ng; i++)
		group_clear(&groups[i]);
	free(groups);
	free(gid);
	free(nx);
	return r;
}

int
match_run(struct ctx *c, struct bundle *b, const struct osinfo *os,
    const struct pkglist *pkgs, struct match_result *out)
{
	const struct os_rule *rule = os_rule_find(os);
	struct match_state st;
	const char *why;
	struct sb msg = SB_INIT;
	size_t i;
	int covered = 0, have_oval = 0, r = E_INTERNAL;

	memset(out, 0, sizeof(*out));
	memset(&st, 0, sizeof(st));
	bundle_statements_keep(b);	/* released below */
	st.res = out;
	st.b = b;
	st.pkgs = pkgs;
	st.version_failed = xcalloc(pkgs->n + 1, 1);
	st.eol_reported = xcalloc(pkgs->n + 1, 1);
	out->npackages = pkgs->n;
	out->namespace = os_namespace(rule, os, &why);
	if (out->namespace == NULL) {
		add_not_assessed(&st, "os", os->id ? os->id : "unknown", os->version_id, why);
		goto all_packages;
	}
	if ((r = bundle_has_namespace(c, b, out->namespace, &covered)) != 0)
		goto out;
	out->coverage = covered == BUNDLE_NS_FIXES_ONLY ? "fixes-only" : "complete";
	if (covered == BUNDLE_NS_NONE) {
		out->coverage = NULL;
		sb_addf(&msg, "the bundle has no feed for %s", out->namespace);
		add_not_assessed(&st, "os", os->id, os->version_id, sb_str(&msg));
		goto all_packages;
	}
	if ((r = match_rows(c, &st, rule, out->namespace)) != 0)
		goto out;
	if ((r = bundle_oval_present(c, b, &have_oval)) != 0)
		goto out;
	if (have_oval && (r = match_oval(c, &st, rule, out->namespace)) != 0)
		goto out;
	match_sort_findings(out->findings, out->nfindings);
	r = 0;
	goto out;
all_packages:
	/* the OS itself could not be assessed: so could none of its packages */
	for (i = 0; i < pkgs->n; i++)
		add_not_assessed(&st, "package", pkgs->v[i].name, pkgs->v[i].version,
		    "operating system not assessed");
	r = 0;
out:
	bundle_statements_release(b);
	free(st.version_failed);
	free(st.eol_reported);
	for (i = 0; i < st.nvd_cap; i++)
		free(st.nvd[i].vuln_id);
	free(st.nvd);
	sb_free(&msg);
	if (r != 0)
		match_result_free(out);
	return r;
}

void
match_result_free(struct match_result *m)
{
	size_t i;

	for (i = 0; i < m->nfindings; i++)
		finding_free(&m->findings[i]);
	for (i = 0; i < m->nnot_assessed; i++) {
		free(m->not_assessed[i].kind); free(m->not_assessed[i].name);
		free(m->not_assessed[i].version); free(m->not_assessed[i].reason);
	}
	free(m->findings);
	free(m->not_assessed);
	free(m->namespace);
	memset(m, 0, sizeof(*m));
}
