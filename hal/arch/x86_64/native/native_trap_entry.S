/* SPDX-License-Identifier: MIT */
/* native_trap_entry.S: IDT entry stubs. Each pushes a zero where the CPU pushes no error code,
 * then its vector, so all exceptions reach native_trap_common with one frame layout
 * (struct arch_trap_frame). A page fault goes to native_pf_common instead, which returns when
 * the fault committed a reserved page. */

#include <arch/trap_frame.inc>

	.text
	.balign 16
native_trap_stubs_start:		/* the stubs themselves are local labels: see native_irq_entry.S */
.macro TRAP_STUB vector, has_error, common=native_trap_common
	.balign 16
.Lnative_trap_stub_\vector:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vector
	jmp \common
.endm

	TRAP_STUB 0, 0
	TRAP_STUB 1, 0
	TRAP_STUB 2, 0
	TRAP_STUB 3, 0
	TRAP_STUB 4, 0
	TRAP_STUB 5, 0
	TRAP_STUB 6, 0
	TRAP_STUB 7, 0
	TRAP_STUB 8, 1
	TRAP_STUB 9, 0
	TRAP_STUB 10, 1
	TRAP_STUB 11, 1
	TRAP_STUB 12, 1
	TRAP_STUB 13, 1
	TRAP_STUB 14, 1, native_pf_common
	TRAP_STUB 15, 0
	TRAP_STUB 16, 0
	TRAP_STUB 17, 1
	TRAP_STUB 18, 0
	TRAP_STUB 19, 0
	TRAP_STUB 20, 0
	TRAP_STUB 21, 1
	TRAP_STUB 22, 0
	TRAP_STUB 23, 0
	TRAP_STUB 24, 0
	TRAP_STUB 25, 0
	TRAP_STUB 26, 0
	TRAP_STUB 27, 0
	TRAP_STUB 28, 0
	TRAP_STUB 29, 1
	TRAP_STUB 30, 1
	TRAP_STUB 31, 0

native_trap_common:
	PUSH_GPRS
	cld
	movq %rsp, %rdi			/* struct arch_trap_frame * */
	movq %cr2, %rsi			/* the faulting address, for #PF and #DF */
	andq $-16, %rsp			/* the ABI's call alignment */
	call arch_trap
	ud2				/* arch_trap does not return: every exception is fatal */

/* On the page-fault IST stack (native_desc.c), so the CPU never needs the faulting thread's
 * stack to deliver it: that stack may be the page missing. */
native_pf_common:
	PUSH_GPRS
	cld
	movq %rsp, %rdi			/* struct arch_trap_frame * */
	movq %cr2, %rsi			/* the faulting address */
	movq %rsp, %rbx			/* callee-saved: the frame, to return through below */
	andq $-16, %rsp			/* the ABI's call alignment, and fxsave's */
	/* The handler is ordinary C, which may use SSE registers, and a committed page resumes
	 * the interrupted code: keep its registers. */
	subq $512, %rsp
	fxsave (%rsp)
	call native_pf_entry		/* returns only when the page is now present */
	fxrstor (%rsp)
	movq %rbx, %rsp
	POP_GPRS
	addq $16, %rsp			/* vector and error code */
	iretq

	.section .rodata
	.balign 8
	.globl native_trap_stubs
native_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad .Lnative_trap_stub_\v
	.endr
