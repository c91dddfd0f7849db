/* SPDX-License-Identifier: MIT */
/* lazystack_test.c: thread stacks get RAM page by page as they are touched, not when created
 * (kvm and baremetal; tests/boot runs it at -m 32M, where eight 8 MiB stacks cannot all be RAM).
 *   lazystack_test            eight 8 MiB stacks touching 12 KiB each; one recursing 6 MiB deep
 *   lazystack_test overflow   a 1 MiB stack recursed into its guard page (status 125)
 *   lazystack_test oom        a stack touched after RAM is gone (status 126, named thread) */
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mote/mm.h>
#include <mote/thread.h>

#include "image_check.h"

#define NTHREADS  8
#define BIG_STACK (8u << 20)
#define TOUCH     (12 * 1024)
#define DEEP      (6u << 20)
#define KIB(b)    ((size_t)(b) >> 10)

static sem_t ready, go;

/* Fills 12 KiB of its stack, waits until every thread is alive, then checks the bytes. */
static void *light(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	volatile unsigned char buf[TOUCH];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(id * 31 + i);
	sem_post(&ready);
	sem_wait(&go);
	for (size_t i = 0; i < sizeof(buf); i++)
		if (buf[i] != (unsigned char)(id * 31 + i))
			return (void *)0;
	return (void *)(id + 1);
}

static uintptr_t deep_stop;
static size_t free_at_bottom;
static unsigned long bad_bytes;

/* Each level fills a 4000-byte frame with its own pattern, goes deeper until deep_stop, and
 * checks every byte on the way back: the pages committed on the way down kept their data. */
static __attribute__((noinline)) unsigned long recurse(unsigned long depth)
{
	volatile unsigned char frame[4000];

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (unsigned char)(depth * 7 + i);
	unsigned long levels = 1;

	if ((uintptr_t)frame > deep_stop)
		levels += recurse(depth + 1);
	else
		free_at_bottom = mm_free_bytes();
	for (size_t i = 0; i < sizeof(frame); i++)
		bad_bytes += frame[i] != (unsigned char)(depth * 7 + i);
	return levels;
}

static void *deep(void *arg)
{
	(void)arg;
	deep_stop = (uintptr_t)__builtin_frame_address(0) - DEEP;
	return (void *)recurse(0);
}

/* Recurses until the guard page stops it. */
static __attribute__((noinline)) unsigned long endless(unsigned long depth)
{
	volatile char frame[1024];

	frame[0] = (char)depth;
	return endless(depth + 1) + (unsigned long)frame[0];
}

static void *overflow(void *arg)
{
	(void)arg;
	return (void *)endless(0);
}

/* Core's threads rather than pthreads: a name of the test's own for each, which the reports
 * must show. */
static struct thread *start(const char *name, void *(*fn)(void *), void *arg, size_t stack)
{
	struct thread *t = thread_create(name, THREAD_PRIO_DEFAULT, fn, arg, stack);

	if (!t)
		printf("lazystack_test: creating %s with a %zu KiB stack failed\n", name, KIB(stack));
	return t;
}

static int run_overflow(void)
{
	struct thread *t = start("lazydeep", overflow, NULL, 1u << 20);

	printf("lazystack_test: a 1 MiB stack recursing until it ends\n");
	if (t)
		thread_join(t, NULL);
	printf("FAIL: the recursion returned\n");
	return 1;
}

/* 'hungry' waits while main takes every free page, then recurses into stack it never touched. */
static void *hungry(void *arg)
{
	(void)arg;
	sem_wait(&go);
	deep_stop = (uintptr_t)__builtin_frame_address(0) - DEEP;
	return (void *)recurse(0);
}

static int run_oom(void)
{
	struct thread *t = start("hungry", hungry, NULL, BIG_STACK);
	size_t taken = 0;

	while (mm_alloc_pages(0))
		taken++;
	printf("lazystack_test: took all %zu KiB of free RAM; 'hungry' recurses now\n", taken * 4);
	sem_post(&go);
	if (t)
		thread_join(t, NULL);
	printf("FAIL: the recursion returned\n");
	return 1;
}

int main(int argc, char **argv)
{
	sem_init(&ready, 0, 0);
	sem_init(&go, 0, 0);
	if (argc == 2 && strcmp(argv[1], "overflow") == 0)
		return run_overflow();
	if (argc == 2 && strcmp(argv[1], "oom") == 0)
		return run_oom();

	size_t free0 = mm_free_bytes();
	struct thread *t[NTHREADS];
	char name[16];

	/* Eight 8 MiB stacks, all alive at once: 64 MiB asked of a 32 MiB machine. */
	for (uintptr_t i = 0; i < NTHREADS; i++) {
		snprintf(name, sizeof(name), "light%u", (unsigned)i);
		t[i] = start(name, light, (void *)i, BIG_STACK);
		CHECK(t[i] != NULL);
	}
	for (int i = 0; i < NTHREADS; i++)
		if (t[i])
			sem_wait(&ready);
	size_t cost = free0 - mm_free_bytes();

	printf("lazystack_test: %d threads with %u MiB stacks alive, %u KiB touched each: %zu KiB of "
	       "RAM in all\n",
	       NTHREADS, BIG_STACK >> 20, TOUCH >> 10, KIB(cost));
	/* Per thread: the touched pages, the top pages (struct, TLS, libc's area) and page tables. */
	CHECK(cost < NTHREADS * (size_t)96 * 1024);
	for (int i = 0; i < NTHREADS; i++)
		sem_post(&go);
	for (uintptr_t i = 0; i < NTHREADS; i++) {
		void *res = NULL;

		CHECK(t[i] && thread_join(t[i], &res) == 0 && res == (void *)(i + 1));
	}
	size_t kept = free0 - mm_free_bytes();

	printf("lazystack_test: after the joins %zu KiB stay used (page tables kept for reuse)\n", KIB(kept));
	CHECK(kept < 256 * 1024);

	/* One thread 6 MiB deep into its 8 MiB stack, its pages committed on the way down. */
	size_t free1 = mm_free_bytes();
	struct thread *d = start("deep", deep, NULL, BIG_STACK);
	void *levels = NULL;

	CHECK(d && thread_join(d, &levels) == 0);
	size_t used = free1 - free_at_bottom;

	printf("lazystack_test: recursed %lu levels, %zu KiB of RAM in use at the bottom, %lu bad "
	       "bytes\n",
	       (unsigned long)(uintptr_t)levels, KIB(used), bad_bytes);
	CHECK((uintptr_t)levels >= DEEP / 4096);
	CHECK(used >= DEEP && used < DEEP + (512u << 10));
	CHECK(bad_bytes == 0);
	size_t back = free1 - mm_free_bytes();

	printf("lazystack_test: after the join %zu KiB stay used\n", KIB(back));
	CHECK(back < 64 * 1024);
	return check_report();
}
