/* SPDX-License-Identifier: MIT */
/* mote/mm.h: the kernel's physical page allocator and heap. */
#ifndef MOTE_MM_H
#define MOTE_MM_H

#include <stddef.h>
#include <stdint.h>

struct hal_boot_info;

/* Hand the boot RAM ranges to the page allocator and set up the heap window. */
void mm_init(const struct hal_boot_info *info);

/* 2^order zero-filled pages, or NULL when memory is exhausted. Not from interrupt context. */
void *mm_alloc_pages(unsigned order);
void mm_free_pages(void *pages, unsigned order);

/* `npages` zero-filled contiguous pages, the count not rounded up to a power of two (a 4 MiB
 * thread stack plus its guard page costs 4 MiB and a page, not 8 MiB), or NULL. Freed with
 * mm_free_run() and the same count. Not from interrupt context. */
void *mm_alloc_run(size_t npages);
void mm_free_run(void *run, size_t npages);
size_t mm_free_bytes(void);

/* One zeroed page for a stack page touched for the first time (core_commit_page), or NULL when
 * none is left. On a fault stack with interrupts off; never from inside this allocator. */
void *mm_commit_page(void);

/* Address space for a reservation of `len` bytes (page multiple) in core's stack window, none
 * of it mapped, or 0 when the window is used up; and giving it back. Thread context. */
uintptr_t mm_vspace_alloc(size_t len);
void mm_vspace_free(uintptr_t va, size_t len);

/* A function that frees pages kept only as a cache (thread stacks): mm_alloc_pages() calls it
 * once, interrupts disabled, before it reports exhaustion. One reclaimer. */
void mm_set_reclaimer(void (*reclaim)(void));
size_t mm_total_bytes(void);

/* Grow (or shrink) the heap by `incr` bytes, mapping or unmapping pages in the heap window.
 * Returns the old break, or (void *)-1 with -ENOMEM in *err when memory is exhausted. */
void *mm_heap_sbrk(intptr_t incr, int *err);

#endif
