/*
 * packages.c - `airlock packages [-f FORMAT] [-o FILE] IMAGE.tar`: the OS and
 * installed packages of an image archive, without any bundle. The renderers
 * are the report module's (JSON contract in doc/airlock-json.7).
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/sb.h"
#include "cmd/cmd.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "report/report.h"

int
cmd_packages(struct ctx *c, int argc, char **argv)
{
	const char *format = "table", *outpath = NULL;
	struct image *img = NULL;
	struct osinfo os;
	struct pkglist pkgs;
	struct report rep;
	struct sb b = SB_INIT;
	int ch, r = E_INTERNAL;

	while ((ch = getopt(argc, argv, "f:o:q")) != -1) {
		switch (ch) {
		case 'f': format = optarg; break;
		case 'o': outpath = optarg; break;
		case 'q': c->quiet = 1; break;
		default:
			return ctx_err(c, E_USAGE, "packages: unknown option '%s'", argv[optind - 1]);
		}
	}
	if ((r = report_check_format(c, format)) != 0)
		return r;
	if (argc - optind != 1)
		return ctx_err(c, E_USAGE, "packages: exactly one image archive expected");
	if ((r = inventory_read(c, argv[optind], &img, &os, &pkgs)) != 0)
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
