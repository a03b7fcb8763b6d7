/*
 * jsonstream.h - the streaming JSON driver of the feed parsers (connected side
 * only): yajl's callback API fed in bounded chunks from memory or from a feed
 * input file (plain or compressed, read through feeds/stream.h).
 *
 * A parser keeps only its own state machine, in four events (spec below). The
 * driver:
 *   - feeds the bytes in JSONSTREAM_CHUNK pieces; before yajl sees them, it
 *     bounds every raw token (a string with its escapes, a number or a bare
 *     word) at spec->token_max bytes, because yajl buffers a token that spans
 *     chunks in full: together with a depth limit in the callbacks, memory does
 *     not grow with the input;
 *   - counts lines and bytes, and prefixes every error raised while the bytes
 *     are parsed (a syntax error, an over-long token, or a callback that
 *     cancelled) with where it happened: "line L, byte B: ..." (L from 1, B the
 *     0-based offset in the decompressed data, just past the token that failed);
 *   - ends the document (exactly one JSON value and nothing after it), then
 *     runs spec->finish.
 * The caller names the file ("debian:PATH: line 3, byte 120: ...").
 *
 * Events return 1 to go on. One that fails sets the message with ctx_err(),
 * stores its E_* code in *err (the slot given to jsonstream_new()) and returns
 * 0, which cancels the parse. The driver stores its own failures there too, so
 * a non-zero *err means the parse is over.
 *
 * Ownership: jsonstream_new() returns a driver freed by jsonstream_free() (NULL
 * is a no-op); it borrows spec, arg and err, which must outlive it. Input
 * buffers are borrowed for the duration of a call only.
 */
#ifndef AIRLOCK_FEED_JSONSTREAM_H
#define AIRLOCK_FEED_JSONSTREAM_H

#include <stddef.h>
#include <stdint.h>

#include "feeds/stream.h"

struct ctx;
struct bundle_writer;
struct jsonstream;

/* What a scalar is. */
enum json_kind { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING };

struct jsonstream_spec {
	/* A map (is_map 1) or an array opens; the one opened last closes. */
	int (*open)(void *arg, int is_map);
	int (*close)(void *arg);
	/* A map key: len bytes of UTF-8, not NUL-terminated (may hold NULs). */
	int (*key)(void *arg, const char *key, size_t len);
	/*
	 * A value that is not a map or array: s/len is a string's decoded UTF-8,
	 * a number's text as written ("2.5e3"), "true" or "false", or NULL/0
	 * for null.
	 */
	int (*scalar)(void *arg, enum json_kind kind, const char *s, size_t len);
	/* After the document ended well (or NULL): the parser's last checks. */
	int (*finish)(void *arg);
	size_t token_max;			/* longest raw token, in bytes */
	const char *token_limit;		/* its name: "DEBIAN_TOKEN_MAX" */
	/*
	 * Input size: stored (raw_max) and decompressed (data_max) for files;
	 * data_max alone for buffers, which are never decompressed.
	 */
	struct feed_stream_limits size;
};

int jsonstream_new(struct ctx *c, const struct jsonstream_spec *spec, void *arg, int *err,
    struct jsonstream **out);
/* Parses the next len bytes (any length: fed in JSONSTREAM_CHUNK pieces). */
int jsonstream_feed(struct jsonstream *js, const uint8_t *buf, size_t len);
/* Parses what is left of in, to its end. */
int jsonstream_read(struct jsonstream *js, struct feed_stream *in);
/* Ends the document and runs spec->finish. */
int jsonstream_end(struct jsonstream *js);
void jsonstream_free(struct jsonstream *js);

/* One document in memory, uncompressed: new, feed, end, free. */
int jsonstream_parse_buf(struct ctx *c, const struct jsonstream_spec *spec, void *arg,
    int *err, const uint8_t *buf, size_t len);
/*
 * One input file, plain or compressed: parsed to its end; then, when w is not
 * NULL, recorded as an input of w's current source (path, SHA-256 and size as
 * stored).
 */
int jsonstream_parse_file(struct ctx *c, const struct jsonstream_spec *spec, void *arg,
    int *err, const char *path, struct bundle_writer *w);

#endif
