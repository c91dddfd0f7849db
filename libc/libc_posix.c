/* SPDX-License-Identifier: MIT */
/* libc_posix.c: the POSIX names of the system calls (open, read, write, getpid ...), which
 * newlib leaves to a target's syscall directory: each is its reentrant _r form on the calling
 * thread's newlib state. */
#include <errno.h>
#include <reent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <unistd.h>

int close(int fd) { return _close_r(_REENT, fd); }
_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len) { return _read_r(_REENT, fd, buf, len); }
_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len) { return _write_r(_REENT, fd, buf, len); }
off_t lseek(int fd, off_t off, int whence) { return _lseek_r(_REENT, fd, off, whence); }
int fstat(int fd, struct stat *st) { return _fstat_r(_REENT, fd, st); }
int stat(const char *path, struct stat *st) { return _stat_r(_REENT, path, st); }
int link(const char *old, const char *new) { return _link_r(_REENT, old, new); }
int unlink(const char *path) { return _unlink_r(_REENT, path); }
pid_t getpid(void) { return _getpid_r(_REENT); }
int kill(pid_t pid, int sig) { return _kill_r(_REENT, pid, sig); }
void *sbrk(ptrdiff_t incr) { return _sbrk_r(_REENT, incr); }
clock_t times(struct tms *t) { return _times_r(_REENT, t); }
int gettimeofday(struct timeval *tv, void *tz) { return _gettimeofday_r(_REENT, tv, tz); }
pid_t fork(void) { return _fork_r(_REENT); }
int execve(const char *path, char *const argv[], char *const envp[])
{
	return _execve_r(_REENT, path, argv, envp);
}
pid_t wait(int *status) { return _wait_r(_REENT, status); }
