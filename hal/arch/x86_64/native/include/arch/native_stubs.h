/* SPDX-License-Identifier: MIT */
/* arch/native_stubs.h: the layout of the IDT entry stubs (native_trap_entry.S for vectors 0-31,
 * native_irq_entry.S for 32-255), shared by the assembler that lays them out and the C that
 * points the IDT at them, so the two cannot disagree. The assembler's macro is in
 * arch/native_stubs.inc. */
#ifndef ARCH_NATIVE_STUBS_H
#define ARCH_NATIVE_STUBS_H

/* Stubs come in blocks of 32. In a block, each stub is `pushq $(vector - 128)` (2 bytes, a
 * sign-extended imm8) then a 2-byte short jump to the block's last stub, whose push falls into
 * the one 5-byte jump to the common code: 31 * 4 + 2 + 5 bytes. Against one rel32 jump per stub
 * this is half the bytes (issue 15); the short jump reaches 122 bytes, inside its 127. */
#define NATIVE_STUBS_PER_BLOCK 32
#define NATIVE_STUB_SIZE       4
#define NATIVE_STUB_BLOCK_SIZE (31 * NATIVE_STUB_SIZE + 2 + 5)

#ifndef __ASSEMBLER__
/* Where vector `first + i`'s stub sits from the start of the stubs that begin at `first`. */
static inline unsigned long native_stub_offset(unsigned i)
{
	return (unsigned long)(i / NATIVE_STUBS_PER_BLOCK) * NATIVE_STUB_BLOCK_SIZE +
	       (i % NATIVE_STUBS_PER_BLOCK) * NATIVE_STUB_SIZE;
}
#endif

#endif
