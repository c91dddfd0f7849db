/* SPDX-License-Identifier: MIT */
/* native_trap_entry.S: IDT entry stubs for the exceptions. native_trap_common adds a zero where
 * the CPU pushes no error code, so all exceptions reach arch_trap with one frame layout
 * (struct arch_trap_frame). A page fault goes to native_pf_common instead, which returns when
 * the fault committed a reserved page. */

#include <arch/native_stubs.h>
#include <arch/native_stubs.inc>
#include <arch/trap_frame.inc>

/* The exceptions whose delivery pushes an error code (Intel SDM vol. 3 §6.15): #DF, #TS, #NP,
 * #SS, #GP, #PF, #AC, #CP, #VC, #SX. */
#define ERROR_CODE_VECTORS ((1 << 8) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14) | \
                            (1 << 17) | (1 << 21) | (1 << 29) | (1 << 30))

	.text
/* Vector v's stub is at native_trap_stubs_start + native_stub_offset(v) (arch/native_stubs.h). */
	.globl native_trap_stubs_start
native_trap_stubs_start:
	NATIVE_STUB_BLOCK 0, native_trap_entry
	.if . - native_trap_stubs_start != NATIVE_STUB_BLOCK_SIZE
	.error "the exception stubs do not match arch/native_stubs.h"
	.endif

/* One stub per vector, so the stubs cannot know which ones pushed an error code: the vector
 * tells. Where none was pushed the vector is copied down and a zero takes its old place. */
native_trap_entry:
	addq $128, (%rsp)		/* the vector, from the stub's vector - 128 */
	pushq %rax
	pushq %rcx
	movl 16(%rsp), %ecx
	movl $ERROR_CODE_VECTORS, %eax
	btl %ecx, %eax			/* CF: the vector's bit */
	popq %rcx
	popq %rax
	jc 1f
	pushq (%rsp)
	movq $0, 8(%rsp)
1:	cmpq $14, (%rsp)
	je native_pf_common
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
