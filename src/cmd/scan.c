/*
 * scan.c - `airlock scan`: verify the bundle, read the image, match, report.
 *
 * The bundle (by default the one imported into the database directory, see
 * bundles/install.h) is verified (signature, trust, revocation, expiry,
 * rollback) before the image or the database is parsed. The policy
 * (--policy, doc/airlock-policy.5; default: any finding fails) decides the
 * verdict. Exit: 0 pass, 1 the policy failed, 2 error or no verdict.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/install.h"
#include "cmd/cmd.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "policy/policy.h"
#include "report/report.h"

#define SCAN_OUTPUTS_MAX 16	/* -f/-o pairs in one run */

enum { OPT_POLICY = 512, OPT_VERDICT };

enum { OPT_DB_DIR = 256, OPT_REVOKED, OPT_ALLOW_EXPIRED, OPT_ALLOW_DOWNGRADE };

enum { OPT_IMAGE = 768 };

struct sources {
	struct report_source *v;
	size_t n;
};

/* One requested report: a format and where it goes (NULL: standard output). */
struct output {
	const char *format;
	const char *path;
};

static int
collect_source(struct ctx *c, const struct bundle_source_info *s, void *arg)
{
	struct sources *ss = arg;
	struct report_source *d;

	(void)c;
	ss->v = xreallocarray(ss->v, ss->n + 1, sizeof(*ss->v));
	d = &ss->v[ss->n++];
	d->name = xstrdup(s->name);
	d->format = xstrdup_or_null(s->format);
	d->parser_version = xstrdup_or_null(s->parser_version);
	d->records = s->records;
	return 0;
}

static void
sources_free(struct sources *ss)
{
	size_t i;

	for (i = 0; i < ss->n; i++) {
		free((char *)ss->v[i].name);
		free((char *)ss->v[i].format);
		free((char *)ss->v[i].parser_version);
	}
	free(ss->v);
}

/* The bundle's input manifest, for the verdict. */
struct inputs {
	struct report_input *v;
	size_t n;
};

static int
collect_input(struct ctx *c, const struct bundle_source_input *in, void *arg)
{
	struct inputs *is = arg;
	struct report_input *d;

	(void)c;
	is->v = xreallocarray(is->v, is->n + 1, sizeof(*is->v));
	d = &is->v[is->n++];
	d->source = xstrdup(in->source);
	d->path = xstrdup(in->path);
	d->sha256 = xstrdup(in->sha256);
	d->bytes = in->bytes;
	d->upstream_time = xstrdup_or_null(in->upstream_time);
	return 0;
}

static void
inputs_free(struct inputs *is)
{
	size_t i;

	for (i = 0; i < is->n; i++) {
		free((char *)is->v[i].source);
		free((char *)is->v[i].path);
		free((char *)is->v[i].sha256);
		free((char *)is->v[i].upstream_time);
	}
	free(is->v);
}

/* CLOCK_MONOTONIC in seconds, for the AIRLOCK_STATS line. */
static double
mono_s(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * AIRLOCK_STATS: one line on stderr (besides cli.c's) with the time spent in
 * database lookups (bundle_profile, from the bundle's opening on), their
 * statement count, the time in match_run and this command's wall time.
 */
static void
print_scan_stats(const struct bundle *b, double match_s, double t0)
{
	uint64_t ns, nstmts;

	bundle_profile(b, &ns, &nstmts);
	fprintf(stderr, "airlock: stats: db_lookup_s=%.6f db_statements=%llu match_s=%.6f "
	    "scan_wall_s=%.6f\n", (double)ns / 1e9, (unsigned long long)nstmts, match_s,
	    mono_s() - t0);
}

int
cmd_scan(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "keys", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "policy", required_argument, NULL, OPT_POLICY },
		{ "verdict", required_argument, NULL, OPT_VERDICT },
		{ "db-dir", required_argument, NULL, OPT_DB_DIR },
		{ "revoked", required_argument, NULL, OPT_REVOKED },
		{ "allow-expired", no_argument, NULL, OPT_ALLOW_EXPIRED },
		{ "allow-downgrade", no_argument, NULL, OPT_ALLOW_DOWNGRADE },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle_path = NULL, *pubkey = NULL, *keydir = NULL;
	const char *dbdir = NULL, *revoked = NULL;
	struct install_opts iopts;
	struct image_opts imgopts;
	char *opened = NULL;	/* the bundle file opened (the installed one by default) */
	struct output outs[SCAN_OUTPUTS_MAX];
	size_t nouts = 0, i;
	int pending_format = 0;	/* the last -f still waits for its -o */
	struct bundle_pubkey *keys = NULL;
	size_t nkeys = 0;
	struct bundle *b = NULL;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist pkgs;
	struct match_result m;
	struct sources ss = { NULL, 0 };
	struct report rep;
	struct sb out = SB_INIT;
	const char *policy_path = NULL;
	struct policy pol;
	struct policy_eval eval;
	struct inputs ins = { NULL, 0 };
	size_t nverdicts = 0;	/* reports from --verdict */
	int ch, r = E_INTERNAL, have_inv = 0, have_match = 0;
	int stats = getenv("AIRLOCK_STATS") != NULL;
	double t0 = mono_s(), tm, match_s = 0;

	memset(&os, 0, sizeof(os));
	memset(&pkgs, 0, sizeof(pkgs));
	memset(&m, 0, sizeof(m));
	memset(&eval, 0, sizeof(eval));
	policy_default(&pol);
	memset(&iopts, 0, sizeof(iopts));
	memset(&imgopts, 0, sizeof(imgopts));
	while ((ch = getopt_long(argc, argv, "b:p:k:f:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': bundle_path = optarg; break;
		case 'p': pubkey = optarg; break;
		case 'k': keydir = optarg; break;
		case OPT_POLICY: policy_path = optarg; break;
		case OPT_VERDICT:
			/* --verdict FILE is -f verdict -o FILE */
			if (nouts == SCAN_OUTPUTS_MAX)
				return ctx_err(c, E_LIMIT, "scan: more than %d reports "
				    "(SCAN_OUTPUTS_MAX)", SCAN_OUTPUTS_MAX);
			outs[nouts].format = "verdict";
			outs[nouts++].path = optarg;
			nverdicts++;
			pending_format = 0;
			break;
		case OPT_DB_DIR: dbdir = optarg; break;
		case OPT_REVOKED: revoked = optarg; break;
		case OPT_ALLOW_EXPIRED: iopts.allow_expired = 1; break;
		case OPT_ALLOW_DOWNGRADE: iopts.allow_downgrade = 1; break;
		case OPT_IMAGE: imgopts.ref = optarg; break;
		case 'f':
			/* -f FORMAT [-o FILE]: each -f starts a new report */
			if (nouts == SCAN_OUTPUTS_MAX)
				return ctx_err(c, E_LIMIT, "scan: more than %d reports "
				    "(SCAN_OUTPUTS_MAX)", SCAN_OUTPUTS_MAX);
			outs[nouts].format = optarg;
			outs[nouts++].path = NULL;
			pending_format = 1;
			break;
		case 'o':
			if (!pending_format) {
				/* -o without its own -f: the default table */
				if (nouts == SCAN_OUTPUTS_MAX)
					return ctx_err(c, E_LIMIT, "scan: more than %d reports "
					    "(SCAN_OUTPUTS_MAX)", SCAN_OUTPUTS_MAX);
				outs[nouts].format = "table";
				outs[nouts++].path = NULL;
			}
			outs[nouts - 1].path = optarg;
			pending_format = 0;
			break;
		default:
			return ctx_err(c, E_USAGE, "scan: unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "scan: exactly one image tarball expected");
	if (nouts == nverdicts && nouts < SCAN_OUTPUTS_MAX) {
		/* nothing but --verdict FILE: the table still goes to standard output */
		outs[nouts].format = "table";
		outs[nouts++].path = NULL;
	}
	for (i = 0; i < nouts; i++) {
		size_t j;

		if ((r = report_check_format(c, outs[i].format)) != 0)
			return r;
		for (j = 0; j < i; j++)
			if ((outs[i].path == NULL) == (outs[j].path == NULL) &&
			    (outs[i].path == NULL || strcmp(outs[i].path, outs[j].path) == 0))
				return ctx_err(c, E_USAGE, "scan: two reports to %s",
				    outs[i].path ? outs[i].path : "standard output");
	}

	/* a bad policy is a usage error: refused before any work (exit 2) */
	if (policy_path != NULL && (r = policy_load(c, policy_path, &pol)) != 0)
		goto out;

	/* trust first: nothing of the bundle or the image is parsed before this. Without
	 * --bundle, the imported bundle of the database directory; with it, that
	 * directory's installed serial still refuses a rollback. */
	if ((r = bundle_keys_load_revoked(c, pubkey, keydir, revoked, &keys, &nkeys)) != 0)
		goto out;
	iopts.keys = keys;
	iopts.nkeys = nkeys;
	iopts.now = (int64_t)time(NULL);
	if ((r = install_open(c, dbdir, bundle_path, &iopts, &b, NULL, &opened)) != 0)
		goto out;
	bundle_path = opened;
	if (stats && (r = bundle_profile_enable(c, b)) != 0)
		goto out;
	if ((r = inventory_read(c, argv[optind], &imgopts, &img, &os, &pkgs)) != 0)
		goto out;
	have_inv = 1;
	if ((r = bundle_sources(c, b, collect_source, &ss)) != 0)
		goto out;
	if ((r = bundle_source_inputs(c, b, collect_input, &ins)) != 0)
		goto out;
	tm = mono_s();
	if ((r = match_run(c, b, &os, &pkgs, &m)) != 0) {
		ctx_prefix(c, "%s", argv[optind]);
		goto out;
	}
	match_s = mono_s() - tm;
	have_match = 1;

	memset(&rep, 0, sizeof(rep));
	rep.image_path = argv[optind];
	rep.img = img;
	rep.os = &os;
	rep.pkgs = &pkgs;
	rep.bundle_path = bundle_path;
	rep.meta = bundle_get_meta(b);
	rep.sources = ss.v;
	rep.nsources = ss.n;
	rep.match = &m;
	rep.now = (int64_t)time(NULL);
	rep.inputs = ins.v;
	rep.ninputs = ins.n;
	if ((r = policy_evaluate(c, &pol, &rep, &eval)) != 0)
		goto out;
	rep.policy = &pol;
	rep.eval = &eval;
	for (i = 0; i < nouts; i++) {
		rep.color = outs[i].path == NULL && isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL;
		sb_reset(&out);
		if ((r = report_render(c, outs[i].format, &rep, &out)) != 0)
			goto out;
		if ((r = output_write(c, outs[i].path, sb_str(&out), out.len)) != 0)
			goto out;
	}
	r = policy_exit_status(report_verdict(&rep));
out:
	if (stats && b != NULL)
		print_scan_stats(b, match_s, t0);
	sb_free(&out);
	policy_eval_free(&eval);
	policy_free(&pol);
	inputs_free(&ins);
	if (have_match)
		match_result_free(&m);
	if (have_inv) {
		osinfo_free(&os);
		pkglist_free(&pkgs);
	}
	sources_free(&ss);
	image_free(img);
	bundle_close(b);
	free(opened);
	free(keys);
	return r;
}
