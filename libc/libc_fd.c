/* SPDX-License-Identifier: MIT */
/* libc_fd.c: the descriptor table, shared by every kind (console, sockets, files), and the POSIX
 * calls that only dispatch through it: close, dup/dup2/dup3, fcntl, ioctl, pread/pwrite, fsync,
 * ftruncate, readv/writev. Descriptors 0-2 are the console from boot. */
#define _GNU_SOURCE /* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <mote/init.h>
#include <mote/thread.h>

#include <mote/fdtable.h>
#include "libc_fd.h"

/* An open file description: what open() or socket() made, shared by the descriptors that dup
 * made from it (so they share the kind's offset and status flags) and held by every call in
 * progress on one of them. The kind's close runs when the last of these lets go, so a close()
 * in one thread never frees an object that a read() in another is still using: it only takes
 * the descriptor out of the table. */
struct libc_fd_file {
	const struct libc_fd_ops *ops;
	int handle;
	unsigned refs; /* descriptors naming it + calls holding it */
	bool released; /* libc_fd_release(): the kind closes the object itself */
};

struct fd_slot {
	struct libc_fd_file *file;
	bool cloexec; /* FD_CLOEXEC belongs to the descriptor, not to the shared description */
};

/* The console's three descriptions are static and never freed: they start with one reference
 * more than their descriptors, so the count never reaches zero. */
static struct libc_fd_file console_files[3] = {
        {&libc_console_ops, STDIN_FILENO, 2, false},
        {&libc_console_ops, STDOUT_FILENO, 2, false},
        {&libc_console_ops, STDERR_FILENO, 2, false},
};

/* The locking rule: a slot is read or changed only with preemption off (one CPU), and nothing
 * inside those sections blocks or allocates; what can block (the kind's calls, its close,
 * malloc and free) runs outside them, on a description held by a reference. The table starts
 * zeroed, in .bss, so its 4 KiB are not in the image file (issue 15); the console's three slots
 * are filled in by the first init hook, before any subsystem or main() can use a descriptor. */
static struct fd_slot fd_table[LIBC_FD_MAX];

MOTE_BOOT_ONLY static void fd_table_init(void)
{
	for (int i = 0; i < 3; i++)
		fd_table[i] = (struct fd_slot){&console_files[i], false};
}
INIT_HOOK(libc_fd, "descriptors", INIT_LEVEL_DEVICES, fd_table_init);

static int fail(int err)
{
	errno = err;
	return -1;
}

/* Put f in the lowest free slot at or above min; the slot takes over the caller's reference. */
static int install(struct libc_fd_file *f, int min, bool cloexec)
{
	int fd = -EMFILE;

	sched_preempt_disable();
	for (int i = min < 0 ? 0 : min; i < LIBC_FD_MAX; i++) {
		if (fd_table[i].file == NULL) {
			fd_table[i] = (struct fd_slot){f, cloexec};
			fd = i;
			break;
		}
	}
	sched_preempt_enable();
	return fd;
}

int libc_fd_alloc(const struct libc_fd_ops *ops, int handle, int min)
{
	struct libc_fd_file *f = malloc(sizeof(*f));
	int fd;

	if (f == NULL)
		return -ENOMEM;
	*f = (struct libc_fd_file){ops, handle, 1, false};
	fd = install(f, min, false);
	if (fd < 0)
		free(f);
	return fd;
}

struct libc_fd_file *libc_fd_hold(int fd, const struct libc_fd_ops **ops, int *handle)
{
	struct libc_fd_file *f = NULL;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return NULL;
	sched_preempt_disable();
	f = fd_table[fd].file;
	if (f != NULL)
		f->refs++;
	sched_preempt_enable();
	if (f != NULL) {
		*ops = f->ops;
		*handle = f->handle;
	}
	return f;
}

/* Drop a reference; with the last, close the kind's object. Its close's result, or 0. */
static int file_put(struct libc_fd_file *f)
{
	bool last;
	int rc;

	sched_preempt_disable();
	last = --f->refs == 0;
	sched_preempt_enable();
	if (!last)
		return 0;
	rc = f->ops->close != NULL && !f->released ? f->ops->close(f->handle) : 0;
	free(f);
	return rc;
}

void libc_fd_put(struct libc_fd_file *f) { file_put(f); }

const struct libc_fd_ops *libc_fd_get(int fd, int *handle)
{
	const struct libc_fd_ops *ops = NULL;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return NULL;
	sched_preempt_disable();
	if (fd_table[fd].file != NULL) {
		ops = fd_table[fd].file->ops;
		*handle = fd_table[fd].file->handle;
	}
	sched_preempt_enable();
	return ops;
}

/* Take fd out of the table; the caller gets the slot's reference. */
static struct libc_fd_file *take(int fd)
{
	struct libc_fd_file *f;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return NULL;
	sched_preempt_disable();
	f = fd_table[fd].file;
	fd_table[fd] = (struct fd_slot){NULL, false};
	sched_preempt_enable();
	return f;
}

void libc_fd_release(int fd)
{
	struct libc_fd_file *f = take(fd);

	if (f != NULL) {
		f->released = true;
		file_put(f);
	}
}

int libc_fd_close(int fd)
{
	struct libc_fd_file *f;
	bool keep;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return -EBADF;
	/* Descriptors 0-2 on the console stay open: the console is the program's for its whole
	 * run (the kernel log shares it), and stdio's streams on it may still be in use. */
	sched_preempt_disable();
	f = fd_table[fd].file;
	keep = f != NULL && fd <= STDERR_FILENO && f->ops == &libc_console_ops;
	if (f != NULL && !keep)
		fd_table[fd] = (struct fd_slot){NULL, false};
	sched_preempt_enable();
	if (f == NULL)
		return -EBADF;
	if (keep)
		return 0;
	return file_put(f);
}

/* The table's descriptor newfd names oldfd's description from now on; what newfd named before
 * is closed, in one step as POSIX asks of dup2 (no moment where newfd is free). */
static int dup_onto(int oldfd, int newfd, bool cloexec)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f, *prev;
	int handle;

	if (newfd < 0 || newfd >= LIBC_FD_MAX)
		return -EBADF;
	f = libc_fd_hold(oldfd, &ops, &handle); /* this reference becomes newfd's */
	if (f == NULL)
		return -EBADF;
	sched_preempt_disable();
	prev = fd_table[newfd].file;
	fd_table[newfd] = (struct fd_slot){f, cloexec};
	sched_preempt_enable();
	if (prev != NULL)
		file_put(prev); /* errors of the implicit close are not reported, as in POSIX */
	return newfd;
}

/* A new descriptor at or above min for oldfd's description. */
static int dup_from(int oldfd, int min, bool cloexec)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle, fd;

	if (min < 0 || min >= LIBC_FD_MAX)
		return -EINVAL;
	f = libc_fd_hold(oldfd, &ops, &handle);
	if (f == NULL)
		return -EBADF;
	fd = install(f, min, cloexec);
	if (fd < 0)
		file_put(f);
	return fd;
}

static int ret(int rc) { return rc < 0 ? fail(-rc) : rc; }

int dup(int fd) { return ret(dup_from(fd, 0, false)); }

int dup2(int oldfd, int newfd)
{
	int handle;

	if (oldfd == newfd)
		return libc_fd_get(oldfd, &handle) != NULL ? newfd : fail(EBADF);
	return ret(dup_onto(oldfd, newfd, false));
}

int dup3(int oldfd, int newfd, int flags)
{
	if (oldfd == newfd || (flags & ~O_CLOEXEC) != 0)
		return fail(EINVAL);
	return ret(dup_onto(oldfd, newfd, (flags & O_CLOEXEC) != 0));
}

static int fd_flags(int fd, bool set, int arg)
{
	int rc = -EBADF;

	if (fd < 0 || fd >= LIBC_FD_MAX)
		return rc;
	sched_preempt_disable();
	if (fd_table[fd].file != NULL) {
		if (set)
			fd_table[fd].cloexec = (arg & FD_CLOEXEC) != 0;
		rc = set ? 0 : fd_table[fd].cloexec ? FD_CLOEXEC : 0;
	}
	sched_preempt_enable();
	return rc;
}

int fcntl(int fd, int cmd, ...)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle, arg = 0, rc;
	va_list ap;

	va_start(ap, cmd);
	if (cmd == F_SETFL || cmd == F_SETFD || cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC)
		arg = va_arg(ap, int);
	va_end(ap);
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		return ret(dup_from(fd, arg, cmd == F_DUPFD_CLOEXEC));
	case F_GETFD:
	case F_SETFD:
		return ret(fd_flags(fd, cmd == F_SETFD, arg));
	}
	f = libc_fd_hold(fd, &ops, &handle);
	if (f == NULL)
		return fail(EBADF);
	/* Status flags (F_GETFL, F_SETFL) and locks belong to the kind's object. */
	rc = ops->fcntl != NULL ? ops->fcntl(handle, cmd, arg) : -EINVAL;
	libc_fd_put(f);
	return ret(rc);
}

int _fcntl_r(struct _reent *r, int fd, int cmd, int arg) { return fcntl(fd, cmd, arg); }

int ioctl(int fd, unsigned long req, ...)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f;
	int handle, rc;
	void *arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	f = libc_fd_hold(fd, &ops, &handle);
	if (f == NULL)
		return fail(EBADF);
	rc = ops->ioctl != NULL ? ops->ioctl(handle, req, arg) : -ENOTTY;
	libc_fd_put(f);
	return ret(rc);
}

/* The calls at an offset or on the whole object: each kind that lacks one fails as POSIX says
 * for a descriptor of its sort (a pipe, socket or terminal: ESPIPE, EINVAL). */
ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f = libc_fd_hold(fd, &ops, &(int){0});
	ssize_t n;

	if (f == NULL)
		return fail(EBADF);
	if (off < 0)
		n = -EINVAL;
	else
		n = ops->pread != NULL ? ops->pread(f->handle, buf, len, off) : -ESPIPE;
	libc_fd_put(f);
	return n < 0 ? fail((int)-n) : n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f = libc_fd_hold(fd, &ops, &(int){0});
	ssize_t n;

	if (f == NULL)
		return fail(EBADF);
	if (off < 0)
		n = -EINVAL;
	else
		n = ops->pwrite != NULL ? ops->pwrite(f->handle, buf, len, off) : -ESPIPE;
	libc_fd_put(f);
	return n < 0 ? fail((int)-n) : n;
}

static int sync_fd(int fd, bool data_only)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f = libc_fd_hold(fd, &ops, &(int){0});
	int rc;

	if (f == NULL)
		return fail(EBADF);
	rc = ops->fsync != NULL ? ops->fsync(f->handle, data_only) : -EINVAL;
	libc_fd_put(f);
	return ret(rc);
}

int fsync(int fd) { return sync_fd(fd, false); }
int fdatasync(int fd) { return sync_fd(fd, true); }

int ftruncate(int fd, off_t len)
{
	const struct libc_fd_ops *ops;
	struct libc_fd_file *f = libc_fd_hold(fd, &ops, &(int){0});
	int rc;

	if (f == NULL)
		return fail(EBADF);
	if (len < 0)
		rc = -EINVAL;
	else
		rc = ops->ftruncate != NULL ? ops->ftruncate(f->handle, len) : -EINVAL;
	libc_fd_put(f);
	return ret(rc);
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
