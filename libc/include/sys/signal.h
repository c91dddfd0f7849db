/* SPDX-License-Identifier: MIT */
/* sys/signal.h: newlib's, with the struct sigaction of POSIX.1-2008 (sa_sigaction and the
 * SA_SIGINFO, SA_RESETHAND, SA_NODEFER, SA_RESTART flags) that newlib keeps for RTEMS only;
 * libc/libc_signal.c implements it. newlib's own struct is renamed out of the way. */
#ifndef MOTE_SYS_SIGNAL_H
#define MOTE_SYS_SIGNAL_H

#define sigaction mote_newlib_sigaction_
#include_next <sys/signal.h>
#undef sigaction

#ifdef __cplusplus
extern "C" {
#endif

struct sigaction {
	union {
		_sig_func_ptr __sa_handler;
		void (*__sa_sigaction)(int, siginfo_t *, void *);
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
