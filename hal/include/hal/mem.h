/* SPDX-License-Identifier: MIT */
/* hal/mem.h: page mappings and protections, so core can enforce W^X, unmapped guard pages and
 * an unmapped page 0 the same way on every platform (page tables on kvm, mmu_update on Xen). */
#ifndef HAL_MEM_H
#define HAL_MEM_H

#include <stddef.h>
#include <stdint.h>

#define HAL_PAGE_SIZE 4096UL

/* Protection bits. HAL_PROT_NONE leaves the range unmapped: any access faults. A platform
 * refuses HAL_PROT_WRITE | HAL_PROT_EXEC together (W^X). */
#define HAL_PROT_NONE  0u
#define HAL_PROT_READ  1u
#define HAL_PROT_WRITE 2u
#define HAL_PROT_EXEC  4u

/* Where the platform takes zeroed, page-aligned pages for new page-table levels: core
 * supplies it once, before the first hal_mem_map(). Returns NULL when memory is exhausted. */
typedef void *(*hal_page_source_fn)(void);
void hal_mem_set_page_source(hal_page_source_fn alloc_page);

/* Map `len` bytes (page multiple) of the RAM directly mapped at `ram_va` (from a
 * hal_mem_range) also at `va` with `prot`. Returns 0, -EINVAL (misaligned, W+X, outside the
 * address space) or -ENOMEM (no page for a table). Not from interrupt context. */
int hal_mem_map(uintptr_t va, uintptr_t ram_va, size_t len, unsigned prot);

/* Change the protection of the mapped range [va, va + len) (page multiples); HAL_PROT_NONE
 * unmaps it. Returns 0, -EINVAL or -ENOMEM. Not from interrupt context. */
int hal_mem_protect(uintptr_t va, size_t len, unsigned prot);

/* Commit on touch: address space reserved now, RAM behind each page only when it is first
 * touched. Whether the platform can is fixed for the build: a platform takes the page fault on
 * a stack of its own and returns to the faulting instruction (kvm and baremetal, #PF on an IST
 * stack) can; Xen PV, which delivers a fault on the faulting thread's own stack, cannot (a
 * stack page missing would leave Xen nowhere to put the exception frame), and core then
 * commits every page up front. Any context. */
int hal_mem_commit_on_touch(void);

/* Reserve [va, va + len) (page multiples, inside the boot info's vspace window, nothing mapped
 * there): make the page tables now, so that committing a page later never needs memory for a
 * table, and mark every page reserved. The first touch of a reserved page faults into the
 * platform, which asks core_commit_page() (hal/fault.h) for a page and maps it read-write,
 * non-executable, then resumes the faulting instruction. hal_mem_map() commits a page of the
 * range at once. Returns 0, -EINVAL, -ENOMEM (no page for a table) or -ENOSYS when
 * hal_mem_commit_on_touch() is 0. Thread context. */
int hal_mem_reserve(uintptr_t va, size_t len);

/* Undo hal_mem_reserve() over [va, va + len): every page unmapped and no longer reserved;
 * the RAM of each committed page is handed to give_back(ram_va) (the direct-map address
 * hal_mem_map() was given). Page tables stay for the next reservation. Returns 0 or -EINVAL.
 * Thread context, or interrupts disabled. */
int hal_mem_release(uintptr_t va, size_t len, void (*give_back)(uintptr_t ram_va));

/* Map the device registers at physical address [pa, pa + len) read-write and non-executable,
 * and return the address to reach them through, or NULL (a range the platform cannot map, or
 * no memory for page tables). A platform whose devices need a special memory type sets it
 * here; kvm's emulated and paravirtual devices need none. Mappings last for the boot. Thread
 * context. */
volatile void *hal_mem_map_io(uint64_t pa, size_t len);

/* The bus address a device must use to reach the kernel memory at `va` (DMA), or
 * HAL_DMA_INVALID when the memory is not directly reachable. Only memory from
 * mm_alloc_pages() is guaranteed to be reachable, and contiguous over its whole block; the
 * malloc heap is not (on kvm it lives in a window of its own, scattered over RAM). Any
 * context. */
#define HAL_DMA_INVALID UINT64_MAX
uint64_t hal_mem_dma_addr(const void *va);

#endif
