/* SPDX-License-Identifier: MIT */
/* libc_fd.c: the descriptor table and the POSIX calls that only dispatch through it (fcntl,
 * ioctl, readv, writev). Descriptors 0-2 are the console from boot. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mote/thread.h>

#include <mote/fdtable.h>

extern const struct libc_fd_ops libc_console_ops;

struct fd_slot {
	const struct libc_fd_ops *ops;
	int handle;
};

static struct fd_slot fd_table[LIBC_FD_MAX] = {
        {&libc_console_ops, STDIN_FILENO},
        {&libc_console_ops, STDOUT_FILENO},
        {&libc_console_ops, STDERR_FILENO},
};

/* Slots change under preemption off: one CPU, and no slot operation blocks. */
int libc_fd_alloc(const struct libc_fd_ops *ops, int handle, int min)
{
	int fd = -EMFILE;

	if (min < 0)
		min = 0;
	sched_preempt_disable();
	for (int i = min; i < LIBC_FD_MAX; i++) {
		if (fd_table[i].ops == NULL) {
			fd_table[i] = (struct fd_slot){ops, handle};
			fd = i;
			break;
		}
	}
	sched_preempt_enable();
	return fd;
}

const struct libc_fd_ops *libc_fd_get(int fd, int *handle)
{
	const struct libc_fd_ops *ops = NULL;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return NULL;
	sched_preempt_disable();
	if (fd_table[fd].ops != NULL) {
		ops = fd_table[fd].ops;
		*handle = fd_table[fd].handle;
	}
	sched_preempt_enable();
	return ops;
}

void libc_fd_release(int fd)
{
	if (fd < 0 || fd >= LIBC_FD_MAX)
		return;
	sched_preempt_disable();
	fd_table[fd].ops = NULL;
	sched_preempt_enable();
}

static int fail(int err)
{
	errno = err;
	return -1;
}

int fcntl(int fd, int cmd, ...)
{
	const struct libc_fd_ops *ops;
	int handle, arg = 0, rc;
	va_list ap;

	va_start(ap, cmd);
	if (cmd == F_SETFL || cmd == F_SETFD || cmd == F_DUPFD)
		arg = va_arg(ap, int);
	va_end(ap);
	ops = libc_fd_get(fd, &handle);
	if (ops == NULL)
		return fail(EBADF);
	if (cmd == F_GETFD || cmd == F_SETFD)
		return 0; /* no exec, so close-on-exec means nothing */
	if (ops->fcntl == NULL)
		return fail(EINVAL);
	rc = ops->fcntl(handle, cmd, arg);
	return rc < 0 ? fail(-rc) : rc;
}

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }

int ioctl(int fd, unsigned long req, ...)
{
	const struct libc_fd_ops *ops;
	int handle, rc;
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	ops = libc_fd_get(fd, &handle);
	if (ops == NULL)
		return fail(EBADF);
	if (ops->ioctl == NULL)
		return fail(ENOTTY);
	rc = ops->ioctl(handle, req, arg);
	return rc < 0 ? fail(-rc) : rc;
}

/* Piece by piece: a short transfer ends the call, as a short read or write would. */
static ssize_t transfer_vector(int fd, const struct iovec *iov, int iovcnt,
                               ssize_t (*transfer)(int fd, void *buf, size_t len))
{
	ssize_t total = 0;

	if (iovcnt < 0 || iovcnt > IOV_MAX)
		return fail(EINVAL);
	for (int i = 0; i < iovcnt; i++) {
		ssize_t n = transfer(fd, iov[i].iov_base, iov[i].iov_len);

		if (n < 0)
			return total > 0 ? total : -1;
		total += n;
		if ((size_t)n < iov[i].iov_len)
			break;
	}
	return total;
}

/* read() and write() through one signature (write only reads the buffer). */
static ssize_t read_buf(int fd, void *buf, size_t len) { return read(fd, buf, len); }
static ssize_t write_buf(int fd, void *buf, size_t len) { return write(fd, buf, len); }

ssize_t readv(int fd, const struct iovec *iov, int iovcnt)
{
	return transfer_vector(fd, iov, iovcnt, read_buf);
}
ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
	return transfer_vector(fd, iov, iovcnt, write_buf);
}
