/* pkgdb.c - the package list and the table of package-database readers. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"

const struct pkgdb_reader *const pkgdb_readers[] = {
	&pkgdb_dpkg,
	&pkgdb_apk,
	&pkgdb_rpm_sqlite,
	&pkgdb_rpm_ndb,
	&pkgdb_rpm_bdb,
	NULL,
};

void
pkglist_add(struct pkglist *l, const struct pkg *p)
{
	struct pkg *d;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	d = &l->v[l->n++];
	d->name = xstrdup(p->name);
	d->version = xstrdup(p->version);
	d->arch = xstrdup_or_null(p->arch);
	d->source_name = xstrdup(p->source_name ? p->source_name : p->name);
	d->source_version = xstrdup(p->source_version ? p->source_version : p->version);
	d->ecosystem = p->ecosystem;
	d->layer = p->layer;
	d->modularity_label = xstrdup_or_null(p->modularity_label);
	d->sigkey = xstrdup_or_null(p->sigkey);
}

static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
pkg_cmp(const void *va, const void *vb)
{
	const struct pkg *a = va, *b = vb;
	int d;

	if ((d = strcmp(a->name, b->name)) != 0)
		return d;
	if ((d = strcmp(a->version, b->version)) != 0)
		return d;
	return strcmp_null(a->arch, b->arch);
}

void
pkglist_sort(struct pkglist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), pkg_cmp);
}

static void
pkg_free(struct pkg *p)
{
	free(p->name);
	free(p->version);
	free(p->arch);
	free(p->source_name);
	free(p->source_version);
	free(p->modularity_label);
	free(p->sigkey);
}

/* Drops the packages past n (used to undo a failed reader's appends). */
void
pkglist_truncate(struct pkglist *l, size_t n)
{
	while (l->n > n)
		pkg_free(&l->v[--l->n]);
}

void
pkglist_free(struct pkglist *l)
{
	if (l == NULL)
		return;
	pkglist_truncate(l, 0);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

int
pkgdb_read_all(struct ctx *c, const struct image *img, struct pkglist *out)
{
	const struct pkgdb_reader *const *rd;
	size_t n0 = out->n;
	int r;

	for (rd = pkgdb_readers; *rd != NULL; rd++) {
		if ((r = (*rd)->read(c, img, out)) != 0) {
			pkglist_truncate(out, n0);
			return r;
		}
	}
	pkglist_sort(out);
	return 0;
}

const char **
pkgdb_want_paths(void)
{
	const struct pkgdb_reader *const *rd;
	const char *const *p;
	const char **v;
	size_t n = 0, i = 0;

	for (p = image_os_paths; *p; p++)
		n++;
	for (rd = pkgdb_readers; *rd != NULL; rd++)
		for (p = (*rd)->paths; *p; p++)
			n++;
	v = xreallocarray(NULL, n + 1, sizeof(*v));
	for (p = image_os_paths; *p; p++)
		v[i++] = *p;
	for (rd = pkgdb_readers; *rd != NULL; rd++)
		for (p = (*rd)->paths; *p; p++)
			v[i++] = *p;
	v[i] = NULL;
	return v;
}
