/*
 * zst.h - zstd compression of a bundle database (airlock-feed only).
 *
 * Decompression is not here: it lives in open.c, next to the signature checks,
 * so the scanner decompresses only bytes it has verified.
 *
 * Ownership: the caller owns out_fd (left open) and the files.
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
 * Memory stays bounded (one input and one output chunk): the frame is written
 * to out_fd as it is made (out_name is for messages), *outlen its length.
 * E_LIMIT when the input or the output (BUNDLE_ZST_MAX) is over its cap.
 * zst_compress_file writes out_path atomically (temporary file beside it,
 * fsync, rename; untouched on failure).
 */
int zst_compress_fd(struct ctx *c, const char *in_path, int out_fd, const char *out_name,
    uint64_t *outlen);
int zst_compress_file(struct ctx *c, const char *in_path, const char *out_path,
    uint64_t *outlen);

#endif
