/* SPDX-License-Identifier: MIT */
/* mote/backtrace.h: printing a symbolized backtrace of the current stack. */
#ifndef MOTE_BACKTRACE_H
#define MOTE_BACKTRACE_H

#include <stdint.h>

/* Print "#N address function+offset" lines: `pc` first when non-zero (with its caller found
 * through `sp` when the interrupted function had no frame yet), then the frame-pointer chain
 * from `fp`. Runs of one repeated frame (deep recursion) print once with a count.
 * Allocation-free, for fault and panic paths. */
void backtrace_print(uintptr_t pc, uintptr_t sp, uintptr_t fp);

/* The bounds of the stack the CPU is running on (the boot stack until threads exist), and the
 * guard page below it. */
void backtrace_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi);

/* Register the boot stack: core_main() does this first. */
void backtrace_set_boot_stack(uintptr_t lo, uintptr_t hi);

#endif
