/* Writing files without ever losing one: new names only, written whole. */
#ifndef MCERT_FILES_H
#define MCERT_FILES_H

#include <stddef.h>
#include <sys/types.h>

#include "error.h"

/* Writes data to path, which must not exist yet: into a temporary file
 * beside it (created with mode, 0600 for keys), synced, then linked into
 * place.  An existing file is never replaced (the guide: reusing a live
 * key name breaks the service at once), and a crash leaves no half file. */
int mcert_write_new(const char *path, const void *data, size_t len,
    mode_t mode, struct mcert_error *err);

/* Sets fd's mode, writes all of data, syncs and closes fd (always): the
 * temporary file of path, which a failure names. */
/* All len bytes of data to fd (a short write or EINTR goes on): 0, or
 * -1 with errno set. */
int mcert_write_all(int fd, const void *data, size_t len);

int mcert_write_fd(int fd, const char *path, const void *data, size_t len,
    mode_t mode, struct mcert_error *err);

/* Syncs the directory that holds path, so that a new name in it lasts. */
void mcert_sync_parent(const char *path);

/* 1 when path exists (as anything), 0 when it does not. */
int mcert_path_exists(const char *path);

/* The refusal for an existing path, with a suggested new name. */
int mcert_error_exists(const char *path, struct mcert_error *err);

#endif
