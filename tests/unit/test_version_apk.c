#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "test.h"
#include "version/version.h"

/*
 * The rules of apk-package(5) ("number{.number}...{letter}{_suffix{number}}...
 * {~hash}{-r#}", suffixes alpha < beta < pre < rc < none < cvs < svn < git <
 * hg < p) and apk-tools 3's comparison, as our own cases. Every expected
 * result was checked against apk_version_validate() and
 * apk_version_compare() of apk-tools 3.0 built from its source.
 */
static const struct {
	const char *a, *b;
	char want;
} apk_pairs[] = {
	/* numbers */
	{ "1.0", "1.0", '=' },
	{ "1.0", "1.1", '<' },
	{ "1.0.1", "1.0", '>' },
	{ "2.10", "2.9", '>' },
	{ "1.0", "1.0.0", '<' },
	/* the documented suffix order, and suffix numbers */
	{ "1.0_alpha", "1.0_beta", '<' },
	{ "1.0_beta", "1.0_pre", '<' },
	{ "1.0_pre", "1.0_rc", '<' },
	{ "1.0_rc", "1.0", '<' },
	{ "1.0", "1.0_cvs", '<' },
	{ "1.0_cvs", "1.0_svn", '<' },
	{ "1.0_svn", "1.0_git", '<' },
	{ "1.0_git", "1.0_hg", '<' },
	{ "1.0_hg", "1.0_p", '<' },
	{ "1.0_alpha", "1.0_alpha1", '<' },
	{ "1.0_alpha1", "1.0_alpha2", '<' },
	{ "1.0_alpha9", "1.0_alpha10", '<' },
	{ "1.0_rc1", "1.0_p", '<' },
	{ "1.0_p1", "1.0_p", '>' },
	{ "1.0_rc", "1.0.0", '<' },
	{ "1.0_alpha", "1.0.0_alpha", '<' },
	{ "1.0_alpha_alpha", "1.0_alpha", '<' },
	{ "1_p_p", "1_p", '>' },
	/* the letter: after the numbers, above any suffix */
	{ "1.0", "1.0a", '<' },
	{ "1.0a", "1.0b", '<' },
	{ "1.0a", "1.0.1", '<' },
	{ "1.0z", "1.1", '<' },
	{ "1.0_p9", "1.0a", '<' },
	{ "1.0a_alpha", "1.0a", '<' },
	{ "1.0a_p1", "1.0a", '>' },
	/* -r: above the bare version, below any post-release suffix */
	{ "1.0", "1.0-r0", '<' },
	{ "1.0-r0", "1.0-r1", '<' },
	{ "1.0-r9", "1.0-r10", '<' },
	{ "1.0-r1", "1.0_p1", '<' },
	{ "1.0-r100", "1.0.0", '<' },
	{ "1.0_rc1-r5", "1.0-r0", '<' },
	/* leading zeros: the first number is numeric, later ones compare as text */
	{ "01.1", "1.1", '=' },
	{ "001", "1", '=' },
	{ "1.05", "1.1", '<' },
	{ "1.05", "1.5", '<' },
	{ "1.0", "1.00", '<' },
	{ "1.00", "1.01", '<' },
	{ "1.01", "1.1", '<' },
	{ "1.010", "1.10", '<' },
	{ "1.0000", "1.0", '>' },
	{ "1.1", "1.01", '>' },
	/* ~hash: compared as text; above the end and above -r */
	{ "1.0~abc", "1.0", '>' },
	{ "1.0-r1", "1.0~abc", '<' },
	{ "1.0~abc", "1.0~abd", '<' },
	{ "1.0~ab", "1.0~abc", '<' },
	{ "1.0~abc-r1", "1.0~abc", '>' },
	{ "1.0~abc-r1", "1.0~abc-r2", '<' },
	{ "1.0_rc1~abc", "1.0_rc1", '>' },
	/* apk's walk in step, where kinds differ after equal tokens */
	{ "1_alpha1_beta", "1_alpha_beta", '>' },
	{ "1_alpha1_p", "1_alpha_p", '<' },
	{ "1_alpha_beta", "1_alpha", '<' },
	/* the largest numbers apk reads exactly */
	{ "18446744073709551615", "18446744073709551614", '>' },
	{ "1.18446744073709551615", "1.9", '>' },
	/* real ones (tests/data/versions/apk.txt) */
	{ "1.1.1t-r1", "1.1.1g-r0", '>' },
	{ "5.15.3_git20211006-r0", "5.15.3-r0", '>' },
	{ "11.0.14_p9-r0", "11.0.9_p11-r0", '>' },
	{ "0", "0.99_beta19-r3", '<' },
};

static char
sym(int res)
{
	return res < 0 ? '<' : res > 0 ? '>' : '=';
}

DEFINE_TEST(test_version_apk_order)
{
	size_t i;
	int res;

	for (i = 0; i < sizeof(apk_pairs) / sizeof(apk_pairs[0]); i++) {
		res = 99;
		if (version_apk_cmp(apk_pairs[i].a, apk_pairs[i].b, &res) != 0 ||
		    sym(res) != apk_pairs[i].want) {
			test_fail(t, __FILE__, __LINE__, "'%s' vs '%s': got %c (%d), want %c",
			    apk_pairs[i].a, apk_pairs[i].b, sym(res), res, apk_pairs[i].want);
			return;
		}
		ASSERT(res == -1 || res == 0 || res == 1);
		ASSERT_INT_EQ(version_cmp(VERSION_APK, apk_pairs[i].b, apk_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(sym(-res), apk_pairs[i].want);
		ASSERT_INT_EQ(version_apk_cmp(apk_pairs[i].a, apk_pairs[i].a, &res), 0);
		ASSERT_INT_EQ(res, 0);
	}
}

/* Versions apk-tools 3 does not validate, with our reason. */
static const struct {
	const char *v, *why;
} apk_bad[] = {
	{ "", "version string is empty" },
	{ "a", "version does not start with a digit" },
	{ "v1.0", "version does not start with a digit" },
	{ ".1", "version does not start with a digit" },
	{ "_p1", "version does not start with a digit" },
	{ "-r1", "version does not start with a digit" },
	{ " 1.0", "version does not start with a digit" },
	{ "1.", "no digits after '.'" },
	{ "1..2", "no digits after '.'" },
	{ "1.a", "no digits after '.'" },
	{ "1.0.", "no digits after '.'" },
	{ "1.0ab", "letter out of place (one, right after the numbers)" },
	{ "1.0_p1a", "letter out of place (one, right after the numbers)" },
	{ "1.0a1", "digits after a letter" },
	{ "1.0a.1", "'.' after a letter or suffix" },
	{ "1.0_alpha.1", "'.' after a letter or suffix" },
	{ "1.0A", "invalid character in version" },
	{ "1.0+1", "invalid character in version" },
	{ "1.0 ", "invalid character in version" },
	{ "1.0:1", "invalid character in version" },
	{ "1:1.0", "invalid character in version" },
	{ "1.0_", "empty suffix after '_'" },
	{ "1.0_ALPHA", "empty suffix after '_'" },
	{ "1.0_foo", "unknown suffix after '_'" },
	{ "1.0_alphax", "unknown suffix after '_'" },
	{ "1.0_rc1rc", "letter out of place (one, right after the numbers)" },
	{ "1.0-1", "'-' not followed by 'r'" },
	{ "1.0-R1", "'-' not followed by 'r'" },
	{ "1.0-", "'-' not followed by 'r'" },
	{ "1.0-r", "no digits after '-r'" },
	{ "1.0-rc1", "no digits after '-r'" },
	{ "1.0-r1-r2", "more than one '-r'" },
	{ "1.0-r1.1", "'.' after a letter or suffix" },
	{ "1.0-r1_p1", "'_' suffix after '~' or '-r'" },
	{ "1.0-r1~abc", "'~' hash after '~' or '-r'" },
	{ "1.0-r1a", "letter out of place (one, right after the numbers)" },
	{ "1.0~", "no hexadecimal digits after '~'" },
	{ "1.0~g", "no hexadecimal digits after '~'" },
	{ "1.0~ABC", "no hexadecimal digits after '~'" },
	{ "1.0~abc~def", "'~' hash after '~' or '-r'" },
	{ "1.0~abc_p1", "'_' suffix after '~' or '-r'" },
	{ "1.0~abc.1", "'.' after a letter or suffix" },
	{ "1.0~abcg", "letter out of place (one, right after the numbers)" },
};

DEFINE_TEST(test_version_apk_invalid)
{
	const char *why;
	size_t i;
	int res;

	for (i = 0; i < sizeof(apk_bad) / sizeof(apk_bad[0]); i++) {
		why = NULL;
		if (version_apk_check(apk_bad[i].v, &why) != E_FORMAT || why == NULL ||
		    strcmp(why, apk_bad[i].why) != 0) {
			test_fail(t, __FILE__, __LINE__, "'%s': got '%s', want '%s'",
			    apk_bad[i].v, why ? why : "(null)", apk_bad[i].why);
			return;
		}
		ASSERT_INT_EQ(version_apk_valid(apk_bad[i].v), 0);
		ASSERT_INT_EQ(version_check(VERSION_APK, apk_bad[i].v, &why), E_FORMAT);
		/* Never ordered, even where the first tokens would decide. */
		res = 7;
		ASSERT_INT_EQ(version_apk_cmp(apk_bad[i].v, "99", &res), E_FORMAT);
		ASSERT_INT_EQ(res, 0);
		ASSERT_INT_EQ(version_apk_cmp("0", apk_bad[i].v, &res), E_FORMAT);
		ASSERT_INT_EQ(version_cmp(VERSION_APK, "1.0", apk_bad[i].v, &res), E_FORMAT);
	}
	/* A valid one has no reason. */
	why = "unset";
	ASSERT_INT_EQ(version_apk_check("1.2.3a_rc1_p2~0fa-r10", &why), 0);
	ASSERT(why == NULL);
}

DEFINE_TEST(test_version_apk_limit)
{
	char v[VERSION_APK_MAX_LEN + 2], *exact;
	const char *why;
	size_t i;
	int res;

	/* 2^64 - 1 is read exactly; 2^64 and beyond are E_LIMIT, anywhere. */
	ASSERT_INT_EQ(version_apk_check("1.18446744073709551615", &why), 0);
	ASSERT_INT_EQ(version_apk_check("18446744073709551616", &why), E_LIMIT);
	ASSERT_STR_EQ(why, "number in version too big (max 18446744073709551615)");
	ASSERT_INT_EQ(version_apk_check("1.18446744073709551616", &why), E_LIMIT);
	ASSERT_INT_EQ(version_apk_check("1_p99999999999999999999", &why), E_LIMIT);
	ASSERT_INT_EQ(version_apk_check("1-r99999999999999999999", &why), E_LIMIT);
	ASSERT_INT_EQ(version_apk_check("1.000000000000000000000000001", &why), 0);
	ASSERT_INT_EQ(version_apk_cmp("1.0", "1.99999999999999999999", &res), E_LIMIT);
	/* A hash is text: any length within the version limit. */
	ASSERT_INT_EQ(version_apk_check("1~99999999999999999999999999", &why), 0);

	/* 256 bytes is fine; one more is E_LIMIT on either side. */
	v[0] = '1';
	for (i = 1; i + 1 < VERSION_APK_MAX_LEN; i += 2) {
		v[i] = '.';
		v[i + 1] = '0';
	}
	for (; i < VERSION_APK_MAX_LEN; i++)
		v[i] = '0';
	v[VERSION_APK_MAX_LEN] = '\0';
	ASSERT_INT_EQ(version_apk_check(v, &why), 0);
	ASSERT_INT_EQ(version_apk_cmp(v, "1", &res), 0);
	ASSERT_INT_EQ(res, 1);
	v[VERSION_APK_MAX_LEN] = '0';
	v[VERSION_APK_MAX_LEN + 1] = '\0';
	ASSERT_INT_EQ(version_apk_check(v, &why), E_LIMIT);
	ASSERT_STR_EQ(why, "version too long (max 256 bytes)");
	res = 5;
	ASSERT_INT_EQ(version_apk_cmp("1", v, &res), E_LIMIT);
	ASSERT_INT_EQ(res, 0);

	/* No byte past the limit is read: an unterminated buffer of limit + 1. */
	exact = malloc(VERSION_APK_MAX_LEN + 1);
	ASSERT(exact != NULL);
	memset(exact, '1', VERSION_APK_MAX_LEN + 1);
	res = version_apk_check(exact, &why);
	free(exact);
	ASSERT_INT_EQ(res, E_LIMIT);
}

/*
 * tests/data/versions/apk.txt: the installed versions of a real Alpine 3.18
 * database and fixed versions of the Alpine secdb. All are valid except four
 * old secdb entries that apk-tools 3 rejects too (apk-tools 2.14 accepted
 * them); no two valid lines are equal (checked with apk-tools 3 over every
 * pair); and these, taken from the file, sort as apk-tools 3 sorts them
 * (every pair checked with apk_version_compare()).
 */
#define NSORTED (sizeof(sorted) / sizeof(sorted[0]))
#define MAX_LINES 1024
DEFINE_TEST(test_version_apk_real)
{
	static const char *sorted[] = {
		"0", "0.99_beta19-r3", "1.1.1g-r0", "1.1.1t-r1", "1.9.12_p2-r0",
		"2.8.9_p1-r3", "5.4.5r-r0", "5.15.3_git20200401-r0",
		"5.15.3_git20211006-r0", "5.15.3_git20220505-r0", "6.02-r0",
		"7.5_p1-r8", "9.0.0050-r0", "9.0.0999-r0", "11.0.9_p11-r0",
		"11.0.14_p9-r0", "11.0.22_p7-r0", "16.02-r3", "18.09.8-r0",
		"2022.02.07-r0", "2023.07.06-r0",
	};
	static const struct {
		const char *v, *why;
	} rejected[] = {
		{ "1.9.5p2-r0", "digits after a letter" },
		{ "4.8.0.-r1", "no digits after '.'" },
		{ "6.6.2p1-r0", "digits after a letter" },
		{ "6.6.4p1-r2", "digits after a letter" },
	};
	char *lines[MAX_LINES];
	size_t len, n = 0, nvalid, nbad = 0, i, j, k, found = 0;
	const char *why;
	uint8_t *buf;
	char *p, *e;
	int res, back;

	buf = test_slurp(test_data("versions/apk.txt"), &len);
	for (p = (char *)buf; p < (char *)buf + len && n < MAX_LINES; p = e + 1) {
		e = memchr(p, '\n', (size_t)((char *)buf + len - p));
		if (e == NULL)
			break;
		*e = '\0';
		/* the rejected ones are moved out, each checked with its reason */
		for (k = 0; k < sizeof(rejected) / sizeof(rejected[0]); k++)
			if (strcmp(p, rejected[k].v) == 0)
				break;
		if (k < sizeof(rejected) / sizeof(rejected[0])) {
			why = NULL;
			if (version_apk_check(p, &why) != E_FORMAT || why == NULL ||
			    strcmp(why, rejected[k].why) != 0) {
				test_fail(t, __FILE__, __LINE__, "'%s': %s", p, why ? why : "valid");
				free(buf);
				return;
			}
			nbad++;
			continue;
		}
		lines[n++] = p;
	}
	nvalid = n;
	for (i = 0; i < nvalid; i++) {
		for (j = 0; j < NSORTED; j++)
			if (strcmp(lines[i], sorted[j]) == 0)
				found |= (size_t)1 << j;
		for (j = 0; j < nvalid; j++) {
			res = back = 7;
			if (version_apk_cmp(lines[i], lines[j], &res) != 0 ||
			    version_apk_cmp(lines[j], lines[i], &back) != 0 ||
			    (res == 0) != (i == j) || back != -res) {
				test_fail(t, __FILE__, __LINE__, "'%s' vs '%s': %d, back %d",
				    lines[i], lines[j], res, back);
				free(buf);
				return;
			}
		}
	}
	free(buf);
	ASSERT_INT_EQ(nbad, 4);
	ASSERT(nvalid >= 300 && nvalid < MAX_LINES);
	ASSERT_INT_EQ(found, ((size_t)1 << NSORTED) - 1);	/* all from the file */
	for (i = 0; i < NSORTED; i++)
		for (j = 0; j < NSORTED; j++) {
			ASSERT_INT_EQ(version_apk_cmp(sorted[i], sorted[j], &res), 0);
			ASSERT_INT_EQ(res, i < j ? -1 : i > j ? 1 : 0);
		}
}
