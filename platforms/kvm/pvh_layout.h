/* SPDX-License-Identifier: MIT */
/* pvh_layout.h: the hvm_start_info offsets and limits pvh_entry.S checks before any C runs.
 * Plain #defines so the assembler can use them; pvh_boot.c checks them against the C structs
 * of Xen's public start_info.h with _Static_assert. */
#ifndef PVH_LAYOUT_H
#define PVH_LAYOUT_H

#define PVH_SI_MAGIC          0x336ec578 /* XEN_HVM_START_MAGIC_VALUE */
#define PVH_SI_SIZE           56         /* struct hvm_start_info, version 1 */
#define PVH_SI_VERSION        4
#define PVH_SI_NR_MODULES     12
#define PVH_SI_MODLIST_PADDR  16
#define PVH_SI_CMDLINE_PADDR  24
#define PVH_SI_MEMMAP_PADDR   40
#define PVH_SI_MEMMAP_ENTRIES 48
#define PVH_MEMMAP_ENTRY_SIZE 24 /* struct hvm_memmap_table_entry: addr, size, type, reserved */
#define PVH_MOD_ENTRY_SIZE    32 /* struct hvm_modlist_entry: paddr, size, cmdline_paddr, reserved */
#define PVH_MOD_CMDLINE_PADDR 16

/* More memory-map entries than any loader writes (QEMU's firmware stops at 128): a larger
 * count is garbage, not a map. */
#define PVH_MEMMAP_MAX  128
/* Modules the kernel takes (HAL_BOOT_MAX_MODULES); later ones are ignored, so not checked. */
#define PVH_MODULES_MAX 8
/* Bytes of a command line the kernel reads (HAL_BOOT_CMDLINE_MAX): the line with its NUL
 * must end within them, or it is refused as too long. */
#define PVH_CMDLINE_MAX 4096

#endif
