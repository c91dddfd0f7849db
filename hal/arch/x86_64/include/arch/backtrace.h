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

/* The caller of the function that `pc` interrupted, when the frame-pointer chain cannot show it:
 * the function had not yet pushed its frame (a fault on its first instruction), never makes one
 * (a leaf gcc compiled frameless), or `pc` is outside any function (`func` == 0: a jump to
 * data or a bad function pointer). Then the return address is still on top of the stack at
 * `sp`. Returns it, or 0 when the chain from the frame pointer already starts at the caller.
 * `func` is the start of the function containing pc. */
uintptr_t arch_frameless_caller(uintptr_t pc, uintptr_t func, uintptr_t sp, uintptr_t stack_lo,
                                uintptr_t stack_hi);

#endif
