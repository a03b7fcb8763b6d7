/* file.c - capped reads and atomic writes. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/ctx.h"
#include "base/file.h"
#include "base/xmalloc.h"

int
file_read(struct ctx *c, const char *path, size_t max, uint8_t **bufp, size_t *lenp)
{
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t n;
	int fd = -1, r = E_INTERNAL;
	struct stat st;

	*bufp = NULL;
	*lenp = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		r = ctx_errno(c, E_IO, "%s", path);
		goto out;
	}
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = ctx_err(c, E_IO, "%s: is a directory", path);
		goto out;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if (cap > max + 1)
				cap = max + 1;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		if (len == cap) {	/* read max+1 bytes: over the cap */
			r = ctx_err(c, E_LIMIT, "%s: larger than %zu bytes", path, max);
			goto out;
		}
		n = read(fd, buf + len, cap - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			r = ctx_errno(c, E_IO, "%s: read", path);
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (buf == NULL)
		buf = xmalloc(1);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	buf = NULL;
	r = 0;
out:
	if (fd != -1)
		close(fd);
	free(buf);
	return r;
}

static int
fsync_dir_of(struct ctx *c, const char *path)
{
	char *copy = xstrdup(path);
	int fd, r = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		r = ctx_errno(c, E_IO, "%s: fsync directory", path);
	if (fd != -1)
		close(fd);
	free(copy);
	return r;
}

int
file_commit(struct ctx *c, const char *tmp, const char *path)
{
	if (rename(tmp, path) == -1) {
		int r = ctx_errno(c, E_IO, "%s: rename", path);

		unlink(tmp);
		return r;
	}
	return fsync_dir_of(c, path);
}

int
file_temp(struct ctx *c, const char *path, int *fd, char **tmp)
{
	size_t tlen = strlen(path) + sizeof(".tmp.XXXXXX");
	char *t = xmalloc(tlen);
	int r;

	*tmp = NULL;
	snprintf(t, tlen, "%s.tmp.XXXXXX", path);
	if ((*fd = mkstemp(t)) == -1) {
		r = ctx_errno(c, E_IO, "%s: create temporary file", path);
		free(t);
		return r;
	}
	*tmp = t;
	return 0;
}

int
file_write_all(struct ctx *c, int fd, const void *data, size_t len, const char *name)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return ctx_errno(c, E_IO, "%s: write", name);
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
file_sync(struct ctx *c, int fd, int mode, const char *name)
{
	if (fchmod(fd, (mode_t)mode) == -1 || fsync(fd) == -1)
		return ctx_errno(c, E_IO, "%s: fsync", name);
	return 0;
}

int
file_close_commit(struct ctx *c, int fd, const char *tmp, const char *path)
{
	int r;

	if (close(fd) == -1) {
		r = ctx_errno(c, E_IO, "%s: close", path);
		unlink(tmp);
		return r;
	}
	return file_commit(c, tmp, path);
}

int
file_write_atomic(struct ctx *c, const char *path, const void *data, size_t len, int mode)
{
	char *tmp = NULL;
	int fd = -1, r = E_INTERNAL;

	if ((r = file_temp(c, path, &fd, &tmp)) != 0)
		return r;
	if ((r = file_write_all(c, fd, data, len, path)) != 0)
		goto fail;
	if ((r = file_sync(c, fd, mode, path)) != 0)
		goto fail;
	r = file_close_commit(c, fd, tmp, path);
	free(tmp);
	return r;
fail:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return r;
}
