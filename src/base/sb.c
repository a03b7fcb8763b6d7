/* sb.c - growable string buffer. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ckd.h"
#include "base/sb.h"
#include "base/xmalloc.h"

static void
sb_grow(struct sb *b, size_t n)
{
	size_t need, cap;

	if (ckd_add(&need, b->len, n) || ckd_add(&need, need, 1))
		need = (size_t)-1;	/* xreallocarray aborts */
	if (need <= b->cap)
		return;
	cap = b->cap ? b->cap : 64;
	while (cap < need && cap < ((size_t)-1) / 2)
		cap *= 2;
	if (cap < need)
		cap = need;
	b->s = xreallocarray(b->s, cap, 1);
	b->cap = cap;
}

void
sb_add(struct sb *b, const char *s, size_t n)
{
	sb_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
sb_adds(struct sb *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void
sb_addc(struct sb *b, char c)
{
	sb_add(b, &c, 1);
}

void
sb_addf(struct sb *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at p (NUL-terminated), or 0 when invalid. */
static size_t
utf8_seq_len(const unsigned char *p)
{
	size_t n, i;
	unsigned int cp;

	if (p[0] < 0x80)
		return 1;
	if ((p[0] & 0xe0) == 0xc0) {
		n = 2;
		cp = p[0] & 0x1f;
	} else if ((p[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = p[0] & 0x0f;
	} else if ((p[0] & 0xf8) == 0xf0) {
		n = 4;
		cp = p[0] & 0x07;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void
sb_add_json_str(struct sb *b, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		sb_adds(b, "null");
		return;
	}
	sb_addc(b, '"');
	for (p = (const unsigned char *)s; *p; p++) {
		if (*p >= 0x80) {
			size_t n = utf8_seq_len(p);

			if (n == 0)
				sb_adds(b, "\\ufffd");	/* invalid UTF-8 byte */
			else
				sb_add(b, (const char *)p, n);
			p += n ? n - 1 : 0;
			continue;
		}
		switch (*p) {
		case '"': sb_adds(b, "\\\""); break;
		case '\\': sb_adds(b, "\\\\"); break;
		case '\n': sb_adds(b, "\\n"); break;
		case '\r': sb_adds(b, "\\r"); break;
		case '\t': sb_adds(b, "\\t"); break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sb_addf(b, "\\u%04x", *p);
			else
				sb_addc(b, (char)*p);
		}
	}
	sb_addc(b, '"');
}

void
sb_reset(struct sb *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

const char *
sb_str(struct sb *b)
{
	return b->s ? b->s : "";
}

char *
sb_steal(struct sb *b)
{
	char *s = b->s ? b->s : xstrdup("");

	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void
sb_free(struct sb *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}
