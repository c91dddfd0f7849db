/* SPDX-License-Identifier: MIT */
/* kvm_memmap.h: turning the PVH memory map into the usable RAM ranges core gets. Pure logic,
 * unit-tested on the host (tests/unit/test_kvm_memmap.c). */
#ifndef KVM_MEMMAP_H
#define KVM_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include <hal/boot.h>

struct kvm_region {
	uint64_t start, end; /* [start, end) */
};

/* From `n` memory-map entries (base, size, type; only type 1 = RAM is usable) build the
 * page-aligned usable ranges with every `reserved` region cut out, sorted by address, into
 * `out` (at most `max`). Entries that overflow or are empty are skipped. Returns the number
 * of ranges, or -ENOSPC if they do not fit in `max`. `*ram_top` receives the end of the
 * highest RAM-like entry (RAM, ACPI, NVS), which the identity map must cover. */
struct kvm_memmap_entry {
	uint64_t addr, size;
	uint32_t type;
};
int kvm_memmap_build(const struct kvm_memmap_entry *map, unsigned n, const struct kvm_region *reserved,
                     unsigned nreserved, struct hal_mem_range *out, unsigned max, uint64_t *ram_top);

#endif
