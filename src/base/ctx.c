/* ctx.c - error messages held in the run's context. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/ctx.h"

void
ctx_init(struct ctx *c)
{
	memset(c, 0, sizeof(*c));
}

static void
ctx_vset(struct ctx *c, int code, const char *fmt, va_list ap)
{
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	c->err_code = code;
}

int
ctx_err(struct ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ctx_vset(c, code, fmt, ap);
	va_end(ap);
	return code;
}

int
ctx_errno(struct ctx *c, int code, const char *fmt, ...)
{
	int saved = errno;
	size_t len;
	va_list ap;

	va_start(ap, fmt);
	ctx_vset(c, code, fmt, ap);
	va_end(ap);
	len = strlen(c->err);
	snprintf(c->err + len, sizeof(c->err) - len, ": %s", strerror(saved));
	return code;
}

void
ctx_prefix(struct ctx *c, const char *fmt, ...)
{
	char head[CTX_ERR_MAX], old[CTX_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, c->err, sizeof(old));
	snprintf(c->err, sizeof(c->err), "%s: %s", head, old);
}

void
ctx_progress(struct ctx *c, uint64_t bytes)
{
	if (c->progress != NULL)
		c->progress(c->progress_arg, bytes);
}

const char *
ctx_code_name(int code)
{
	switch (code) {
	case E_OK: return "E_OK";
	case E_INTERNAL: return "E_INTERNAL";
	case E_NOMEM: return "E_NOMEM";
	case E_IO: return "E_IO";
	case E_FORMAT: return "E_FORMAT";
	case E_LIMIT: return "E_LIMIT";
	case E_USAGE: return "E_USAGE";
	case E_VERIFY: return "E_VERIFY";
	case E_NOTFOUND: return "E_NOTFOUND";
	case E_UNSUPPORTED: return "E_UNSUPPORTED";
	case E_STALE: return "E_STALE";
	}
	return "E_?";
}
