/*
 * sign.c - `airlock-feed sign`: (re)sign an existing NAME.db.zst.
 *
 * The serial, created and expires times come from the database's meta table
 * (the trusted comment must carry the serial the database holds, and the
 * database is not changed here), so this decompresses the unsigned bundle on
 * the connected side. --expires-in DAYS re-dates the expiry from the build time
 * ($SOURCE_DATE_EPOCH or now); --serial N only asserts the database's serial.
 * The signature is made over the very bytes that were read and checked.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"
#include "bundles/sign.h"
#include "feedcmd/feedcmd.h"

#define NUM_MAX_DIGITS 20

enum { OPT_SERIAL = 256, OPT_EXPIRES_IN, OPT_PASSPHRASE_FD };

static const struct option long_opts[] = {
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "expires-in", required_argument, NULL, OPT_EXPIRES_IN },
	{ "passphrase-fd", required_argument, NULL, OPT_PASSPHRASE_FD },
	{ NULL, 0, NULL, 0 },
};

/* Canonical decimal in [min, max]. */
static int
parse_num(struct ctx *c, const char *opt, const char *s, uint64_t min, uint64_t max,
    uint64_t *v)
{
	size_t i, n = strlen(s);
	uint64_t x = 0;

	if (n == 0 || n > NUM_MAX_DIGITS || (s[0] == '0' && n > 1))
		goto bad;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || ckd_mul(&x, x, (uint64_t)10) ||
		    ckd_add(&x, x, (uint64_t)(s[i] - '0')))
			goto bad;
	}
	if (x < min || x > max)
		goto bad;
	*v = x;
	return 0;
bad:
	return ctx_err(c, E_USAGE, "%s: '%s' is not a number from %" PRIu64 " to %" PRIu64,
	    opt, s, min, max);
}

int
feedcmd_sign(struct ctx *c, int argc, char **argv)
{
	const char *secpath = NULL, *path;
	struct bundle_seckey *key = NULL;
	struct bundle *b = NULL;
	struct bundle_meta meta;
	uint64_t serial = 0, days = 0, fd64;
	uint8_t *zst = NULL;
	size_t zlen = 0, splen;
	char *pass = NULL, *sigpath = NULL, created[BUNDLE_TIME_LEN + 1];
	char expires[BUNDLE_TIME_LEN + 1], keyid[17];
	int64_t now;
	int fd = -1, ch, r = E_INTERNAL;

	while ((ch = getopt_long(argc, argv, "s:q", long_opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			secpath = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case OPT_SERIAL:
			if ((r = parse_num(c, "--serial", optarg, 1, UINT64_MAX, &serial)) != 0)
				return r;
			break;
		case OPT_EXPIRES_IN:
			if ((r = parse_num(c, "--expires-in", optarg, 1,
			    BUNDLE_EXPIRES_DAYS_MAX, &days)) != 0)
				return r;
			break;
		case OPT_PASSPHRASE_FD:
			if ((r = parse_num(c, "--passphrase-fd", optarg, 0, 1 << 20, &fd64)) != 0)
				return r;
			fd = (int)fd64;
			break;
		default:
			return ctx_err(c, E_USAGE, "unknown option or missing argument");
		}
	}
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "expected one NAME.db.zst");
	if (secpath == NULL)
		return ctx_err(c, E_USAGE, "-s KEY.sec is required");
	path = argv[optind];

	if ((r = file_read(c, path, BUNDLE_ZST_MAX, &zst, &zlen)) != 0)
		goto out;
	/* Connected side, our own build output: read its meta before signing. */
	if ((r = bundle_open_unverified(c, zst, zlen, &b)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	meta = *bundle_get_meta(b);
	bundle_close(b);
	b = NULL;
	if (serial != 0 && serial != meta.serial) {
		r = ctx_err(c, E_USAGE, "%s: --serial %" PRIu64 " differs from the database's "
		    "serial %" PRIu64 " (fixed at build time)", path, serial, meta.serial);
		goto out;
	}
	if (days != 0) {
		if ((r = bundle_build_time(c, &now)) != 0)
			goto out;
		if (ckd_add(&meta.expires, now, (int64_t)days * 86400)) {
			r = ctx_err(c, E_USAGE, "--expires-in: out of range");
			goto out;
		}
		if (meta.expires <= meta.created) {
			r = ctx_err(c, E_USAGE, "--expires-in %" PRIu64 ": would expire before the "
			    "bundle was created", days);
			goto out;
		}
	}
	if ((r = bundle_passphrase_read(c, fd, &pass)) != 0)
		goto out;
	if ((r = bundle_seckey_load(c, secpath, pass, &key)) != 0)
		goto out;
	splen = strlen(path) + sizeof(".minisig");
	sigpath = xmalloc(splen);
	snprintf(sigpath, splen, "%s.minisig", path);
	if ((r = bundle_sign_write(c, key, zst, zlen, &meta, sigpath)) != 0)
		goto out;
	if (!c->quiet) {
		bundle_time_format(meta.created, created);
		bundle_time_format(meta.expires, expires);
		bundle_keyid_hex(key->keynum, keyid);
		printf("%s: serial %" PRIu64 ", created %s, expires %s, key %s\n", sigpath,
		    meta.serial, created, expires, keyid);
	}
	r = 0;
out:
	bundle_close(b);
	bundle_seckey_free(key);
	bundle_passphrase_free(pass);
	free(sigpath);
	free(zst);
	return r;
}
