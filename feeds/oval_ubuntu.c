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
 *
 * Per-package status (CVE OVAL): one definition per CVE lists every source
 * package of the release, each through one criterion whose comment is the
 * package's status in the Ubuntu CVE tracker, in the sentences of Canonical's
 * generator (ubuntu-cve-tracker scripts/oval_lib.py, parse_package_status):
 * "PKG package in RELEASE" then one of these, then "." or " (note: 'X')."
 * (the tracker's detail; released: the fixed version):
 *   " was vulnerable but has been fixed"      released (V): test evr < V
 *   " was vulnerable and has been fixed, but no release version available
 *     for it"                                 released, no version: exists
 *   ", is related to the CVE in some way and has been fixed"
 *                                             not-affected (V): evr < V
 *   " is affected. An update containing the fix has been completed and is
 *     pending publication"                    pending [(V)]: evr < V or exists
 *   " is affected and needs fixing"           needed: exists
 *   " is affected and may need fixing"        needs-triage: exists
 *   " is affected, but a decision has been made to defer addressing it"
 *                                             deferred: exists
 *   " has a vulnerability that is not known (status: 'S'). It is pending
 *     evaluation"                             anything else: unknown_test
 * and "PKG: while related to the CVE in some way, a decision has been made to
 * ignore this issue" (ignored: exists). "exists" is a dpkginfo_test without a
 * state ("Does the 'PKG' package exist?"); "evr < V" one whose state is evr
 * "less than" V (the generator writes no other: no "0:0" or out-of-range
 * versions; tests/data/oval/clair-fetcher_ubuntu_test.xml has "needs fixing"
 * and "has been fixed"). Canonical shares a test among definitions ("Does the
 * 'X' package exist?"), so oval.c writes one per distinct status.
 * The package's state is what the Ubuntu tracker parser (feeds/ubuntu.c)
 * gives the same status: released (V) -> fixed; pending -> unfixed (its V is
 * not published: no fixed version); needed, deferred -> unfixed; released
 * without a version, needs-triage and the rest -> unknown; ignored ->
 * wont-fix; except not-affected (V), which Canonical tests as a fix (versions
 * below V match): fixed. The sentences the generator never puts in a test
 * (", while related to the CVE in some way, is not affected", "PKG package
 * does not exist in RELEASE") -> not-affected. The status word is the vendor
 * status and the comment the note (oval_test.state, vendor_status, note). A
 * sentence of that shape with other words is E_FORMAT (fail closed); other
 * comments, and those of USN OVAL, say nothing of the kind. The "(CVE-...) "
 * prefix of Canonical's per-package OVAL is skipped.
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
	static const char *const package_ref[] = { "Package", NULL };
	char code[UBUNTU_CODENAME_MAX + 1], ns[OVAL_NS_MAX];
	const char *version, *t;
	int found = 0;

	*none = 0;
	/* Canonical's per-package OVAL (com.ubuntu.RELEASE.pkg.oval.xml): one
	 * definition per source package, listing all its CVEs, each named only in
	 * a criterion's comment. Read as a definition, every CVE of a package
	 * below its newest fix would be reported: refused, not misread. */
	if (oval_ref_find(m, package_ref) != NULL)
		return ctx_err(c, E_FORMAT, "%s: Canonical's per-package OVAL "
		    "(pkg.oval.xml) is not supported: build from the CVE OVAL "
		    "(com.ubuntu.RELEASE.cve.oval.xml) or the USN OVAL", m->id);
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

/* The words after "PKG package in RELEASE" (or after "PKG" for ignored). */
static const struct {
	const char *words, *status, *state;
} statuses[] = {
	{ " was vulnerable but has been fixed", "released", "fixed" },
	{ " was vulnerable and has been fixed, but no release version available for it",
	    "released", "unknown" },
	{ ", is related to the CVE in some way and has been fixed", "not-affected",
	    "fixed" },
	{ ", while related to the CVE in some way, is not affected", "not-affected",
	    "not-affected" },
	{ " is affected. An update containing the fix has been completed and is pending "
	    "publication", "pending", "unfixed" },
	{ " is affected and needs fixing", "needed", "unfixed" },
	{ " is affected and may need fixing", "needs-triage", "unknown" },
	{ " is affected, but a decision has been made to defer addressing it", "deferred",
	    "unfixed" },
	{ " has a vulnerability that is not known (status: '", "unknown", "unknown" },
};
static const char ignored_words[] =
    ": while related to the CVE in some way, a decision has been made to ignore this issue";

/* s starts with words, followed by the end, "." or " (": its length, else 0. */
static size_t
words_at(const char *s, const char *words)
{
	size_t n = strlen(words);

	if (strncmp(s, words, n) != 0)
		return 0;
	if (words[n - 1] == '\'' || s[n] == '\0' || s[n] == '.' ||
	    (s[n] == ' ' && s[n + 1] == '('))
		return n;
	return 0;
}

static int
ubuntu_criterion(struct ctx *c, const struct oval_meta *m, const char *comment,
    struct oval_pkgstatus *ps)
{
	static const char in[] = " package in ", dne[] = " package does not exist in ";
	const char *s = comment, *rel;
	size_t n, i;

	ps->state = ps->vendor_status = NULL;
	if (strcmp(m->klass, "vulnerability") != 0)
		return 0;
	if (strncmp(s, "(CVE-", 5) == 0 && (s = strstr(s, ") ")) != NULL)
		s += 2;
	else
		s = comment;
	n = strcspn(s, " :");
	if (n == 0)
		return 0;
	s += n;
	if (words_at(s, ignored_words) > 0) {
		ps->state = "wont-fix";
		ps->vendor_status = "ignored";
		return 0;
	}
	if (strncmp(s, dne, sizeof(dne) - 1) == 0) {
		ps->state = "not-affected";
		ps->vendor_status = "DNE";
		return 0;
	}
	if (strncmp(s, in, sizeof(in) - 1) != 0)
		return strncmp(s, ": while", 7) == 0 ? ctx_err(c, E_FORMAT, "criterion "
		    "comment '%.160s': status words not known (feeds/oval_ubuntu.c)", comment) :
		    0;
	rel = s + sizeof(in) - 1;
	if ((n = strcspn(rel, " ,")) == 0)
		return 0;
	for (i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (words_at(rel + n, statuses[i].words) > 0) {
			ps->state = statuses[i].state;
			ps->vendor_status = statuses[i].status;
			return 0;
		}
	return ctx_err(c, E_FORMAT, "criterion comment '%.160s': status words not known "
	    "(feeds/oval_ubuntu.c)", comment);
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
	.criterion = ubuntu_criterion,
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
