/* SPDX-License-Identifier: MIT */
/* libc_process.c: process-level calls for a single-application machine: _exit powers off,
 * abort() and failed assertions stop with a diagnostic and backtrace, there is one process. */
#include <errno.h>
#include <pwd.h>
#include <reent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <hal/console.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/panic.h>
#include <mote/status.h>

#include "libc_signal.h"
#include "libc_unsupported.h"

#define MOTE_PID 1

void libc_unsupported_log(const char *name) { log_warn("%s() is not supported (ENOSYS)", name); }
void libc_unsupported_log_text(const char *what) { log_warn("%s: not supported (ENOSYS)", what); }

void _exit(int status) { core_exit(status); }

int _getpid_r(struct _reent *r) { return MOTE_PID; }

/* The one program is the machine's only user and owns every file: user and group 0, as root's
 * are on Linux, so code that asks "am I the owner?" gets a consistent answer. */
uid_t getuid(void) { return 0; }
uid_t geteuid(void) { return 0; }
gid_t getgid(void) { return 0; }
gid_t getegid(void) { return 0; }

/* There is no user database: every lookup is "no such entry" (NULL with errno unchanged, as
 * POSIX says), so a program falls back to $HOME or its default, as it does for an unknown user. */
struct passwd *getpwuid(uid_t uid) { return NULL; }
struct passwd *getpwnam(const char *name) { return NULL; }

/* kill() of the program itself is raise() (libc_signal.c); there is no other process. */
int _kill_r(struct _reent *r, int pid, int sig)
{
	if (pid != MOTE_PID && pid != 0 && pid != -1) {
		r->_errno = ESRCH;
		return -1;
	}
	if (sig == 0)
		return 0;
	return _raise_r(r, sig);
}

/* A signal's default action, "terminate": abort() arrives here as raise(SIGABRT). */
void libc_signal_fatal(int sig)
{
	char what[64];

	if (sig == SIGABRT)
		fatal_stop(MOTE_STATUS_ABORT, "abort() called");
	fmt_snprintf(what, sizeof(what), "killed by signal %d", sig);
	fatal_stop(MOTE_STATUS_ABORT, what);
}

/* newlib's assert() calls this; replacing it keeps the message in the kernel's format and
 * adds the backtrace. */
void __assert_func(const char *file, int line, const char *func, const char *expr)
{
	char what[200];

	fflush(stdout);
	fmt_snprintf(what, sizeof(what), "assertion '%s' failed at %s:%d in %s()", expr, file, line,
	             func ? func : "?");
	fatal_stop(MOTE_STATUS_ABORT, what);
}

void *_sbrk_r(struct _reent *r, ptrdiff_t incr)
{
	int err = 0;
	void *old = mm_heap_sbrk(incr, &err);

	if (old == (void *)-1)
		r->_errno = -err;
	return old;
}

int _fork_r(struct _reent *r) { LIBC_UNSUPPORTED(r, "fork"); }
int _execve_r(struct _reent *r, const char *path, char *const argv[], char *const envp[])
{
	LIBC_UNSUPPORTED(r, "execve");
}
int _wait_r(struct _reent *r, int *status) { LIBC_UNSUPPORTED(r, "wait"); }

/* fork() never succeeds, so there is never a child to wait for: ECHILD, as POSIX says for a
 * process without children (Redis polls for a finished saving child this way). */
pid_t waitpid(pid_t pid, int *status, int options)
{
	(void)pid;
	(void)status;
	(void)options;
	errno = ECHILD;
	return -1;
}

/* A new session is for a daemon leaving its terminal: the image has no sessions. */
pid_t setsid(void) { LIBC_UNSUPPORTED(_REENT, "setsid"); }

/* There is no shell and no other program to run. system(NULL) asks whether a command processor
 * exists: 0 is the POSIX answer for "none". */
int _system_r(struct _reent *r, const char *command)
{
	if (!command)
		return 0;
	LIBC_UNSUPPORTED(r, "system");
}
int system(const char *command) { return _system_r(_REENT, command); }

FILE *popen(const char *command, const char *mode)
{
	static int logged;

	if (!logged) {
		logged = 1;
		libc_unsupported_log("popen");
	}
	errno = ENOSYS;
	return NULL;
}

int pclose(FILE *stream)
{
	errno = ECHILD; /* no popen() ever succeeded, so this stream has no child */
	return -1;
}
