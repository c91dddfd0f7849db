/* SPDX-License-Identifier: MIT */
/* test_buddy.c: the buddy page allocator over malloc'd arenas standing in for RAM: fixed
 * patterns, bad frees, and a long seeded random run checked against a model of live pages. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/buddy.h>

#include "check.h"

#define PAGE BUDDY_PAGE_SIZE
#define MIB  (1024UL * 1024)

static int bad_calls;
static const char *bad_why;
static const void *bad_block;

/* The kernel panics here; the test records the call so it can check what was caught. */
void buddy_bad_free(const char *why, const void *block)
{
	bad_calls++;
	bad_why = why;
	bad_block = block;
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static char *arena(size_t align, size_t len)
{
	char *p = aligned_alloc(align, len);

	if (!p) {
		perror("aligned_alloc");
		exit(2);
	}
	/* RAM starts out full of bytes that would read as "free order-0 page" state, so any
	 * use of a state byte the allocator did not write goes wrong visibly. */
	memset(p, 0x80, len);
	return p;
}

static int aligned(const void *p, unsigned order) { return ((uintptr_t)p & ((PAGE << order) - 1)) == 0; }

/* Allocates order-0 pages until none is left; returns how many, the pages in out[]. */
static size_t drain(struct buddy *b, void **out, size_t max)
{
	size_t n = 0;
	void *p;

	while ((p = buddy_alloc(b, 0))) {
		if (n == max) {
			CHECK(!"more pages than total_pages");
			break;
		}
		out[n++] = p;
	}
	return n;
}

static void shuffle(void **v, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = rng() % i;
		void *t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

/* An aligned 4 MiB range: bookkeeping takes its first page, so the largest block is the
 * upper 2 MiB; order-0 pages drain it, and freeing them in any order coalesces it whole. */
static void test_basic(void)
{
	char *a = arena(4 * MIB, 4 * MIB);
	void **pages = calloc(1024, sizeof(*pages));
	unsigned orders[1024];
	struct buddy b;
	size_t total, n;
	void *big;

	buddy_init(&b);
	CHECK_EQ(buddy_free_pages(&b), 0);
	CHECK(buddy_alloc(&b, 0) == NULL);
	CHECK_EQ(buddy_add_range(&b, (uintptr_t)a, 4 * MIB), 0);
	total = b.total_pages;
	CHECK_EQ(total, 1023);
	CHECK_EQ(buddy_free_pages(&b), total);

	CHECK(buddy_alloc(&b, BUDDY_MAX_ORDER + 1) == NULL);
	CHECK(buddy_alloc(&b, 1000) == NULL);
	CHECK(buddy_alloc(&b, ~0u) == NULL);
	CHECK(buddy_alloc(&b, 10) == NULL);
	big = buddy_alloc(&b, 9);
	CHECK(big == a + 2 * MIB);
	CHECK(buddy_alloc(&b, 9) == NULL);
	CHECK_EQ(buddy_free_pages(&b), total - 512);
	buddy_free(&b, big, 9);
	CHECK_EQ(buddy_free_pages(&b), total);

	for (int round = 0; round < 3; round++) {
		n = drain(&b, pages, 1024);
		CHECK_EQ(n, total);
		CHECK_EQ(buddy_free_pages(&b), 0);
		for (size_t i = 0; i < n; i++) {
			char *p = pages[i];

			CHECK(aligned(p, 0) && p >= a + PAGE && p < a + 4 * MIB);
			/* Allocated memory is the caller's: junk in it must not matter. */
			memset(p, round == 1 ? 0 : 0xff, PAGE);
		}
		if (round == 0)
			shuffle(pages, n);
		for (size_t i = 0; i < n; i++)
			buddy_free(&b, pages[round == 2 ? n - 1 - i : i], 0);
		CHECK_EQ(buddy_free_pages(&b), total);
		big = buddy_alloc(&b, 9);
		CHECK(big == a + 2 * MIB);
		buddy_free(&b, big, 9);
	}

	/* Mixed orders until not one page is left, each block aligned to its size, then all
	 * freed back to one piece. */
	n = 0;
	for (unsigned i = 0; n < 1024; i++) {
		unsigned order = i % 7;
		void *p = buddy_alloc(&b, order);

		if (!p)
			p = buddy_alloc(&b, order = 0);
		if (!p)
			break;
		CHECK(aligned(p, order));
		pages[n] = p;
		orders[n++] = order;
	}
	CHECK_EQ(buddy_free_pages(&b), 0);
	for (size_t i = 0; i < n; i++)
		buddy_free(&b, pages[i], orders[i]);
	CHECK_EQ(buddy_free_pages(&b), total);
	CHECK(buddy_alloc(&b, 9) == a + 2 * MIB);
	CHECK_EQ(bad_calls, 0);
	free(pages);
	free(a);
}

/* A range at an odd page plus some bytes, with a ragged end: blocks are aligned to their size
 * in addresses, not relative to the range, and never leave the trimmed range. */
static void test_odd_range(void)
{
	char *a = arena(4 * MIB, 8 * MIB);
	uintptr_t base = (uintptr_t)a + 3 * PAGE + 123, len = 5 * MIB + 777;
	uintptr_t lo = (uintptr_t)a + 4 * PAGE, hi = (uintptr_t)a + 3 * PAGE + 5 * MIB;
	void **pages = calloc(2048, sizeof(*pages));
	unsigned *orders = calloc(2048, sizeof(*orders));
	struct buddy b;
	size_t total, n = 0, sum = 0;
	char *p;

	buddy_init(&b);
	CHECK_EQ(buddy_add_range(&b, base, len), 0);
	total = b.total_pages;
	CHECK(total < (hi - lo) / PAGE && total >= (hi - lo) / PAGE - 2);
	CHECK(buddy_alloc(&b, 10) == NULL);
	p = buddy_alloc(&b, 9);
	CHECK(p == a + 2 * MIB);
	CHECK(buddy_alloc(&b, 9) == NULL); /* [a + 4M, a + 6M) would pass the end */
	buddy_free(&b, p, 9);

	for (unsigned i = 0; n < 2048; i++) {
		unsigned order = (unsigned)(rng() % 10);

		p = buddy_alloc(&b, order);
		if (!p)
			p = buddy_alloc(&b, order = 0);
		if (!p)
			break;
		CHECK(aligned(p, order));
		CHECK((uintptr_t)p >= lo && (uintptr_t)p + (PAGE << order) <= hi);
		memset(p, 0xa5, PAGE << order);
		sum += 1UL << order;
		pages[n] = p;
		orders[n++] = order;
	}
	CHECK_EQ(sum, total);
	CHECK_EQ(buddy_free_pages(&b), 0);
	for (size_t i = n; i-- > 0;)
		buddy_free(&b, pages[i], orders[i]);
	CHECK_EQ(buddy_free_pages(&b), total);
	CHECK(buddy_alloc(&b, 9) == a + 2 * MIB);
	CHECK_EQ(bad_calls, 0);
	free(orders);
	free(pages);
	free(a);
}

/* Three ranges, two of them touching: a block never spans two ranges, even when both halves
 * are free, and the pages of all of them add up. */
static void test_multi_range(void)
{
	char *a = arena(4 * MIB, 4 * MIB), *c = arena(PAGE, 37 * PAGE);
	uintptr_t lo[3] = {(uintptr_t)a, (uintptr_t)a + 2 * MIB, (uintptr_t)c + PAGE};
	uintptr_t hi[3] = {(uintptr_t)a + 2 * MIB, (uintptr_t)a + 4 * MIB, (uintptr_t)c + 37 * PAGE};
	void **pages = calloc(1200, sizeof(*pages));
	size_t count[3] = {0}, total, n;
	struct buddy b;

	buddy_init(&b);
	for (int i = 0; i < 3; i++) {
		uintptr_t slack = i == 2 ? 100 : 0; /* the third starts mid-page */

		CHECK_EQ(buddy_add_range(&b, lo[i] - slack, hi[i] - lo[i] + slack), 0);
	}
	CHECK_EQ(b.nranges, 3);
	total = b.total_pages;
	CHECK_EQ(total, 511 + 511 + 35);
	CHECK(buddy_alloc(&b, 9) == NULL);
	n = drain(&b, pages, 1200);
	CHECK_EQ(n, total);
	for (size_t i = 0; i < n; i++)
		for (int r = 0; r < 3; r++)
			count[r] += (uintptr_t)pages[i] >= lo[r] + PAGE && (uintptr_t)pages[i] < hi[r];
	CHECK_EQ(count[0], 511);
	CHECK_EQ(count[1], 511);
	CHECK_EQ(count[2], 35);
	shuffle(pages, n);
	for (size_t i = 0; i < n; i++)
		buddy_free(&b, pages[i], 0);
	CHECK_EQ(buddy_free_pages(&b), total);
	/* Both 2 MiB halves are whole again but each lost its first page to bookkeeping. */
	CHECK(buddy_alloc(&b, 9) == NULL);
	CHECK(buddy_alloc(&b, 8) != NULL);
	CHECK(buddy_alloc(&b, 8) != NULL);
	CHECK(buddy_alloc(&b, 8) == NULL);
	CHECK_EQ(bad_calls, 0);
	free(pages);
	free(c);
	free(a);
}

static void test_add_range_errors(void)
{
	char *a = arena(PAGE, 80 * PAGE);
	uintptr_t base = (uintptr_t)a;
	struct buddy b;

	buddy_init(&b);
	CHECK_EQ(buddy_add_range(&b, base, 0), -EINVAL);
	CHECK_EQ(buddy_add_range(&b, base, PAGE), -EINVAL);
	CHECK_EQ(buddy_add_range(&b, base + 1, 2 * PAGE), -EINVAL); /* one whole page */
	CHECK_EQ(buddy_add_range(&b, UINTPTR_MAX - PAGE, 2 * PAGE), -EINVAL);
	CHECK_EQ(buddy_add_range(&b, UINTPTR_MAX - 10 * PAGE, 11 * PAGE), -EINVAL); /* wraps */
	CHECK_EQ(buddy_add_range(&b, UINTPTR_MAX - 100, 50), -EINVAL);
	CHECK_EQ(b.nranges, 0);
	CHECK_EQ(b.total_pages, 0);

	/* The smallest useful range: one page of bookkeeping and one to hand out. */
	for (int i = 0; i < BUDDY_MAX_RANGES; i++)
		CHECK_EQ(buddy_add_range(&b, base + 2 * i * PAGE, 2 * PAGE), 0);
	CHECK_EQ(b.total_pages, BUDDY_MAX_RANGES);
	CHECK_EQ(buddy_add_range(&b, base + 70 * PAGE, 10 * PAGE), -EINVAL); /* table full */
	CHECK_EQ(b.total_pages, BUDDY_MAX_RANGES);
	CHECK_EQ(buddy_free_pages(&b), BUDDY_MAX_RANGES);
	for (int i = 0; i < BUDDY_MAX_RANGES; i++) {
		char *p = buddy_alloc(&b, 0);

		CHECK(p && ((uintptr_t)p - base) % (2 * PAGE) == PAGE);
	}
	CHECK(buddy_alloc(&b, 0) == NULL);

	buddy_init(&b);
	CHECK_EQ(buddy_add_range(&b, base + 10 * PAGE, 10 * PAGE), 0);
	CHECK_EQ(buddy_add_range(&b, base + 5 * PAGE, 6 * PAGE), -EINVAL);  /* overlaps the start */
	CHECK_EQ(buddy_add_range(&b, base + 19 * PAGE, 6 * PAGE), -EINVAL); /* overlaps the end */
	CHECK_EQ(buddy_add_range(&b, base + 12 * PAGE, 3 * PAGE), -EINVAL); /* inside */
	CHECK_EQ(buddy_add_range(&b, base + 5 * PAGE, 30 * PAGE), -EINVAL); /* around */
	CHECK_EQ(buddy_add_range(&b, base + 20 * PAGE, 5 * PAGE), 0);       /* touching is fine */
	CHECK_EQ(buddy_add_range(&b, base, 10 * PAGE + 100), 0);
	CHECK_EQ(b.total_pages, 9 + 4 + 9);
	CHECK_EQ(bad_calls, 0);
	free(a);
}

/* Each bad free is reported once, with the pointer, and leaves the allocator as it was. */
static void expect_bad(struct buddy *b, void *block, unsigned order, const char *why)
{
	int calls = bad_calls;
	size_t free_pages = buddy_free_pages(b);

	bad_why = NULL;
	buddy_free(b, block, order);
	CHECK_EQ(bad_calls, calls + 1);
	CHECK(bad_block == block);
	CHECK(bad_why && strstr(bad_why, why));
	CHECK_EQ(buddy_free_pages(b), free_pages);
}

static void test_bad_free(void)
{
	char *a = arena(4 * MIB, 4 * MIB);
	void **pages = calloc(1024, sizeof(*pages));
	struct buddy b;
	size_t total, n;
	int local;
	char *p, *q, *r, *heap = malloc(64);

	buddy_init(&b);
	CHECK_EQ(buddy_add_range(&b, (uintptr_t)a, 4 * MIB), 0);
	total = b.total_pages;

	/* The first page holds the bookkeeping, so order-2 blocks come from a + 4, 8, 12 pages;
	 * q and r are buddies. */
	p = buddy_alloc(&b, 2);
	q = buddy_alloc(&b, 2);
	r = buddy_alloc(&b, 2);
	CHECK(p == a + 4 * PAGE && q == a + 8 * PAGE && r == a + 12 * PAGE);
	buddy_free(&b, q, 2);
	CHECK_EQ(bad_calls, 0);
	expect_bad(&b, q, 2, "double free");
	expect_bad(&b, q, 1, "double free");
	expect_bad(&b, q + PAGE, 0, "not the start");
	buddy_free(&b, r, 2);
	/* r merged into q's block, so r is now a page inside a free block. */
	expect_bad(&b, r, 2, "not the start");
	expect_bad(&b, q, 2, "double free");
	/* The same the other way round: freeing q merges r, the buddy, into it. */
	q = buddy_alloc(&b, 2);
	r = buddy_alloc(&b, 2);
	CHECK(q == a + 8 * PAGE && r == a + 12 * PAGE);
	buddy_free(&b, r, 2);
	buddy_free(&b, q, 2);
	expect_bad(&b, r, 2, "not the start");
	expect_bad(&b, q, 2, "double free");
	buddy_free(&b, p, 2);
	CHECK_EQ(buddy_free_pages(&b), total);

	p = buddy_alloc(&b, 3);
	expect_bad(&b, p, 2, "wrong order");
	expect_bad(&b, p, 4, "wrong order");
	expect_bad(&b, p, 0, "wrong order");
	expect_bad(&b, p, BUDDY_MAX_ORDER + 1, "wrong order");
	expect_bad(&b, p, ~0u, "wrong order");
	expect_bad(&b, p + PAGE, 0, "not the start");
	expect_bad(&b, p + 4 * PAGE, 2, "not the start");
	expect_bad(&b, p + 1, 3, "page boundary");
	expect_bad(&b, p + PAGE - 1, 0, "page boundary");
	expect_bad(&b, a, 0, "not from the allocator"); /* the bookkeeping page */
	expect_bad(&b, a + 100, 0, "not from the allocator");
	expect_bad(&b, a + 4 * MIB, 0, "not from the allocator"); /* just past the end */
	expect_bad(&b, a - PAGE, 0, "not from the allocator");
	expect_bad(&b, &local, 0, "not from the allocator");
	expect_bad(&b, heap, 0, "not from the allocator");
	expect_bad(&b, NULL, 0, "not from the allocator");
	expect_bad(&b, a + 2 * MIB, 9, "double free"); /* a free block never handed out */
	buddy_free(&b, p, 3);
	CHECK_EQ(buddy_free_pages(&b), total);

	/* Every live page full of pointers to other pages, as free-list links would be. */
	n = drain(&b, pages, 1024);
	CHECK_EQ(n, total);
	for (size_t i = 0; i < n; i++) {
		void **w = pages[i];

		for (size_t j = 0; j < PAGE / sizeof(*w); j++)
			w[j] = pages[(i + j + 1) % n];
	}
	buddy_free(&b, pages[5], 0);
	expect_bad(&b, pages[5], 0, "double free");
	expect_bad(&b, pages[6], 1, "wrong order");
	for (size_t i = 0; i < n; i++)
		if (i != 5)
			buddy_free(&b, pages[i], 0);
	CHECK_EQ(buddy_free_pages(&b), total);
	CHECK(buddy_alloc(&b, 9) == a + 2 * MIB);
	free(heap);
	free(pages);
	free(a);
}

/* The stress test's model of one range: which pages the allocator hands out (learnt by
 * draining it once) and which are live. */
struct model {
	char *mem;
	uintptr_t lo, hi; /* the range trimmed to pages, bookkeeping included */
	uint8_t *managed, *live;
};

struct block {
	char *p;
	unsigned order;
	uint8_t tag;
};

#define NMODELS    3
#define STRESS_OPS 200000
/* Counts only failures, so the run does not add millions of passes to the summary. */
#define STRESS_CHECK(cond)           \
	do {                         \
		if (!(cond))         \
			CHECK(cond); \
	} while (0)

static struct model models[NMODELS];

static struct model *model_of(uintptr_t addr)
{
	for (int i = 0; i < NMODELS; i++)
		if (addr >= models[i].lo && addr < models[i].hi)
			return &models[i];
	return NULL;
}

static size_t page_of(const struct model *m, uintptr_t addr) { return (addr - m->lo) / PAGE; }

/* Is there a run of 2^order managed pages, none live, aligned to its size? The buddy
 * allocator must then have a free block of that order, so a NULL from it is a bug. */
static int has_free_run(unsigned order)
{
	uintptr_t size = PAGE << order;

	for (int i = 0; i < NMODELS; i++) {
		const struct model *m = &models[i];
		uintptr_t a = (m->lo + size - 1) & ~(size - 1);

		for (; a < m->hi && m->hi - a >= size; a += size) {
			size_t first = page_of(m, a), j;

			for (j = 0; j < (1UL << order); j++)
				if (!m->managed[first + j] || m->live[first + j])
					break;
			if (j == (1UL << order))
				return 1;
		}
	}
	return 0;
}

/* What a live block holds: something shaped like a free-list entry at its start (a pointer
 * into the block's buddy and one to the list head), then its tag byte everywhere. */
static void fill_block(struct buddy *b, const struct block *k)
{
	uintptr_t *w = (uintptr_t *)k->p;

	memset(k->p, k->tag, PAGE << k->order);
	w[0] = (uintptr_t)k->p ^ (PAGE << k->order);
	w[1] = (uintptr_t)&b->free[k->order];
}

static int block_intact(struct buddy *b, const struct block *k)
{
	const uintptr_t *w = (const uintptr_t *)k->p;
	size_t size = PAGE << k->order;

	if (w[0] != ((uintptr_t)k->p ^ size) || w[1] != (uintptr_t)&b->free[k->order])
		return 0;
	for (size_t off = 0; off < size; off += PAGE)
		for (size_t i = off ? 0 : 2 * sizeof(*w); i < 64; i++)
			if ((uint8_t)k->p[off + i] != k->tag)
				return 0;
	return (uint8_t)k->p[size - 1] == k->tag;
}

static void mark(const struct block *k, uint8_t live)
{
	struct model *m = model_of((uintptr_t)k->p);

	memset(m->live + page_of(m, (uintptr_t)k->p), live, 1UL << k->order);
}

static unsigned random_order(void)
{
	unsigned r = (unsigned)(rng() % 1000);

	if (r < 550)
		return 0;
	if (r < 800)
		return 1 + (unsigned)(rng() % 3);
	if (r < 950)
		return 4 + (unsigned)(rng() % 3);
	if (r < 995)
		return 7 + (unsigned)(rng() % 4);
	return BUDDY_MAX_ORDER + 1 + (unsigned)(rng() % 8);
}

static void stress_alloc(struct buddy *b, struct block *live, size_t *nlive, size_t *model_free)
{
	struct block k = {.order = random_order(), .tag = (uint8_t)rng()};
	struct model *m;
	size_t first;

	k.p = buddy_alloc(b, k.order);
	if (!k.p) {
		STRESS_CHECK(k.order > BUDDY_MAX_ORDER || !has_free_run(k.order));
		return;
	}
	m = model_of((uintptr_t)k.p);
	STRESS_CHECK(k.order <= BUDDY_MAX_ORDER && aligned(k.p, k.order));
	STRESS_CHECK(m && m->hi - (uintptr_t)k.p >= PAGE << k.order);
	if (!m || k.order > BUDDY_MAX_ORDER || m->hi - (uintptr_t)k.p < PAGE << k.order)
		exit(1); /* the model cannot follow a block outside every range */
	first = page_of(m, (uintptr_t)k.p);
	for (size_t j = 0; j < (1UL << k.order); j++)
		STRESS_CHECK(m->managed[first + j] && !m->live[first + j]);
	mark(&k, 1);
	fill_block(b, &k);
	live[(*nlive)++] = k;
	*model_free -= 1UL << k.order;
}

/* A free the allocator must refuse: a page that is not live, a live block with another order,
 * or a page inside a live block. */
static void stress_bad_free(struct buddy *b, struct block *live, size_t nlive)
{
	int calls = bad_calls;
	size_t free_pages = buddy_free_pages(b);
	unsigned kind = (unsigned)(rng() % 3);
	struct block *k = nlive ? &live[rng() % nlive] : NULL;
	char *p;
	unsigned order;

	if (kind == 0 || !k) {
		struct model *m = &models[rng() % NMODELS];
		size_t page = rng() % page_of(m, m->hi);

		if (m->live[page])
			return;
		p = (char *)m->lo + page * PAGE;
		order = (unsigned)(rng() % 4);
	} else if (kind == 1) {
		p = k->p;
		order = (k->order + 1 + (unsigned)(rng() % BUDDY_MAX_ORDER)) % (BUDDY_MAX_ORDER + 1);
	} else {
		if (k->order == 0)
			return;
		p = k->p + PAGE * (1 + rng() % ((1UL << k->order) - 1));
		order = (unsigned)(rng() % k->order);
	}
	buddy_free(b, p, order);
	STRESS_CHECK(bad_calls == calls + 1 && bad_block == p);
	STRESS_CHECK(buddy_free_pages(b) == free_pages);
}

static void test_stress(void)
{
	struct buddy b;
	struct block *live;
	size_t total, n, nlive = 0, model_free;
	uintptr_t base;
	void **pages;
	int calls;

	models[0].mem = arena(2 * MIB, 8 * MIB);
	models[0].lo = (uintptr_t)models[0].mem + 6 * PAGE;
	models[0].hi = (uintptr_t)models[0].mem + 8 * MIB - 4 * PAGE;
	models[1].mem = arena(PAGE, MIB + 7 * PAGE);
	models[1].lo = (uintptr_t)models[1].mem;
	models[1].hi = models[1].lo + MIB + 7 * PAGE;
	models[2].mem = arena(4 * MIB, 4 * MIB);
	models[2].lo = (uintptr_t)models[2].mem + 3 * PAGE;
	models[2].hi = (uintptr_t)models[2].mem + 4 * MIB;

	buddy_init(&b);
	/* The first range has ragged edges that trim to [lo, hi). */
	base = models[0].lo - PAGE + 17;
	CHECK_EQ(buddy_add_range(&b, base, models[0].hi + 100 - base), 0);
	for (int i = 1; i < NMODELS; i++)
		CHECK_EQ(buddy_add_range(&b, models[i].lo, models[i].hi - models[i].lo), 0);
	total = b.total_pages;
	CHECK_EQ(buddy_free_pages(&b), total);
	for (int i = 0; i < NMODELS; i++) {
		models[i].managed = calloc(page_of(&models[i], models[i].hi), 1);
		models[i].live = calloc(page_of(&models[i], models[i].hi), 1);
	}

	/* Learn which pages are handed out: each exactly once, all inside the ranges. */
	pages = calloc(total + 1, sizeof(*pages));
	n = drain(&b, pages, total + 1);
	CHECK_EQ(n, total);
	for (size_t i = 0; i < n; i++) {
		struct model *m = model_of((uintptr_t)pages[i]);

		STRESS_CHECK(m && aligned(pages[i], 0) && !m->managed[page_of(m, (uintptr_t)pages[i])]);
		if (m)
			m->managed[page_of(m, (uintptr_t)pages[i])] = 1;
	}
	for (size_t i = 0; i < n; i++)
		buddy_free(&b, pages[i], 0);
	CHECK_EQ(buddy_free_pages(&b), total);

	live = calloc(total, sizeof(*live));
	model_free = total;
	calls = bad_calls;
	for (long op = 0; op < STRESS_OPS; op++) {
		/* Alternate filling phases, which run into exhaustion, with emptying ones. */
		unsigned alloc_pct = (op / 20000) % 2 ? 35 : 70;

		if (rng() % 100 == 0) {
			stress_bad_free(&b, live, nlive);
		} else if (nlive == 0 || rng() % 100 < alloc_pct) {
			stress_alloc(&b, live, &nlive, &model_free);
		} else {
			size_t i = rng() % nlive;

			STRESS_CHECK(block_intact(&b, &live[i]));
			mark(&live[i], 0);
			/* Freed memory is the allocator's again; fill it with junk first. */
			memset(live[i].p, 0x5a, PAGE << live[i].order);
			buddy_free(&b, live[i].p, live[i].order);
			model_free += 1UL << live[i].order;
			live[i] = live[--nlive];
		}
		STRESS_CHECK(buddy_free_pages(&b) == model_free);
	}
	CHECK(bad_calls > calls + STRESS_OPS / 200);

	calls = bad_calls;
	while (nlive) {
		size_t i = rng() % nlive;

		STRESS_CHECK(block_intact(&b, &live[i]));
		buddy_free(&b, live[i].p, live[i].order);
		live[i] = live[--nlive];
	}
	CHECK_EQ(bad_calls, calls);
	CHECK_EQ(buddy_free_pages(&b), total);
	for (int i = 0; i < NMODELS; i++)
		memset(models[i].live, 0, page_of(&models[i], models[i].hi));
	for (unsigned order = 0; order <= 10; order++) {
		struct block k = {.p = buddy_alloc(&b, order), .order = order};

		CHECK_EQ(has_free_run(order), k.p != NULL);
		if (k.p)
			mark(&k, 1);
	}
	free(live);
	free(pages);
	for (int i = 0; i < NMODELS; i++) {
		free(models[i].managed);
		free(models[i].live);
		free(models[i].mem);
	}
}

/* Runs of any page count: exactly that many pages leave the free count, the rest of the block
 * they were cut from is at once free for others, and freeing the run makes the arena whole. */
static void test_runs(void)
{
	char *a = arena(4 * MIB, 4 * MIB);
	struct buddy b;
	size_t total;
	char *run;
	void **pages = calloc(1024, sizeof(*pages));

	buddy_init(&b);
	CHECK_EQ(buddy_add_range(&b, (uintptr_t)a, 4 * MIB), 0);
	total = b.total_pages;
	CHECK(buddy_alloc_run(&b, 0) == NULL);
	CHECK(buddy_alloc_run(&b, ((size_t)1 << BUDDY_MAX_ORDER) + 1) == NULL);
	CHECK(buddy_alloc_run(&b, 513) == NULL); /* would need the order-10 block the arena lacks */
	for (size_t n = 1; n <= 512; n += (n < 20 ? 1 : 37)) {
		run = buddy_alloc_run(&b, n);
		CHECK(run != NULL);
		CHECK_EQ(buddy_free_pages(&b), total - n);
		if (run)
			memset(run, 0xa5, n * PAGE); /* the caller owns all n pages */
		buddy_free_run(&b, run, n);
		CHECK_EQ(buddy_free_pages(&b), total);
	}
	/* 257 pages of the 2 MiB half: its other 255 are free for the next callers at once, and
	 * the one-page runs that take them all land in that half, after the run. */
	run = buddy_alloc_run(&b, 257);
	CHECK(run == a + 2 * MIB);
	CHECK(buddy_alloc(&b, 9) == NULL);
	size_t n = drain(&b, pages, 1024);

	CHECK_EQ(n, total - 257);
	size_t upper = 0;

	for (size_t i = 0; i < n; i++) {
		char *p = pages[i];

		CHECK(p < run || p >= run + 257 * PAGE);
		upper += p >= run + 257 * PAGE;
	}
	CHECK_EQ(upper, 255);
	for (size_t i = 0; i < n; i++)
		buddy_free(&b, pages[i], 0);
	buddy_free_run(&b, run, 257);
	CHECK_EQ(buddy_free_pages(&b), total);
	CHECK(buddy_alloc(&b, 9) == a + 2 * MIB); /* merged back into one block */
	/* A run freed with another count is reported. */
	run = buddy_alloc_run(&b, 5);
	bad_calls = 0;
	buddy_free_run(&b, run, 6);
	CHECK(bad_calls > 0);
	bad_calls = 0;
	free(pages);
	free(a);
}

int main(void)
{
	test_basic();
	test_odd_range();
	test_multi_range();
	test_add_range_errors();
	test_bad_free();
	test_stress();
	test_runs();
	return check_report();
}
