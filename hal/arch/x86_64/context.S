/* SPDX-License-Identifier: MIT */
/* context.S: arch_context_switch() and the first frame of a new thread (arch/context.h).
 * Frame, from the saved stack pointer up: 512 bytes of fxsave image and 8 of padding (keeping
 * the image 16-byte aligned), r15, r14, r13, r12, rbp, rbx, the return address. */

	.text
	.globl arch_context_switch
arch_context_switch:
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $520, %rsp
	fxsave (%rsp)
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	fxrstor (%rsp)
	addq $520, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	ret

/* A new thread's first "return" lands here with entry in %rbx and its argument in %r12. */
	.globl arch_thread_trampoline
arch_thread_trampoline:
	movq %r12, %rdi
	xorl %ebp, %ebp			/* the end of this thread's frame-pointer chain */
	call *%rbx
	ud2				/* entry never returns */
