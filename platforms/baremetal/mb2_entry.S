/* SPDX-License-Identifier: MIT */
/* mb2_entry.S: the first instructions of a baremetal image. GRUB enters in 32-bit protected mode
 * with paging off, %eax = MB2_LOADER_MAGIC and %ebx = the boot information, on BIOS and on UEFI
 * (where it has ended boot services first); the GDT and the stack are not ours to use
 * (Multiboot2 specification 2.0, §3.3). We copy the boot information into the image; then
 * drivers/pc/pc_long_mode.S builds a GDT and a temporary identity map of the first 1 GiB, enters
 * long mode and calls mb2_main(), which builds the real page tables. */

#include <mote/status.h>

#include "mb2_layout.h"

	.section .text.mb2_entry, "ax"
	.code32
	.globl mb2_entry
mb2_entry:
	cli
	cld
	/* The cycle counter first, so boot time is measured from here: %ebp (low), %ecx (high)
	 * until .bss is cleared. The magic goes to %edi, the information to %esi. */
	movl %eax, %edi
	movl %ebx, %esi
	rdtsc
	movl %eax, %ebp
	movl %edx, %ecx

	cmpl $MB2_LOADER_MAGIC, %edi
	jne mb2_not_multiboot2
	/* The information must lie clear of .bss, which is cleared next. GRUB may well put it in
	 * the unloaded gap between two of the image's segments (seen: right after .rodata), which
	 * is harmless: nothing writes there. */
	testl %esi, %esi
	jz mb2_bad_info
	cmpl $__bss_end, %esi
	jae 1f
	movl %esi, %eax
	addl (%esi), %eax		/* + total_size */
	jc mb2_bad_info
	cmpl $__bss_start, %eax
	ja mb2_bad_info
1:
	/* Zero .bss (GRUB does, but the specification does not promise it). Four bytes a step:
	 * baremetal.ld starts .bss on 64 bytes and ends it on a page, and under TCG each step of
	 * a rep costs as much as an instruction. */
	movl %ecx, %edx
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl %ebp, mb2_tsc_at_entry
	movl %edx, mb2_tsc_at_entry + 4

	/* Copy the information, at most MB2_INFO_MAX bytes: a larger total_size is reported by
	 * the C parser, which finds it does not fit. */
	movl (%esi), %ecx
	cmpl $MB2_INFO_MAX, %ecx
	jbe 2f
	movl $MB2_INFO_MAX, %ecx
2:	movl $mb2_info_copy, %edi
	rep movsb

	/* Long mode on a temporary identity map, then mb2_main() (drivers/pc). */
	movl $mb2_main, %ebx
	jmp pc_long_mode

/* The early stops: a message on COM1 (as GRUB left it), then the status through QEMU's
 * isa-debug-exit where present, else a halt. */
mb2_not_multiboot2:
	movl $mb2_not_multiboot2_msg, %esi
	jmp mb2_stop
mb2_bad_info:
	movl $mb2_bad_info_msg, %esi
mb2_stop:
	movl $MOTE_STATUS_PANIC, %ecx
	movw $0x3f8, %dx
1:	lodsb
	testb %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	movl %ecx, %eax
	outb %al, $0xf4
3:	cli
	hlt
	jmp 3b

mb2_not_multiboot2_msg:
	.ascii "mote: baremetal: not started by a Multiboot2 loader (no magic in %eax)\r\n"
	.asciz "mote: stopping with status 122\r\n"
mb2_bad_info_msg:
	.ascii "mote: baremetal: the boot loader put its boot information on the image's .bss\r\n"
	.asciz "mote: stopping with status 122\r\n"

	.section .bss
	.globl mb2_tsc_at_entry, mb2_info_copy
	.balign 8
mb2_tsc_at_entry: .quad 0
	.balign 8
mb2_info_copy: .skip MB2_INFO_MAX
