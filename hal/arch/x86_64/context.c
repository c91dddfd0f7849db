/* SPDX-License-Identifier: MIT */
/* context.c: the initial frame of a new thread, matching context.S. */
#include <stddef.h>
#include <string.h>

#include <arch/context.h>

void arch_thread_trampoline(void);

#define FXSAVE_FCW   0   /* x87 control word */
#define FXSAVE_MXCSR 24  /* SSE control and status */
#define SWITCH_REGS  6   /* rbx rbp r12 r13 r14 r15 */
#define FXSAVE_AREA  520 /* 512 + 8 of alignment padding */

uintptr_t arch_context_init(uintptr_t stack_top, void (*entry)(void *), void *arg)
{
	/* sp must be 16-byte aligned for fxrstor; then the return address sits at
	 * sp + 520 + 48 and, after ret, the trampoline's stack is 16-byte aligned for its call. */
	uintptr_t sp = (stack_top - 16 - SWITCH_REGS * 8 - FXSAVE_AREA) & ~(uintptr_t)15;
	uint8_t *fx = (uint8_t *)sp;
	uint64_t *regs = (uint64_t *)(sp + FXSAVE_AREA);

	_Static_assert(16 + SWITCH_REGS * 8 + FXSAVE_AREA + 15 <= ARCH_CONTEXT_FRAME, "frame size");
	memset(fx, 0, FXSAVE_AREA);
	*(uint16_t *)(fx + FXSAVE_FCW) = 0x037f;     /* the x87 reset state: all exceptions masked */
	*(uint32_t *)(fx + FXSAVE_MXCSR) = 0x1f80;   /* SSE: all exceptions masked, round to nearest */
	regs[0] = 0;                                 /* r15 */
	regs[1] = 0;                                 /* r14 */
	regs[2] = 0;                                 /* r13 */
	regs[3] = (uintptr_t)arg;                    /* r12 */
	regs[4] = 0;                                 /* rbp */
	regs[5] = (uintptr_t)entry;                  /* rbx */
	regs[6] = (uintptr_t)arch_thread_trampoline; /* return address */
	regs[7] = 0;                                 /* a zero "caller" above it */
	return sp;
}
