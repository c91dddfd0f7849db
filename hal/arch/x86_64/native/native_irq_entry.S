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

/* The gates send interrupts to a small landing stack (IST, native_desc.c): delivering onto the
 * interrupted stack could itself fault on a page not committed yet, and an interrupt the CPU
 * has taken from the APIC but cannot deliver is lost with its in-service bit set. The stub moves
 * the CPU's frame and the vector at once onto the interrupted stack, aligned as the CPU would
 * have (64-bit mode aligns to 16 before it pushes), and goes on there exactly as before: a page
 * missing there is now an ordinary page fault, taken and resumed before anything else. */
native_irq_common:
	pushq %rax
	pushq %rbx			/* rbx, rax, vector - 128, rip, cs, rflags, rsp, ss */
	movq 6*8(%rsp), %rax		/* the interrupted rsp */
	andq $-16, %rax
	subq $8*8, %rax
	movq 56(%rsp), %rbx		/* top down, as a stack grows */
	movq %rbx, 56(%rax)
	movq 48(%rsp), %rbx
	movq %rbx, 48(%rax)
	movq 40(%rsp), %rbx
	movq %rbx, 40(%rax)
	movq 32(%rsp), %rbx
	movq %rbx, 32(%rax)
	movq 24(%rsp), %rbx
	movq %rbx, 24(%rax)
	movq 16(%rsp), %rbx
	movq %rbx, 16(%rax)
	movq 8(%rsp), %rbx
	movq %rbx, 8(%rax)
	movq 0(%rsp), %rbx
	movq %rbx, 0(%rax)
	movq %rax, %rsp
	popq %rbx
	popq %rax
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
