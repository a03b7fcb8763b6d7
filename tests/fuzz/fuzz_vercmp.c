/*
 * fuzz_vercmp.c - dpkg version ordering (version_deb_cmp and its checkers).
 *
 * The input is up to three versions separated by NUL bytes: "a\0b" or
 * "a\0b\0c" (no NUL: a is compared with itself). Checked, as version.h
 * promises: cmp succeeds exactly when both versions are valid, the result is
 * -1, 0 or 1 (0 on failure), reversing the operands negates it, a valid
 * version equals itself, version_cmp(VERSION_DEB) agrees, and with three
 * valid versions the order is transitive.
 */
#include "config.h"

#include "base/ctx.h"
#include "tests/fuzz/fuzz.h"
#include "version/version.h"

#define FUZZ_MAX_PARTS 3

static int
cmp(const char *a, const char *b)
{
	int res = 7, res2 = 7, r, r2, valid;

	r = version_deb_cmp(a, b, &res);
	valid = version_deb_valid(a) && version_deb_valid(b);
	FUZZ_ASSERT((r == 0) == valid);
	FUZZ_ASSERT(r == 0 || r == E_FORMAT || r == E_LIMIT);
	if (r != 0) {
		FUZZ_ASSERT(res == 0);
		return 2;
	}
	FUZZ_ASSERT(res >= -1 && res <= 1);
	r2 = version_cmp(VERSION_DEB, a, b, &res2);
	FUZZ_ASSERT(r2 == 0 && res2 == res);
	r2 = version_deb_cmp(b, a, &res2);
	FUZZ_ASSERT(r2 == 0 && res2 == -res);
	return res;
}

static void
check_one(const char *v)
{
	const char *why = NULL;
	int r, res = 7;

	r = version_deb_check(v, &why);
	FUZZ_ASSERT(r == 0 || r == E_FORMAT || r == E_LIMIT);
	FUZZ_ASSERT((r == 0) == (version_deb_valid(v) == 1));
	FUZZ_ASSERT(r == 0 || why != NULL);
	fuzz_touch_str(why);
	FUZZ_ASSERT(version_deb_check(v, NULL) == r);
	if (strlen(v) > VERSION_DEB_MAX_LEN)
		FUZZ_ASSERT(r == E_LIMIT);
	if (r == 0) {
		FUZZ_ASSERT(version_deb_cmp(v, v, &res) == 0 && res == 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *part[FUZZ_MAX_PARTS];
	char *s = fuzz_cstr(data, size);
	size_t i, n = 0, off = 0;
	int ab, bc, ac;

	/* split at the first NUL bytes (s keeps them, and ends in one more) */
	while (n < FUZZ_MAX_PARTS && off <= size) {
		part[n++] = s + off;
		off += strlen(s + off) + 1;
	}
	for (i = 0; i < n; i++)
		check_one(part[i]);
	if (n == 1) {
		(void)cmp(part[0], part[0]);
	} else {
		ab = cmp(part[0], part[1]);
		if (n == 3) {
			bc = cmp(part[1], part[2]);
			ac = cmp(part[0], part[2]);
			/* a <= b <= c implies a <= c, with equality only if both are */
			if (ab != 2 && bc != 2 && ab <= 0 && bc <= 0)
				FUZZ_ASSERT(ac <= 0 && (ac == 0) == (ab == 0 && bc == 0));
			if (ab != 2 && bc != 2 && ab >= 0 && bc >= 0)
				FUZZ_ASSERT(ac >= 0 && (ac == 0) == (ab == 0 && bc == 0));
		}
	}
	free(s);
	return 0;
}
