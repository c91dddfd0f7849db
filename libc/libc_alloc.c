/* SPDX-License-Identifier: MIT */
/* libc_alloc.c: Mote's allocator. Boundary-tagged blocks on segregated free lists (first fit
 * within a size class), exact-size reuse lists for small frees, growth through alloc_grow().
 * Memory is never handed back: the kernel keeps heap pages mapped anyway (core/mm.c). */
#include "libc_alloc.h"

#include <string.h>

typedef struct alloc_free blk;

static size_t bsize(const blk *b) { return b->head & ALLOC_SIZE_MASK; }
static blk *at(uintptr_t a) { return (blk *)a; }
static blk *after(blk *b) { return at((uintptr_t)b + bsize(b)); }
static void *payload(blk *b) { return (char *)b + ALLOC_HDR; }
static blk *header(const void *p) { return at((uintptr_t)p - ALLOC_HDR); }
static size_t *footer(blk *b) { return (size_t *)((uintptr_t)b + bsize(b) - 8); }
static void set_head(blk *b, size_t size, size_t flags) { b->head = ALLOC_MAGIC | size | flags; }

/* The block size that holds n payload bytes: the header plus n, rounded up to 16. */
static size_t block_for(size_t n)
{
	size_t s = (n + ALLOC_HDR + ALLOC_ALIGN - 1) & ~(size_t)(ALLOC_ALIGN - 1);

	return s < ALLOC_MIN_BLOCK ? ALLOC_MIN_BLOCK : s;
}

static void bin_insert(struct alloc_heap *h, blk *b)
{
	unsigned i = alloc_bin_of(bsize(b));

	*footer(b) = b->head;
	b->prev = NULL;
	b->next = h->bins[i];
	if (b->next)
		b->next->prev = b;
	h->bins[i] = b;
	h->binmap[i / 64] |= 1ul << (i % 64);
}

static void bin_remove(struct alloc_heap *h, blk *b)
{
	unsigned i = alloc_bin_of(bsize(b));

	if (b->prev)
		b->prev->next = b->next;
	else
		h->bins[i] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	if (!h->bins[i])
		h->binmap[i / 64] &= ~(1ul << (i % 64));
}

/* b (size s, header still marked used) is free from now on: it merges with a free neighbour on
 * either side at once, so no two free blocks ever touch. */
static void release(struct alloc_heap *h, blk *b, size_t s, const char *call)
{
	blk *next = at((uintptr_t)b + s);

	if (!(b->head & ALLOC_PREV_USED)) {
		size_t ps = *(size_t *)((uintptr_t)b - 8);
		blk *prev = at((uintptr_t)b - (ps & ALLOC_SIZE_MASK));

		if ((ps & ALLOC_MAGIC_MASK) != ALLOC_MAGIC || prev->head != ps)
			alloc_fail(h, call, "corrupted heap: the block before has a bad boundary tag",
			           payload(b));
		bin_remove(h, prev);
		s += bsize(prev);
		b = prev;
	}
	if ((next->head & ALLOC_MAGIC_MASK) != ALLOC_MAGIC)
		alloc_fail(h, call, "corrupted heap: the block after has a bad header", payload(b));
	if (!(next->head & ALLOC_USED)) {
		bin_remove(h, next);
		s += bsize(next);
	}
	set_head(b, s, ALLOC_PREV_USED);
	bin_insert(h, b);
	after(b)->head &= ~ALLOC_PREV_USED;
}

/* Cut the used block b down to s bytes if what is left over can stand as a block of its own. */
static void trim(struct alloc_heap *h, blk *b, size_t s, const char *call)
{
	size_t rest = bsize(b) - s;
	blk *r;

	if (rest < ALLOC_MIN_BLOCK)
		return;
	set_head(b, s, b->head & (ALLOC_USED | ALLOC_PREV_USED));
	r = at((uintptr_t)b + s);
	set_head(r, rest, ALLOC_USED | ALLOC_PREV_USED);
	release(h, r, rest, call);
}

/* Hand out the free block b (already off its list) for a block of s bytes. */
static void *use(struct alloc_heap *h, blk *b, size_t s)
{
	b->head |= ALLOC_USED;
	after(b)->head |= ALLOC_PREV_USED;
	trim(h, b, s, "malloc");
	return payload(b);
}

/* A free block of at least s bytes, taken off its list, or NULL. */
static blk *find_fit(struct alloc_heap *h, size_t s)
{
	unsigned i = alloc_bin_of(s), w;
	uint64_t bits;
	blk *b;

	if (i >= ALLOC_NEXACT) /* a class of several sizes: first fit within it */
		for (b = h->bins[i]; b; b = b->next)
			if (bsize(b) >= s)
				goto found;
	if (i < ALLOC_NEXACT && h->bins[i]) {
		b = h->bins[i];
		goto found;
	}
	/* Any block in a later class is big enough. */
	i++;
	for (w = i / 64; w < sizeof(h->binmap) / 8; w++, i = w * 64) {
		bits = i % 64 ? h->binmap[w] & (~0ul << (i % 64)) : h->binmap[w];
		if (bits) {
			b = h->bins[w * 64 + __builtin_ctzl(bits)];
			goto found;
		}
	}
	return NULL;
found:
	bin_remove(h, b);
	return b;
}

/* Grow the heap so that a block of s bytes fits at its end (counting a free block already
 * there), and put the new space on the free lists. False when alloc_grow() fails. */
static int grow(struct alloc_heap *h, size_t s)
{
	blk *fence = at(h->seg_end - ALLOC_HDR);
	size_t have = 0, incr;
	uintptr_t p, end;
	blk *b;

	if (h->seg_end && !(fence->head & ALLOC_PREV_USED))
		have = *(size_t *)(h->seg_end - 16) & ALLOC_SIZE_MASK;
	/* Room for a new segment's alignment and fence if the break has moved elsewhere. */
	incr = (s > have ? s - have : 0) + 2 * ALLOC_ALIGN + h->top_pad;
	incr = (incr + 4095) & ~(size_t)4095;
	p = (uintptr_t)alloc_grow(h, incr);
	if (!p)
		return 0;
	h->arena += incr;
	if (h->arena > h->max_arena)
		h->max_arena = h->arena;
	end = (p + incr) & ~(uintptr_t)(ALLOC_ALIGN - 1);
	if (h->seg_end && p == h->raw_end) {
		b = fence; /* the old fence heads the new space */
		set_head(b, end - h->seg_end, ALLOC_USED | (fence->head & ALLOC_PREV_USED));
	} else {
		b = at(((p + ALLOC_HDR + ALLOC_ALIGN - 1) & ~(uintptr_t)(ALLOC_ALIGN - 1)) - ALLOC_HDR);
		set_head(b, end - ALLOC_HDR - (uintptr_t)b, ALLOC_USED | ALLOC_PREV_USED);
		if (!h->lo || p < h->lo)
			h->lo = p;
	}
	if (end > h->hi)
		h->hi = end;
	h->raw_end = p + incr;
	h->seg_end = end;
	set_head(at(end - ALLOC_HDR), 0, ALLOC_USED | ALLOC_PREV_USED);
	release(h, b, bsize(b), "malloc");
	return 1;
}

int alloc_flush(struct alloc_heap *h)
{
	int any = 0;
	unsigned w, i;
	blk *b;

	for (w = 0; w < ALLOC_NREUSE / 64; w++) {
		while (h->reusemap[w]) {
			i = w * 64 + __builtin_ctzl(h->reusemap[w]);
			while ((b = h->reuse[i]) != NULL) {
				h->reuse[i] = *(void **)payload(b);
				b->head &= ~ALLOC_PARKED;
				release(h, b, bsize(b), "malloc");
			}
			h->reusemap[w] &= ~(1ul << (i % 64));
			any = 1;
		}
	}
	return any;
}

/* A free block of at least s bytes off its list: from the free lists, then after merging the
 * parked blocks, then from new heap. */
static blk *obtain(struct alloc_heap *h, size_t s)
{
	blk *b = find_fit(h, s);
	int tries;

	if (!b && alloc_flush(h))
		b = find_fit(h, s);
	/* A second growth when the first started a new segment, which the old top cannot join. */
	for (tries = 0; !b && tries < 2 && grow(h, s); tries++)
		b = find_fit(h, s);
	return b;
}

void *alloc_malloc(struct alloc_heap *h, size_t n)
{
	size_t s;
	blk *b;

	if (n > ALLOC_MAX_REQUEST)
		return NULL;
	s = block_for(n);
	if (s < ALLOC_REUSE_LIMIT && (b = h->reuse[s / ALLOC_ALIGN]) != NULL) {
		void *p = payload(b);

		if (!(h->reuse[s / ALLOC_ALIGN] = *(void **)p))
			h->reusemap[s / ALLOC_ALIGN / 64] &= ~(1ul << (s / ALLOC_ALIGN % 64));
		b->head &= ~ALLOC_PARKED;
		return p;
	}
	b = obtain(h, s);
	return b ? use(h, b, s) : NULL;
}

/* The header of p, a pointer the caller says came from this heap, after every check that is
 * cheap: it must be one we handed out and have not had back, with an intact header. */
static blk *owned(struct alloc_heap *h, const void *p, const char *call)
{
	blk *b = header(p);
	size_t s;

	if (((uintptr_t)p & (ALLOC_ALIGN - 1)) || (uintptr_t)p < h->lo || (uintptr_t)p >= h->hi ||
	    (b->head & ALLOC_MAGIC_MASK) != ALLOC_MAGIC)
		alloc_fail(h, call, "pointer not from malloc, or its header overwritten", p);
	if ((b->head & (ALLOC_USED | ALLOC_PARKED)) != ALLOC_USED)
		alloc_fail(h, call, "double free (the block is already free)", p);
	s = bsize(b);
	if (s < ALLOC_MIN_BLOCK || s > h->hi - (uintptr_t)b ||
	    (after(b)->head & (ALLOC_MAGIC_MASK | ALLOC_PREV_USED)) != (ALLOC_MAGIC | ALLOC_PREV_USED))
		alloc_fail(h, call, "corrupted heap: bad block size or next header", p);
	return b;
}

static void free_block(struct alloc_heap *h, blk *b, const char *call)
{
	size_t s = bsize(b);

	if (s < ALLOC_REUSE_LIMIT) {
		unsigned i = s / ALLOC_ALIGN;

		b->head |= ALLOC_PARKED;
		*(void **)payload(b) = h->reuse[i];
		h->reuse[i] = b;
		h->reusemap[i / 64] |= 1ul << (i % 64);
		return;
	}
	release(h, b, s, call);
}

/* Not inlined or cloned: a bad free's panic backtrace names alloc_free (kvm.fault-double-free),
 * which an LTO link (MOTE_LTO) would otherwise fold into free() or rename alloc_free.constprop. */
__attribute__((noinline, noclone)) void alloc_free(struct alloc_heap *h, void *p)
{
	if (p)
		free_block(h, owned(h, p, "free"), "free");
}

/* Take the free block after b into it, if it is free. */
static void absorb_next(struct alloc_heap *h, blk *b)
{
	blk *next = after(b);

	if (next->head & ALLOC_USED)
		return;
	bin_remove(h, next);
	set_head(b, bsize(b) + bsize(next), b->head & (ALLOC_USED | ALLOC_PREV_USED));
	after(b)->head |= ALLOC_PREV_USED;
}

void *alloc_realloc(struct alloc_heap *h, void *p, size_t n)
{
	size_t s, old;
	void *q;
	blk *b;

	if (!p)
		return alloc_malloc(h, n);
	b = owned(h, p, "realloc");
	if (n > ALLOC_MAX_REQUEST)
		return NULL;
	s = block_for(n);
	old = bsize(b);
	if (bsize(b) < s) {
		absorb_next(h, b);
		/* At the end of the last segment: grow the heap under it. */
		if (bsize(b) < s && (uintptr_t)after(b) == h->seg_end - ALLOC_HDR && grow(h, s - bsize(b)))
			absorb_next(h, b);
	}
	if (bsize(b) >= s) {
		trim(h, b, s, "realloc");
		return p;
	}
	q = alloc_malloc(h, n);
	if (q) {
		memcpy(q, p, old - ALLOC_HDR);
		free_block(h, b, "realloc");
	}
	return q;
}

void *alloc_memalign(struct alloc_heap *h, size_t align, size_t n)
{
	size_t s, gap;
	uintptr_t p, q;
	blk *b, *a;

	if (align <= ALLOC_ALIGN)
		return alloc_malloc(h, n);
	if (n > ALLOC_MAX_REQUEST || align > ALLOC_MAX_REQUEST)
		return NULL;
	/* Over-allocate, then give back the blocks before and after the aligned one. */
	s = block_for(n);
	b = obtain(h, s + align + ALLOC_MIN_BLOCK);
	if (!b)
		return NULL;
	b->head |= ALLOC_USED;
	after(b)->head |= ALLOC_PREV_USED;
	p = (uintptr_t)payload(b);
	q = (p + align - 1) & ~(uintptr_t)(align - 1);
	if (q != p) {
		if (q - p < ALLOC_MIN_BLOCK)
			q += align;
		gap = q - p;
		a = header((void *)q);
		set_head(a, bsize(b) - gap, ALLOC_USED | ALLOC_PREV_USED);
		set_head(b, gap, ALLOC_USED | (b->head & ALLOC_PREV_USED));
		release(h, b, gap, "memalign");
		b = a;
	}
	trim(h, b, s, "memalign");
	return payload(b);
}

size_t alloc_usable_size(struct alloc_heap *h, const void *p)
{
	return p ? bsize(owned(h, p, "malloc_usable_size")) - ALLOC_HDR : 0;
}

void alloc_stats(struct alloc_heap *h, struct alloc_stats *st)
{
	unsigned i;
	blk *b;

	memset(st, 0, sizeof(*st));
	st->arena = h->arena;
	st->max_arena = h->max_arena;
	for (i = 0; i < ALLOC_NBINS; i++)
		for (b = h->bins[i]; b; b = b->next) {
			st->free_blocks++;
			st->free_bytes += bsize(b);
		}
	for (i = 0; i < ALLOC_NREUSE; i++)
		for (b = h->reuse[i]; b; b = *(void **)payload(b)) {
			st->parked_blocks++;
			st->parked_bytes += bsize(b);
		}
	if (h->seg_end && !(at(h->seg_end - ALLOC_HDR)->head & ALLOC_PREV_USED))
		st->top_free = *(size_t *)(h->seg_end - 16) & ALLOC_SIZE_MASK;
}
