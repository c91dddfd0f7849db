/* SPDX-License-Identifier: MIT */
/* pvh_entry.S: the first instructions of a kvm image. PVH enters in 32-bit protected mode with
 * paging off and %ebx holding the hvm_start_info address; we reach long mode on a temporary
 * identity map of the first 1 GiB and call pvh_main(), which builds the real page tables. */

#define CR0_PE (1 << 0)
#define CR0_WP (1 << 16)
#define CR0_PG (1 << 31)
#define CR0_MP (1 << 1)
#define CR0_EM (1 << 2)
#define CR0_TS (1 << 3)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xc0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_PS 0x80

	.section .text.pvh_entry, "ax"
	.code32
	.globl pvh_entry
pvh_entry:
	cli
	cld
	/* The first thing: the cycle counter, so boot time is measured from here. */
	rdtsc
	movl %eax, pvh_tsc_at_entry
	movl %edx, pvh_tsc_at_entry + 4
	movl %ebx, %esi			/* hvm_start_info; kept in %esi below */

	/* Before touching .bss or the stack: is the whole image in RAM? With too small a -m the
	 * stack would lie beyond it and the first call would fail without a word. Walk the
	 * memory map (hvm_start_info version 1: memmap_paddr at 40, memmap_entries at 48; each
	 * entry is addr, size, type in 24 bytes) for a RAM entry covering the image. */
	cmpl $1, 4(%esi)
	jb 3f				/* no map to check against: go on */
	movl 40(%esi), %edi
	movl 48(%esi), %ecx
1:	testl %ecx, %ecx
	jz pvh_no_memory
	cmpl $1, 16(%edi)		/* type RAM */
	jne 2f
	cmpl $0, 4(%edi)		/* starts below 4 GiB */
	jne 2f
	movl (%edi), %eax
	cmpl $__image_start, %eax
	ja 2f
	cmpl $0, 12(%edi)		/* 4 GiB or more: surely covers it */
	jne 3f
	addl 8(%edi), %eax
	jc 3f
	cmpl $__image_end, %eax
	jae 3f
2:	addl $24, %edi
	decl %ecx
	jmp 1b
3:

	/* Zero .bss: the loader zero-fills it, but nothing in the PVH ABI promises that. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb

	/* Temporary tables: PML4[0] -> PDPT[0] -> PD of 512 2 MiB pages. */
	movl $pvh_early_pdpt + (PTE_P | PTE_W), pvh_early_pml4
	movl $pvh_early_pd + (PTE_P | PTE_W), pvh_early_pdpt
	movl $pvh_early_pd, %edi
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
	movl $pvh_early_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $(EFER_LME | EFER_NXE), %eax
	wrmsr
	movl %cr0, %eax
	andl $~(CR0_EM | CR0_TS), %eax
	orl $(CR0_PE | CR0_MP | CR0_PG | CR0_WP), %eax
	movl %eax, %cr0

	lgdt pvh_early_gdt_ptr
	ljmp $0x08, $pvh_long_mode

/* Say so on the serial port (as the firmware left it) and stop with status 126 through
 * isa-debug-exit where present. */
pvh_no_memory:
	movl $pvh_no_memory_msg, %esi
1:	movb (%esi), %al
	testb %al, %al
	jz 2f
	movw $0x3f8, %dx
	outb %al, %dx
	incl %esi
	jmp 1b
2:	movb $126, %al
	outb %al, $0xf4
3:	cli
	hlt
	jmp 3b

/* Beside the code that prints it, in the image's first pages: with too little RAM the later
 * parts of the image (rodata included) may not have been loaded intact (on pc, firmware keeps
 * its own data at the top of RAM). */
pvh_no_memory_msg:
	.asciz "mote: kvm: the image does not fit in RAM: give the machine more memory (-m)\r\n"

	.code64
pvh_long_mode:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	xorl %eax, %eax
	movl %eax, %fs
	movl %eax, %gs
	movabsq $__boot_stack_hi, %rsp
	xorl %ebp, %ebp			/* ends the frame-pointer chain for backtraces */
	movl %esi, %edi			/* pvh_main(start_info physical address) */
	call pvh_main
	ud2

	/* In .data, not .bss: it is written before .bss is cleared. */
	.section .data
	.globl pvh_tsc_at_entry
	.balign 8
pvh_tsc_at_entry: .quad 0

	.section .rodata
	.balign 8
pvh_early_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
pvh_early_gdt_end:
	.balign 8
pvh_early_gdt_ptr:
	.word pvh_early_gdt_end - pvh_early_gdt - 1
	.long pvh_early_gdt

	/* The page tables stay in use: kvm_paging.c turns them into the final map in place. */
	.section .bss
	.globl pvh_early_pml4, pvh_early_pd
	.balign 4096
pvh_early_pml4: .skip 4096
pvh_early_pdpt: .skip 4096
pvh_early_pd: .skip 4096

