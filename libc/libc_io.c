/* SPDX-License-Identifier: MIT */
/* libc_io.c: newlib's I/O system calls, dispatched through the descriptor table (libc_fd.c),
 * and the console's side of it: descriptors 0, 1 and 2. */
#include <errno.h>
#include <poll.h>
#include <reent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/thread.h>

#include <mote/fdtable.h>
#include "libc_unsupported.h"

/* One byte read ahead by poll() to learn whether input is pending: the console can only be
 * read, not peeked. -1 when empty. */
static int console_lookahead = -1;

static long console_take(char *buf, size_t len)
{
	long n = 0;

	if (console_lookahead >= 0) {
		buf[0] = (char)console_lookahead;
		console_lookahead = -1;
		if (len == 1)
			return 1;
		n = hal_console_read(buf + 1, len - 1);
		return n < 0 ? 1 : n + 1;
	}
	return hal_console_read(buf, len);
}

static ssize_t console_read(int handle, void *buf, size_t len)
{
	long n;

	if (handle != STDIN_FILENO)
		return -EBADF;
	if (len == 0)
		return 0;
	/* Block until some input arrives: polled, as the console has no interrupt yet. */
	while ((n = console_take(buf, len)) == 0)
		hal_cpu_relax();
	return n;
}

static ssize_t console_write(int handle, const void *buf, size_t len)
{
	if (handle == STDIN_FILENO)
		return -EBADF;
	hal_console_write(buf, len);
	return (ssize_t)len;
}

static int console_close(int handle) { return 0; }

static int console_fstat(int handle, struct stat *st)
{
	*st = (struct stat){.st_mode = S_IFCHR | 0620, .st_blksize = 0};
	return 0;
}

static short console_ready(int handle, short events)
{
	short ready = 0;
	char c;

	if (handle == STDIN_FILENO && (events & POLLIN)) {
		if (console_lookahead < 0 && hal_console_read(&c, 1) == 1)
			console_lookahead = (unsigned char)c;
		if (console_lookahead >= 0)
			ready |= POLLIN;
	}
	if (handle != STDIN_FILENO)
		ready |= events & POLLOUT;
	return ready;
}

/* The console has no input interrupt yet, so waiting for input looks again every millisecond
 * (sleeping in between: the CPU is free for other threads). */
static int console_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	uint64_t deadline =
	        timeout_ms < 0 ? UINT64_MAX : hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;

	for (;;) {
		int nready = 0;

		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents = console_ready(fds[i].fd, fds[i].events);
			nready += fds[i].revents != 0;
		}
		if (nready > 0 || hal_clock_monotonic_ns() >= deadline)
			return nready;
		thread_sleep_until(hal_clock_monotonic_ns() + 1000000u);
	}
}

const struct libc_fd_ops libc_console_ops = {
        .kind = "console",
        .read = console_read,
        .write = console_write,
        .close = console_close,
        .fstat = console_fstat,
        .poll = console_poll,
};

static const struct libc_fd_ops *lookup(struct _reent *r, int fd, int *handle)
{
	const struct libc_fd_ops *ops = libc_fd_get(fd, handle);

	if (ops == NULL)
		r->_errno = EBADF;
	return ops;
}

_ssize_t _write_r(struct _reent *r, int fd, const void *buf, size_t len)
{
	int handle;
	const struct libc_fd_ops *ops = lookup(r, fd, &handle);
	ssize_t n;

	if (ops == NULL)
		return -1;
	n = ops->write(handle, buf, len);
	if (n < 0) {
		r->_errno = (int)-n;
		return -1;
	}
	return n;
}

_ssize_t _read_r(struct _reent *r, int fd, void *buf, size_t len)
{
	int handle;
	const struct libc_fd_ops *ops = lookup(r, fd, &handle);
	ssize_t n;

	if (ops == NULL)
		return -1;
	n = ops->read(handle, buf, len);
	if (n < 0) {
		r->_errno = (int)-n;
		return -1;
	}
	return n;
}

int _close_r(struct _reent *r, int fd)
{
	int handle, rc;
	const struct libc_fd_ops *ops = lookup(r, fd, &handle);

	if (ops == NULL)
		return -1;
	/* The console stays open: stdio's streams and the kernel log share it. */
	if (ops == &libc_console_ops)
		return 0;
	libc_fd_release(fd);
	rc = ops->close(handle);
	if (rc < 0) {
		r->_errno = -rc;
		return -1;
	}
	return 0;
}

int _fstat_r(struct _reent *r, int fd, struct stat *st)
{
	int handle, rc;
	const struct libc_fd_ops *ops = lookup(r, fd, &handle);

	if (ops == NULL)
		return -1;
	rc = ops->fstat(handle, st);
	if (rc < 0) {
		r->_errno = -rc;
		return -1;
	}
	return 0;
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
