/* SPDX-License-Identifier: MIT */
/* pvh_entry.S: the first instructions of a kvm image. PVH enters in 32-bit protected mode with
 * paging off and %ebx holding the hvm_start_info address. We check what it hands over, then
 * drivers/pc/pc_long_mode.S enters long mode on a temporary identity map of the first 1 GiB and
 * calls pvh_main(), which builds the real page tables. */

#include <mote/status.h>

#include "pvh_layout.h"

/* %eax += the 32-bit words of [start, end), both 4-byte aligned (kvm.ld). */
.macro SUM_WORDS start, end
	movl $\start, %edi
.Lsum\@:
	cmpl $\end, %edi
	jae .Lsummed\@
	addl (%edi), %eax
	addl $4, %edi
	jmp .Lsum\@
.Lsummed\@:
.endm

/* Print the NUL-terminated string at %esi on the serial port at %dx (no stack for a call). */
.macro PRINT
.Lprint\@:
	lodsb
	testb %al, %al
	jz .Lprinted\@
	outb %al, %dx
	jmp .Lprint\@
.Lprinted\@:
.endm

/* Print the byte in %al, as is, at %dx. */
.macro PUTC char
	movb \char, %al
	outb %al, %dx
.endm

/* QEMU's firmware configuration device (docs/specs/fw_cfg.rst in QEMU): a 16-bit selector
 * port, then the item's bytes one at a time from the data port. */
#define FW_CFG_PORT_SEL     0x510
#define FW_CFG_PORT_DATA    0x511
#define FW_CFG_SIGNATURE    0x00
#define FW_CFG_CMDLINE_SIZE 0x14

/* %eax = the next four fw_cfg data bytes, little-endian (there is no stack for a call). */
.macro fw_cfg_read4 name
	movw $FW_CFG_PORT_DATA, %dx
	xorl %eax, %eax
	movl $4, %ecx
.L\name:
	inb %dx, %al
	rorl $8, %eax
	loop .L\name
.endm

/* Jump to `bad` if [lo, hi) overlaps the image, [__image_start, __image_end). */
.macro ON_IMAGE lo, hi, bad
	cmpl $__image_end, \lo
	jae .Lclear\@
	cmpl $__image_start, \hi
	ja \bad
.Lclear\@:
.endm

	.section .text.pvh_entry, "ax"
	.code32
	/* Not code: SeaBIOS, given too little RAM above 1 MiB, keeps a few words of its own at
	 * exactly 1 MiB where the image starts (seen at -m 1384K: 12 bytes). With the entry
	 * behind them it still runs, finds the damage and says so. int3 if ever executed. */
	.fill 64, 1, 0xcc
	.globl pvh_entry
pvh_entry:
	cli
	cld
	/* The first thing: the cycle counter, so boot time is measured from here. It stays in
	 * %ebp (low) and %ebx (high) until .bss is cleared: nothing else may be written yet. */
	rdtsc
	movl %ebx, %esi			/* hvm_start_info; kept in %esi below */
	movl %eax, %ebp
	movl %edx, %ebx

	/* Nothing the boot loader hands over is trusted before it is checked, and nothing of the
	 * image is used before it is known to be in RAM and intact: with too small a -m the
	 * image, its stack or its .bss lie beyond RAM, or the firmware has used the top of RAM
	 * (where the image's tail then is) for itself. Every stop below prints from this first
	 * page, which is in RAM whenever this code runs at all. */

	/* First: is the image intact? mote-mksyms --seal set mote_seal so that the 32-bit words of
	 * the loaded parts sum to 0. A loader that dropped what lies beyond RAM (which then reads
	 * as all ones), or firmware that kept its own code or tables in RAM it then reports as
	 * free (SeaBIOS does, with a small -m, sometimes over its own start_info and memory map
	 * as well), leaves another sum. This goes first because a damaged image explains any
	 * other oddity. The bounds are immediates here, not read from the image. */
	xorl %eax, %eax
	SUM_WORDS __text_start, __text_end
	SUM_WORDS __rodata_start, __rodata_end
	SUM_WORDS __data_start, __data_sealed_end
	testl %eax, %eax
	jnz pvh_damaged

	/* start_info: present, not on the image (clearing .bss would wipe it), the right magic,
	 * version 1 (which has the memory map). */
	testl %esi, %esi
	jz pvh_bad_start_info
	movl %esi, %edx
	addl $PVH_SI_SIZE, %edx
	jc pvh_bad_start_info
	ON_IMAGE %esi, %edx, pvh_bad_start_info
	cmpl $PVH_SI_MAGIC, (%esi)
	jne pvh_bad_start_info
	cmpl $1, PVH_SI_VERSION(%esi)
	jb pvh_bad_start_info

	/* The memory map: below 4 GiB (no paging yet), a sane count, not on the image. */
	cmpl $0, PVH_SI_MEMMAP_PADDR + 4(%esi)
	jne pvh_bad_start_info
	movl PVH_SI_MEMMAP_ENTRIES(%esi), %ecx
	testl %ecx, %ecx
	jz pvh_bad_start_info
	cmpl $PVH_MEMMAP_MAX, %ecx
	ja pvh_bad_start_info
	movl PVH_SI_MEMMAP_PADDR(%esi), %edi
	imull $PVH_MEMMAP_ENTRY_SIZE, %ecx, %edx
	addl %edi, %edx
	jc pvh_bad_start_info
	ON_IMAGE %edi, %edx, pvh_bad_start_info

	/* Is the whole image, stack included, in one RAM entry? (entry: addr, size, type) */
1:	cmpl $1, 16(%edi)		/* type RAM */
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
2:	addl $PVH_MEMMAP_ENTRY_SIZE, %edi
	decl %ecx
	jnz 1b
	jmp pvh_no_memory
3:
	/* The command line: below 4 GiB and, up to its NUL or the PVH_CMDLINE_MAX bytes the
	 * kernel reads, not on the image. (Its length is the kernel's business: it reports a
	 * line that has no NUL within those bytes.) */
	movl PVH_SI_CMDLINE_PADDR(%esi), %edi
	movl PVH_SI_CMDLINE_PADDR + 4(%esi), %eax
	testl %eax, %eax
	jnz pvh_bad_boot_data
	testl %edi, %edi
	jz 4f
	movl %edi, %edx
	addl $PVH_CMDLINE_MAX, %edx
	jc pvh_bad_boot_data
	movl %edi, %edx
	movl $PVH_CMDLINE_MAX, %ecx
	repne scasb			/* %al is 0: %edi ends past the NUL or at the limit */
	ON_IMAGE %edx, %edi, pvh_bad_boot_data
4:
	/* The modules the kernel takes, their list and their strings: not on the image. */
	movl PVH_SI_NR_MODULES(%esi), %ecx
	testl %ecx, %ecx
	jz 7f
	cmpl $PVH_MODULES_MAX, %ecx
	jbe 5f
	movl $PVH_MODULES_MAX, %ecx
5:	cmpl $0, PVH_SI_MODLIST_PADDR + 4(%esi)
	jne pvh_bad_boot_data
	movl PVH_SI_MODLIST_PADDR(%esi), %edi
	movl %ecx, %edx
	shll $5, %edx			/* PVH_MOD_ENTRY_SIZE each */
	addl %edi, %edx
	jc pvh_bad_boot_data
	ON_IMAGE %edi, %edx, pvh_bad_boot_data
6:	cmpl $0, 4(%edi)		/* above 4 GiB: clear of the image */
	jne 8f
	movl (%edi), %eax
	movl %eax, %edx
	addl 8(%edi), %edx
	jc 9f
	cmpl $0, 12(%edi)
	je 10f
9:	movl $0xffffffff, %edx		/* reaches past 4 GiB */
10:	ON_IMAGE %eax, %edx, pvh_module_on_image
8:	cmpl $0, PVH_MOD_CMDLINE_PADDR + 4(%edi)
	jne pvh_bad_boot_data
	movl PVH_MOD_CMDLINE_PADDR(%edi), %eax
	testl %eax, %eax
	jz 11f
	movl %eax, %edx
	addl $PVH_CMDLINE_MAX, %edx	/* the kernel keeps a page for it */
	jc pvh_bad_boot_data
	ON_IMAGE %eax, %edx, pvh_bad_boot_data
11:	addl $PVH_MOD_ENTRY_SIZE, %edi
	decl %ecx
	jnz 6b
7:
	/* Zero .bss: the loader zero-fills it, but nothing in the PVH ABI promises that. Four
	 * bytes a step: kvm.ld starts .bss on 64 bytes and ends it on a page, and under TCG each
	 * step of a rep costs as much as an instruction. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	shrl $2, %ecx
	xorl %eax, %eax
	rep stosl
	movl %ebp, pvh_tsc_at_entry
	movl %ebx, pvh_tsc_at_entry + 4

	/* Long mode on a temporary identity map, then pvh_main(start_info) (drivers/pc). */
	movl $pvh_main, %ebx
	jmp pc_long_mode

/* The early stops: a message on the serial port (as the firmware left it), then the status
 * through isa-debug-exit where present, else a halt. No C, no stack, no data outside this
 * page: none of it can be trusted here. */
pvh_no_memory:
	movl $pvh_no_memory_msg, %esi
	movl $MOTE_STATUS_NO_MEMORY, %ecx
	jmp pvh_stop
pvh_damaged:
	movl $pvh_damaged_msg, %esi
	movl $MOTE_STATUS_NO_MEMORY, %ecx
	jmp pvh_stop
pvh_module_on_image:
	movl $pvh_module_msg, %esi
	movl $MOTE_STATUS_NO_MEMORY, %ecx
	jmp pvh_stop
pvh_bad_start_info:
	/* QEMU's PVH option ROM (pc, q35) copies the command line into a 4 KiB buffer without a
	 * bound, and a longer line runs over the start_info behind it. Before blaming the loader,
	 * ask QEMU's fw_cfg (if it is there: signature "QEMU") how long the line was. */
	movw $FW_CFG_PORT_SEL, %dx
	movw $FW_CFG_SIGNATURE, %ax
	outw %ax, %dx
	fw_cfg_read4 pvh_fw_cfg_sig
	cmpl $0x554d4551, %eax		/* "QEMU" */
	jne 1f
	movw $FW_CFG_PORT_SEL, %dx
	movw $FW_CFG_CMDLINE_SIZE, %ax
	outw %ax, %dx
	fw_cfg_read4 pvh_fw_cfg_size
	cmpl $PVH_CMDLINE_MAX, %eax	/* the size counts the NUL */
	jbe 1f
	movl $pvh_cmdline_too_long_msg, %esi
	movl $MOTE_STATUS_BAD_CMDLINE, %ecx
	jmp pvh_stop
1:	movl $pvh_bad_start_info_msg, %esi
	movl $MOTE_STATUS_PANIC, %ecx
	jmp pvh_stop
pvh_bad_boot_data:
	movl $pvh_bad_boot_data_msg, %esi
	movl $MOTE_STATUS_PANIC, %ecx
/* The reason at %esi; a stop for want of memory adds what to do; then the status, in the words
 * core's stops use ("mote: stopping with status N"), its three digits made here rather than
 * kept as a copy of the line per status. */
pvh_stop:
	movl %ecx, %edi
	movw $0x3f8, %dx
	PRINT
	cmpl $MOTE_STATUS_NO_MEMORY, %edi
	jne 1f
	movl $pvh_no_fit_msg, %esi
	PRINT
1:	movl $pvh_stopping_msg, %esi
	PRINT
	movl %edi, %eax			/* a status is below 256: %ah is 0 */
	movb $100, %cl
	divb %cl			/* %al: hundreds, %ah: the rest */
	movb %ah, %bl
	addb $'0', %al
	outb %al, %dx
	movzbl %bl, %eax
	movb $10, %cl
	divb %cl			/* %al: tens, %ah: units */
	addw $0x3030, %ax		/* both to ASCII */
	outb %al, %dx
	movb %ah, %al
	outb %al, %dx
	PUTC $'\r'
	PUTC $'\n'
	movl %edi, %eax
	outb %al, $0xf4
3:	cli
	hlt
	jmp 3b

/* Beside the code that prints them, in the image's first page: with too little RAM the later
 * parts of the image may not have been loaded intact. */
pvh_no_memory_msg:			/* the advice below says it all */
	.asciz ""
pvh_damaged_msg:
	.asciz "mote: kvm: the image in RAM is not the one built (cut off by the end of RAM, or firmware wrote over it)\r\n"
pvh_module_msg:
	.asciz "mote: kvm: a boot module lies on the image\r\n"
pvh_bad_start_info_msg:
	.asciz "mote: kvm: no usable hvm_start_info (missing, on the image, bad magic or memory map)\r\n"
pvh_cmdline_too_long_msg:
	.ascii "mote: kvm: bad boot command line: the command line is longer than 4095 bytes"
	.asciz " (QEMU's PVH firmware wrote it over the hvm_start_info)\r\n"
pvh_bad_boot_data_msg:
	.asciz "mote: kvm: the boot loader put the command line or a module on the image, or above 4 GiB\r\n"
pvh_no_fit_msg:
	.asciz "mote: kvm: the image does not fit in RAM: give the machine more memory (-m)\r\n"
pvh_stopping_msg:
	.asciz "mote: stopping with status "

	/* Written once .bss is cleared, from the registers that held it. */
	.section .bss
	.globl pvh_tsc_at_entry
	.balign 8
pvh_tsc_at_entry: .quad 0

	/* What mote-mksyms --seal reads and writes (tools/mksyms/seal.c): the ranges the entry
	 * sums, as (start, end) pairs, and the word that makes the sum 0. Nothing refers to them,
	 * so the section is marked retained ("R") against --gc-sections. */
	.section .rodata.mote_seal, "aR"
	.balign 8
	.globl mote_seal_ranges, mote_seal
mote_seal_ranges:
	.quad __text_start, __text_end, __rodata_start, __rodata_end, __data_start, __data_sealed_end
	.size mote_seal_ranges, . - mote_seal_ranges
mote_seal:
	.long 0
	.size mote_seal, 4
