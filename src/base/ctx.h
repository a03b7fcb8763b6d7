/*
 * ctx.h - the one context every library call takes first, and the one error type.
 *
 * Library functions return 0 on success or a negative E_* code; on failure the
 * context holds a one-line, lowercase message without the program name. Only
 * main() prints it and exits. Callers add context with ctx_prefix() as the error
 * travels up ("layer 3: var/lib/dpkg/status: line 812: ...").
 *
 * Ownership: struct ctx is owned by main(); nothing in it is heap-allocated.
 */
#ifndef AIRLOCK_CTX_H
#define AIRLOCK_CTX_H

#include <stddef.h>
#include <stdint.h>

enum {
	E_OK = 0,
	E_INTERNAL = -1,	/* a bug: should not happen */
	E_NOMEM = -2,
	E_IO = -3,		/* a system call failed; message ends with strerror */
	E_FORMAT = -4,		/* input is malformed */
	E_LIMIT = -5,		/* input exceeds a named limit; message names it */
	E_USAGE = -6,		/* bad command line or argument */
	E_VERIFY = -7,		/* signature, digest or trust check failed */
	E_NOTFOUND = -8,	/* a required thing is absent */
	E_UNSUPPORTED = -9,	/* valid input we do not handle */
	E_STALE = -10,		/* expired or rolled-back data */
};

#define CTX_ERR_MAX 1024

struct ctx {
	char err[CTX_ERR_MAX];	/* message of the last failure */
	int err_code;		/* its E_* code */
	int quiet;		/* suppress notes */
	/*
	 * Progress of a long read, or NULL (ctx_init): called through
	 * ctx_progress() with the bytes read so far of the current input file;
	 * the callback decides whether and how often to show it. Set by the
	 * caller that owns the display (airlock-feed build), with its argument.
	 */
	void (*progress)(void *arg, uint64_t bytes);
	void *progress_arg;
};

void ctx_init(struct ctx *c);

/* Sets the message and returns code, so a caller can write `return ctx_err(...)`. */
int ctx_err(struct ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* As ctx_err, with ": strerror(errno)" appended (errno read on entry). */
int ctx_errno(struct ctx *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "<formatted>: " to the current message. */
void ctx_prefix(struct ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Reports bytes read so far of the current input to c->progress; no-op when unset. */
void ctx_progress(struct ctx *c, uint64_t bytes);

/* Name of an E_* code, for tests and debugging. */
const char *ctx_code_name(int code);

#endif
