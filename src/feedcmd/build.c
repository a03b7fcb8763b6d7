/*
 * build.c - `airlock-feed build`: feeds -> SQLite -> zstd -> signed bundle.
 *
 * Fail closed: any input that cannot be read or parsed, or a source that yields
 * no records, fails the build; the previous NAME.db.zst and its signature are
 * left untouched (everything is written beside them and renamed at the end).
 *
 * --parse-only runs every parser exactly as the build does, with no writer
 * (parse(c, path, arg, NULL, &records)), and prints the records per source:
 * the reference bench/feeds.sh sets the build time against.
 *
 * Progress: on a terminal (stderr a TTY, no -q) each input gets a line, redrawn
 * at most every PROGRESS_EVERY_MS with the stored bytes read (reported through
 * ctx_progress() by the feed's input stream) and ending with its size, records
 * and time; then the steps after parsing are named as they start.
 */
#include "config.h"

#include <sys/stat.h>

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/sign.h"
#include "bundles/write.h"
#include "bundles/zst.h"
#include "feedcmd/feedcmd.h"
#include "feeds/feed.h"

#define BUILD_INPUTS_MAX 1024	/* SOURCE:FILE arguments */
#define PROGRESS_EVERY_MS 250	/* terminal progress: at most 4 redraws a second */

/* Terminal progress of the input being parsed (see the top of the file). */
struct progress {
	int on;			/* stderr is a terminal and -q was not given */
	const char *source;
	const char *name;	/* the input's file name, without directories */
	int file, files;	/* its number among the source's inputs, from 1 */
	uint64_t size;		/* its size as stored; 0 when not a regular file */
	uint64_t base;		/* bytes of earlier streams of the same input */
	uint64_t last;		/* the last count reported */
	int64_t before;		/* records of the source before this input */
	uint64_t start_ms, drawn_ms;
};

/* Splits "name[@arg]:path" in place. */
static int
split_input(struct ctx *c, char *spec, char **name, char **arg, char **path)
{
	char *colon = strchr(spec, ':'), *at;

	if (colon == NULL || colon == spec || colon[1] == '\0')
		return ctx_err(c, E_USAGE, "build: '%s': expected SOURCE:FILE", spec);
	*colon = '\0';
	*path = colon + 1;
	*name = spec;
	*arg = NULL;
	if ((at = strchr(spec, '@')) != NULL) {
		*at = '\0';
		*arg = at + 1;
	}
	return 0;
}

/* The source an already validated "name[@arg]:path" argument names. */
static const struct feed_source *
input_source(const char *spec)
{
	char name[64];
	size_t n = strcspn(spec, "@:");

	if (n >= sizeof(name))
		return NULL;
	memcpy(name, spec, n);
	name[n] = '\0';
	return feed_find(name);
}

static int
parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static double
mib(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

/* Redraws the input's line; records < 0 while it is being read. */
static void
progress_draw(struct progress *p, int64_t records)
{
	uint64_t bytes = p->base + p->last;

	fprintf(stderr, "\r\033[Kairlock-feed: %s [%d/%d] %s: ", p->source, p->file, p->files,
	    p->name);
	if (records >= 0)
		fprintf(stderr, "%.1f MiB, %" PRId64 " records, %.1f s\n", mib(bytes), records,
		    (double)(now_ms() - p->start_ms) / 1000.0);
	else {
		if (p->size > 0 && bytes <= p->size)
			fprintf(stderr, "%.1f/%.1f MiB (%d %%)", mib(bytes), mib(p->size),
			    (int)((double)bytes * 100.0 / (double)p->size));
		else
			fprintf(stderr, "%.1f MiB", mib(bytes));
		if (p->before > 0)
			fprintf(stderr, ", %" PRId64 " records in earlier files", p->before);
	}
	fflush(stderr);
	p->drawn_ms = now_ms();
}

/* ctx_progress() callback: the stored bytes read so far of the current stream. */
static void
progress_bytes(void *arg, uint64_t bytes)
{
	struct progress *p = arg;

	if (bytes < p->last)	/* a new stream in the same input (a directory's files) */
		p->base += p->last;
	p->last = bytes;
	if (now_ms() - p->drawn_ms >= PROGRESS_EVERY_MS)
		progress_draw(p, -1);
}

static void
progress_begin(struct progress *p, const char *source, const char *path, int file,
    int files, int64_t before)
{
	struct stat sb;
	const char *slash = strrchr(path, '/');

	if (!p->on)
		return;
	p->source = source;
	p->name = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
	p->file = file;
	p->files = files;
	p->size = stat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
	p->base = p->last = 0;
	p->before = before;
	p->start_ms = now_ms();
	progress_draw(p, -1);
}

/* The input is done: its final line, or none (cleared) when it failed. */
static void
progress_end(struct progress *p, int r, int64_t records)
{
	if (!p->on)
		return;
	if (p->base + p->last == 0)	/* the parser reported no bytes: its size */
		p->last = p->size;
	if (r == 0)
		progress_draw(p, records);
	else
		fputs("\r\033[K", stderr);
}

static void
progress_step(const struct progress *p, const char *what)
{
	if (p->on)
		fprintf(stderr, "airlock-feed: %s\n", what);
}

/*
 * Parses every input, one source at a time in order of first mention, each with
 * all its files, into w's sources; without w (--parse-only) into nothing, printing
 * "SOURCE<TAB>RECORDS<TAB>FILES" per source on stdout.
 */
static int
parse_inputs(struct ctx *c, int first, int argc, char **argv, struct bundle_writer *w,
    struct progress *pg)
{
	int i, r = 0;

	for (i = first; i < argc; i++) {
		const struct feed_source *src = input_source(argv[i]);
		int64_t records = 0;
		int j, files = 0, file = 0;

		for (j = first; j < i; j++)
			if (input_source(argv[j]) == src)
				break;
		if (j < i)
			continue;	/* done with the first mention */
		for (j = i; j < argc; j++)
			files += input_source(argv[j]) == src;
		if (w != NULL && (r = bundle_writer_source_begin(c, w, src->name, src->format,
		    src->parser_version)) != 0)
			return r;
		for (j = i; j < argc; j++) {
			char *copy, *name, *arg, *path;
			int64_t n = 0;

			if (input_source(argv[j]) != src)
				continue;
			copy = xstrdup(argv[j]);
			split_input(c, copy, &name, &arg, &path);
			progress_begin(pg, src->name, path, ++file, files, records);
			r = src->parse(c, path, arg, w, &n);
			if (r == 0 && n == 0)	/* fail closed: an empty input is a broken input */
				r = ctx_err(c, E_FORMAT, "yielded no records");
			progress_end(pg, r, n);
			if (r != 0)
				ctx_prefix(c, "%s:%s", name, path);
			free(copy);
			if (r != 0)
				return r;
			records += n;
		}
		if (w != NULL && (r = bundle_writer_source_end(c, w, records)) != 0)
			return r;
		if (w == NULL)
			printf("%s\t%" PRId64 "\t%d\n", src->name, records, files);
	}
	if (w == NULL && fflush(stdout) != 0)
		return ctx_errno(c, E_IO, "standard output");
	return 0;
}

int
feedcmd_build(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "secret-key", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "serial", required_argument, NULL, 'S' },
		{ "expires-in", required_argument, NULL, 'E' },
		{ "passphrase-fd", required_argument, NULL, 'P' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "parse-only", no_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	const char *seckey = NULL, *output = NULL;
	uint64_t serial = 0, days = 30;
	struct bundle_seckey *key = NULL;
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct sb dbpath = SB_INIT, sigpath = SB_INIT;
	struct progress pg;
	char *pass = NULL, *ztmp = NULL, *sigtext = NULL;
	uint64_t fdnum, zstlen = 0;
	int ch, i, fd, zfd = -1, passfd = -1, parse_only = 0, r = E_INTERNAL;

	while ((ch = getopt_long(argc, argv, "s:o:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q': c->quiet = 1; break;
		case 'p': parse_only = 1; break;
		case 'P':
			if (parse_u64(optarg, &fdnum) != 0 || fdnum > INT_MAX)
				return ctx_err(c, E_USAGE, "build: --passphrase-fd: not a descriptor");
			passfd = (int)fdnum;
			break;
		case 's': seckey = optarg; break;
		case 'o': output = optarg; break;
		case 'S':
			if (parse_u64(optarg, &serial) != 0 || serial == 0)
				return ctx_err(c, E_USAGE, "build: --serial: not a positive integer");
			break;
		case 'E':
			if (parse_u64(optarg, &days) != 0 || days == 0 ||
			    days > BUNDLE_EXPIRES_DAYS_MAX)
				return ctx_err(c, E_USAGE, "build: --expires-in: 1 to %d days",
				    BUNDLE_EXPIRES_DAYS_MAX);
			break;
		default:
			return ctx_err(c, E_USAGE, "build: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (parse_only && (seckey != NULL || output != NULL || passfd != -1))
		return ctx_err(c, E_USAGE, "build: --parse-only writes nothing: no -s, -o or "
		    "--passphrase-fd");
	if (!parse_only && (seckey == NULL || output == NULL))
		return ctx_err(c, E_USAGE, "build: -s KEY.sec and -o NAME.db.zst are required");
	if (optind == argc)
		return ctx_err(c, E_USAGE, "build: no SOURCE:FILE given");
	if (argc - optind > BUILD_INPUTS_MAX)
		return ctx_err(c, E_LIMIT, "build: more than %d inputs (BUILD_INPUTS_MAX)",
		    BUILD_INPUTS_MAX);
	/* check every input spec before doing any work */
	for (i = optind; i < argc; i++) {
		char *copy = xstrdup(argv[i]), *name, *arg, *path;

		r = split_input(c, copy, &name, &arg, &path);
		if (r == 0 && feed_find(name) == NULL)
			r = ctx_err(c, E_USAGE, "build: unknown source '%s' (airlock-feed sources)",
			    name);
		free(copy);
		if (r != 0)
			return r;
	}
	memset(&pg, 0, sizeof(pg));
	pg.on = !c->quiet && isatty(STDERR_FILENO);
	if (pg.on) {
		c->progress = progress_bytes;
		c->progress_arg = &pg;
	}
	if (parse_only) {
		r = parse_inputs(c, optind, argc, argv, NULL, &pg);
		goto out;
	}

	if ((r = bundle_passphrase_read(c, passfd, &pass)) != 0 ||
	    (r = bundle_seckey_load(c, seckey, pass, &key)) != 0)
		goto out;
	if ((r = bundle_meta_defaults(c, serial, (int)days, &meta)) != 0)
		goto out;
	bundle_keyid_hex(key->keynum, meta.keyid);

	/* the database is built beside the output and removed when done */
	sb_addf(&dbpath, "%s.sqlite.XXXXXX", output);
	if ((fd = mkstemp(dbpath.s)) == -1) {
		r = ctx_errno(c, E_IO, "%s", dbpath.s);
		goto out;
	}
	close(fd);
	unlink(dbpath.s);
	if ((r = bundle_writer_new(c, dbpath.s, &w)) != 0)
		goto out;
	if ((r = parse_inputs(c, optind, argc, argv, w, &pg)) != 0)
		goto out;
	progress_step(&pg, "writing the database");
	if ((r = bundle_writer_finish(c, w, &meta)) != 0)
		goto out;
	progress_step(&pg, "compressing and signing");
	/* Compressed by stream into a temporary file beside the output, then signed
	 * from that file as written (bounded memory at any size). Nothing of the
	 * previous bundle is touched until the signature exists: then the data is
	 * renamed into place, then its signature (a crash in between leaves a pair
	 * that fails verification: fail closed, never an unsigned database that
	 * passes). */
	if ((r = file_temp(c, output, &zfd, &ztmp)) != 0 ||
	    (r = zst_compress_fd(c, dbpath.s, zfd, output, &zstlen)) != 0)
		goto out;
	if ((r = file_sync(c, zfd, 0644, output)) != 0 ||
	    (r = bundle_sign_fd(c, key, zfd, output, &meta, &sigtext)) != 0)
		goto out;
	sb_addf(&sigpath, "%s.minisig", output);
	r = file_close_commit(c, zfd, ztmp, output);	/* tmp gone on failure */
	zfd = -1;
	free(ztmp);
	ztmp = NULL;
	if (r != 0 ||
	    (r = file_write_atomic(c, sigpath.s, sigtext, strlen(sigtext), 0644)) != 0)
		goto out;
	if (!c->quiet)
		fprintf(stderr, "airlock-feed: wrote %s (%" PRIu64 " bytes) and %s: serial %"
		    PRIu64 ", key %s\n", output, zstlen, sigpath.s, meta.serial, meta.keyid);
	r = 0;
out:
	c->progress = NULL;
	c->progress_arg = NULL;
	if (zfd != -1)
		close(zfd);
	if (ztmp != NULL)
		unlink(ztmp);
	free(ztmp);
	free(sigtext);
	bundle_writer_free(w);	/* removes the database file when unfinished */
	if (dbpath.s)
		unlink(dbpath.s);
	bundle_seckey_free(key);
	bundle_passphrase_free(pass);
	sb_free(&dbpath);
	sb_free(&sigpath);
	return r;
}
