/*
 * replay.c - runs a fuzz target without libFuzzer: every corpus file, then a
 * deterministic mutation pass over each of them. make check links one
 * tests/fuzz/replay_<target> per tests/fuzz/fuzz_<target>.c.
 *
 *   replay_<target> [-r] [-b KIB] [FILE|DIR ...]
 *
 * With no operand it reads $top_srcdir/tests/fuzz/corpus/<target>/ (make check
 * exports top_srcdir); a DIR operand means its regular files, in name order.
 * -r replays the files only; -b sets the mutation budget per file.
 *
 * The mutations of one file, all from a fixed PRNG seed mixed with the file's
 * bytes (so a run is the same every time): every truncation up to
 * REPLAY_TRUNC_ALL bytes, then about budget/size more inputs of about the
 * file's size: single-bit flips at positions spread over the file, bytes set to
 * values parsers care about, longer truncations and suffixes spread over the
 * file, and byte/range insertions and deletions. Each input is a heap buffer of
 * its exact size, so a sanitizer sees any read past it.
 *
 * A crash kills the process (the test fails); before that the input is saved as
 * ./fuzz-crash-<target> and named on stderr. Under AddressSanitizer, leaks are
 * checked after each corpus file and its mutations. The last line is
 * "fuzz_<target>: N inputs, 0 crashes".
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/fuzz/fuzz.h"

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_ASAN 1
#endif
#endif
#ifdef REPLAY_ASAN
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#endif

/* Named limits. */
#define REPLAY_FILE_MAX		(16 << 20)	/* one corpus file */
#define REPLAY_FILES_MAX	4096		/* corpus files per run */
#define REPLAY_TRUNC_ALL	512		/* every truncation 0..this many bytes */
#define REPLAY_BUDGET_KIB	16384		/* default: bytes of longer mutants per file */
#define REPLAY_MUTANTS_MIN	32		/* longer mutants per file, at least */
#define REPLAY_MUTANTS_MAX	1024		/* and at most */
#define REPLAY_CHUNK_MAX	64		/* bytes inserted or deleted at once */
#define REPLAY_SEED		UINT64_C(0x243f6a8885a308d3)

/* Byte values that steer parsers: separators, quotes, digits, bounds. */
static const uint8_t interesting[] = {
	0x00, 0x01, 0x7f, 0x80, 0xff, '\n', '\r', '\t', ' ', ':', '=', '"', '\'', '\\',
	',', '{', '}', '[', ']', '/', '.', '-', '+', '~', '0', '9', 'Z',
};

struct replay {
	const char *target;	/* "dpkg" */
	const char *file;	/* the corpus file being run */
	char what[96];		/* the mutation being run */
	const uint8_t *buf;	/* the input being run */
	size_t len;
	uint64_t rng;
	unsigned long inputs;
};

/* The one global: what the crash handler reports. */
static struct replay *current;

static void
say(const char *s)
{
	ssize_t n = write(2, s, strlen(s));

	(void)n;
}

/* Async-signal-safe: writes the input being run to ./fuzz-crash-<target>. */
static void
report_crash(void)
{
	char path[256];
	size_t off = 0;
	ssize_t n;
	int fd;

	if (current == NULL || current->buf == NULL)
		return;
	strcpy(path, "fuzz-crash-");
	strncat(path, current->target, sizeof(path) - strlen(path) - 1);
	say("\nfuzz_");
	say(current->target);
	say(": crash on ");
	say(current->file);
	say(" (");
	say(current->what);
	say(")");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) != -1) {
		while (off < current->len &&
		    (n = write(fd, current->buf + off, current->len - off)) > 0)
			off += (size_t)n;
		close(fd);
		say("; input saved as ");
		say(path);
	}
	say("\n");
	current = NULL;
}

static void
on_signal(int sig)
{
	report_crash();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void
install_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
#ifdef REPLAY_ASAN
	/* AddressSanitizer reports SEGV itself, then calls this. */
	__sanitizer_set_death_callback(report_crash);
#else
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
#endif
}

static uint64_t
rnd(struct replay *rp)
{
	/* splitmix64 */
	uint64_t z = (rp->rng += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static size_t
rnd_below(struct replay *rp, size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd(rp) % n);
}

/* Runs one input, in a heap buffer of exactly len bytes that it takes over. */
static void
run(struct replay *rp, uint8_t *buf, size_t len)
{
	rp->buf = buf;
	rp->len = len;
	LLVMFuzzerTestOneInput(buf, len);
	rp->buf = NULL;
	rp->inputs++;
	free(buf);
}

static uint8_t *
xalloc(size_t len)
{
	uint8_t *b = malloc(len > 0 ? len : 1);

	if (b == NULL) {
		fprintf(stderr, "replay: out of memory\n");
		exit(99);
	}
	return b;
}

static uint8_t *
dup_range(const uint8_t *p, size_t len)
{
	uint8_t *b = xalloc(len);

	if (len > 0)
		memcpy(b, p, len);
	return b;
}

/* A copy of d[0..len) with n bytes at pos replaced by m bytes of ins. */
static void
run_splice(struct replay *rp, const uint8_t *d, size_t len, size_t pos, size_t n,
    const uint8_t *ins, size_t m)
{
	uint8_t *b = xalloc(len - n + m);

	memcpy(b, d, pos);
	if (m > 0)
		memcpy(b + pos, ins, m);
	memcpy(b + pos + m, d + pos + n, len - pos - n);
	run(rp, b, len - n + m);
}

static void
mutate(struct replay *rp, const uint8_t *d, size_t len, size_t budget)
{
	size_t i, k, n, pos, m, step, nflip, nset, ntrunc, nsplice;
	uint8_t *b, byte;

	/* every short truncation */
	for (i = 0; i < len && i <= REPLAY_TRUNC_ALL; i++) {
		snprintf(rp->what, sizeof(rp->what), "truncated to %zu bytes", i);
		run(rp, dup_range(d, i), i);
	}

	k = budget / (len > 0 ? len : 1);
	if (k < REPLAY_MUTANTS_MIN)
		k = REPLAY_MUTANTS_MIN;
	if (k > REPLAY_MUTANTS_MAX)
		k = REPLAY_MUTANTS_MAX;
	nflip = k / 2;
	nset = k / 8;
	ntrunc = k / 8;
	nsplice = k - nflip - nset - ntrunc;

	if (len > 0) {
		/* single-bit flips, one in each of nflip equal stretches */
		step = len / nflip > 0 ? len / nflip : 1;
		for (i = 0; i < nflip; i++) {
			pos = (i * len) / nflip + rnd_below(rp, step);
			if (pos >= len)
				pos = len - 1;
			byte = (uint8_t)(1u << rnd_below(rp, 8));
			snprintf(rp->what, sizeof(rp->what), "bit flip 0x%02x at %zu", byte, pos);
			b = dup_range(d, len);
			b[pos] ^= byte;
			run(rp, b, len);
		}
		/* bytes set to interesting values */
		for (i = 0; i < nset; i++) {
			pos = rnd_below(rp, len);
			byte = interesting[rnd_below(rp, sizeof(interesting))];
			snprintf(rp->what, sizeof(rp->what), "byte at %zu set to 0x%02x", pos, byte);
			b = dup_range(d, len);
			b[pos] = byte;
			run(rp, b, len);
		}
	}
	/* longer truncations and suffixes, spread evenly */
	if (len > REPLAY_TRUNC_ALL + 1) {
		for (i = 0; i < ntrunc; i++) {
			n = REPLAY_TRUNC_ALL + 1 + i * (len - REPLAY_TRUNC_ALL - 1) / ntrunc;
			if (i % 2 == 0) {
				snprintf(rp->what, sizeof(rp->what), "truncated to %zu bytes", n);
				run(rp, dup_range(d, n), n);
			} else {
				snprintf(rp->what, sizeof(rp->what), "last %zu bytes", n);
				run(rp, dup_range(d + len - n, n), n);
			}
		}
	}
	/* insertions and deletions of a byte or a range */
	for (i = 0; i < nsplice; i++) {
		pos = rnd_below(rp, len + 1);
		switch (len == 0 ? 1 : i % 4) {
		case 0:
			if (pos == len)
				pos--;
			snprintf(rp->what, sizeof(rp->what), "byte deleted at %zu", pos);
			run_splice(rp, d, len, pos, 1, NULL, 0);
			break;
		case 1:
			byte = rnd(rp) & 1 ? interesting[rnd_below(rp, sizeof(interesting))] :
			    (uint8_t)rnd(rp);
			snprintf(rp->what, sizeof(rp->what), "byte 0x%02x inserted at %zu", byte,
			    pos);
			run_splice(rp, d, len, pos, 0, &byte, 1);
			break;
		case 2:
			if (pos == len)
				pos--;
			m = 1 + rnd_below(rp, len - pos < REPLAY_CHUNK_MAX ? len - pos :
			    REPLAY_CHUNK_MAX);
			if (m > len - pos)
				m = len - pos;
			snprintf(rp->what, sizeof(rp->what), "%zu bytes deleted at %zu", m, pos);
			run_splice(rp, d, len, pos, m, NULL, 0);
			break;
		default:
			n = rnd_below(rp, len);
			m = 1 + rnd_below(rp, len - n < REPLAY_CHUNK_MAX ? len - n :
			    REPLAY_CHUNK_MAX);
			snprintf(rp->what, sizeof(rp->what), "%zu bytes from %zu copied to %zu", m,
			    n, pos);
			run_splice(rp, d, len, pos, 0, d + n, m);
			break;
		}
	}
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0;
	ssize_t got;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (n == cap) {
			if (cap >= REPLAY_FILE_MAX) {
				errno = EFBIG;
				goto fail;
			}
			cap = cap ? cap * 2 : 65536;
			if ((nb = realloc(buf, cap)) == NULL)
				goto fail;
			buf = nb;
		}
		if ((got = read(fd, buf + n, cap - n)) < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	*len = n;
	return buf;
 fail:
	free(buf);
	close(fd);
	return NULL;
}

static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs one corpus file and its mutations; returns 1 when leaks were found. */
static int
replay_file(struct replay *rp, const char *path, int mutations, size_t budget)
{
	unsigned long before = rp->inputs;
	double t0 = now();
	uint8_t *d;
	size_t len;
	int leaked = 0;

	if ((d = slurp(path, &len)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(99);
	}
	rp->file = path;
	snprintf(rp->what, sizeof(rp->what), "as is");
	run(rp, dup_range(d, len), len);
	if (mutations) {
		rp->rng = REPLAY_SEED ^ fnv1a(d, len);
		mutate(rp, d, len, budget);
	}
	free(d);
#ifdef REPLAY_ASAN
	if (__lsan_do_recoverable_leak_check() != 0) {
		fprintf(stderr, "fuzz_%s: leak while running %s and its mutations\n",
		    rp->target, path);
		leaked = 1;
	}
#endif
	printf("  %s: %zu bytes, %lu inputs, %.2f s\n", path, len, rp->inputs - before,
	    now() - t0);
	return leaked;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends path, or the regular files of directory path in name order. */
static void
collect(const char *path, char **files, size_t *n)
{
	struct dirent *e;
	struct stat st;
	size_t first = *n, len;
	char *p;
	DIR *dir;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(99);
	}
	if (!S_ISDIR(st.st_mode)) {
		if (*n == REPLAY_FILES_MAX)
			goto toomany;
		files[(*n)++] = strdup(path);
		return;
	}
	if ((dir = opendir(path)) == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		exit(99);
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		len = strlen(path) + strlen(e->d_name) + 2;
		if ((p = malloc(len)) == NULL)
			exit(99);
		snprintf(p, len, "%s/%s", path, e->d_name);
		if (stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
			free(p);
			continue;
		}
		if (*n == REPLAY_FILES_MAX)
			goto toomany;
		files[(*n)++] = p;
	}
	closedir(dir);
	qsort(files + first, *n - first, sizeof(*files), name_cmp);
	return;
 toomany:
	fprintf(stderr, "replay: more than %d files (REPLAY_FILES_MAX)\n", REPLAY_FILES_MAX);
	exit(99);
}

static void
usage(void)
{
	fprintf(stderr, "usage: replay_TARGET [-r] [-b KIB] [FILE|DIR ...]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static char *files[REPLAY_FILES_MAX];
	struct replay rp;
	const char *prog = argv[0], *base, *top;
	char *end, defdir[4096];
	size_t budget = (size_t)REPLAY_BUDGET_KIB * 1024, nfiles = 0, i;
	unsigned long kib;
	int ch, mutations = 1, leaks = 0;
	double t0 = now();

	while ((ch = getopt(argc, argv, "rb:")) != -1) {
		switch (ch) {
		case 'r':
			mutations = 0;
			break;
		case 'b':
			errno = 0;
			kib = strtoul(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || kib > 1024 * 1024)
				usage();
			budget = (size_t)kib * 1024;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	memset(&rp, 0, sizeof(rp));
	base = strrchr(prog, '/');
	base = base != NULL ? base + 1 : prog;
	rp.target = strncmp(base, "replay_", 7) == 0 ? base + 7 : base;

	if (argc == 0) {
		if ((top = getenv("top_srcdir")) == NULL) {
			fprintf(stderr, "replay: no FILE or DIR, and top_srcdir is not set\n");
			usage();
		}
		snprintf(defdir, sizeof(defdir), "%s/tests/fuzz/corpus/%s", top, rp.target);
		collect(defdir, files, &nfiles);
	}
	for (i = 0; i < (size_t)argc; i++)
		collect(argv[i], files, &nfiles);
	if (nfiles == 0) {
		fprintf(stderr, "fuzz_%s: no input files\n", rp.target);
		return 99;
	}

	setvbuf(stdout, NULL, _IOLBF, 0);
	current = &rp;
	install_handlers();
	for (i = 0; i < nfiles; i++) {
		leaks += replay_file(&rp, files[i], mutations, budget);
		free(files[i]);
	}
	current = NULL;
	printf("fuzz_%s: %zu files, %.2f s\n", rp.target, nfiles, now() - t0);
	printf("fuzz_%s: %lu inputs, 0 crashes\n", rp.target, rp.inputs);
	if (leaks > 0) {
		printf("fuzz_%s: %d files leaked memory\n", rp.target, leaks);
		return 1;
	}
	return 0;
}
