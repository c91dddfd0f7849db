/* SPDX-License-Identifier: MIT */
/* mb2_header.S: the Multiboot2 header (specification 2.0, §3.1) that makes GRUB's `multiboot2`
 * command load this ELF image. The linker script puts it first in .text, well inside the first
 * 32 KiB of the file, 8-byte aligned as the specification asks. The entry is the ELF entry. */
#include "mb2_layout.h"

#define TAG_END          0
#define TAG_FRAMEBUFFER  5 /* the kernel can draw on a framebuffer: see below */
#define TAG_MODULE_ALIGN 6 /* modules page-aligned: a cpio initrd is then mapped as it lies */
#define TAG_OPTIONAL     1

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long 0x100000000 - (MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.balign 8
	.short TAG_MODULE_ALIGN, 0
	.long 8
	/* Without this tag GRUB on BIOS always leaves VGA text mode and ignores gfxpayload. With it
	 * (no preferred size), the image's grub.cfg chooses: `set gfxpayload=text` after the
	 * multiboot2 line keeps text mode, a WxHxD mode gives a framebuffer (tools/mote_grub.py).
	 * On UEFI there is only a framebuffer. Optional: a loader without video still boots. */
	.balign 8
	.short TAG_FRAMEBUFFER, TAG_OPTIONAL
	.long 20
	.long 0, 0, 0 /* width, height, depth: no preference */
	.balign 8
	.short TAG_END, 0
	.long 8
mb2_header_end:
