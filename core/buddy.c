/* SPDX-License-Identifier: MIT */
/* buddy.c: the binary buddy page allocator. Each range keeps one state byte per page in its own
 * first pages, so the allocator needs no memory besides the ranges it is given. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mote/buddy.h>

#define PAGE_MASK         (BUDDY_PAGE_SIZE - 1)
#define BLOCK_SIZE(order) (BUDDY_PAGE_SIZE << (order))

/* The first page of every block holds PAGE_FREE or PAGE_USED with the block's order; all other
 * pages hold 0. Only these bytes say what is free: allocated memory holds whatever its owner
 * wrote, so a free must never be judged by looking at the block or its neighbours. */
#define PAGE_FREE  0x80
#define PAGE_USED  0x40
#define PAGE_ORDER 0x1f
_Static_assert(BUDDY_MAX_ORDER <= PAGE_ORDER, "an order must fit in a state byte");

/* Doubly linked so that coalescing can unlink a buddy without walking its list. */
struct buddy_free_block {
	struct buddy_free_block *next;
	struct buddy_free_block **pprev;
};

struct buddy_range {
	uintptr_t start, end; /* the pages handed out, which follow this header and state[] */
	uint8_t state[];      /* one per page from start */
};

void buddy_init(struct buddy *b) { memset(b, 0, sizeof(*b)); }

static uint8_t *page_state(struct buddy_range *r, uintptr_t addr)
{
	return &r->state[(addr - r->start) / BUDDY_PAGE_SIZE];
}

static struct buddy_range *find_range(const struct buddy *b, uintptr_t addr)
{
	for (unsigned i = 0; i < b->nranges; i++)
		if (addr >= b->ranges[i]->start && addr < b->ranges[i]->end)
			return b->ranges[i];
	return NULL;
}

static void push_free(struct buddy *b, struct buddy_range *r, uintptr_t addr, unsigned order)
{
	struct buddy_free_block *f = (struct buddy_free_block *)addr;

	*page_state(r, addr) = PAGE_FREE | order;
	f->next = b->free[order];
	f->pprev = &b->free[order];
	if (f->next)
		f->next->pprev = &f->next;
	b->free[order] = f;
}

static void unlink_free(struct buddy_free_block *f)
{
	*f->pprev = f->next;
	if (f->next)
		f->next->pprev = f->pprev;
}

int buddy_add_range(struct buddy *b, uintptr_t base, size_t len)
{
	uintptr_t first, last, start, end, addr;
	size_t npages, nmeta;
	struct buddy_range *r;
	unsigned order;

	if (b->nranges == BUDDY_MAX_RANGES || len > UINTPTR_MAX - base)
		return -EINVAL;
	/* Page numbers rather than addresses, so rounding the edges cannot wrap around. */
	first = base / BUDDY_PAGE_SIZE + (base % BUDDY_PAGE_SIZE != 0);
	last = (base + len) / BUDDY_PAGE_SIZE;
	if (first == 0)
		first = 1;
	if (last <= first)
		return -EINVAL;
	npages = last - first;
	nmeta = (sizeof(*r) + npages + PAGE_MASK) / BUDDY_PAGE_SIZE;
	if (nmeta >= npages)
		return -EINVAL;
	start = first * BUDDY_PAGE_SIZE;
	end = last * BUDDY_PAGE_SIZE;
	for (unsigned i = 0; i < b->nranges; i++)
		if ((uintptr_t)b->ranges[i] < end && start < b->ranges[i]->end)
			return -EINVAL;

	r = (struct buddy_range *)start;
	r->start = start + nmeta * BUDDY_PAGE_SIZE;
	r->end = end;
	memset(r->state, 0, npages - nmeta);
	b->ranges[b->nranges++] = r;
	b->total_pages += npages - nmeta;
	b->free_pages += npages - nmeta;

	/* Cut the range into the largest blocks that are aligned to their size in physical
	 * addresses; a range starting at an odd page begins with small blocks. */
	for (addr = r->start; addr < end; addr += BLOCK_SIZE(order)) {
		order = BUDDY_MAX_ORDER;
		while ((addr & (BLOCK_SIZE(order) - 1)) || end - addr < BLOCK_SIZE(order))
			order--;
		push_free(b, r, addr, order);
	}
	return 0;
}

void *buddy_alloc(struct buddy *b, unsigned order)
{
	struct buddy_free_block *f;
	struct buddy_range *r;
	uintptr_t addr;
	unsigned k;

	for (k = order; k <= BUDDY_MAX_ORDER && !b->free[k]; k++)
		;
	if (k > BUDDY_MAX_ORDER)
		return NULL;
	f = b->free[k];
	unlink_free(f);
	addr = (uintptr_t)f;
	r = find_range(b, addr);
	while (k > order) {
		k--;
		push_free(b, r, addr + BLOCK_SIZE(k), k);
	}
	*page_state(r, addr) = PAGE_USED | order;
	b->free_pages -= (size_t)1 << order;
	return f;
}

/* Why freeing `addr` with this order would be wrong, or NULL if it is a live block. */
static const char *check_free(struct buddy_range *r, uintptr_t addr, unsigned order)
{
	uint8_t state;

	if (!r)
		return "pointer not from the allocator";
	if (addr & PAGE_MASK)
		return "pointer not at a page boundary";
	state = *page_state(r, addr);
	if (state & PAGE_FREE)
		return "double free";
	if (!(state & PAGE_USED))
		return "not the start of an allocated block (freed twice, or inside a block)";
	if ((state & PAGE_ORDER) != order)
		return "wrong order";
	return NULL;
}

void buddy_free(struct buddy *b, void *block, unsigned order)
{
	uintptr_t addr = (uintptr_t)block, buddy;
	struct buddy_range *r = find_range(b, addr);
	const char *why = check_free(r, addr, order);

	if (why) {
		buddy_bad_free(why, block);
		return;
	}
	*page_state(r, addr) = 0;
	b->free_pages += (size_t)1 << order;
	for (; order < BUDDY_MAX_ORDER; order++) {
		/* Blocks are aligned to their size, so the buddy is the other half of the block
		 * twice as large. Its state byte says whether it is free whole; a buddy that would
		 * cross the end of the range was never made, so its first page is not so marked. */
		buddy = addr ^ BLOCK_SIZE(order);
		if (buddy < r->start || buddy >= r->end || *page_state(r, buddy) != (PAGE_FREE | order))
			break;
		unlink_free((struct buddy_free_block *)buddy);
		*page_state(r, buddy) = 0;
		addr &= ~BLOCK_SIZE(order);
	}
	push_free(b, r, addr, order);
}

static unsigned order_for(size_t npages)
{
	unsigned order = 0;

	while (((size_t)1 << order) < npages)
		order++;
	return order;
}

void *buddy_alloc_run(struct buddy *b, size_t npages)
{
	unsigned k;
	uintptr_t addr, base;
	struct buddy_range *r;
	size_t left = npages;

	if (npages == 0 || npages > ((size_t)1 << BUDDY_MAX_ORDER))
		return NULL;
	k = order_for(npages);
	base = addr = (uintptr_t)buddy_alloc(b, k);
	if (!addr)
		return NULL;
	r = find_range(b, addr);
	/* Halve what is left of the block: a lower half the run needs whole is kept as a block
	 * of its own; an upper half it does not reach is free again (its buddy, the lower
	 * half, is in use, so there is nothing to merge with). */
	while (left != ((size_t)1 << k)) {
		k--;
		if (left > ((size_t)1 << k)) {
			*page_state(r, addr) = PAGE_USED | k;
			addr += BLOCK_SIZE(k);
			left -= (size_t)1 << k;
		} else {
			push_free(b, r, addr + BLOCK_SIZE(k), k);
			b->free_pages += (size_t)1 << k;
		}
	}
	*page_state(r, addr) = PAGE_USED | k;
	return (void *)base;
}

void buddy_free_run(struct buddy *b, void *run, size_t npages)
{
	uintptr_t addr = (uintptr_t)run;

	for (unsigned k = BUDDY_MAX_ORDER + 1; k-- > 0;) {
		if (npages & ((size_t)1 << k)) {
			buddy_free(b, (void *)addr, k);
			addr += BLOCK_SIZE(k);
		}
	}
}

size_t buddy_free_pages(const struct buddy *b) { return b->free_pages; }
