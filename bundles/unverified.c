/*
 * unverified.c - open a bundle's database without checking its signature.
 *
 * Connected side only (libfeed): `airlock-feed sign` and `info` read their own
 * output. The scanner never links this file; tests/check-boundary.sh checks it.
 */
#include "config.h"

#include "base/ctx.h"
#include "bundles/bundle.h"
#include "bundles/bundle_private.h"

int
bundle_open_unverified(struct ctx *c, const uint8_t *zst, size_t len, struct bundle **out)
{
	struct bundle *b = NULL;
	int r;

	*out = NULL;
	if ((r = bundle_db_load(c, zst, len, BUNDLE_DB_MAX, &b)) != 0)
		return r;
	if ((r = bundle_db_read_meta(c, b)) != 0) {
		bundle_close(b);
		return r;
	}
	*out = b;
	return 0;
}
