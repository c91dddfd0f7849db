/* SPDX-License-Identifier: MIT */
/*
 * memcpy, memmove, memset, memcmp and strlen for x86_64 with SSE2 (baseline x86-64), replacing
 * newlib's byte-at-a-time C and its rep-movs memcpy: libc.a's versions are linked only when
 * nothing defines these names, and libc is linked before it.
 *
 * Why not `rep movsb`/`rep stosb`: under QEMU's TCG every repetition is a guest instruction of its
 * own (and on older CPUs the microcode start-up cost dominates short copies), so a 4 KiB SQLite
 * page copied with `rep movsb` costs 4096 instructions, and with 16-byte SSE2 moves about 700.
 * Only %xmm0-%xmm7 and caller-saved general registers are used (SysV ABI: all are clobbered by a
 * call), and the kernel saves the SSE state of every thread (hal/arch/x86_64/context.S).
 */

	.text

/*
 * void *memmove(void *dst, const void *src, size_t n); memcpy is the same code, so a copy
 * between overlapping buffers (undefined for memcpy, but made by real programs) still works.
 * Sizes up to 64 load everything before storing anything, which is overlap-safe by itself.
 * Longer copies go forward or backward in 64-byte steps, choosing the direction in which no
 * store lands on source bytes not yet loaded; the unaligned last (or first) 64 bytes are loaded
 * before the loop and stored after it.
 *
 * Sizes up to 64 are most calls (SQLite's speedtest1: 1.04M calls, 95% of them at most 64
 * bytes, spread evenly over 0, 1-7, 8-16, 17-32 and 33-64), so they jump straight to their
 * case through a size class per byte count and a table of seven cases: five instructions to
 * reach any of them, where a tree of compares took up to nine. Absolute addresses: images are
 * linked at a fixed address (-fno-pie); the unit test links its copy without PIE too.
 */
	.section .rodata
.Lmv_class:				/* n (0..64) -> case index in .Lmv_cases */
	.byte 0, 1, 2, 2, 3, 3, 3, 3
	.byte 4, 4, 4, 4, 4, 4, 4, 4, 4
	.byte 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5
	.byte 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6
	.byte 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6
	.p2align 3
.Lmv_cases:
	.quad .Lmv_ret, .Lmv_one, .Lmv_2to3, .Lmv_4to7, .Lmv_8to16, .Lmv_17to32, .Lmv_33to64
	.text

	.globl memmove
	.type memmove, @function
	.globl memcpy
	.type memcpy, @function
	.p2align 4
memmove:
memcpy:
	movq %rdi, %rax
	cmpq $64, %rdx
	ja .Lmv_long
	movzbl .Lmv_class(%rdx), %ecx
	jmp *.Lmv_cases(,%rcx,8)
.Lmv_33to64:				/* the first and the last 32 bytes */
	movdqu (%rsi), %xmm0
	movdqu 16(%rsi), %xmm1
	movdqu -32(%rsi,%rdx), %xmm2
	movdqu -16(%rsi,%rdx), %xmm3
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, 16(%rdi)
	movdqu %xmm2, -32(%rdi,%rdx)
	movdqu %xmm3, -16(%rdi,%rdx)
	ret
.Lmv_17to32:				/* the first and the last 16 bytes */
	movdqu (%rsi), %xmm0
	movdqu -16(%rsi,%rdx), %xmm1
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, -16(%rdi,%rdx)
	ret
.Lmv_8to16:
	movq (%rsi), %rcx
	movq -8(%rsi,%rdx), %r8
	movq %rcx, (%rdi)
	movq %r8, -8(%rdi,%rdx)
	ret
.Lmv_4to7:
	movl (%rsi), %ecx
	movl -4(%rsi,%rdx), %r8d
	movl %ecx, (%rdi)
	movl %r8d, -4(%rdi,%rdx)
	ret
.Lmv_2to3:				/* the first two bytes and the last two (overlapping for 3) */
	movzwl (%rsi), %ecx
	movzwl -2(%rsi,%rdx), %r8d
	movw %cx, (%rdi)
	movw %r8w, -2(%rdi,%rdx)
	ret
.Lmv_one:
	movzbl (%rsi), %ecx
	movb %cl, (%rdi)
.Lmv_ret:
	ret
.Lmv_long:
	/* n > 64: forward unless dst lies inside (src, src + n). */
	movq %rdi, %rcx
	subq %rsi, %rcx
	cmpq %rdx, %rcx
	jb .Lmv_backward
	movdqu -64(%rsi,%rdx), %xmm4
	movdqu -48(%rsi,%rdx), %xmm5
	movdqu -32(%rsi,%rdx), %xmm6
	movdqu -16(%rsi,%rdx), %xmm7
	leaq -64(%rdi,%rdx), %r8	/* where the last 64 bytes go */
	subq $64, %rdx			/* bytes the loop copies, rounded up to a step */
.Lmv_fwd:
	movdqu (%rsi), %xmm0
	movdqu 16(%rsi), %xmm1
	movdqu 32(%rsi), %xmm2
	movdqu 48(%rsi), %xmm3
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, 16(%rdi)
	movdqu %xmm2, 32(%rdi)
	movdqu %xmm3, 48(%rdi)
	addq $64, %rsi
	addq $64, %rdi
	subq $64, %rdx
	ja .Lmv_fwd
	movdqu %xmm4, (%r8)
	movdqu %xmm5, 16(%r8)
	movdqu %xmm6, 32(%r8)
	movdqu %xmm7, 48(%r8)
	ret
.Lmv_backward:
	movdqu (%rsi), %xmm4
	movdqu 16(%rsi), %xmm5
	movdqu 32(%rsi), %xmm6
	movdqu 48(%rsi), %xmm7
	movq %rdi, %r8			/* where the first 64 bytes go */
	leaq -64(%rsi,%rdx), %rsi	/* the step that ends at the buffer's end */
	leaq -64(%rdi,%rdx), %rdi
	subq $64, %rdx
.Lmv_bwd:
	movdqu (%rsi), %xmm0
	movdqu 16(%rsi), %xmm1
	movdqu 32(%rsi), %xmm2
	movdqu 48(%rsi), %xmm3
	movdqu %xmm0, (%rdi)
	movdqu %xmm1, 16(%rdi)
	movdqu %xmm2, 32(%rdi)
	movdqu %xmm3, 48(%rdi)
	subq $64, %rsi
	subq $64, %rdi
	subq $64, %rdx
	ja .Lmv_bwd
	movdqu %xmm4, (%r8)
	movdqu %xmm5, 16(%r8)
	movdqu %xmm6, 32(%r8)
	movdqu %xmm7, 48(%r8)
	ret
	.size memmove, . - memmove
	.size memcpy, . - memcpy

/*
 * void *memset(void *dst, int c, size_t n): the byte spread over a register, then the same
 * overlapping first/last stores as memmove for short lengths and 64-byte steps for long ones.
 */
	.globl memset
	.type memset, @function
	.p2align 4
memset:
	movq %rdi, %rax
	movzbl %sil, %ecx
	movabsq $0x0101010101010101, %r8
	imulq %r8, %rcx			/* c in all eight bytes */
	cmpq $16, %rdx
	jbe .Lms_le16
	movq %rcx, %xmm0
	punpcklqdq %xmm0, %xmm0		/* and in all sixteen */
	cmpq $32, %rdx
	jbe .Lms_le32
	cmpq $64, %rdx
	jbe .Lms_le64
	leaq -64(%rdi,%rdx), %r8
	subq $64, %rdx
.Lms_loop:
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, 16(%rdi)
	movdqu %xmm0, 32(%rdi)
	movdqu %xmm0, 48(%rdi)
	addq $64, %rdi
	subq $64, %rdx
	ja .Lms_loop
	movdqu %xmm0, (%r8)
	movdqu %xmm0, 16(%r8)
	movdqu %xmm0, 32(%r8)
	movdqu %xmm0, 48(%r8)
	ret
.Lms_le64:
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, 16(%rdi)
	movdqu %xmm0, -32(%rdi,%rdx)
	movdqu %xmm0, -16(%rdi,%rdx)
	ret
.Lms_le32:
	movdqu %xmm0, (%rdi)
	movdqu %xmm0, -16(%rdi,%rdx)
	ret
.Lms_le16:
	cmpq $8, %rdx
	jb .Lms_lt8
	movq %rcx, (%rdi)
	movq %rcx, -8(%rdi,%rdx)
	ret
.Lms_lt8:
	cmpq $4, %rdx
	jb .Lms_lt4
	movl %ecx, (%rdi)
	movl %ecx, -4(%rdi,%rdx)
	ret
.Lms_lt4:
	testq %rdx, %rdx
	jz .Lms_ret
	movb %cl, (%rdi)
	cmpq $1, %rdx
	je .Lms_ret
	movw %cx, -2(%rdi,%rdx)
.Lms_ret:
	ret
	.size memset, . - memset

/*
 * int memcmp(const void *a, const void *b, size_t n): 16 bytes at a time compared with pcmpeqb;
 * at the first differing byte, the difference of the two bytes as unsigned chars. Below 16
 * bytes, 8- and 4-byte words, byte-swapped so that an unsigned compare orders them as memory
 * does. The last 16 (or 8, 4) bytes are compared overlapping the ones already found equal.
 */
	.globl memcmp
	.type memcmp, @function
	.p2align 4
memcmp:
	cmpq $16, %rdx
	jb .Lmc_lt16
	/* The first 16 bytes before any set-up: most of SQLite's compares end there. */
	movdqu (%rdi), %xmm0
	movdqu (%rsi), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %ecx
	xorl $0xffff, %ecx		/* a set bit for each differing byte */
	jnz .Lmc_found
	leaq -16(%rdi,%rdx), %r8	/* the last 16 bytes of each */
	leaq -16(%rsi,%rdx), %r9
	addq $16, %rdi
	addq $16, %rsi
	cmpq %r8, %rdi
	jae .Lmc_last
.Lmc_loop:
	movdqu (%rdi), %xmm0
	movdqu (%rsi), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %ecx
	xorl $0xffff, %ecx
	jnz .Lmc_found
	addq $16, %rdi
	addq $16, %rsi
	cmpq %r8, %rdi
	jb .Lmc_loop
.Lmc_last:
	movq %r8, %rdi
	movq %r9, %rsi
	movdqu (%rdi), %xmm0
	movdqu (%rsi), %xmm1
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %ecx
	xorl $0xffff, %ecx
	jnz .Lmc_found
	xorl %eax, %eax
	ret
.Lmc_found:
	bsfl %ecx, %ecx
	movzbl (%rdi,%rcx), %eax
	movzbl (%rsi,%rcx), %edx
	subl %edx, %eax
	ret
.Lmc_lt16:
	cmpq $8, %rdx
	jb .Lmc_lt8
	movq (%rdi), %rcx
	movq (%rsi), %r8
	cmpq %r8, %rcx
	jne .Lmc_word
	movq -8(%rdi,%rdx), %rcx
	movq -8(%rsi,%rdx), %r8
	cmpq %r8, %rcx
	jne .Lmc_word
	xorl %eax, %eax
	ret
.Lmc_lt8:
	cmpq $4, %rdx
	jb .Lmc_lt4
	movl (%rdi), %ecx
	movl (%rsi), %r8d
	cmpl %r8d, %ecx
	jne .Lmc_word
	movl -4(%rdi,%rdx), %ecx
	movl -4(%rsi,%rdx), %r8d
	cmpl %r8d, %ecx
	jne .Lmc_word
	xorl %eax, %eax
	ret
.Lmc_word:				/* %rcx != %r8 (zero-extended 4-byte words compare alike) */
	bswapq %rcx
	bswapq %r8
	cmpq %r8, %rcx
	sbbl %eax, %eax			/* -1 if below, else 0 */
	orl $1, %eax			/* -1 or 1 */
	ret
.Lmc_lt4:
	xorl %eax, %eax
	testq %rdx, %rdx
	jz .Lmc_ret
.Lmc_bytes:
	movzbl (%rdi), %eax
	movzbl (%rsi), %ecx
	subl %ecx, %eax
	jnz .Lmc_ret
	incq %rdi
	incq %rsi
	decq %rdx
	jnz .Lmc_bytes
.Lmc_ret:
	ret
	.size memcmp, . - memcmp

/*
 * size_t strlen(const char *s): reads whole aligned 16-byte blocks, which never cross a page
 * boundary, so it cannot fault past the string's page even though it reads bytes beyond the
 * terminator (and before s, in the first block: those are masked off).
 */
	.globl strlen
	.type strlen, @function
	.p2align 4
strlen:
	pxor %xmm1, %xmm1
	movq %rdi, %rsi			/* s, for the length at the end */
	movq %rdi, %rcx
	andq $-16, %rdi
	andl $15, %ecx
	movdqa (%rdi), %xmm0
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %edx
	shrl %cl, %edx			/* drop the bytes before s */
	testl %edx, %edx		/* (a shift by 0 leaves the flags as they were) */
	jz .Lsl_loop_start
	bsfl %edx, %eax
	ret
.Lsl_loop_start:
	addq $16, %rdi
.Lsl_loop:
	movdqa (%rdi), %xmm0
	pcmpeqb %xmm1, %xmm0
	pmovmskb %xmm0, %edx
	testl %edx, %edx
	jnz .Lsl_found
	addq $16, %rdi
	jmp .Lsl_loop
.Lsl_found:
	bsfl %edx, %edx
	leaq (%rdi,%rdx), %rax
	subq %rsi, %rax
	ret
	.size strlen, . - strlen

	.section .note.GNU-stack, "", @progbits
