#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "test.h"
#include "version/version.h"

/*
 * Every expected result below was checked against rpm itself before it was
 * written down (Debian 12's rpm 4.18.0: a Lua loop over the pairs,
 * `rpm --eval '%{lua: ...}'` printing rpm.vercmp(A, B)).
 */
static const struct {
	const char *a, *b;
	char want;
} rpm_pairs[] = {
	/* digit runs are numbers of any length */
	{ "1.0", "1.0", '=' },
	{ "1.0", "1.1", '<' },
	{ "1.0.1", "1.0", '>' },
	{ "2.10", "2.9", '>' },
	{ "1.01", "1.1", '=' },
	{ "1.001", "1.1", '=' },
	{ "00", "0", '=' },
	{ "1.000000000000000000000001", "1.1", '=' },
	{ "123456789012345678901234567890", "123456789012345678901234567891", '<' },
	/* letters: below digits, above the end, compared as bytes */
	{ "1.0a", "1.0", '>' },
	{ "1.0a", "1.0.1", '<' },
	{ "1.a", "1.1", '<' },
	{ "1.0a", "1.0b", '<' },
	{ "1.0A", "1.0a", '<' },
	{ "1.0alpha", "1.0al", '>' },
	/* other bytes only separate: which ones, and how many, does not matter */
	{ "1.0", "1.0.", '=' },
	{ "1.0", "1_0", '=' },
	{ "1.0", "1..0", '=' },
	{ "1.0", "1+0", '=' },
	{ "1.0", "1%0", '=' },
	{ "1.0\xc3\xa9", "1.0", '=' },
	{ " 1.0", "1.0", '=' },
	{ "1.0 ", "1.0", '=' },
	/* '~' sorts before everything, the end included */
	{ "1.0~rc1", "1.0", '<' },
	{ "1.0~rc1", "1.0~rc2", '<' },
	{ "1.0~~", "1.0~", '<' },
	{ "1.0~", "1.0", '<' },
	{ "1.0~rc1", "1.0.~rc1", '=' },
	/* '^' sorts after the end but before anything else */
	{ "1.0^", "1.0", '>' },
	{ "1.0^git1", "1.0", '>' },
	{ "1.0^git1", "1.0.1", '<' },
	{ "1.0^git1", "1.0a", '<' },
	{ "1.0~rc1^git1", "1.0~rc1", '>' },
	{ "1.0~rc1^git1", "1.0", '<' },
	{ "1.0^git1~1", "1.0^git1", '<' },
	{ "1.0^^", "1.0^", '>' },
	{ "1", "1.0", '<' },
	/* releases: the last hyphen splits; a missing one is below any, even "" */
	{ "1.0", "1.0-1", '<' },
	{ "1.0-", "1.0", '>' },
	{ "1.0-", "1.0-0", '<' },
	{ "1.0-1", "1.0-1.el8", '<' },
	{ "1.0-1-2", "1.0-1", '>' },
	{ "1.0-1-2", "1.0-1.2", '>' },	/* version 1.0-1 against 1.0 */
	{ "-1", "1", '<' },		/* empty version, release 1 */
	{ "1:-1", "1:", '>' },
	/* epochs: leading digits and a colon; numbers of any length */
	{ "0:1.0", "1.0", '=' },
	{ ":1.0", "1.0", '=' },
	{ "00:1.0", "0:1.0", '=' },
	{ "1:0.1", "9.9", '>' },
	{ "10:1", "9:1", '>' },
	{ "2147483648:1", "2147483647:1", '>' },
	{ "99999999999999999999:1", "99999999999999999999:0", '>' },
	{ "1:", "0:", '>' },
	{ "a:1", "1", '<' },		/* no epoch: the version is "a:1" */
	{ "a:1", "0:a.1", '=' },
	{ "1:1:1", "1:1.1", '=' },
	/* real ones (tests/data/versions/rpm-evr.txt) */
	{ "2.4.0-2.module+el8.1.0+4098+f286395e", "2.4.0-2.module+el8.1.0+4098+f286395e.1", '<' },
	{ "0:2.32.1-42.el8_8", "2.32.1-42.el8_8", '=' },
	{ "2.32.1-42.el8_8", "2.32.1-42.el8", '>' },
	{ "1.1.1k-7.cm2", "1.1.1-7.cm2", '>' },
};

static char
sym(int res)
{
	return res < 0 ? '<' : res > 0 ? '>' : '=';
}

DEFINE_TEST(test_version_rpm_order)
{
	size_t i;
	int res;

	for (i = 0; i < sizeof(rpm_pairs) / sizeof(rpm_pairs[0]); i++) {
		res = 99;
		if (version_rpm_cmp(rpm_pairs[i].a, rpm_pairs[i].b, &res) != 0 ||
		    sym(res) != rpm_pairs[i].want) {
			test_fail(t, __FILE__, __LINE__, "'%s' vs '%s': got %c (%d), want %c",
			    rpm_pairs[i].a, rpm_pairs[i].b, sym(res), res, rpm_pairs[i].want);
			return;
		}
		ASSERT(res == -1 || res == 0 || res == 1);
		/* Swapped, the answer flips; through version_cmp() too. */
		ASSERT_INT_EQ(version_cmp(VERSION_RPM, rpm_pairs[i].b, rpm_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(sym(-res), rpm_pairs[i].want);
		ASSERT_INT_EQ(version_rpm_cmp(rpm_pairs[i].a, rpm_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(res, 0);
	}
}

/* rpm takes any non-empty string; only "" is an error (rpm: "invalid version"). */
DEFINE_TEST(test_version_rpm_invalid)
{
	const char *why;
	int res;

	why = NULL;
	ASSERT_INT_EQ(version_rpm_check("", &why), E_FORMAT);
	ASSERT_STR_EQ(why, "version string is empty");
	ASSERT_INT_EQ(version_rpm_valid(""), 0);
	res = 7;
	ASSERT_INT_EQ(version_rpm_cmp("", "1.0", &res), E_FORMAT);
	ASSERT_INT_EQ(res, 0);
	res = 7;
	ASSERT_INT_EQ(version_rpm_cmp("1.0", "", &res), E_FORMAT);
	ASSERT_INT_EQ(res, 0);
	ASSERT_INT_EQ(version_cmp(VERSION_RPM, "", "", &res), E_FORMAT);
	ASSERT_INT_EQ(version_check(VERSION_RPM, "", &why), E_FORMAT);
	ASSERT_STR_EQ(why, "version string is empty");

	/* Odd but valid: blanks, a lone separator, a lone hyphen or colon. */
	why = "unset";
	ASSERT_INT_EQ(version_rpm_check(" ", &why), 0);
	ASSERT(why == NULL);
	ASSERT_INT_EQ(version_rpm_valid("-"), 1);
	ASSERT_INT_EQ(version_rpm_valid(":"), 1);
	ASSERT_INT_EQ(version_rpm_valid("\n"), 1);
	ASSERT_INT_EQ(version_rpm_cmp("-", ":", &res), 0);
	ASSERT_INT_EQ(res, 1);		/* an empty release against none */
	ASSERT_INT_EQ(version_rpm_cmp(" ", ".", &res), 0);
	ASSERT_INT_EQ(res, 0);
}

DEFINE_TEST(test_version_rpm_limit)
{
	char v[VERSION_RPM_MAX_LEN + 2], *exact;
	const char *why;
	int res;

	memset(v, '9', VERSION_RPM_MAX_LEN);
	v[VERSION_RPM_MAX_LEN] = '\0';
	ASSERT_INT_EQ(version_rpm_check(v, &why), 0);
	ASSERT_INT_EQ(version_rpm_cmp(v, "1", &res), 0);
	ASSERT_INT_EQ(res, 1);
	v[VERSION_RPM_MAX_LEN] = '9';
	v[VERSION_RPM_MAX_LEN + 1] = '\0';
	ASSERT_INT_EQ(version_rpm_check(v, &why), E_LIMIT);
	ASSERT_STR_EQ(why, "version too long (max 256 bytes)");
	res = 5;
	ASSERT_INT_EQ(version_rpm_cmp("1", v, &res), E_LIMIT);
	ASSERT_INT_EQ(res, 0);
	ASSERT_INT_EQ(version_rpm_cmp(v, "1", &res), E_LIMIT);
	ASSERT_INT_EQ(version_cmp(VERSION_RPM, v, "1", &res), E_LIMIT);

	/* No byte past the limit is read: an unterminated buffer of limit + 1. */
	exact = malloc(VERSION_RPM_MAX_LEN + 1);
	ASSERT(exact != NULL);
	memset(exact, '1', VERSION_RPM_MAX_LEN + 1);
	res = version_rpm_check(exact, &why);
	free(exact);
	ASSERT_INT_EQ(res, E_LIMIT);
}

/*
 * Every EVR of tests/data/versions/rpm-evr.txt (real package databases and
 * Red Hat OVAL) is valid, and no two lines of it are equal (checked with
 * rpm.vercmp() over every pair); swapping a pair flips the answer; and these,
 * taken from the file, sort as rpm sorts them (sorted with rpm.vercmp() and
 * every pair of them checked with it).
 */
#define NSORTED (sizeof(sorted) / sizeof(sorted[0]))
#define MAX_LINES 1024
DEFINE_TEST(test_version_rpm_real)
{
	static const char *sorted[] = {
		"0:0-19.20110809svn.module+el8.0.0+3248+9d514f3b",
		"0.14-3.cm2",
		"0:1.0.1-10.module+el8.0.0+3248+9d514f3b",
		"1.1.1-13.1",
		"1.4-103.3.1",
		"0:1.4.01-25.module+el8.0.0+3892+c903d3f0",
		"2.9.0-8.5.1",
		"0:2.24.3-1.el8",
		"2.26-14.6.1",
		"0:3.28.2-5.el8",
		"4.14-3.cm2",
		"0:5.1.17-1.module+el8.1.0+3189+a1bff096",
		"5.3.1+r233831-12.1",
		"13.1-14.15",
		"12:4.3.6-34.el8",
		"15:2.12.0-64.module+el8.0.0.z+3418+a72cf898.2",
		"15:2.12.0-88.module+el8.1.0+5149+3ff2765e.2",
	};
	char *lines[MAX_LINES];
	size_t len, n = 0, i, j, found = 0;
	uint8_t *buf;
	char *p, *e;
	int res, back;

	buf = test_slurp(test_data("versions/rpm-evr.txt"), &len);
	for (p = (char *)buf; p < (char *)buf + len && n < MAX_LINES; p = e + 1) {
		e = memchr(p, '\n', (size_t)((char *)buf + len - p));
		if (e == NULL)
			break;
		*e = '\0';
		lines[n++] = p;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < NSORTED; j++)
			if (strcmp(lines[i], sorted[j]) == 0)
				found |= (size_t)1 << j;
		for (j = 0; j < n; j++) {
			res = back = 7;
			if (version_rpm_cmp(lines[i], lines[j], &res) != 0 ||
			    version_rpm_cmp(lines[j], lines[i], &back) != 0 ||
			    (res == 0) != (i == j) || back != -res) {
				test_fail(t, __FILE__, __LINE__, "'%s' vs '%s': %d, back %d",
				    lines[i], lines[j], res, back);
				free(buf);
				return;
			}
		}
	}
	free(buf);
	ASSERT(n >= 400 && n < MAX_LINES);
	ASSERT_INT_EQ(found, ((size_t)1 << NSORTED) - 1);	/* all from the file */
	for (i = 0; i < NSORTED; i++)
		for (j = 0; j < NSORTED; j++) {
			ASSERT_INT_EQ(version_rpm_cmp(sorted[i], sorted[j], &res), 0);
			ASSERT_INT_EQ(res, i < j ? -1 : i > j ? 1 : 0);
		}
}
