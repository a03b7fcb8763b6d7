/*
 * rpmhdr.c - rpm header blobs (the record of one installed package in every
 * rpm database backend) and the choice of which rpm database an image uses.
 *
 * Blob layout (rpm's docs/manual/format_header.md, lib/header.c; all
 * big-endian): il, dl, il index entries {tag, type, offset, count}, dl bytes of
 * data. Checked here, as rpm's hdrblobInit()/hdrblobVerifyInfo() check them:
 * the blob is exactly 8 + 16 * il + dl bytes; every entry has a known type
 * (1..9), a count of at least 1, an offset inside the data aligned for its
 * type (2, 4, 8 bytes for INT16/32/64) and, for fixed-size types, data that
 * fits. The fields we read must have their documented type and count: STRING
 * (count 1) for names, INT32 for EPOCH; a string must end with a NUL inside
 * the data store, hold no control byte and be at most RPMHDR_MAX_STRING bytes.
 * A field we read may appear once: a duplicate is an error (rpm's index is
 * sorted and unique). Entries we do not read are checked only as above, so
 * a header with an immutable region and "dribble" entries after it parses.
 *
 * Signature: the header's OpenPGP signature is kept by rpm in the installed
 * header as DSAHEADER (267) or RSAHEADER (268) (over the header) and SIGGPG
 * (262) or SIGPGP (259) (over header and payload), each BIN data holding one
 * signature packet. Each may appear once (BIN, else E_FORMAT); the first of
 * DSAHEADER, RSAHEADER, SIGGPG, SIGPGP present gives sigkey (rpm_sig_keyid(),
 * rpmsig.c), the order of rpm's `%|DSAHEADER?{%{DSAHEADER:pgpsig}}:{...}|`
 * query idiom. Only that one packet is parsed, and a malformed one is an
 * error for the package, like any other field we read.
 *
 * Packages: version is "[EPOCH:]VERSION-RELEASE" with the epoch only when the
 * EPOCH tag is present (even when 0), as `rpm -q --qf
 * '%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}'` prints it. gpg-pubkey
 * pseudo-packages (imported signing keys: no ARCH, no SOURCERPM) are kept,
 * as `rpm -qa` lists them; their arch is NULL.
 *
 * Source: SOURCERPM is "NAME-VERSION-RELEASE.src.rpm" (".nosrc.rpm" for
 * packages built without sources), split from the right: the release after
 * the last '-', the version after the one before. source_version is
 * "[EPOCH:]VERSION-RELEASE" with the binary package's epoch: a source rpm's
 * file name never carries the epoch, and every binary package built from a
 * spec shares its Epoch, so this is the source package's real EVR, which the
 * advisories keyed by source package compare against. Without SOURCERPM, or
 * when it is not of that form, the source is the package itself (name and
 * version).
 *
 * Which database: an image can hold several (rpm's _dbpath moved from
 * var/lib/rpm to usr/lib/sysimage/rpm, usually with a symlink left at the old
 * place; a backend migration can leave the old database behind). rpm's
 * configured backend is not in the image's files we keep, so we take the one
 * whose content comes from the newest layer (rpm rewrites only the database it
 * uses, so a leftover stays in the layer that last had it in use); among
 * equally new ones, rpm's own autodetection order, sqlite, then ndb, then bdb
 * (lib/backend/dbi.c dbDetectBackend()); then usr/lib/sysimage/rpm before
 * var/lib/rpm. An empty file is no database. Only that one database is read.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/cur.h"
#include "base/xmalloc.h"
#include "image/image.h"
#include "pkgdb/pkgdb.h"
#include "pkgdb/rpm.h"

#define RPMHDR_MAX_SIZE		(64 * 1024 * 1024)	/* one header blob */
#define RPMHDR_MAX_ENTRIES	65535		/* index entries (rpm's HEADER_TAGS_MAX) */
#define RPMHDR_MAX_STRING	4096		/* one string we keep */

#define RPMHDR_INTRO	8
#define RPMHDR_ENTRY	16

/* Tag data types (rpm's rpmTagType). */
enum {
	T_CHAR = 1, T_INT8, T_INT16, T_INT32, T_INT64, T_STRING, T_BIN,
	T_STRING_ARRAY, T_I18NSTRING,
};

/* Tags we read (rpm's rpmtag.h). */
enum {
	TAG_NAME = 1000, TAG_VERSION = 1001, TAG_RELEASE = 1002, TAG_EPOCH = 1003,
	TAG_VENDOR = 1011, TAG_ARCH = 1022, TAG_SOURCERPM = 1044,
	TAG_MODULARITYLABEL = 5096,
	TAG_SIGPGP = 259, TAG_SIGGPG = 262, TAG_DSAHEADER = 267, TAG_RSAHEADER = 268,
};

/* The signature tags, in the order that picks the one reported. */
static const struct {
	uint32_t tag;
	const char *name;
} sigtags[] = {
	{ TAG_DSAHEADER, "DSAHEADER" },
	{ TAG_RSAHEADER, "RSAHEADER" },
	{ TAG_SIGGPG, "SIGGPG" },
	{ TAG_SIGPGP, "SIGPGP" },
};
#define NSIGTAGS (sizeof(sigtags) / sizeof(sigtags[0]))

/* Bytes per value of fixed-size types, 0 for strings; also the alignment. */
static const unsigned int type_size[] = {
	[T_CHAR] = 1, [T_INT8] = 1, [T_INT16] = 2, [T_INT32] = 4, [T_INT64] = 8,
	[T_STRING] = 0, [T_BIN] = 1, [T_STRING_ARRAY] = 0, [T_I18NSTRING] = 0,
};

struct strtag {
	uint32_t tag;
	const char *name;
	size_t off;		/* of the const char * in struct rpm_hdr */
};

static const struct strtag strtags[] = {
	{ TAG_NAME, "NAME", offsetof(struct rpm_hdr, name) },
	{ TAG_VERSION, "VERSION", offsetof(struct rpm_hdr, version) },
	{ TAG_RELEASE, "RELEASE", offsetof(struct rpm_hdr, release) },
	{ TAG_VENDOR, "VENDOR", offsetof(struct rpm_hdr, vendor) },
	{ TAG_ARCH, "ARCH", offsetof(struct rpm_hdr, arch) },
	{ TAG_SOURCERPM, "SOURCERPM", offsetof(struct rpm_hdr, sourcerpm) },
	{ TAG_MODULARITYLABEL, "MODULARITYLABEL",
	    offsetof(struct rpm_hdr, modularitylabel) },
};

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The string of tag t at off in the data store: NUL-terminated, printable. */
static int
get_string(struct ctx *c, const struct strtag *t, const uint8_t *data, uint32_t dl,
    uint32_t off, const char **out)
{
	size_t avail = dl - off, scan, i;
	const uint8_t *p = data + off, *nul;

	scan = avail < RPMHDR_MAX_STRING + 1 ? avail : RPMHDR_MAX_STRING + 1;
	if ((nul = memchr(p, '\0', scan)) == NULL) {
		if (scan > RPMHDR_MAX_STRING)
			return ctx_err(c, E_LIMIT, "header: %s longer than RPMHDR_MAX_STRING (%d)",
			    t->name, RPMHDR_MAX_STRING);
		return ctx_err(c, E_FORMAT, "header: %s is not NUL-terminated in the data",
		    t->name);
	}
	for (i = 0; p + i < nul; i++)
		if (p[i] < 0x20 || p[i] == 0x7f)
			return ctx_err(c, E_FORMAT, "header: control byte in %s", t->name);
	*out = (const char *)p;
	return 0;
}

int
rpm_hdr_parse(struct ctx *c, const uint8_t *blob, size_t len, struct rpm_hdr *h)
{
	const uint8_t *data, *e;
	uint32_t il, dl, i, tag, type, off, count;
	uint64_t need, fixed;
	struct cur k;
	size_t j;
	const char **slot;
	const uint8_t *sig[NSIGTAGS] = { NULL };
	uint32_t siglen[NSIGTAGS] = { 0 };
	int r, seen_epoch = 0;

	memset(h, 0, sizeof(*h));
	if (len > RPMHDR_MAX_SIZE)
		return ctx_err(c, E_LIMIT, "header: %zu bytes, more than RPMHDR_MAX_SIZE (%d)",
		    len, RPMHDR_MAX_SIZE);
	cur_init(&k, blob, len);
	if (cur_get_u32be(&k, &il) != 0 || cur_get_u32be(&k, &dl) != 0)
		return ctx_err(c, E_FORMAT, "header: %zu bytes, shorter than its intro", len);
	if (il == 0)
		return ctx_err(c, E_FORMAT, "header: no index entries");
	if (il > RPMHDR_MAX_ENTRIES)
		return ctx_err(c, E_LIMIT, "header: %u index entries, more than "
		    "RPMHDR_MAX_ENTRIES (%d)", il, RPMHDR_MAX_ENTRIES);
	if (dl > RPMHDR_MAX_SIZE)
		return ctx_err(c, E_LIMIT, "header: %u data bytes, more than RPMHDR_MAX_SIZE (%d)",
		    dl, RPMHDR_MAX_SIZE);
	need = RPMHDR_INTRO + (uint64_t)il * RPMHDR_ENTRY + dl;
	if (need != len)
		return ctx_err(c, E_FORMAT, "header: %zu bytes, but %u entries and %u data "
		    "bytes make %llu", len, il, dl, (unsigned long long)need);
	data = blob + RPMHDR_INTRO + (size_t)il * RPMHDR_ENTRY;
	for (i = 0; i < il; i++) {
		e = blob + RPMHDR_INTRO + (size_t)i * RPMHDR_ENTRY;
		tag = be32(e);
		type = be32(e + 4);
		off = be32(e + 8);
		count = be32(e + 12);
		if (type < T_CHAR || type > T_I18NSTRING)
			return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): unknown type %u",
			    i, tag, type);
		if (count == 0 || count > dl)
			return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): bad count %u",
			    i, tag, count);
		if (off > dl)
			return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): offset %u past "
			    "the %u data bytes", i, tag, off, dl);
		if (type_size[type] > 1 && off % type_size[type] != 0)
			return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): offset %u not "
			    "aligned for its type", i, tag, off);
		if (type_size[type] > 0) {
			if (ckd_mul(&fixed, (uint64_t)count, (uint64_t)type_size[type]) ||
			    fixed > dl - off)
				return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): %u values "
				    "run past the data", i, tag, count);
		} else if (off == dl)
			return ctx_err(c, E_FORMAT, "header: entry %u (tag %u): string at the "
			    "end of the data", i, tag);
		if (tag == TAG_EPOCH) {
			if (seen_epoch++)
				return ctx_err(c, E_FORMAT, "header: duplicate EPOCH");
			if (type != T_INT32)
				return ctx_err(c, E_FORMAT, "header: EPOCH has type %u, not INT32",
				    type);
			h->epoch = be32(data + off);
			h->has_epoch = 1;
			continue;
		}
		for (j = 0; j < NSIGTAGS; j++)
			if (sigtags[j].tag == tag)
				break;
		if (j < NSIGTAGS) {
			if (sig[j] != NULL)
				return ctx_err(c, E_FORMAT, "header: duplicate %s", sigtags[j].name);
			if (type != T_BIN)
				return ctx_err(c, E_FORMAT, "header: %s has type %u, not BIN",
				    sigtags[j].name, type);
			sig[j] = data + off;	/* count bytes, checked above */
			siglen[j] = count;
			continue;
		}
		for (j = 0; j < sizeof(strtags) / sizeof(strtags[0]); j++)
			if (strtags[j].tag == tag)
				break;
		if (j == sizeof(strtags) / sizeof(strtags[0]))
			continue;
		slot = (const char **)((char *)h + strtags[j].off);
		if (*slot != NULL)
			return ctx_err(c, E_FORMAT, "header: duplicate %s", strtags[j].name);
		if (type != T_STRING || count != 1)
			return ctx_err(c, E_FORMAT, "header: %s has type %u count %u, not one "
			    "STRING", strtags[j].name, type, count);
		if ((r = get_string(c, &strtags[j], data, dl, off, slot)) != 0)
			return r;
	}
	if (h->name == NULL || h->name[0] == '\0')
		return ctx_err(c, E_FORMAT, "header: no NAME");
	if (h->version == NULL || h->version[0] == '\0')
		return ctx_err(c, E_FORMAT, "header: package %s has no VERSION", h->name);
	if (h->release == NULL || h->release[0] == '\0')
		return ctx_err(c, E_FORMAT, "header: package %s has no RELEASE", h->name);
	for (j = 0; j < NSIGTAGS; j++) {
		if (sig[j] == NULL)
			continue;
		if ((r = rpm_sig_keyid(c, sig[j], siglen[j], h->sigkey)) != 0) {
			ctx_prefix(c, "header: package %s: %s", h->name, sigtags[j].name);
			return r;
		}
		break;
	}
	return 0;
}

/*
 * "NAME-VERSION-RELEASE.src.rpm" -> the length of NAME and where
 * "VERSION-RELEASE" starts and its length. Returns 0 when s is not of that
 * form (every part non-empty).
 */
static int
split_srpm(const char *s, size_t *name_len, const char **vr, size_t *vr_len)
{
	static const char *const sfx[] = { ".src.rpm", ".nosrc.rpm", NULL };
	size_t n = strlen(s), m, i, hy = 0, rel = 0;
	int k, nhy = 0;

	for (k = 0; sfx[k] != NULL; k++) {
		m = strlen(sfx[k]);
		if (n > m && memcmp(s + n - m, sfx[k], m) == 0)
			break;
	}
	if (sfx[k] == NULL)
		return 0;
	n -= strlen(sfx[k]);
	for (i = n; i > 0 && nhy < 2; i--)
		if (s[i - 1] == '-') {
			if (nhy++ == 0)
				rel = i - 1;
			else
				hy = i - 1;
		}
	if (nhy < 2 || hy == 0 || rel == hy + 1 || rel + 1 == n)
		return 0;
	*name_len = hy;
	*vr = s + hy + 1;
	*vr_len = n - hy - 1;
	return 1;
}

/* "[EPOCH:]" + a + "-" + b (b may be NULL: a is already "V-R"), allocated. */
static char *
evr(const struct rpm_hdr *h, const char *a, size_t alen, const char *b)
{
	size_t n = alen + (b ? strlen(b) + 1 : 0) + 16;
	char *s = xmalloc(n);
	int w = 0;

	if (h->has_epoch)
		w = snprintf(s, n, "%u:", h->epoch);
	snprintf(s + w, n - (size_t)w, "%.*s%s%s", (int)alen, a, b ? "-" : "", b ? b : "");
	return s;
}

int
rpm_hdr_add(struct ctx *c, const uint8_t *blob, size_t len, int layer, struct pkglist *out)
{
	struct rpm_hdr h;
	struct pkg p;
	const char *vr;
	size_t name_len, vr_len;
	char *src_name = NULL;
	int r;

	if ((r = rpm_hdr_parse(c, blob, len, &h)) != 0)
		return r;
	memset(&p, 0, sizeof(p));
	p.name = (char *)h.name;
	p.version = evr(&h, h.version, strlen(h.version), h.release);
	p.arch = (char *)h.arch;
	if (h.sourcerpm != NULL && split_srpm(h.sourcerpm, &name_len, &vr, &vr_len)) {
		src_name = xstrndup(h.sourcerpm, name_len);
		p.source_name = src_name;
		p.source_version = evr(&h, vr, vr_len, NULL);
	}
	p.ecosystem = "rpm";
	p.layer = layer;
	if (h.modularitylabel != NULL && h.modularitylabel[0] != '\0')
		p.modularity_label = (char *)h.modularitylabel;
	p.sigkey = h.sigkey[0] != '\0' ? h.sigkey : NULL;
	pkglist_add(out, &p);
	free(p.version);
	free(src_name);
	free(p.source_version);
	return 0;
}

const struct image_file *
rpm_db_pick(const struct image *img, enum rpm_backend *be)
{
	static const char *const files[RPM_BE_N] = {
		[RPM_BE_SQLITE] = RPM_DIR_SYSIMAGE RPM_FILE_SQLITE,
		[RPM_BE_NDB] = RPM_DIR_SYSIMAGE RPM_FILE_NDB,
		[RPM_BE_BDB] = RPM_DIR_SYSIMAGE RPM_FILE_BDB,
	};
	static const char *const old[RPM_BE_N] = {
		[RPM_BE_SQLITE] = RPM_DIR_VARLIB RPM_FILE_SQLITE,
		[RPM_BE_NDB] = RPM_DIR_VARLIB RPM_FILE_NDB,
		[RPM_BE_BDB] = RPM_DIR_VARLIB RPM_FILE_BDB,
	};
	const struct image_file *best = NULL, *f;
	int b, d;

	*be = RPM_BE_N;
	for (b = 0; b < RPM_BE_N; b++)
		for (d = 0; d < 2; d++) {
			f = image_file(img, d == 0 ? files[b] : old[b]);
			if (f == NULL || f->len == 0)
				continue;
			if (best == NULL || f->layer > best->layer) {
				best = f;
				*be = (enum rpm_backend)b;
			}
		}
	return best;
}

int
rpm_read_backend(struct ctx *c, const struct image *img, enum rpm_backend be,
    int (*parse)(struct ctx *, const uint8_t *, size_t, int, struct pkglist *),
    struct pkglist *out)
{
	const struct image_file *f;
	enum rpm_backend got;
	int r;

	if ((f = rpm_db_pick(img, &got)) == NULL || got != be)
		return 0;
	if ((r = parse(c, f->data, f->len, f->layer, out)) != 0) {
		if (f->layer >= 0 && (size_t)f->layer < img->nlayers &&
		    img->layers[f->layer].digest != NULL)
			ctx_prefix(c, "layer %d (%.19s): %s", f->layer + 1,
			    img->layers[f->layer].digest, f->path);
		else
			ctx_prefix(c, "%s", f->path);
	}
	return r;
}

int
pkgdb_rpm_parse_header(struct ctx *c, const uint8_t *buf, size_t len, int layer,
    struct pkglist *out)
{
	return rpm_hdr_add(c, buf, len, layer, out);
}
