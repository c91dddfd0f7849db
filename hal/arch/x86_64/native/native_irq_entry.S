/* SPDX-License-Identifier: MIT */
/* native_irq_entry.S: entry stubs for interrupt vectors 32-255. Unlike exceptions these return:
 * the stub saves every general register in a struct arch_trap_frame, calls native_irq(vector)
 * and resumes the interrupted code with iretq. */

	.altmacro			/* so %vec below passes the value, not the name */
#include <arch/trap_frame.inc>

	.text
/* Each stub is 8 bytes, so the IDT set-up finds vector v's at native_irq_stubs_start +
 * (v - 32) * 8 without a table of addresses (issue 15: 3.5 KiB less in every image): the
 * vector minus 128 fits a sign-extended imm8 push (2 bytes), the jump is a rel32 (5 bytes).
 * native_irq_common restores the vector and adds the zero error code that keeps the frame
 * layout of exceptions. No labels on the stubs: 224 would be 224 entries in every image's
 * symbol table; a backtrace through one shows native_irq_stubs_start+offset instead. */
.macro IRQ_STUB vector
	.balign 8
	.byte 0x6a, (\vector - 128) & 0xff	/* pushq $(vector - 128), sign-extended */
	.byte 0xe9				/* jmp native_irq_common, rel32 */
	.long native_irq_common - (. + 4)
.endm

	.balign 8
	.globl native_irq_stubs_start
native_irq_stubs_start:
	.set vec, 32
	.rept 224
	IRQ_STUB %vec
	.set vec, vec + 1
	.endr

native_irq_common:
	pushq (%rsp)			/* two copies of (vector - 128) */
	movq $0, 8(%rsp)		/* the upper one becomes the error code */
	addq $128, (%rsp)		/* the lower one the vector */
	PUSH_GPRS
	cld
	movq %rsp, %rbx			/* callee-saved: the frame, to restore the stack below */
	movl 15*8(%rsp), %edi		/* the vector */
	andq $-16, %rsp			/* the ABI's call alignment, and fxsave's */
	/* The handlers are ordinary C, which may use SSE registers: keep the interrupted code's. */
	subq $512, %rsp
	fxsave (%rsp)
	call native_irq
	fxrstor (%rsp)
	movq %rbx, %rsp
	POP_GPRS
	addq $16, %rsp			/* vector and error code */
	iretq
