/* SPDX-License-Identifier: MIT */
/* native_irq_entry.S: entry stubs for interrupt vectors 32-255. Unlike exceptions these return:
 * the stub saves every general register in a struct arch_trap_frame, calls native_irq(vector)
 * and resumes the interrupted code with iretq. */

#include <arch/native_stubs.h>
#include <arch/native_stubs.inc>
#include <arch/trap_frame.inc>

	.text
/* Vector v's stub is at native_irq_stubs_start + native_stub_offset(v - 32) (arch/native_stubs.h).
 * native_irq_common restores the vector and adds the zero error code that keeps the frame
 * layout of exceptions. */
	.globl native_irq_stubs_start
native_irq_stubs_start:
	.irp first, 32, 64, 96, 128, 160, 192, 224
	NATIVE_STUB_BLOCK \first, native_irq_common
	.endr
	.if . - native_irq_stubs_start != 7 * NATIVE_STUB_BLOCK_SIZE
	.error "the interrupt stubs do not match arch/native_stubs.h"
	.endif

/* The gates send interrupts to a small landing stack (IST, native_desc.c): delivering onto the
 * interrupted stack could itself fault on a page not committed yet, and an interrupt the CPU
 * has taken from the APIC but cannot deliver is lost with its in-service bit set. The stub moves
 * the CPU's frame and the vector at once onto the interrupted stack, aligned as the CPU would
 * have (64-bit mode aligns to 16 before it pushes), and goes on there exactly as before: a page
 * missing there is now an ordinary page fault, taken and resumed before anything else. */
native_irq_common:
	pushq %rax
	pushq %rbx
	pushq %rcx			/* rcx, rbx, rax, vector - 128, rip, cs, rflags, rsp, ss */
	movq 7*8(%rsp), %rax		/* the interrupted rsp */
	andq $-16, %rax
	subq $9*8, %rax
	movl $8*8, %ecx
1:	movq (%rsp,%rcx), %rbx		/* top down, as a stack grows */
	movq %rbx, (%rax,%rcx)
	subl $8, %ecx
	jns 1b
	movq %rax, %rsp
	popq %rcx
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
