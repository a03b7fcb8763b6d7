/*
 * jsonstream.c - the streaming JSON driver of the feed parsers: see
 * jsonstream.h. The bytes come from memory or from a feed_stream (which
 * decompresses, hashes and counts the stored file); yajl gets them in
 * JSONSTREAM_CHUNK pieces after the token guard has walked them.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "bundles/write.h"
#include "feeds/jsonstream.h"
#include "feeds/stream.h"

/* Named limits. */
#define JSONSTREAM_CHUNK	65536	/* bytes per read and per yajl_parse() */

struct jsonstream {
	struct ctx *c;
	const struct jsonstream_spec *spec;
	void *arg;
	int *err;		/* the callbacks' error slot: first E_* */
	yajl_handle h;
	uint64_t offset;	/* bytes parsed before the current chunk */
	uint64_t line;		/* 1 + newlines parsed before the current chunk */
	const uint8_t *chunk;	/* in yajl_parse(): its bytes, for positions */
	uint8_t *buf;		/* JSONSTREAM_CHUNK bytes for jsonstream_read() */

	/* Token guard: inside a string, after a backslash, current run. */
	int in_str;
	int esc;
	size_t run;
};

static uint64_t
newlines(const uint8_t *p, size_t n)
{
	const uint8_t *end = p + n;
	uint64_t k = 0;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Where yajl stands: in the current chunk during yajl_parse(), else at the end. */
static void
position(struct jsonstream *js, unsigned long long *line, unsigned long long *byte)
{
	size_t in = js->chunk != NULL ? yajl_get_bytes_consumed(js->h) : 0;

	*line = js->line + (js->chunk != NULL ? newlines(js->chunk, in) : 0);
	*byte = js->offset + in;
}

/* Turns a failed yajl_parse()/yajl_complete_parse() into our error. */
static int
parse_failed(struct jsonstream *js, yajl_status st)
{
	unsigned long long line, byte;
	unsigned char *msg;
	size_t len;

	position(js, &line, &byte);
	js->chunk = NULL;
	if (st == yajl_status_client_canceled) {
		if (*js->err == 0)
			*js->err = ctx_err(js->c, E_INTERNAL, "parse cancelled without an error");
		ctx_prefix(js->c, "line %llu, byte %llu", line, byte);
		return *js->err;
	}
	msg = yajl_get_error(js->h, 0, NULL, 0);
	if (msg == NULL)
		return *js->err = ctx_err(js->c, E_FORMAT, "line %llu, byte %llu: invalid json",
		    line, byte);
	len = strlen((char *)msg);
	while (len > 0 && (msg[len - 1] == '\n' || msg[len - 1] == '.' ||
	    msg[len - 1] == ' '))
		msg[--len] = '\0';
	*js->err = ctx_err(js->c, E_FORMAT, "line %llu, byte %llu: %s", line, byte,
	    (char *)msg);
	yajl_free_error(js->h, msg);
	return *js->err;
}

/*
 * Parses one chunk. Before yajl sees it, the guard finds the first byte that
 * would make a raw token longer than token_max; yajl gets the bytes before it,
 * so a syntax error there still reads as one.
 */
static int
feed_chunk(struct jsonstream *js, const uint8_t *buf, size_t len)
{
	yajl_status st;
	size_t i;
	int over = 0;

	for (i = 0; i < len; i++) {
		uint8_t ch = buf[i];

		if (js->in_str) {
			if (js->esc)
				js->esc = 0;
			else if (ch == '\\')
				js->esc = 1;
			else if (ch == '"') {
				js->in_str = 0;
				js->run = 0;
				continue;
			}
		} else {
			switch (ch) {
			case '"':
				js->in_str = 1;
				js->run = 0;
				continue;
			case '{': case '}': case '[': case ']': case ',': case ':':
			case ' ': case '\t': case '\n': case '\r':
				js->run = 0;
				continue;
			}
		}
		if (++js->run > js->spec->token_max) {
			over = 1;
			break;
		}
	}
	if (i > 0) {
		js->chunk = buf;
		if ((st = yajl_parse(js->h, buf, i)) != yajl_status_ok)
			return parse_failed(js, st);
		js->chunk = NULL;
		js->offset += i;
		js->line += newlines(buf, i);
	}
	if (over)
		return *js->err = ctx_err(js->c, E_LIMIT, "line %llu, byte %llu: json token "
		    "longer than %zu bytes (%s)", (unsigned long long)js->line,
		    (unsigned long long)js->offset, js->spec->token_max, js->spec->token_limit);
	return 0;
}

/* yajl's callbacks, into the spec's events. */
static int
cb_null(void *ctx)
{
	struct jsonstream *js = ctx;

	return js->spec->scalar(js->arg, JSON_NULL, NULL, 0);
}

static int
cb_boolean(void *ctx, int v)
{
	struct jsonstream *js = ctx;

	return js->spec->scalar(js->arg, JSON_BOOL, v ? "true" : "false", v ? 4 : 5);
}

static int
cb_number(void *ctx, const char *s, size_t len)
{
	struct jsonstream *js = ctx;

	return js->spec->scalar(js->arg, JSON_NUMBER, s, len);
}

static int
cb_string(void *ctx, const unsigned char *s, size_t len)
{
	struct jsonstream *js = ctx;

	return js->spec->scalar(js->arg, JSON_STRING, (const char *)s, len);
}

static int
cb_start_map(void *ctx)
{
	struct jsonstream *js = ctx;

	return js->spec->open(js->arg, 1);
}

static int
cb_start_array(void *ctx)
{
	struct jsonstream *js = ctx;

	return js->spec->open(js->arg, 0);
}

static int
cb_map_key(void *ctx, const unsigned char *key, size_t len)
{
	struct jsonstream *js = ctx;

	return js->spec->key(js->arg, (const char *)key, len);
}

static int
cb_end(void *ctx)
{
	struct jsonstream *js = ctx;

	return js->spec->close(js->arg);
}

static const yajl_callbacks callbacks = {
	cb_null,
	cb_boolean,
	NULL,		/* integers and doubles arrive as cb_number text */
	NULL,
	cb_number,
	cb_string,
	cb_start_map,
	cb_map_key,
	cb_end,
	cb_start_array,
	cb_end,
};

int
jsonstream_new(struct ctx *c, const struct jsonstream_spec *spec, void *arg, int *err,
    struct jsonstream **out)
{
	struct jsonstream *js;

	*out = NULL;
	js = xcalloc(1, sizeof(*js));
	js->c = c;
	js->spec = spec;
	js->arg = arg;
	js->err = err;
	js->line = 1;
	if ((js->h = yajl_alloc(&callbacks, NULL, js)) == NULL) {
		free(js);
		return ctx_err(c, E_NOMEM, "json parser: out of memory");
	}
	*out = js;
	return 0;
}

int
jsonstream_feed(struct jsonstream *js, const uint8_t *buf, size_t len)
{
	size_t off, n;
	int r;

	if (*js->err != 0)
		return *js->err;
	for (off = 0; off < len; off += n) {
		n = len - off < JSONSTREAM_CHUNK ? len - off : JSONSTREAM_CHUNK;
		if ((r = feed_chunk(js, buf + off, n)) != 0)
			return r;
	}
	return 0;
}

int
jsonstream_read(struct jsonstream *js, struct feed_stream *in)
{
	ssize_t n;
	int r;

	if (*js->err != 0)
		return *js->err;
	if (js->buf == NULL)
		js->buf = xmalloc(JSONSTREAM_CHUNK);
	while ((n = feed_stream_read(in, js->buf, JSONSTREAM_CHUNK)) > 0)
		if ((r = feed_chunk(js, js->buf, (size_t)n)) != 0)
			return r;
	if (n < 0)
		return *js->err = feed_stream_error(in);
	return 0;
}

int
jsonstream_end(struct jsonstream *js)
{
	yajl_status st;
	int r;

	if (*js->err != 0)
		return *js->err;
	if ((st = yajl_complete_parse(js->h)) != yajl_status_ok)
		return parse_failed(js, st);
	if (js->spec->finish != NULL && (r = js->spec->finish(js->arg)) != 0)
		return *js->err = r;
	return 0;
}

void
jsonstream_free(struct jsonstream *js)
{
	if (js == NULL)
		return;
	yajl_free(js->h);
	free(js->buf);
	free(js);
}

int
jsonstream_parse_buf(struct ctx *c, const struct jsonstream_spec *spec, void *arg,
    int *err, const uint8_t *buf, size_t len)
{
	struct jsonstream *js = NULL;
	int r;

	if ((uint64_t)len > spec->size.data_max)
		return ctx_err(c, E_LIMIT, "input larger than %llu bytes (%s)",
		    (unsigned long long)spec->size.data_max, spec->size.data_limit);
	if ((r = jsonstream_new(c, spec, arg, err, &js)) != 0)
		return r;
	if ((r = jsonstream_feed(js, buf, len)) == 0)
		r = jsonstream_end(js);
	jsonstream_free(js);
	return r;
}

int
jsonstream_parse_file(struct ctx *c, const struct jsonstream_spec *spec, void *arg,
    int *err, const char *path, struct bundle_writer *w)
{
	struct feed_stream *in = NULL;
	struct jsonstream *js = NULL;
	char hex[65];
	uint64_t bytes;
	int r;

	if ((r = feed_stream_open_file(c, path, &spec->size, &in)) != 0)
		goto out;
	if ((r = jsonstream_new(c, spec, arg, err, &js)) != 0 ||
	    (r = jsonstream_read(js, in)) != 0 ||
	    (r = jsonstream_end(js)) != 0 ||
	    (r = feed_stream_finish(in, hex, &bytes)) != 0)
		goto out;
	if (w != NULL)
		r = bundle_writer_input(c, w, path, hex, bytes, NULL);
 out:
	jsonstream_free(js);
	feed_stream_free(in);
	return r;
}
