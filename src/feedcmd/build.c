/*
 * build.c - `airlock-feed build`: feeds -> SQLite -> zstd -> signed bundle.
 *
 * Fail closed: any input that cannot be read or parsed, or a source that yields
 * no records, fails the build; the previous NAME.db.zst and its signature are
 * left untouched (everything is written beside them and renamed at the end).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
		{ NULL, 0, NULL, 0 },
	};
	const char *seckey = NULL, *output = NULL;
	uint64_t serial = 0, days = 30;
	struct bundle_seckey *key = NULL;
	struct bundle_writer *w = NULL;
	struct bundle_meta meta;
	struct sb dbpath = SB_INIT, sigpath = SB_INIT;
	uint8_t *zst = NULL;
	size_t zstlen = 0;
	char *pass = NULL;
	uint64_t fdnum;
	int ch, i, fd, passfd = -1, r = E_INTERNAL;

	while ((ch = getopt_long(argc, argv, "s:o:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'q': c->quiet = 1; break;
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
	if (seckey == NULL || output == NULL)
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
	/* one source at a time, in order of first mention, each with all its files */
	for (i = optind; i < argc; i++) {
		const struct feed_source *src = input_source(argv[i]);
		int64_t records = 0;
		int j;

		for (j = optind; j < i; j++)
			if (input_source(argv[j]) == src)
				break;
		if (j < i)
			continue;	/* done with the first mention */
		if ((r = bundle_writer_source_begin(c, w, src->name, src->format,
		    src->parser_version)) != 0)
			goto out;
		for (j = i; j < argc; j++) {
			char *copy, *name, *arg, *path;
			int64_t n = 0;

			if (input_source(argv[j]) != src)
				continue;
			copy = xstrdup(argv[j]);
			split_input(c, copy, &name, &arg, &path);
			r = src->parse(c, path, arg, w, &n);
			if (r == 0 && n == 0)	/* fail closed: an empty input is a broken input */
				r = ctx_err(c, E_FORMAT, "yielded no records");
			if (r != 0)
				ctx_prefix(c, "%s:%s", name, path);
			free(copy);
			if (r != 0)
				goto out;
			records += n;
		}
		if ((r = bundle_writer_source_end(c, w, records)) != 0)
			goto out;
	}
	if ((r = bundle_writer_finish(c, w, &meta)) != 0)
		goto out;
	if ((r = zst_compress_file(c, dbpath.s, &zst, &zstlen)) != 0)
		goto out;
	/* data first, then its signature: a crash in between leaves a pair that fails
	 * verification (fail closed), never an unsigned database that passes */
	sb_addf(&sigpath, "%s.minisig", output);
	if ((r = file_write_atomic(c, output, zst, zstlen, 0644)) != 0 ||
	    (r = bundle_sign_write(c, key, zst, zstlen, &meta, sigpath.s)) != 0)
		goto out;
	if (!c->quiet)
		fprintf(stderr, "airlock-feed: wrote %s (%zu bytes) and %s: serial %" PRIu64
		    ", key %s\n", output, zstlen, sigpath.s, meta.serial, meta.keyid);
	r = 0;
out:
	bundle_writer_free(w);	/* removes the database file when unfinished */
	if (dbpath.s)
		unlink(dbpath.s);
	bundle_seckey_free(key);
	bundle_passphrase_free(pass);
	free(zst);
	sb_free(&dbpath);
	sb_free(&sigpath);
	return r;
}
