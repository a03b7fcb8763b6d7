/*
 * file.h - whole-file reads with a size cap, and crash-safe replacement.
 *
 * file_read: *buf is allocated by the call (NUL-terminated past len for text
 * convenience) and freed by the caller with free(); NULL on failure.
 * file_write_atomic: writes to "PATH.tmp.XXXXXX" beside PATH, fsyncs, renames
 * over PATH and fsyncs the directory; on failure PATH is untouched and the
 * temporary file is removed.
 * file_temp: creates "PATH.tmp.XXXXXX" beside PATH for a caller that writes it
 * by stream; *tmp is allocated by the call (caller frees, and unlinks it unless
 * it was committed).
 */
#ifndef AIRLOCK_FILE_H
#define AIRLOCK_FILE_H

#include <stddef.h>
#include <stdint.h>

struct ctx;

int file_read(struct ctx *c, const char *path, size_t max, uint8_t **buf, size_t *len);
int file_write_atomic(struct ctx *c, const char *path, const void *data, size_t len,
    int mode);
int file_temp(struct ctx *c, const char *path, int *fd, char **tmp);
/* Writes all of data to fd (name is for messages). */
int file_write_all(struct ctx *c, int fd, const void *data, size_t len, const char *name);
/* fchmod(mode) and fsync of fd (name is for messages). */
int file_sync(struct ctx *c, int fd, int mode, const char *name);
/* Closes fd (written and file_sync'ed) and moves tmp over path (file_commit);
 * tmp is removed on failure. */
int file_close_commit(struct ctx *c, int fd, const char *tmp, const char *path);
/* Moves an already written and fsynced temporary file over path (same dir). */
int file_commit(struct ctx *c, const char *tmp, const char *path);

#endif
