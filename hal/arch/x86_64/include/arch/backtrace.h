/* SPDX-License-Identifier: MIT */
/* arch/backtrace.h: walking the frame-pointer chain (the whole tree builds with
 * -fno-omit-frame-pointer, newlib included, so the chain is complete). */
#ifndef ARCH_BACKTRACE_H
#define ARCH_BACKTRACE_H

#include <stddef.h>
#include <stdint.h>

/* Fill `pcs` with up to `max` return addresses, starting from frame pointer `fp`, following
 * only frames that lie inside [stack_lo, stack_hi), are 8-byte aligned and move up the stack,
 * so a corrupt chain ends the walk instead of faulting. Returns the number found. */
size_t arch_backtrace(uintptr_t fp, uintptr_t stack_lo, uintptr_t stack_hi, uintptr_t *pcs, size_t max);

#endif
