#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

int
mcert_path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int
mcert_error_exists(const char *path, struct mcert_error *err)
{
	return mcert_error_set(err, MCERT_E_IO,
	    N_("%s already exists; meetcert never overwrites a file (a live "
	    "key replaced breaks its service at once): choose a new name, "
	    "such as one ending in -2"), path);
}

int
mcert_write_all(int fd, const void *data, size_t len)
{
	const unsigned char *p = data;
	ssize_t r;

	while (len > 0) {
		if ((r = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

void
mcert_sync_parent(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (dir == NULL)
		return;
	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int
mcert_write_fd(int fd, const char *path, const void *data, size_t len,
    mode_t mode, struct mcert_error *err)
{
	int ok = fchmod(fd, mode) != -1 && mcert_write_all(fd, data, len) != -1 &&
	    fsync(fd) != -1;

	if (close(fd) == -1)
		ok = 0;
	if (!ok)
		return mcert_error_set(err, MCERT_E_IO, N_("%s: cannot write "
		    "it: %s"), path, strerror(errno));
	return MCERT_OK;
}

int
mcert_write_new(const char *path, const void *data, size_t len,
    mode_t mode, struct mcert_error *err)
{
	const char *base = strrchr(path, '/');
	char *tmp = NULL;
	int fd = -1, ret = MCERT_E_IO, e;

	if (mcert_path_exists(path))
		return mcert_error_exists(path, err);
	base = base != NULL ? base + 1 : path;
	if (asprintf(&tmp, "%.*s.%s.tmpXXXXXX", (int)(base - path), path,
	    base) == -1)
		return mcert_error_set(err, MCERT_E_NOMEM,
		    N_("%s: out of memory"), path);
	/* mkstemp creates 0600 with O_EXCL; widen only for public files. */
	if ((fd = mkstemp(tmp)) == -1) {
		e = errno;
		mcert_error_set(err, MCERT_E_IO, e == EACCES ?
		    N_("%s: cannot create it: %s; write it into a directory "
		    "you own") : N_("%s: cannot create it: %s"), path,
		    strerror(e));
		free(tmp);
		return MCERT_E_IO;
	}
	e = mcert_write_fd(fd, path, data, len, mode, err);
	fd = -1;	/* closed */
	if (e != MCERT_OK)
		goto out;
	/* link() fails rather than replace: the last word on overwriting. */
	if (link(tmp, path) == -1) {
		if (errno == EEXIST)
			mcert_error_exists(path, err);
		else
			mcert_error_set(err, MCERT_E_IO,
			    N_("%s: cannot create it: %s"), path,
			    strerror(errno));
		goto out;
	}
	mcert_sync_parent(path);
	ret = MCERT_OK;
out:
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return ret;
}
