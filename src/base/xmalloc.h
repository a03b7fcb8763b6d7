/*
 * xmalloc.h - allocation that cannot return NULL.
 *
 * Running out of memory is the one failure library code does not return: these
 * print "airlock: out of memory" and abort (as OpenSSH's xmalloc does). Sizes
 * computed from input go through xreallocarray/ckd_* so they cannot wrap.
 * Everything returned is freed with free().
 */
#ifndef AIRLOCK_XMALLOC_H
#define AIRLOCK_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* xstrdup(s) or NULL when s is NULL */
char *xstrdup_or_null(const char *s);

#endif
