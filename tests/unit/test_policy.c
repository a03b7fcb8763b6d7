/*
 * test_policy.c - the policy parser (every error with its line and column),
 * evaluation on a real scan (a database built by the real Debian tracker parser
 * from the real samples, packages as in the sample image), and the verdict.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>
#include <yaml.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/write.h"
#include "feeds/feed.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"
#include "test.h"

#define T_0315 1773532800	/* 2026-03-15T00:00:00Z */
#define DIGEST "sha256:8d8b3e8166b2ddddeeae3557aad3ce195264d3857bdef8264b4ad711380a0e48"
#define TAG "localhost/airlock-sample:bullseye"

static int
parse(struct ctx *c, const char *yaml, struct policy *p)
{
	return policy_parse(c, "p.yaml", (const uint8_t *)yaml, strlen(yaml), p);
}

/* ---- parser ------------------------------------------------------------------ */

DEFINE_TEST(test_policy_parse_defaults)
{
	struct policy p, d;
	struct ctx c;

	ctx_init(&c);
	policy_default(&d);
	ASSERT_OK(&c, parse(&c, "version: 1\n", &p));
	ASSERT_STR_EQ(p.path, "p.yaml");
	ASSERT_INT_EQ(p.severity, d.severity);
	ASSERT_STR_EQ(policy_severity_name(p.severity), "negligible");
	ASSERT_INT_EQ(p.unknown_severity_fails, 1);
	ASSERT_INT_EQ(p.fixable_only, 0);
	ASSERT_INT_EQ(p.states, POLICY_STATES_ALL);
	ASSERT_INT_EQ(p.max_age_days, -1);
	ASSERT_INT_EQ(p.nsources, 0);
	ASSERT_INT_EQ(p.distribution_feed, 0);
	ASSERT_INT_EQ(p.allow_not_assessed, 0);
	ASSERT_INT_EQ(p.nwaivers, 0);
	ASSERT_STR_EQ(p.sha256, "");	/* parsed from memory: no file hash */
	policy_free(&p);
}

DEFINE_TEST(test_policy_parse_full)
{
	struct policy p;
	struct ctx c;
	size_t len;
	uint8_t *buf = test_slurp(test_data("policy/waived.yaml"), &len);
	const struct policy_waiver *w;

	ctx_init(&c);
	ASSERT_OK(&c, policy_parse(&c, "waived.yaml", buf, len, &p));
	free(buf);
	ASSERT_STR_EQ(policy_severity_name(p.severity), "low");
	ASSERT_INT_EQ(p.unknown_severity_fails, 1);
	ASSERT_INT_EQ(p.nsources, 1);
	ASSERT_STR_EQ(p.sources[0], "debian");
	ASSERT_INT_EQ(p.distribution_feed, 1);
	ASSERT_INT_EQ(p.nwaivers, 2);
	w = &p.waivers[0];
	ASSERT_STR_EQ(w->vulnerability, "CVE-2025-53603");
	ASSERT_STR_EQ(w->package, "libsope1");
	ASSERT_STR_EQ(w->versions, ">= 5.0.1-2, < 5.0.1-2+deb11u1");
	ASSERT_INT_EQ(w->nrange, 2);
	ASSERT_INT_EQ(w->range[0].op, POLICY_GE);
	ASSERT_STR_EQ(w->range[0].version, "5.0.1-2");
	ASSERT_INT_EQ(w->range[1].op, POLICY_LT);
	ASSERT_STR_EQ(w->range[1].version, "5.0.1-2+deb11u1");
	ASSERT_STR_EQ(w->ecosystem, "deb");
	ASSERT_STR_EQ(w->image, TAG);
	ASSERT_STR_EQ(w->owner, "security@example.org");
	ASSERT_STR_EQ(w->expires, "2099-12-31");
	ASSERT_INT_EQ(w->expires_at, 4102444800);	/* 2100-01-01T00:00:00Z */
	ASSERT_INT_EQ(w->line, 11);
	ASSERT_INT_EQ(w->column, 5);
	ASSERT_INT_EQ(w->versions_line, 13);
	ASSERT_INT_EQ(w->versions_column, 15);
	ASSERT(p.waivers[1].versions == NULL && p.waivers[1].image == NULL);
	policy_free(&p);

	/* every key of every section, and the flow and quoted forms */
	ASSERT_OK(&c, parse(&c,
	    "version: 1\n"
	    "fail: {severity: high, unknown_severity: pass, fixable_only: true,\n"
	    "       states: [fixed, wont-fix]}\n"
	    "require:\n"
	    "  max_bundle_age_days: 0\n"
	    "  sources: [\"debian\", 'alpine']\n"
	    "  distribution_feed: false\n"
	    "not_assessed: allow\n"
	    "waivers:\n"
	    "- {package: sope, versions: '!=1.0,<=2.0,>0,=1.5', owner: o, reason: r,\n"
	    "   expires: '2024-02-29'}\n", &p));
	ASSERT_STR_EQ(policy_severity_name(p.severity), "high");
	ASSERT_INT_EQ(p.unknown_severity_fails, 0);
	ASSERT_INT_EQ(p.fixable_only, 1);
	ASSERT_INT_EQ(p.states, POLICY_STATE_FIXED | POLICY_STATE_WONTFIX);
	ASSERT_INT_EQ(p.max_age_days, 0);
	ASSERT_INT_EQ(p.nsources, 2);
	ASSERT_STR_EQ(p.sources[1], "alpine");
	ASSERT_INT_EQ(p.allow_not_assessed, 1);
	w = &p.waivers[0];
	ASSERT_INT_EQ(w->nrange, 4);
	ASSERT_INT_EQ(w->range[0].op, POLICY_NE);
	ASSERT_INT_EQ(w->range[1].op, POLICY_LE);
	ASSERT_INT_EQ(w->range[2].op, POLICY_GT);
	ASSERT_INT_EQ(w->range[3].op, POLICY_EQ);
	ASSERT_STR_EQ(w->range[3].version, "1.5");
	ASSERT_INT_EQ(w->expires_at, 1709251200);	/* leap day 2024: to 2024-03-01 */
	ASSERT(w->vulnerability == NULL && w->ecosystem == NULL);
	policy_free(&p);
}

static const struct {
	const char *yaml;
	int code;
	const char *msg;	/* prefix of the message */
} bad[] = {
	{ "", E_FORMAT, "p.yaml:1:1: empty policy" },
	{ "- version\n", E_FORMAT, "p.yaml:1:1: the policy must be a mapping, not a list" },
	{ "fail: {}\n", E_FORMAT, "p.yaml:1:1: policy: missing version" },
	{ "version: 2\n", E_FORMAT, "p.yaml:1:10: version: policy format 2 is not supported" },
	{ "version: '1'\n", E_FORMAT, "p.yaml:1:10: version: expected a whole number" },
	{ "version: 1\nversion: 1\n", E_FORMAT, "p.yaml:2:1: policy: duplicate key 'version'" },
	{ "version: 1\nwaiver: []\n", E_FORMAT, "p.yaml:2:1: policy: unknown key 'waiver' "
	  "(known: version, fail, require, not_assessed, waivers)" },
	{ "version: 1\n? [a]\n: b\n", E_FORMAT, "p.yaml:2:3: policy: a key must be a scalar, "
	  "not a list" },
	{ "version: 1\ncaf\xc3\xa9: 1\n", E_FORMAT, "p.yaml:2:1: policy: unknown key 'caf\\xc3\\xa9'" },
	/* fail: */
	{ "version: 1\nfail:\n", E_FORMAT, "p.yaml:2:6: fail: expected a mapping, found null" },
	{ "version: 1\nfail:\n  severity: severe\n", E_FORMAT, "p.yaml:3:13: fail: severity: "
	  "'severe' is not one of negligible, low, medium, high, critical" },
	{ "version: 1\nfail:\n  severity: unknown\n", E_FORMAT, "p.yaml:3:13: fail: severity: "
	  "'unknown' is not one of" },
	{ "version: 1\nfail:\n  severity: [high]\n", E_FORMAT, "p.yaml:3:13: fail: severity: "
	  "expected a scalar, found a list" },
	{ "version: 1\nfail:\n  sevrity: high\n", E_FORMAT, "p.yaml:3:3: fail: unknown key "
	  "'sevrity' (known: severity, unknown_severity, fixable_only, states)" },
	{ "version: 1\nfail:\n  unknown_severity: ignore\n", E_FORMAT, "p.yaml:3:21: fail: "
	  "unknown_severity: 'ignore' is not one of fail, pass" },
	{ "version: 1\nfail:\n  fixable_only: yes\n", E_FORMAT, "p.yaml:3:17: fail: "
	  "fixable_only: expected true or false" },
	{ "version: 1\nfail:\n  fixable_only: \"true\"\n", E_FORMAT, "p.yaml:3:17: fail: "
	  "fixable_only: expected true or false" },
	{ "version: 1\nfail:\n  states: []\n", E_FORMAT, "p.yaml:3:11: fail: states: empty" },
	{ "version: 1\nfail:\n  states: [fixed, fixed]\n", E_FORMAT, "p.yaml:3:19: fail: "
	  "states: 'fixed' listed twice" },
	{ "version: 1\nfail:\n  states: [fixd]\n", E_FORMAT, "p.yaml:3:12: fail: states: "
	  "'fixd' is not one of fixed, unfixed, wont-fix, unknown" },
	{ "version: 1\nfail:\n  states: fixed\n", E_FORMAT, "p.yaml:3:11: fail: states: "
	  "expected a list, found a scalar" },
	/* require: */
	{ "version: 1\nrequire:\n  max_bundle_age_days: -1\n", E_FORMAT, "p.yaml:3:24: "
	  "require: max_bundle_age_days: expected a whole number" },
	{ "version: 1\nrequire:\n  max_bundle_age_days: 07\n", E_FORMAT, "p.yaml:3:24: "
	  "require: max_bundle_age_days: expected a whole number" },
	{ "version: 1\nrequire:\n  max_bundle_age_days: 36501\n", E_LIMIT, "p.yaml:3:24: "
	  "require: max_bundle_age_days: larger than 36500 (POLICY_AGE_MAX)" },
	{ "version: 1001\n", E_FORMAT, "p.yaml:1:10: version: larger than 1000" },
	{ "version: 1\nrequire:\n  sources: [debian, debian]\n", E_FORMAT, "p.yaml:3:21: "
	  "require: sources: 'debian' listed twice" },
	{ "version: 1\nrequire:\n  sources: ['deb ian']\n", E_FORMAT, "p.yaml:3:13: "
	  "require: sources: must not contain blanks" },
	{ "version: 1\nrequire:\n  sources: debian\n", E_FORMAT, "p.yaml:3:12: require: "
	  "sources: expected a list, found a scalar" },
	{ "version: 1\nrequire:\n  distribution_feed: 1\n", E_FORMAT, "p.yaml:3:22: "
	  "require: distribution_feed: expected true or false" },
	{ "version: 1\nrequire:\n  feeds: [debian]\n", E_FORMAT, "p.yaml:3:3: require: "
	  "unknown key 'feeds' (known: max_bundle_age_days, sources, distribution_feed)" },
	{ "version: 1\nnot_assessed: ignore\n", E_FORMAT, "p.yaml:2:15: not_assessed: "
	  "'ignore' is not one of no-verdict, allow" },
	/* waivers: */
	{ "version: 1\nwaivers: {}\n", E_FORMAT, "p.yaml:2:10: waivers: expected a list, "
	  "found a mapping" },
	{ "version: 1\nwaivers:\n", E_FORMAT, "p.yaml:2:9: waivers: expected a list, found null" },
	{ "version: 1\nwaivers: [CVE-1]\n", E_FORMAT, "p.yaml:2:11: waiver 1: expected a "
	  "mapping, found a scalar" },
	{ "version: 1\nwaivers:\n  - vulnerability: CVE-1\n    reason: r\n    expires: "
	  "2030-01-01\n", E_FORMAT, "p.yaml:3:5: waiver 1: missing owner" },
	{ "version: 1\nwaivers:\n  - vulnerability: CVE-1\n    owner: o\n    expires: "
	  "2030-01-01\n", E_FORMAT, "p.yaml:3:5: waiver 1: missing reason" },
	{ "version: 1\nwaivers:\n  - vulnerability: CVE-1\n    owner: o\n    reason: r\n",
	  E_FORMAT, "p.yaml:3:5: waiver 1: missing expires (YYYY-MM-DD)" },
	{ "version: 1\nwaivers:\n- {vulnerability: a, owner: o, reason: r, expires: "
	  "2030-01-01}\n- {vulnerability: b, owner: '', reason: r, expires: 2030-01-01}\n",
	  E_FORMAT, "p.yaml:4:29: waiver 2: owner: must not be empty" },
	{ "version: 1\nwaivers:\n- {vulnerability: a, owner: ~, reason: r, expires: "
	  "2030-01-01}\n", E_FORMAT, "p.yaml:3:29: waiver 1: owner: expected a string, found "
	  "null" },
	{ "version: 1\nwaivers:\n- {vulnerability: a, owners: o, reason: r, expires: "
	  "2030-01-01}\n", E_FORMAT, "p.yaml:3:22: waiver 1: unknown key 'owners' (known: "
	  "vulnerability, package, versions, ecosystem, image, owner, reason, expires)" },
	{ "version: 1\nwaivers:\n- {image: " TAG ", owner: o, reason: r, expires: "
	  "2030-01-01}\n", E_FORMAT, "p.yaml:3:3: waiver 1: needs vulnerability or package" },
	{ "version: 1\nwaivers:\n- {vulnerability: a, versions: '<1', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:32: waiver 1: versions needs package" },
	{ "version: 1\nwaivers:\n- {vulnerability: CVE 1, owner: o, reason: r, expires: "
	  "2030-01-01}\n", E_FORMAT, "p.yaml:3:19: waiver 1: vulnerability: must not contain "
	  "blanks" },
	{ "version: 1\nwaivers:\n- {vulnerability: a, image: 'sha256:abc', owner: o, "
	  "reason: r, expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:29: waiver 1: image: an "
	  "image id is sha256: and 64 lowercase hex digits" },
	{ "version: 1\nwaivers:\n- {package: a, ecosystem: deb2, owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:27: waiver 1: ecosystem: 'deb2' is not "
	  "one of deb, rpm, apk" },
	/* dates */
	{ "version: 1\nwaivers:\n- {package: a, owner: o, reason: r, expires: 2026-13-01}\n",
	  E_FORMAT, "p.yaml:3:46: waiver 1: expires: '2026-13-01' is not a date (YYYY-MM-DD)" },
	{ "version: 1\nwaivers:\n- {package: a, owner: o, reason: r, expires: 2026-1-01}\n",
	  E_FORMAT, "p.yaml:3:46: waiver 1: expires: '2026-1-01' is not a date" },
	{ "version: 1\nwaivers:\n- {package: a, owner: o, reason: r, expires: 20260101}\n",
	  E_FORMAT, "p.yaml:3:46: waiver 1: expires: '20260101' is not a date" },
	{ "version: 1\nwaivers:\n- {package: a, owner: o, reason: r, expires: 2026-02-29}\n",
	  E_FORMAT, "p.yaml:3:46: waiver 1: expires: '2026-02-29' is not a date" },
	{ "version: 1\nwaivers:\n- {package: a, owner: o, reason: r, expires: "
	  "2026-01-01T00:00:00Z}\n", E_FORMAT, "p.yaml:3:46: waiver 1: expires: "
	  "'2026-01-01T00:00:00Z' is not a date" },
	/* version ranges */
	{ "version: 1\nwaivers:\n- {package: a, versions: '>= 1.0,', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:26: waiver 1: versions: empty "
	  "constraint" },
	{ "version: 1\nwaivers:\n- {package: a, versions: '1.0', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:26: waiver 1: versions: '1.0' does not "
	  "start with an operator" },
	{ "version: 1\nwaivers:\n- {package: a, versions: '>=', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:26: waiver 1: versions: '>=' is not "
	  "OP VERSION" },
	{ "version: 1\nwaivers:\n- {package: a, versions: '< 1 2', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:26: waiver 1: versions: '< 1 2' is not "
	  "OP VERSION" },
	{ "version: 1\nwaivers:\n- {package: a, versions: '<< 1.0', owner: o, reason: r, "
	  "expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:26: waiver 1: versions: '<< 1.0' is "
	  "not OP VERSION" },
	{ "version: 1\nwaivers:\n- {package: a, ecosystem: deb, versions: '< 1:', owner: o, "
	  "reason: r, expires: 2030-01-01}\n", E_FORMAT, "p.yaml:3:42: waiver 1: versions: "
	  "'1:' is not a valid deb version" },
	{ "version: 1\nwaivers:\n- {package: a, versions: '>0,>1,>2,>3,>4,>5,>6,>7,>8', "
	  "owner: o, reason: r, expires: 2030-01-01}\n", E_LIMIT, "p.yaml:3:26: waiver 1: "
	  "versions: more than 8 constraints (POLICY_RANGE_MAX)" },
	/* YAML features we refuse, and YAML errors */
	{ "version: &v 1\n", E_FORMAT, "p.yaml:1:10: anchors are not allowed" },
	{ "version: 1\nfail: *x\n", E_FORMAT, "p.yaml:2:7: aliases are not allowed" },
	{ "version: !!int 1\n", E_FORMAT, "p.yaml:1:10: tags are not allowed" },
	{ "version: 1\n---\nversion: 1\n", E_FORMAT, "p.yaml:2:1: only one document is "
	  "allowed" },
	{ "version: 1\nwaivers:\n- {vulnerability: \"a\\0b\", owner: o, reason: r, expires: "
	  "2030-01-01}\n", E_FORMAT, "p.yaml:3:19: waiver 1: vulnerability: value contains a "
	  "NUL byte" },
	{ "version: 1\nfail:\n  severity: high: critical\n", E_FORMAT, "p.yaml:3:17: invalid "
	  "yaml: mapping values are not allowed in this context" },
	{ "version: 1\nfail:\n  severity: \"high\n", E_FORMAT, "p.yaml:4:1: invalid yaml: "
	  "found unexpected end of stream (while scanning a quoted scalar at line 3, column 13)" },
	{ "version: 1\n\xff\n", E_FORMAT, "p.yaml:2:1: invalid yaml: invalid leading UTF-8 "
	  "octet" },
};

DEFINE_TEST(test_policy_parse_errors)
{
	struct policy p;
	struct ctx c;
	size_t i;
	int r;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ctx_init(&c);
		r = parse(&c, bad[i].yaml, &p);
		if (r != bad[i].code || strncmp(c.err, bad[i].msg, strlen(bad[i].msg)) != 0) {
			test_fail(t, __FILE__, __LINE__, "case %zu: got %s \"%s\", want %s \"%s\"",
			    i, ctx_code_name(r), c.err, ctx_code_name(bad[i].code), bad[i].msg);
			return;
		}
		/* nothing is handed back on failure */
		ASSERT(p.path == NULL && p.nwaivers == 0 && p.waivers == NULL &&
		    p.nsources == 0);
	}
}

/* The limits that need big inputs. */
DEFINE_TEST(test_policy_parse_limits)
{
	struct sb b = SB_INIT;
	struct policy p;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	/* one string over POLICY_STRING_MAX */
	sb_adds(&b, "version: 1\nwaivers:\n- {package: a, owner: o, expires: 2030-01-01, "
	    "reason: ");
	for (i = 0; i <= POLICY_STRING_MAX; i++)
		sb_addc(&b, 'x');
	sb_adds(&b, "}\n");
	ASSERT_INT_EQ(parse(&c, sb_str(&b), &p), E_LIMIT);
	ASSERT_STR_EQ(c.err, "p.yaml:3:55: waiver 1: reason: value longer than 4096 bytes "
	    "(POLICY_STRING_MAX)");
	sb_reset(&b);

	/* POLICY_WAIVERS_MAX waivers are fine, one more is not */
	sb_adds(&b, "version: 1\nwaivers:\n");
	for (i = 0; i < POLICY_WAIVERS_MAX; i++)
		sb_addf(&b, "- {vulnerability: CVE-%zu, owner: o, reason: r, expires: "
		    "2030-01-01}\n", i);
	ASSERT_OK(&c, parse(&c, sb_str(&b), &p));
	ASSERT_INT_EQ(p.nwaivers, POLICY_WAIVERS_MAX);
	ASSERT_STR_EQ(p.waivers[POLICY_WAIVERS_MAX - 1].vulnerability, "CVE-4095");
	ASSERT_INT_EQ(p.waivers[POLICY_WAIVERS_MAX - 1].line, POLICY_WAIVERS_MAX + 2);
	policy_free(&p);
	sb_adds(&b, "- {vulnerability: CVE-x, owner: o, reason: r, expires: 2030-01-01}\n");
	ASSERT_INT_EQ(parse(&c, sb_str(&b), &p), E_LIMIT);
	ASSERT_STR_EQ(c.err, "p.yaml:4099:3: waivers: more than 4096 (POLICY_WAIVERS_MAX)");
	sb_reset(&b);

	/* POLICY_SOURCES_MAX */
	sb_adds(&b, "version: 1\nrequire:\n  sources:\n");
	for (i = 0; i <= POLICY_SOURCES_MAX; i++)
		sb_addf(&b, "  - s%zu\n", i);
	ASSERT_INT_EQ(parse(&c, sb_str(&b), &p), E_LIMIT);
	ASSERT_STR_EQ(c.err, "p.yaml:68:5: require: sources: more than 64 (POLICY_SOURCES_MAX)");
	sb_reset(&b);

	/* POLICY_FILE_MAX, before a byte is parsed */
	for (i = 0; i <= POLICY_FILE_MAX; i += 8)
		sb_adds(&b, "#######\n");
	ASSERT_INT_EQ(parse(&c, sb_str(&b), &p), E_LIMIT);
	ASSERT_STR_EQ(c.err, "p.yaml: larger than 1048576 bytes (POLICY_FILE_MAX)");
	sb_free(&b);
}

/* Each tests/data/policy/bad-*.yaml says on its first line what the error is. */
DEFINE_TEST(test_policy_parse_bad_examples)
{
	static const char *const files[] = {
		"bad-unknown-key.yaml", "bad-missing-owner.yaml", "bad-date.yaml",
		"bad-range.yaml", "bad-yaml.yaml",
	};
	char rel[64], want[256];
	struct policy p;
	struct ctx c;
	uint8_t *buf;
	size_t i, len, n;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		ctx_init(&c);
		snprintf(rel, sizeof(rel), "policy/%s", files[i]);
		buf = test_slurp(test_data(rel), &len);
		ASSERT(len > 10 && memcmp(buf, "# expect: ", 10) == 0);
		for (n = 10; n < len && buf[n] != '\n'; n++)
			;
		snprintf(want, sizeof(want), "%.*s", (int)(n - 10), (const char *)buf + 10);
		ASSERT_INT_EQ(policy_parse(&c, files[i], buf, len, &p), E_FORMAT);
		free(buf);
		if (strncmp(c.err, want, strlen(want)) != 0) {
			test_fail(t, __FILE__, __LINE__, "%s: \"%s\" lacks \"%s\"", files[i], c.err,
			    want);
			return;
		}
	}
}

/* "p.yaml:LINE:COLUMN: " with both numbers positive. */
static int
has_position(const char *msg)
{
	const char *s = msg;
	int part, digits;

	if (strncmp(s, "p.yaml:", 7) != 0)
		return 0;
	s += 7;
	for (part = 0; part < 2; part++) {
		for (digits = 0; *s >= '0' && *s <= '9'; s++)
			digits++;
		if (digits == 0 || s[-digits] == '0' || *s++ != ':')
			return 0;
	}
	return *s == ' ';
}

/* Every truncation of a real policy, and every byte of it replaced by bytes YAML
 * cares about: parsed, or refused with E_FORMAT/E_LIMIT and a position. */
DEFINE_TEST(test_policy_parse_mutations)
{
	static const uint8_t subst[] = {
		0x00, 0xff, 0xc3, ':', '[', ']', '{', '&', '*', '!', '-', ' ', '\n', '"', '\'',
		'#', '\t', '?', '|', '%', ',', '1'
	};
	size_t len, i, k, n, nok = 0, nerr = 0;
	uint8_t *buf = test_slurp(test_data("policy/waived.yaml"), &len), *m;
	struct policy p;
	struct ctx c;
	int r;

	m = malloc(len + 1);
	ASSERT(m != NULL);
	for (i = 0; i <= len * (1 + sizeof(subst)); i++) {
		memcpy(m, buf, len);
		if (i <= len) {
			n = i;			/* truncated to i bytes */
		} else {
			k = i - len - 1;	/* byte k / |subst| replaced */
			n = len;
			m[k / sizeof(subst)] = subst[k % sizeof(subst)];
		}
		ctx_init(&c);
		r = policy_parse(&c, "p.yaml", m, n, &p);
		if (r == 0) {
			nok++;
			policy_free(&p);
			continue;
		}
		nerr++;
		if ((r != E_FORMAT && r != E_LIMIT) || !has_position(c.err)) {
			test_fail(t, __FILE__, __LINE__, "mutation %zu: %s \"%s\"", i,
			    ctx_code_name(r), c.err);
			free(m);
			free(buf);
			return;
		}
	}
	free(m);
	free(buf);
	/* both outcomes happen: the mutations reach past the first error check */
	ASSERT(nok > 100 && nerr > 1000);
}

DEFINE_TEST(test_policy_load)
{
	struct policy p;
	struct ctx c;
	FILE *f;
	size_t i;

	ctx_init(&c);
	ASSERT((f = fopen("p.yaml", "w")) != NULL);
	fputs("version: 1\n", f);
	fclose(f);
	ASSERT_OK(&c, policy_load(&c, "p.yaml", &p));
	ASSERT_STR_EQ(p.path, "p.yaml");
	/* sha256sum of "version: 1\n", computed outside airlock */
	ASSERT_STR_EQ(p.sha256, "09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847");
	policy_free(&p);

	ASSERT_INT_EQ(policy_load(&c, "missing.yaml", &p), E_IO);
	ASSERT(strstr(c.err, "missing.yaml") != NULL);

	ASSERT((f = fopen("big.yaml", "w")) != NULL);
	for (i = 0; i <= POLICY_FILE_MAX; i += 8)
		fputs("#######\n", f);
	fclose(f);
	ASSERT_INT_EQ(policy_load(&c, "big.yaml", &p), E_LIMIT);
	ASSERT_STR_EQ(c.err, "big.yaml: larger than 1048576 bytes (POLICY_FILE_MAX)");

	/* a bad file names itself, with line and column */
	ASSERT((f = fopen("bad.yaml", "w")) != NULL);
	fputs("version: 1\nfail:\n  severity: hihg\n", f);
	fclose(f);
	ASSERT_INT_EQ(policy_load(&c, "bad.yaml", &p), E_FORMAT);
	ASSERT_STR_EQ(c.err, "bad.yaml:3:13: fail: severity: 'hihg' is not one of negligible, "
	    "low, medium, high, critical");
}

/* ---- evaluation on a real scan ------------------------------------------------ */

/* Builds m.db from both tracker samples plus extra rows of a second source. */
static int
build_db(struct ctx *c, const struct bundle_affected *extra, size_t nextra)
{
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	int64_t n1 = 0, n2 = 0;
	size_t i;
	int r;

	memset(&meta, 0, sizeof(meta));
	meta.format = 1;
	meta.serial = 1;
	meta.created = 1700000000;
	meta.expires = 1800000000;
	if ((r = bundle_writer_new(c, "m.db", &w)) != 0)
		return r;
	if ((r = bundle_writer_source_begin(c, w, "debian", "tracker", "1")) != 0 ||
	    (r = feed_debian.parse(c, test_data("debian-tracker/vunnel-debian.json"), NULL, w,
	    &n1)) != 0 ||
	    (r = feed_debian.parse(c, test_data(
	    "debian-tracker/osv-dev-debian_security_tracker_mock.json"), NULL, w, &n2)) != 0 ||
	    (r = bundle_writer_source_end(c, w, n1 + n2)) != 0)
		goto out;
	if (nextra > 0) {
		if ((r = bundle_writer_source_begin(c, w, "extra", "test rows", "1")) != 0)
			goto out;
		for (i = 0; i < nextra; i++)
			if ((r = bundle_writer_affected(c, w, &extra[i])) != 0)
				goto out;
		if ((r = bundle_writer_source_end(c, w, (int64_t)nextra)) != 0)
			goto out;
	}
	r = bundle_writer_finish(c, w, &meta);
out:
	bundle_writer_free(w);
	return r;
}

static void
add(struct pkglist *l, const char *name, const char *ver, const char *src, const char *srcver)
{
	struct pkg p = { (char *)name, (char *)ver, (char *)"amd64", (char *)src,
		(char *)srcver, "deb", 1, NULL, NULL };

	pkglist_add(l, &p);
}

/* Rows the samples lack: a wont-fix (low), an unknown state, a high unfixed. */
static const struct bundle_affected extra_rows[] = {
	{ .vuln_id = "CVE-2000-0001", .ecosystem = "deb", .namespace = "debian:11",
	  .package = "txt2man", .name_kind = "source", .state = "wont-fix",
	  .severity = "low", .vendor_severity = "low", .vendor_status = "open",
	  .note = "ignored: minor issue" },
	{ .vuln_id = "CVE-2000-0002", .ecosystem = "deb", .namespace = "debian:11",
	  .package = "txt2man", .name_kind = "source", .state = "unknown",
	  .severity = "unknown", .vendor_status = "undetermined" },
	{ .vuln_id = "CVE-2000-0005", .ecosystem = "deb", .namespace = "debian:11",
	  .package = "txt2man", .name_kind = "source", .state = "unfixed",
	  .severity = "high", .vendor_severity = "high", .vendor_status = "open" },
};

/* A scan of packages from the sample image against the real samples. */
struct scan {
	struct bundle b;
	struct pkglist l;
	struct match_result m;
	struct image img;
	char *tags[5];
	struct bundle_meta meta;
	struct report_source src[2];
	struct report r;
	struct osinfo os;
};

static int
scan_run(struct ctx *c, struct scan *s, const char *version_id)
{
	int r;

	memset(s, 0, sizeof(*s));
	unlink("m.db");
	if ((r = build_db(c, extra_rows, sizeof(extra_rows) / sizeof(extra_rows[0]))) != 0)
		return r;
	if (sqlite3_open_v2("m.db", &s->b.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return ctx_err(c, E_IO, "m.db: cannot open");
	/* versions as in the sample image's dpkg status (bullseye) */
	add(&s->l, "apparmor", "2.13.6-10", "apparmor", "2.13.6-10");
	add(&s->l, "libsope1", "5.0.1-2", "sope", "5.0.1-2");
	add(&s->l, "txt2man", "1.7.1-1+deb11u1", "txt2man", "1.7.1-1+deb11u1");
	s->os.id = (char *)"debian";
	s->os.version_id = (char *)version_id;
	s->os.codename = (char *)"bullseye";
	if ((r = match_run(c, &s->b, &s->os, &s->l, &s->m)) != 0)
		return r;
	s->tags[0] = (char *)TAG;
	s->img.archive_sha256 = (char *)"e8cb2aa81847994e90e534c336226db176f819b8f34799ec2643a37423a5f920";
	s->img.config_digest = (char *)DIGEST;
	s->img.tags = s->tags;
	s->meta.format = 1;
	s->meta.serial = 1000;
	s->meta.created = T_0315 - 86400;
	s->meta.expires = T_0315 + 30 * 86400;
	strcpy(s->meta.keyid, "C14E0F8E8B70BD2A");
	s->src[0].name = "debian";
	s->src[0].format = "tracker";
	s->src[0].parser_version = "1";
	s->src[0].records = 40;
	s->src[1].name = "extra";
	s->src[1].format = "test rows";
	s->src[1].parser_version = "1";
	s->src[1].records = 3;
	s->r.image_path = "sample.tar";
	s->r.img = &s->img;
	s->r.os = &s->os;
	s->r.pkgs = &s->l;
	s->r.bundle_path = "bundle.db.zst";
	s->r.meta = &s->meta;
	s->r.sources = s->src;
	s->r.nsources = 2;
	s->r.match = &s->m;
	s->r.now = T_0315 + 12 * 3600;
	return 0;
}

static void
scan_free(struct scan *s)
{
	match_result_free(&s->m);
	pkglist_free(&s->l);
	sqlite3_close(s->b.db);
}

static int
fidx(const struct scan *s, const char *vuln, const char *pkg)
{
	size_t i;

	for (i = 0; i < s->m.nfindings; i++)
		if (strcmp(s->m.findings[i].vuln_id, vuln) == 0 &&
		    strcmp(s->m.findings[i].package, pkg) == 0)
			return (int)i;
	return -1;
}

/* Parses yaml and evaluates the scan under it. */
static int
eval(struct ctx *c, struct scan *s, const char *yaml, struct policy *p, struct policy_eval *e)
{
	int r;

	if ((r = parse(c, yaml, p)) != 0)
		return r;
	if ((r = policy_evaluate(c, p, &s->r, e)) != 0)
		policy_free(p);
	return r;
}

#define APPARMOR	fidx(&s, "CVE-2016-1585", "apparmor")	/* unfixed, negligible */
#define SOPE		fidx(&s, "CVE-2025-53603", "libsope1")	/* fixed, unknown */
#define WONTFIX		fidx(&s, "CVE-2000-0001", "txt2man")	/* wont-fix, low */
#define UNKNOWN		fidx(&s, "CVE-2000-0002", "txt2man")	/* unknown, unknown */
#define HIGH		fidx(&s, "CVE-2000-0005", "txt2man")	/* unfixed, high */

DEFINE_TEST(test_policy_eval_default)
{
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));
	ASSERT_INT_EQ(s.m.nfindings, 5);
	ASSERT(APPARMOR >= 0 && SOPE >= 0 && WONTFIX >= 0 && UNKNOWN >= 0 && HIGH >= 0);
	/* without an evaluation, report_verdict applies the default policy */
	ASSERT_INT_EQ(report_verdict(&s.r), REPORT_FAIL);
	policy_default(&p);
	ASSERT_OK(&c, policy_evaluate(&c, &p, &s.r, &e));
	for (i = 0; i < s.m.nfindings; i++)
		ASSERT_INT_EQ(e.findings[i].decision, POLICY_FAIL);
	ASSERT_STR_EQ(e.findings[APPARMOR].why,
	    "severity negligible is at or above the threshold negligible");
	ASSERT_STR_EQ(e.findings[SOPE].why, "severity unknown fails (unknown_severity: fail)");
	ASSERT_INT_EQ(e.findings[SOPE].cmp, -1);	/* 5.0.1-2 < 5.0.1-2+deb11u1 */
	ASSERT_INT_EQ(e.findings[APPARMOR].cmp, 2);	/* no fixed version */
	ASSERT_INT_EQ(e.nfail, 5);
	ASSERT_INT_EQ(e.nchecks, 0);
	ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
	s.r.eval = &e;
	ASSERT_INT_EQ(report_verdict(&s.r), REPORT_FAIL);
	ASSERT_INT_EQ(policy_exit_status(report_verdict(&s.r)), 1);
	policy_eval_free(&e);
	scan_free(&s);
}

DEFINE_TEST(test_policy_eval_conditions)
{
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));

	/* threshold low, unknown severities pass */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {severity: low, unknown_severity: pass}\n",
	    &p, &e));
	ASSERT_INT_EQ(e.findings[APPARMOR].decision, POLICY_PASS);
	ASSERT_STR_EQ(e.findings[APPARMOR].why, "severity negligible is below the threshold low");
	ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_PASS);
	ASSERT_STR_EQ(e.findings[SOPE].why, "severity unknown passes (unknown_severity: pass)");
	ASSERT_INT_EQ(e.findings[WONTFIX].decision, POLICY_FAIL);
	ASSERT_STR_EQ(e.findings[WONTFIX].why, "severity low is at or above the threshold low");
	ASSERT_INT_EQ(e.findings[UNKNOWN].decision, POLICY_PASS);
	ASSERT_INT_EQ(e.findings[HIGH].decision, POLICY_FAIL);
	ASSERT_INT_EQ(e.nfail, 2);
	ASSERT_INT_EQ(e.npass, 3);
	ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
	policy_eval_free(&e);
	policy_free(&p);

	/* above every severity: pass */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {severity: critical, unknown_severity: "
	    "pass}\n", &p, &e));
	ASSERT_INT_EQ(e.nfail, 0);
	ASSERT_INT_EQ(e.verdict, REPORT_PASS);
	s.r.eval = &e;
	ASSERT_INT_EQ(report_verdict(&s.r), REPORT_PASS);
	ASSERT_INT_EQ(policy_exit_status(report_verdict(&s.r)), 0);
	s.r.eval = NULL;
	policy_eval_free(&e);
	policy_free(&p);

	/* only the fixed state counts */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {states: [fixed]}\n", &p, &e));
	ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_FAIL);
	ASSERT_INT_EQ(e.findings[HIGH].decision, POLICY_PASS);
	ASSERT_STR_EQ(e.findings[HIGH].why, "state unfixed is not counted");
	ASSERT_STR_EQ(e.findings[WONTFIX].why, "state wont-fix is not counted");
	ASSERT_STR_EQ(e.findings[UNKNOWN].why, "state unknown is not counted");
	ASSERT_INT_EQ(e.nfail, 1);
	policy_eval_free(&e);
	policy_free(&p);

	/* unfixed and won't-fix, not fixed */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {states: [unfixed, wont-fix]}\n", &p, &e));
	ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_PASS);
	ASSERT_INT_EQ(e.findings[APPARMOR].decision, POLICY_FAIL);
	ASSERT_INT_EQ(e.findings[WONTFIX].decision, POLICY_FAIL);
	ASSERT_INT_EQ(e.findings[UNKNOWN].decision, POLICY_PASS);
	policy_eval_free(&e);
	policy_free(&p);

	/* only what can be fixed */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {fixable_only: true}\n", &p, &e));
	ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_FAIL);
	ASSERT_INT_EQ(e.findings[HIGH].decision, POLICY_PASS);
	ASSERT_STR_EQ(e.findings[HIGH].why, "no fixed version (fixable_only)");
	ASSERT_INT_EQ(e.nfail, 1);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);
}

/* One waiver against the default fail conditions: its state and what it did. */
static int
one_waiver(struct ctx *c, struct scan *s, const char *scope, const char *expires,
    struct policy *p, struct policy_eval *e)
{
	char y[1024];

	snprintf(y, sizeof(y), "version: 1\nwaivers:\n- {%s, owner: team-a, reason: test, "
	    "expires: %s}\n", scope, expires);
	return eval(c, s, y, p, e);
}

DEFINE_TEST(test_policy_eval_waiver_scopes)
{
	static const struct {
		const char *scope;
		int applies;	/* waives CVE-2025-53603 in libsope1 */
	} cases[] = {
		{ "vulnerability: CVE-2025-53603", 1 },
		{ "vulnerability: CVE-2025-53604", 0 },
		{ "package: libsope1", 1 },
		{ "package: sope", 1 },			/* the source name */
		{ "package: libsope", 0 },
		{ "package: libsope1, versions: '>= 5.0.1-2, < 5.0.1-2+deb11u1'", 1 },
		{ "package: libsope1, versions: '= 5.0.1-2'", 1 },
		{ "package: libsope1, versions: '< 5.0.1-2'", 0 },
		{ "package: libsope1, versions: '!= 5.0.1-2'", 0 },
		{ "package: libsope1, versions: '> 5.0.1-1, <= 5.0.1-2'", 1 },
		{ "package: libsope1, versions: '>= 5.0.1-2+deb11u1'", 0 },
		/* dpkg ordering, not string ordering: 5.0.1-2 > 5.0.1~rc1 */
		{ "package: libsope1, versions: '> 5.0.1~rc1'", 1 },
		{ "package: sope, versions: '= 5.0.1-2'", 1 },
		{ "package: libsope1, ecosystem: deb", 1 },
		{ "package: libsope1, ecosystem: rpm", 0 },
		{ "vulnerability: CVE-2025-53603, image: '" TAG "'", 1 },
		{ "vulnerability: CVE-2025-53603, image: 'localhost/other:bullseye'", 0 },
		{ "vulnerability: CVE-2025-53603, image: '" DIGEST "'", 1 },
		{ "vulnerability: CVE-2025-53603, image: 'sha256:"
		  "0000000000000000000000000000000000000000000000000000000000000000'", 0 },
		{ "vulnerability: CVE-2025-53603, package: apparmor", 0 },
	};
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ASSERT_OK(&c, one_waiver(&c, &s, cases[i].scope, "2026-12-31", &p, &e));
		if (e.findings[SOPE].decision != (cases[i].applies ? POLICY_WAIVED : POLICY_FAIL) ||
		    e.waiver_state[0] != (cases[i].applies ? POLICY_WAIVER_APPLIED :
		    POLICY_WAIVER_STALE)) {
			test_fail(t, __FILE__, __LINE__, "case %zu (%s): decision %d, waiver state %d",
			    i, cases[i].scope, (int)e.findings[SOPE].decision,
			    (int)e.waiver_state[0]);
			return;
		}
		ASSERT_INT_EQ(e.findings[SOPE].waiver, cases[i].applies ? 0 : -1);
		ASSERT_INT_EQ(e.nwaived, cases[i].applies);
		ASSERT_INT_EQ(e.nstale, !cases[i].applies);
		ASSERT_INT_EQ(e.waiver_matches[0], cases[i].applies);
		/* every other finding still fails */
		ASSERT_INT_EQ(e.nfail, 5 - cases[i].applies);
		ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
		policy_eval_free(&e);
		policy_free(&p);
	}

	/* a package waiver covers every vulnerability of it: all of txt2man's */
	ASSERT_OK(&c, one_waiver(&c, &s, "package: txt2man", "2026-12-31", &p, &e));
	ASSERT_INT_EQ(e.nwaived, 3);
	ASSERT_INT_EQ(e.waiver_matches[0], 3);
	policy_eval_free(&e);
	policy_free(&p);

	/* waiving every failing finding passes the scan; the first waiver that
	 * matches is the one applied, a later one that matched is reported so */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nwaivers:\n"
	    "- {package: txt2man, owner: a, reason: r, expires: 2026-12-31}\n"
	    "- {vulnerability: CVE-2016-1585, owner: b, reason: r, expires: 2026-12-31}\n"
	    "- {package: sope, owner: c, reason: r, expires: 2026-12-31}\n"
	    "- {vulnerability: CVE-2000-0005, owner: d, reason: r, expires: 2026-12-31}\n",
	    &p, &e));
	ASSERT_INT_EQ(e.nwaived, 5);
	ASSERT_INT_EQ(e.findings[HIGH].waiver, 0);
	ASSERT_INT_EQ(e.waiver_state[3], POLICY_WAIVER_MATCHED);
	ASSERT_INT_EQ(e.waiver_matches[3], 1);
	ASSERT_INT_EQ(e.nstale, 0);
	ASSERT_INT_EQ(e.verdict, REPORT_PASS);
	policy_eval_free(&e);
	policy_free(&p);

	/* a waiver for a finding that passes anyway changes nothing: matched */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nfail: {severity: low}\nwaivers:\n"
	    "- {package: apparmor, owner: a, reason: r, expires: 2026-12-31}\n", &p, &e));
	ASSERT_INT_EQ(e.findings[APPARMOR].decision, POLICY_PASS);
	ASSERT_INT_EQ(e.findings[APPARMOR].waiver, -1);
	ASSERT_INT_EQ(e.waiver_state[0], POLICY_WAIVER_MATCHED);
	ASSERT_INT_EQ(e.nwaived, 0);
	ASSERT_INT_EQ(e.nstale, 0);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);
}

DEFINE_TEST(test_policy_eval_expiry)
{
	static const struct {
		int64_t now;
		int expired;
	} cases[] = {
		{ T_0315 - 86400, 0 },		/* the day before */
		{ T_0315, 0 },			/* the day itself, at its start */
		{ T_0315 + 86399, 0 },		/* the day itself, at its end */
		{ T_0315 + 86400, 1 },		/* the next day */
		{ T_0315 + 400 * 86400, 1 },
	};
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;
	size_t i;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s.r.now = cases[i].now;
		ASSERT_OK(&c, one_waiver(&c, &s, "vulnerability: CVE-2025-53603", "2026-03-15",
		    &p, &e));
		if (cases[i].expired) {
			ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_FAIL);
			ASSERT_INT_EQ(e.findings[SOPE].waiver, -1);
			ASSERT_INT_EQ(e.findings[SOPE].expired_waiver, 0);
			ASSERT_INT_EQ(e.waiver_state[0], POLICY_WAIVER_EXPIRED);
			ASSERT_INT_EQ(e.nexpired, 1);
			ASSERT_INT_EQ(e.waiver_matches[0], 1);
		} else {
			ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_WAIVED);
			ASSERT_INT_EQ(e.findings[SOPE].expired_waiver, -1);
			ASSERT_INT_EQ(e.waiver_state[0], POLICY_WAIVER_APPLIED);
			ASSERT_INT_EQ(e.nexpired, 0);
		}
		policy_eval_free(&e);
		policy_free(&p);
	}

	/* expired and matching nothing: reported expired, not stale */
	s.r.now = T_0315 + 86400;
	ASSERT_OK(&c, one_waiver(&c, &s, "vulnerability: CVE-1999-0001", "2026-03-15", &p, &e));
	ASSERT_INT_EQ(e.waiver_state[0], POLICY_WAIVER_EXPIRED);
	ASSERT_INT_EQ(e.nstale, 0);
	policy_eval_free(&e);
	policy_free(&p);

	/* an expired waiver does not hide an in-force one that follows it */
	ASSERT_OK(&c, eval(&c, &s, "version: 1\nwaivers:\n"
	    "- {package: libsope1, owner: a, reason: r, expires: 2026-03-15}\n"
	    "- {package: libsope1, owner: b, reason: r, expires: 2026-03-16}\n", &p, &e));
	ASSERT_INT_EQ(e.findings[SOPE].decision, POLICY_WAIVED);
	ASSERT_INT_EQ(e.findings[SOPE].waiver, 1);
	ASSERT_INT_EQ(e.findings[SOPE].expired_waiver, 0);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);
}

DEFINE_TEST(test_policy_eval_requirements)
{
	static const char pass_all[] = "fail: {severity: critical, unknown_severity: pass}\n";
	char y[512];
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));

	/* bundle age: exactly the limit passes, one second more fails */
	snprintf(y, sizeof(y), "version: 1\n%srequire: {max_bundle_age_days: 7}\n", pass_all);
	s.meta.created = s.r.now - 7 * 86400;
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.nchecks, 1);
	ASSERT_STR_EQ(e.checks[0].name, "max_bundle_age_days");
	ASSERT_STR_EQ(e.checks[0].subject, "7");
	ASSERT_INT_EQ(e.checks[0].ok, 1);
	ASSERT_STR_EQ(e.checks[0].detail, "bundle created 2026-03-08T12:00:00Z, at most 7 days "
	    "before the scan");
	ASSERT_INT_EQ(e.verdict, REPORT_PASS);
	policy_eval_free(&e);
	policy_free(&p);
	s.meta.created--;
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.checks[0].ok, 0);
	ASSERT_INT_EQ(e.nchecks_failed, 1);
	ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
	policy_eval_free(&e);
	policy_free(&p);
	s.meta.created = T_0315 - 86400;

	/* sources: present with records, absent, present without records */
	snprintf(y, sizeof(y), "version: 1\n%srequire: {sources: [debian, nvd, extra]}\n",
	    pass_all);
	s.src[1].records = 0;
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.nchecks, 3);
	ASSERT_INT_EQ(e.checks[0].ok, 1);
	ASSERT_STR_EQ(e.checks[0].detail, "in the bundle with 40 records");
	ASSERT_INT_EQ(e.checks[1].ok, 0);
	ASSERT_STR_EQ(e.checks[1].subject, "nvd");
	ASSERT_STR_EQ(e.checks[1].detail, "not in the bundle");
	ASSERT_INT_EQ(e.checks[2].ok, 0);
	ASSERT_STR_EQ(e.checks[2].detail, "in the bundle with 0 records");
	ASSERT_INT_EQ(e.nchecks_failed, 2);
	ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
	policy_eval_free(&e);
	policy_free(&p);
	s.src[1].records = 3;

	/* the distribution feed is there */
	snprintf(y, sizeof(y), "version: 1\n%srequire: {distribution_feed: true}\n", pass_all);
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.checks[0].ok, 1);
	ASSERT_STR_EQ(e.checks[0].subject, "debian:11");
	ASSERT_STR_EQ(e.checks[0].detail, "covered (complete)");
	ASSERT_INT_EQ(e.verdict, REPORT_PASS);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);

	/* a release no feed covers: no verdict, or a failure when the feed is required;
	 * allowing packages that are not assessed does not allow an OS that is not */
	ASSERT_OK(&c, scan_run(&c, &s, "14"));
	ASSERT(s.m.coverage == NULL);
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.checks[0].ok, 0);
	ASSERT_STR_EQ(e.checks[0].detail, "no feed of the bundle covers debian:14");
	ASSERT_INT_EQ(e.verdict, REPORT_FAIL);
	policy_eval_free(&e);
	policy_free(&p);
	snprintf(y, sizeof(y), "version: 1\n%snot_assessed: allow\n", pass_all);
	ASSERT_OK(&c, eval(&c, &s, y, &p, &e));
	ASSERT_INT_EQ(e.verdict, REPORT_INCOMPLETE);
	ASSERT_INT_EQ(policy_exit_status(e.verdict), 2);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);
}

DEFINE_TEST(test_policy_eval_not_assessed)
{
	/* a fixed version dpkg rejects: txt2man cannot be assessed */
	static const struct bundle_affected bad_row[] = {
		{ .vuln_id = "CVE-2000-0004", .ecosystem = "deb",
		  .namespace = "debian:11", .package = "txt2man", .name_kind = "source",
		  .state = "fixed", .fixed_version = "1:", .severity = "low",
		  .vendor_severity = "low", .vendor_status = "resolved" },
	};
	struct osinfo os;
	struct report r;
	struct pkglist l = { NULL, 0, 0 };
	struct match_result m;
	struct bundle_meta meta;
	struct policy p;
	struct policy_eval e;
	struct bundle b;
	struct ctx c;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	memset(&meta, 0, sizeof(meta));
	memset(&os, 0, sizeof(os));
	os.id = (char *)"debian";
	os.version_id = (char *)"11";
	os.codename = (char *)"bullseye";
	ASSERT_OK(&c, build_db(&c, bad_row, 1));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	add(&l, "txt2man", "1.7.1-1+deb11u1", "txt2man", "1.7.1-1+deb11u1");
	add(&l, "zlib1g", "1:1.2.11.dfsg-2+deb11u2", "zlib", "1:1.2.11.dfsg-2+deb11u2");
	ASSERT_OK(&c, match_run(&c, &b, &os, &l, &m));
	ASSERT_INT_EQ(m.nfindings, 0);
	ASSERT_INT_EQ(m.nnot_assessed, 1);
	memset(&r, 0, sizeof(r));
	r.match = &m;
	r.meta = &meta;
	r.now = T_0315;

	ASSERT_INT_EQ(report_verdict(&r), REPORT_INCOMPLETE);
	policy_default(&p);
	ASSERT_OK(&c, policy_evaluate(&c, &p, &r, &e));
	ASSERT_INT_EQ(e.verdict, REPORT_INCOMPLETE);
	policy_eval_free(&e);
	ASSERT_OK(&c, parse(&c, "version: 1\nnot_assessed: no-verdict\n", &p));
	ASSERT_OK(&c, policy_evaluate(&c, &p, &r, &e));
	ASSERT_INT_EQ(e.verdict, REPORT_INCOMPLETE);
	policy_eval_free(&e);
	policy_free(&p);
	ASSERT_OK(&c, parse(&c, "version: 1\nnot_assessed: allow\n", &p));
	ASSERT_OK(&c, policy_evaluate(&c, &p, &r, &e));
	ASSERT_INT_EQ(e.verdict, REPORT_PASS);
	policy_eval_free(&e);
	policy_free(&p);
	match_result_free(&m);
	pkglist_free(&l);
	sqlite3_close(b.db);
}

/* A range version the finding's ecosystem cannot order is the policy's error. */
DEFINE_TEST(test_policy_eval_bad_range)
{
	static const char y[] = "version: 1\nwaivers:\n"
	    "- {package: libsope1, versions: '< 1:', owner: o, reason: r, expires: 2030-01-01}\n";
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;
	int r;

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));
	/* "1:" is no deb version; whether rpm or apk accept it decides where it fails */
	r = parse(&c, y, &p);
	if (r != 0) {
		ASSERT_INT_EQ(r, E_FORMAT);
		ASSERT_STR_EQ(c.err, "p.yaml:3:33: waiver 1: versions: '1:' is not a valid deb, "
		    "rpm or apk version");
	} else {
		ASSERT_INT_EQ(policy_evaluate(&c, &p, &s.r, &e), E_FORMAT);
		ASSERT_STR_EQ(c.err, "p.yaml:3:33: waiver at line 3: versions: '1:' cannot be "
		    "ordered as a deb version");
		ASSERT(e.findings == NULL && e.nfindings == 0);
		policy_free(&p);
	}
	scan_free(&s);
}

/* ---- the verdict ----------------------------------------------------------------- */

/* Parses y completely with libyaml: 1 when it is one well-formed document. */
static int
yaml_ok(const char *y)
{
	yaml_parser_t yp;
	yaml_event_t ev;
	int done = 0, ok = 1, docs = 0;

	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)y, strlen(y));
	while (!done) {
		if (!yaml_parser_parse(&yp, &ev)) {
			ok = 0;
			break;
		}
		docs += ev.type == YAML_DOCUMENT_START_EVENT;
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&yp);
	return ok && docs == 1;
}

/* The text without its scan_time line. */
static char *
without_scan_time(const char *y)
{
	const char *a = strstr(y, "\nscan_time: "), *b;
	struct sb o = SB_INIT;

	if (a == NULL)
		return NULL;
	b = strchr(a + 1, '\n');
	sb_add(&o, y, (size_t)(a - y));
	sb_adds(&o, b);
	return sb_steal(&o);
}

DEFINE_TEST(test_policy_verdict)
{
	static const struct report_input inputs[] = {
		{ "debian", "tracker.json", "3ae30b511a0e0738be7a139496b4cb8a7765a3bc80db7ee9a6dcb98d2c1354fe",
		  7462, NULL },
		{ "extra", "extra.json", "3903f44d356bd80e16462fad2c2e889a13577cdbc4820ddde3c0d663cc6b393d",
		  4340, "2026-03-01T00:00:00Z" },
	};
	struct sb a = SB_INIT, b = SB_INIT, via = SB_INIT;
	char *a2 = NULL, *b2 = NULL;
	const char *p1, *p2, *p3;
	struct policy p;
	struct policy_eval e;
	struct scan s;
	struct ctx c;
	size_t len;
	uint8_t *buf = test_slurp(test_data("policy/waived.yaml"), &len);

	ctx_init(&c);
	ASSERT_OK(&c, scan_run(&c, &s, "11"));
	/* strings a YAML reader could take for something else, and bad UTF-8 */
	s.tags[1] = (char *)"yes";
	s.tags[2] = (char *)"1.5";
	s.tags[3] = (char *)"\xff" "bad utf-8";
	s.tags[4] = NULL;
	s.r.inputs = inputs;
	s.r.ninputs = 2;
	ASSERT_OK(&c, policy_parse(&c, "waived.yaml", buf, len, &p));
	free(buf);
	memcpy(p.sha256, "09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847", 65);
	ASSERT_OK(&c, policy_evaluate(&c, &p, &s.r, &e));
	s.r.policy = &p;
	s.r.eval = &e;
	ASSERT_OK(&c, policy_verdict_render(&c, &s.r, &a));
	ASSERT(yaml_ok(sb_str(&a)));

	/* the same scan an hour later: only scan_time differs */
	s.r.now += 3600;
	ASSERT_OK(&c, report_check_format(&c, "verdict"));
	ASSERT_OK(&c, report_render(&c, "verdict", &s.r, &b));
	ASSERT(strcmp(sb_str(&a), sb_str(&b)) != 0);
	ASSERT((a2 = without_scan_time(sb_str(&a))) != NULL);
	ASSERT((b2 = without_scan_time(sb_str(&b))) != NULL);
	ASSERT_STR_EQ(a2, b2);
	ASSERT(strstr(sb_str(&a), "\nscan_time: '2026-03-15T12:00:00Z'\n") != NULL);
	ASSERT(strstr(sb_str(&b), "\nscan_time: '2026-03-15T13:00:00Z'\n") != NULL);

	/* provenance */
	ASSERT(strstr(a2, "\n  serial: 1000\n  created: '2026-03-14T00:00:00Z'\n") != NULL);
	ASSERT(strstr(a2, "\n  key_id: C14E0F8E8B70BD2A\n") != NULL);
	ASSERT(strstr(a2, "\n    inputs:\n    - path: tracker.json\n      sha256: "
	    "'3ae30b511a0e0738be7a139496b4cb8a7765a3bc80db7ee9a6dcb98d2c1354fe'\n"
	    "      bytes: 7462\n      upstream_time: null\n") != NULL);
	ASSERT(strstr(a2, "upstream_time: '2026-03-01T00:00:00Z'") != NULL);
	ASSERT(strstr(a2, "\n  config_digest: " DIGEST "\n") != NULL);
	ASSERT(strstr(a2, "\n  - " TAG "\n  - 'yes'\n  - '1.5'\n  - '\xef\xbf\xbd" "bad utf-8'\n")
	    != NULL);
	ASSERT(strstr(a2, "\npolicy:\n  file: waived.yaml\n  sha256: "
	    "'09bfcc6a14b83e2192b8673677725c84883ee9cd0c70e45c9ec09daa8f2b2847'\n") != NULL);
	/* decisions and evidence */
	ASSERT(strstr(a2, "\n- vulnerability: CVE-2025-53603\n  package: libsope1\n"
	    "  installed_version: '5.0.1-2'\n  status: fixed\n  severity: unknown\n"
	    "  decision: waived\n  why: 'severity unknown fails (unknown_severity: fail)'\n"
	    "  waiver:\n    index: 1\n    line: 11\n    owner: security@example.org\n"
	    "    expires: '2099-12-31'\n  expired_waiver: null\n  evidence:\n    feed: debian\n"
	    "    record: CVE-2025-53603\n"
	    "    namespace: debian:11\n    ecosystem: deb\n    source_package: sope\n"
	    "    compared_version: '5.0.1-2'\n    fixed_version: '5.0.1-2+deb11u1'\n"
	    "    comparison: '5.0.1-2 < 5.0.1-2+deb11u1'\n") != NULL);
	ASSERT(strstr(a2, "\n  decision: fail\n  why: severity high is at or above the "
	    "threshold low\n") != NULL);
	/* findings sorted by vulnerability id */
	ASSERT((p1 = strstr(a2, "- vulnerability: CVE-2000-0001")) != NULL);
	ASSERT((p2 = strstr(a2, "- vulnerability: CVE-2016-1585")) != NULL);
	ASSERT((p3 = strstr(a2, "- vulnerability: CVE-2025-53603")) != NULL);
	ASSERT(p1 < p2 && p2 < p3);
	/* waivers, requirements, summary */
	ASSERT(strstr(a2, "\n- index: 2\n  line: 19\n  state: stale\n  matches: 0\n") != NULL);
	ASSERT(strstr(a2, "\n- index: 1\n  line: 11\n  state: applied\n  matches: 1\n") != NULL);
	ASSERT(strstr(a2, "\n- requirement: distribution_feed\n  subject: debian:11\n"
	    "  result: pass\n") != NULL);
	ASSERT(strstr(a2, "\n  failed: 3\n  waived: 1\n  passed: 1\n") != NULL);
	ASSERT(strstr(a2, "\n  stale_waivers: 1\nverdict: fail\nexit_status: 1\n") != NULL);

	/* the format needs a policy and a scan */
	s.r.eval = NULL;
	ASSERT_INT_EQ(report_render(&c, "verdict", &s.r, &via), E_USAGE);
	ASSERT_INT_EQ(report_check_format(&c, "verdicts"), E_USAGE);
	ASSERT(strstr(c.err, "verdict)") != NULL);

	free(a2);
	free(b2);
	sb_free(&a);
	sb_free(&b);
	sb_free(&via);
	policy_eval_free(&e);
	policy_free(&p);
	scan_free(&s);
}

/* ---- the bundle's input manifest --------------------------------------------------- */

static int
collect_inputs(struct ctx *c, const struct bundle_source_input *in, void *arg)
{
	struct sb *b = arg;

	(void)c;
	sb_addf(b, "%s|%s|%s|%lld|%s\n", in->source, in->path, in->sha256,
	    (long long)in->bytes, in->upstream_time ? in->upstream_time : "-");
	return 0;
}

static void
hex_sha256(const char *path, char out[65], size_t *len)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	uint8_t *buf = test_slurp(path, len);

	crypto_hash_sha256(h, buf, (unsigned long long)*len);
	sodium_bin2hex(out, 65, h, sizeof(h));
	free(buf);
}

DEFINE_TEST(test_policy_bundle_inputs)
{
	char h1[65], h2[65], want[2048];
	struct sb got = SB_INIT;
	struct bundle b;
	struct ctx c;
	size_t l1, l2;
	sqlite3 *db;

	ctx_init(&c);
	memset(&b, 0, sizeof(b));
	ASSERT_OK(&c, build_db(&c, extra_rows, 1));
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	ASSERT_OK(&c, bundle_source_inputs(&c, &b, collect_inputs, &got));
	sqlite3_close(b.db);
	/* the builder's hashes equal ours over the same files */
	hex_sha256(test_data("debian-tracker/vunnel-debian.json"), h1, &l1);
	hex_sha256(test_data("debian-tracker/osv-dev-debian_security_tracker_mock.json"), h2, &l2);
	snprintf(want, sizeof(want), "debian|%s|%s|%zu|-\ndebian|%s|%s|%zu|-\n",
	    test_data("debian-tracker/vunnel-debian.json"), h1, l1,
	    test_data("debian-tracker/osv-dev-debian_security_tracker_mock.json"), h2, l2);
	ASSERT_STR_EQ(sb_str(&got), want);
	sb_free(&got);

	/* a malformed row is refused */
	ASSERT(sqlite3_open("m.db", &db) == SQLITE_OK);
	ASSERT(sqlite3_exec(db, "UPDATE source_input SET sha256 = 'ABC' WHERE id = 2", NULL,
	    NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	ASSERT(sqlite3_open_v2("m.db", &b.db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
	ASSERT_INT_EQ(bundle_source_inputs(&c, &b, collect_inputs, &got), E_FORMAT);
	ASSERT_STR_EQ(c.err, "bundle: source_input row 2: missing or malformed column");
	sqlite3_close(b.db);
	sb_free(&got);
}
