/* SPDX-License-Identifier: MIT */
/* libc_signal.h: the signal default action that ends the program (libc_process.c), called by
 * the signal code (libc_signal.c) when a raised signal has no handler. */
#ifndef LIBC_SIGNAL_H
#define LIBC_SIGNAL_H

void libc_signal_fatal(int sig) __attribute__((noreturn));

#endif
