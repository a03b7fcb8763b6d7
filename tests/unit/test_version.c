#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "test.h"
#include "version/version.h"

/*
 * Every expected result below was checked against the real
 * `dpkg --compare-versions` (dpkg 1.21.22, amd64, Debian 12) before it was
 * written down: '<' means `A lt B` succeeds, '=' `A eq B`, '>' `A gt B`.
 */
static const struct {
	const char *a, *b;
	char want;
} deb_pairs[] = {
	/* deb-version(7): '~~' < '~~a' < '~' < the empty part < 'a' */
	{ "1.0~~", "1.0~~a", '<' },
	{ "1.0~~a", "1.0~", '<' },
	{ "1.0~", "1.0", '<' },
	{ "1.0", "1.0a", '<' },
	{ "1.0~", "1.0~~", '>' },
	/* tilde, plus, letters against non-letters */
	{ "1.0~rc1", "1.0", '<' },
	{ "1.0", "1.0+b1", '<' },
	{ "1.0a", "1.0+", '<' },
	{ "1.0z", "1.0+", '<' },
	{ "1.0A", "1.0a", '<' },
	{ "1.0+", "1.0.", '<' },
	{ "1.0", "1.0.", '<' },
	{ "1.0", "1.0.0", '<' },
	/* epochs */
	{ "1:0.1", "9.9", '>' },
	{ "0:1.0", "1.0", '=' },
	{ "00:1", "0:1", '=' },
	{ "10:1", "9:1", '>' },
	{ "2147483647:1", "2147483646:9", '>' },
	{ "+1:1", "1:1", '=' },		/* strtol takes a sign ... */
	{ "-0:1", "1", '=' },		/* ... even '-' on zero */
	{ "\n1:2", "2", '>' },		/* ... and skips leading white space */
	/* revisions: absent equals "0"; the last hyphen splits */
	{ "1.0", "1.0-0", '=' },
	{ "1.0-1", "1.0-1~bpo1", '>' },
	{ "1.0-1~", "1.0-1", '<' },
	{ "1.0-1", "1.0-1ubuntu1", '<' },
	{ "1.0-2", "1.0.1-1", '<' },
	{ "1.0-1-2", "1.0-1", '>' },
	{ "1.0-1-2", "1.0-1.2", '>' },
	{ "1:2:3", "1:2.3", '>' },
	/* digit runs are numbers of any length */
	{ "1.01", "1.1", '=' },
	{ "010", "10", '=' },
	{ "0", "00", '=' },
	{ "0", "0.0", '<' },
	{ "10", "9", '>' },
	{ "1.2.3", "1.2.10", '<' },
	{ "1.99999999999999999999999999", "1.100000000000000000000000000", '<' },
	{ "1.000000000000000000000000000000001", "1.1", '=' },
	{ "123456789012345678901234567890", "123456789012345678901234567891", '<' },
	/* blanks around a version are ignored; other white space is a byte */
	{ " 1.0 ", "1.0", '=' },
	{ "\t1.0", "1.0", '=' },
	{ "1.0\n", "1.0", '>' },
	/* versions dpkg warns about but still orders */
	{ "a1", "1", '>' },
	{ "1_0", "1", '>' },
	{ "1:a", "1:1", '>' },
	{ "1.0\xc3", "1.0+", '<' },	/* a signed char: between letters and '+' */
	{ "1.0\xc3", "1.0z", '>' },
	/* real ones (tests/data/dpkg, tests/data/debian-tracker) */
	{ "2.30-1+deb10u1", "2.30-1+deb10u2", '<' },
	{ "5.0.1-2+deb11u1", "5.0.1-2", '>' },
	{ "98.0.4758.80-1~deb11u1", "98.0.4758.80-1", '<' },
	{ "1:8-20180414-1ubuntu2", "1:8-20180414-1ubuntu1", '>' },
};

static char
sym(int res)
{
	return res < 0 ? '<' : res > 0 ? '>' : '=';
}

DEFINE_TEST(test_version_deb_order)
{
	size_t i;
	int res;

	for (i = 0; i < sizeof(deb_pairs) / sizeof(deb_pairs[0]); i++) {
		res = 99;
		if (version_deb_cmp(deb_pairs[i].a, deb_pairs[i].b, &res) != 0 ||
		    sym(res) != deb_pairs[i].want) {
			test_fail(t, __FILE__, __LINE__, "'%s' vs '%s': got %c (%d), want %c",
			    deb_pairs[i].a, deb_pairs[i].b, sym(res), res, deb_pairs[i].want);
			return;
		}
		ASSERT(res == -1 || res == 0 || res == 1);
		/* Swapped, the answer flips; through version_cmp() too. */
		ASSERT_INT_EQ(version_cmp(VERSION_DEB, deb_pairs[i].b, deb_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(sym(-res), deb_pairs[i].want);
		ASSERT_INT_EQ(version_deb_cmp(deb_pairs[i].a, deb_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(res, 0);
	}
}

/* Versions dpkg --compare-versions rejects (exit 2, "has bad syntax"), with its reason. */
static const struct {
	const char *v, *why;
} deb_bad[] = {
	{ "  ", "version string is empty" },
	{ "1:", "nothing after colon in version number" },
	{ ":1", "epoch in version is empty" },
	{ "a:1", "epoch in version is empty" },
	{ "+:1", "epoch in version is empty" },
	{ "1a:1", "epoch in version is not number" },
	{ "1.0:2", "epoch in version is not number" },
	{ "0x1:2", "epoch in version is not number" },
	{ "1.0-a:b", "epoch in version is not number" },
	{ "-1:1", "epoch in version is negative" },
	{ "-99999999999999999999:1", "epoch in version is negative" },
	{ "2147483648:1", "epoch in version is too big" },
	{ "99999999999999999999:1", "epoch in version is too big" },
	{ "1.0-", "revision number is empty" },
	{ "-", "revision number is empty" },
	{ "1:-1", "version number is empty" },
	{ "-1", "version number is empty" },
	{ "1: ", "version number is empty" },
	{ "1 0", "version string has embedded spaces" },
	{ "- 1:1", "version string has embedded spaces" },
	/* dpkg --compare-versions reads these two as "no version"; we refuse them. */
	{ "", "version string is empty" },
	{ "<unknown>", "'<unknown>' means no version to dpkg" },
};

DEFINE_TEST(test_version_deb_invalid)
{
	const char *why;
	size_t i;
	int res;

	for (i = 0; i < sizeof(deb_bad) / sizeof(deb_bad[0]); i++) {
		why = NULL;
		if (version_deb_check(deb_bad[i].v, &why) != E_FORMAT || why == NULL ||
		    strcmp(why, deb_bad[i].why) != 0) {
			test_fail(t, __FILE__, __LINE__, "'%s': got '%s', want '%s'",
			    deb_bad[i].v, why ? why : "(null)", deb_bad[i].why);
			return;
		}
		ASSERT_INT_EQ(version_deb_valid(deb_bad[i].v), 0);
		res = 7;
		ASSERT_INT_EQ(version_deb_cmp(deb_bad[i].v, "1.0", &res), E_FORMAT);
		ASSERT_INT_EQ(res, 0);
		ASSERT_INT_EQ(version_deb_cmp("1.0", deb_bad[i].v, &res), E_FORMAT);
		ASSERT_INT_EQ(version_cmp(VERSION_DEB, "1.0", deb_bad[i].v, &res), E_FORMAT);
	}
}

/* Valid versions and what dpkg says about them: nothing, or only a warning. */
DEFINE_TEST(test_version_deb_warnings)
{
	static const struct {
		const char *v, *why;
		int want;
	} cases[] = {
		{ "1.0-1", NULL, 0 },
		{ "1:2.30~rc1+dfsg-1ubuntu0.1", NULL, 0 },
		{ "1:2:3", NULL, 0 },
		{ " 1.0\t", NULL, 0 },
		{ "+1:1", NULL, 0 },
		{ "a1", "version number does not start with digit", 0 },
		{ "1:a", "version number does not start with digit", 0 },
		{ "--1", "version number does not start with digit", 0 },
		{ "1_0", "invalid character in version number", 0 },
		{ "1.0\n", "invalid character in version number", 0 },
		{ "1.0-1_2", "invalid character in revision number", 0 },
		/* a colon without an epoch before it is an error, not a warning */
		{ "1.0-1:2", "epoch in version is not number", E_FORMAT },
	};
	const char *why;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		why = "unset";
		ASSERT_INT_EQ(version_deb_check(cases[i].v, &why), cases[i].want);
		if (cases[i].why == NULL)
			ASSERT(why == NULL);
		else
			ASSERT_STR_EQ(why, cases[i].why);
		ASSERT_INT_EQ(version_deb_valid(cases[i].v), cases[i].want == 0);
	}
}

DEFINE_TEST(test_version_deb_limit)
{
	char v[VERSION_DEB_MAX_LEN + 2], *exact;
	const char *why;
	int res;

	/* 256 bytes, blanks included, is fine; one more is E_LIMIT on either side. */
	memset(v, '9', VERSION_DEB_MAX_LEN);
	v[0] = ' ';
	v[VERSION_DEB_MAX_LEN] = '\0';
	ASSERT_INT_EQ(version_deb_check(v, &why), 0);
	ASSERT_INT_EQ(version_deb_cmp(v, "1", &res), 0);
	ASSERT_INT_EQ(res, 1);
	v[VERSION_DEB_MAX_LEN] = '9';
	v[VERSION_DEB_MAX_LEN + 1] = '\0';
	ASSERT_INT_EQ(version_deb_check(v, &why), E_LIMIT);
	ASSERT_STR_EQ(why, "version too long (max 256 bytes)");
	res = 5;
	ASSERT_INT_EQ(version_deb_cmp("1", v, &res), E_LIMIT);
	ASSERT_INT_EQ(res, 0);
	ASSERT_INT_EQ(version_deb_cmp(v, "1", &res), E_LIMIT);

	/* No byte past the limit is read: an unterminated buffer of limit + 1. */
	exact = malloc(VERSION_DEB_MAX_LEN + 1);
	ASSERT(exact != NULL);
	memset(exact, '1', VERSION_DEB_MAX_LEN + 1);
	res = version_deb_check(exact, &why);
	free(exact);
	ASSERT_INT_EQ(res, E_LIMIT);
}

DEFINE_TEST(test_version_dispatch)
{
	int res;

	ASSERT_INT_EQ(version_eco_from_name("deb"), VERSION_DEB);
	ASSERT_INT_EQ(version_eco_from_name("rpm"), VERSION_RPM);
	ASSERT_INT_EQ(version_eco_from_name("apk"), VERSION_APK);
	ASSERT_INT_EQ(version_eco_from_name("dpkg"), -1);
	ASSERT_INT_EQ(version_eco_from_name(""), -1);
	ASSERT_INT_EQ(version_cmp(VERSION_DEB, "1.0~rc1", "1.0", &res), 0);
	ASSERT_INT_EQ(res, -1);
	ASSERT_INT_EQ(version_cmp(VERSION_RPM, "1.0", "1.1", &res), 0);
	ASSERT_INT_EQ(res, -1);
	ASSERT_INT_EQ(version_cmp(VERSION_APK, "1.0-r1", "1.0-r0", &res), 0);
	ASSERT_INT_EQ(res, 1);
	res = 3;
	ASSERT_INT_EQ(version_cmp(VERSION_APK, "1.0-1", "1.0-r1", &res), E_FORMAT);
	ASSERT_INT_EQ(res, 0);
	ASSERT_INT_EQ(version_cmp((enum version_eco)7, "1", "1", &res), E_INTERNAL);
	ASSERT_INT_EQ(version_check((enum version_eco)7, "1", NULL), E_INTERNAL);
}

/*
 * Every Version of a real Ubuntu 18.04 status file is valid without a
 * warning, and some of them sort as dpkg sorts them (this list was sorted
 * with dpkg --compare-versions and every pair of it checked).
 */
#define NSORTED (sizeof(sorted) / sizeof(sorted[0]))
DEFINE_TEST(test_version_deb_real_status)
{
	static const char *sorted[] = {
		"0.0~r131-2ubuntu3", "0.0.12", "1.3.3-17ubuntu3", "1.3.3+dfsg-2ubuntu1",
		"1.6-5ubuntu1", "1.6.3ubuntu0.1", "1.29b-2", "2.88dsf-59.10ubuntu1",
		"4.6.0+git+20170828-2", "5.1.1alpha+20120614-2+b3", "2018.02.28",
		"1:1.2.11.dfsg-0ubuntu2", "1:8-20180414-1ubuntu2", "2:3.3.12-3ubuntu1.1",
	};
	const char *why, *p, *e;
	char v[VERSION_DEB_MAX_LEN + 1];
	size_t len, i, j, n = 0, found = 0;
	uint8_t *buf;
	int res;

	buf = test_slurp(test_data("dpkg/ubuntu-18.04/status"), &len);
	for (p = (const char *)buf; (p = strstr(p, "\nVersion: ")) != NULL; p = e) {
		p += strlen("\nVersion: ");
		e = strchr(p, '\n');
		if (e == NULL || (size_t)(e - p) > VERSION_DEB_MAX_LEN)
			break;
		memcpy(v, p, (size_t)(e - p));
		v[e - p] = '\0';
		if (version_deb_check(v, &why) != 0 || why != NULL) {
			test_fail(t, __FILE__, __LINE__, "'%s': %s", v, why ? why : "?");
			free(buf);
			return;
		}
		for (i = 0; i < NSORTED; i++)
			if (strcmp(v, sorted[i]) == 0)
				found |= (size_t)1 << i;
		n++;
	}
	free(buf);
	ASSERT_INT_EQ(n, 91);
	ASSERT_INT_EQ(found, ((size_t)1 << NSORTED) - 1);	/* all taken from the file */
	for (i = 0; i < NSORTED; i++)
		for (j = 0; j < NSORTED; j++) {
			ASSERT_INT_EQ(version_deb_cmp(sorted[i], sorted[j], &res), 0);
			ASSERT_INT_EQ(res, i < j ? -1 : i > j ? 1 : 0);
		}
}
