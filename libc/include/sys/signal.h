/* SPDX-License-Identifier: MIT */
/* sys/signal.h: newlib's, with the struct sigaction of POSIX.1-2008 (sa_sigaction and the
 * SA_SIGINFO, SA_RESETHAND, SA_NODEFER, SA_RESTART flags) that newlib keeps for RTEMS only;
 * libc/libc_signal.c implements it. newlib's own struct is renamed out of the way. */
#ifndef MOTE_SYS_SIGNAL_H
#define MOTE_SYS_SIGNAL_H

#define sigaction mote_newlib_sigaction_
#define siginfo_t mote_newlib_siginfo_t_
#include_next <sys/signal.h>
#undef sigaction
#undef siginfo_t

#if defined(_POSIX_REALTIME_SIGNALS) || __POSIX_VISIBLE >= 199309
/* newlib's siginfo_t with the fields POSIX adds and programs print (Redis's crash report). */
typedef struct {
	int si_signo;
	int si_code;
	union sigval si_value;
	pid_t si_pid;  /* the sender: the program itself, the only one there is */
	uid_t si_uid;  /* 0 */
	void *si_addr; /* NULL: faults stop the image, they are never delivered as signals */
	int si_status;
} siginfo_t;
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct sigaction {
	union {
		_sig_func_ptr __sa_handler;
#if defined(_POSIX_REALTIME_SIGNALS) || __POSIX_VISIBLE >= 199309
		void (*__sa_sigaction)(int, siginfo_t *, void *);
#else /* strict ISO C (-std=c11): newlib hides siginfo_t, the handler's type stays this size */
		void (*__sa_sigaction)(int, void *, void *);
#endif
	} __sa_u;
	sigset_t sa_mask;
	int sa_flags;
};
#define sa_handler   __sa_u.__sa_handler
#define sa_sigaction __sa_u.__sa_sigaction

#ifndef SA_SIGINFO
#define SA_SIGINFO 0x2
#endif
#ifndef SA_ONSTACK
#define SA_ONSTACK 0x4
#endif
#define SA_RESTART   0x10000000 /* calls are never interrupted by a signal here: always so */
#define SA_NODEFER   0x40000000
#define SA_RESETHAND 0x80000000

int sigaction(int sig, const struct sigaction *act, struct sigaction *old);

#ifdef __cplusplus
}
#endif

#endif
