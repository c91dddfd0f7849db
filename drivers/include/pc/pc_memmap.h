/* SPDX-License-Identifier: MIT */
/* pc_memmap.h: turning a firmware (e820-style) memory map, PVH's or Multiboot2's, into the usable RAM ranges
 * core gets. Pure logic, unit-tested on the host (tests/unit/test_pc_memmap.c). */
#ifndef PC_MEMMAP_H
#define PC_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include <hal/boot.h>

struct pc_region {
	uint64_t start, end; /* [start, end) */
};

/* From `n` memory-map entries (base, size, type; only type 1 = RAM is usable) build the
 * page-aligned usable ranges with every `reserved` region cut out, sorted by address, into
 * `out` (at most `max`). Entries that overflow or are empty are skipped. Returns the number
 * of ranges, or -ENOSPC if they do not fit in `max`. `*ram_top` receives the end of the
 * highest RAM-like entry (RAM, ACPI, NVS), which the identity map must cover. */
struct pc_memmap_entry {
	uint64_t addr, size;
	uint32_t type;
};
int pc_memmap_build(const struct pc_memmap_entry *map, unsigned n, const struct pc_region *reserved,
                    unsigned nreserved, struct hal_mem_range *out, unsigned max, uint64_t *ram_top);

#endif
