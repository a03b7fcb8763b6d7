/* inventory.c - read an image's OS and packages; write command output. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/xmalloc.h"
#include "cmd/inventory.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"

/* Every path the OS probe and the package readers need, NULL-terminated. */
static const char **
wanted_paths(void)
{
	const char **v;
	size_t n = 0, i, j;

	for (i = 0; image_os_paths[i]; i++)
		n++;
	for (i = 0; pkgdb_readers[i]; i++)
		for (j = 0; pkgdb_readers[i]->paths[j]; j++)
			n++;
	v = xcalloc(n + 1, sizeof(*v));
	n = 0;
	for (i = 0; image_os_paths[i]; i++)
		v[n++] = image_os_paths[i];
	for (i = 0; pkgdb_readers[i]; i++)
		for (j = 0; pkgdb_readers[i]->paths[j]; j++)
			v[n++] = pkgdb_readers[i]->paths[j];
	return v;
}

int
inventory_read(struct ctx *c, const char *path, struct image **imgp, struct osinfo *os,
    struct pkglist *pkgs)
{
	const char **want = wanted_paths();
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
