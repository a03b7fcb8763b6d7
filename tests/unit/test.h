/*
 * test.h - the unit-test harness (libarchive's DEFINE_TEST, OpenSSH's ASSERT_*).
 *
 * A test is `DEFINE_TEST(test_name)` at the start of a line followed by its body;
 * the list is grepped from the sources. Each test runs in a fresh temporary
 * directory (the cwd), which is removed afterwards. An ASSERT that fails records
 * the location and returns from the test.
 */
#ifndef AIRLOCK_TEST_H
#define AIRLOCK_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct test {
	const char *name;
	int failed;
	char msg[1024];
};

#define DEFINE_TEST(name) void name(struct test *t); void name(struct test *t)

void test_fail(struct test *t, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Absolute path of a file under the source tree's tests/data/ (static buffer
 * per call slot: up to 8 live results). */
const char *test_data(const char *rel);
/* Absolute path of the source tree's top. */
const char *test_srcdir(void);
/* Reads a whole file (test data); aborts the process when missing. Caller frees. */
uint8_t *test_slurp(const char *path, size_t *len);

#define ASSERT(cond) do { \
	if (!(cond)) { test_fail(t, __FILE__, __LINE__, "%s", #cond); return; } \
} while (0)
#define ASSERT_INT_EQ(a, b) do { \
	long long a_ = (long long)(a), b_ = (long long)(b); \
	if (a_ != b_) { test_fail(t, __FILE__, __LINE__, "%s == %s: %lld != %lld", \
	    #a, #b, a_, b_); return; } \
} while (0)
#define ASSERT_STR_EQ(a, b) do { \
	const char *a_ = (a), *b_ = (b); \
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0) { \
		test_fail(t, __FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)"); return; } \
} while (0)
/* r is an E_* code; shows the context message on failure. */
#define ASSERT_OK(c, expr) do { \
	int r_ = (expr); \
	if (r_ != 0) { test_fail(t, __FILE__, __LINE__, "%s: %d: %s", #expr, r_, (c)->err); \
	    return; } \
} while (0)

#endif
