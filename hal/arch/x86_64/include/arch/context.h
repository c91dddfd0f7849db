/* SPDX-License-Identifier: MIT */
/* arch/context.h: switching between thread stacks. Everything a thread's code can see is
 * saved: the callee-saved registers, and the x87/SSE state (fxsave) because threads are
 * preempted mid-computation; caller-saved registers are already saved by the call (or, on
 * preemption, by the interrupt entry stub below the switch frame). */
#ifndef ARCH_CONTEXT_H
#define ARCH_CONTEXT_H

#include <stdint.h>

/* Bytes arch_context_init() uses at the top of a new stack. */
#define ARCH_CONTEXT_FRAME 608

/* Save the current context on the current stack and its stack pointer in *save_sp, then
 * resume the context saved at next_sp. Returns when something switches back to *save_sp.
 * Interrupts must be disabled; they stay as they are. */
void arch_context_switch(uintptr_t *save_sp, uintptr_t next_sp);

/* Lay out a context at the top of the stack ending at `stack_top` that, when switched to,
 * calls entry(arg) with a clean FPU state (entry must not return). Returns its stack pointer. */
uintptr_t arch_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg);

#endif
