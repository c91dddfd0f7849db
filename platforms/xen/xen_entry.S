/* SPDX-License-Identifier: MIT */
/* xen_entry.S: the first instructions of a Xen PV image, and the page Xen fills with hypercall
 * stubs. Xen enters in 64-bit mode (ring 3, events not yet wired) on its own small bootstrap
 * stack with %rsi holding the start_info address; we move to the image's boot stack, let C use
 * the FPU and SSE, and call xen_main(start_info, end of Xen's bootstrap region). */
#include <xen/xen.h>

	.section .text.xen_entry, "ax"
	.globl xen_entry
xen_entry:
	cld
	/* The first thing: the cycle counter, so boot time is measured from here. */
	rdtsc
	movl %eax, xen_tsc_at_entry
	movl %edx, xen_tsc_at_entry + 4
	movq %rsi, %r12			/* start_info */
	movq %rsp, %r13			/* top of Xen's bootstrap stack: its boot data ends there */
	movq $__boot_stack_hi, %rsp
	xorl %ebp, %ebp			/* ends the frame-pointer chain for backtraces */
	/* A PV vCPU may start with the virtual CR0.TS set, and compiled C uses SSE registers from
	 * its first function (struct copies, memset): clear it before any C runs. */
	xorl %edi, %edi
	call xen_hypercall_page + __HYPERVISOR_fpu_taskswitch * 32
	fninit
	movq %r12, %rdi
	movq %r13, %rsi
	call xen_main
	ud2

	/* Xen writes a 32-byte stub per hypercall here before entering (XEN_ELFNOTE_HYPERCALL_PAGE);
	 * int3 until then, so a call through an unfilled page stops at once. xen.ld places it first,
	 * at the page-aligned start of .text, and checks that; a .balign here would make the whole
	 * text section page-aligned in the file, padding the image by most of a page. */
	.section .text.xen_hypercall_page, "ax"
	.globl xen_hypercall_page
xen_hypercall_page:
	.fill 4096, 1, 0xcc

	/* In .data, not .bss: written before anything could clear .bss. */
	.section .data
	.globl xen_tsc_at_entry
	.balign 8
xen_tsc_at_entry: .quad 0
