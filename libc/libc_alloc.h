/* SPDX-License-Identifier: MIT */
/* libc_alloc.h: Mote's malloc as a pure allocator over a heap that grows through alloc_grow().
 * No kernel headers and no locking: libc_malloc.c wraps it for newlib, tests/unit drives it on
 * the host. Callers serialise every call on one heap. */
#ifndef LIBC_ALLOC_H
#define LIBC_ALLOC_H

#include <stddef.h>
#include <stdint.h>

/* Block layout, shared with the host test's heap walker. Every block starts with an 8-byte
 * header; payloads are 16-aligned, so headers sit at 8 mod 16 and sizes are multiples of 16.
 * A free block also holds its list links after the header and a copy of its header (the
 * boundary tag) in its last 8 bytes, which the next block reads when its PREV_USED bit is clear.
 * A segment ends in a fence: a used header of size 0. */
#define ALLOC_ALIGN       16
#define ALLOC_HDR         8
#define ALLOC_MIN_BLOCK   32  /* header, two links, footer */
#define ALLOC_USED        1ul /* the block is handed out or parked on a reuse list */
#define ALLOC_PREV_USED   2ul /* the block before is not free: no footer to read */
#define ALLOC_PARKED      4ul /* on a reuse list: freed, not yet merged */
#define ALLOC_SIZE_MASK   0x0000fffffffffff0ul
#define ALLOC_MAGIC       0x6d6f000000000000ul /* "mo" in the top bits: a header we wrote */
#define ALLOC_MAGIC_MASK  0xffff000000000000ul
#define ALLOC_MAX_REQUEST (1ul << 46)

/* Freed blocks below this size wait on an exact-size reuse list (LIFO) for the next request of
 * that size, unmerged; the lists are emptied into the free lists when a fit fails. */
#define ALLOC_REUSE_LIMIT 8192
#define ALLOC_NREUSE      (ALLOC_REUSE_LIMIT / ALLOC_ALIGN)

/* Free lists: one per 16-byte size below 1 KiB, then four per power of two. */
#define ALLOC_NEXACT 64
#define ALLOC_NBINS  (ALLOC_NEXACT + 4 * 38)

/* The free list of a block of s bytes (a multiple of ALLOC_ALIGN): exact below 1 KiB, then four
 * per power of two. The allocator files blocks by it and the host test checks the lists with it. */
static inline unsigned alloc_bin_of(size_t s)
{
	unsigned b;

	if (s < ALLOC_NEXACT * ALLOC_ALIGN)
		return s / ALLOC_ALIGN;
	b = 63 - __builtin_clzl(s);
	return ALLOC_NEXACT + (b - 10) * 4 + ((s >> (b - 2)) & 3);
}

struct alloc_free {
	size_t head;
	struct alloc_free *next, *prev;
};

struct alloc_heap {
	struct alloc_free *bins[ALLOC_NBINS];
	uint64_t binmap[(ALLOC_NBINS + 63) / 64];
	void *reuse[ALLOC_NREUSE];
	uint64_t reusemap[ALLOC_NREUSE / 64];
	uintptr_t raw_end;       /* the break after the last growth, as alloc_grow() returned it */
	uintptr_t seg_end;       /* just past the last segment's fence */
	uintptr_t lo, hi;        /* bounds of every segment: pointers outside were never handed out */
	size_t arena, max_arena; /* bytes obtained from alloc_grow() */
	size_t top_pad;          /* extra bytes asked for at each growth (mallopt M_TOP_PAD) */
};

/* Supplied by the user of this file. alloc_grow() extends the heap by incr bytes (a multiple of
 * 16) and returns where the new bytes start, or NULL when there is no memory; growth that does
 * not continue the previous one starts a new segment. alloc_fail() reports a bad pointer or a
 * corrupted heap found in `call` and must not return. */
void *alloc_grow(struct alloc_heap *h, size_t incr);
void alloc_fail(struct alloc_heap *h, const char *call, const char *why, const void *p)
        __attribute__((noreturn));

/* The allocator. NULL means no memory (or a request too large); sizes of 0 give a unique
 * minimal block. alloc_memalign() wants a power of two. */
void *alloc_malloc(struct alloc_heap *h, size_t n);
void alloc_free(struct alloc_heap *h, void *p);
void *alloc_realloc(struct alloc_heap *h, void *p, size_t n);
void *alloc_memalign(struct alloc_heap *h, size_t align, size_t n);
size_t alloc_usable_size(struct alloc_heap *h, const void *p);

/* Merge every parked block into the free lists (malloc_trim); true if any was parked. */
int alloc_flush(struct alloc_heap *h);

struct alloc_stats {
	size_t arena, max_arena;
	size_t free_blocks, free_bytes;     /* merged free blocks */
	size_t parked_blocks, parked_bytes; /* on reuse lists */
	size_t top_free;                    /* the free block at the end of the last segment */
};
void alloc_stats(struct alloc_heap *h, struct alloc_stats *st);

#endif
