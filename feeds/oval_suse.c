/*
 * oval_suse.c - SUSE Linux Enterprise Server OVAL (suse-oval): the vendor
 * specifics; the parser is oval.c.
 *
 * Input: SUSE's OVAL (suse.linux.enterprise.server.15.xml and the -patch and
 * -affected variants), plain or compressed.
 *
 * Namespace: "sles:N" or "sles:N.M" from each <platform> "SUSE Linux
 * Enterprise Server N" or "... N SPM", also with the "-LTSS" or "-BCL" suffix
 * (long-term and business-critical support of the same release). Other SUSE
 * products (Desktop, Server for SAP Applications, modules, Manager, ...) are
 * not namespaces we scan: their platforms are ignored and a definition with
 * none left is skipped. "suse-oval@15.5:FILE" forces sles:15.5. The criteria
 * keep SUSE's per-release branches: "sles-release is ==15.1" is a pkg test on
 * the sles-release package's version.
 *
 * Severity (<advisory><severity>): Critical -> critical, Important -> high,
 * Moderate -> medium, Low -> low, else unknown. Advisory: the ref_id of a
 * <reference> whose source is SUSE-SU, SUSE-RU, SUSE-FU, SUSE-OU or
 * openSUSE-SU; none for the CVE definitions. State: as oval.h's default.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "feeds/feed.h"
#include "feeds/oval.h"

#define SLES_NUM_MAX	3	/* digits of a release or service pack number */

static const char *const severities[][2] = {
	{ "Critical", "critical" }, { "Important", "high" }, { "Moderate", "medium" },
	{ "Low", "low" }, { NULL, NULL }
};

/* Digits at s (1..SLES_NUM_MAX), their count or 0. */
static size_t
num_at(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n > 0 && n <= SLES_NUM_MAX ? n : 0;
}

static int
sles_arg(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX])
{
	size_t n = num_at(arg), m = 0;

	if (n > 0 && arg[n] == '.')
		m = num_at(arg + n + 1);
	if (n == 0 || (arg[n] != '\0' && (m == 0 || arg[n + 1 + m] != '\0')))
		return ctx_err(c, E_USAGE, "suse-oval: release '%.32s' is not N or N.SP "
		    "(suse-oval@15.5:FILE)", arg);
	snprintf(ns, OVAL_NS_MAX, "sles:%s", arg);
	return 0;
}

/* "SUSE Linux Enterprise Server 15 SP5[-LTSS]" -> "sles:15.5"; 0 when not. */
static int
sles_platform(const char *s, char ns[OVAL_NS_MAX])
{
	static const char prefix[] = "SUSE Linux Enterprise Server ";
	const char *p, *sp = NULL;
	size_t n, m = 0;

	if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
		return 0;
	p = s + sizeof(prefix) - 1;
	if ((n = num_at(p)) == 0)
		return 0;
	if (strncmp(p + n, " SP", 3) == 0) {
		sp = p + n + 3;
		if ((m = num_at(sp)) == 0)
			return 0;
	}
	s = sp != NULL ? sp + m : p + n;
	if (*s != '\0' && strcmp(s, "-LTSS") != 0 && strcmp(s, "-BCL") != 0)
		return 0;
	if (sp != NULL)
		snprintf(ns, OVAL_NS_MAX, "sles:%.*s.%.*s", (int)n, p, (int)m, sp);
	else
		snprintf(ns, OVAL_NS_MAX, "sles:%.*s", (int)n, p);
	return 1;
}

static int
sles_namespaces(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l,
    int *none)
{
	char ns[OVAL_NS_MAX];
	size_t i;
	int r;

	*none = m->nplatforms == 0;
	for (i = 0; i < m->nplatforms; i++)
		if (sles_platform(m->platforms[i], ns) && (r = oval_nslist_add(c, l, ns)) != 0)
			return r;
	return 0;
}

static const char *
sles_severity(const char *word)
{
	return oval_word_map(word, severities);
}

static const char *
sles_advisory(const struct oval_meta *m)
{
	static const char *const sources[] = {
		"SUSE-SU", "SUSE-RU", "SUSE-FU", "SUSE-OU", "openSUSE-SU", NULL
	};

	return oval_ref_find(m, sources);
}

const struct oval_vendor oval_vendor_suse = {
	.source = "suse-oval",
	.ecosystem = "rpm",
	.name_kind = "binary",
	.arg_namespace = sles_arg,
	.namespaces = sles_namespaces,
	.severity = sles_severity,
	.advisory = sles_advisory,
};

static int
sles_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	return oval_parse_file(c, &oval_vendor_suse, path, arg, w, records);
}

const struct feed_source feed_suse_oval = {
	"suse-oval",
	"SUSE Linux Enterprise Server OVAL definitions, plain or compressed "
	    "(suse-oval[@15.5]:FILE)",
	"1",
	sles_parse,
};
