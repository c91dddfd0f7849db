/* SPDX-License-Identifier: MIT */
/* mote/buddy.h: a binary buddy allocator of pages over a set of memory ranges. Pure logic with
 * no hardware access, so the host unit tests run it as is. Not thread-safe: callers lock. */
#ifndef MOTE_BUDDY_H
#define MOTE_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#define BUDDY_PAGE_SIZE  4096UL
#define BUDDY_MAX_ORDER  18 /* largest block: 2^18 pages = 1 GiB */
#define BUDDY_MAX_RANGES 32

/* Both are private to buddy.c. A range's first pages hold its struct buddy_range: the bounds
 * of the pages it hands out and one state byte per page. A free block's own first bytes link
 * it into free[order]; whether a block is free is only ever read from the state bytes. */
struct buddy_range;
struct buddy_free_block;

struct buddy {
	struct buddy_free_block *free[BUDDY_MAX_ORDER + 1];
	struct buddy_range *ranges[BUDDY_MAX_RANGES];
	unsigned nranges;
	size_t free_pages;
	size_t total_pages; /* pages the allocator can hand out, bookkeeping excluded */
};

void buddy_init(struct buddy *b);

/* Give the allocator the memory [base, base + len). Unaligned edges are trimmed to whole pages;
 * a few pages at the start hold its bookkeeping. Returns 0, or -EINVAL if the range is too
 * small to be worth it, wraps around, overlaps a range already given, or the table of ranges
 * is full (the memory is then not used). Page 0 is never used, so no block reads as NULL. */
int buddy_add_range(struct buddy *b, uintptr_t base, size_t len);

/* 2^order contiguous pages aligned to their size, or NULL when there is no such block. */
void *buddy_alloc(struct buddy *b, unsigned order);

/* Return a block from buddy_alloc() with the same order. Freeing a block that is not
 * allocated, with the wrong order, or a pointer that is not the start of a block, is caught:
 * buddy_bad_free() is called and the allocator's state is left as it was. */
void buddy_free(struct buddy *b, void *block, unsigned order);

/* `npages` contiguous pages (1 to 2^BUDDY_MAX_ORDER), without rounding the count up to a
 * power of two: the block of the next order is taken and its tail given back
 * at once. The run is kept as the binary decomposition of npages (largest block first), so
 * buddy_free_run() with the same count returns it. NULL when there is no such block. */
void *buddy_alloc_run(struct buddy *b, size_t npages);
void buddy_free_run(struct buddy *b, void *run, size_t npages);

size_t buddy_free_pages(const struct buddy *b);

/* Called on a detected double or mismatched free; the kernel panics, tests record it. */
void buddy_bad_free(const char *why, const void *block);

#endif
