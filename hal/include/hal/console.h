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

#endif
