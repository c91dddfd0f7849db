/* SPDX-License-Identifier: MIT */
/* Host test of Mote's allocator (libc/libc_alloc.c) on an arena whose growth the test controls:
 * random malloc/free/realloc/memalign against a shadow record with a full heap walk at
 * checkpoints, then the cases that prove merging, in-place realloc and the misuse checks. */
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "libc_alloc.h"

/* A heap and the memory it grows into. With `gaps` set every growth skips some bytes, so each
 * starts a new segment as a break moved by someone else would. */
struct theap {
	struct alloc_heap h; /* first: alloc_grow() gets this back */
	char *arena;
	size_t cap, brk, limit;
	int gaps;
	uintptr_t seg[256]; /* where each segment's memory starts */
	int nseg, grows;
};

void *alloc_grow(struct alloc_heap *h, size_t incr)
{
	struct theap *t = (struct theap *)h;
	size_t at = t->brk + (t->gaps && t->brk ? 48 : 0);

	if (incr % ALLOC_ALIGN || at + incr > t->limit || t->nseg == 256)
		return NULL;
	if (at != t->brk || t->nseg == 0)
		t->seg[t->nseg++] = (uintptr_t)t->arena + at;
	t->brk = at + incr;
	t->grows++;
	return t->arena + at;
}

/* A misuse test sets expect_fail and catches the report here. */
static jmp_buf fail_jmp;
static int expect_fail;
static const char *fail_why, *fail_call;

void alloc_fail(struct alloc_heap *h, const char *call, const char *why, const void *p)
{
	fail_call = call;
	fail_why = why;
	if (expect_fail)
		longjmp(fail_jmp, 1);
	fprintf(stderr, "unexpected alloc_fail: %s(%p): %s\n", call, p, why);
	abort();
}

static struct theap *theap_new(size_t cap)
{
	struct theap *t = calloc(1, sizeof(*t));

	t->arena = aligned_alloc(4096, cap); /* page-aligned, as the kernel's heap is */
	t->cap = t->limit = cap;
	return t;
}

static void theap_delete(struct theap *t)
{
	free(t->arena);
	free(t);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t hsize(size_t head) { return head & ALLOC_SIZE_MASK; }

/* Walk every segment and every list and check that they agree: blocks tile each segment up to
 * its fence, headers carry the magic, PREV_USED tells the truth, no two free blocks touch, each
 * free block's footer copies its header and it sits on its class's list, every parked block is
 * on the list of its size, and the used blocks are exactly `live` ones. */
static int walk(struct theap *t, size_t live)
{
	size_t nfree = 0, nparked = 0, nused = 0, listed = 0, parked_listed = 0;
	int i, ok = 1;

	for (i = 0; i < t->nseg; i++) {
		uintptr_t a = ((t->seg[i] + ALLOC_HDR + 15) & ~(uintptr_t)15) - ALLOC_HDR;
		int prev_used = 1;

		for (;;) {
			size_t head = *(size_t *)a, s = hsize(head);
			int used = (head & ALLOC_USED) != 0;

			if ((head & ALLOC_MAGIC_MASK) != ALLOC_MAGIC ||
			    !!(head & ALLOC_PREV_USED) != prev_used || (!used && !prev_used) ||
			    (head & ALLOC_PARKED && !used))
				return 0;
			if (s == 0) /* the fence */
				break;
			if (s < ALLOC_MIN_BLOCK || s % 16 || a + s > (uintptr_t)t->arena + t->brk)
				return 0;
			if (!used) {
				nfree++;
				ok &= *(size_t *)(a + s - 8) == head;
			} else if (head & ALLOC_PARKED) {
				nparked++;
			} else {
				nused++;
			}
			prev_used = used;
			a += s;
		}
	}
	for (i = 0; i < ALLOC_NBINS; i++)
		for (struct alloc_free *b = t->h.bins[i], *prev = NULL; b; prev = b, b = b->next) {
			ok &= !(b->head & ALLOC_USED) && alloc_bin_of(hsize(b->head)) == (unsigned)i &&
			      b->prev == prev;
			ok &= !!(t->h.binmap[i / 64] & (1ul << (i % 64)));
			if (++listed > nfree)
				return 0;
		}
	for (i = 0; i < ALLOC_NREUSE; i++)
		for (size_t *b = t->h.reuse[i]; b; b = *(void **)(b + 1)) {
			ok &= (*b & (ALLOC_USED | ALLOC_PARKED)) == (ALLOC_USED | ALLOC_PARKED) &&
			      hsize(*b) == (size_t)i * ALLOC_ALIGN;
			ok &= !!(t->h.reusemap[i / 64] & (1ul << (i % 64)));
			if (++parked_listed > nparked)
				return 0;
		}
	return ok && listed == nfree && parked_listed == nparked && nused == live;
}

/* The shadow record: each live block, the bytes asked for, and the seed of its fill pattern. */
#define SLOTS 1024
static struct slot {
	unsigned char *p;
	size_t n, align;
	uint8_t seed;
} slot[SLOTS];

static void fill(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (uint8_t)(s->seed + i * 7 + (i >> 8));
}

static int intact(const struct slot *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s->p[i] != (uint8_t)(s->seed + i * 7 + (i >> 8)))
			return 0;
	return 1;
}

/* A request size: mostly small, sometimes near the reuse limit, now and then large. */
static size_t pick_size(void)
{
	uint64_t r = rnd();

	switch (r % 16) {
	case 0:
		return (r >> 8) % 70000;
	case 1:
	case 2:
		return 7000 + (r >> 8) % 2400;
	case 3:
	case 4:
	case 5:
		return (r >> 8) % 4096;
	default:
		return (r >> 8) % 160;
	}
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return (x->p > y->p) - (x->p < y->p);
}

/* Live blocks must not overlap, counting their whole usable size. */
static int disjoint(struct theap *t, size_t *live)
{
	static struct slot sorted[SLOTS];
	size_t n = 0, i;

	for (i = 0; i < SLOTS; i++)
		if (slot[i].p)
			sorted[n++] = slot[i];
	qsort(sorted, n, sizeof(sorted[0]), cmp_slot);
	for (i = 0; i + 1 < n; i++)
		if (sorted[i].p + alloc_usable_size(&t->h, sorted[i].p) + ALLOC_HDR > sorted[i + 1].p)
			return 0;
	*live = n;
	return 1;
}

/* One op on a random slot; returns 0 on the first thing wrong, naming it. */
static int random_op(struct theap *t)
{
	struct slot *s = &slot[rnd() % SLOTS];
	uint64_t r = rnd() % 10;

	if (s->p && r < 4) {
		if (!intact(s, s->n)) {
			fprintf(stderr, "contents of a %zu-byte block changed\n", s->n);
			return 0;
		}
		alloc_free(&t->h, s->p);
		s->p = NULL;
		return 1;
	}
	if (s->p && r < 7) { /* realloc keeps the common prefix */
		size_t n = pick_size(), keep = n < s->n ? n : s->n;
		unsigned char *q = alloc_realloc(&t->h, s->p, n);

		if (!q)
			return 1; /* out of arena: the old block stays, untouched */
		s->p = q;
		if (!intact(s, keep) || ((uintptr_t)q % 16) || alloc_usable_size(&t->h, q) < n) {
			fprintf(stderr, "realloc to %zu lost data, alignment or size\n", n);
			return 0;
		}
		s->n = n;
		fill(s, keep);
		return 1;
	}
	if (s->p) {
		if (!intact(s, s->n))
			return 0;
		alloc_free(&t->h, s->p);
	}
	s->n = pick_size();
	s->align = r == 9 ? (size_t)32 << (rnd() % 9) : 16;
	s->p = s->align > 16 ? alloc_memalign(&t->h, s->align, s->n) : alloc_malloc(&t->h, s->n);
	s->seed = (uint8_t)rnd();
	if (!s->p)
		return 1; /* the arena's limit */
	if ((uintptr_t)s->p % s->align || alloc_usable_size(&t->h, s->p) < s->n) {
		fprintf(stderr, "block of %zu aligned %zu: bad alignment or usable size\n", s->n, s->align);
		return 0;
	}
	fill(s, 0);
	return 1;
}

static void random_run(int gaps, long ops, size_t cap)
{
	struct theap *t = theap_new(cap);
	long i, bad = 0, nulls = 0;
	size_t live = 0;

	t->gaps = gaps;
	memset(slot, 0, sizeof(slot));
	for (i = 0; i < ops && !bad; i++) {
		if (!random_op(t))
			bad = i + 1;
		if (i % 5000 == 4999 && !(disjoint(t, &live) && walk(t, live))) {
			fprintf(stderr, "heap inconsistent after op %ld\n", i + 1);
			bad = i + 1;
		}
	}
	for (i = 0; i < SLOTS; i++)
		if (slot[i].p) {
			nulls += !intact(&slot[i], slot[i].n);
			alloc_free(&t->h, slot[i].p);
			slot[i].p = NULL;
		}
	CHECK_EQ(bad, 0);
	CHECK_EQ(nulls, 0);
	CHECK(walk(t, 0));
	/* With everything freed and merged, each segment is one free block again. */
	alloc_flush(&t->h);
	{
		struct alloc_stats st;

		alloc_stats(&t->h, &st);
		CHECK_EQ(st.free_blocks, t->nseg);
		CHECK_EQ(st.parked_blocks, 0);
	}
	theap_delete(t);
}

/* Freed neighbours merge: a request that fits only in the merged space succeeds with growth
 * forbidden, for large blocks (merged at free) and small ones (merged when parked ones are
 * flushed because nothing fits). */
static void test_merging(void)
{
	static const size_t sizes[] = {16000, 100};

	for (int k = 0; k < 2; k++) {
		struct theap *t = theap_new(1 << 20);
		void *p[64], *big;
		size_t n = sizes[k], total;
		int i;

		for (i = 0; i < 64; i++)
			p[i] = alloc_malloc(&t->h, n);
		t->limit = t->brk; /* no more growth */
		CHECK(alloc_malloc(&t->h, 64 * n) == NULL);
		/* Free in an order that merges with the next block, the previous one, and both. */
		for (i = 0; i < 64; i += 2)
			alloc_free(&t->h, p[i + 1]);
		for (i = 0; i < 64; i += 2)
			alloc_free(&t->h, p[i]);
		total = t->brk - 64;
		big = alloc_malloc(&t->h, 64 * n);
		CHECK(big != NULL);
		CHECK(big != NULL && alloc_usable_size(&t->h, big) >= 64 * n);
		CHECK(alloc_malloc(&t->h, total) == NULL);
		alloc_free(&t->h, big);
		CHECK(walk(t, 0));
		theap_delete(t);
	}
}

/* Growth failure is NULL, not a crash, and the heap carries on. */
static void test_growth_failure(void)
{
	struct theap *t = theap_new(1 << 20);
	void *a = alloc_malloc(&t->h, 1000), *b;

	CHECK(a != NULL);
	CHECK(alloc_malloc(&t->h, 2 << 20) == NULL);
	CHECK(alloc_memalign(&t->h, 4096, 2 << 20) == NULL);
	CHECK(alloc_realloc(&t->h, a, 2 << 20) == NULL);
	CHECK(alloc_malloc(&t->h, ALLOC_MAX_REQUEST + 1) == NULL);
	CHECK(alloc_malloc(&t->h, SIZE_MAX) == NULL);
	b = alloc_malloc(&t->h, 500000);
	CHECK(b != NULL);
	CHECK(walk(t, 2));
	alloc_free(&t->h, a);
	alloc_free(&t->h, b);
	CHECK(walk(t, 0));
	theap_delete(t);
}

static void test_realloc_in_place(void)
{
	struct theap *t = theap_new(1 << 20);
	char *a = alloc_malloc(&t->h, 20000), *b = alloc_malloc(&t->h, 20000);
	char *c = alloc_malloc(&t->h, 100), *q;
	int grows;

	memset(a, 'a', 20000);
	alloc_free(&t->h, b); /* large: merged at once, a's next block is free */
	q = alloc_realloc(&t->h, a, 39000);
	CHECK(q == a);
	CHECK(q[19999] == 'a' && q[0] == 'a');
	q = alloc_realloc(&t->h, a, 1000); /* shrinking splits in place */
	CHECK(q == a);
	CHECK(walk(t, 2));
	/* The last block grows in place by growing the heap under it. */
	alloc_free(&t->h, a);
	b = alloc_malloc(&t->h, 3000);
	memset(c, 'c', 100);
	grows = t->grows;
	a = alloc_malloc(&t->h, t->brk); /* takes the top and more */
	CHECK(a != NULL);
	q = alloc_realloc(&t->h, a, t->brk + 100000);
	CHECK(q == a);
	CHECK(t->grows == grows + 2);
	CHECK(c[99] == 'c');
	CHECK(walk(t, 3));
	/* realloc(NULL) is malloc; a realloc that must move copies. */
	q = alloc_realloc(&t->h, NULL, 10);
	CHECK(q != NULL);
	memcpy(q, "0123456789", 10);
	q = alloc_realloc(&t->h, q, 300000);
	CHECK(q != NULL && memcmp(q, "0123456789", 10) == 0);
	CHECK(walk(t, 4));
	theap_delete(t);
}

static void test_memalign(void)
{
	struct theap *t = theap_new(4 << 20);
	void *p[40];
	int i;

	for (i = 0; i < 40; i++) {
		size_t align = (size_t)1 << (i % 14), n = (size_t)i * 37;

		p[i] = alloc_memalign(&t->h, align, n);
		CHECK(p[i] != NULL && (uintptr_t)p[i] % (align < 16 ? 16 : align) == 0);
		CHECK(alloc_usable_size(&t->h, p[i]) >= n);
	}
	CHECK(walk(t, 40));
	for (i = 0; i < 40; i++)
		alloc_free(&t->h, p[i]);
	CHECK(walk(t, 0));
	theap_delete(t);
}

static void test_small_cases(void)
{
	struct theap *t = theap_new(1 << 20);
	void *a = alloc_malloc(&t->h, 0), *b = alloc_malloc(&t->h, 0), *c;

	CHECK(a != NULL && b != NULL && a != b);
	CHECK(alloc_usable_size(&t->h, a) >= 16);
	CHECK_EQ(alloc_usable_size(&t->h, NULL), 0);
	alloc_free(&t->h, NULL);
	/* A freed small block is the next one handed out for its size. */
	alloc_free(&t->h, a);
	c = alloc_malloc(&t->h, 8);
	CHECK(c == a);
	CHECK(walk(t, 2));
	theap_delete(t);
}

/* Each misuse is reported, naming the call, before anything is changed. */
static void misuse(const char *what, const char *call, const char *why_has, int (*act)(struct theap *))
{
	struct theap *t = theap_new(1 << 20);
	volatile int reported = 0;

	fail_why = fail_call = NULL;
	expect_fail = 1;
	if (setjmp(fail_jmp) == 0)
		act(t);
	else
		reported = 1;
	expect_fail = 0;
	if (!reported || strcmp(fail_call, call) || !strstr(fail_why, why_has))
		fprintf(stderr, "misuse '%s' not reported as %s: %s\n", what, call,
		        fail_why ? fail_why : "-");
	CHECK(reported && strcmp(fail_call, call) == 0 && strstr(fail_why, why_has));
	theap_delete(t);
}

static int double_free_small(struct theap *t)
{
	void *p = alloc_malloc(&t->h, 40);

	alloc_free(&t->h, p);
	alloc_free(&t->h, p);
	return 0;
}

static int double_free_large(struct theap *t)
{
	void *p = alloc_malloc(&t->h, 40000);

	alloc_malloc(&t->h, 10);
	alloc_free(&t->h, p);
	alloc_free(&t->h, p);
	return 0;
}

static int realloc_freed(struct theap *t)
{
	void *p = alloc_malloc(&t->h, 100);

	alloc_free(&t->h, p);
	alloc_realloc(&t->h, p, 200);
	return 0;
}

static int free_interior(struct theap *t)
{
	char *p = alloc_malloc(&t->h, 100);

	memset(p, 0x5a, 100);
	alloc_free(&t->h, p + 32);
	return 0;
}

static int free_foreign(struct theap *t)
{
	static char elsewhere[64] __attribute__((aligned(16)));

	alloc_malloc(&t->h, 100);
	alloc_free(&t->h, elsewhere + 16);
	return 0;
}

static int free_underrun(struct theap *t)
{
	char *p = alloc_malloc(&t->h, 100);

	memset(p - 8, 0, 8); /* the application wrote before its block */
	alloc_free(&t->h, p);
	return 0;
}

static int free_overrun(struct theap *t)
{
	char *p = alloc_malloc(&t->h, 100);

	alloc_malloc(&t->h, 100);
	memset(p, 'x', alloc_usable_size(&t->h, p) + 8); /* over the next block's header */
	alloc_free(&t->h, p);
	return 0;
}

static int merge_bad_tag(struct theap *t)
{
	char *a = alloc_malloc(&t->h, 20000), *b = alloc_malloc(&t->h, 20000);

	alloc_malloc(&t->h, 10);
	alloc_free(&t->h, a);
	memset(b - 16, 0, 8); /* a's boundary tag, written through a stale pointer */
	alloc_free(&t->h, b);
	return 0;
}

int main(void)
{
	random_run(0, 400000, 64 << 20);
	random_run(1, 100000, 64 << 20);
	random_run(0, 50000, 3 << 20); /* small arena: growth fails often */
	test_merging();
	test_growth_failure();
	test_realloc_in_place();
	test_memalign();
	test_small_cases();
	misuse("double free (parked)", "free", "double free", double_free_small);
	misuse("double free (merged)", "free", "double free", double_free_large);
	misuse("realloc of a freed block", "realloc", "double free", realloc_freed);
	misuse("free inside a block", "free", "not from malloc", free_interior);
	misuse("free of static memory", "free", "not from malloc", free_foreign);
	misuse("header overwritten", "free", "not from malloc", free_underrun);
	misuse("next header overwritten", "free", "corrupted heap", free_overrun);
	misuse("boundary tag overwritten", "free", "corrupted heap", merge_bad_tag);
	return check_report();
}
