/* SPDX-License-Identifier: MIT */
/* xen_trap_entry.S: the entry points Xen bounces exceptions and events to. Xen delivers on the
 * current stack (the guest kernel never changes privilege) a frame of rcx, r11, [error code],
 * rip, cs, rflags, rsp, ss; the stubs put rcx and r11 back, build a struct arch_trap_frame
 * (arch/trap.h) and call C. Events return through HYPERVISOR_iret, which also restores the event
 * mask from the saved IF; a plain iretq would do neither, and QEMU's SMAP check faults it. */
#include <arch/trap_frame.inc>
#include <xen/xen.h>

/* Xen's extra words: rcx and r11 go back into their registers, leaving the CPU's frame. */
.macro XEN_FRAME_FIXUP
	movq (%rsp), %rcx
	movq 8(%rsp), %r11
	addq $16, %rsp
.endm

	.text
.macro TRAP_STUB vector, has_error
	.balign 16
.Lxen_trap_stub_\vector:
	XEN_FRAME_FIXUP
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vector
	jmp xen_trap_common
.endm

	.balign 16
xen_trap_stubs_start:
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
	TRAP_STUB 14, 1
	TRAP_STUB 15, 0
	TRAP_STUB 16, 0
	TRAP_STUB 17, 1
	TRAP_STUB 18, 0
	TRAP_STUB 19, 0

xen_trap_common:
	PUSH_GPRS
	cld
	movq %rsp, %rdi			/* struct arch_trap_frame * */
	movq %rsp, %rbx			/* callee-saved: the frame, to return through below */
	andq $-16, %rsp			/* the ABI's call alignment, and fxsave's */
	/* The handler is ordinary C, which may use SSE registers, and a fault that is resolved
	 * returns to the interrupted code: keep its registers. */
	subq $512, %rsp
	fxsave (%rsp)
	call xen_trap
	/* Back only from a page fault that mapped the page (xen_traps.c): retry the instruction,
	 * through HYPERVISOR_iret as events do, which also restores the event mask. */
	fxrstor (%rsp)
	movq %rbx, %rsp
	POP_GPRS
	addq $16, %rsp			/* vector and error code */
	pushq $0			/* HYPERVISOR_iret flags: not returning from a syscall */
	jmp xen_hypercall_page + __HYPERVISOR_iret * 32

/* The event-channel upcall, registered with CALLBACKF_mask_events: events are masked here. */
	.balign 16
	.globl xen_upcall_entry
xen_upcall_entry:
	XEN_FRAME_FIXUP
	pushq $0			/* error code and vector: the layout of exceptions */
	pushq $-1
	PUSH_GPRS
	cld
	movq %rsp, %rbx			/* callee-saved: the frame, to restore the stack below */
	andq $-16, %rsp			/* the ABI's call alignment, and fxsave's */
	/* The handlers are ordinary C, which may use SSE registers: keep the interrupted code's. */
	subq $512, %rsp
	fxsave (%rsp)
	call xen_evtchn_upcall
	fxrstor (%rsp)
	movq %rbx, %rsp
	POP_GPRS
	addq $16, %rsp			/* vector and error code */
	pushq $0			/* HYPERVISOR_iret flags: not returning from a syscall */
	jmp xen_hypercall_page + __HYPERVISOR_iret * 32

/* Xen could not load the segment registers of a frame it was returning to. */
	.balign 16
	.globl xen_failsafe_entry
xen_failsafe_entry:
	andq $-16, %rsp
	call xen_failsafe
	ud2

	.section .rodata
	.balign 8
	.globl xen_trap_stubs
xen_trap_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19
	.quad .Lxen_trap_stub_\v
	.endr
