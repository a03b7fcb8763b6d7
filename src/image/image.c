/*
 * image.c - a container image reduced to a few files, in one read.
 *
 * Formats: the legacy docker-archive (`docker save` before 25, `podman save`:
 * manifest.json [{Config, RepoTags, Layers}]), Docker 25+ archives (the same
 * manifest.json over an OCI layout), OCI archives (index.json -> manifest ->
 * config and layers) and OCI layout directories. The outer archive may itself
 * be gzip/bzip2/xz/zstd compressed; so may each layer (detected by magic, not
 * by name or media type).
 *
 * Three ways to read, one read of each byte in all of them:
 *  - stream (the default for archives, and the only way for standard input
 *    or a compressed archive): one libarchive reader walks the outer tar
 *    through our own callback, so the archive's sha256 is computed over exactly
 *    the bytes read. Small JSON entries are kept in memory; every other regular
 *    entry is read as a layer as it comes (entry order in an archive is not
 *    fixed: results are kept per entry name, and the manifest, read at the end,
 *    says which entries are the image's layers and in which order).
 *  - index (fast, on a seekable uncompressed archive): the outer tar's headers
 *    are walked seeking over the data; the manifest picks the layers, which
 *    are then read in order from their offsets. Uncompressed layers are read
 *    in small blocks, seeking over the data of every file not wanted, so the
 *    bytes read are about the tar headers plus the wanted files.
 *  - directory (an OCI layout): index.json, manifests and configs are read as
 *    needed, then the layers in order, each from its blob file.
 * Reading a layer: a compressed one goes through a "raw" reader that only
 * undoes compression, then a tar reader; an uncompressed one straight to the
 * tar reader. Unless fast, the uncompressed bytes are hashed (the diff_id).
 *
 * From each layer we keep only entries at relevant paths: wanted files,
 * symlinks at wanted paths or their ancestors, and the deletions (whiteouts
 * .wh.NAME, opaque markers .wh..wh..opq, a non-directory replacing a directory)
 * that can remove a wanted file. A kept symlink makes its target wanted from
 * then on. Each layer also leaves a fixed-size summary (a Bloom filter) of its
 * entry paths, so that a target that became wanted only after a layer was read
 * can be checked against that layer: only when the summary says the layer may
 * hold it is the layer read again (by offset when the input allows it).
 *
 * Once the layers are read, each is checked against its diff_id and the layers
 * are applied in order; after each one the wanted files are collected (the
 * layer views, for attribution), the last being the image's files. Symlinks
 * are resolved inside the image root.
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
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/sb.h"
#include "base/xmalloc.h"
#include "image/image.h"

#define IMAGE_MAX_LAYERS		256	/* layers of one image */
#define IMAGE_MAX_IMAGES		1024	/* images (manifests) listed in one archive */
#define IMAGE_MAX_ARCHIVE_ENTRIES	65536	/* entries of the outer archive */
#define IMAGE_MAX_LAYER_ENTRIES		(4 * 1024 * 1024)	/* entries of one layer */
#define IMAGE_MAX_LAYER_BYTES		((uint64_t)64 << 30)	/* one layer, uncompressed */
#define IMAGE_MAX_RATIO			200	/* uncompressed / compressed bytes of a layer, */
#define IMAGE_RATIO_FLOOR		((uint64_t)256 << 20)	/* checked past this size */
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
#define IMAGE_MAX_NEEDS			65536	/* paths the link resolution looked at */
#define IMAGE_MAX_PASSES		3	/* reads of a layer */
#define IMAGE_MAX_SUMMARIES		((size_t)32 * 1024 * 1024)	/* bytes of all
							 * layer summaries */

#define READ_CHUNK	(128 * 1024)
#define INDEX_CHUNK	(16 * 1024)	/* outer reads when its data is seeked over */
#define SKIM_CHUNK	512	/* layer reads right after a seek: a header or two */
#define PEEK_BYTES	512
#define FILTER_BITS	((size_t)1 << 20)	/* one layer's summary */
#define FILTER_BYTES	(FILTER_BITS / 8)
#define FILTER_PROBES	3
#define MIN_REF_HEX	4	/* digits of a digest prefix in --image */
#define LIST_REFS	8	/* images named in an error message */

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
	B_LAYER,	/* a tar stream: kept[] and (hashed) sha of the uncompressed tar */
	B_BAD,		/* a tar stream that failed part-way (err, err_code) */
	B_LINK,		/* a symlink or hard link in the outer archive: link */
	B_PENDING,	/* not read yet (index and directory reads): off, size */
};

/* One entry of the outer archive (or one file of a layout directory). */
struct blob {
	char *name;		/* normalised path in the outer archive */
	size_t seq;		/* order in the archive: the last of a name wins */
	size_t entry;		/* index of its entry in the archive */
	enum blob_kind kind;
	uint64_t size;
	int64_t off;		/* offset of its data in the archive, -1 unknown */
	int looks_json;		/* starts with '{' or '[' */
	uint8_t *json;		/* B_JSON, NUL-terminated */
	size_t json_len;
	uint8_t sha[32];	/* B_JSON: of the bytes; B_LAYER: of the uncompressed tar */
	int hashed;		/* B_LAYER: sha was computed */
	struct kept *kept;
	size_t nkept, capkept;
	size_t kept_bytes;
	uint8_t *filter;	/* summary of the layer's paths, or NULL: anything */
	size_t walk;		/* number of the layer read that filled kept, 0 none */
	int reread;		/* must be read again */
	int mark;		/* scratch */
	char *link;
	char *err;
	int err_code;
};

struct want {
	char *path;		/* normalised, without a trailing '/' */
	size_t len;
	int dir;		/* "path/": direct children are wanted */
	size_t since;		/* the layer read during which it became wanted (0: before) */
	int dirty;		/* that read had seen entries that may bear on it */
	int dirty_d;		/* ... or directory entries at it or its ancestors */
};

struct wantset {
	struct want v[IMAGE_MAX_WANT];
	size_t n;
};

enum mode {
	M_STREAM,	/* one sequential walk of the archive */
	M_INDEX,	/* headers first, then the layers by offset */
	M_DIR,		/* an OCI layout directory */
};

/*
 * SHA-256, in one place: libsodium's is portable C (about 220 MB/s a core
 * here); with both the archive and the layer digests, it is most of the cost
 * of a default read (bench/README.md).
 */
typedef crypto_hash_sha256_state sha_state;

static void
sha_init(sha_state *st)
{
	crypto_hash_sha256_init(st);
}

static void
sha_update(sha_state *st, const void *p, size_t n)
{
	crypto_hash_sha256_update(st, p, (unsigned long long)n);
}

static void
sha_final(sha_state *st, uint8_t out[32])
{
	crypto_hash_sha256_final(st, out);
}

static void
sha_once(uint8_t out[32], const void *p, size_t n)
{
	crypto_hash_sha256(out, p, (unsigned long long)n);
}

/* One read of an image. */
struct scan {
	struct ctx *c;
	struct wantset *ws;
	int fast;
	enum mode mode;
	int fd;			/* the archive */
	int dirfd;		/* the layout directory */
	int seekable;		/* fd is a regular file */
	int is_stdin;
	off_t base;		/* offset of the archive's first byte in fd */
	uint64_t fsize;
	int plain;		/* the outer archive is not compressed */
	int hash_archive;
	sha_state arch_sha;
	uint8_t arch_digest[32];
	int have_digest;
	size_t outer_chunk;
	uint8_t *rbuf, *fbuf, *lbuf;
	struct blob **blobs;
	size_t nblobs, capblobs;
	int sorted;		/* blobs sorted by name, then seq */
	size_t kept_bytes, kept_entries, filter_bytes;
	size_t walk;		/* layer reads so far */
	size_t entry;		/* index of the outer entry being read */
	int rewalk;		/* walking the archive again for blobs marked reread */
	int fatal;		/* the error in c is not a layer's own */
	int read_errno;		/* read(2) of the archive failed with it */
};

/*
 * Where a layer's bytes come from: the outer archive's current entry, or a
 * window [pos, end) of a file read with pread(2). The bytes already peeked are
 * given out first.
 */
struct lsrc {
	struct scan *s;
	struct archive *outer;
	int fd;
	uint64_t pos, end;
	size_t chunk;		/* next window read; small after a seek */
	const uint8_t *peek;
	size_t npeek;
	int peeked;
	sha_state *sha;		/* hash what is given out, or NULL */
	uint64_t given;
	int failed;		/* the archive or the file failed: fatal */
	int read_errno;
};

/* The raw (decompressing) reader, read by the tar reader. */
struct lay {
	struct scan *s;
	struct archive *raw;
	struct lsrc *src;	/* for the compression ratio */
	sha_state *sha;
	uint64_t bytes;
	int limit;		/* 1: IMAGE_MAX_LAYER_BYTES, 2: IMAGE_MAX_RATIO */
};

/* A file, symlink or unresolved hard link of the merged filesystem. */
struct node {
	const char *path;	/* borrowed from a blob's kept[] */
	enum kept_kind kind;
	uint8_t *data;
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

/* A path the link resolution looked at: it must have been wanted everywhere. */
struct need {
	char *path;
	int dir;
};

struct needs {
	struct need *v;
	size_t n, cap;
	int overflow;
};

struct image_priv {
	struct blob **blobs;	/* the bytes every view's files point into */
	size_t nblobs;
	struct image **views;	/* views[nlayers - 1] is the image itself */
	size_t nviews;
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

static int
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* "sha256:" + 64 lowercase hex digits. */
static int
digest_ok(const char *d)
{
	return d != NULL && strncmp(d, "sha256:", 7) == 0 && strlen(d) == 7 + 64 &&
	    is_hex(d + 7, 64);
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

static ssize_t
want_find(const struct wantset *ws, const char *path, int dir)
{
	size_t i;

	for (i = 0; i < ws->n; i++)
		if (ws->v[i].dir == dir && strcmp(ws->v[i].path, path) == 0)
			return (ssize_t)i;
	return -1;
}

/* Appends a normalised path; -1 when the set is full. */
static ssize_t
want_push(struct wantset *ws, const char *path, int dir, size_t since)
{
	struct want *w;

	if (ws->n == IMAGE_MAX_WANT)
		return -1;
	w = &ws->v[ws->n];
	memset(w, 0, sizeof(*w));
	w->path = xstrdup(path);
	w->len = strlen(path);
	w->dir = dir;
	w->since = since;
	return (ssize_t)ws->n++;
}

static int
want_add(struct ctx *c, struct wantset *ws, const char *path)
{
	struct sb b = SB_INIT;
	size_t n = strlen(path);
	int dir = n > 0 && path[n - 1] == '/', r = 0;

	if (path_norm(path, 0, &b) != 0 || b.len == 0)
		r = ctx_err(c, E_USAGE, "bad wanted path '%s'", path);
	else if (want_find(ws, b.s, dir) < 0 && want_push(ws, b.s, dir, 0) < 0)
		r = ctx_err(c, E_LIMIT, "more than IMAGE_MAX_WANT (%d) wanted paths",
		    IMAGE_MAX_WANT);
	sb_free(&b);
	return r;
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

/* ---- layer summaries ------------------------------------------------------ */

/*
 * A layer's summary is a Bloom filter of tagged paths: 'E' a non-directory
 * entry, 'D' a directory entry, 'W' the path a whiteout deletes, 'O' a
 * directory made opaque, 'C' a directory with an entry directly inside it.
 * False positives only cost another read of the layer.
 */
static uint64_t
fhash(int tag, const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	h = (h ^ (uint8_t)tag) * 0x100000001b3ULL;
	for (i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 0x100000001b3ULL;
	/* FNV-1a mixes the high bits poorly: finish with a 64-bit avalanche */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static void
filter_set(uint8_t *bits, int tag, const char *p, size_t n)
{
	uint64_t h = fhash(tag, p, n), h1 = h & 0xffffffffu, h2 = (h >> 32) | 1;
	size_t i, bit;

	if (bits == NULL)
		return;
	for (i = 0; i < FILTER_PROBES; i++) {
		bit = (size_t)((h1 + i * h2) % FILTER_BITS);
		bits[bit / 8] |= (uint8_t)(1u << (bit % 8));
	}
}

static int
filter_has(const uint8_t *bits, int tag, const char *p, size_t n)
{
	uint64_t h = fhash(tag, p, n), h1 = h & 0xffffffffu, h2 = (h >> 32) | 1;
	size_t i, bit;

	for (i = 0; i < FILTER_PROBES; i++) {
		bit = (size_t)((h1 + i * h2) % FILTER_BITS);
		if (!(bits[bit / 8] & (1u << (bit % 8))))
			return 0;
	}
	return 1;
}

/* Sorted paths of the non-directories kept from any layer. */
struct pathset {
	const char **v;
	size_t n;
};

static int
pathset_has(const struct pathset *ps, const char *p, size_t n)
{
	size_t lo = 0, hi = ps->n, mid;
	int d;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		d = strncmp(ps->v[mid], p, n);
		if (d == 0 && ps->v[mid][n] != '\0')
			d = 1;
		if (d == 0)
			return 1;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* A directory entry at p matters only over a non-directory kept at p. */
static int
dterm(const uint8_t *bits, const char *p, size_t n, const struct pathset *nondirs)
{
	if (!filter_has(bits, 'D', p, n))
		return 0;
	if (nondirs == NULL)
		return 2;
	return pathset_has(nondirs, p, n);
}

/*
 * May the layer summarised by bits hold an entry bearing on path (a wanted
 * file, or with dir a wanted directory's entries)? 1 yes, 0 no; with nondirs
 * NULL, 2 when only directory entries at path or its ancestors may.
 */
static int
probe(const uint8_t *bits, const char *path, int dir, const struct pathset *nondirs)
{
	size_t n = strlen(path), i;
	int r;

	if (bits == NULL)
		return 1;
	if (filter_has(bits, 'E', path, n) || filter_has(bits, 'W', path, n))
		return 1;
	if (dir && (filter_has(bits, 'C', path, n) || filter_has(bits, 'O', path, n)))
		return 1;
	r = dterm(bits, path, n, nondirs);
	for (i = n; i-- > 0;) {
		if (path[i] != '/')
			continue;
		if (filter_has(bits, 'E', path, i) || filter_has(bits, 'W', path, i) ||
		    filter_has(bits, 'O', path, i))
			return 1;
		r |= dterm(bits, path, i, nondirs);
	}
	if (filter_has(bits, 'O', path, 0))
		return 1;
	return r;
}

/* ---- blobs -------------------------------------------------------------- */

static void
blob_clear_kept(struct scan *s, struct blob *b)
{
	size_t i;

	for (i = 0; i < b->nkept; i++) {
		free(b->kept[i].path);
		free(b->kept[i].data);
	}
	if (s != NULL) {
		s->kept_bytes -= b->kept_bytes;
		s->kept_entries -= b->nkept;
	}
	free(b->kept);
	b->kept = NULL;
	b->nkept = b->capkept = 0;
	b->kept_bytes = 0;
}

static void
blob_free(struct blob *b)
{
	if (b == NULL)
		return;
	blob_clear_kept(NULL, b);
	free(b->name);
	free(b->json);
	free(b->filter);
	free(b->link);
	free(b->err);
	free(b);
}

static void
scan_free(struct scan *s)
{
	size_t i;

	for (i = 0; i < s->nblobs; i++)
		blob_free(s->blobs[i]);
	free(s->blobs);
	free(s->rbuf);
	free(s->fbuf);
	free(s->lbuf);
	if (s->fd != -1 && !s->is_stdin)
		close(s->fd);
	if (s->dirfd != -1)
		close(s->dirfd);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	s->dirfd = -1;
}

static struct blob *
blob_new(struct scan *s, const char *name)
{
	struct blob *b;

	if (s->nblobs == s->capblobs) {
		s->capblobs = s->capblobs ? s->capblobs * 2 : 32;
		s->blobs = xreallocarray(s->blobs, s->capblobs, sizeof(*s->blobs));
	}
	b = xcalloc(1, sizeof(*b));
	b->name = xstrdup(name);
	b->off = -1;
	b->seq = s->nblobs;
	b->entry = s->entry;
	s->blobs[s->nblobs++] = b;
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
		s->kept_entries--;
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
kept_reserve(struct scan *s, struct blob *b, size_t n)
{
	if (n > IMAGE_MAX_KEPT - s->kept_bytes)
		return fatal(s, E_LIMIT, "kept data exceeds IMAGE_MAX_KEPT (%zu bytes)",
		    IMAGE_MAX_KEPT);
	s->kept_bytes += n;
	b->kept_bytes += n;
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

/* Magic bytes of the compressions the raw reader undoes. */
static int
is_compressed(const uint8_t *p, size_t n)
{
	static const uint8_t xz[6] = { 0xfd, '7', 'z', 'X', 'Z', 0 };

	return (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	    (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) ||
	    (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h') ||
	    (n >= 6 && memcmp(p, xz, 6) == 0);
}

static la_ssize_t
outer_read(struct archive *a, void *v, const void **buf)
{
	struct scan *s = v;
	ssize_t n;

	do
		n = read(s->fd, s->rbuf, s->outer_chunk);
	while (n == -1 && errno == EINTR);
	if (n < 0) {
		s->read_errno = errno;
		archive_set_error(a, errno, "read");
		return -1;
	}
	if (s->hash_archive)
		sha_update(&s->arch_sha, s->rbuf, (size_t)n);
	*buf = s->rbuf;
	return n;
}

/* Seeks over outer data nobody reads (never when the archive is hashed). */
static la_int64_t
outer_skip(struct archive *a, void *v, la_int64_t req)
{
	struct scan *s = v;
	off_t cur;

	(void)a;
	if (req <= 0 || (cur = lseek(s->fd, 0, SEEK_CUR)) == -1 || (uint64_t)cur >= s->fsize)
		return 0;
	if ((uint64_t)req > s->fsize - (uint64_t)cur)
		req = (la_int64_t)(s->fsize - (uint64_t)cur);
	if (lseek(s->fd, (off_t)req, SEEK_CUR) == -1)
		return 0;
	return req;
}

/* The next bytes of a layer: > 0, 0 at its end, -1 (f->failed) on error. */
static la_ssize_t
src_next(struct lsrc *f, const void **buf)
{
	la_ssize_t n;
	ssize_t got;
	size_t want;

	if (!f->peeked) {
		f->peeked = 1;
		if (f->npeek > 0) {
			n = (la_ssize_t)f->npeek;
			*buf = f->peek;
			goto give;
		}
	}
	if (f->outer != NULL) {
		n = archive_read_data(f->outer, f->s->fbuf, READ_CHUNK);
		if (n < 0) {
			f->failed = 1;
			return -1;
		}
	} else {
		want = f->chunk;
		if ((uint64_t)want > f->end - f->pos)
			want = (size_t)(f->end - f->pos);
		n = 0;
		while ((size_t)n < want) {
			got = pread(f->fd, f->s->fbuf + n, want - (size_t)n,
			    (off_t)(f->pos + (uint64_t)n));
			if (got == -1 && errno == EINTR)
				continue;
			if (got < 0) {
				f->failed = 1;
				f->read_errno = errno;
				return -1;
			}
			if (got == 0)
				break;
			n += got;
		}
		f->pos += (uint64_t)n;
		if (f->chunk < READ_CHUNK)
			f->chunk *= 2;	/* reading on: a wanted file, or many small ones */
	}
	*buf = f->s->fbuf;
give:
	if (f->sha != NULL)
		sha_update(f->sha, *buf, (size_t)n);
	f->given += (uint64_t)n;
	return n;
}

static la_ssize_t
src_read(struct archive *a, void *v, const void **buf)
{
	struct lsrc *f = v;
	la_ssize_t n = src_next(f, buf);

	if (n < 0)
		archive_set_error(a, EIO, "%s", f->outer == NULL ? strerror(f->read_errno) :
		    archive_error_string(f->outer) ? archive_error_string(f->outer) : "read");
	return n;
}

/* A window seeks: over the data of a file we do not want. */
static la_int64_t
src_skip(struct archive *a, void *v, la_int64_t req)
{
	struct lsrc *f = v;

	(void)a;
	if (req <= 0 || !f->peeked)
		return 0;
	if ((uint64_t)req > f->end - f->pos)
		req = (la_int64_t)(f->end - f->pos);
	f->pos += (uint64_t)req;
	f->given += (uint64_t)req;
	f->chunk = SKIM_CHUNK;
	return req;
}

static int
lay_limits(struct lay *l, la_ssize_t n)
{
	if (ckd_add(&l->bytes, l->bytes, (uint64_t)n) || l->bytes > IMAGE_MAX_LAYER_BYTES) {
		l->limit = 1;
		return -1;
	}
	if (l->bytes > IMAGE_RATIO_FLOOR &&
	    l->bytes / IMAGE_MAX_RATIO > (l->src->given ? l->src->given : 1)) {
		l->limit = 2;
		return -1;
	}
	return 0;
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
	if (lay_limits(l, n) != 0) {
		archive_set_error(a, EIO, "layer limit");
		return -1;
	}
	if (l->sha != NULL)
		sha_update(l->sha, l->s->lbuf, (size_t)n);
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
read_file(struct scan *s, struct blob *b, struct archive *tar, struct archive_entry *e,
    const char *path, uint8_t **out, size_t *outlen)
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
	if ((r = kept_reserve(s, b, len)) != 0)
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
link_target(struct scan *s, struct blob *b, const char *t, const char *path, uint8_t **out,
    size_t *len)
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
	if ((r = kept_reserve(s, b, n)) != 0)
		return r;
	*out = (uint8_t *)xstrdup(t);
	*len = n;
	return 0;
}

/*
 * A symlink at link (a wanted path, an ancestor of one, or a file in a wanted
 * directory) makes its target wanted for the rest of the read. The summary of
 * the layer so far says whether its earlier entries may have held the target.
 */
static void
grow_wants(struct scan *s, struct blob *b, const char *link, const char *target)
{
	struct sb t = SB_INIT, tn = SB_INIT, nw = SB_INIT;
	struct wantset *ws = s->ws;
	size_t i, n0 = ws->n, ll = strlen(link);
	ssize_t k;
	int dir, p;

	if (target[0] != '/') {
		sb_add(&t, link, dir_len(link));
		sb_addc(&t, '/');
	}
	sb_adds(&t, target);
	if (t.len > 2 * IMAGE_MAX_PATH || path_norm(t.s, 1, &tn) != 0)
		goto out;
	for (i = 0; i < n0; i++) {
		const struct want *w = &ws->v[i];

		dir = w->dir;
		sb_reset(&nw);
		sb_add(&nw, tn.s, tn.len);
		if (w->len == ll && memcmp(w->path, link, ll) == 0)
			;	/* the wanted path itself */
		else if (w->len > ll && memcmp(w->path, link, ll) == 0 && w->path[ll] == '/')
			sb_adds(&nw, w->path + ll + (tn.len == 0));	/* an ancestor */
		else if (w->dir && ll > w->len && memcmp(link, w->path, w->len) == 0 &&
		    link[w->len] == '/' && dir_len(link) == w->len)
			dir = 0;	/* a file of a wanted directory */
		else
			continue;
		if (nw.len == 0 || nw.len > IMAGE_MAX_PATH || want_find(ws, nw.s, dir) >= 0)
			continue;
		if ((k = want_push(ws, nw.s, dir, s->walk)) < 0)
			break;	/* full: the check after the read decides */
		p = probe(b->filter, nw.s, dir, NULL);
		ws->v[k].dirty = p == 1;
		ws->v[k].dirty_d = p == 2;
	}
out:
	sb_free(&t);
	sb_free(&tn);
	sb_free(&nw);
}

static void
note_entry(struct blob *b, int tag, const char *p, size_t n)
{
	filter_set(b->filter, tag, p, n);
	filter_set(b->filter, 'C', p, dir_len(p));
}

static int
layer_entry(struct scan *s, struct blob *b, struct archive *tar, struct archive_entry *e,
    struct sb *np, struct sb *tmp)
{
	const char *name = entry_name(e), *base, *hl, *sl;
	const struct wantset *ws = s->ws;
	uint8_t *data = NULL;
	size_t len = 0, k;
	int wanted, r, isdir;

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

		filter_set(b->filter, 'C', np->s, dl);
		if (strcmp(base, ".wh..wh..opq") == 0) {
			sb_reset(tmp);
			sb_add(tmp, np->s, dl);
			filter_set(b->filter, 'O', tmp->s, tmp->len);
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
		filter_set(b->filter, 'W', tmp->s, tmp->len);
		if (is_wanted(ws, tmp->s) || is_ancestor(ws, tmp->s))
			return kept_add(s, b, tmp->s, K_DEL_TREE, NULL, 0);
		return 0;
	}
	hl = archive_entry_hardlink(e);
	if (hl == NULL)
		hl = archive_entry_hardlink_utf8(e);
	isdir = archive_entry_filetype(e) == AE_IFDIR && hl == NULL;
	note_entry(b, isdir ? 'D' : 'E', np->s, np->len);
	wanted = is_wanted(ws, np->s);
	if (!wanted && !is_ancestor(ws, np->s))
		return 0;
	if (isdir)
		return kept_add(s, b, np->s, K_DEL_SELF, NULL, 0);
	/* a non-directory: whatever was at this path or under it is gone */
	if ((r = kept_add(s, b, np->s, K_DEL_TREE, NULL, 0)) != 0)
		return r;
	if (hl != NULL) {
		if (!wanted)
			return 0;
		if (path_norm(hl, 0, tmp) != 0 || tmp->len == 0)
			return ctx_err(s->c, E_FORMAT, "%s: bad hard link target", name);
		for (k = b->nkept; k-- > 0;)
			if (b->kept[k].kind == K_FILE && strcmp(b->kept[k].path, tmp->s) == 0)
				break;
		if (k != (size_t)-1) {
			len = b->kept[k].len;
			if ((r = kept_reserve(s, b, len)) != 0)
				return r;
			data = xmalloc(len + 1);
			memcpy(data, b->kept[k].data, len + 1);
			return kept_add(s, b, np->s, K_FILE, data, len);
		}
		if ((r = link_target(s, b, tmp->s, name, &data, &len)) != 0)
			return r;
		return kept_add(s, b, np->s, K_HARDLINK, data, len);
	}
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		if (!wanted)
			return 0;
		if ((r = read_file(s, b, tar, e, np->s, &data, &len)) != 0)
			return r;
		return kept_add(s, b, np->s, K_FILE, data, len);
	case AE_IFLNK:
		sl = archive_entry_symlink(e);
		if (sl == NULL)
			sl = archive_entry_symlink_utf8(e);
		if ((r = link_target(s, b, sl, np->s, &data, &len)) != 0)
			return r;
		if ((r = kept_add(s, b, np->s, K_SYMLINK, data, len)) != 0)
			return r;
		grow_wants(s, b, np->s, sl);
		return 0;
	default:
		return 0;	/* device, fifo, socket: deleted, nothing to read */
	}
}

/* Reads what is left of a layer, for its digest. */
static int
layer_drain(struct scan *s, struct lsrc *src, struct archive *raw, struct lay *l)
{
	const void *p;
	la_ssize_t n;

	for (;;) {
		if (raw != NULL) {
			n = archive_read_data(raw, s->lbuf, READ_CHUNK);
			if (n > 0 && lay_limits(l, n) != 0)
				return -1;
			if (n > 0)
				sha_update(l->sha, s->lbuf, (size_t)n);
		} else
			n = src_next(src, &p);	/* hashes */
		if (n <= 0)
			return n < 0 ? -1 : 0;
	}
}

static int
limit_err(struct scan *s, const struct lay *l)
{
	if (l->limit == 1)
		return ctx_err(s->c, E_LIMIT, "larger than IMAGE_MAX_LAYER_BYTES (%llu bytes "
		    "uncompressed)", (unsigned long long)IMAGE_MAX_LAYER_BYTES);
	return ctx_err(s->c, E_LIMIT, "decompresses more than IMAGE_MAX_RATIO (%d) times its "
	    "size", IMAGE_MAX_RATIO);
}

static void
layer_reset(struct scan *s, struct blob *b)
{
	blob_clear_kept(s, b);
	free(b->err);
	b->err = NULL;
	b->err_code = 0;
	b->hashed = 0;
	b->walk = ++s->walk;
	if (b->filter == NULL && s->filter_bytes + FILTER_BYTES <= IMAGE_MAX_SUMMARIES) {
		b->filter = xcalloc(1, FILTER_BYTES);
		s->filter_bytes += FILTER_BYTES;
	} else if (b->filter != NULL)
		memset(b->filter, 0, FILTER_BYTES);
}

/*
 * Reads one blob as a (possibly compressed) tar from src, whose peek holds its
 * first bytes. Returns 0 (b->kind says what it was) or an error; s->fatal says
 * whether that error stops everything, else it is recorded in b.
 */
static int
layer_scan(struct scan *s, struct blob *b, struct lsrc *src)
{
	struct archive *raw = NULL, *tar = NULL;
	struct archive_entry *e;
	sha_state sha;
	struct lay l;
	struct sb np = SB_INIT, tmp = SB_INIT;
	size_t entries = 0;
	int r = E_INTERNAL, ar, hashing = !s->fast, compressed;

	layer_reset(s, b);
	memset(&l, 0, sizeof(l));
	sha_init(&sha);
	compressed = is_compressed(src->peek, src->npeek);
	if ((tar = archive_read_new()) == NULL) {
		r = fatal(s, E_NOMEM, "archive_read_new");
		goto out;
	}
	archive_read_support_format_tar(tar);
	if (compressed) {
		if ((raw = archive_read_new()) == NULL) {
			r = fatal(s, E_NOMEM, "archive_read_new");
			goto out;
		}
		if ((r = support_filters(s, raw)) != 0)
			goto out;
		archive_read_support_format_raw(raw);
		l.s = s;
		l.raw = raw;
		l.src = src;
		l.sha = hashing ? &sha : NULL;
		if (archive_read_open(raw, src, NULL, src_read, NULL) != ARCHIVE_OK ||
		    archive_read_next_header(raw, &e) != ARCHIVE_OK) {
			r = 0;
			goto not_tar;
		}
		archive_read_set_read_callback(tar, lay_read);
		archive_read_set_callback_data(tar, &l);
	} else {
		src->sha = hashing ? &sha : NULL;
		archive_read_set_read_callback(tar, src_read);
		if (!hashing && src->outer == NULL)
			archive_read_set_skip_callback(tar, src_skip);
		archive_read_set_callback_data(tar, src);
	}
	if (archive_read_open1(tar) != ARCHIVE_OK) {
		r = 0;
		goto not_tar;
	}
	for (;;) {
		ar = archive_read_next_header(tar, &e);
		if (ar == ARCHIVE_EOF)
			break;
		if (ar < ARCHIVE_WARN) {
			if (src->failed)
				goto src_failed;
			if (l.limit) {
				r = limit_err(s, &l);
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
			if (src->failed)
				goto src_failed;
			goto out;
		}
	}
	/* the tar reader stops at its end marker: the digest covers the rest too */
	if (hashing && layer_drain(s, src, raw, &l) != 0) {
		if (src->failed)
			goto src_failed;
		if (l.limit) {
			r = limit_err(s, &l);
			goto out;
		}
		r = ctx_err(s->c, E_FORMAT, "%s", raw != NULL ? aerr(raw) : "read");
		goto out;
	}
	if (hashing) {
		sha_final(&sha, b->sha);
		b->hashed = 1;
	}
	b->kind = B_LAYER;
	r = 0;
	goto out;
src_failed:
	if (src->outer != NULL)
		r = fatal(s, E_FORMAT, "%s", aerr(src->outer));
	else {
		errno = src->read_errno;
		r = fatal(s, E_IO, "read: %s", strerror(errno));
	}
	goto out;
not_tar:
	if (src->failed)
		goto src_failed;
	b->kind = B_OTHER;
	b->err_code = E_FORMAT;
	sb_reset(&tmp);
	sb_addf(&tmp, "not a tar archive: %s",
	    aerr(raw != NULL && archive_errno(raw) != 0 ? raw : tar));
	b->err = sb_steal(&tmp);
out:
	src->sha = NULL;
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

/* ---- layout directories --------------------------------------------------- */

/* Opens name (normalised, relative) inside the layout directory, never
 * following a symlink. -1 with errno. */
static int
dir_open(struct scan *s, const char *name)
{
	struct sb part = SB_INIT;
	const char *p = name, *e;
	int fd = s->dirfd, nfd, saved;

	for (;;) {
		e = strchr(p, '/');
		sb_reset(&part);
		sb_add(&part, p, e ? (size_t)(e - p) : strlen(p));
		nfd = openat(fd, part.s, e ? O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC :
		    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		saved = errno;
		if (fd != s->dirfd)
			close(fd);
		if (nfd == -1 || e == NULL)
			break;
		fd = nfd;
		p = e + 1;
	}
	sb_free(&part);
	errno = saved;
	return nfd;
}

static ssize_t
pread_full(int fd, void *buf, size_t n, off_t off)
{
	size_t got = 0;
	ssize_t k;

	while (got < n) {
		k = pread(fd, (uint8_t *)buf + got, n - got, off + (off_t)got);
		if (k == -1 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	return (ssize_t)got;
}

/* The file name of the layout directory as a blob; NULL when absent. */
static struct blob *
dir_blob(struct scan *s, const char *name)
{
	uint8_t peek[PEEK_BYTES];
	struct stat st;
	struct blob *b;
	ssize_t n;
	size_t i;
	int fd;

	if ((fd = dir_open(s, name)) == -1) {
		if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR)
			return NULL;
		b = blob_new(s, name);
		b->kind = B_OTHER;
		b->err_code = E_IO;
		b->err = xstrdup(strerror(errno));
		return b;
	}
	b = blob_new(s, name);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		b->kind = B_OTHER;
		b->err_code = E_FORMAT;
		b->err = xstrdup("not a regular file");
		goto out;
	}
	b->size = (uint64_t)st.st_size;
	b->off = 0;
	if ((n = pread_full(fd, peek, sizeof(peek), 0)) < 0)
		goto io;
	for (i = 0; i < (size_t)n && (peek[i] == ' ' || peek[i] == '\t' || peek[i] == '\n' ||
	    peek[i] == '\r'); i++)
		;
	b->looks_json = i < (size_t)n && (peek[i] == '{' || peek[i] == '[');
	if (!b->looks_json || b->size > IMAGE_MAX_JSON) {
		b->kind = B_PENDING;
		goto out;
	}
	if (kept_reserve(s, b, (size_t)b->size) != 0) {
		b->kind = B_OTHER;
		b->err_code = E_LIMIT;
		b->err = xstrdup(s->c->err);
		goto out;
	}
	b->json = xmalloc((size_t)b->size + 1);
	if (pread_full(fd, b->json, (size_t)b->size, 0) != (ssize_t)b->size)
		goto io;
	b->json[b->size] = '\0';
	b->json_len = (size_t)b->size;
	sha_once(b->sha, b->json, b->json_len);
	b->kind = B_JSON;
	goto out;
io:
	free(b->json);
	b->json = NULL;
	b->kind = B_OTHER;
	b->err_code = E_IO;
	b->err = xstrdup(strerror(errno));
out:
	close(fd);
	return b;
}

/* ---- the outer archive -------------------------------------------------- */

static int
json_read(struct scan *s, struct blob *b, struct archive *outer, const uint8_t *peek,
    size_t npeek)
{
	size_t len = (size_t)b->size, got = npeek;
	la_ssize_t n;
	int r;

	if ((r = kept_reserve(s, b, len)) != 0)
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
	sha_once(b->sha, b->json, len);
	b->kind = B_JSON;
	return 0;
}

/* Reads up to PEEK_BYTES of the current outer entry. */
static int
outer_peek(struct scan *s, struct archive *outer, const char *name, uint8_t *peek,
    size_t *npeek)
{
	la_ssize_t n;

	*npeek = 0;
	while (*npeek < PEEK_BYTES) {
		n = archive_read_data(outer, peek + *npeek, PEEK_BYTES - *npeek);
		if (n < 0)
			return fatal(s, E_FORMAT, "%s: %s", name, aerr(outer));
		if (n == 0)
			break;
		*npeek += (size_t)n;
	}
	return 0;
}

static int
outer_layer(struct scan *s, struct blob *b, struct archive *outer, const uint8_t *peek,
    size_t npeek)
{
	struct lsrc src;

	memset(&src, 0, sizeof(src));
	src.s = s;
	src.outer = outer;
	src.fd = -1;
	src.peek = peek;
	src.npeek = npeek;
	if (layer_scan(s, b, &src) != 0) {
		ctx_prefix(s->c, "%s", b->name);
		return s->c->err_code;
	}
	return 0;
}

static int
outer_entry(struct scan *s, struct archive *outer, struct archive_entry *e, struct sb *np)
{
	uint8_t peek[PEEK_BYTES];
	const char *name = entry_name(e), *hl, *sl;
	struct blob *b;
	size_t npeek = 0, i;
	la_int64_t size, off = archive_filter_bytes(outer, 0);
	int r;

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
	if (s->plain && off >= 0)
		b->off = (int64_t)off;
	if ((r = outer_peek(s, outer, b->name, peek, &npeek)) != 0)
		return r;
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
	if (s->mode == M_INDEX) {
		b->kind = B_PENDING;	/* read by offset once the manifest is known */
		return 0;
	}
	return outer_layer(s, b, outer, peek, npeek);
}

static int
blob_cmp(const void *va, const void *vb)
{
	const struct blob *a = *(struct blob *const *)va, *b = *(struct blob *const *)vb;
	int d = strcmp(a->name, b->name);

	if (d != 0)
		return d;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static int
blob_seq_cmp(const void *va, const void *vb)
{
	const struct blob *a = *(struct blob *const *)va, *b = *(struct blob *const *)vb;

	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/*
 * Walks the archive once. The first walk creates a blob per entry (reading
 * JSON entries and, streaming, every layer); a later walk (s->rewalk) reads
 * again only the blobs marked reread.
 */
static int
walk_archive(struct scan *s)
{
	struct archive *outer = NULL;
	struct archive_entry *e;
	struct blob **byseq = NULL;
	struct sb np = SB_INIT;
	uint8_t peek[PEEK_BYTES];
	const void *rest;
	size_t entries = 0, npeek, ci = 0;
	la_ssize_t n;
	int r = E_INTERNAL, ar;

	if (s->rewalk) {
		if (lseek(s->fd, s->base, SEEK_SET) == -1) {
			r = ctx_errno(s->c, E_IO, "seek");
			goto out;
		}
		byseq = xreallocarray(NULL, s->nblobs ? s->nblobs : 1, sizeof(*byseq));
		memcpy(byseq, s->blobs, s->nblobs * sizeof(*byseq));
		qsort(byseq, s->nblobs, sizeof(*byseq), blob_seq_cmp);
	}
	if ((outer = archive_read_new()) == NULL) {
		r = ctx_err(s->c, E_NOMEM, "archive_read_new");
		goto out;
	}
	if ((r = support_filters(s, outer)) != 0)
		goto out;
	archive_read_support_format_tar(outer);
	archive_read_set_read_callback(outer, outer_read);
	if (!s->hash_archive && s->seekable)
		archive_read_set_skip_callback(outer, outer_skip);
	archive_read_set_callback_data(outer, s);
	s->outer_chunk = s->mode == M_INDEX ? INDEX_CHUNK : READ_CHUNK;
	/* libarchive bids on the format when opening: a failure there is ours too */
	if ((ar = archive_read_open1(outer)) == ARCHIVE_WARN)
		ar = ARCHIVE_OK;
	s->plain = s->seekable && archive_filter_count(outer) == 1;
	if (!s->plain && s->mode == M_INDEX) {
		s->mode = M_STREAM;	/* compressed: nothing to seek over */
		s->outer_chunk = READ_CHUNK;
	}
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
		s->entry = entries - 1;
		if (!s->rewalk) {
			if ((r = outer_entry(s, outer, e, &np)) != 0)
				goto out;
			continue;
		}
		while (ci < s->nblobs && byseq[ci]->entry < s->entry)
			ci++;
		if (ci < s->nblobs && byseq[ci]->entry == s->entry && byseq[ci]->reread) {
			struct blob *b = byseq[ci];
			uint8_t old[32];
			int had = b->hashed;

			memcpy(old, b->sha, sizeof(old));
			if ((r = outer_peek(s, outer, b->name, peek, &npeek)) != 0)
				goto out;
			if ((r = outer_layer(s, b, outer, peek, npeek)) != 0)
				goto out;
			if (had && (!b->hashed || memcmp(old, b->sha, sizeof(old)) != 0)) {
				r = ctx_err(s->c, E_VERIFY, "%s: changed while being read", b->name);
				goto out;
			}
			b->reread = 0;
		}
	}
	if (s->hash_archive) {
		/* bytes past the end marker (padding, trailing data) are the file's too */
		while ((n = outer_read(outer, s, &rest)) > 0)
			;
		if (n < 0) {
			errno = s->read_errno;
			r = ctx_errno(s->c, E_IO, "read");
			goto out;
		}
		sha_final(&s->arch_sha, s->arch_digest);
		s->have_digest = 1;
		s->hash_archive = 0;	/* once */
	}
	if (!s->rewalk && s->nblobs > 1)
		qsort(s->blobs, s->nblobs, sizeof(*s->blobs), blob_cmp);
	s->sorted = 1;
	r = 0;
out:
	archive_read_free(outer);
	free(byseq);
	sb_free(&np);
	return r;
}

/* Reads a pending blob (or again a read one) from its offset or its file. */
static int
window_scan(struct scan *s, struct blob *b)
{
	uint8_t peek[PEEK_BYTES];
	struct lsrc src;
	uint8_t old[32];
	int fd, r, had = b->hashed && b->kind == B_LAYER;
	ssize_t n;
	off_t off;

	memcpy(old, b->sha, sizeof(old));
	if (s->mode == M_DIR) {
		if ((fd = dir_open(s, b->name)) == -1)
			return fatal(s, E_IO, "%s: open: %s", b->name, strerror(errno));
		off = 0;
	} else {
		fd = s->fd;
		off = s->base + (off_t)b->off;
	}
	memset(&src, 0, sizeof(src));
	n = pread_full(fd, peek, b->size < PEEK_BYTES ? (size_t)b->size : PEEK_BYTES, off);
	if (n < 0) {
		r = fatal(s, E_IO, "%s: read: %s", b->name, strerror(errno));
		goto out;
	}
	src.s = s;
	src.fd = fd;
	src.peek = peek;
	src.npeek = (size_t)n;
	src.pos = (uint64_t)off + (uint64_t)n;
	src.end = (uint64_t)off + b->size;
	src.chunk = s->fast ? SKIM_CHUNK : READ_CHUNK;
	if (n == 0) {
		b->kind = B_OTHER;
		free(b->err);
		b->err = xstrdup("empty file");
		b->err_code = E_FORMAT;
		r = 0;
		goto out;
	}
	if ((r = layer_scan(s, b, &src)) != 0) {
		ctx_prefix(s->c, "%s", b->name);
		goto out;
	}
	if (had && (!b->hashed || memcmp(old, b->sha, sizeof(old)) != 0))
		r = fatal(s, E_VERIFY, "%s: changed while being read", b->name);
	b->reread = 0;
out:
	if (s->mode == M_DIR)
		close(fd);
	return r;
}

/* The last entry named name, no links followed. */
static struct blob *
blob_lookup(struct scan *s, const char *name)
{
	size_t lo = 0, hi = s->nblobs, mid, i;
	struct blob *b = NULL;
	int d;

	if (!s->sorted) {
		for (i = 0; i < s->nblobs; i++)
			if (strcmp(s->blobs[i]->name, name) == 0)
				b = s->blobs[i];
		return b;
	}
	while (lo < hi) {	/* upper bound of name */
		mid = lo + (hi - lo) / 2;
		d = strcmp(s->blobs[mid]->name, name);
		if (d <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0 && strcmp(s->blobs[lo - 1]->name, name) == 0)
		return s->blobs[lo - 1];
	return NULL;
}

/* The last entry named name, following links in the outer archive. */
static struct blob *
blob_find(struct scan *s, const char *name)
{
	struct blob *b;
	size_t hops;

	for (hops = 0; hops <= IMAGE_MAX_OUTER_LINKS; hops++) {
		b = blob_lookup(s, name);
		if (b == NULL && s->mode == M_DIR)
			b = dir_blob(s, name);
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

static int
json_parse(struct scan *s, struct blob *b, const char *what, yajl_val *out)
{
	char ebuf[256];

	*out = NULL;
	if (b->kind != B_JSON) {
		if (b->looks_json && b->size > IMAGE_MAX_JSON)
			return ctx_err(s->c, E_LIMIT, "%s %s: larger than IMAGE_MAX_JSON (%d bytes)",
			    what, b->name, IMAGE_MAX_JSON);
		if (b->err_code == E_IO)
			return ctx_err(s->c, E_IO, "%s %s: %s", what, b->name, b->err);
		return ctx_err(s->c, E_FORMAT, "%s %s: not JSON", what, b->name);
	}
	if (!json_depth_ok(b->json, b->json_len))
		return ctx_err(s->c, E_LIMIT, "%s %s: nested deeper than IMAGE_MAX_JSON_DEPTH (%d)",
		    what, b->name, IMAGE_MAX_JSON_DEPTH);
	if (memchr(b->json, '\0', b->json_len) != NULL)
		return ctx_err(s->c, E_FORMAT, "%s %s: NUL byte", what, b->name);
	ebuf[0] = '\0';
	if ((*out = yajl_tree_parse((const char *)b->json, ebuf, sizeof(ebuf))) == NULL) {
		char *nl;

		while ((nl = strchr(ebuf, '\n')) != NULL)
			*nl = ' ';
		return ctx_err(s->c, E_FORMAT, "%s %s: %s", what, b->name,
		    ebuf[0] ? ebuf : "invalid JSON");
	}
	return 0;
}

/* The JSON entry named name (links followed), parsed. what names it in messages. */
static int
json_load(struct scan *s, const char *name, const char *what, yajl_val *out)
{
	struct blob *b;

	*out = NULL;
	if ((b = blob_find(s, name)) == NULL)
		return ctx_err(s->c, E_FORMAT, "%s %s: not in the archive", what, name);
	return json_parse(s, b, what, out);
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

/* ---- the images of an archive -------------------------------------------- */

/* One image an archive offers. */
struct cand {
	char **names;		/* tags, ref names, platform; NULL-terminated */
	size_t nnames;
	size_t ntags;		/* the first ntags names are the image's tags */
	char id[65];		/* hex of its config digest, "" unknown */
	char mdigest[7 + 64 + 1];	/* OCI: its manifest's digest, "" */
	size_t entry;		/* manifest.json: its index */
};

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void
cands_free(struct cands *cs)
{
	size_t i, j;

	for (i = 0; i < cs->n; i++) {
		for (j = 0; j < cs->v[i].nnames; j++)
			free(cs->v[i].names[j]);
		free(cs->v[i].names);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

static struct cand *
cand_new(struct scan *s, struct cands *cs)
{
	struct cand *k;

	if (cs->n == IMAGE_MAX_IMAGES) {
		ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_IMAGES (%d) images", IMAGE_MAX_IMAGES);
		return NULL;
	}
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->v = xreallocarray(cs->v, cs->cap, sizeof(*cs->v));
	}
	k = &cs->v[cs->n++];
	memset(k, 0, sizeof(*k));
	k->names = xcalloc(1, sizeof(*k->names));
	return k;
}

static int
cand_name(struct scan *s, struct cand *k, const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return 0;
	if (strlen(name) > IMAGE_MAX_PATH)
		return ctx_err(s->c, E_FORMAT, "image name longer than IMAGE_MAX_PATH (%d)",
		    IMAGE_MAX_PATH);
	for (i = 0; i < k->nnames; i++)
		if (strcmp(k->names[i], name) == 0)
			return 0;
	if (k->nnames == IMAGE_MAX_TAGS)
		return ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_TAGS (%d) tags", IMAGE_MAX_TAGS);
	k->names = xreallocarray(k->names, k->nnames + 2, sizeof(*k->names));
	k->names[k->nnames++] = xstrdup(name);
	k->names[k->nnames] = NULL;
	return 0;
}

static int
ends_with_ref(const char *name, size_t n, const char *ref)
{
	size_t rl = strlen(ref);

	if (n == rl)
		return memcmp(name, ref, n) == 0;
	return n > rl && name[n - rl - 1] == '/' && memcmp(name + n - rl, ref, rl) == 0;
}

/* Does ref name the image: a tag, a name without tag, or a digest prefix? */
static int
cand_matches(const struct cand *k, const char *ref)
{
	const char *r = ref, *slash, *colon;
	size_t i, rl, n;
	int digest_only = 0;

	if (strncmp(r, "sha256:", 7) == 0) {
		r += 7;
		digest_only = 1;
	}
	rl = strlen(r);
	if (rl >= MIN_REF_HEX && rl <= 64 && is_hex(r, rl) &&
	    ((k->id[0] && strncmp(k->id, r, rl) == 0) ||
	    (k->mdigest[0] && strncmp(k->mdigest + 7, r, rl) == 0)))
		return 1;
	if (digest_only)
		return 0;
	slash = strrchr(ref, '/');
	colon = strrchr(slash ? slash : ref, ':');
	for (i = 0; i < k->nnames; i++) {
		const char *nm = k->names[i], *ns = strrchr(nm, '/'), *nc;

		if (ends_with_ref(nm, strlen(nm), ref))
			return 1;
		if (colon != NULL || strchr(ref, '@') != NULL)
			continue;
		/* a name without its tag */
		nc = strrchr(ns ? ns : nm, ':');
		n = nc ? (size_t)(nc - nm) : strlen(nm);
		if (ends_with_ref(nm, n, ref))
			return 1;
	}
	return 0;
}

static void
cands_describe(const struct cands *cs, const char *const *only, struct sb *out)
{
	size_t i, shown = 0;

	for (i = 0; i < cs->n; i++) {
		const struct cand *k = &cs->v[i];

		if (only != NULL && only[i] == NULL)
			continue;
		if (shown == LIST_REFS) {
			sb_adds(out, ", ...");
			break;
		}
		sb_addf(out, "%s%s (%s%.12s)", shown ? ", " : "",
		    k->nnames ? k->names[0] : "untagged", k->id[0] ? "sha256:" : "",
		    k->id[0] ? k->id : k->mdigest);
		shown++;
	}
}

/* Picks the image named by ref (NULL: the only one). */
static int
cands_select(struct scan *s, const struct cands *cs, const char *ref, size_t *pick)
{
	const char **hit = NULL;
	struct sb l = SB_INIT;
	size_t i, nhit = 0;
	int r;

	*pick = 0;
	if (cs->n == 0)
		return ctx_err(s->c, E_FORMAT, "the archive holds no image");
	if (ref == NULL) {
		if (cs->n == 1)
			return 0;
		cands_describe(cs, NULL, &l);
		r = ctx_err(s->c, E_USAGE, "%zu images in the archive; choose one with "
		    "--image: %s", cs->n, sb_str(&l));
		sb_free(&l);
		return r;
	}
	hit = xcalloc(cs->n, sizeof(*hit));
	for (i = 0; i < cs->n; i++)
		if (cand_matches(&cs->v[i], ref)) {
			hit[i] = ref;
			*pick = i;
			nhit++;
		}
	r = 0;
	if (nhit == 0) {
		cands_describe(cs, NULL, &l);
		r = ctx_err(s->c, E_NOTFOUND, "no image matches '%.200s'; the archive holds: %s",
		    ref, sb_str(&l));
	} else if (nhit > 1) {
		cands_describe(cs, hit, &l);
		r = ctx_err(s->c, E_USAGE, "'%.200s' matches %zu images: %s", ref, nhit,
		    sb_str(&l));
	}
	free(hit);
	sb_free(&l);
	return r;
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
plan_layers_alloc(struct scan *s, struct plan *p, size_t n)
{
	if (n > IMAGE_MAX_LAYERS)
		return ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_LAYERS (%d) layers",
		    IMAGE_MAX_LAYERS);
	p->layers = xcalloc(n ? n : 1, sizeof(*p->layers));
	p->nlayers = n;
	return 0;
}

static void
plan_tags(struct plan *p, const struct cand *k)
{
	size_t i;

	p->tags = xcalloc(k->ntags + 1, sizeof(*p->tags));
	for (i = 0; i < k->ntags; i++)
		p->tags[i] = xstrdup(k->names[i]);
}

/* A file name that states a digest: "<hex>.json", "blobs/sha256/<hex>". */
static const char *
name_digest(const char *name)
{
	const char *base = name + dir_len(name);
	size_t n;

	if (*base == '/')
		base++;
	n = strlen(base);
	if (n == 64 + 5 && strcmp(base + 64, ".json") == 0)
		n = 64;
	return n == 64 && is_hex(base, 64) ? base : NULL;
}

/* manifest.json: [{"Config": ..., "RepoTags": [...], "Layers": [...]}] */
static int
plan_docker(struct scan *s, const char *ref, struct plan *p)
{
	yajl_val m = NULL, img, layers, tags;
	struct cands cs;
	struct sb nb = SB_INIT;
	struct cand *k;
	struct blob *cb;
	size_t i, j, pick;
	int r;

	memset(&cs, 0, sizeof(cs));
	if ((r = json_load(s, "manifest.json", "manifest", &m)) != 0)
		goto out;
	if (!YAJL_IS_ARRAY(m) || jlen(m) == 0) {
		r = ctx_err(s->c, E_FORMAT, "manifest.json: not a list of images");
		goto out;
	}
	for (i = 0; i < jlen(m); i++) {
		img = m->u.array.values[i];
		if ((k = cand_new(s, &cs)) == NULL) {
			r = E_LIMIT;
			goto out;
		}
		k->entry = i;
		tags = jget(img, "RepoTags");
		if (tags != NULL && !YAJL_IS_ARRAY(tags) && !YAJL_IS_NULL(tags)) {
			r = ctx_err(s->c, E_FORMAT, "manifest.json: RepoTags is not an array");
			goto out;
		}
		for (j = 0; j < jlen(tags); j++) {
			const char *t = jstr(tags->u.array.values[j]);

			if (t == NULL) {
				r = ctx_err(s->c, E_FORMAT, "manifest.json: RepoTags[%zu] is not "
				    "a tag", j);
				goto out;
			}
			if ((r = cand_name(s, k, t)) != 0) {
				ctx_prefix(s->c, "manifest.json");
				goto out;
			}
		}
		k->ntags = k->nnames;
		if (jstr(jget(img, "Config")) != NULL &&
		    path_norm(jstr(jget(img, "Config")), 0, &nb) == 0 &&
		    (cb = blob_find(s, nb.s)) != NULL && cb->kind == B_JSON)
			hex32(cb->sha, k->id);
	}
	if ((r = cands_select(s, &cs, ref, &pick)) != 0)
		goto out;
	img = m->u.array.values[cs.v[pick].entry];
	if (jstr(jget(img, "Config")) == NULL ||
	    path_norm(jstr(jget(img, "Config")), 0, &nb) != 0) {
		r = ctx_err(s->c, E_FORMAT, "manifest.json: no Config");
		goto out;
	}
	if ((p->config = blob_find(s, nb.s)) == NULL) {
		r = ctx_err(s->c, E_FORMAT, "config %s: not in the archive", nb.s);
		goto out;
	}
	plan_tags(p, &cs.v[pick]);
	layers = jget(img, "Layers");
	if (!YAJL_IS_ARRAY(layers)) {
		r = ctx_err(s->c, E_FORMAT, "manifest.json: no Layers");
		goto out;
	}
	if ((r = plan_layers_alloc(s, p, jlen(layers))) != 0)
		goto out;
	for (i = 0; i < p->nlayers; i++) {
		const char *ln = jstr(layers->u.array.values[i]);

		if (ln == NULL || path_norm(ln, 0, &nb) != 0) {
			r = ctx_err(s->c, E_FORMAT, "layer %zu: no path", i + 1);
			goto out;
		}
		if ((p->layers[i] = blob_find(s, nb.s)) == NULL) {
			r = ctx_err(s->c, E_FORMAT, "layer %zu (%s): not in the archive", i + 1,
			    nb.s);
			goto out;
		}
	}
	r = 0;
out:
	yajl_tree_free(m);
	cands_free(&cs);
	sb_free(&nb);
	return r;
}

/* A content-addressed blob of an OCI layout, its digest checked (JSON only:
 * layers are checked against their diff_ids). *out NULL when absent. */
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
		return 0;
	if (b->kind == B_JSON && !digest_eq(digest, b->sha))
		return ctx_err(s->c, E_VERIFY, "%s %s: content does not match its digest", what,
		    digest);
	*out = b;
	return 0;
}

/*
 * The names an index descriptor gives its image: its annotations (else those
 * inherited from the index that led to it), then its platform ("linux/arm64").
 * *ntags: how many of them are tags (the first name, as `docker load` reads).
 */
static void
descriptor_names(yajl_val d, const char *const *inherit, struct sb *tmp, char ***out,
    size_t *ntags)
{
	yajl_val ann = jget(d, "annotations"), plat = jget(d, "platform");
	const char *n1 = jstr(jget(ann, "io.containerd.image.name"));
	const char *n2 = jstr(jget(ann, "org.opencontainers.image.ref.name"));
	size_t n = 0, i;
	char **v;

	for (i = 0; inherit && inherit[i]; i++)
		n++;
	v = xcalloc(n + 4, sizeof(*v));
	n = 0;
	if (n1 != NULL)
		v[n++] = xstrdup(n1);
	if (n2 != NULL)
		v[n++] = xstrdup(n2);
	if (n == 0)
		for (i = 0; inherit && inherit[i]; i++)
			v[n++] = xstrdup(inherit[i]);
	*ntags = n > 0;
	if (jstr(jget(plat, "os")) != NULL && jstr(jget(plat, "architecture")) != NULL) {
		sb_reset(tmp);
		sb_addf(tmp, "%.64s/%.64s", jstr(jget(plat, "os")),
		    jstr(jget(plat, "architecture")));
		if (jstr(jget(plat, "variant")) != NULL)
			sb_addf(tmp, "/%.64s", jstr(jget(plat, "variant")));
		v[n++] = xstrdup(tmp->s);
	}
	*out = v;
}

static void
names_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Every image manifest under an index (nested indexes followed); manifests
 * whose blob is absent (other platforms) are left out. */
static int
oci_list(struct scan *s, yajl_val idx, const char *what, const char *const *inherit,
    size_t depth, struct cands *cs)
{
	yajl_val ms = jget(idx, "manifests"), sub = NULL;
	struct sb tmp = SB_INIT;
	struct blob *b;
	struct cand *k;
	char **names = NULL;
	const char *digest, *cfg;
	size_t i, j, ntags = 0;
	int r = 0;

	if (!YAJL_IS_ARRAY(ms))
		return ctx_err(s->c, E_FORMAT, "%s: no manifests", what);
	if (depth == IMAGE_MAX_INDEX_DEPTH)
		return ctx_err(s->c, E_LIMIT, "indexes nested deeper than IMAGE_MAX_INDEX_DEPTH "
		    "(%d)", IMAGE_MAX_INDEX_DEPTH);
	for (i = 0; i < jlen(ms) && r == 0; i++) {
		yajl_val d = ms->u.array.values[i];

		digest = jstr(jget(d, "digest"));
		if ((r = oci_blob(s, digest, "manifest", &b)) != 0 || b == NULL)
			continue;
		names_free(names);
		descriptor_names(d, inherit, &tmp, &names, &ntags);
		yajl_tree_free(sub);
		if ((r = json_parse(s, b, "manifest", &sub)) != 0)
			break;
		if (jget(sub, "manifests") != NULL) {
			r = oci_list(s, sub, b->name, (const char *const *)names, depth + 1, cs);
			continue;
		}
		if ((k = cand_new(s, cs)) == NULL) {
			r = E_LIMIT;
			break;
		}
		snprintf(k->mdigest, sizeof(k->mdigest), "%s", digest);
		cfg = jstr(jget(jget(sub, "config"), "digest"));
		if (digest_ok(cfg))
			snprintf(k->id, sizeof(k->id), "%s", cfg + 7);
		for (j = 0; names[j] != NULL && r == 0; j++)
			r = cand_name(s, k, names[j]);
		k->ntags = ntags < k->nnames ? ntags : k->nnames;
	}
	yajl_tree_free(sub);
	names_free(names);
	sb_free(&tmp);
	return r;
}

/* index.json -> (index ->) manifest -> config, layers */
static int
plan_oci(struct scan *s, const char *ref, struct plan *p)
{
	yajl_val idx = NULL, m = NULL, layers;
	struct cands cs;
	struct blob *b = NULL;
	size_t i, pick;
	int r;

	memset(&cs, 0, sizeof(cs));
	if ((r = json_load(s, "index.json", "index", &idx)) != 0)
		goto out;
	if ((r = oci_list(s, idx, "index.json", NULL, 0, &cs)) != 0)
		goto out;
	if (cs.n == 0 && jlen(jget(idx, "manifests")) > 0) {
		r = ctx_err(s->c, E_FORMAT, "manifest %s: not in the archive",
		    jstr(jget(jget(idx, "manifests")->u.array.values[0], "digest")) ?
		    jstr(jget(jget(idx, "manifests")->u.array.values[0], "digest")) : "?");
		goto out;
	}
	if ((r = cands_select(s, &cs, ref, &pick)) != 0)
		goto out;
	plan_tags(p, &cs.v[pick]);
	if ((r = oci_blob(s, cs.v[pick].mdigest, "manifest", &b)) != 0)
		goto out;
	if ((r = json_parse(s, b, "manifest", &m)) != 0)
		goto out;
	if ((r = oci_blob(s, jstr(jget(jget(m, "config"), "digest")), "config",
	    &p->config)) != 0)
		goto out;
	if (p->config == NULL) {
		r = ctx_err(s->c, E_FORMAT, "config %s: not in the archive",
		    jstr(jget(jget(m, "config"), "digest")));
		goto out;
	}
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
		if (p->layers[i] == NULL) {
			r = ctx_err(s->c, E_FORMAT, "%s %s: not in the archive", what, ld);
			goto out;
		}
	}
	r = 0;
out:
	yajl_tree_free(idx);
	yajl_tree_free(m);
	cands_free(&cs);
	return r;
}

static int
plan_image(struct scan *s, const char *ref, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	if (blob_find(s, "manifest.json") != NULL)
		return plan_docker(s, ref, p);
	if (blob_find(s, "index.json") != NULL)
		return plan_oci(s, ref, p);
	return ctx_err(s->c, E_FORMAT, "no manifest.json or index.json: not an image %s",
	    s->mode == M_DIR ? "layout" : "archive");
}

/* Reads the plan's layers not read yet, in order. */
static int
plan_read_layers(struct scan *s, struct plan *p)
{
	size_t i;
	int r;

	for (i = 0; i < p->nlayers; i++)
		if (p->layers[i]->kind == B_PENDING && (r = window_scan(s, p->layers[i])) != 0)
			return r;
	return 0;
}

/* ---- config, verification ----------------------------------------------- */

static int
apply_config(struct scan *s, struct plan *p, struct image *img)
{
	yajl_val cfg = NULL, diff_ids, hist;
	char hex[65], *short_id;
	const char *stated;
	size_t i, li = 0;
	int r;

	if ((r = json_parse(s, p->config, "config", &cfg)) != 0)
		goto out;
	hex32(p->config->sha, hex);
	if ((stated = name_digest(p->config->name)) != NULL && strncmp(stated, hex, 64) != 0) {
		r = ctx_err(s->c, E_VERIFY, "config %s: content is sha256:%.12s, not the digest "
		    "its name states", p->config->name, hex);
		goto out;
	}
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
		if (b->kind == B_LAYER && b->hashed && !digest_eq(d, b->sha)) {
			hex32(b->sha, hex);
			r = ctx_err(s->c, E_VERIFY, "layer %zu/%zu (%s): content is sha256:%.12s, "
			    "not its diff_id", i + 1, p->nlayers, short_id, hex);
		} else if (b->kind == B_LAYER && !b->hashed && !s->fast)
			r = ctx_err(s->c, E_INTERNAL, "layer %zu/%zu (%s): not hashed", i + 1,
			    p->nlayers, short_id);
		else if (b->kind != B_LAYER)
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
	img->digests_verified = !s->fast;
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

/* ---- symlinks and the files of a view -------------------------------------- */

static void
need_add(struct needs *nd, const char *path, int dir)
{
	if (nd->n == IMAGE_MAX_NEEDS) {
		nd->overflow = 1;
		return;
	}
	if (nd->n == nd->cap) {
		nd->cap = nd->cap ? nd->cap * 2 : 64;
		nd->v = xreallocarray(nd->v, nd->cap, sizeof(*nd->v));
	}
	nd->v[nd->n].path = xstrdup(path);
	nd->v[nd->n].dir = dir;
	nd->n++;
}

static void
needs_free(struct needs *nd)
{
	size_t i;

	for (i = 0; i < nd->n; i++)
		free(nd->v[i].path);
	free(nd->v);
	memset(nd, 0, sizeof(*nd));
}

/*
 * Resolves path inside the image root against the merged nodes, following
 * symlinks in every component (the last one too; ".." stops at the root).
 * *res gets the resolved path and *ndp its node (a file or an unresolved hard
 * link) or NULL when nothing is there. Every path on the way (path itself, and
 * where each symlink leads) goes to needs with the flag dir. Returns -1 when
 * the path cannot be resolved: symlinks loop (IMAGE_MAX_SYMLINK_HOPS), the
 * path grows past IMAGE_MAX_PATH, or a file is used as a directory.
 */
static int
resolve(const struct merged *m, const char *path, int dir, struct needs *needs,
    struct sb *res, const struct node **ndp)
{
	struct sb rest = SB_INIT, next = SB_INIT, full = SB_INIT;
	const struct node *nd = NULL;
	const char *p, *e;
	size_t hops = 0, n;
	int ok = 0;

	need_add(needs, path, dir);
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
			sb_reset(&full);
			sb_add(&full, res->s, res->len);
			sb_addc(&full, '/');
			sb_add(&full, next.s, next.len);
			if (path_norm(full.s, 1, &rest) == 0 && rest.len > 0)
				need_add(needs, rest.s, dir);
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
	sb_free(&full);
	*ndp = ok ? node_find(m, res->s) : NULL;
	return ok ? 0 : -1;
}

struct finals {
	struct image_file *v;
	size_t n, cap;
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
	x->data = nd->data;
	x->len = nd->len;
	x->layer = nd->layer;
}

/* The file at the wanted path `as`, found at `path` (symlinks followed). */
static void
final_file(const struct merged *m, struct finals *f, struct needs *needs, const char *as,
    const char *path, struct sb *res)
{
	const struct node *nd;

	if (resolve(m, path, 0, needs, res, &nd) != 0)
		return;	/* the file does not exist */
	if (nd != NULL && nd->kind == K_FILE)
		final_add(f, as, nd);
	else if (nd != NULL && nd->kind == K_HARDLINK)
		need_add(needs, (const char *)nd->data, 0);
}

static int
file_cmp(const void *va, const void *vb)
{
	const struct image_file *a = va, *b = vb;

	return path_cmp(a->path, b->path);
}

/* The files of the caller's wanted paths (orig) in the merged state m. */
static void
collect(const struct wantset *orig, const struct merged *m, struct finals *f,
    struct needs *needs)
{
	struct sb res = SB_INIT, dir = SB_INIT, child = SB_INIT, as = SB_INIT;
	const struct node *nd;
	size_t i, j, n;

	for (i = 0; i < orig->n; i++) {
		const struct want *w = &orig->v[i];

		if (!w->dir) {
			final_file(m, f, needs, w->path, w->path, &res);
			continue;
		}
		if (resolve(m, w->path, 1, needs, &dir, &nd) != 0 || nd != NULL || dir.len == 0)
			continue;	/* unresolvable, or a file: no directory there */
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
			final_file(m, f, needs, as.s, child.s, &res);
		}
	}
	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), file_cmp);
	for (i = n = 0; i < f->n; i++) {	/* a path wanted twice */
		if (n > 0 && strcmp(f->v[n - 1].path, f->v[i].path) == 0) {
			free(f->v[i].path);
			continue;
		}
		f->v[n++] = f->v[i];
	}
	f->n = n;
	sb_free(&res);
	sb_free(&dir);
	sb_free(&child);
	sb_free(&as);
}

/* ---- putting it together ------------------------------------------------ */

static void
files_free(struct image_file *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static void
view_free(struct image *v)
{
	files_free(v->files, v->nfiles);
	free(v);
}

static void
priv_free(struct image *img)
{
	struct image_priv *pv = img->priv;
	size_t i;

	if (pv == NULL)
		return;
	for (i = 0; i < pv->nviews; i++)
		if (pv->views[i] != NULL && pv->views[i] != img &&
		    (i == 0 || pv->views[i] != pv->views[i - 1]))
			view_free(pv->views[i]);
	free(pv->views);
	for (i = 0; i < pv->nblobs; i++)
		blob_free(pv->blobs[i]);
	free(pv->blobs);
	free(pv);
	img->priv = NULL;
}

/*
 * Applies the layers, one view after each; the last view's files are img's.
 * needs gets every path the link resolution looked at.
 */
static void
assemble(const struct wantset *orig, const struct plan *p, struct image *img,
    struct needs *needs)
{
	struct image_priv *pv;
	struct merged m;
	struct finals f;
	struct sb tmp = SB_INIT;
	size_t i;

	memset(&m, 0, sizeof(m));
	pv = xcalloc(1, sizeof(*pv));
	img->priv = pv;
	pv->nviews = p->nlayers;
	pv->views = xcalloc(p->nlayers ? p->nlayers : 1, sizeof(*pv->views));
	for (i = 0; i < p->nlayers; i++) {
		struct image *v;

		merge_layer(&m, p->layers[i], (int)i, &tmp);
		if (i + 1 < p->nlayers && i > 0 && p->layers[i]->nkept == 0) {
			pv->views[i] = pv->views[i - 1];
			continue;
		}
		memset(&f, 0, sizeof(f));
		collect(orig, &m, &f, needs);
		if (i + 1 == p->nlayers)
			v = img;
		else {
			v = xcalloc(1, sizeof(*v));
			v->layers = img->layers;
			v->nlayers = img->nlayers;
		}
		v->files = f.v;
		v->nfiles = f.n;
		pv->views[i] = v;
	}
	free(m.v);
	sb_free(&tmp);
}

static int
need_cmp(const void *va, const void *vb)
{
	const struct need *a = va, *b = vb;
	int d = strcmp(a->path, b->path);

	return d != 0 ? d : a->dir - b->dir;
}

static int
str_cmp(const void *va, const void *vb)
{
	return strcmp(*(const char *const *)va, *(const char *const *)vb);
}

/* Was the read of b blind to what bears on need, as far as want w knows? */
static int
blob_missed_by(const struct blob *b, const struct want *w, const struct need *nd,
    const struct pathset *nondirs)
{
	size_t i;

	if (b->walk > w->since)
		return 0;	/* read with w wanted from its first entry */
	if (b->walk < w->since)
		return probe(b->filter, nd->path, nd->dir, nondirs) != 0;
	if (w->dirty)
		return 1;
	if (!w->dirty_d)
		return 0;
	/* a directory entry seen before matters over a non-directory kept there */
	if (pathset_has(nondirs, nd->path, strlen(nd->path)))
		return 1;
	for (i = strlen(nd->path); i-- > 0;)
		if (nd->path[i] == '/' && pathset_has(nondirs, nd->path, i))
			return 1;
	return 0;
}

/*
 * Marks reread the plan's layers whose read may have missed a needed path,
 * and adds the needed paths no want covers yet. Returns how many layers to
 * read again, or a negative E_LIMIT.
 */
static int
check_needs(struct scan *s, const struct plan *p, struct needs *needs)
{
	struct pathset nondirs;
	struct sb par = SB_INIT;
	size_t i, j, k, n = 0, nreread = 0;
	ssize_t cover[2];
	int missed, r = 0;

	if (needs->overflow)
		return ctx_err(s->c, E_LIMIT, "links lead to more than IMAGE_MAX_NEEDS (%d) paths",
		    IMAGE_MAX_NEEDS);
	memset(&nondirs, 0, sizeof(nondirs));
	for (i = 0; i < p->nlayers; i++)
		p->layers[i]->mark = 0;
	for (i = 0; i < p->nlayers; i++) {
		struct blob *b = p->layers[i];

		if (b->mark++)
			continue;
		for (j = 0; j < b->nkept; j++)
			if (b->kept[j].kind == K_FILE || b->kept[j].kind == K_SYMLINK ||
			    b->kept[j].kind == K_HARDLINK)
				n++;
	}
	nondirs.v = xreallocarray(NULL, n ? n : 1, sizeof(*nondirs.v));
	for (i = 0; i < p->nlayers; i++)
		p->layers[i]->mark = 0;
	for (i = 0; i < p->nlayers; i++) {
		struct blob *b = p->layers[i];

		if (b->mark++)
			continue;
		for (j = 0; j < b->nkept; j++)
			if (b->kept[j].kind == K_FILE || b->kept[j].kind == K_SYMLINK ||
			    b->kept[j].kind == K_HARDLINK)
				nondirs.v[nondirs.n++] = b->kept[j].path;
	}
	if (nondirs.n > 1)
		qsort(nondirs.v, nondirs.n, sizeof(*nondirs.v), str_cmp);
	if (needs->n > 1)
		qsort(needs->v, needs->n, sizeof(*needs->v), need_cmp);
	for (i = 0; i < needs->n; i++) {
		const struct need *nd = &needs->v[i];

		if (i > 0 && need_cmp(&needs->v[i - 1], nd) == 0)
			continue;
		/* the wants that cover it: itself, or (a file) its directory */
		cover[0] = want_find(s->ws, nd->path, nd->dir);
		cover[1] = -1;
		if (!nd->dir && dir_len(nd->path) > 0) {
			sb_reset(&par);
			sb_add(&par, nd->path, dir_len(nd->path));
			cover[1] = want_find(s->ws, par.s, 1);
		}
		missed = 0;
		for (j = 0; j < p->nlayers; j++) {
			struct blob *b = p->layers[j];
			int m = 1;

			if (cover[0] < 0 && cover[1] < 0)
				m = probe(b->filter, nd->path, nd->dir, &nondirs) != 0;
			for (k = 0; k < 2 && m; k++)
				if (cover[k] >= 0)
					m = blob_missed_by(b, &s->ws->v[cover[k]], nd, &nondirs);
			if (m) {
				missed = 1;
				if (!b->reread)
					nreread++;
				b->reread = 1;
			}
		}
		if (missed && cover[0] < 0 && cover[1] < 0 &&
		    want_push(s->ws, nd->path, nd->dir, s->walk + 1) < 0) {
			r = ctx_err(s->c, E_LIMIT, "more than IMAGE_MAX_WANT (%d) wanted paths",
			    IMAGE_MAX_WANT);
			break;
		}
	}
	free(nondirs.v);
	sb_free(&par);
	return r != 0 ? r : (int)nreread;
}

/* Reads again the blobs marked reread. */
static int
reread(struct scan *s)
{
	size_t i;
	int r, byoff = s->mode == M_DIR || s->plain;

	if (!byoff && !s->seekable)
		return ctx_err(s->c, E_UNSUPPORTED, "links lead to files of a layer already "
		    "read, and standard input cannot be read again: save the archive to a "
		    "file");
	if (byoff) {
		for (i = 0; i < s->nblobs; i++)
			if (s->blobs[i]->reread && (r = window_scan(s, s->blobs[i])) != 0)
				return r;
		return 0;
	}
	s->rewalk = 1;
	r = walk_archive(s);
	s->rewalk = 0;
	return r;
}

static int
open_input(struct scan *s, const char *path)
{
	struct stat st;
	off_t pos;

	if (strcmp(path, "-") == 0) {
		s->fd = STDIN_FILENO;
		s->is_stdin = 1;
	} else if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return ctx_errno(s->c, E_IO, "open");
	if (fstat(s->fd, &st) != 0)
		return ctx_errno(s->c, E_IO, "stat");
	if (S_ISDIR(st.st_mode)) {
		s->dirfd = s->fd;
		s->fd = -1;
		s->mode = M_DIR;
		if (s->is_stdin) {
			s->dirfd = dup(STDIN_FILENO);
			s->is_stdin = 0;
			if (s->dirfd == -1)
				return ctx_errno(s->c, E_IO, "dup");
		}
		return 0;
	}
	if (S_ISREG(st.st_mode) && (pos = lseek(s->fd, 0, SEEK_CUR)) != -1) {
		s->seekable = 1;
		s->base = pos;
		s->fsize = (uint64_t)st.st_size;
	}
	s->hash_archive = !s->fast;
	s->mode = s->fast && s->seekable ? M_INDEX : M_STREAM;
	return 0;
}

void
image_free(struct image *img)
{
	size_t i;

	if (img == NULL)
		return;
	priv_free(img);
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
	files_free(img->files, img->nfiles);
	free(img);
}

int
image_open_opts(struct ctx *c, const char *path, const char *const *want,
    const struct image_opts *o, struct image **out)
{
	struct wantset orig, ws;
	struct scan s;
	struct plan p;
	struct needs needs;
	struct image *img = NULL;
	char hex[65];
	size_t i;
	int r = E_INTERNAL, n;

	*out = NULL;
	memset(&orig, 0, sizeof(orig));
	memset(&ws, 0, sizeof(ws));
	memset(&s, 0, sizeof(s));
	memset(&p, 0, sizeof(p));
	memset(&needs, 0, sizeof(needs));
	s.fd = -1;
	s.dirfd = -1;
	if (sodium_init() < 0) {
		r = ctx_err(c, E_INTERNAL, "sodium_init failed");
		goto out;
	}
	for (i = 0; want && want[i]; i++)
		if ((r = want_add(c, &orig, want[i])) != 0 || (r = want_add(c, &ws, want[i])) != 0)
			goto out;
	s.c = c;
	s.ws = &ws;
	s.fast = o != NULL && o->fast;
	s.rbuf = xmalloc(READ_CHUNK);
	s.fbuf = xmalloc(READ_CHUNK);
	s.lbuf = xmalloc(READ_CHUNK);
	sha_init(&s.arch_sha);
	if ((r = open_input(&s, path)) != 0)
		goto out;
	if (s.mode != M_DIR && (r = walk_archive(&s)) != 0)
		goto out;
	for (n = 1;; n++) {
		if ((r = plan_image(&s, o ? o->ref : NULL, &p)) != 0 ||
		    (r = plan_read_layers(&s, &p)) != 0)
			goto out;
		img = xcalloc(1, sizeof(*img));
		if ((r = apply_config(&s, &p, img)) != 0)
			goto out;
		assemble(&orig, &p, img, &needs);
		if ((r = check_needs(&s, &p, &needs)) < 0)
			goto out;
		needs_free(&needs);
		if (r == 0)
			break;
		if (n == IMAGE_MAX_PASSES) {
			r = ctx_err(c, E_LIMIT, "links need more than IMAGE_MAX_PASSES (%d) reads "
			    "of a layer", IMAGE_MAX_PASSES);
			goto out;
		}
		image_free(img);
		img = NULL;
		plan_free(&p);
		if ((r = reread(&s)) != 0)
			goto out;
	}
	if (s.have_digest) {
		hex32(s.arch_digest, hex);
		img->archive_sha256 = xstrdup(hex);
	}
	img->tags = p.tags;
	p.tags = NULL;
	img->passes = (unsigned)n;
	/* the views' files point into the blobs: the image keeps them, without
	 * the summaries and JSON texts nothing needs any more */
	for (i = 0; i < s.nblobs; i++) {
		free(s.blobs[i]->filter);
		s.blobs[i]->filter = NULL;
		free(s.blobs[i]->json);
		s.blobs[i]->json = NULL;
	}
	img->priv->blobs = s.blobs;
	img->priv->nblobs = s.nblobs;
	s.blobs = NULL;
	s.nblobs = 0;
	*out = img;
	img = NULL;
	r = 0;
out:
	if (r != 0)
		ctx_prefix(c, "%s", path);
	image_free(img);
	plan_free(&p);
	needs_free(&needs);
	scan_free(&s);
	want_free(&orig);
	want_free(&ws);
	return r;
}

int
image_open(struct ctx *c, const char *path, const char *const *want, struct image **out)
{
	return image_open_opts(c, path, want, NULL, out);
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

const struct image *
image_layer_view(const struct image *img, size_t i)
{
	if (img == NULL || img->priv == NULL || i >= img->priv->nviews)
		return NULL;
	return img->priv->views[i];
}
