/*
 * oval_ubuntu.c - Ubuntu OVAL (ubuntu-oval): the vendor specifics; the
 * parser is oval.c.
 *
 * Input: Canonical's USN OVAL (com.ubuntu.CODENAME.usn.oval.xml) and CVE OVAL
 * (com.ubuntu.CODENAME.cve.oval.xml), plain or compressed. Package names are
 * BINARY names; USN objects name them through var_ref to a constant_variable
 * listing every binary of the source package.
 *
 * Namespace: "ubuntu:VERSION" from the codename in the definition id
 * ("oval:com.ubuntu.lunar:def:59002000000" -> ubuntu:23.04, through
 * src/base/release.h), else from "(codename)" in the title; an unknown
 * codename is E_FORMAT (add it to release.c). "ubuntu-oval@23.04:FILE" or
 * "@lunar" forces the namespace.
 *
 * Coverage: CVE OVAL (class vulnerability) lists open issues too, so its
 * namespace is "complete"; USN OVAL (class patch) lists fixes only.
 * Severity (<advisory><severity>): Critical -> critical, High -> high,
 * Medium -> medium, Low -> low, Negligible -> negligible, else (Untriaged)
 * unknown. Advisory: the ref_id of <reference source="USN"> (USN-5900-2).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "base/release.h"
#include "feeds/feed.h"
#include "feeds/oval.h"

#define UBUNTU_CODENAME_MAX	32	/* bytes of a codename */

static const char *const severities[][2] = {
	{ "Critical", "critical" }, { "High", "high" }, { "Medium", "medium" },
	{ "Low", "low" }, { "Negligible", "negligible" }, { NULL, NULL }
};

static int
ubuntu_arg(struct ctx *c, const char *arg, char ns[OVAL_NS_MAX])
{
	const char *version = release_ubuntu_version(arg);

	if (version == NULL && release_ubuntu_codename(arg) != NULL)
		version = arg;
	if (version == NULL)
		return ctx_err(c, E_USAGE, "ubuntu-oval: release '%.32s' is not a known "
		    "Ubuntu version or codename (ubuntu-oval@23.04:FILE)", arg);
	snprintf(ns, OVAL_NS_MAX, "ubuntu:%s", version);
	return 0;
}

/* The lowercase word of s up to stop into out; 0 when there is none. */
static int
codename_at(const char *s, char stop, char out[UBUNTU_CODENAME_MAX + 1])
{
	size_t n = 0;

	while (s[n] >= 'a' && s[n] <= 'z' && n < UBUNTU_CODENAME_MAX)
		n++;
	if (n == 0 || s[n] != stop)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

static int
ubuntu_namespaces(struct ctx *c, const struct oval_meta *m, struct oval_nslist *l,
    int *none)
{
	static const char prefix[] = "oval:com.ubuntu.";
	char code[UBUNTU_CODENAME_MAX + 1], ns[OVAL_NS_MAX];
	const char *version, *t;
	int found = 0;

	*none = 0;
	if (strncmp(m->id, prefix, sizeof(prefix) - 1) == 0)
		found = codename_at(m->id + sizeof(prefix) - 1, ':', code);
	if (!found && m->title != NULL && (t = strchr(m->title, '(')) != NULL)
		found = codename_at(t + 1, ')', code);
	if (!found) {
		*none = 1;
		return 0;
	}
	if ((version = release_ubuntu_version(code)) == NULL)
		return ctx_err(c, E_FORMAT, "unknown Ubuntu codename '%s' (add it to "
		    "src/base/release.c)", code);
	snprintf(ns, sizeof(ns), "ubuntu:%s", version);
	return oval_nslist_add(c, l, ns);
}

static const char *
ubuntu_severity(const char *word)
{
	return oval_word_map(word, severities);
}

static const char *
ubuntu_advisory(const struct oval_meta *m)
{
	static const char *const sources[] = { "USN", NULL };

	return oval_ref_find(m, sources);
}

static int
ubuntu_lists_unfixed(const struct oval_meta *m, const char *state)
{
	return strcmp(m->klass, "vulnerability") == 0 || strcmp(state, "fixed") != 0;
}

const struct oval_vendor oval_vendor_ubuntu = {
	.source = "ubuntu-oval",
	.ecosystem = "deb",
	.name_kind = "binary",
	.arg_namespace = ubuntu_arg,
	.namespaces = ubuntu_namespaces,
	.severity = ubuntu_severity,
	.advisory = ubuntu_advisory,
	.lists_unfixed = ubuntu_lists_unfixed,
};

static int
ubuntu_parse(struct ctx *c, const char *path, const char *arg, struct bundle_writer *w,
    int64_t *records)
{
	return oval_parse_file(c, &oval_vendor_ubuntu, path, arg, w, records);
}

const struct feed_source feed_ubuntu_oval = {
	"ubuntu-oval",
	"Ubuntu USN or CVE OVAL definitions, plain or compressed (ubuntu-oval[@23.04]:FILE)",
	"1",
	ubuntu_parse,
};
