/* SPDX-License-Identifier: MIT */
/* mb2_layout.h: what mb2_entry.S and the C side agree on, as plain #defines the assembler can
 * use: the Multiboot2 magic numbers (Multiboot2 specification 2.0, §3.1.2 and §3.2) and the
 * buffer the entry copies the boot information into. */
#ifndef MB2_LAYOUT_H
#define MB2_LAYOUT_H

#define MB2_HEADER_MAGIC 0xe85250d6
#define MB2_ARCH_I386    0 /* 32-bit protected mode entry, which GRUB uses on BIOS and UEFI */
#define MB2_LOADER_MAGIC 0x36d76289
/* Bytes of boot information the entry copies into the image before anything can overwrite it
 * (GRUB's on UEFI, with its EFI memory map, is a few KiB). Larger information is refused. */
#define MB2_INFO_MAX     65536

#endif
