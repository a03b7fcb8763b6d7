/*
 * apk.c - Alpine installed packages from lib/apk/db/installed.
 *
 * The database is a list of stanzas separated by blank lines; every line of a
 * stanza is "X:value", X one byte naming the field (apk-tools' "index" format,
 * apk-package(5)). Only P (package name), V (version), A (architecture) and o
 * (origin: the aport the package was built from) are read; every other field
 * (files F/R, checksums Z, scripts, ...) is skipped without looking at its
 * value. CRLF line ends are tolerated. A stanza with any field needs P and V;
 * A may be absent (arch NULL) and so may o (the origin is then the package's
 * own name, as apk-tools defaults it). The kept values are exact: no byte is
 * trimmed, and a blank or control byte in one is E_FORMAT (apk never writes
 * one). A line that is not "X:..." is E_FORMAT: apk-tools refuses such a
 * database as corrupt, so must we rather than guess at what was installed.
 *
 * Each package has source_name = origin and source_version = version (an
 * Alpine subpackage shares its origin's version), ecosystem "apk".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "base/xmalloc.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"

#define APK_MAX_SIZE		(64 * 1024 * 1024)	/* the installed file */
#define APK_MAX_LINE		(64 * 1024)	/* one line */
#define APK_MAX_STANZAS		200000		/* stanzas (packages) in the file */
#define APK_MAX_VALUE		1024		/* P, V, A or o value */

#define APK_INSTALLED	"lib/apk/db/installed"

/* The fields we keep, in one stanza. */
enum { F_NAME, F_VERSION, F_ARCH, F_ORIGIN, F_N };

static const char field_keys[F_N] = { 'P', 'V', 'A', 'o' };
static const char *const field_names[F_N] = {
	"P (name)", "V (version)", "A (arch)", "o (origin)",
};

struct stanza {
	const char *v[F_N];	/* borrowed from the input, not NUL-terminated */
	size_t len[F_N];
	size_t first_line;	/* 1-based line of the stanza's first field */
	int nfields;
};

/* Kept values: no blank, no control byte (bytes >= 0x80 pass as they are). */
static int
value_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

/* Emits one finished stanza into out. */
static int
stanza_end(struct ctx *c, const struct stanza *s, int layer, struct pkglist *out)
{
	char *v[F_N] = { 0 };
	struct pkg pkg;
	int i;

	if (s->nfields == 0)
		return 0;
	if (s->v[F_NAME] == NULL)
		return ctx_err(c, E_FORMAT, "line %zu: package without a P (name) field",
		    s->first_line);
	if (s->v[F_VERSION] == NULL)
		return ctx_err(c, E_FORMAT, "line %zu: package %.*s has no V (version) field",
		    s->first_line, (int)s->len[F_NAME], s->v[F_NAME]);
	for (i = 0; i < F_N; i++)
		if (s->v[i] != NULL)
			v[i] = xstrndup(s->v[i], s->len[i]);
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = v[F_NAME];
	pkg.version = v[F_VERSION];
	pkg.arch = v[F_ARCH];
	pkg.source_name = v[F_ORIGIN];	/* NULL: pkglist_add uses name */
	pkg.source_version = NULL;	/* the version */
	pkg.ecosystem = "apk";
	pkg.layer = layer;
	pkglist_add(out, &pkg);
	for (i = 0; i < F_N; i++)
		free(v[i]);
	return 0;
}

int
pkgdb_apk_parse(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out)
{
	struct stanza s;
	struct cur k;
	const char *line;
	size_t n, lineno = 0, stanzas = 0, n0 = out->n;
	int r = E_INTERNAL, g, f;

	memset(&s, 0, sizeof(s));
	if (len > APK_MAX_SIZE) {
		r = ctx_err(c, E_LIMIT, "larger than APK_MAX_SIZE (%d bytes)", APK_MAX_SIZE);
		goto out;
	}
	cur_init(&k, buf, len);
	for (;;) {
		line = NULL;
		n = 0;
		if (cur_avail(&k) > 0) {
			if ((g = cur_get_line(&k, APK_MAX_LINE, &line, &n)) != 0) {
				r = ctx_err(c, g, "line %zu longer than APK_MAX_LINE (%d bytes)",
				    lineno + 1, APK_MAX_LINE);
				goto out;
			}
			lineno++;
		}
		if (line != NULL && n > 0 && line[n - 1] == '\r')
			n--;
		if (line == NULL || n == 0) {	/* end of stanza */
			if (s.nfields > 0 && ++stanzas > APK_MAX_STANZAS) {
				r = ctx_err(c, E_LIMIT, "more than APK_MAX_STANZAS (%d)",
				    APK_MAX_STANZAS);
				goto out;
			}
			if ((r = stanza_end(c, &s, layer, out)) != 0)
				goto out;
			memset(&s, 0, sizeof(s));
			if (line == NULL)
				break;
			continue;
		}
		if (n < 2 || line[1] != ':' || (unsigned char)line[0] <= ' ' ||
		    line[0] == 0x7f) {
			r = ctx_err(c, E_FORMAT, "line %zu: not a field (X:value)", lineno);
			goto out;
		}
		if (s.nfields++ == 0)
			s.first_line = lineno;
		for (f = 0; f < F_N; f++)
			if (line[0] == field_keys[f])
				break;
		if (f == F_N)
			continue;
		if (n - 2 > APK_MAX_VALUE) {
			r = ctx_err(c, E_LIMIT, "line %zu: %s longer than APK_MAX_VALUE (%d)",
			    lineno, field_names[f], APK_MAX_VALUE);
			goto out;
		}
		if (n == 2) {
			r = ctx_err(c, E_FORMAT, "line %zu: empty %s", lineno, field_names[f]);
			goto out;
		}
		if (!value_ok(line + 2, n - 2)) {
			r = ctx_err(c, E_FORMAT, "line %zu: blank or control byte in %s", lineno,
			    field_names[f]);
			goto out;
		}
		if (s.v[f] != NULL) {
			r = ctx_err(c, E_FORMAT, "line %zu: duplicate %s field", lineno,
			    field_names[f]);
			goto out;
		}
		s.v[f] = line + 2;
		s.len[f] = n - 2;
	}
	r = 0;
out:
	if (r != 0)
		pkglist_truncate(out, n0);
	return r;
}

/* "layer 3 (sha256:0123456789ab): lib/apk/db/installed: " before a parse error. */
static void
prefix_file(struct ctx *c, const struct image *img, const struct image_file *f)
{
	if (f->layer >= 0 && (size_t)f->layer < img->nlayers &&
	    img->layers[f->layer].digest != NULL)
		ctx_prefix(c, "layer %d (%.19s): %s", f->layer + 1,
		    img->layers[f->layer].digest, f->path);
	else
		ctx_prefix(c, "%s", f->path);
}

static int
apk_read(struct ctx *c, const struct image *img, struct pkglist *out)
{
	const struct image_file *f;
	int r;

	if ((f = image_file(img, APK_INSTALLED)) == NULL)
		return 0;
	if ((r = pkgdb_apk_parse(c, f->data, f->len, f->layer, out)) != 0)
		prefix_file(c, img, f);
	return r;
}

static const char *const apk_paths[] = { APK_INSTALLED, NULL };

const struct pkgdb_reader pkgdb_apk = {
	.name = "apk",
	.ecosystem = "apk",
	.read = apk_read,
	.paths = apk_paths,
};
