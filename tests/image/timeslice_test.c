/* SPDX-License-Identifier: MIT */
/* timeslice_test.c: two CPU-bound threads of equal priority share the CPU in time slices
 * (mote.timeslice=MS); counts how often they take turns in a fixed time and checks the count
 * against the slice the test says it booted with (the first argument, in ms). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "image_check.h"

#define RUN_MS 1500

/* Shared through GCC's __atomic builtins (newlib's stdatomic.h does not build with GCC). */
static int owner = -1;    /* the thread that ran last */
static unsigned switches; /* times the running thread changed */
static int started;       /* both threads spin until the other exists */
static uint64_t start_ns, end_ns;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Never blocks or yields: only the scheduler's slice timer can take the CPU away. */
static void *spin(void *arg)
{
	int me = (int)(intptr_t)arg;
	uint64_t t;

	if (__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST) == 1) {
		start_ns = now_ns();
		__atomic_store_n(&end_ns, start_ns + RUN_MS * 1000000ull, __ATOMIC_SEQ_CST);
	}
	while (__atomic_load_n(&end_ns, __ATOMIC_SEQ_CST) == 0)
		;
	while ((t = now_ns()) < end_ns) {
		if (__atomic_exchange_n(&owner, me, __ATOMIC_SEQ_CST) != me)
			__atomic_fetch_add(&switches, 1, __ATOMIC_SEQ_CST);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t a, b;
	unsigned long slice_ms = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
	unsigned n, most, least;

	if (slice_ms == 0) {
		printf("usage: timeslice_test SLICE_MS (the mote.timeslice the image was booted with)\n");
		return 2;
	}
	CHECK(pthread_create(&a, NULL, spin, (void *)(intptr_t)0) == 0);
	CHECK(pthread_create(&b, NULL, spin, (void *)(intptr_t)1) == 0);
	CHECK(pthread_join(a, NULL) == 0);
	CHECK(pthread_join(b, NULL) == 0);
	n = __atomic_load_n(&switches, __ATOMIC_SEQ_CST);
	/* A thread runs between one and two slices before its equal gets the CPU (core/sched.c),
	 * so RUN_MS / slice + 2 (the turn running at the start, and one cut short by a late tick) bounds the
	 * turns from above, whatever the host's load (a stalled host only stretches turns). The lower bound
	 * allows turns 8 times longer than the nominal two slices, for a loaded host under TCG. */
	most = RUN_MS / slice_ms + 2;
	least = RUN_MS / (2 * slice_ms) / 8;
	if (least < 1)
		least = 1;
	printf("timeslice_test: %u turns in %d ms with a %lu ms slice (expected %u to %u)\n", n, RUN_MS,
	       slice_ms, least, most);
	CHECK(n <= most);
	CHECK(n >= least);
	return check_report();
}
