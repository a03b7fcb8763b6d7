/*
 * scan.c - `airlock scan`: verify the bundle, read the image, match, report.
 *
 * The bundle is verified (signature, trust, expiry) before the image or the
 * database is parsed. Exit: 0 pass, 1 findings fail, 2 error or incomplete.
 */
#include "config.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "cmd/cmd.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "match/match.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"

#define SCAN_OUTPUTS_MAX 16	/* -f/-o pairs in one run */

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

int
cmd_scan(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "pubkey", required_argument, NULL, 'p' },
		{ "keys", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle_path = NULL, *pubkey = NULL, *keydir = NULL;
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
	int ch, r = E_INTERNAL, have_inv = 0, have_match = 0;

	memset(&os, 0, sizeof(os));
	memset(&pkgs, 0, sizeof(pkgs));
	memset(&m, 0, sizeof(m));
	while ((ch = getopt_long(argc, argv, "b:p:k:f:o:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'b': bundle_path = optarg; break;
		case 'p': pubkey = optarg; break;
		case 'k': keydir = optarg; break;
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
	if (bundle_path == NULL)
		return ctx_err(c, E_USAGE, "scan: --bundle is required");
	if (nouts == 0) {
		outs[0].format = "table";
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

	/* trust first: nothing of the bundle or the image is parsed before this */
	if ((r = bundle_keys_load(c, pubkey, keydir, &keys, &nkeys)) != 0)
		goto out;
	if ((r = bundle_open(c, bundle_path, keys, nkeys, (int64_t)time(NULL), &b)) != 0)
		goto out;
	if ((r = inventory_read(c, argv[optind], &img, &os, &pkgs)) != 0)
		goto out;
	have_inv = 1;
	if ((r = bundle_sources(c, b, collect_source, &ss)) != 0)
		goto out;
	if ((r = match_run(c, b, &os, &pkgs, &m)) != 0) {
		ctx_prefix(c, "%s", argv[optind]);
		goto out;
	}
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
	for (i = 0; i < nouts; i++) {
		rep.color = outs[i].path == NULL && isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL;
		sb_reset(&out);
		if ((r = report_render(c, outs[i].format, &rep, &out)) != 0)
			goto out;
		if ((r = output_write(c, outs[i].path, sb_str(&out), out.len)) != 0)
			goto out;
	}
	switch (report_verdict(&rep)) {
	case REPORT_PASS: r = 0; break;
	case REPORT_FAIL: r = 1; break;
	case REPORT_INCOMPLETE: r = 2; break;
	}
out:
	sb_free(&out);
	if (have_match)
		match_result_free(&m);
	if (have_inv) {
		osinfo_free(&os);
		pkglist_free(&pkgs);
	}
	sources_free(&ss);
	image_free(img);
	bundle_close(b);
	free(keys);
	return r;
}
