/* cur.c - bounded cursor; every bound is written as `avail < need`. */
#include "config.h"

#include <string.h>

#include "base/ctx.h"
#include "base/cur.h"

void
cur_init(struct cur *k, const void *p, size_t len)
{
	k->p = p;
	k->len = len;
	k->off = 0;
}

size_t
cur_avail(const struct cur *k)
{
	return k->len - k->off;
}

int
cur_skip(struct cur *k, size_t n)
{
	if (cur_avail(k) < n)
		return E_FORMAT;
	k->off += n;
	return 0;
}

int
cur_get_bytes(struct cur *k, size_t n, const uint8_t **v)
{
	if (cur_avail(k) < n)
		return E_FORMAT;
	*v = k->p + k->off;
	k->off += n;
	return 0;
}

int
cur_copy(struct cur *k, void *out, size_t n)
{
	const uint8_t *p;
	int r;

	if ((r = cur_get_bytes(k, n, &p)) != 0)
		return r;
	memcpy(out, p, n);
	return 0;
}

int
cur_get_u8(struct cur *k, uint8_t *v)
{
	const uint8_t *p;

	if (cur_get_bytes(k, 1, &p) != 0)
		return E_FORMAT;
	*v = p[0];
	return 0;
}

int
cur_get_u16be(struct cur *k, uint16_t *v)
{
	const uint8_t *p;

	if (cur_get_bytes(k, 2, &p) != 0)
		return E_FORMAT;
	*v = (uint16_t)((p[0] << 8) | p[1]);
	return 0;
}

int
cur_get_u32be(struct cur *k, uint32_t *v)
{
	const uint8_t *p;

	if (cur_get_bytes(k, 4, &p) != 0)
		return E_FORMAT;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return 0;
}

int
cur_get_u32le(struct cur *k, uint32_t *v)
{
	const uint8_t *p;

	if (cur_get_bytes(k, 4, &p) != 0)
		return E_FORMAT;
	*v = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	return 0;
}

int
cur_get_u64le(struct cur *k, uint64_t *v)
{
	const uint8_t *p;
	uint64_t x = 0;
	int i;

	if (cur_get_bytes(k, 8, &p) != 0)
		return E_FORMAT;
	for (i = 7; i >= 0; i--)
		x = (x << 8) | p[i];
	*v = x;
	return 0;
}

int
cur_get_line(struct cur *k, size_t max, const char **line, size_t *len)
{
	const uint8_t *start = k->p + k->off, *nl;
	size_t avail = cur_avail(k), n;

	if (avail == 0)
		return E_FORMAT;
	nl = memchr(start, '\n', avail);
	n = nl ? (size_t)(nl - start) : avail;
	if (n > max)
		return E_LIMIT;
	*line = (const char *)start;
	*len = n;
	k->off += nl ? n + 1 : n;
	return 0;
}
