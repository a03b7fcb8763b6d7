/*
 * cur.h - a bounded read cursor over bytes someone else owns.
 *
 * Every parser of untrusted bytes reads through a cursor: a get that would run
 * past the end returns E_FORMAT and leaves the cursor where it was. The bytes are
 * borrowed: they must outlive the cursor and anything returned from it.
 */
#ifndef AIRLOCK_CUR_H
#define AIRLOCK_CUR_H

#include <stddef.h>
#include <stdint.h>

struct cur {
	const uint8_t *p;
	size_t len;
	size_t off;
};

void cur_init(struct cur *k, const void *p, size_t len);
size_t cur_avail(const struct cur *k);
int cur_skip(struct cur *k, size_t n);
int cur_get_u8(struct cur *k, uint8_t *v);
int cur_get_u16be(struct cur *k, uint16_t *v);
int cur_get_u32be(struct cur *k, uint32_t *v);
int cur_get_u32le(struct cur *k, uint32_t *v);
int cur_get_u64le(struct cur *k, uint64_t *v);
/* Points *v at the next n bytes (borrowed) and advances past them. */
int cur_get_bytes(struct cur *k, size_t n, const uint8_t **v);
/* Copies the next n bytes into out. */
int cur_copy(struct cur *k, void *out, size_t n);
/*
 * Next line without its '\n' (a final line may lack one). Returns E_FORMAT at the
 * end, E_LIMIT when a line exceeds max bytes. *line is borrowed, not NUL-ended.
 */
int cur_get_line(struct cur *k, size_t max, const char **line, size_t *len);

#endif
