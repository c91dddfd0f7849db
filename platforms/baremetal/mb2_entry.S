/* SPDX-License-Identifier: MIT */
/* mb2_entry.S: the first instructions of a baremetal image. GRUB enters in 32-bit protected mode
 * with paging off, %eax = MB2_LOADER_MAGIC and %ebx = the boot information, on BIOS and on UEFI
 * (where it has ended boot services first); the GDT and the stack are not ours to use
 * (Multiboot2 specification 2.0, §3.3). We copy the boot information into the image, build a GDT
 * and a temporary identity map of the first 1 GiB, enter long mode and call mb2_main(), which
 * builds the real page tables (drivers/pc). */

#define CR0_PE (1 << 0)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

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
	/* Zero .bss (GRUB does, but the specification does not promise it). */
	movl %ecx, %edx
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
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

	/* Temporary tables: PML4[0] -> PDPT[0] -> PD of 512 2 MiB pages. */
	movl $mb2_early_pdpt + (PTE_P | PTE_W), mb2_early_pml4
	movl $mb2_early_pd + (PTE_P | PTE_W), mb2_early_pdpt
	movl $mb2_early_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $512, %ecx
3:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 3b

	/* PAE for long mode; OSFXSR and OSXMMEXCPT because compiled C uses SSE registers from
	 * its first function on. */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $mb2_early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt mb2_early_gdt_ptr
	ljmp $0x08, $mb2_long_mode

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

	.code64
mb2_long_mode:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $__boot_stack_hi, %rsp
	xorl %ebp, %ebp			/* ends the frame-pointer chain for backtraces */
	call mb2_main
	ud2

	.section .rodata
	.balign 8
mb2_early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
mb2_early_gdt_end:
	.balign 8
mb2_early_gdt_ptr:
	.word mb2_early_gdt_end - mb2_early_gdt - 1
	.long mb2_early_gdt

	.section .bss
	.globl mb2_tsc_at_entry, mb2_info_copy
	.balign 8
mb2_tsc_at_entry: .quad 0
	.balign 8
mb2_info_copy: .skip MB2_INFO_MAX

	/* The page tables stay in use: pc_paging_init() turns them into the final map in place. */
	.globl mb2_early_pml4, mb2_early_pd
	.balign 4096
mb2_early_pml4: .skip 4096
mb2_early_pdpt: .skip 4096
mb2_early_pd: .skip 4096
