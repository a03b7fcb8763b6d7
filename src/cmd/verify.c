/*
 * verify.c - `airlock verify`: is this bundle signed by a trusted, unrevoked key,
 * intact and fresh? Exit 0 valid, 1 when a signature, trust, revocation or
 * expiry check fails (reason on stderr), 2 for anything else (usage, I/O,
 * malformed files).
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "cmd/cmd.h"

enum { OPT_KEYS = 256, OPT_REVOKED };

static const struct option long_opts[] = {
	{ "keys", required_argument, NULL, OPT_KEYS },
	{ "revoked", required_argument, NULL, OPT_REVOKED },
	{ NULL, 0, NULL, 0 },
};

int
cmd_verify(struct ctx *c, int argc, char **argv)
{
	const char *pubpath = NULL, *dir = NULL, *revoked = NULL, *path;
	struct bundle_pubkey *keys = NULL;
	const struct bundle_meta *m;
	struct bundle *b = NULL;
	char created[BUNDLE_TIME_LEN + 1], expires[BUNDLE_TIME_LEN + 1];
	size_t nkeys = 0;
	int ch, r = E_INTERNAL;

	while ((ch = getopt_long(argc, argv, "p:q", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			pubpath = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case OPT_KEYS:
			dir = optarg;
			break;
		case OPT_REVOKED:
			revoked = optarg;
			break;
		default:
			return ctx_err(c, E_USAGE, "unknown option or missing argument");
		}
	}
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "expected one NAME.db.zst");
	path = argv[optind];
	if ((r = bundle_keys_load_revoked(c, pubpath, dir, revoked, &keys, &nkeys)) != 0)
		goto out;
	r = bundle_open(c, path, keys, nkeys, (int64_t)time(NULL), &b);
	if (r == E_VERIFY || r == E_STALE) {
		/* A verdict, not a failure to reach one: message already names path. */
		fprintf(stderr, "airlock: %s\n", c->err);
		r = 1;
		goto out;
	}
	if (r != 0)
		goto out;
	if (!c->quiet) {
		m = bundle_get_meta(b);
		bundle_time_format(m->created, created);
		bundle_time_format(m->expires, expires);
		printf("%s: valid, serial %" PRIu64 ", created %s, expires %s, key %s\n", path,
		    m->serial, created, expires, m->keyid);
	}
	r = 0;
out:
	bundle_close(b);
	free(keys);
	return r;
}
