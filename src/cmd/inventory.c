/* inventory.c - read an image's OS and packages; write command output. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/file.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"

int
inventory_read(struct ctx *c, const char *path, struct image **imgp, struct osinfo *os,
    struct pkglist *pkgs)
{
	const char **want = pkgdb_want_paths();
	struct image *img = NULL;
	int r;

	*imgp = NULL;
	memset(os, 0, sizeof(*os));
	memset(pkgs, 0, sizeof(*pkgs));
	if ((r = image_open(c, path, want, &img)) != 0)
		goto out;
	if ((r = image_os(c, img, os)) != 0 || (r = pkgdb_read_all(c, img, pkgs)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	*imgp = img;
	img = NULL;
out:
	if (r != 0) {
		osinfo_free(os);
		pkglist_free(pkgs);
	}
	image_free(img);
	free(want);
	return r;
}

int
output_write(struct ctx *c, const char *path, const char *text, size_t len)
{
	if (path == NULL || strcmp(path, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			return ctx_errno(c, E_IO, "standard output");
		return 0;
	}
	return file_write_atomic(c, path, text, len, 0644);
}
