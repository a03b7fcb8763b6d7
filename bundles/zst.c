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
#include "base/file.h"
#include "base/xmalloc.h"
#include "bundles/bundle.h"
#include "bundles/zst.h"

/* Compresses in[0..len) with mode, writing each output chunk to out_fd, and
 * keeps *total under BUNDLE_ZST_MAX. For ZSTD_e_end, loops until the frame is
 * complete. */
static int
feed(struct ctx *c, ZSTD_CCtx *cctx, const void *in, size_t len, ZSTD_EndDirective mode,
    uint8_t *obuf, size_t ocap, int out_fd, const char *out_name, uint64_t *total)
{
	ZSTD_inBuffer ib = { in, len, 0 };
	ZSTD_outBuffer ob;
	size_t rem;
	int r;

	for (;;) {
		ob.dst = obuf;
		ob.size = ocap;
		ob.pos = 0;
		rem = ZSTD_compressStream2(cctx, &ob, &ib, mode);
		if (ZSTD_isError(rem))
			return ctx_err(c, E_INTERNAL, "zstd: %s", ZSTD_getErrorName(rem));
		*total += ob.pos;
		if (*total > BUNDLE_ZST_MAX)
			return ctx_err(c, E_LIMIT, "compressed bundle larger than %zu bytes "
			    "(BUNDLE_ZST_MAX)", BUNDLE_ZST_MAX);
		if (ob.pos > 0 && (r = file_write_all(c, out_fd, obuf, ob.pos, out_name)) != 0)
			return r;
		if (mode == ZSTD_e_end ? rem == 0 : ib.pos == ib.size)
			return 0;
	}
}

int
zst_compress_fd(struct ctx *c, const char *in_path, int out_fd, const char *out_name,
    uint64_t *outlen)
{
	ZSTD_CCtx *cctx = NULL;
	uint8_t *in = NULL, *obuf = NULL;
	size_t inlen = ZSTD_CStreamInSize(), ocap = ZSTD_CStreamOutSize(), rc;
	uint64_t total = 0, written = 0;
	struct stat st;
	ssize_t n;
	int fd = -1, r = E_INTERNAL;

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
	obuf = xmalloc(ocap);
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
		if ((r = feed(c, cctx, in, (size_t)n, ZSTD_e_continue, obuf, ocap, out_fd,
		    out_name, &written)) != 0) {
			ctx_prefix(c, "%s", in_path);
			goto out;
		}
	}
	if (total != (uint64_t)st.st_size) {
		r = ctx_err(c, E_IO, "%s: file shrank while being compressed", in_path);
		goto out;
	}
	if ((r = feed(c, cctx, NULL, 0, ZSTD_e_end, obuf, ocap, out_fd, out_name,
	    &written)) != 0) {
		ctx_prefix(c, "%s", in_path);
		goto out;
	}
	*outlen = written;
	r = 0;
out:
	ZSTD_freeCCtx(cctx);
	if (fd != -1)
		close(fd);
	free(in);
	free(obuf);
	return r;
}

int
zst_compress_file(struct ctx *c, const char *in_path, const char *out_path, uint64_t *outlen)
{
	char *tmp = NULL;
	int fd, r;

	*outlen = 0;
	if ((r = file_temp(c, out_path, &fd, &tmp)) != 0)
		return r;
	if ((r = zst_compress_fd(c, in_path, fd, out_path, outlen)) != 0 ||
	    (r = file_sync(c, fd, 0644, out_path)) != 0) {
		close(fd);
		unlink(tmp);
	} else
		r = file_close_commit(c, fd, tmp, out_path);
	if (r != 0)
		*outlen = 0;
	free(tmp);
	return r;
}
