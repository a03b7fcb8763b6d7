/* zst.c - deterministic zstd compression of a bundle database (airlock-feed only). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "base/ctx.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/zst.h"

/* Compresses in[0..len) with mode into *buf (growing it), under BUNDLE_ZST_MAX.
 * For ZSTD_e_end, loops until the frame is complete. */
static int
feed(struct ctx *c, ZSTD_CCtx *cctx, const void *in, size_t len, ZSTD_EndDirective mode,
    uint8_t **buf, size_t *blen, size_t *cap)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_outBuffer ob;
	size_t rem, chunk = ZSTD_CStreamOutSize();

	for (;;) {
		if (*cap - *blen < chunk) {
			*cap = *cap < chunk ? 2 * chunk : *cap * 2;
			*buf = xreallocarray(*buf, *cap, 1);
		}
		ob.dst = *buf + *blen;
		ob.size = *cap - *blen;
		ob.pos = 0;
		rem = ZSTD_compressStream2(cctx, &ob, &ib, mode);
		if (ZSTD_isError(rem))
			return ctx_err(c, E_INTERNAL, "zstd: %s", ZSTD_getErrorName(rem));
		*blen += ob.pos;
		if (*blen > BUNDLE_ZST_MAX)
			return ctx_err(c, E_LIMIT, "compressed bundle larger than %zu bytes "
			    "(BUNDLE_ZST_MAX)", BUNDLE_ZST_MAX);
		if (mode == ZSTD_e_end ? rem == 0 : ib.pos == ib.size)
			return 0;
	}
}

int
zst_compress_file(struct ctx *c, const char *in_path, uint8_t **out, size_t *outlen)
{
	ZSTD_CCtx *cctx = NULL;
	uint8_t *in = NULL, *buf = NULL;
	size_t inlen = ZSTD_CStreamInSize(), blen = 0, cap = 0, rc;
	uint64_t total = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, r = E_INTERNAL;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(in_path, O_RDONLY | O_CLOEXEC)) == -1)
		return ctx_errno(c, E_IO, "%s", in_path);
	if (fstat(fd, &st) == -1) {
		r = ctx_errno(c, E_IO, "%s: stat", in_path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = ctx_err(c, E_IO, "%s: not a regular file", in_path);
		goto out;
	}
	if ((uint64_t)st.st_size > BUNDLE_DB_MAX) {
		r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes (BUNDLE_DB_MAX)", in_path,
		    BUNDLE_DB_MAX);
		goto out;
	}
	if ((cctx = ZSTD_createCCtx()) == NULL) {
		r = ctx_err(c, E_NOMEM, "zstd: cannot create a compression context");
		goto out;
	}
	if (ZSTD_isError(rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, ZST_LEVEL)) ||
	    ZSTD_isError(rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 1)) ||
	    ZSTD_isError(rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_nbWorkers, 0)) ||
	    ZSTD_isError(rc = ZSTD_CCtx_setPledgedSrcSize(cctx, (unsigned long long)st.st_size))) {
		r = ctx_err(c, E_INTERNAL, "zstd: %s", ZSTD_getErrorName(rc));
		goto out;
	}
	in = xmalloc(inlen);
	for (;;) {
		n = read(fd, in, inlen);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = ctx_errno(c, E_IO, "%s: read", in_path);
			goto out;
		}
		if (n == 0)
			break;
		total += (uint64_t)n;
		if (total > (uint64_t)st.st_size) {
			r = ctx_err(c, E_IO, "%s: file grew while being compressed", in_path);
			goto out;
		}
		if ((r = feed(c, cctx, in, (size_t)n, ZSTD_e_continue, &buf, &blen, &cap)) != 0) {
			ctx_prefix(c, "%s", in_path);
			goto out;
		}
	}
	if (total != (uint64_t)st.st_size) {
		r = ctx_err(c, E_IO, "%s: file shrank while being compressed", in_path);
		goto out;
	}
	if ((r = feed(c, cctx, NULL, 0, ZSTD_e_end, &buf, &blen, &cap)) != 0) {
		ctx_prefix(c, "%s", in_path);
		goto out;
	}
	*out = buf;
	*outlen = blen;
	buf = NULL;
	r = 0;
out:
	ZSTD_freeCCtx(cctx);
	if (fd != -1)
		close(fd);
	free(in);
	free(buf);
	return r;
}
