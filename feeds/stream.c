/*
 * stream.c - a feed input file as one stream of decompressed bytes: see
 * stream.h. libarchive's raw format reads the file through a callback that
 * hashes and counts the stored bytes on their way in.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <sodium.h>

#include "base/ckd.h"
#include "base/ctx.h"
#include "base/xmalloc.h"
#include "feeds/stream.h"

#define STREAM_CHUNK	65536	/* stored bytes per read */

struct feed_stream {
	struct ctx *c;
	struct feed_stream_limits lim;
	struct archive *a;
	const char *path;	/* NULL for memory */
	int fd;
	int err;		/* first E_* */
	int eof;		/* the data ended */
	uint64_t raw;		/* stored bytes read */
	uint64_t data;		/* decompressed bytes given out */
	const uint8_t *mem;
	size_t memlen;
	crypto_hash_sha256_state hs;
	uint8_t buf[STREAM_CHUNK];
};

static int
serr(struct feed_stream *s, int code)
{
	if (s->err == 0)
		s->err = code;
	return s->err;
}

/* libarchive pulls stored bytes through here. */
static la_ssize_t
raw_read(struct archive *a, void *arg, const void **out)
{
	struct feed_stream *s = arg;
	ssize_t n;

	*out = s->buf;
	do
		n = read(s->fd, s->buf, sizeof(s->buf));
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		serr(s, ctx_errno(s->c, E_IO, "%s: read", s->path));
		archive_set_error(a, EIO, "%s", s->c->err);
		return -1;
	}
	if (ckd_add(&s->raw, s->raw, (uint64_t)n) || s->raw > s->lim.raw_max) {
		serr(s, ctx_err(s->c, E_LIMIT, "larger than %llu bytes (%s)",
		    (unsigned long long)s->lim.raw_max, s->lim.raw_limit));
		archive_set_error(a, EFBIG, "%s", s->c->err);
		return -1;
	}
	crypto_hash_sha256_update(&s->hs, s->buf, (unsigned long long)n);
	ctx_progress(s->c, s->raw);	/* airlock-feed build's terminal progress */
	return n;
}

static struct feed_stream *
stream_new(struct ctx *c, const struct feed_stream_limits *lim)
{
	struct feed_stream *s = xcalloc(1, sizeof(*s));

	s->c = c;
	s->lim = *lim;
	s->fd = -1;
	crypto_hash_sha256_init(&s->hs);
	return s;
}

static int
archive_setup(struct feed_stream *s)
{
	if ((s->a = archive_read_new()) == NULL)
		return ctx_err(s->c, E_NOMEM, "archive_read_new");
	if (archive_read_support_filter_gzip(s->a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(s->a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(s->a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(s->a) != ARCHIVE_OK ||
	    archive_read_support_format_raw(s->a) != ARCHIVE_OK)
		return ctx_err(s->c, E_UNSUPPORTED, "libarchive: %s",
		    archive_error_string(s->a));
	return 0;
}

/* After archive_read_open: the raw format's one header. */
static int
first_header(struct feed_stream *s)
{
	struct archive_entry *e;
	int r;

	r = archive_read_next_header(s->a, &e);
	if (r == ARCHIVE_EOF)
		return ctx_err(s->c, E_FORMAT, "empty input");
	if (r != ARCHIVE_OK) {
		if (s->err != 0)
			return s->err;
		return ctx_err(s->c, E_FORMAT, "%s", archive_error_string(s->a) ?
		    archive_error_string(s->a) : "unreadable input");
	}
	return 0;
}

int
feed_stream_open_file(struct ctx *c, const char *path, const struct feed_stream_limits *lim,
    struct feed_stream **out)
{
	struct feed_stream *s = NULL;
	struct stat sb;
	int r = E_INTERNAL;

	*out = NULL;
	if (sodium_init() < 0)
		return ctx_err(c, E_INTERNAL, "libsodium failed to initialize");
	s = stream_new(c, lim);
	s->path = path;
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	if (fstat(s->fd, &sb) != 0) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	if (S_ISDIR(sb.st_mode)) {
		r = ctx_err(c, E_IO, "%s: is a directory", path);
		goto out;
	}
	if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > lim->raw_max) {
		r = ctx_err(c, E_LIMIT, "larger than %llu bytes (%s)",
		    (unsigned long long)lim->raw_max, lim->raw_limit);
		goto out;
	}
	if (S_ISREG(sb.st_mode) && sb.st_size == 0) {
		r = ctx_err(c, E_FORMAT, "empty input");
		goto out;
	}
	if ((r = archive_setup(s)) != 0)
		goto out;
	if (archive_read_open(s->a, s, NULL, raw_read, NULL) != ARCHIVE_OK) {
		r = s->err ? s->err : ctx_err(c, E_FORMAT, "%s", archive_error_string(s->a) ?
		    archive_error_string(s->a) : "unreadable input");
		goto out;
	}
	if ((r = first_header(s)) != 0)
		goto out;
	*out = s;
	s = NULL;
	r = 0;
 out:
	feed_stream_free(s);
	return r;
}

int
feed_stream_open_mem(struct ctx *c, const uint8_t *buf, size_t len,
    const struct feed_stream_limits *lim, struct feed_stream **out)
{
	struct feed_stream *s = NULL;
	int r = E_INTERNAL;

	*out = NULL;
	if (sodium_init() < 0)
		return ctx_err(c, E_INTERNAL, "libsodium failed to initialize");
	if ((uint64_t)len > lim->raw_max)
		return ctx_err(c, E_LIMIT, "larger than %llu bytes (%s)",
		    (unsigned long long)lim->raw_max, lim->raw_limit);
	if (len == 0)
		return ctx_err(c, E_FORMAT, "empty input");
	s = stream_new(c, lim);
	s->mem = buf;
	s->memlen = len;
	s->raw = len;
	crypto_hash_sha256_update(&s->hs, buf, (unsigned long long)len);
	if ((r = archive_setup(s)) != 0)
		goto out;
	if (archive_read_open_memory(s->a, buf, len) != ARCHIVE_OK) {
		r = ctx_err(c, E_FORMAT, "%s", archive_error_string(s->a) ?
		    archive_error_string(s->a) : "unreadable input");
		goto out;
	}
	if ((r = first_header(s)) != 0)
		goto out;
	*out = s;
	s = NULL;
	r = 0;
 out:
	feed_stream_free(s);
	return r;
}

ssize_t
feed_stream_read(struct feed_stream *s, void *buf, size_t len)
{
	la_ssize_t n;

	if (s->err != 0)
		return -1;
	if (s->eof || len == 0)
		return 0;
	n = archive_read_data(s->a, buf, len);
	if (n < 0) {
		if (s->err == 0)
			serr(s, ctx_err(s->c, E_FORMAT, "%s", archive_error_string(s->a) ?
			    archive_error_string(s->a) : "unreadable input"));
		return -1;
	}
	if (n == 0) {
		s->eof = 1;
		return 0;
	}
	if (ckd_add(&s->data, s->data, (uint64_t)n) || s->data > s->lim.data_max) {
		serr(s, ctx_err(s->c, E_LIMIT, "decompressed data larger than %llu bytes (%s)",
		    (unsigned long long)s->lim.data_max, s->lim.data_limit));
		return -1;
	}
	return (ssize_t)n;
}

int
feed_stream_error(const struct feed_stream *s)
{
	return s->err;
}

int
feed_stream_finish(struct feed_stream *s, char sha256_hex[65], uint64_t *bytes)
{
	uint8_t digest[crypto_hash_sha256_BYTES];
	uint8_t sink[4096];
	const void *dummy;
	ssize_t n;
	la_ssize_t m;

	while ((n = feed_stream_read(s, sink, sizeof(sink))) > 0)
		;
	if (n < 0)
		return s->err;
	if (s->fd != -1) {
		/* what libarchive did not need still belongs to the digest */
		while ((m = raw_read(s->a, s, &dummy)) > 0)
			;
		if (m < 0)
			return s->err;
	}
	crypto_hash_sha256_final(&s->hs, digest);
	sodium_bin2hex(sha256_hex, 65, digest, sizeof(digest));
	*bytes = s->raw;
	return 0;
}

uint64_t
feed_stream_raw_bytes(const struct feed_stream *s)
{
	return s->raw;
}

void
feed_stream_free(struct feed_stream *s)
{
	if (s == NULL)
		return;
	if (s->a != NULL)
		archive_read_free(s->a);
	if (s->fd != -1)
		close(s->fd);
	free(s);
}
