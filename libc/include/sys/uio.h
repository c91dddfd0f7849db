/* SPDX-License-Identifier: MIT */
/* sys/uio.h: scatter/gather I/O (POSIX), which newlib lacks. */
#ifndef MOTE_SYS_UIO_H
#define MOTE_SYS_UIO_H

#include <stddef.h>
#include <sys/types.h>

#define IOV_MAX 1024

struct iovec {
	void *iov_base;
	size_t iov_len;
};

ssize_t readv(int fd, const struct iovec *iov, int iovcnt);
ssize_t writev(int fd, const struct iovec *iov, int iovcnt);

#endif
