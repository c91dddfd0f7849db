/* SPDX-License-Identifier: MIT */
/* mote/panic.h: stopping on a broken internal invariant, with a backtrace. */
#ifndef MOTE_PANIC_H
#define MOTE_PANIC_H

/* Print "mote: panic: <message>", a symbolized backtrace from the caller, and stop with
 * MOTE_STATUS_PANIC. Callable from any context. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Print `what` and a backtrace from the caller's frame, then stop with `status`. The common
 * tail of panic(), abort(), failed assertions and the stack protector. */
void fatal_stop(int status, const char *what) __attribute__((noreturn));

/* Stop the machine normally: print the exit status and power off (libc's _exit ends here). */
void core_exit(int status) __attribute__((noreturn));

#define ASSERT(cond) \
	((cond) ? (void)0 : panic("%s:%d: %s: assertion '%s' failed", __FILE__, __LINE__, __func__, #cond))

#endif
