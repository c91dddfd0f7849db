/* SPDX-License-Identifier: MIT */
/* libc_file_fd.c: a stop-gap: the descriptor calls files need (lseek, pread, pwrite, fsync,
 * fdatasync, ftruncate) dispatched to the descriptor's kind, until libc_fd.c carries them;
 * then this file goes. */
#include <errno.h>
#include <reent.h>
#include <unistd.h>

#include <mote/fdtable.h>

static const struct libc_fd_ops *get(int fd, int *handle, struct _reent *r)
{
	const struct libc_fd_ops *ops = libc_fd_get(fd, handle);

	if (!ops)
		r->_errno = EBADF;
	return ops;
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
	int handle;
	const struct libc_fd_ops *ops = get(fd, &handle, r);
	off_t rc;

	if (!ops)
		return -1;
	if (!ops->lseek) {
		r->_errno = ESPIPE;
		return -1;
	}
	rc = ops->lseek(handle, off, whence);
	if (rc < 0) {
		r->_errno = (int)-rc;
		return -1;
	}
	return rc;
}

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	int handle;
	const struct libc_fd_ops *ops = get(fd, &handle, _REENT);
	ssize_t rc;

	if (!ops)
		return -1;
	rc = ops->pread ? ops->pread(handle, buf, len, off) : -ESPIPE;
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	int handle;
	const struct libc_fd_ops *ops = get(fd, &handle, _REENT);
	ssize_t rc;

	if (!ops)
		return -1;
	rc = ops->pwrite ? ops->pwrite(handle, buf, len, off) : -ESPIPE;
	if (rc < 0) {
		errno = (int)-rc;
		return -1;
	}
	return rc;
}

static int sync_fd(int fd, bool data_only)
{
	int handle, rc;
	const struct libc_fd_ops *ops = get(fd, &handle, _REENT);

	if (!ops)
		return -1;
	rc = ops->fsync ? ops->fsync(handle, data_only) : -EINVAL;
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}

int fsync(int fd) { return sync_fd(fd, false); }
int fdatasync(int fd) { return sync_fd(fd, true); }

int ftruncate(int fd, off_t len)
{
	int handle, rc;
	const struct libc_fd_ops *ops = get(fd, &handle, _REENT);

	if (!ops)
		return -1;
	rc = ops->ftruncate ? ops->ftruncate(handle, len) : -EINVAL;
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return 0;
}
