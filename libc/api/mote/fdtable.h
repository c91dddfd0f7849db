/* SPDX-License-Identifier: MIT */
/* mote/fdtable.h: libc's registry of descriptor kinds and of the filesystem calls, for the
 * layers that plug into libc (net/ for sockets, fs/ for files and paths). libc owns the one
 * descriptor table and the POSIX entry points; a kind supplies the objects behind them. */
#ifndef MOTE_FDTABLE_H
#define MOTE_FDTABLE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Enough for a server's clients (Redis keeps 32 of its limit in reserve and serves the rest);
 * FD_SETSIZE (libc/include/sys/select.h) is as large, so select() can name every descriptor. */
#define LIBC_FD_MAX 256

struct dirent; /* <dirent.h> */

/* One kind of descriptor: the console, a socket, a file, a directory, a pipe. Each call
 * returns what the POSIX call would, or a negative errno instead of -1. `handle` is the kind's
 * own reference to its object. Optional entries may be NULL (the call then fails as POSIX says
 * for that kind: ESPIPE for lseek, EINVAL for fsync, ...). */
struct libc_fd_ops {
	const char *kind; /* "console", "socket", "file", "dir" */
	ssize_t (*read)(int handle, void *buf, size_t len);
	ssize_t (*write)(int handle, const void *buf, size_t len);
	/* Drop one reference (a descriptor closed); the object goes with the last. */
	int (*close)(int handle);
	int (*fstat)(int handle, struct stat *st);
	/* Not called by libc: dup/dup2/dup3/F_DUPFD share libc's own open-file description
	 * between the descriptors (so they share the object's offset and status flags), and the
	 * kind sees one close per handle it made, when the last descriptor and the last call in
	 * progress on it are gone. Every kind can therefore be duplicated. optional, unused */
	int (*dup)(int handle);
	int (*fcntl)(int handle, int cmd, int arg);                            /* F_GETFL/F_SETFL; optional */
	int (*ioctl)(int handle, unsigned long req, void *arg);                /* optional */
	off_t (*lseek)(int handle, off_t off, int whence);                     /* optional */
	ssize_t (*pread)(int handle, void *buf, size_t len, off_t off);        /* optional */
	ssize_t (*pwrite)(int handle, const void *buf, size_t len, off_t off); /* optional */
	int (*fsync)(int handle, bool data_only);                              /* optional */
	int (*ftruncate)(int handle, off_t len);                               /* optional */
	/* Directories: the next entry at *pos (opaque cookie, 0 = start) into *out, advancing
	 * *pos. 1 when one was read, 0 at the end. optional */
	int (*readdir)(int handle, long *pos, struct dirent *out);
	/* Wait until one of fds (whose fd fields hold this kind's handles) is ready or
	 * timeout_ms passes (-1: forever, 0: just look); set revents and return how many are
	 * ready. Called with only this kind's descriptors. NULL: always ready for reading and
	 * writing (regular files). */
	int (*poll)(struct pollfd *fds, nfds_t nfds, int timeout_ms);
};

/* A kind with a poll entry calls this whenever one of its descriptors may have become ready
 * (bytes arrived, room freed, a connection came in, a peer closed), in addition to waking its
 * own waiters. A poll() or select() over several kinds at once sleeps on this one signal, so
 * whichever kind becomes ready wakes it; a spurious call only costs the waiters a look. Never
 * blocks; any context, interrupts included. */
void libc_poll_notify(void);

/* The lowest free descriptor at or above `min` for (ops, handle), or -EMFILE (-ENOMEM when no
 * memory is left for the description). On failure the caller still owns the object. */
int libc_fd_alloc(const struct libc_fd_ops *ops, int handle, int min);

/* fd's description, held for the length of one call: its ops in *ops, its handle in *handle,
 * or NULL when fd is not open. A close() of fd in another thread meanwhile takes fd out of the
 * table at once but closes the object only at libc_fd_put(), so a kind's call never runs on a
 * closed handle. Never blocks; any thread. */
struct libc_fd_file;
struct libc_fd_file *libc_fd_hold(int fd, const struct libc_fd_ops **ops, int *handle);
void libc_fd_put(struct libc_fd_file *file);

/* The ops of fd and its handle in *handle, or NULL when fd is not open. Not held: only for a
 * look that does not use the object (libc_fd_hold for one that does). */
const struct libc_fd_ops *libc_fd_get(int fd, int *handle);
/* Forget fd without calling the kind's close: for a kind that closes the object itself. */
void libc_fd_release(int fd);

/* The path calls, supplied by the filesystem layer (fs/) when the image links it; without
 * one they fail with ENOSYS. Paths are as the application gave them (relative to the current
 * directory, which the filesystem layer keeps). Each returns 0 (or the value POSIX names) or a
 * negative errno. libc applies umask to `mode` before the call. `dirfd` is AT_FDCWD or a descriptor of kind
 * "dir". */
struct libc_fs_calls {
	/* Open: on success set *ops and *handle for a new descriptor (libc allocates it). */
	int (*openat)(int dirfd, const char *path, int flags, mode_t mode, const struct libc_fd_ops **ops,
	              int *handle);
	int (*fstatat)(int dirfd, const char *path, struct stat *st, int flags); /* AT_SYMLINK_NOFOLLOW */
	int (*faccessat)(int dirfd, const char *path, int mode, int flags);
	int (*mkdirat)(int dirfd, const char *path, mode_t mode);
	int (*unlinkat)(int dirfd, const char *path, int flags); /* AT_REMOVEDIR */
	int (*renameat)(int olddirfd, const char *oldpath, int newdirfd, const char *newpath);
	int (*symlinkat)(const char *target, int dirfd, const char *path);
	ssize_t (*readlinkat)(int dirfd, const char *path, char *buf, size_t len);
	int (*truncate)(const char *path, off_t len);
	int (*chdir)(const char *path);
	int (*fchdir)(int dirfd);
	int (*getcwd)(char *buf, size_t len);
	int (*realpath)(const char *path, char *out /* PATH_MAX bytes */);
	int (*statvfs)(const char *path, struct statvfs *st);
	int (*fstatvfs)(int fd, struct statvfs *st); /* a "file" or "dir" descriptor */
	int (*utimensat)(int dirfd, const char *path, const struct timespec times[2], int flags);
	void (*sync)(void);
	int (*mount)(const char *source, const char *target, const char *fstype, unsigned long flags,
	             const void *data);
	int (*umount)(const char *target, int flags);
};

/* Install the filesystem layer's calls (once, from its init hook). */
void libc_fs_register(const struct libc_fs_calls *calls);

#endif
