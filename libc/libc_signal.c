/* SPDX-License-Identifier: MIT */
/* libc_signal.c: signals within the one process. Nothing outside the program sends any, so a
 * signal arrives only through raise() or kill() of the program itself, synchronously, in the
 * calling thread. Handlers and the mask are process-wide (newlib's own signal() keeps handlers
 * per thread, which would hide a handler set in main from the other threads). */
#include <errno.h>
#include <reent.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <stdbool.h>

#include "libc_signal.h"
#include "libc_unsupported.h"

static struct sigaction actions[NSIG];
static sigset_t blocked, pending;

static bool valid_signal(int sig) { return sig > 0 && sig < NSIG; }

static sigset_t bit(int sig) { return (sigset_t)1 << sig; }

/* Signals whose default action is to do nothing (POSIX "I"); every other one ends the program. */
static bool ignored_by_default(int sig) { return sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH; }

static void deliver(int sig)
{
	struct sigaction act = actions[sig];
	sigset_t saved = blocked;
	siginfo_t info;

	if (act.sa_handler == SIG_IGN)
		return;
	if (act.sa_handler == SIG_DFL) {
		if (!ignored_by_default(sig))
			libc_signal_fatal(sig);
		return;
	}
	if (act.sa_flags & SA_RESETHAND)
		actions[sig].sa_handler = SIG_DFL;
	blocked |= act.sa_mask;
	if (!(act.sa_flags & SA_NODEFER))
		blocked |= bit(sig);
	if (act.sa_flags & SA_SIGINFO) {
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = SI_USER;
		info.si_pid = getpid();
		act.sa_sigaction(sig, &info, NULL);
	} else {
		act.sa_handler(sig);
	}
	blocked = saved;
}

/* Deliver what unblocking made deliverable, lowest number first as Linux does. */
static void deliver_pending(void)
{
	for (int sig = 1; sig < NSIG; sig++) {
		if ((pending & bit(sig)) && !(blocked & bit(sig))) {
			pending &= ~bit(sig);
			deliver(sig);
		}
	}
}

int _raise_r(struct _reent *r, int sig)
{
	if (!valid_signal(sig)) {
		r->_errno = EINVAL;
		return -1;
	}
	if (blocked & bit(sig)) {
		pending |= bit(sig);
		return 0;
	}
	deliver(sig);
	return 0;
}

int raise(int sig) { return _raise_r(_REENT, sig); }

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
	if (!valid_signal(sig) || (act && (sig == SIGKILL || sig == SIGSTOP))) {
		errno = EINVAL;
		return -1;
	}
	if (old)
		*old = actions[sig];
	if (act) {
		actions[sig] = *act;
		/* Ignoring a signal discards one that waits (POSIX, sigaction "SIG_IGN"). */
		if (act->sa_handler == SIG_IGN)
			pending &= ~bit(sig);
	}
	return 0;
}

_sig_func_ptr _signal_r(struct _reent *r, int sig, _sig_func_ptr fn)
{
	struct sigaction act = {.sa_handler = fn}, old;

	if (sigaction(sig, &act, &old) < 0) {
		r->_errno = EINVAL;
		return SIG_ERR;
	}
	return old.sa_handler;
}

_sig_func_ptr signal(int sig, _sig_func_ptr fn) { return _signal_r(_REENT, sig, fn); }

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
	/* SIGKILL and SIGSTOP cannot be blocked. */
	const sigset_t unblockable = bit(SIGKILL) | bit(SIGSTOP);

	if (old)
		*old = blocked;
	if (!set)
		return 0;
	switch (how) {
	case SIG_BLOCK:
		blocked |= *set & ~unblockable;
		break;
	case SIG_UNBLOCK:
		blocked &= ~*set;
		break;
	case SIG_SETMASK:
		blocked = *set & ~unblockable;
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	deliver_pending();
	return 0;
}

/* One mask for the process: a signal is only ever raised by the thread it is delivered to. */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
	return sigprocmask(how, set, old) < 0 ? errno : 0;
}

int sigpending(sigset_t *set)
{
	*set = pending;
	return 0;
}

/* Waiting for a signal that only the waiter itself could raise would never end. */
int sigsuspend(const sigset_t *mask) { LIBC_UNSUPPORTED(_REENT, "sigsuspend"); }

int sigwait(const sigset_t *set, int *sig)
{
	static int logged;

	if (!logged) {
		logged = 1;
		libc_unsupported_log("sigwait");
	}
	return ENOSYS;
}
