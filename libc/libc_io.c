/* SPDX-License-Identifier: MIT */
/* libc_io.c: newlib's I/O system calls. File descriptors 0, 1 and 2 are the console; there is
 * no other file until the VFS exists. */
#include <errno.h>
#include <reent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hal/console.h>
#include <hal/cpu.h>

#include "libc_unsupported.h"

static int is_console(int fd) { return fd >= 0 && fd <= 2; }

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t len)
{
	if (fd != STDOUT_FILENO && fd != STDERR_FILENO) {
		r->_errno = EBADF;
		return -1;
	}
	hal_console_write(buf, len);
	return (_ssize_t)len;
}

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t len)
{
	long n;

	if (fd != STDIN_FILENO) {
		r->_errno = EBADF;
		return -1;
	}
	if (len == 0)
		return 0;
	/* Block until some input arrives: polled, as the console has no interrupt yet. */
	while ((n = hal_console_read(buf, len)) == 0)
		hal_cpu_relax();
	if (n < 0) {
		r->_errno = (int)-n;
		return -1;
	}
	return (_ssize_t)n;
}

int _close_r(struct _reent *r, int fd)
{
	if (is_console(fd))
		return 0;
	r->_errno = EBADF;
	return -1;
}

_off_t _lseek_r(struct _reent *r, int fd, _off_t off, int whence)
{
	r->_errno = is_console(fd) ? ESPIPE : EBADF;
	return -1;
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
	if (!is_console(fd)) {
		r->_errno = EBADF;
		return -1;
	}
	*st = (struct stat){.st_mode = S_IFCHR | 0620, .st_blksize = 0};
	return 0;
}

int _isatty_r(struct _reent *r, int fd)
{
	if (is_console(fd))
		return 1;
	r->_errno = EBADF;
	return 0;
}

int isatty(int fd) { return _isatty_r(_REENT, fd); }

int _open_r(struct _reent *r, const char *path, int flags, int mode) { LIBC_UNSUPPORTED(r, "open"); }
int _stat_r(struct _reent *r, const char *path, struct stat *st) { LIBC_UNSUPPORTED(r, "stat"); }
int _link_r(struct _reent *r, const char *old, const char *new) { LIBC_UNSUPPORTED(r, "link"); }
int _unlink_r(struct _reent *r, const char *path) { LIBC_UNSUPPORTED(r, "unlink"); }
int _rename_r(struct _reent *r, const char *old, const char *new) { LIBC_UNSUPPORTED(r, "rename"); }
int _mkdir_r(struct _reent *r, const char *path, int mode) { LIBC_UNSUPPORTED(r, "mkdir"); }
int _fcntl_r(struct _reent *r, int fd, int cmd, int arg) { LIBC_UNSUPPORTED(r, "fcntl"); }
