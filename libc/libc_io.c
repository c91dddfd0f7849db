/* SPDX-License-Identifier: MIT */
/* libc_io.c: newlib's I/O system calls, dispatched through the descriptor table (libc_fd.c)
 * to each descriptor's kind (the console's is libc_console.c). */
#include <errno.h>
#include <reent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mote/fdtable.h>
#include "libc_fd.h"
#include "libc_unsupported.h"

/* Each call holds the descriptor's description while the kind works on it (libc_fd.c), so a
 * close() in another thread meanwhile cannot close the object under it. */
#define HOLD(r, fd, ops, handle, f)                          \
	do {                                                 \
		(f) = libc_fd_hold((fd), &(ops), &(handle)); \
		if ((f) == NULL) {                           \
			(r)->_errno = EBADF;                 \
			return -1;                           \
		}                                            \
	} while (0)

static long done(struct _reent *r, struct libc_fd_file *f, long rc)
{
	libc_fd_put(f);
	if (rc < 0) {
		r->_errno = (int)-rc;
		return -1;
	}
	return rc;
}

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t len)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle;

	HOLD(r, fd, ops, handle, f);
	return done(r, f, ops->write != NULL ? ops->write(handle, buf, len) : -EBADF);
}

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t len)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle;

	HOLD(r, fd, ops, handle, f);
	/* A kind without read is a directory (POSIX: EISDIR), or open for writing only. */
	return done(r, f, ops->read != NULL ? ops->read(handle, buf, len) : ops->readdir ? -EISDIR : -EBADF);
}

int _close_r(struct _reent *r, int fd)
{
	int rc = libc_fd_close(fd);

	if (rc < 0) {
		r->_errno = -rc;
		return -1;
	}
	return 0;
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle;

	HOLD(r, fd, ops, handle, f);
	if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END)
		return done(r, f, -EINVAL);
	return done(r, f, ops->lseek != NULL ? ops->lseek(handle, off, whence) : -ESPIPE);
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle;

	HOLD(r, fd, ops, handle, f);
	return (int)done(r, f, ops->fstat != NULL ? ops->fstat(handle, st) : -EBADF);
}

static const struct libc_fd_ops *lookup(struct _reent *r, int fd, int *handle)
{
	const struct libc_fd_ops *ops = libc_fd_get(fd, handle);

	if (ops == NULL)
		r->_errno = EBADF;
	return ops;
}

int _isatty_r(struct _reent *r, int fd)
{
	int handle;
	const struct libc_fd_ops *ops = lookup(r, fd, &handle);

	if (ops == NULL)
		return 0;
	if (ops == &libc_console_ops)
		return 1;
	r->_errno = ENOTTY;
	return 0;
}

int isatty(int fd) { return _isatty_r(_REENT, fd); }
