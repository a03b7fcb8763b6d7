/*
 * fuzz.h - what every fuzz target shares.
 *
 * A target is one file tests/fuzz/fuzz_<target>.c defining only
 * LLVMFuzzerTestOneInput(): it feeds the bytes to one parser of untrusted input,
 * checks what the parser's header promises about the result, frees everything
 * and returns 0. It is linked either with libFuzzer (`make fuzz`, clang) or with
 * replay.c (make check, any compiler).
 *
 * A broken promise is reported the way libFuzzer reports a crash: abort(). The
 * harness itself never fails on input; it aborts only when the machine fails it
 * (no temporary file), so that a replay cannot pass without testing anything.
 */
#ifndef AIRLOCK_FUZZ_H
#define AIRLOCK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a one-line reason: a promise of the code under test was broken. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: fuzz assertion failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* The bytes as a NUL-terminated string (an embedded NUL ends it early). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Reads every byte of p[0..n) (and of the string s), so that a sanitizer sees a
 * dangling or unterminated result. */
static inline void
fuzz_touch(const void *p, size_t n)
{
	const unsigned char *b = p;
	volatile unsigned char sink = 0;
	size_t i;

	for (i = 0; i < n; i++)
		sink ^= b[i];
	(void)sink;
}

static inline void
fuzz_touch_str(const char *s)
{
	if (s != NULL)
		fuzz_touch(s, strlen(s) + 1);
}

/* $TMPDIR, else /tmp. */
static inline const char *
fuzz_tmpdir(void)
{
	const char *d = getenv("TMPDIR");

	return d != NULL && d[0] == '/' ? d : "/tmp";
}

/*
 * Writes the bytes to a new file "$TMPDIR/airlock-fuzz.XXXXXX" and puts its
 * path in path (the caller unlinks it). Aborts when the file cannot be written.
 */
static inline void
fuzz_write_tmp(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	size_t off = 0;
	ssize_t n;
	int fd;

	if ((size_t)snprintf(path, pathlen, "%s/airlock-fuzz.XXXXXX", fuzz_tmpdir()) >=
	    pathlen || (fd = mkstemp(path)) == -1) {
		perror("fuzz: mkstemp");
		abort();
	}
	while (off < size) {
		if ((n = write(fd, data + off, size - off)) <= 0) {
			perror("fuzz: write");
			unlink(path);
			abort();
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		perror("fuzz: close");
		unlink(path);
		abort();
	}
}

#endif
