/* SPDX-License-Identifier: MIT */
/* kvm_paging.h: the kvm platform's page tables (4-level, identity map of RAM). */
#ifndef KVM_PAGING_H
#define KVM_PAGING_H

#include <stddef.h>
#include <stdint.h>

/* Turn the temporary boot map into the final one: RAM identity-mapped up to `ram_top`
 * non-executable, the image mapped page by page with text read-only+executable, rodata
 * read-only, data and bss non-executable, and page 0 and the boot-stack guard unmapped.
 * `alloc_page` provides zeroed pages for new tables (NULL = out of memory). Returns 0 or
 * -ENOMEM. */
int kvm_paging_init(uint64_t ram_top, void *(*alloc_page)(void));

#endif

/* Make sure every page of [pa, pa + len) is reachable at va == pa, mapping the missing ones
 * read-only and non-executable (firmware tables beyond RAM). Returns 0 or a negative errno. */
int kvm_paging_identity(uint64_t pa, size_t len, unsigned prot);
