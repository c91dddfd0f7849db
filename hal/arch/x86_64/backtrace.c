/* SPDX-License-Identifier: MIT */
/* backtrace.c: the frame-pointer walk. Each frame is [saved rbp][return address]; every step
 * is checked so a corrupt stack ends the walk rather than faulting inside a fault handler. */
#include <arch/backtrace.h>

size_t arch_backtrace(uintptr_t fp, uintptr_t stack_lo, uintptr_t stack_hi, uintptr_t *pcs, size_t max)
{
	size_t n = 0;

	while (n < max && fp >= stack_lo && fp + 16 <= stack_hi && (fp & 7) == 0) {
		const uintptr_t *frame = (const uintptr_t *)fp;
		uintptr_t next = frame[0], ret = frame[1];

		if (ret == 0)
			break;
		pcs[n++] = ret;
		if (next <= fp) /* frames must move up the stack, or the chain loops */
			break;
		fp = next;
	}
	return n;
}

/* gcc's frame set-up: push %rbp (55), then mov %rsp,%rbp (48 89 e5). */
static int has_frame_prologue(const uint8_t *code)
{
	return code[0] == 0x55 && code[1] == 0x48 && code[2] == 0x89 && code[3] == 0xe5;
}

uintptr_t arch_frameless_caller(uintptr_t pc, uintptr_t func, uintptr_t sp, uintptr_t stack_lo,
                                uintptr_t stack_hi)
{
	uintptr_t slot;

	if (func && has_frame_prologue((const uint8_t *)func)) {
		if (pc == func)
			slot = sp; /* nothing pushed yet */
		else if (pc == func + 1)
			slot = sp + 8; /* %rbp pushed, frame not yet made */
		else
			return 0; /* the frame exists: the chain covers the caller */
	} else {
		slot = sp; /* frameless function or no function at all */
	}
	if (slot < stack_lo || slot + 8 > stack_hi || (slot & 7))
		return 0;
	return *(const uintptr_t *)slot;
}
