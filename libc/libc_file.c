/* SPDX-License-Identifier: MIT */
/* libc_file.c: the POSIX path calls (open, stat, mkdir, rename, opendir ...) and newlib's
 * _open_r family, dispatched to the filesystem layer registered with libc_fs_register()
 * (fs/ when the image links it). Without one they fail with ENOSYS, logged once. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <reent.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/time.h>
#include <unistd.h>
#include <utime.h>

#include <mote/fdtable.h>

#include "libc_unsupported.h"

static const struct libc_fs_calls *fs_calls;
static mode_t file_umask = 022;

void libc_fs_register(const struct libc_fs_calls *calls) { fs_calls = calls; }

/* The reentrant forms report errors in r->_errno; the plain ones through errno. */
static int result(struct _reent *r, int rc)
{
	if (rc < 0) {
		r->_errno = -rc;
		return -1;
	}
	return rc;
}

/* Each call: no filesystem in the image -> ENOSYS with the call's name logged once. */
#define NEED_FS(r, name, member)                    \
	do {                                        \
		if (!fs_calls || !fs_calls->member) \
			LIBC_UNSUPPORTED(r, name);  \
	} while (0)

int _openat_r(struct _reent *r, int dirfd, const char *path, int flags, mode_t mode)
{
	const struct libc_fd_ops *ops;
	int handle, rc, fd;

	NEED_FS(r, "open", openat);
	rc = fs_calls->openat(dirfd, path, flags, mode & ~file_umask, &ops, &handle);
	if (rc < 0)
		return result(r, rc);
	fd = libc_fd_alloc(ops, handle, 0);
	if (fd < 0)
		ops->close(handle);
	return result(r, fd);
}

int _open_r(struct _reent *r, const char *path, int flags, int mode)
{
	return _openat_r(r, AT_FDCWD, path, flags, (mode_t)mode);
}

int openat(int dirfd, const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return _openat_r(_REENT, dirfd, path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;
	va_list ap;

	if (flags & O_CREAT) {
		va_start(ap, flags);
		mode = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	return _openat_r(_REENT, AT_FDCWD, path, flags, mode);
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

int fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	NEED_FS(_REENT, "stat", fstatat);
	return result(_REENT, fs_calls->fstatat(dirfd, path, st, flags));
}

int _stat_r(struct _reent *r, const char *path, struct stat *st)
{
	NEED_FS(r, "stat", fstatat);
	return result(r, fs_calls->fstatat(AT_FDCWD, path, st, 0));
}

int lstat(const char *path, struct stat *st) { return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW); }

int faccessat(int dirfd, const char *path, int mode, int flags)
{
	NEED_FS(_REENT, "access", faccessat);
	return result(_REENT, fs_calls->faccessat(dirfd, path, mode, flags));
}

int access(const char *path, int mode) { return faccessat(AT_FDCWD, path, mode, 0); }

int mkdirat(int dirfd, const char *path, mode_t mode)
{
	NEED_FS(_REENT, "mkdir", mkdirat);
	return result(_REENT, fs_calls->mkdirat(dirfd, path, mode & ~file_umask));
}

int _mkdir_r(struct _reent *r, const char *path, int mode)
{
	NEED_FS(r, "mkdir", mkdirat);
	return result(r, fs_calls->mkdirat(AT_FDCWD, path, (mode_t)mode & ~file_umask));
}

int mkdir(const char *path, mode_t mode) { return _mkdir_r(_REENT, path, (int)mode); }

int unlinkat(int dirfd, const char *path, int flags)
{
	NEED_FS(_REENT, "unlink", unlinkat);
	return result(_REENT, fs_calls->unlinkat(dirfd, path, flags));
}

int _unlink_r(struct _reent *r, const char *path)
{
	NEED_FS(r, "unlink", unlinkat);
	return result(r, fs_calls->unlinkat(AT_FDCWD, path, 0));
}

int rmdir(const char *path) { return unlinkat(AT_FDCWD, path, AT_REMOVEDIR); }

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	NEED_FS(_REENT, "rename", renameat);
	return result(_REENT, fs_calls->renameat(olddirfd, oldpath, newdirfd, newpath));
}

int _rename_r(struct _reent *r, const char *old, const char *new)
{
	NEED_FS(r, "rename", renameat);
	return result(r, fs_calls->renameat(AT_FDCWD, old, AT_FDCWD, new));
}

/* None of Mote's filesystems has hard links (FAT cannot), so link() fails as Linux does on
 * such a filesystem. */
int _link_r(struct _reent *r, const char *old, const char *new)
{
	NEED_FS(r, "link", fstatat);
	(void)old, (void)new;
	return result(r, -EPERM);
}

int symlinkat(const char *target, int dirfd, const char *path)
{
	NEED_FS(_REENT, "symlink", symlinkat);
	return result(_REENT, fs_calls->symlinkat(target, dirfd, path));
}

int symlink(const char *target, const char *path) { return symlinkat(target, AT_FDCWD, path); }

ssize_t readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	NEED_FS(_REENT, "readlink", readlinkat);
	return result(_REENT, (int)fs_calls->readlinkat(dirfd, path, buf, len));
}

ssize_t readlink(const char *path, char *buf, size_t len) { return readlinkat(AT_FDCWD, path, buf, len); }

int truncate(const char *path, off_t len)
{
	NEED_FS(_REENT, "truncate", truncate);
	return result(_REENT, fs_calls->truncate(path, len));
}

/* Mote keeps no owners and does not change permission bits after creation (FAT has only a
 * read-only attribute): these fail with ENOSYS, logged once, rather than pretend. */
int chmod(const char *path, mode_t mode) { LIBC_UNSUPPORTED(_REENT, "chmod"); }
int fchmod(int fd, mode_t mode) { LIBC_UNSUPPORTED(_REENT, "fchmod"); }
int chown(const char *path, uid_t owner, gid_t group) { LIBC_UNSUPPORTED(_REENT, "chown"); }
int fchown(int fd, uid_t owner, gid_t group) { LIBC_UNSUPPORTED(_REENT, "fchown"); }

int chdir(const char *path)
{
	NEED_FS(_REENT, "chdir", chdir);
	return result(_REENT, fs_calls->chdir(path));
}

int fchdir(int fd)
{
	NEED_FS(_REENT, "fchdir", fchdir);
	return result(_REENT, fs_calls->fchdir(fd));
}

char *getcwd(char *buf, size_t len)
{
	bool mine = false;
	int rc;

	if (!fs_calls || !fs_calls->getcwd) {
		/* No filesystem: the one directory there is. */
		if (buf == NULL) {
			buf = malloc(2);
			if (!buf)
				return NULL;
		} else if (len < 2) {
			errno = ERANGE;
			return NULL;
		}
		strcpy(buf, "/");
		return buf;
	}
	if (buf == NULL) {
		len = len ? len : PATH_MAX;
		buf = malloc(len);
		if (!buf)
			return NULL;
		mine = true;
	} else if (len == 0) {
		errno = EINVAL;
		return NULL;
	}
	rc = fs_calls->getcwd(buf, len);
	if (rc < 0) {
		if (mine)
			free(buf);
		errno = -rc;
		return NULL;
	}
	return buf;
}

char *realpath(const char *path, char *out)
{
	char *buf = out;
	int rc;

	if (!fs_calls || !fs_calls->realpath) {
		errno = ENOSYS;
		libc_unsupported_log("realpath");
		return NULL;
	}
	if (!path) {
		errno = EINVAL;
		return NULL;
	}
	if (!buf) {
		buf = malloc(PATH_MAX);
		if (!buf)
			return NULL;
	}
	rc = fs_calls->realpath(path, buf);
	if (rc < 0) {
		if (!out)
			free(buf);
		errno = -rc;
		return NULL;
	}
	return buf;
}

int statvfs(const char *path, struct statvfs *st)
{
	NEED_FS(_REENT, "statvfs", statvfs);
	return result(_REENT, fs_calls->statvfs(path, st));
}

int fstatvfs(int fd, struct statvfs *st)
{
	NEED_FS(_REENT, "fstatvfs", fstatvfs);
	return result(_REENT, fs_calls->fstatvfs(fd, st));
}

mode_t umask(mode_t mask)
{
	mode_t old = file_umask;

	file_umask = mask & 0777;
	return old;
}

void sync(void)
{
	if (fs_calls && fs_calls->sync)
		fs_calls->sync();
}

int utimensat(int dirfd, const char *path, const struct timespec *times, int flags)
{
	NEED_FS(_REENT, "utimensat", utimensat);
	return result(_REENT, fs_calls->utimensat(dirfd, path, times, flags));
}

int utimes(const char *path, const struct timeval *tv)
{
	struct timespec ts[2];

	if (!tv)
		return utimensat(AT_FDCWD, path, NULL, 0);
	for (int i = 0; i < 2; i++) {
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return utimensat(AT_FDCWD, path, ts, 0);
}

int utime(const char *path, const struct utimbuf *times)
{
	struct timespec ts[2];

	if (!times)
		return utimensat(AT_FDCWD, path, NULL, 0);
	ts[0] = (struct timespec){.tv_sec = times->actime};
	ts[1] = (struct timespec){.tv_sec = times->modtime};
	return utimensat(AT_FDCWD, path, ts, 0);
}

int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const void *data)
{
	NEED_FS(_REENT, "mount", mount);
	return result(_REENT, fs_calls->mount(source, target, fstype, flags, data));
}

int umount2(const char *target, int flags)
{
	NEED_FS(_REENT, "umount", umount);
	return result(_REENT, fs_calls->umount(target, flags));
}

int umount(const char *target) { return umount2(target, 0); }

/* Directory streams over descriptors of kind "dir". */
DIR *fdopendir(int fd)
{
	const struct libc_fd_ops *ops;
	int handle;
	DIR *d;

	ops = libc_fd_get(fd, &handle);
	if (!ops) {
		errno = EBADF;
		return NULL;
	}
	if (!ops->readdir) {
		errno = ENOTDIR;
		return NULL;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->dd_fd = fd;
	return d;
}

DIR *opendir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);
	DIR *d;

	if (fd < 0)
		return NULL;
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

struct dirent *readdir(DIR *d)
{
	const struct libc_fd_ops *ops;
	int handle, rc;

	if (!d) {
		errno = EBADF;
		return NULL;
	}
	ops = libc_fd_get(d->dd_fd, &handle);
	if (!ops || !ops->readdir) {
		errno = EBADF;
		return NULL;
	}
	rc = ops->readdir(handle, &d->dd_pos, &d->dd_ent);
	if (rc < 0) {
		errno = -rc;
		return NULL;
	}
	return rc == 1 ? &d->dd_ent : NULL; /* the end leaves errno as it was */
}

int closedir(DIR *d)
{
	int rc;

	if (!d) {
		errno = EBADF;
		return -1;
	}
	rc = close(d->dd_fd);
	free(d);
	return rc;
}

void rewinddir(DIR *d)
{
	if (d)
		d->dd_pos = 0;
}

int dirfd(DIR *d) { return d ? d->dd_fd : -1; }
long telldir(DIR *d) { return d ? d->dd_pos : -1; }
void seekdir(DIR *d, long pos)
{
	if (d)
		d->dd_pos = pos;
}

/* Advisory locks between processes: there is one program, yet a lock that is granted would
 * promise exclusion it does not check, so none is granted. */
int flock(int fd, int operation) { LIBC_UNSUPPORTED(_REENT, "flock"); }
