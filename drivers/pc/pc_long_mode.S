/* SPDX-License-Identifier: MIT */
/* pc_long_mode.S: the way from 32-bit protected mode to the first C function in long mode,
 * shared by the PC platforms' entries (kvm's PVH entry, baremetal's Multiboot2 entry). Each
 * entry checks what its own loader handed over, then jumps here. */

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

/* pc_long_mode: entered by a jmp (there is no stack yet) in 32-bit protected mode with paging
 * off and interrupts off, the image's .bss already zeroed. %ebx holds the address of the C
 * function to call, %esi its one argument. Builds a temporary identity map of the first 1 GiB
 * in pc_early_pml4/pdpt/pd, a GDT of our own (the loader's is not ours to keep), enables long
 * mode, SSE and no-execute, switches to the boot stack and calls the function, which must not
 * return. pc_paging_init() later turns these tables into the final map in place. */
	.section .text, "ax"
	.code32
	.globl pc_long_mode
pc_long_mode:
	/* PML4[0] -> PDPT[0] -> PD of 512 2 MiB pages. */
	movl $pc_early_pdpt + (PTE_P | PTE_W), pc_early_pml4
	movl $pc_early_pd + (PTE_P | PTE_W), pc_early_pdpt
	movl $pc_early_pd, %edi
	movl $(PTE_P | PTE_W | PTE_PS), %eax
	movl $512, %ecx
1:	movl %eax, (%edi)
	addl $0x200000, %eax
	addl $8, %edi
	loop 1b

	/* PAE for long mode; OSFXSR and OSXMMEXCPT because compiled C uses SSE registers from
	 * its first function on (struct copies, memset). */
	movl %cr4, %eax
	orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
	movl %eax, %cr4
	movl $pc_early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt pc_early_gdt_ptr
	ljmp $0x08, $pc_long_mode_64

	.code64
pc_long_mode_64:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $__boot_stack_hi, %rsp
	xorl %ebp, %ebp			/* ends the frame-pointer chain for backtraces */
	/* The upper halves of the registers are undefined after the switch (Intel SDM vol. 1
	 * §3.4.1.1): the 32-bit moves zero them. */
	movl %ebx, %ebx
	movl %esi, %edi
	call *%rbx
	ud2

	.section .rodata
	.balign 8
pc_early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
pc_early_gdt_end:
	.balign 8
pc_early_gdt_ptr:
	.word pc_early_gdt_end - pc_early_gdt - 1
	.long pc_early_gdt

	.section .bss
	.globl pc_early_pml4, pc_early_pd
	.balign 4096
pc_early_pml4: .skip 4096
pc_early_pdpt: .skip 4096
pc_early_pd: .skip 4096
