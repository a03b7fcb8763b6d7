/*
 * oval_rhel.c - Red Hat Enterprise Linux OVAL (rhel-oval): the vendor
 * specifics; the parser is oval.c.
 *
 * Input: Red Hat's OVAL v2 per-release or per-stream files (rhel-8.oval.xml,
 * rhel-8-including-unpatched.oval.xml, RHEL8/<stream>.oval.xml) and the older
 * per-advisory v1 files, plain or compressed.
 *
 * Namespace: "rhel:N" from each <platform> "Red Hat Enterprise Linux N"
 * (optionally followed by a space and a variant) or "... for RHEL N" (layered
 * products such as "Red Hat Ansible Engine 2.9 for RHEL 8"); a definition
 * naming no platform (the unpatched CVE definitions) takes the file's one
 * release; "rhel-oval@8:FILE" forces rhel:8 for every definition.
 *
 * State: a definition with <advisory><affected><resolution state=...> (the
 * unpatched CVE definitions of *-including-unpatched files) maps the
 * resolution: "Affected" and "Fix deferred" -> unfixed, "Will not fix" and
 * "Out of support scope" -> wont-fix, "Under investigation" -> unknown; with
 * several resolutions the first of unfixed, unknown, wont-fix wins. The
 * vendor words go to vendor_status (the winning one) and note ("Will not fix:
 * ansible; Affected: ansible-test"). Any other word is E_FORMAT. Without a
 * resolution, oval_default_state(): patch definitions and those comparing
 * versions are "fixed", a vulnerability definition that only checks that
 * packages are installed ("ansible is installed") is "unfixed".
 *
 * Severity (<advisory><severity>): Critical -> critical, Important -> high,
 * Moderate -> medium, Low -> low, None -> negligible, else unknown.
 * Advisory: the ref_id of <reference source="RHSA"> (RHSA-, RHBA-, RHEA-).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "feeds/feed.h"
#include "feeds/oval.h"

#define RHEL_RELEASE_MAX	8	/* digits of a major release */

static const char *const severities[][2] = {
	{ "Critical", "critical" }, { "Important", "high" }, { "Moderate", "medium" },
	{ "Low", "low" }, { "None", "negligible" }, { NULL, NULL }
};

/* The digits at s (1..RHEL_RELEASE_MAX of them) followed by end or ' '. */
static size_t
release_at(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (n == 0 || n > RHEL_RELEASE_MAX || (s[n] != '\0' && s[n] != ' '))
		return 0;
	return n;
}

static int
rhel_arg(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX])
{
	size_t n = release_at(arg);

	if (n == 0 || arg[n] != '\0')
		return ctx_err(c, E_USAGE, "rhel-oval: release '%.32s' is not a major "
		    "release number (rhel-oval@8:FILE)", arg);
	snprintf(ns, OVAL_NS_MAX, "rhel:%s", arg);
	return 0;
}

static int
rhel_namespaces(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l,
    int *none)
{
	static const char prefix[] = "Red Hat Enterprise Linux ";
	static const char layered[] = " for RHEL ";
	char ns[OVAL_NS_MAX];
	const char *s, *at;
	size_t i, n;
	int r;

	*none = m->nplatforms == 0;
	for (i = 0; i < m->nplatforms; i++) {
		s = m->platforms[i];
		at = NULL;
		if (strncmp(s, prefix, sizeof(prefix) - 1) == 0)
			at = s + sizeof(prefix) - 1;
		else if ((at = strstr(s, layered)) != NULL) {
			at += sizeof(layered) - 1;
			if (at[release_at(at)] != '\0')
				at = NULL;
		}
		if (at == NULL || (n = release_at(at)) == 0)
			continue;
		snprintf(ns, sizeof(ns), "rhel:%.*s", (int)n, at);
		if ((r = oval_nslist_add(c, l, ns)) != 0)
			return r;
	}
	return 0;
}

static const char *
rhel_severity(const char *word)
{
	return oval_word_map(word, severities);
}

static const char *
rhel_advisory(const struct oval_meta *m)
{
	static const char *const sources[] = { "RHSA", NULL };

	return oval_ref_find(m, sources);
}

/* Resolution words, strongest claim first. */
static const struct {
	const char *word, *state;
	int rank;
} resolutions[] = {
	{ "Affected", "unfixed", 0 },
	{ "Fix deferred", "unfixed", 0 },
	{ "Under investigation", "unknown", 1 },
	{ "Will not fix", "wont-fix", 2 },
	{ "Out of support scope", "wont-fix", 2 },
};

static int
rhel_verdict(struct ctx *c, const struct oval_meta *m, const struct oval_facts *f,
    struct oval_verdict *v)
{
	size_t i, j, k, n = 0;
	int best = -1;

	if (m->nresolutions == 0) {
		v->state = oval_default_state(m, f);
		return 0;
	}
	for (i = 0; i < m->nresolutions; i++) {
		for (j = 0; j < sizeof(resolutions) / sizeof(resolutions[0]); j++)
			if (strcmp(m->resolutions[i], resolutions[j].word) == 0)
				break;
		if (j == sizeof(resolutions) / sizeof(resolutions[0]))
			return ctx_err(c, E_FORMAT, "resolution state '%.40s' is not one of "
			    "Affected, Fix deferred, Will not fix, Out of support scope, "
			    "Under investigation", m->resolutions[i]);
		if (best < 0 || resolutions[j].rank < resolutions[best].rank)
			best = (int)j;
		k = (size_t)snprintf(v->note + n, sizeof(v->note) - n, "%s%s%s%s",
		    n ? "; " : "", m->resolutions[i], m->components[i][0] ? ": " : "",
		    m->components[i]);
		n = k >= sizeof(v->note) - n ? sizeof(v->note) - 1 : n + k;
	}
	v->state = resolutions[best].state;
	v->vendor_status = resolutions[best].word;
	return 0;
}

/*
 * Red Hat publishes one file per release ("rhel-8-including-unpatched.oval.
 * xml.bz2", "rhel-8.oval.xml") and one per product stream beside it
 * ("ansible-2-including-unpatched...", "rhel-6-extras-including-unpatched...").
 * Only the first kind can say a release's list is complete.
 */
static int
rhel_whole_release(const char *path)
{
	static const char *const tails[] = { ".oval.xml", ".oval.xml.bz2",
		".oval.xml.gz", ".oval.xml.xz", ".oval.xml.zst", NULL };
	static const char unpatched[] = "-including-unpatched";
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t i = 5, n;

	if (strncmp(base, "rhel-", 5) != 0 || base[i] < '0' || base[i] > '9')
		return 0;
	while (base[i] >= '0' && base[i] <= '9')
		i++;
	if (strncmp(base + i, unpatched, sizeof(unpatched) - 1) == 0)
		i += sizeof(unpatched) - 1;
	for (n = 0; tails[n] != NULL; n++)
		if (strcmp(base + i, tails[n]) == 0)
			return 1;
	return 0;
}

const struct oval_vendor oval_vendor_rhel = {
	.source = "rhel-oval",
	.ecosystem = "rpm",
	.name_kind = "binary",
	.arg_namespace = rhel_arg,
	.namespaces = rhel_namespaces,
	.severity = rhel_severity,
	.advisory = rhel_advisory,
	.verdict = rhel_verdict,
	.whole_release = rhel_whole_release,
};

static int
rhel_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	return oval_parse_file(c, &oval_vendor_rhel, path, arg, w, records);
}

const struct feed_source feed_rhel_oval = {
	"rhel-oval",
	"Red Hat OVAL v2/v1 definitions, plain or compressed (rhel-oval[@8]:FILE)",
	"1",
	rhel_parse,
};
