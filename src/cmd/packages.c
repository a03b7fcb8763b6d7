/*
 * packages.c - `airlock packages [-f FORMAT] [-o FILE] [--image REF] [--fast]
 * IMAGE`: the OS and installed packages of an image archive (a file, "-" for
 * standard input, or an OCI layout directory), without any bundle. The
 * renderers are the report module's (JSON contract in doc/airlock-json.7).
 * An archive holding several images needs --image (the error lists them);
 * --fast skips the layer digests (see image_open_opts).
 */
#include "config.h"

#include <getopt.h>
#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "cmd/cmd.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"

enum { OPT_IMAGE = 256, OPT_FAST };

int
cmd_packages(struct ctx *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "image", required_argument, NULL, OPT_IMAGE },
		{ "fast", no_argument, NULL, OPT_FAST },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "table", *outpath = NULL;
	struct image_opts io;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist pkgs;
	struct report rep;
	struct sb b = SB_INIT;
	int ch, r = E_INTERNAL;

	memset(&io, 0, sizeof(io));
	while ((ch = getopt_long(argc, argv, "f:o:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'q': c->quiet = 1; break;
		case OPT_IMAGE: io.ref = optarg; break;
		case OPT_FAST: io.fast = 1; break;
		default:
			return ctx_err(c, E_USAGE, "packages: unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((r = report_check_format(c, format)) != 0)
		return r;
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "packages: exactly one image archive expected");
	if ((r = inventory_read(c, argv[optind], &io, &img, &os, &pkgs)) != 0)
		return r;
	memset(&rep, 0, sizeof(rep));
	rep.image_path = argv[optind];
	rep.img = img;
	rep.os = &os;
	rep.pkgs = &pkgs;
	if ((r = report_render(c, format, &rep, &b)) == 0)
		r = output_write(c, outpath, sb_str(&b), b.len);
	sb_free(&b);
	pkglist_free(&pkgs);
	osinfo_free(&os);
	image_free(img);
	return r;
}
