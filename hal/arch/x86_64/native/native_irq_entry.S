/* SPDX-License-Identifier: MIT */
/* native_irq_entry.S: entry stubs for interrupt vectors 32-255. Unlike exceptions these return:
 * the stub saves every general register in a struct arch_trap_frame, calls native_irq(vector)
 * and resumes the interrupted code with iretq. */

	.altmacro			/* so %vec below passes the value, not the name */
#include <arch/trap_frame.inc>

	.text
/* Local labels (.L): 224 stubs would otherwise be 224 entries in every image's symbol table;
 * a backtrace through one shows native_irq_stubs_start+offset instead. */
.macro IRQ_STUB vector
	.balign 16
.Lnative_irq_stub_\vector:
	pushq $0			/* no error code: keeps the frame layout of exceptions */
	pushq $\vector
	jmp native_irq_common
.endm

	.balign 16
native_irq_stubs_start:
	.set vec, 32
	.rept 224
	IRQ_STUB %vec
	.set vec, vec + 1
	.endr

native_irq_common:
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

	.section .rodata
	.balign 8
	.globl native_irq_stubs
native_irq_stubs:
.macro IRQ_STUB_ADDR vector
	.quad .Lnative_irq_stub_\vector
.endm
	.set vec, 32
	.rept 224
	IRQ_STUB_ADDR %vec
	.set vec, vec + 1
	.endr
