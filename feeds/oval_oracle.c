/*
 * oval_oracle.c - Oracle Linux OVAL (oracle-oval): the vendor specifics; the
 * parser is oval.c.
 *
 * Input: Oracle's ELSA OVAL (com.oracle.elsa-all.xml, per-year and
 * per-advisory files), plain or compressed.
 *
 * Namespace: "ol:N" from each <platform> "Oracle Linux N" (an advisory for
 * Oracle Linux 5 and 6 gives one row per release); "oracle-oval@8:FILE" forces
 * ol:8. Other platforms are skipped.
 *
 * Flavour: Oracle ships ksplice (user-space live patch) and FIPS builds of some
 * packages beside the normal ones, and its OVAL lists their fixes side by side.
 * A test whose state's evr release (after the last '-') contains ".ksplice" is
 * flavour "ksplice"; one containing "_fips" or ".fips" is "fips"; others have
 * none (normal). Tests without an evr carry no flavour: they do not constrain it.
 *
 * Severity (<advisory><severity>, upper case in the files): CRITICAL ->
 * critical, IMPORTANT -> high, MODERATE -> medium, LOW -> low, else (N/A)
 * unknown. Advisory: the ref_id of <reference source="elsa"> (ELSA-2007-0057).
 * State: fixed (ELSA definitions are patches).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "feeds/feed.h"
#include "feeds/oval.h"

#define OL_RELEASE_MAX	4	/* digits of a major release */

static const char *const severities[][2] = {
	{ "CRITICAL", "critical" }, { "IMPORTANT", "high" }, { "MODERATE", "medium" },
	{ "LOW", "low" }, { NULL, NULL }
};

static int
ol_arg(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX])
{
	if (!oval_all_digits(arg, OL_RELEASE_MAX))
		return ctx_err(c, E_USAGE, "oracle-oval: release '%.32s' is not a major "
		    "release number (oracle-oval@8:FILE)", arg);
	snprintf(ns, OVAL_NS_MAX, "ol:%s", arg);
	return 0;
}

static int
ol_namespaces(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l, int *none)
{
	return oval_platform_majors(c, m, "Oracle Linux ", "ol", OL_RELEASE_MAX, l, none);
}

static const char *
ol_severity(const char *word)
{
	return oval_word_map(word, severities);
}

static const char *
ol_advisory(const struct oval_meta *m)
{
	static const char *const sources[] = { "elsa", NULL };

	return oval_ref_find(m, sources);
}

static const char *
ol_flavour(const char *evr)
{
	const char *release = strrchr(evr, '-');

	if (release == NULL)
		return NULL;
	if (strstr(release, ".ksplice") != NULL)
		return "ksplice";
	if (strstr(release, "_fips") != NULL || strstr(release, ".fips") != NULL)
		return "fips";
	return NULL;
}

const struct oval_vendor oval_vendor_oracle = {
	.source = "oracle-oval",
	.ecosystem = "rpm",
	.name_kind = "binary",
	.arg_namespace = ol_arg,
	.namespaces = ol_namespaces,
	.severity = ol_severity,
	.advisory = ol_advisory,
	.flavour = ol_flavour,
};

static int
ol_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	return oval_parse_file(c, &oval_vendor_oracle, path, arg, w, records);
}

const struct feed_source feed_oracle_oval = {
	"oracle-oval",
	"Oracle Linux ELSA OVAL definitions, plain or compressed (oracle-oval[@8]:FILE)",
	"1",
	ol_parse,
};
