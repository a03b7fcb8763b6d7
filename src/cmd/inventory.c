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

/* The identity of an installed package across layers. */
static int
same_cmp(const void *va, const void *vb)
{
	const struct pkg *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->name, b->name)) != 0 || (d = strcmp(a->version, b->version)) != 0)
		return d;
	if (a->arch == NULL || b->arch == NULL) {
		if ((d = (a->arch != NULL) - (b->arch != NULL)) != 0)
			return d;
	} else if ((d = strcmp(a->arch, b->arch)) != 0)
		return d;
	return strcmp(a->ecosystem, b->ecosystem);
}

/*
 * Layer attribution: walking down from the last layer, a package keeps the
 * lower layer as long as that layer's view of the package databases lists it
 * too. A layer whose view is the one below it (it changed no database) costs
 * nothing; a view whose database does not parse ends the walk (the packages
 * keep the lowest layer reached).
 */
static void
attribute_layers(struct ctx *c, const struct image *img, struct pkglist *pkgs)
{
	const struct image *v, *above;
	struct pkglist l;
	int *alive;
	size_t i, k;
	int n;

	if (img->nlayers == 0 || pkgs->n == 0 || image_layer_view(img, 0) == NULL)
		return;
	alive = xcalloc(pkgs->n, sizeof(*alive));
	for (k = 0; k < pkgs->n; k++) {
		alive[k] = 1;
		pkgs->v[k].layer = (int)img->nlayers - 1;
	}
	above = image_layer_view(img, img->nlayers - 1);
	for (n = (int)img->nlayers - 2; n >= 0; n--) {
		v = image_layer_view(img, (size_t)n);
		if (v != above) {
			memset(&l, 0, sizeof(l));
			if (pkgdb_read_all(c, v, &l) != 0) {
				pkglist_free(&l);
				break;
			}
			if (l.n > 1)
				qsort(l.v, l.n, sizeof(*l.v), same_cmp);
			for (k = 0; k < pkgs->n; k++)
				if (alive[k] && (l.n == 0 || bsearch(&pkgs->v[k], l.v, l.n,
				    sizeof(*l.v), same_cmp) == NULL))
					alive[k] = 0;
			pkglist_free(&l);
			above = v;
		}
		for (i = k = 0; k < pkgs->n; k++)
			if (alive[k]) {
				pkgs->v[k].layer = n;
				i++;
			}
		if (i == 0)
			break;
	}
	free(alive);
}

int
inventory_read(struct ctx *c, const char *path, const struct image_opts *o,
    struct image **imgp, struct osinfo *os, struct pkglist *pkgs)
{
	const char **want = pkgdb_want_paths();
	struct image *img = NULL;
	int r;

	*imgp = NULL;
	memset(os, 0, sizeof(*os));
	memset(pkgs, 0, sizeof(*pkgs));
	if ((r = image_open_opts(c, path, want, o, &img)) != 0)
		goto out;
	if ((r = image_os(c, img, os)) != 0 || (r = pkgdb_read_all(c, img, pkgs)) != 0) {
		ctx_prefix(c, "%s", path);
		goto out;
	}
	attribute_layers(c, img, pkgs);
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
