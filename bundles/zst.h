/*
 * zst.h - zstd compression of a bundle database (airlock-feed only).
 *
 * Decompression is not here: it lives in open.c, next to the signature checks,
 * so the scanner decompresses only bytes it has verified.
 *
 * Ownership: *out is allocated by the call and freed by the caller with free();
 * NULL on failure.
 */
#ifndef AIRLOCK_BUNDLE_ZST_H
#define AIRLOCK_BUNDLE_ZST_H

#include <stddef.h>
#include <stdint.h>

struct ctx;

#define ZST_LEVEL 12	/* compression level: 19 took ~11 min on a 350 MB database;
			 * 12 keeps builds in seconds and the output reproducible */

/*
 * Compresses the file at in_path (at most BUNDLE_DB_MAX bytes, read as a
 * stream) into one zstd frame with the content size and a checksum, single
 * threaded and deterministic: the same input and libzstd give the same bytes.
 * E_LIMIT when the input or the output (BUNDLE_ZST_MAX) is over its cap.
 */
int zst_compress_file(struct ctx *c, const char *in_path, uint8_t **out, size_t *outlen);

#endif
