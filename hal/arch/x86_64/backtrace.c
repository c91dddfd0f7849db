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
