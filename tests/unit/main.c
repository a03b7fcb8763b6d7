/*
 * main.c - runs every DEFINE_TEST (or those named on the command line), each in
 * a fresh temporary directory, and ends with "N passed, N failed".
 */
#include "config.h"

#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test.h"

#undef DEFINE_TEST
#define DEFINE_TEST(name) void name(struct test *t);
#include "list.h"
#undef DEFINE_TEST

static const struct {
	const char *name;
	void (*fn)(struct test *);
} tests[] = {
#define DEFINE_TEST(name) { #name, name },
#include "list.h"
#undef DEFINE_TEST
};

static char srcdir_abs[PATH_MAX];

void
test_fail(struct test *t, const char *file, int line, const char *fmt, ...)
{
	char buf[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	t->failed = 1;
	snprintf(t->msg, sizeof(t->msg), "%s:%d: %s", file, line, buf);
}

const char *
test_srcdir(void)
{
	return srcdir_abs;
}

const char *
test_data(const char *rel)
{
	static char slots[8][PATH_MAX + 64];
	static int next;
	char *p = slots[next++ % 8];

	snprintf(p, PATH_MAX + 64, "%.*s/tests/data/%s", PATH_MAX - 1, srcdir_abs, rel);
	return p;
}

uint8_t *
test_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		fprintf(stderr, "test data missing: %s\n", path);
		abort();
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap + 1);
			if (buf == NULL)
				abort();
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

int
main(int argc, char **argv)
{
	const char *src = getenv("top_srcdir");
	char tmpl[] = "/tmp/airlock-unit.XXXXXX", cwd[PATH_MAX];
	size_t i, passed = 0, failed = 0;
	int j, selected;

	if (src == NULL)
		src = getenv("srcdir");
	if (src == NULL)
		src = ".";
	if (realpath(src, srcdir_abs) == NULL) {
		perror(src);
		return 99;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		return 99;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		struct test t = { tests[i].name, 0, "" };
		char *dir;

		selected = argc < 2;
		for (j = 1; j < argc; j++)
			if (strcmp(argv[j], tests[i].name) == 0 ||
			    strncmp(tests[i].name, argv[j], strlen(argv[j])) == 0)
				selected = 1;
		if (!selected)
			continue;
		strcpy(tmpl, "/tmp/airlock-unit.XXXXXX");
		if ((dir = mkdtemp(tmpl)) == NULL || chdir(dir) != 0) {
			perror("mkdtemp");
			return 99;
		}
		tests[i].fn(&t);
		if (chdir(cwd) != 0)
			return 99;
		if (t.failed) {
			printf("FAIL: %s: %s\n", t.name, t.msg);
			printf("      (kept %s)\n", dir);
			failed++;
		} else {
			printf("PASS: %s\n", t.name);
			nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
			passed++;
		}
	}
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed ? 1 : 0;
}
