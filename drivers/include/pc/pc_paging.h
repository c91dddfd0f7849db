/* SPDX-License-Identifier: MIT */
/* pc_paging.h: the PC platforms' page tables (4-level, identity map of RAM). The platform's
 * entry jumps to pc_long_mode (pc_long_mode.S), which builds a temporary map of the first 1 GiB
 * (one PML4, one PD of 2 MiB pages); the platform hands both tables to pc_paging_init(), which
 * turns them into the final map in place. */
#ifndef PC_PAGING_H
#define PC_PAGING_H

#include <stddef.h>
#include <stdint.h>

#include <hal/boot.h>

/* The temporary tables pc_long_mode built. */
extern uint64_t pc_early_pml4[512], pc_early_pd[512];

/* Core's heap and other mappings go in the second 512 GiB, far from the identity map of RAM. */
#define PC_VSPACE_BASE (512ull << 30)
#define PC_VSPACE_LEN  (256ull << 30)

/* Turn the temporary boot map into the final one: RAM identity-mapped up to `ram_top`
 * non-executable, the image mapped page by page with text read-only+executable, rodata
 * read-only, data and bss non-executable, and page 0 and the boot-stack guard unmapped.
 * New tables come from the front of info's largest RAM range (which shrinks by what they
 * take); info's vspace is set to PC_VSPACE_*. Returns 0 or -ENOMEM. */
int pc_paging_init(uint64_t *pml4, uint64_t *pd0, uint64_t ram_top, struct hal_boot_info *info);

/* Make sure every page of [pa, pa + len) is reachable at va == pa, mapping the missing ones
 * read-only and non-executable (firmware tables beyond RAM). Returns 0 or a negative errno. */
int pc_paging_identity(uint64_t pa, size_t len, unsigned prot);

/* pc_paging_identity() between pc_paging_init() and core_main(), before core has a page
 * allocator: new tables come from the front of info's largest RAM range, as the boot tables
 * did (device memory the platform wants reachable from its first lines, e.g. a framebuffer). */
int pc_paging_identity_boot(struct hal_boot_info *info, uint64_t pa, size_t len, unsigned prot);

#endif
