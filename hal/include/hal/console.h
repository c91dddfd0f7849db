/* SPDX-License-Identifier: MIT */
/* hal/console.h: the platform's console, the one output that works from the first line of C
 * to the last line of a panic. */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

/* Write `len` bytes to the console, translating "\n" to "\r\n" where the device needs it.
 * Returns when the bytes have left for the device. MUST NOT allocate, block on a lock or take
 * an interrupt: it is called from exception and panic paths and from interrupt context. */
void hal_console_write(const char *buf, size_t len);

/* Read up to `len` bytes of console input that have already arrived; never waits.
 * Returns the number of bytes read, 0 when none are pending, or -ENOSYS when the platform's
 * console has no input. May be called from interrupt context. */
long hal_console_read(char *buf, size_t len);

/* Have `fn(arg)` called whenever console input arrives, so a reader can sleep until then
 * instead of looking again and again. fn runs in interrupt context and may only wake threads
 * (waitq_wake_*); it may be called when nothing new is there, so the reader checks again with
 * hal_console_read(). Only one notifier for the boot. Returns 0; -ENOSYS when the console
 * cannot signal input (the reader then looks periodically); -EBUSY on a second call; another
 * negative errno when the interrupt could not be set up. Counts as a device interrupt source
 * (hal/irq.h). Thread context, not from a handler. */
int hal_console_input_notify(void (*fn)(void *arg), void *arg);

#endif
