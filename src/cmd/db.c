/*
 * db.c - `airlock db import` and `airlock db status`: the database directory
 * every scan without --bundle reads (bundles/install.h).
 *
 * import: exit 0 imported (or already installed), 2 refused or failed; the
 * directory is unchanged on any failure.
 * status: exit 0 a valid installed bundle, 1 installed but expired, 2 none
 * imported or it fails verification.
 */
#include "config.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/cli.h"
#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/install.h"
#include "cmd/cmd.h"

enum { OPT_KEYS = 256, OPT_DB_DIR, OPT_REVOKED, OPT_ALLOW_DOWNGRADE };

struct db_args {
	const char *dbdir;
	const char *pubkey;
	const char *keydir;
	const char *revoked;
	int allow_downgrade;
};

/* Options of both subcommands; allow_dg: whether --allow-downgrade is one. */
static int
parse_args(struct ctx *c, const char *sub, int argc, char **argv, int allow_dg,
    struct db_args *a)
{
	static const struct option longopts[] = {
		{ "db-dir", required_argument, NULL, OPT_DB_DIR },
		{ "keys", required_argument, NULL, OPT_KEYS },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "revoked", required_argument, NULL, OPT_REVOKED },
		{ "allow-downgrade", no_argument, NULL, OPT_ALLOW_DOWNGRADE },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(a, 0, sizeof(*a));
	cli_reset_getopt();
	while ((ch = getopt_long(argc, argv, "p:q", longopts, NULL)) != -1) {
		switch (ch) {
		case OPT_DB_DIR: a->dbdir = optarg; break;
		case OPT_KEYS: a->keydir = optarg; break;
		case 'p': a->pubkey = optarg; break;
		case OPT_REVOKED: a->revoked = optarg; break;
		case 'q': c->quiet = 1; break;
		case OPT_ALLOW_DOWNGRADE:
			if (allow_dg) {
				a->allow_downgrade = 1;
				break;
			}
			/* FALLTHROUGH */
		default:
			return ctx_err(c, E_USAGE, "db %s: unknown option '%s'", sub,
			    argv[optind - 1]);
		}
	}
	return 0;
}

static int
db_import(struct ctx *c, int argc, char **argv)
{
	struct install_opts o;
	struct install_state st;
	struct bundle_pubkey *keys = NULL;
	char created[BUNDLE_TIME_LEN + 1], expires[BUNDLE_TIME_LEN + 1];
	struct db_args a;
	const char *dir;
	size_t nkeys = 0;
	int r, unchanged = 0;

	if ((r = parse_args(c, "import", argc, argv, 1, &a)) != 0)
		return r;
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "db import: expected one NAME.db.zst");
	dir = install_dir(a.dbdir);
	if ((r = bundle_keys_load_revoked(c, a.pubkey, a.keydir, a.revoked, &keys, &nkeys)) != 0)
		return r;
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = nkeys;
	o.now = (int64_t)time(NULL);
	o.allow_downgrade = a.allow_downgrade;
	r = install_import(c, dir, argv[optind], &o, &st, &unchanged);
	free(keys);
	if (r != 0)
		return r;
	if (!c->quiet) {
		bundle_time_format(st.created, created);
		bundle_time_format(st.expires, expires);
		if (unchanged)
			printf("%s: serial %" PRIu64 " is already installed\n", dir, st.serial);
		else if (st.downgrade)
			printf("%s: imported serial %" PRIu64 " (key %s, created %s, expires %s), "
			    "a downgrade from serial %" PRIu64 " (--allow-downgrade)\n", dir,
			    st.serial, st.keyid, created, expires, st.replaced_serial);
		else
			printf("%s: imported serial %" PRIu64 " (key %s, created %s, expires %s)\n",
			    dir, st.serial, st.keyid, created, expires);
	}
	return 0;
}

static int
print_source(struct ctx *c, const struct bundle_source_info *s, void *arg)
{
	int *first = arg;

	(void)c;
	printf("%-11s %s (%s, parser %s): %" PRId64 " records\n", *first ? "sources:" : "",
	    s->name, s->format ? s->format : "-", s->parser_version ? s->parser_version : "-",
	    s->records);
	*first = 0;
	return 0;
}

static int
db_status(struct ctx *c, int argc, char **argv)
{
	struct install_opts o;
	struct install_state st, prev;
	struct bundle_pubkey *keys = NULL;
	const struct bundle_meta *m;
	struct bundle *b = NULL;
	struct ctx scratch;
	char t[BUNDLE_TIME_LEN + 1], *opened = NULL;
	struct db_args a;
	const char *dir;
	size_t nkeys = 0;
	int r, first = 1;

	if ((r = parse_args(c, "status", argc, argv, 0, &a)) != 0)
		return r;
	if (argc - optind != 0)
		return ctx_err(c, E_USAGE, "db status: no arguments expected");
	dir = install_dir(a.dbdir);
	if ((r = bundle_keys_load_revoked(c, a.pubkey, a.keydir, a.revoked, &keys, &nkeys)) != 0)
		return r;
	memset(&o, 0, sizeof(o));
	o.keys = keys;
	o.nkeys = nkeys;
	o.now = (int64_t)time(NULL);
	o.allow_expired = 1;	/* reported below, and in the exit status */
	if ((r = install_open(c, dir, NULL, &o, &b, &st, &opened)) != 0)
		goto out;
	m = bundle_get_meta(b);
	if (!c->quiet) {
		printf("%-11s %s\n", "directory:", dir);
		printf("%-11s %s\n", "bundle:", opened);
		printf("%-11s %" PRIu64 "\n", "serial:", m->serial);
		bundle_time_format(m->created, t);
		printf("%-11s %s\n", "created:", t);
		bundle_time_format(m->expires, t);
		printf("%-11s %s%s\n", "expires:", t, m->expired ? " (expired)" : "");
		printf("%-11s %s\n", "key:", m->keyid);
		bundle_time_format(st.imported, t);
		printf("%-11s %s\n", "imported:", t);
		if (st.downgrade)
			printf("%-11s yes: replaced serial %" PRIu64 " (--allow-downgrade)\n",
			    "downgrade:", st.replaced_serial);
		else
			printf("%-11s no\n", "downgrade:");
		ctx_init(&scratch);
		if (install_previous_read(&scratch, dir, &prev) == 0)
			printf("%-11s serial %" PRIu64 " (%s)\n", "previous:", prev.serial, prev.gen);
		else
			printf("%-11s none\n", "previous:");
		if ((r = bundle_sources(c, b, print_source, &first)) != 0)
			goto out;
	}
	r = m->expired ? 1 : 0;
	if (r == 1)
		fprintf(stderr, "airlock: %s: expired: scans refuse it without --allow-expired\n",
		    opened);
out:
	bundle_close(b);
	free(opened);
	free(keys);
	return r;
}

int
cmd_db(struct ctx *c, int argc, char **argv)
{
	if (argc < 2)
		return ctx_err(c, E_USAGE, "db: expected import or status");
	if (strcmp(argv[1], "import") == 0)
		return db_import(c, argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return db_status(c, argc - 1, argv + 1);
	return ctx_err(c, E_USAGE, "db: unknown subcommand '%s' (import or status)", argv[1]);
}
