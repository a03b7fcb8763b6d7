/*
 * image.c - a container image archive reduced to a few files, in one pass.
 *
 * Formats: the legacy docker-archive (`docker save` before 25, `podman save`:
 * manifest.json [{Config, RepoTags, Layers}]), Docker 25+ archives (the same
 * manifest.json over an OCI layout) and OCI archives (index.json -> manifest ->
 * config and layers). The outer archive may itself be gzip/bzip2/xz/zstd
 * compressed; so may each layer (detected by magic, not by name or media type).
 *
 * How: one libarchive reader walks the outer tar, reading the file through our
 * own callback so the archive's sha256 is computed over exactly the bytes read.
 * Small JSON entries are kept in memory. Every other regular entry is opened
 * as a nested stream: a "raw" reader that only undoes compression, whose
 * output is hashed (the layer's diff_id) and fed to a tar reader. From each
 * layer we keep only entries at relevant paths: wanted files, symlinks at wanted
 * paths or their ancestors, and the deletions (whiteouts .wh.NAME, opaque
 * markers .wh..wh..opq, a non-directory replacing a directory) that can remove
 * a wanted file. Entry order in the outer archive is not fixed, so results are
 * kept per entry name; once the walk ends the manifest gives the layer order,
 * each layer is checked against its diff_id and the layers are applied in
 * order. Symlinks are then resolved inside the image root; a symlink or hard
 * link whose target was not kept makes us walk the archive once more with the
 * target added to the wanted paths (at most IMAGE_MAX_PASSES walks in all).
 *
 * Errors inside a layer are recorded against its entry and raised only when
 * the manifest references it; errors of the outer archive and global limits
 * stop the walk at once.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "image/image.h"

#define IMAGE_MAX_LAYERS		256	/* layers of one image */
#define IMAGE_MAX_ARCHIVE_ENTRIES	65536	/* entries of the outer archive */
#define IMAGE_MAX_LAYER_ENTRIES		(4 * 1024 * 1024)	/* entries of one layer */
#define IMAGE_MAX_LAYER_BYTES		((uint64_t)64 << 30)	/* one layer, uncompressed */
#define IMAGE_MAX_PATH			4096	/* one path or link target */
#define IMAGE_MAX_JSON			(8 * 1024 * 1024)	/* one manifest/index/config */
#define IMAGE_MAX_JSON_DEPTH		64	/* nesting of [ and { in those */
#define IMAGE_MAX_FILE			(64 * 1024 * 1024)	/* one wanted file */
#define IMAGE_MAX_KEPT			((size_t)256 * 1024 * 1024)	/* all kept bytes */
#define IMAGE_MAX_KEPT_ENTRIES		(256 * 1024)	/* all kept files, links, deletions */
#define IMAGE_MAX_SYMLINK_HOPS		40	/* symlinks followed for one path */
#define IMAGE_MAX_OUTER_LINKS		8	/* links followed inside the outer archive */
#define IMAGE_MAX_TAGS			1024
#define IMAGE_MAX_INDEX_DEPTH		4	/* OCI index -> index -> ... -> manifest */
#define IMAGE_MAX_WANT			256	/* wanted paths, link targets included */
#define IMAGE_MAX_PASSES		3	/* walks of the archive */

#define READ_CHUNK	(128 * 1024)
#define PEEK_BYTES	512

/* What a layer entry leaves behind; deletions apply to lower layers only. */
enum kept_kind {
	K_FILE,		/* regular file: data, len */
	K_SYMLINK,	/* data = target as written (NUL-terminated) */
	K_HARDLINK,	/* data = normalised target whose content was not kept */
	K_DEL_TREE,	/* path and everything under it */
	K_DEL_SELF,	/* path only (a directory entry replaces a non-directory) */
	K_OPAQUE,	/* everything under path ("" = the root) */
};

struct kept {
	char *path;
	enum kept_kind kind;
	uint8_t *data;
	size_t len;
};

enum blob_kind {
	B_OTHER,	/* not JSON, not a tar stream (err says why) */
	B_JSON,
	B_LAYER,	/* a tar stream: kept[] and sha (of the uncompressed bytes) */
	B_BAD,		/* a tar stream that failed part-way (err, err_code) */
	B_LINK,		/* a symlink or hard link in the outer archive: link */
};

/* One entry of the outer archive. */
struct blob {
	char *name;		/* normalised path in the outer archive */
	size_t seq;		/* order in the archive: the last of a name wins */
	enum blob_kind kind;
	uint64_t size;
	int looks_json;		/* starts with '{' or '[' */
	uint8_t *json;		/* B_JSON, NUL-terminated */
	size_t json_len;
	uint8_t sha[32];	/* B_JSON: of the bytes; B_LAYER: of the uncompressed tar */
	struct kept *kept;
	size_t nkept, capkept;
	char *link;
	char *err;
	int err_code;
};

struct want {
	char *path;		/* normalised, without a trailing '/' */
	size_t len;
	int dir;		/* "path/": direct children are wanted */
};

struct wantset {
	struct want v[IMAGE_MAX_WANT];
	size_t n;
};

/* One walk of the archive. */
struct scan {
	struct ctx *c;
	const struct wantset *ws;
	int fd;
	crypto_hash_sha256_state arch_sha;
	uint8_t arch_digest[32];
	uint8_t *rbuf, *fbuf, *lbuf;
	struct blob *blobs;
	size_t nblobs, capblobs;
	size_t kept_bytes, kept_entries;
	int fatal;		/* the error in c is not a layer's own */
	int read_errno;		/* read(2) of the archive failed with it */
};

/* Feeds one outer entry (after the bytes already peeked) to a nested reader. */
struct feed {
	struct scan *s;
	struct archive *outer;
	const uint8_t *peek;
	size_t npeek;
	int peeked;
	int failed;		/* the outer archive failed: fatal */
};

/* Feeds the raw (decompressing) reader to the tar reader, hashing. */
struct lay {
	struct scan *s;
	struct archive *raw;
	crypto_hash_sha256_state sha;
	uint64_t bytes;
	int limit;		/* IMAGE_MAX_LAYER_BYTES exceeded */
};

/* A file, symlink or unresolved hard link of the merged filesystem. */
struct node {
	const char *path;	/* borrowed from a blob's kept[] */
	enum kept_kind kind;
	const uint8_t *data;
	size_t len;
	int layer;
	size_t ord;		/* application order: the last of a path wins */
	int dead;
};

struct merged {
	struct node *v;
	size_t n, cap;
	size_t ord;
};

/* ---- small helpers ---------------------------------------------------- */

static void
hex32(const uint8_t sha[32], char out[65])
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = digits[sha[i] >> 4];
		out[2 * i + 1] = digits[sha[i] & 15];
	}
	out[64] = '\0';
}

/* "sha256:" + 64 lowercase hex digits. */
static int
digest_ok(const char *d)
{
	size_t i;

	if (d == NULL || strncmp(d, "sha256:", 7) != 0 || strlen(d) != 7 + 64)
		return 0;
	for (i = 7; i < 7 + 64; i++)
		if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f')))
			return 0;
	return 1;
}

static int
digest_eq(const char *d, const uint8_t sha[32])
{
	char hex[65];

	hex32(sha, hex);
	return digest_ok(d) && strcmp(d + 7, hex) == 0;
}

/*
 * Normalises path into out: no leading '/', no "." or empty components, no
 * trailing '/'. dotdot 0: a ".." component is an error (-1); dotdot 1: it
 * removes the previous component and stays at the root. Returns 0 or -1 (also
 * when the result would exceed IMAGE_MAX_PATH).
 */
static int
path_norm(const char *path, int dotdot, struct sb *out)
{
	const char *p = path, *e;
	size_t n;

	sb_reset(out);
	sb_add(out, "", 0);
	while (*p) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		for (e = p; *e && *e != '/'; e++)
			;
		n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			/* skip */
		} else if (n == 2 && p[0] == '.' && p[1] == '.') {
			char *slash;

			if (!dotdot)
				return -1;
			slash = strrchr(out->s, '/');
			out->len = slash ? (size_t)(slash - out->s) : 0;
			out->s[out->len] = '\0';
		} else {
			if (out->len > 0)
				sb_addc(out, '/');
			sb_add(out, p, n);
			if (out->len > IMAGE_MAX_PATH)
				return -1;
		}
		p = e;
	}
	return 0;
}

/* Length of the directory part of a normalised path ("" for top level). */
static size_t
dir_len(const char *p)
{
	const char *slash = strrchr(p, '/');

	return slash ? (size_t)(slash - p) : 0;
}

/* Files are ordered by directory, then name, so a directory's files are adjacent. */
static int
path_cmp(const char *a, const char *b)
{
	size_t da = dir_len(a), db = dir_len(b), n = da < db ? da : db;
	int d;

	if ((d = memcmp(a, b, n)) != 0)
		return d;
	if (da != db)
		return da < db ? -1 : 1;
	return strcmp(a + da, b + db);
}

/* ---- the wanted set ----------------------------------------------------- */

static int
want_add(struct ctx *c, struct wantset *ws, const char *path)
{
	struct sb b = SB_INIT;
	size_t n = strlen(path), i;
	int dir = n > 0 && path[n - 1] == '/';

	if (path_norm(path, 0, &b) != 0 || b.len == 0) {
		sb_free(&b);
		return ctx_err(c, E_USAGE, "bad wanted path '%s'", path);
	}
	for (i = 0; i < ws->n; i++)
		if (ws->v[i].dir == dir && strcmp(ws->v[i].path, b.s) == 0) {
			sb_free(&b);
			return 0;
		}
	if (ws->n == IMAGE_MAX_WANT) {
		sb_free(&b);
		return ctx_err(c, E_LIMIT, "more than IMAGE_MAX_WANT (%d) wanted paths",
		    IMAGE_MAX_WANT);
	}
	ws->v[ws->n].len = b.len;
	ws->v[ws->n].path = sb_steal(&b);
	ws->v[ws->n].dir = dir;
	ws->n++;
	return 0;
}

static void
want_free(struct wantset *ws)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		free(ws->v[i].path);
	ws->n = 0;
}

/* p is a wanted file: exactly wanted, or directly inside a wanted directory. */
static int
is_wanted(const struct wantset *ws, const char *p)
{
	size_t i, n = strlen(p);

	for (i = 0; i < ws->n; i++) {
		const struct want *w = &ws->v[i];

		if (!w->dir) {
			if (n == w->len && memcmp(p, w->path, n) == 0)
				return 1;
		} else if (n > w->len + 1 && memcmp(p, w->path, w->len) == 0 &&
		    p[w->len] == '/' && strchr(p + w->len + 1, '/') == NULL)
			return 1;
	}
	return 0;
}

/* p is a directory on the way to a wanted path, or a wanted directory itself. */
static int
is_ancestor(const struct wantset *ws, const char *p)
{
	size_t i, n = strlen(p);

	if (n == 0)
		return 1;
	for (i = 0; i < ws->n; i++) {
		const struct want *w = &ws->v[i];

		if (n < w->len && memcmp(p, w->path, n) == 0 && w->path[n] == '/')
			return 1;
		if (w->dir && n == w->len && memcmp(p, w->path, n) == 0)
			return 1;
	}
	return 0;
}

static int
is_wanted_dir(const struct wantset *ws, const char *p)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (ws->v[i].dir && strcmp(ws->v[i].path, p) == 0)
			return 1;
	return 0;
}

/* ---- blobs -------------------------------------------------------------- */

static void
blob_free(struct blob *b)
{
	size_t i;

	for (i = 0; i < b->nkept; i++) {
		free(b->kept[i].path);
		free(b->kept[i].data);
	}
	free(b->kept);
	free(b->name);
	free(b->json);
	free(b->link);
	free(b->err);
}

static void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nblobs; i++)
		blob_free(&s->blobs[i]);
	free(s->blobs);
	free(s->rbuf);
	free(s->fbuf);
	free(s->lbuf);
	if (s->fd != -1)
		close(s->fd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

static struct blob *
blob_new(struct scan *s, const char *name)
{
	struct blob *b;

	if (s->nblobs == s->capblobs) {
		s->capblobs = s->capblobs ? s->capblobs * 2 : 32;
		s->blobs = xreallocarray(s->blobs, s->capblobs, sizeof(*s->blobs));
	}
	b = &s->blobs[s->nblobs];
	memset(b, 0, sizeof(*b));
	b->name = xstrdup(name);
	b->seq = s->nblobs++;
	return b;
}

/* Global error: stops the walk. */
static int
fatal(struct scan *s, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int
fatal(struct scan *s, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->c->err, sizeof(s->c->err), fmt, ap);
	va_end(ap);
	s->c->err_code = code;
	s->fatal = 1;
	return code;
}

/* Records a kept entry; data (may be NULL) is handed over. */
static int
kept_add(struct scan *s, struct blob *b, const char *path, enum kept_kind kind,
    uint8_t *data, size_t len)
{
	struct kept *k;

	if (++s->kept_entries > IMAGE_MAX_KEPT_ENTRIES) {
		free(data);
		return fatal(s, E_LIMIT, "more than IMAGE_MAX_KEPT_ENTRIES (%d) kept entries",
		    IMAGE_MAX_KEPT_ENTRIES);
	}
	if (b->nkept == b->capkept) {
		b->capkept = b->capkept ? b->capkept * 2 : 16;
		b->kept = xreallocarray(b->kept, b->capkept, sizeof(*b->kept));
	}
	k = &b->kept[b->nkept++];
	k->path = xstrdup(path);
	k->kind = kind;
	k->data = data;
	k->len = len;
	return 0;
}

static int
kept_reserve(struct scan *s, size_t n)
{
	if (n > IMAGE_MAX_KEPT - s->kept_bytes)
		return fatal(s, E_LIMIT, "kept data exceeds IMAGE_MAX_KEPT (%zu bytes)",
		    IMAGE_MAX_KEPT);
	s->kept_bytes += n;
	return 0;
}

/* ---- libarchive plumbing ------------------------------------------------ */

/* Decompression filters, built in only: libarchive falls back to running an
 * external program (ARCHIVE_WARN) when it lacks a library; we refuse that. */
static int
support_filters(struct scan *s, struct archive *a)
{
	if (archive_read_support_filter_gzip(a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(a) != ARCHIVE_OK)
		return fatal(s, E_UNSUPPORTED,
		    "libarchive lacks a built-in gzip/zstd/bzip2/xz decoder");
	return 0;
}

static la_ssize_t
outer_read(struct archive *a, void *v, const void **buf)
{
	struct scan *s = v;
	ssize_t n;

	do
		n = read(s->fd, s->rbuf, READ_CHUNK);
	while (n == -1 && errno == EINTR);
	if (n < 0) {
		s->read_errno = errno;
		archive_set_error(a, errno, "read");
		return -1;
	}
	crypto_hash_sha256_update(&s->arch_sha, s->rbuf, (unsigned long long)n);
	*buf = s->rbuf;
	return n;
}

static la_ssize_t
feed_read(struct archive *a, void *v, const void **buf)
{
	struct feed *f = v;
	la_ssize_t n;

	if (!f->peeked) {
		f->peeked = 1;
		if (f->npeek > 0) {
			*buf = f->peek;
			return (la_ssize_t)f->npeek;
		}
	}
	n = archive_read_data(f->outer, f->s->fbuf, READ_CHUNK);
	if (n < 0) {
		f->failed = 1;
		archive_set_error(a, EIO, "%s",
		    archive_error_string(f->outer) ? archive_error_string(f->outer) : "read");
		return -1;
	}
	*buf = f->s->fbuf;
	return n;
}

static la_ssize_t
lay_read(struct archive *a, void *v, const void **buf)
{
	struct lay *l = v;
	la_ssize_t n;

	n = archive_read_data(l->raw, l->s->lbuf, READ_CHUNK);
	if (n < 0) {
		archive_set_error(a, EIO, "%s",
		    archive_error_string(l->raw) ? archive_error_string(l->raw) : "read");
		return -1;
	}
	if (ckd_add(&l->bytes, l->bytes, (uint64_t)n) || l->bytes > IMAGE_MAX_LAYER_BYTES) {
		l->limit = 1;
		archive_set_error(a, EIO, "layer larger than IMAGE_MAX_LAYER_BYTES");
		return -1;
	}
	crypto_hash_sha256_update(&l->sha, l->s->lbuf, (unsigned long long)n);
	*buf = l->s->lbuf;
	return n;
}

static const char *
aerr(struct archive *a)
{
	const char *m = archive_error_string(a);

	return m ? m : "unknown error";
}

static const char *
entry_name(struct archive_entry *e)
{
	const char *p = archive_entry_pathname(e);

	return p ? p : archive_entry_pathname_utf8(e);
}

/* ---- one layer ---------------------------------------------------------- */

/* Reads the current entry's data (a wanted file) into *out. */
static int
read_file(struct scan *s, struct archive *tar, struct archive_entry *e, const char *path,
    uint8_t **out, size_t *outlen)
{
	la_int64_t size = archive_entry_size(e);
	uint8_t *buf;
	size_t len, got = 0;
	la_ssize_t n;
	int r;

	*out = NULL;
	*outlen = 0;
	if (size < 0)
		return ctx_err(s->c, E_FORMAT, "%s: negative size", path);
	if ((uint64_t)size > IMAGE_MAX_FILE)
		return ctx_err(s->c, E_LIMIT, "%s: larger than IMAGE_MAX_FILE (%d bytes)", path,
		    IMAGE_MAX_FILE);
	len = (size_t)size;
	if ((r = kept_reserve(s, len)) != 0)
		return r;
	buf = xmalloc(len + 1);
	while (got < len) {
		n = archive_read_data(tar, buf + got, len - got);
		if (n < 0) {
			free(buf);
			return ctx_err(s->c, E_FORMAT, "%s: %s", path, aerr(tar));
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != len) {
		free(buf);
		return ctx_err(s->c, E_FORMAT, "%s: truncated", path);
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* Copies a link target (symlink as written, or hard link normalised). */
static int
link_target(struct scan *s, const char *t, const char *path, uint8_t **out, size_t *len)
{
	size_t n;
	int r;

	*out = NULL;
	if (t == NULL)
		return ctx_err(s->c, E_FORMAT, "%s: unreadable link target", path);
	n = strlen(t);
	if (n > IMAGE_MAX_PATH)
		return ctx_err(s->c, E_LIMIT, "%s: link target longer than IMAGE_MAX_PATH (%d)",
		    path, IMAGE_MAX_PATH);
	if ((r = kept_reserve(s, n)) != 0)
		return r;
	*out = (uint8_t *)xstrdup(t);
	*len = n;
	return 0;
}

static int
layer_entry(struct scan *s, struct blob *b, struct archive *tar, struct archive_entry *e,
    struct sb *np, struct sb *tmp)
{
	const char *name = entry_name(e), *base, *hl;
	const struct wantset *ws = s->ws;
	uint8_t *data = NULL;
	size_t len = 0, k;
	int wanted, r;

	if (name == NULL)
		return 0;	/* not convertible: cannot be one of our (ASCII) paths */
	if (strlen(name) > IMAGE_MAX_PATH)
		return ctx_err(s->c, E_LIMIT, "entry path longer than IMAGE_MAX_PATH (%d)",
		    IMAGE_MAX_PATH);
	if (path_norm(name, 0, np) != 0)
		return ctx_err(s->c, E_FORMAT, "%s: path with '..'", name);
	if (np->len == 0)
		return 0;
	base = np->s + dir_len(np->s);
	if (*base == '/')
		base++;
	if (strncmp(base, ".wh.", 4) == 0) {
		size_t dl = dir_len(np->s);

		if (strcmp(base, ".wh..wh..opq") == 0) {
			sb_reset(tmp);
			sb_add(tmp, np->s, dl);
			if (is_ancestor(ws, tmp->s))
				return kept_add(s, b, tmp->s, K_OPAQUE, NULL, 0);
			return 0;
		}
		if (strncmp(base, ".wh..wh.", 8) == 0)
			return 0;	/* other aufs metadata (.wh..wh.plnk ...) */
		if (strcmp(base + 4, "..") == 0)
			return ctx_err(s->c, E_FORMAT, "%s: path with '..'", name);
		if (base[4] == '\0' || strcmp(base + 4, ".") == 0)
			return 0;
		sb_reset(tmp);
		sb_add(tmp, np->s, dl);
		if (dl > 0)
			sb_addc(tmp, '/');
		sb_adds(tmp, base + 4);
		if (is_wanted(ws, tmp->s) || is_ancestor(ws, tmp->s))
			return kept_add(s, b, tmp->s, K_DEL_TREE, NULL, 0);
		return 0;
	}
	wanted = is_wanted(ws, np->s);
	if (!wanted && !is_ancestor(ws, np->s))
		return 0;
	if (archive_entry_filetype(e) == AE_IFDIR && archive_entry_hardlink(e) == NULL)
		return kept_add(s, b, np->s, K_DEL_SELF, NULL, 0);
	/* a non-directory: whatever was at this path or under it is gone */
	if ((r = kept_add(s, b, np->s, K_DEL_TREE, NULL, 0)) != 0)
		return r;
	if ((hl = archive_entry_hardlink(e)) != NULL ||
	    (hl = archive_entry_hardlink_utf8(e)) != NULL) {
		if (!wanted)
			return 0;
		if (path_norm(hl, 0, tmp) != 0 || tmp->len == 0)
			return ctx_err(s->c, E_FORMAT, "%s: bad hard link target", name);
		for (k = b->nkept; k-- > 0;)
			if (b->kept[k].kind == K_FILE && strcmp(b->kept[k].path, tmp->s) == 0)
				break;
		if (k != (size_t)-1) {
			len = b->kept[k].len;
			if ((r = kept_reserve(s, len)) != 0)
				return r;
			data = xmalloc(len + 1);
			memcpy(data, b->kept[k].data, len + 1);
			return kept_add(s, b, np->s, K_FILE, data, len);
		}
		if ((r = link_target(s, tmp->s, name, &data, &len)) != 0)
			return r;
		return kept_add(s, b, np->s, K_HARDLINK, data, len);
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		if (!wanted)
			return 0;
		if ((r = read_file(s, tar, e, np->s, &data, &len)) != 0)
			return r;
		return kept_add(s, b, np->s, K_FILE, data, len);
	case AE_IFLNK:
		if ((r = link_target(s, archive_entry_symlink(e) ? archive_entry_symlink(e) :
		    archive_entry_symlink_utf8(e), np->s, &data, &len)) != 0)
			return r;
		return kept_add(s, b, np->s, K_SYMLINK, data, len);
	default:
		return 0;	/* device, fifo, socket: deleted, nothing to read */
	}
}

/*
 * Streams one outer entry as a (possibly compressed) tar. Returns 0 (b->kind
 * says what it was) or an error; s->fatal says whether that error stops the
 * walk, else it is recorded in b.
 */
static int
layer_scan(struct scan *s, struct blob *b, struct archive *outer, const uint8_t *peek,
    size_t npeek)
{
	struct archive *raw = NULL, *tar = NULL;
	struct archive_entry *e;
	struct feed f;
	struct lay l;
	struct sb np = SB_INIT, tmp = SB_INIT;
	size_t entries = 0;
	la_ssize_t n;
	int r = E_INTERNAL, ar;

	memset(&f, 0, sizeof(f));
	memset(&l, 0, sizeof(l));
	f.s = s;
	f.outer = outer;
	f.peek = peek;
	f.npeek = npeek;
	l.s = s;
	crypto_hash_sha256_init(&l.sha);
	if ((raw = archive_read_new()) == NULL || (tar = archive_read_new()) == NULL) {
		r = fatal(s, E_NOMEM, "archive_read_new");
		goto out;
	}
	if ((r = support_filters(s, raw)) != 0)
		goto out;
	archive_read_support_format_raw(raw);
	archive_read_support_format_tar(tar);
	l.raw = raw;
	if (archive_read_open(raw, &f, NULL, feed_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(raw, &e) != ARCHIVE_OK) {
		r = 0;
		goto not_tar;
	}
	if (archive_read_open(tar, &l, NULL, lay_read, NULL) != ARCHIVE_OK) {
		r = 0;
		goto not_tar;
	}
	for (;;) {
		ar = archive_read_next_header(tar, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			if (f.failed) {
				r = fatal(s, E_FORMAT, "%s", aerr(outer));
				goto out;
			}
			if (l.limit) {
				r = ctx_err(s->c, E_LIMIT, "larger than IMAGE_MAX_LAYER_BYTES "
				    "(%llu bytes uncompressed)",
				    (unsigned long long)IMAGE_MAX_LAYER_BYTES);
				goto out;
			}
			if (entries == 0) {
				r = 0;
				goto not_tar;
			}
			r = ctx_err(s->c, E_FORMAT, "entry %zu: %s", entries + 1, aerr(tar));
			goto out;
		}
		if (++entries > IMAGE_MAX_LAYER_ENTRIES) {
			r = ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_LAYER_ENTRIES (%d) entries",
			    IMAGE_MAX_LAYER_ENTRIES);
			goto out;
		}
		b->kind = B_LAYER;
		if ((r = layer_entry(s, b, tar, e, &np, &tmp)) != 0) {
			if (f.failed)
				r = fatal(s, E_FORMAT, "%s", aerr(outer));
			goto out;
		}
	}
	/* the tar reader stops at its end marker: hash the rest of the stream */
	while ((n = archive_read_data(raw, s->lbuf, READ_CHUNK)) > 0) {
		if (ckd_add(&l.bytes, l.bytes, (uint64_t)n) || l.bytes > IMAGE_MAX_LAYER_BYTES) {
			r = ctx_err(s->c, E_LIMIT, "larger than IMAGE_MAX_LAYER_BYTES");
			goto out;
		}
		crypto_hash_sha256_update(&l.sha, s->lbuf, (unsigned long long)n);
	}
	if (n < 0) {
		r = f.failed ? fatal(s, E_FORMAT, "%s", aerr(outer)) :
		    ctx_err(s->c, E_FORMAT, "%s", aerr(raw));
		goto out;
	}
	crypto_hash_sha256_final(&l.sha, b->sha);
	b->kind = B_LAYER;
	r = 0;
	goto out;
not_tar:
	if (f.failed) {
		r = fatal(s, E_FORMAT, "%s", aerr(outer));
		goto out;
	}
	b->kind = B_OTHER;
	b->err_code = E_FORMAT;
	sb_reset(&tmp);
	sb_addf(&tmp, "not a tar archive: %s", aerr(archive_errno(raw) != 0 ? raw : tar));
	b->err = sb_steal(&tmp);
out:
	if (r != 0 && !s->fatal) {
		b->kind = B_BAD;
		b->err_code = r;
		free(b->err);
		b->err = xstrdup(s->c->err);
		r = 0;
	}
	archive_read_free(tar);
	archive_read_free(raw);
	sb_free(&np);
	sb_free(&tmp);
	return r;
}

/* ---- the outer archive -------------------------------------------------- */

static int
json_read(struct scan *s, struct blob *b, struct archive *outer, const uint8_t *peek,
    size_t npeek)
{
	size_t len = (size_t)b->size, got = npeek;
	la_ssize_t n;
	int r;

	if ((r = kept_reserve(s, len)) != 0)
		return r;
	b->json = xmalloc(len + 1);
	memcpy(b->json, peek, npeek);
	while (got < len) {
		n = archive_read_data(outer, b->json + got, len - got);
		if (n < 0)
			return fatal(s, E_FORMAT, "%s: %s", b->name, aerr(outer));
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != len)
		return fatal(s, E_FORMAT, "%s: truncated", b->name);
	b->json[len] = '\0';
	b->json_len = len;
	crypto_hash_sha256(b->sha, b->json, len);
	b->kind = B_JSON;
	return 0;
}

static int
outer_entry(struct scan *s, struct archive *outer, struct archive_entry *e, struct sb *np)
{
	uint8_t peek[PEEK_BYTES];
	const char *name = entry_name(e), *hl, *sl;
	struct blob *b;
	size_t npeek = 0, i;
	la_ssize_t n;
	la_int64_t size;

	if (name == NULL || strlen(name) > IMAGE_MAX_PATH || path_norm(name, 0, np) != 0 ||
	    np->len == 0)
		return 0;	/* a name no manifest can reference */
	hl = archive_entry_hardlink(e);
	if (hl != NULL) {
		b = blob_new(s, np->s);
		b->kind = B_LINK;
		if (path_norm(hl, 1, np) == 0)
			b->link = xstrdup(np->s);
		return 0;
	}
	if (archive_entry_filetype(e) == AE_IFLNK) {
		struct sb t = SB_INIT;

		if ((sl = archive_entry_symlink(e)) == NULL)
			return 0;
		b = blob_new(s, np->s);
		b->kind = B_LINK;
		if (sl[0] != '/') {
			sb_add(&t, np->s, dir_len(np->s));
			sb_addc(&t, '/');
		}
		sb_adds(&t, sl);
		if (t.len <= IMAGE_MAX_PATH && path_norm(t.s, 1, np) == 0)
			b->link = xstrdup(np->s);
		sb_free(&t);
		return 0;
	}
	if (archive_entry_filetype(e) != AE_IFREG)
		return 0;
	size = archive_entry_size(e);
	b = blob_new(s, np->s);
	b->size = size > 0 ? (uint64_t)size : 0;
	while (npeek < sizeof(peek)) {
		n = archive_read_data(outer, peek + npeek, sizeof(peek) - npeek);
		if (n < 0)
			return fatal(s, E_FORMAT, "%s: %s", b->name, aerr(outer));
		if (n == 0)
			break;
		npeek += (size_t)n;
	}
	for (i = 0; i < npeek && (peek[i] == ' ' || peek[i] == '\t' || peek[i] == '\n' ||
	    peek[i] == '\r'); i++)
		;
	b->looks_json = i < npeek && (peek[i] == '{' || peek[i] == '[');
	if (b->looks_json && b->size <= IMAGE_MAX_JSON)
		return json_read(s, b, outer, peek, npeek);
	if (npeek == 0) {
		b->kind = B_OTHER;
		b->err = xstrdup("empty file");
		b->err_code = E_FORMAT;
		return 0;
	}
	if (layer_scan(s, b, outer, peek, npeek) != 0) {
		ctx_prefix(s->c, "%s", b->name);
		return s->c->err_code;
	}
	return 0;
}

static int
blob_cmp(const void *va, const void *vb)
{
	const struct blob *a = va, *b = vb;
	int d = strcmp(a->name, b->name);

	if (d != 0)
		return d;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Walks the whole archive once; s->blobs ends sorted by name. */
static int
scan_archive(struct scan *s, const char *path)
{
	struct archive *outer = NULL;
	struct archive_entry *e;
	struct sb np = SB_INIT;
	const void *rest;
	size_t entries = 0;
	la_ssize_t n;
	int r = E_INTERNAL, ar;

	crypto_hash_sha256_init(&s->arch_sha);
	s->rbuf = xmalloc(READ_CHUNK);
	s->fbuf = xmalloc(READ_CHUNK);
	s->lbuf = xmalloc(READ_CHUNK);
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		r = ctx_errno(s->c, E_IO, "open");
		goto out;
	}
	if ((outer = archive_read_new()) == NULL) {
		r = ctx_err(s->c, E_NOMEM, "archive_read_new");
		goto out;
	}
	if ((r = support_filters(s, outer)) != 0)
		goto out;
	archive_read_support_format_tar(outer);
	/* libarchive bids on the format when opening: a failure there is ours too */
	if ((ar = archive_read_open(outer, s, NULL, outer_read, NULL)) == ARCHIVE_WARN)
		ar = ARCHIVE_OK;
	for (;;) {
		if (ar == ARCHIVE_OK)
			ar = archive_read_next_header(outer, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			if (s->read_errno != 0) {
				errno = s->read_errno;
				r = ctx_errno(s->c, E_IO, "read");
			} else
				r = ctx_err(s->c, E_FORMAT, "%s%s", entries == 0 ?
				    "not a tar archive: " : "", aerr(outer));
			goto out;
		}
		ar = ARCHIVE_OK;
		if (++entries > IMAGE_MAX_ARCHIVE_ENTRIES) {
			r = ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_ARCHIVE_ENTRIES (%d) entries",
			    IMAGE_MAX_ARCHIVE_ENTRIES);
			goto out;
		}
		if ((r = outer_entry(s, outer, e, &np)) != 0)
			goto out;
	}
	/* bytes past the end marker (padding, trailing data) are the file's too */
	while ((n = outer_read(outer, s, &rest)) > 0)
		;
	if (n < 0) {
		errno = s->read_errno;
		r = ctx_errno(s->c, E_IO, "read");
		goto out;
	}
	crypto_hash_sha256_final(&s->arch_sha, s->arch_digest);
	if (s->nblobs > 1)
		qsort(s->blobs, s->nblobs, sizeof(*s->blobs), blob_cmp);
	r = 0;
out:
	archive_read_free(outer);
	sb_free(&np);
	return r;
}

/* The last entry named name, following links in the outer archive. */
static struct blob *
blob_find(struct scan *s, const char *name)
{
	size_t lo, hi, mid, hops;
	struct blob *b;
	int d;

	for (hops = 0; hops <= IMAGE_MAX_OUTER_LINKS; hops++) {
		lo = 0;
		hi = s->nblobs;
		b = NULL;
		while (lo < hi) {	/* upper bound of name */
			mid = lo + (hi - lo) / 2;
			d = strcmp(s->blobs[mid].name, name);
			if (d <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && strcmp(s->blobs[lo - 1].name, name) == 0)
			b = &s->blobs[lo - 1];
		if (b == NULL || b->kind != B_LINK)
			return b;
		if (b->link == NULL)
			return NULL;
		name = b->link;
	}
	return NULL;
}

/* ---- JSON --------------------------------------------------------------- */

/* yajl's tree is freed recursively: bound the nesting before parsing. */
static int
json_depth_ok(const uint8_t *p, size_t n)
{
	size_t i, depth = 0;
	int in_str = 0;

	for (i = 0; i < n; i++) {
		if (in_str) {
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = 0;
		} else if (p[i] == '"')
			in_str = 1;
		else if (p[i] == '[' || p[i] == '{') {
			if (++depth > IMAGE_MAX_JSON_DEPTH)
				return 0;
		} else if ((p[i] == ']' || p[i] == '}') && depth > 0)
			depth--;
	}
	return 1;
}

/* The JSON entry named name (links followed), parsed. what names it in messages. */
static int
json_load(struct scan *s, const char *name, const char *what, yajl_val *out)
{
	struct blob *b;
	char ebuf[256];

	*out = NULL;
	if ((b = blob_find(s, name)) == NULL)
		return ctx_err(s->c, E_FORMAT, "%s %s: not in the archive", what, name);
	if (b->kind != B_JSON) {
		if (b->looks_json && b->size > IMAGE_MAX_JSON)
			return ctx_err(s->c, E_LIMIT, "%s %s: larger than IMAGE_MAX_JSON (%d bytes)",
			    what, name, IMAGE_MAX_JSON);
		return ctx_err(s->c, E_FORMAT, "%s %s: not JSON", what, name);
	}
	if (!json_depth_ok(b->json, b->json_len))
		return ctx_err(s->c, E_LIMIT, "%s %s: nested deeper than IMAGE_MAX_JSON_DEPTH (%d)",
		    what, name, IMAGE_MAX_JSON_DEPTH);
	if (memchr(b->json, '\0', b->json_len) != NULL)
		return ctx_err(s->c, E_FORMAT, "%s %s: NUL byte", what, name);
	ebuf[0] = '\0';
	if ((*out = yajl_tree_parse((const char *)b->json, ebuf, sizeof(ebuf))) == NULL) {
		char *nl;

		while ((nl = strchr(ebuf, '\n')) != NULL)
			*nl = ' ';
		return ctx_err(s->c, E_FORMAT, "%s %s: %s", what, name,
		    ebuf[0] ? ebuf : "invalid JSON");
	}
	return 0;
}

/* Member key of an object (the last one, as Go's encoding/json reads duplicates). */
static yajl_val
jget(yajl_val obj, const char *key)
{
	yajl_val v = NULL;
	size_t i;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			v = obj->u.object.values[i];
	return v;
}

static const char *
jstr(yajl_val v)
{
	return YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : NULL;
}

static size_t
jlen(yajl_val v)
{
	return YAJL_IS_ARRAY(v) ? v->u.array.len : 0;
}

/* ---- manifests ---------------------------------------------------------- */

/* What the manifest says: config entry, layer entries, tags. */
struct plan {
	struct blob *config;
	struct blob **layers;
	size_t nlayers;
	char **tags;		/* NULL-terminated */
};

static void
plan_free(struct plan *p)
{
	size_t i;

	free(p->layers);
	for (i = 0; p->tags && p->tags[i]; i++)
		free(p->tags[i]);
	free(p->tags);
	memset(p, 0, sizeof(*p));
}

static int
plan_tags(struct scan *s, struct plan *p, yajl_val arr)
{
	size_t i, n = 0;

	if (arr != NULL && !YAJL_IS_ARRAY(arr) && !YAJL_IS_NULL(arr))
		return ctx_err(s->c, E_FORMAT, "RepoTags is not an array");
	if (jlen(arr) > IMAGE_MAX_TAGS)
		return ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_TAGS (%d) tags", IMAGE_MAX_TAGS);
	p->tags = xcalloc(jlen(arr) + 1, sizeof(*p->tags));
	for (i = 0; i < jlen(arr); i++) {
		const char *t = jstr(arr->u.array.values[i]);

		if (t == NULL || strlen(t) > IMAGE_MAX_PATH)
			return ctx_err(s->c, E_FORMAT, "RepoTags[%zu] is not a tag", i);
		p->tags[n++] = xstrdup(t);
	}
	return 0;
}

static int
plan_layer(struct scan *s, struct plan *p, const char *name, size_t i)
{
	struct blob *b;

	if (name == NULL)
		return ctx_err(s->c, E_FORMAT, "layer %zu: no path", i + 1);
	if ((b = blob_find(s, name)) == NULL)
		return ctx_err(s->c, E_FORMAT, "layer %zu (%s): not in the archive", i + 1, name);
	p->layers[i] = b;
	return 0;
}

static int
plan_layers_alloc(struct scan *s, struct plan *p, size_t n)
{
	if (n > IMAGE_MAX_LAYERS)
		return ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_LAYERS (%d) layers",
		    IMAGE_MAX_LAYERS);
	p->layers = xcalloc(n ? n : 1, sizeof(*p->layers));
	p->nlayers = n;
	return 0;
}

/* manifest.json: [{"Config": ..., "RepoTags": [...], "Layers": [...]}] */
static int
plan_docker(struct scan *s, struct plan *p)
{
	yajl_val m = NULL, img, layers;
	struct sb nb = SB_INIT;
	size_t i;
	int r;

	if ((r = json_load(s, "manifest.json", "manifest", &m)) != 0)
		goto out;
	r = E_FORMAT;
	if (!YAJL_IS_ARRAY(m) || jlen(m) == 0) {
		ctx_err(s->c, E_FORMAT, "manifest.json: not a list of images");
		goto out;
	}
	if (jlen(m) > 1) {
		r = ctx_err(s->c, E_UNSUPPORTED,
		    "manifest.json lists %zu images; save one image per archive", jlen(m));
		goto out;
	}
	img = m->u.array.values[0];
	if (jstr(jget(img, "Config")) == NULL ||
	    path_norm(jstr(jget(img, "Config")), 0, &nb) != 0) {
		ctx_err(s->c, E_FORMAT, "manifest.json: no Config");
		goto out;
	}
	if ((p->config = blob_find(s, nb.s)) == NULL) {
		ctx_err(s->c, E_FORMAT, "config %s: not in the archive", nb.s);
		goto out;
	}
	if ((r = plan_tags(s, p, jget(img, "RepoTags"))) != 0) {
		ctx_prefix(s->c, "manifest.json");
		goto out;
	}
	layers = jget(img, "Layers");
	if (!YAJL_IS_ARRAY(layers)) {
		r = ctx_err(s->c, E_FORMAT, "manifest.json: no Layers");
		goto out;
	}
	if ((r = plan_layers_alloc(s, p, jlen(layers))) != 0)
		goto out;
	for (i = 0; i < p->nlayers; i++) {
		const char *ln = jstr(layers->u.array.values[i]);

		if (ln != NULL && path_norm(ln, 0, &nb) != 0)
			ln = NULL;
		if ((r = plan_layer(s, p, ln ? nb.s : NULL, i)) != 0)
			goto out;
	}
	r = 0;
out:
	yajl_tree_free(m);
	sb_free(&nb);
	return r;
}

/* A content-addressed blob of an OCI layout, its digest checked. */
static int
oci_blob(struct scan *s, const char *digest, const char *what, struct blob **out)
{
	char name[7 + 6 + 64 + 1];
	struct blob *b;

	*out = NULL;
	if (!digest_ok(digest))
		return ctx_err(s->c, digest && strncmp(digest, "sha256:", 7) != 0 ?
		    E_UNSUPPORTED : E_FORMAT, "%s: unsupported digest '%.80s'", what,
		    digest ? digest : "");
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if ((b = blob_find(s, name)) == NULL)
		return ctx_err(s->c, E_FORMAT, "%s %s: not in the archive", what, digest);
	if (b->kind == B_JSON && !digest_eq(digest, b->sha))
		return ctx_err(s->c, E_VERIFY, "%s %s: content does not match its digest", what,
		    digest);
	*out = b;
	return 0;
}

/* The one manifest descriptor of an index; tags from its annotations. */
static int
oci_pick(struct scan *s, struct plan *p, yajl_val idx, const char *what, const char **digest)
{
	yajl_val ms = jget(idx, "manifests"), d, ann;
	const char *tag;

	*digest = NULL;
	if (!YAJL_IS_ARRAY(ms) || jlen(ms) == 0)
		return ctx_err(s->c, E_FORMAT, "%s: no manifests", what);
	if (jlen(ms) > 1)
		return ctx_err(s->c, E_UNSUPPORTED,
		    "%s lists %zu manifests; save one image (one platform) per archive", what,
		    jlen(ms));
	d = ms->u.array.values[0];
	if (p->tags == NULL) {
		ann = jget(d, "annotations");
		if ((tag = jstr(jget(ann, "io.containerd.image.name"))) == NULL)
			tag = jstr(jget(ann, "org.opencontainers.image.ref.name"));
		p->tags = xcalloc(2, sizeof(*p->tags));
		if (tag != NULL && strlen(tag) <= IMAGE_MAX_PATH)
			p->tags[0] = xstrdup(tag);
	}
	*digest = jstr(jget(d, "digest"));
	return 0;
}

/* index.json -> (index ->) manifest -> config, layers */
static int
plan_oci(struct scan *s, struct plan *p)
{
	yajl_val idx = NULL, m = NULL, layers;
	const char *digest;
	struct blob *b = NULL;
	size_t i, depth;
	int r;

	if ((r = json_load(s, "index.json", "index", &idx)) != 0)
		goto out;
	if ((r = oci_pick(s, p, idx, "index.json", &digest)) != 0)
		goto out;
	for (depth = 0;; depth++) {
		if (depth == IMAGE_MAX_INDEX_DEPTH) {
			r = ctx_err(s->c, E_LIMIT, "indexes nested deeper than "
			    "IMAGE_MAX_INDEX_DEPTH (%d)", IMAGE_MAX_INDEX_DEPTH);
			goto out;
		}
		if ((r = oci_blob(s, digest, "manifest", &b)) != 0)
			goto out;
		yajl_tree_free(m);
		if ((r = json_load(s, b->name, "manifest", &m)) != 0)
			goto out;
		if (jget(m, "manifests") == NULL)
			break;
		if ((r = oci_pick(s, p, m, b->name, &digest)) != 0)
			goto out;
	}
	if ((r = oci_blob(s, jstr(jget(jget(m, "config"), "digest")), "config",
	    &p->config)) != 0)
		goto out;
	layers = jget(m, "layers");
	if (!YAJL_IS_ARRAY(layers)) {
		r = ctx_err(s->c, E_FORMAT, "manifest %s: no layers", b->name);
		goto out;
	}
	if ((r = plan_layers_alloc(s, p, jlen(layers))) != 0)
		goto out;
	for (i = 0; i < p->nlayers; i++) {
		const char *ld = jstr(jget(layers->u.array.values[i], "digest"));
		char what[32];

		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if ((r = oci_blob(s, ld, what, &p->layers[i])) != 0)
			goto out;
	}
	r = 0;
out:
	yajl_tree_free(idx);
	yajl_tree_free(m);
	return r;
}

/* ---- config, verification ----------------------------------------------- */

static int
apply_config(struct scan *s, struct plan *p, struct image *img)
{
	yajl_val cfg = NULL, diff_ids, hist;
	char hex[65], *short_id;
	size_t i, li = 0;
	int r;

	if ((r = json_load(s, p->config->name, "config", &cfg)) != 0)
		goto out;
	hex32(p->config->sha, hex);
	img->config_digest = xmalloc(7 + 64 + 1);
	snprintf(img->config_digest, 7 + 64 + 1, "sha256:%s", hex);
	diff_ids = jget(jget(cfg, "rootfs"), "diff_ids");
	if (!YAJL_IS_ARRAY(diff_ids)) {
		r = ctx_err(s->c, E_FORMAT, "config: no rootfs.diff_ids");
		goto out;
	}
	if (jlen(diff_ids) != p->nlayers) {
		r = ctx_err(s->c, E_FORMAT, "config lists %zu diff_ids for %zu layers",
		    jlen(diff_ids), p->nlayers);
		goto out;
	}
	img->layers = xcalloc(p->nlayers ? p->nlayers : 1, sizeof(*img->layers));
	img->nlayers = p->nlayers;
	for (i = 0; i < p->nlayers; i++) {
		const char *d = jstr(diff_ids->u.array.values[i]);
		struct blob *b = p->layers[i];

		if (!digest_ok(d)) {
			r = ctx_err(s->c, d && strncmp(d, "sha256:", 7) != 0 ? E_UNSUPPORTED :
			    E_FORMAT, "config: diff_id %zu: unsupported digest", i + 1);
			goto out;
		}
		img->layers[i].digest = xstrdup(d);
		short_id = xstrndup(d, 7 + 12);
		if (b->kind == B_LAYER && !digest_eq(d, b->sha)) {
			hex32(b->sha, hex);
			r = ctx_err(s->c, E_VERIFY, "layer %zu/%zu (%s): content is sha256:%.12s, "
			    "not its diff_id", i + 1, p->nlayers, short_id, hex);
		} else if (b->kind != B_LAYER)
			r = ctx_err(s->c, b->err_code ? b->err_code : E_FORMAT,
			    "layer %zu/%zu (%s): %s", i + 1, p->nlayers, short_id,
			    b->err ? b->err : b->kind == B_JSON ? "not a tar archive: JSON" :
			    "not a tar archive");
		free(short_id);
		if (r != 0)
			goto out;
	}
	hist = jget(cfg, "history");
	for (i = 0; i < jlen(hist) && li < p->nlayers; i++) {
		yajl_val h = hist->u.array.values[i];
		const char *cb = jstr(jget(h, "created_by"));

		if (YAJL_IS_TRUE(jget(h, "empty_layer")))
			continue;
		if (cb != NULL)
			img->layers[li].created_by = xstrdup(cb);
		li++;
	}
	r = 0;
out:
	yajl_tree_free(cfg);
	return r;
}

/* ---- merging the layers ------------------------------------------------- */

static int
node_cmp(const void *va, const void *vb)
{
	const struct node *a = va, *b = vb;
	int d = strcmp(a->path, b->path);

	if (d != 0)
		return d;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* First node whose path is >= key (strcmp order). */
static size_t
node_lower(const struct merged *m, const char *key)
{
	size_t lo = 0, hi = m->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(m->v[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct node *
node_find(const struct merged *m, const char *path)
{
	size_t i = node_lower(m, path);

	if (i < m->n && strcmp(m->v[i].path, path) == 0)
		return &m->v[i];
	return NULL;
}

/* Marks dead the node at path (self) and/or those under it (tree). */
static void
merged_delete(struct merged *m, const char *path, int self, int tree, struct sb *tmp)
{
	size_t i;

	if (self)
		for (i = node_lower(m, path); i < m->n && strcmp(m->v[i].path, path) == 0; i++)
			m->v[i].dead = 1;
	if (!tree)
		return;
	if (path[0] == '\0') {
		for (i = 0; i < m->n; i++)
			m->v[i].dead = 1;
		return;
	}
	sb_reset(tmp);
	sb_adds(tmp, path);
	sb_addc(tmp, '/');
	for (i = node_lower(m, tmp->s); i < m->n &&
	    strncmp(m->v[i].path, tmp->s, tmp->len) == 0; i++)
		m->v[i].dead = 1;
}

/*
 * Applies one layer: its deletions to the lower layers' nodes, then its files
 * and links, the last of a path winning. m stays sorted by path: deletions
 * only remove, and the layer's additions are sorted on their own and merged
 * in, so a layer costs O(nodes + additions log additions).
 */
static void
merge_layer(struct merged *m, const struct blob *b, int layer, struct sb *tmp)
{
	const struct kept *k;
	struct node *add = NULL, *out;
	size_t i, j, o, nadd = 0;
	int d;

	for (i = 0; i < b->nkept; i++) {
		k = &b->kept[i];
		if (k->kind == K_DEL_TREE)
			merged_delete(m, k->path, 1, 1, tmp);
		else if (k->kind == K_DEL_SELF)
			merged_delete(m, k->path, 1, 0, tmp);
		else if (k->kind == K_OPAQUE)
			merged_delete(m, k->path, 0, 1, tmp);
		else
			nadd++;
	}
	for (i = o = 0; i < m->n; i++)
		if (!m->v[i].dead)
			m->v[o++] = m->v[i];
	m->n = o;
	if (nadd == 0)
		return;
	add = xreallocarray(NULL, nadd, sizeof(*add));
	for (i = j = 0; i < b->nkept; i++) {
		k = &b->kept[i];
		if (k->kind != K_FILE && k->kind != K_SYMLINK && k->kind != K_HARDLINK)
			continue;
		add[j].path = k->path;
		add[j].kind = k->kind;
		add[j].data = k->data;
		add[j].len = k->len;
		add[j].layer = layer;
		add[j].ord = m->ord++;
		add[j].dead = 0;
		j++;
	}
	qsort(add, nadd, sizeof(*add), node_cmp);
	for (i = o = 0; i < nadd; i++) {	/* the last entry of a path wins */
		if (i + 1 < nadd && strcmp(add[i].path, add[i + 1].path) == 0)
			continue;
		add[o++] = add[i];
	}
	nadd = o;
	out = xreallocarray(NULL, m->n + nadd, sizeof(*out));
	for (i = j = o = 0; i < m->n || j < nadd;) {
		if (i == m->n)
			d = 1;
		else if (j == nadd)
			d = -1;
		else
			d = strcmp(m->v[i].path, add[j].path);
		if (d < 0)
			out[o++] = m->v[i++];
		else {
			if (d == 0)
				i++;	/* replaced by this layer */
			out[o++] = add[j++];
		}
	}
	free(m->v);
	free(add);
	m->v = out;
	m->n = o;
	m->cap = m->n;
}

/* ---- symlinks and the final files ---------------------------------------- */

/*
 * Resolves path inside the image root against the merged nodes, following
 * symlinks in every component (the last one too; ".." stops at the root).
 * *res gets the resolved path and *ndp its node (a file or an unresolved hard
 * link) or NULL when nothing is there. Returns -1 when the path cannot be
 * resolved: symlinks loop (IMAGE_MAX_SYMLINK_HOPS), the path grows past
 * IMAGE_MAX_PATH, or a file is used as a directory.
 */
static int
resolve(const struct merged *m, const char *path, struct sb *res, const struct node **ndp)
{
	struct sb rest = SB_INIT, next = SB_INIT;
	const struct node *nd = NULL;
	const char *p, *e;
	size_t hops = 0, n;
	int ok = 0;

	sb_reset(res);
	sb_add(res, "", 0);
	sb_adds(&rest, path);
	for (;;) {
		p = rest.s;
		while (*p == '/')
			p++;
		if (*p == '\0') {
			ok = 1;
			break;
		}
		for (e = p; *e && *e != '/'; e++)
			;
		n = (size_t)(e - p);
		if (n == 1 && p[0] == '.') {
			memmove(rest.s, e, strlen(e) + 1);
			rest.len = strlen(rest.s);
			continue;
		}
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			res->len = dir_len(res->s);
			res->s[res->len] = '\0';
			memmove(rest.s, e, strlen(e) + 1);
			rest.len = strlen(rest.s);
			continue;
		}
		if (res->len > 0)
			sb_addc(res, '/');
		sb_add(res, p, n);
		memmove(rest.s, e, strlen(e) + 1);
		rest.len = strlen(rest.s);
		if (res->len > IMAGE_MAX_PATH)
			break;
		nd = node_find(m, res->s);
		if (nd != NULL && nd->kind == K_SYMLINK) {
			if (++hops > IMAGE_MAX_SYMLINK_HOPS)
				break;
			/* continue from the link's directory with target + rest */
			res->len = dir_len(res->s);
			res->s[res->len] = '\0';
			if (nd->data[0] == '/') {
				res->len = 0;
				res->s[0] = '\0';
			}
			sb_reset(&next);
			sb_add(&next, (const char *)nd->data, nd->len);
			sb_addc(&next, '/');
			sb_add(&next, rest.s, rest.len);
			if (next.len > 2 * IMAGE_MAX_PATH)
				break;
			sb_reset(&rest);
			sb_add(&rest, next.s, next.len);
			nd = NULL;
			continue;
		}
		if (nd != NULL && rest.s[strspn(rest.s, "/")] != '\0')
			break;	/* a file used as a directory */
	}
	sb_free(&rest);
	sb_free(&next);
	*ndp = ok ? node_find(m, res->s) : NULL;
	return ok ? 0 : -1;
}

struct finals {
	struct image_file *v;
	size_t n, cap;
	struct wantset extra;
	int extra_err;
};

static void
final_add(struct finals *f, const char *path, const struct node *nd)
{
	struct image_file *x;

	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 16;
		f->v = xreallocarray(f->v, f->cap, sizeof(*f->v));
	}
	x = &f->v[f->n++];
	x->path = xstrdup(path);
	x->data = xmalloc(nd->len + 1);
	memcpy(x->data, nd->data, nd->len);
	x->data[nd->len] = '\0';
	x->len = nd->len;
	x->layer = nd->layer;
}

static void
extra_add(struct ctx *c, struct finals *f, const char *path, int dir)
{
	struct sb b = SB_INIT;

	sb_adds(&b, path);
	if (dir)
		sb_addc(&b, '/');
	if (want_add(c, &f->extra, b.s) != 0)
		f->extra_err = 1;
	sb_free(&b);
}

/* The file at the wanted path `as`, found at `path` (symlinks followed). */
static void
final_file(struct ctx *c, const struct wantset *ws, const struct merged *m,
    struct finals *f, const char *as, const char *path, struct sb *res)
{
	const struct node *nd;

	if (resolve(m, path, res, &nd) != 0)
		return;	/* the file does not exist */
	if (nd != NULL && nd->kind == K_FILE)
		final_add(f, as, nd);
	else if (nd != NULL && nd->kind == K_HARDLINK) {
		if (!is_wanted(ws, (const char *)nd->data))
			extra_add(c, f, (const char *)nd->data, 0);
	} else if (nd == NULL && res->len > 0 && !is_wanted(ws, res->s))
		extra_add(c, f, res->s, 0);
}

static int
file_cmp(const void *va, const void *vb)
{
	const struct image_file *a = va, *b = vb;

	return path_cmp(a->path, b->path);
}

static void
finals_free(struct finals *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	want_free(&f->extra);
	memset(f, 0, sizeof(*f));
}

/*
 * Fills img->files from the merged nodes for the caller's wanted paths (orig);
 * targets outside ws go to f->extra for another walk.
 */
static void
collect(struct ctx *c, const struct wantset *orig, const struct wantset *ws,
    const struct merged *m, struct finals *f)
{
	struct sb res = SB_INIT, dir = SB_INIT, child = SB_INIT, as = SB_INIT;
	const struct node *nd;
	size_t i, j;

	for (i = 0; i < orig->n; i++) {
		const struct want *w = &orig->v[i];

		if (!w->dir) {
			final_file(c, ws, m, f, w->path, w->path, &res);
			continue;
		}
		if (resolve(m, w->path, &dir, &nd) != 0 || nd != NULL || dir.len == 0)
			continue;	/* unresolvable, or a file: no directory there */
		if (!is_wanted_dir(ws, dir.s)) {
			extra_add(c, f, dir.s, 1);
			continue;
		}
		sb_addc(&dir, '/');
		for (j = node_lower(m, dir.s); j < m->n &&
		    strncmp(m->v[j].path, dir.s, dir.len) == 0; j++) {
			const char *name = m->v[j].path + dir.len;

			if (strchr(name, '/') != NULL)
				continue;
			sb_reset(&as);
			sb_adds(&as, w->path);
			sb_addc(&as, '/');
			sb_adds(&as, name);
			sb_reset(&child);
			sb_adds(&child, m->v[j].path);
			final_file(c, ws, m, f, as.s, child.s, &res);
		}
	}
	sb_free(&res);
	sb_free(&dir);
	sb_free(&child);
	sb_free(&as);
}

/* ---- putting it together ------------------------------------------------ */

static int
assemble(struct scan *s, const struct wantset *orig, struct image *img, struct finals *f)
{
	struct plan p;
	struct merged m;
	struct sb tmp = SB_INIT;
	char hex[65];
	size_t i, n;
	int r;

	memset(&p, 0, sizeof(p));
	memset(&m, 0, sizeof(m));
	if (blob_find(s, "manifest.json") != NULL)
		r = plan_docker(s, &p);
	else if (blob_find(s, "index.json") != NULL)
		r = plan_oci(s, &p);
	else
		r = ctx_err(s->c, E_FORMAT, "no manifest.json or index.json: not an image archive");
	if (r != 0)
		goto out;
	if ((r = apply_config(s, &p, img)) != 0)
		goto out;
	hex32(s->arch_digest, hex);
	img->archive_sha256 = xstrdup(hex);
	img->tags = p.tags;
	p.tags = NULL;
	for (i = 0; i < p.nlayers; i++)
		merge_layer(&m, p.layers[i], (int)i, &tmp);
	collect(s->c, orig, s->ws, &m, f);
	if (f->extra_err) {
		r = E_LIMIT;
		goto out;
	}
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), file_cmp);
	for (i = n = 0; i < f->n; i++) {	/* a path wanted twice */
		if (n > 0 && strcmp(f->v[n - 1].path, f->v[i].path) == 0) {
			free(f->v[i].path);
			free(f->v[i].data);
			continue;
		}
		f->v[n++] = f->v[i];
	}
	f->n = n;
	r = 0;
out:
	plan_free(&p);
	free(m.v);
	sb_free(&tmp);
	return r;
}

void
image_free(struct image *img)
{
	size_t i;

	if (img == NULL)
		return;
	free(img->archive_sha256);
	free(img->config_digest);
	for (i = 0; img->tags && img->tags[i]; i++)
		free(img->tags[i]);
	free(img->tags);
	for (i = 0; i < img->nlayers; i++) {
		free(img->layers[i].digest);
		free(img->layers[i].created_by);
	}
	free(img->layers);
	for (i = 0; i < img->nfiles; i++) {
		free(img->files[i].path);
		free(img->files[i].data);
	}
	free(img->files);
	free(img);
}

int
image_open(struct ctx *c, const char *path, const char *const *want, struct image **out)
{
	struct wantset orig, ws;
	struct scan s;
	struct finals f;
	struct image *img = NULL;
	uint8_t first_digest[32];
	size_t i, pass;
	int r = E_INTERNAL;

	*out = NULL;
	memset(&orig, 0, sizeof(orig));
	memset(&ws, 0, sizeof(ws));
	memset(&s, 0, sizeof(s));
	memset(&f, 0, sizeof(f));
	s.fd = -1;
	if (sodium_init() < 0) {
		r = ctx_err(c, E_INTERNAL, "sodium_init failed");
		goto out;
	}
	for (i = 0; want && want[i]; i++)
		if ((r = want_add(c, &orig, want[i])) != 0 || (r = want_add(c, &ws, want[i])) != 0)
			goto out;
	for (pass = 0;; pass++) {
		s.c = c;
		s.ws = &ws;
		if ((r = scan_archive(&s, path)) != 0)
			goto out;
		if (pass == 0)
			memcpy(first_digest, s.arch_digest, sizeof(first_digest));
		else if (memcmp(first_digest, s.arch_digest, sizeof(first_digest)) != 0) {
			r = ctx_err(c, E_VERIFY, "archive changed while being read");
			goto out;
		}
		img = xcalloc(1, sizeof(*img));
		if ((r = assemble(&s, &orig, img, &f)) != 0)
			goto out;
		if (f.extra.n == 0)
			break;
		if (pass + 1 == IMAGE_MAX_PASSES) {
			r = ctx_err(c, E_LIMIT, "links need more than IMAGE_MAX_PASSES (%d) walks "
			    "of the archive", IMAGE_MAX_PASSES);
			goto out;
		}
		for (i = 0; i < f.extra.n; i++) {
			struct sb d = SB_INIT;

			sb_adds(&d, f.extra.v[i].path);
			if (f.extra.v[i].dir)
				sb_addc(&d, '/');
			r = want_add(c, &ws, d.s);
			sb_free(&d);
			if (r != 0)
				goto out;
		}
		finals_free(&f);
		image_free(img);
		img = NULL;
		scan_free(&s);
	}
	img->files = f.v;
	img->nfiles = f.n;
	f.v = NULL;
	f.n = 0;
	*out = img;
	img = NULL;
	r = 0;
out:
	if (r != 0)
		ctx_prefix(c, "%s", path);
	image_free(img);
	finals_free(&f);
	scan_free(&s);
	want_free(&orig);
	want_free(&ws);
	return r;
}

static ssize_t
file_find(const struct image *img, const char *path)
{
	size_t lo = 0, hi = img->nfiles, mid;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = path_cmp(img->files[mid].path, path);
		if (d == 0)
			return (ssize_t)mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1 - (ssize_t)lo;
}

const struct image_file *
image_file(const struct image *img, const char *path)
{
	ssize_t i;

	if (img == NULL || path == NULL)
		return NULL;
	i = file_find(img, path);
	return i >= 0 ? &img->files[i] : NULL;
}

size_t
image_dir(const struct image *img, const char *dir, size_t *first)
{
	struct sb key = SB_INIT;
	size_t dl = strlen(dir), i, n = 0;
	ssize_t at;

	*first = 0;
	if (img == NULL)
		return 0;
	while (dl > 0 && dir[dl - 1] == '/')
		dl--;
	/* the smallest path inside dir: "dir/" + "" sorts before every "dir/NAME" */
	sb_add(&key, dir, dl);
	sb_addc(&key, '/');
	at = file_find(img, key.s);
	i = at >= 0 ? (size_t)at : (size_t)(-1 - at);
	*first = i;
	while (i + n < img->nfiles && dir_len(img->files[i + n].path) == dl &&
	    strncmp(img->files[i + n].path, key.s, key.len) == 0)
		n++;
	sb_free(&key);
	return n;
}
