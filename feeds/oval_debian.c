/*
 * oval_debian.c - Debian OVAL (debian-oval): the vendor specifics; the parser
 * is oval.c.
 *
 * Input: oval-definitions-CODENAME.xml as the Debian security tracker
 * publishes it, plain or compressed. Package names are SOURCE names (one
 * definition per CVE and source package).
 *
 * Namespace: "debian:N" from each <platform> "Debian GNU/Linux N";
 * "debian-oval@11:FILE" or "@bullseye" forces it.
 *
 * State and coverage: Debian's OVAL writes "earlier than 0" (evr 0:0) both for
 * a release that was never affected and for an open (unfixed) issue, so open
 * issues never evaluate true; such definitions carry a note saying so, and the
 * namespace is covered "fixes-only" (absence never means safe). Everything
 * else is "fixed". Severity: the files carry none (unknown). Advisory: the
 * <debian><dsa> text (DSA-5376), else none.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "base/release.h"
#include "feeds/feed.h"
#include "feeds/oval.h"

#define DEBIAN_RELEASE_MAX	4	/* digits of a major release */

static const char *const severities[][2] = { { NULL, NULL } };

static int
debian_arg(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX])
{
	const char *version = release_debian_version(arg);

	if (version == NULL && oval_all_digits(arg, DEBIAN_RELEASE_MAX))
		version = arg;
	if (version == NULL)
		return ctx_err(c, E_USAGE, "debian-oval: release '%.32s' is not a Debian "
		    "major version or codename (debian-oval@11:FILE)", arg);
	snprintf(ns, OVAL_NS_MAX, "debian:%s", version);
	return 0;
}

static int
debian_namespaces(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l,
    int *none)
{
	return oval_platform_majors(c, m, "Debian GNU/Linux ", "debian", DEBIAN_RELEASE_MAX, l,
	    none);
}

static const char *
debian_severity(const char *word)
{
	return oval_word_map(word, severities);
}

static const char *
debian_advisory(const struct oval_meta *m)
{
	return m->dsa;
}

static int
debian_lists_unfixed(const struct oval_meta *m, const char *state)
{
	(void)m;
	(void)state;
	return 0;
}

const struct oval_vendor oval_vendor_debian = {
	.source = "debian-oval",
	.ecosystem = "deb",
	.name_kind = "source",
	.arg_namespace = debian_arg,
	.namespaces = debian_namespaces,
	.severity = debian_severity,
	.advisory = debian_advisory,
	.lists_unfixed = debian_lists_unfixed,
	.zero_note = "fixed version 0: Debian's OVAL gives it both for releases never "
	    "affected and for open issues, so this definition never evaluates true",
};

static int
debian_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	return oval_parse_file(c, &oval_vendor_debian, path, arg, w, records);
}

const struct feed_source feed_debian_oval = {
	"debian-oval",
	"Debian OVAL definitions (source packages), plain or compressed "
	    "(debian-oval[@11]:FILE)",
	"1",
	debian_parse,
};
