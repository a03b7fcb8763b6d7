/*
 * dpkg.c - Debian/Ubuntu installed packages from var/lib/dpkg/status, and
 * distroless images' var/lib/dpkg/status.d/ (one stanza file per package,
 * without a Status: field, beside PACKAGE.md5sums and maintainer scripts).
 *
 * The status file is RFC 822-style stanzas separated by blank lines. Only
 * Package, Status, Version, Architecture and Source are read; every other
 * field, and continuation lines (starting with a blank), are skipped. CRLF line
 * ends are tolerated. A package is reported when its Status (WANT EFLAG STATUS)
 * says its files are on disk: every STATUS except not-installed and
 * config-files (unpacked and half-configured packages are as vulnerable as
 * installed ones). Source: is "NAME" or "NAME (VERSION)"; both default to the
 * binary package's name and version. Versions are kept exactly as written.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"
#include "base/xmalloc.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"

#define DPKG_MAX_SIZE		(64 * 1024 * 1024)	/* one status or stanza file */
#define DPKG_MAX_LINE		(64 * 1024)	/* one line, continuation lines included */
#define DPKG_MAX_STANZAS	200000		/* stanzas in one file */
#define DPKG_MAX_VALUE		1024		/* Package/Version/Architecture/Source/Status */
#define DPKG_MAX_STATUSD	100000		/* stanza files in status.d/ */

#define DPKG_STATUS	"var/lib/dpkg/status"
#define DPKG_STATUSD	"var/lib/dpkg/status.d/"

/* The fields we keep, in one stanza. */
enum { F_PACKAGE, F_STATUS, F_VERSION, F_ARCH, F_SOURCE, F_N };

static const char *const field_names[F_N] = {
	"Package", "Status", "Version", "Architecture", "Source",
};

struct stanza {
	const char *v[F_N];	/* borrowed from the input, not NUL-terminated */
	size_t len[F_N];
	size_t first_line;	/* 1-based line of the stanza's first field */
	int nfields;
};

/* STATUS words of dpkg's database whose package has files on disk. */
static const char *const present_states[] = {
	"installed", "triggers-pending", "triggers-awaited", "half-configured",
	"unpacked", "half-installed", NULL,
};

/* Suffixes of status.d/ files that are not stanzas. */
static const char *const statusd_skip[] = {
	".md5sums", ".preinst", ".postinst", ".prerm", ".postrm", ".list", ".conffiles",
	".triggers", ".shlibs", ".symbols", ".templates", ".config", NULL,
};

static int
ascii_lower(int ch)
{
	return (ch >= 'A' && ch <= 'Z') ? ch - 'A' + 'a' : ch;
}

static int
name_is(const char *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (name[i] == '\0' || ascii_lower((unsigned char)p[i]) !=
		    ascii_lower((unsigned char)name[i]))
			return 0;
	return name[n] == '\0';
}

static int
is_blank(char ch)
{
	return ch == ' ' || ch == '\t';
}

static void
trim(const char **p, size_t *n)
{
	while (*n > 0 && is_blank(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n > 0 && is_blank((*p)[*n - 1]))
		(*n)--;
}

/* Kept values must be printable: no control bytes, no NUL. */
static int
value_ok(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return 0;
	return 1;
}

/* Splits Status into its three words and says whether the package is present. */
static int
status_present(struct ctx *c, const struct stanza *s, int *present)
{
	const char *p = s->v[F_STATUS], *w[3];
	size_t n = s->len[F_STATUS], i = 0, wl[3], nw = 0;
	const char *const *st;

	*present = 0;
	while (i < n) {
		while (i < n && is_blank(p[i]))
			i++;
		if (i == n)
			break;
		if (nw == 3)
			return ctx_err(c, E_FORMAT, "line %zu: Status has more than 3 words",
			    s->first_line);
		w[nw] = p + i;
		while (i < n && !is_blank(p[i]))
			i++;
		wl[nw] = (size_t)(p + i - w[nw]);
		nw++;
	}
	if (nw != 3)
		return ctx_err(c, E_FORMAT, "line %zu: Status has %zu words, not 3",
		    s->first_line, nw);
	for (st = present_states; *st; st++)
		if (wl[2] == strlen(*st) && memcmp(w[2], *st, wl[2]) == 0)
			*present = 1;
	return 0;
}

/* Emits one finished stanza into out (or nothing when it is not installed). */
static int
stanza_end(struct ctx *c, const struct stanza *s, int want_status, int layer,
    struct pkglist *out)
{
	char *v[F_N] = { 0 }, *src_name = NULL, *src_ver = NULL;
	struct pkg pkg;
	int present = 1, r = E_INTERNAL, i;

	if (s->nfields == 0)
		return 0;
	if (s->v[F_PACKAGE] == NULL || s->len[F_PACKAGE] == 0)
		return ctx_err(c, E_FORMAT, "line %zu: stanza without a Package field",
		    s->first_line);
	if (s->v[F_STATUS] != NULL) {
		if ((r = status_present(c, s, &present)) != 0)
			return r;
	} else if (want_status)
		present = 0;	/* dpkg reads a missing Status as not-installed */
	if (!present)
		return 0;
	if (s->v[F_VERSION] == NULL || s->len[F_VERSION] == 0)
		return ctx_err(c, E_FORMAT, "line %zu: package %.*s has no Version",
		    s->first_line, (int)s->len[F_PACKAGE], s->v[F_PACKAGE]);
	for (i = 0; i < F_N; i++)
		if (s->v[i] != NULL && s->len[i] > 0)
			v[i] = xstrndup(s->v[i], s->len[i]);
	if (v[F_SOURCE] != NULL) {
		char *open = strchr(v[F_SOURCE], '('), *close;
		const char *np = v[F_SOURCE], *vp;
		size_t nn, vn;

		nn = open ? (size_t)(open - v[F_SOURCE]) : strlen(v[F_SOURCE]);
		trim(&np, &nn);
		if (open != NULL) {
			close = strchr(open, ')');
			if (close == NULL || close[1] != '\0') {
				r = ctx_err(c, E_FORMAT, "line %zu: package %s: malformed Source",
				    s->first_line, v[F_PACKAGE]);
				goto out;
			}
			vp = open + 1;
			vn = (size_t)(close - vp);
			trim(&vp, &vn);
			if (vn == 0) {
				r = ctx_err(c, E_FORMAT, "line %zu: package %s: empty Source version",
				    s->first_line, v[F_PACKAGE]);
				goto out;
			}
			src_ver = xstrndup(vp, vn);
		}
		if (nn == 0) {
			r = ctx_err(c, E_FORMAT, "line %zu: package %s: empty Source name",
			    s->first_line, v[F_PACKAGE]);
			goto out;
		}
		src_name = xstrndup(np, nn);
	}
	memset(&pkg, 0, sizeof(pkg));
	pkg.name = v[F_PACKAGE];
	pkg.version = v[F_VERSION];
	pkg.arch = v[F_ARCH];
	pkg.source_name = src_name;	/* NULL: pkglist_add uses name */
	pkg.source_version = src_ver;	/* NULL: pkglist_add uses version */
	pkg.ecosystem = "deb";
	pkg.layer = layer;
	pkglist_add(out, &pkg);
	r = 0;
out:
	for (i = 0; i < F_N; i++)
		free(v[i]);
	free(src_name);
	free(src_ver);
	return r;
}

int
pkgdb_dpkg_parse(struct ctx *c, const uint8_t *buf, size_t len, int want_status,
    int layer, struct pkglist *out)
{
	struct stanza s;
	struct cur k;
	const char *line, *colon, *val;
	size_t n, vn, lineno = 0, stanzas = 0, n0 = out->n;
	int r = E_INTERNAL, g, last = -1, i, f;

	memset(&s, 0, sizeof(s));
	if (len > DPKG_MAX_SIZE) {
		r = ctx_err(c, E_LIMIT, "larger than DPKG_MAX_SIZE (%d bytes)", DPKG_MAX_SIZE);
		goto out;
	}
	cur_init(&k, buf, len);
	for (;;) {
		line = NULL;
		n = 0;
		if (cur_avail(&k) > 0) {
			if ((g = cur_get_line(&k, DPKG_MAX_LINE, &line, &n)) != 0) {
				r = ctx_err(c, g, "line %zu longer than DPKG_MAX_LINE (%d bytes)",
				    lineno + 1, DPKG_MAX_LINE);
				goto out;
			}
			lineno++;
		}
		if (line != NULL && n > 0 && line[n - 1] == '\r')
			n--;
		vn = n;
		val = line;
		if (line != NULL)
			trim(&val, &vn);
		if (line == NULL || vn == 0) {	/* end of stanza */
			if (s.nfields > 0 && ++stanzas > DPKG_MAX_STANZAS) {
				r = ctx_err(c, E_LIMIT, "more than DPKG_MAX_STANZAS (%d)",
				    DPKG_MAX_STANZAS);
				goto out;
			}
			if ((r = stanza_end(c, &s, want_status, layer, out)) != 0)
				goto out;
			memset(&s, 0, sizeof(s));
			last = -1;
			if (line == NULL)
				break;
			continue;
		}
		if (is_blank(line[0])) {	/* continuation of the previous field */
			if (s.nfields == 0) {
				r = ctx_err(c, E_FORMAT, "line %zu: continuation line before any field",
				    lineno);
				goto out;
			}
			if (last >= 0) {
				r = ctx_err(c, E_FORMAT, "line %zu: field %s spans lines", lineno,
				    field_names[last]);
				goto out;
			}
			continue;
		}
		if (line[0] == '#')
			continue;
		if ((colon = memchr(line, ':', n)) == NULL || colon == line) {
			r = ctx_err(c, E_FORMAT, "line %zu: not a field", lineno);
			goto out;
		}
		for (i = 0; line + i < colon; i++)
			if ((unsigned char)line[i] <= ' ' || line[i] == 0x7f) {
				r = ctx_err(c, E_FORMAT, "line %zu: bad field name", lineno);
				goto out;
			}
		if (s.nfields++ == 0)
			s.first_line = lineno;
		last = -1;
		for (f = 0; f < F_N; f++)
			if (name_is(line, (size_t)(colon - line), field_names[f]))
				break;
		if (f == F_N)
			continue;
		val = colon + 1;
		vn = (size_t)(line + n - val);
		trim(&val, &vn);
		if (vn > DPKG_MAX_VALUE) {
			r = ctx_err(c, E_LIMIT, "line %zu: %s longer than DPKG_MAX_VALUE (%d)",
			    lineno, field_names[f], DPKG_MAX_VALUE);
			goto out;
		}
		if (!value_ok(val, vn)) {
			r = ctx_err(c, E_FORMAT, "line %zu: control byte in %s", lineno,
			    field_names[f]);
			goto out;
		}
		if (s.v[f] != NULL) {
			r = ctx_err(c, E_FORMAT, "line %zu: duplicate %s field", lineno,
			    field_names[f]);
			goto out;
		}
		s.v[f] = val;
		s.len[f] = vn;
		last = f;
	}
	r = 0;
out:
	if (r != 0)
		pkglist_truncate(out, n0);
	return r;
}

static int
statusd_is_stanza(const char *name)
{
	const char *const *sfx;
	size_t n = strlen(name), m;

	if (n == 0 || name[0] == '.')
		return 0;
	for (sfx = statusd_skip; *sfx; sfx++) {
		m = strlen(*sfx);
		if (n > m && strcmp(name + n - m, *sfx) == 0)
			return 0;
	}
	return 1;
}

/* "layer 3 (sha256:0123456789ab): var/lib/dpkg/status: " before a parse error. */
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
dpkg_read(struct ctx *c, const struct image *img, struct pkglist *out)
{
	const struct image_file *f;
	size_t first = 0, n, i, n0 = out->n;
	int r;

	if ((f = image_file(img, DPKG_STATUS)) != NULL) {
		if ((r = pkgdb_dpkg_parse(c, f->data, f->len, 1, f->layer, out)) != 0) {
			prefix_file(c, img, f);
			return r;
		}
	}
	n = image_dir(img, DPKG_STATUSD, &first);
	if (n > DPKG_MAX_STATUSD) {
		r = ctx_err(c, E_LIMIT, "%s: more than DPKG_MAX_STATUSD (%d) files",
		    DPKG_STATUSD, DPKG_MAX_STATUSD);
		goto fail;
	}
	for (i = first; i < first + n; i++) {
		f = &img->files[i];
		if (!statusd_is_stanza(f->path + strlen(DPKG_STATUSD)))
			continue;
		if ((r = pkgdb_dpkg_parse(c, f->data, f->len, 0, f->layer, out)) != 0) {
			prefix_file(c, img, f);
			goto fail;
		}
	}
	return 0;
fail:
	pkglist_truncate(out, n0);
	return r;
}

static const char *const dpkg_paths[] = { DPKG_STATUS, DPKG_STATUSD, NULL };

const struct pkgdb_reader pkgdb_dpkg = {
	.name = "dpkg",
	.ecosystem = "deb",
	.read = dpkg_read,
	.paths = dpkg_paths,
};
