/* SPDX-License-Identifier: MIT */
/* libc_fd.h: the file-descriptor table that the console, sockets (and later files) share.
 * Each descriptor is a kind's ops table plus that kind's own handle for the object. */
#ifndef LIBC_FD_H
#define LIBC_FD_H

#include <poll.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#define LIBC_FD_MAX 64 /* newlib's FD_SETSIZE: select() can name every descriptor */

/* Each call returns what the POSIX call would, or a negative errno instead of -1. */
struct libc_fd_ops {
	const char *kind; /* "console", "socket" */
	ssize_t (*read)(int handle, void *buf, size_t len);
	ssize_t (*write)(int handle, const void *buf, size_t len);
	int (*close)(int handle);
	int (*fstat)(int handle, struct stat *st);
	int (*fcntl)(int handle, int cmd, int arg);             /* optional */
	int (*ioctl)(int handle, unsigned long req, void *arg); /* optional */
	/* Wait until one of fds (whose fd fields hold this kind's handles) is ready or
	 * timeout_ms passes (-1: forever, 0: just look); set revents and return how many are
	 * ready. Called with only this kind's descriptors. */
	int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);
};

/* The lowest free descriptor for (ops, handle), or -EMFILE. */
int libc_fd_alloc(const struct libc_fd_ops *ops, int handle);
/* The ops of fd and its handle in *handle, or NULL when fd is not open. */
const struct libc_fd_ops *libc_fd_get(int fd, int *handle);
/* Forget fd (after its kind closed the object). */
void libc_fd_release(int fd);

#endif
