/*
 * sb.h - a growable string buffer.
 *
 * The buffer owns s (always NUL-terminated once anything was added); sb_free()
 * releases it and sb_steal() hands it to the caller, who frees it with free().
 */
#ifndef AIRLOCK_SB_H
#define AIRLOCK_SB_H

#include <stddef.h>

struct sb {
	char *s;
	size_t len;
	size_t cap;
};

#define SB_INIT { NULL, 0, 0 }

void sb_add(struct sb *b, const char *s, size_t n);
void sb_adds(struct sb *b, const char *s);
void sb_addc(struct sb *b, char c);
void sb_addf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal with quotes; NULL appends null. */
void sb_add_json_str(struct sb *b, const char *s);
void sb_reset(struct sb *b);
const char *sb_str(struct sb *b);	/* "" when empty; borrowed */
char *sb_steal(struct sb *b);		/* caller frees; b is reset */
void sb_free(struct sb *b);

#endif
