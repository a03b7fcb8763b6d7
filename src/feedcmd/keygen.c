/* keygen.c - `airlock-feed keygen`: a new key pair in minisign's formats. */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/sign.h"
#include "feedcmd/feedcmd.h"

#define FD_MAX_DIGITS 9

enum { OPT_PASSPHRASE_FD = 256 };

static const struct option long_opts[] = {
	{ "passphrase-fd", required_argument, NULL, OPT_PASSPHRASE_FD },
	{ NULL, 0, NULL, 0 },
};

static int
parse_fd(struct ctx *c, const char *s, int *fd)
{
	size_t i, n = strlen(s);
	int x = 0;

	if (n == 0 || n > FD_MAX_DIGITS)
		return ctx_err(c, E_USAGE, "--passphrase-fd: not a file descriptor: '%s'", s);
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ctx_err(c, E_USAGE, "--passphrase-fd: not a file descriptor: '%s'",
			    s);
		x = x * 10 + (s[i] - '0');
	}
	*fd = x;
	return 0;
}

int
feedcmd_keygen(struct ctx *c, int argc, char **argv)
{
	const char *pubpath = NULL, *secpath = NULL;
	struct bundle_pubkey pk;
	char *pass = NULL, keyid[17];
	int force = 0, nopass = 0, fd = -1, ch, r = E_INTERNAL;

	while ((ch = getopt_long(argc, argv, "fWp:s:q", long_opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			force = 1;
			break;
		case 'W':
			nopass = 1;
			break;
		case 'p':
			pubpath = optarg;
			break;
		case 's':
			secpath = optarg;
			break;
		case 'q':
			c->quiet = 1;
			break;
		case OPT_PASSPHRASE_FD:
			if ((r = parse_fd(c, optarg, &fd)) != 0)
				return r;
			break;
		default:
			return ctx_err(c, E_USAGE, "unknown option or missing argument");
		}
	}
	if (optind != argc)
		return ctx_err(c, E_USAGE, "unexpected argument '%s'", argv[optind]);
	if (pubpath == NULL || secpath == NULL)
		return ctx_err(c, E_USAGE, "both -p KEY.pub and -s KEY.sec are required");
	if (strcmp(pubpath, secpath) == 0)
		return ctx_err(c, E_USAGE, "-p and -s name the same file");
	if (nopass && fd != -1)
		return ctx_err(c, E_USAGE, "-W and --passphrase-fd exclude each other");
	if (!nopass) {
		if ((r = bundle_passphrase_read(c, fd, &pass)) != 0)
			return r;
		if (pass == NULL)
			return ctx_err(c, E_USAGE, "no passphrase: set AIRLOCK_PASSPHRASE, use "
			    "--passphrase-fd N, or -W for an unencrypted key");
	}
	r = bundle_keygen(c, pubpath, secpath, pass, force);
	bundle_passphrase_free(pass);
	if (r != 0)
		return r;
	if (!c->quiet) {
		if ((r = bundle_pubkey_load(c, pubpath, &pk)) != 0)
			return r;
		bundle_keyid_hex(pk.keynum, keyid);
		printf("key %s: public key %s, secret key %s (%s)\n", keyid, pubpath, secpath,
		    nopass ? "unencrypted" : "encrypted");
	}
	return 0;
}
