/*
 * stream.h - a feed input file, plain or compressed, read as one stream of
 * decompressed bytes (connected side only).
 *
 * gzip, bzip2, xz and zstd are told apart by their magic (libarchive's raw
 * format with those four filters only: filter_all would also allow filters
 * that run external programs); nothing is written to disk. A file stream also
 * hashes (SHA-256) and counts the bytes as stored, for bundle_writer_input().
 * Both the stored size and the decompressed size are capped by the caller's
 * limits (E_LIMIT naming them).
 *
 * Ownership: feed_stream_open_*() return a stream freed by feed_stream_free()
 * (NULL is a no-op). A memory stream borrows buf until it is freed.
 */
#ifndef AIRLOCK_FEED_STREAM_H
#define AIRLOCK_FEED_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ctx;
struct feed_stream;

/*
 * Limits: raw_max bytes as stored, data_max bytes decompressed; raw_limit and
 * data_limit are the names the E_LIMIT messages give ("OVAL_FILE_MAX").
 */
struct feed_stream_limits {
	uint64_t raw_max, data_max;
	const char *raw_limit, *data_limit;
};

int feed_stream_open_file(struct ctx *c, const char *path,
    const struct feed_stream_limits *lim, struct feed_stream **out);
int feed_stream_open_mem(struct ctx *c, const uint8_t *buf, size_t len,
    const struct feed_stream_limits *lim, struct feed_stream **out);
/*
 * Reads up to len decompressed bytes: the count, 0 at the end, or -1 with
 * the error in c (also kept: feed_stream_error() returns its E_* code).
 */
ssize_t feed_stream_read(struct feed_stream *s, void *buf, size_t len);
int feed_stream_error(const struct feed_stream *s);
/*
 * After the data: checks that nothing but the end follows it (a compressed
 * stream is read to its end, so gzip's CRC is checked), reads whatever is left
 * of the stored file, and gives its SHA-256 (64 lowercase hex digits) and size.
 * A memory stream gives the digest of buf.
 */
int feed_stream_finish(struct feed_stream *s, char sha256_hex[65], uint64_t *bytes);
/* Stored bytes read so far (for progress). */
uint64_t feed_stream_raw_bytes(const struct feed_stream *s);
void feed_stream_free(struct feed_stream *s);

#endif
