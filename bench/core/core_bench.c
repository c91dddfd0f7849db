/* SPDX-License-Identifier: MIT */
/* core_bench.c: the preemptive core's costs as a portable pthread program, built unchanged as
 * a Mote image and as a static Linux binary (bench/core/run.py runs both under QEMU's
 * deterministic -icount mode, where the TSC counts guest instructions). Prints one line per
 * operation: "BENCH <name> ops=<n> tsc=<ticks>"; run.py divides. Each loop runs once unmeasured
 * first, so one-time costs (clock calibration, first allocations, page faults on Linux) stay
 * out of the figures. Arguments: rounds (default 2000), then optionally one loop's name (as in
 * its BENCH line) to run only that one, e.g. to profile it. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t tsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return (uint64_t)hi << 32 | lo;
}

static int quiet; /* a warm-up run: no figures */

static void report(const char *name, long ops, uint64_t ticks)
{
	if (quiet)
		return;
	printf("BENCH %s ops=%ld tsc=%llu\n", name, ops, (unsigned long long)ticks);
	fflush(stdout);
}

static long rounds;

/* Thread create + join: a thread that does nothing, created and joined. One op per pair. */
static void *nothing(void *arg) { return arg; }

static void bench_create_join(void)
{
	uint64_t start = tsc();

	for (long i = 0; i < rounds; i++) {
		pthread_t t;

		if (pthread_create(&t, NULL, nothing, NULL) != 0 || pthread_join(t, NULL) != 0) {
			printf("core_bench: create/join failed\n");
			exit(2);
		}
	}
	report("create_join", rounds, tsc() - start);
}

/* Yield ping-pong: two threads of equal priority yield to each other. A yield need not
 * switch (a scheduler may decide the caller should go on), so the threads count the switches
 * they see, and the figure is per switch seen. */
static volatile int last_runner;
static volatile long switches;

static void *yielder(void *arg)
{
	int me = arg != NULL;

	for (long i = 0; i < rounds; i++) {
		if (last_runner != me) {
			last_runner = me;
			switches++;
		}
		sched_yield();
	}
	return NULL;
}

static void bench_yield(void)
{
	pthread_t t;

	pthread_create(&t, NULL, yielder, (void *)1);
	sched_yield(); /* let it start, so both loops run side by side */
	switches = 0;
	uint64_t start = tsc();

	yielder(NULL);
	uint64_t ticks = tsc() - start;
	long seen = switches;

	pthread_join(t, NULL);
	report("yield_switch", seen, ticks);
}

/* Mutex handoff: two threads pass ownership back and forth through three mutexes. Each
 * thread always holds two; it unlocks the older and locks the next, which the other holds,
 * so every lock blocks until the other thread unlocks: one handoff (wake + switch) per op,
 * and every unlock is by the owner. */
static pthread_mutex_t ring[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                  PTHREAD_MUTEX_INITIALIZER};
static volatile int b_holds_its_first;

static void *handoff_b(void *arg)
{
	int old = 2, next = 0; /* holds ring[2], wants ring[0] */

	pthread_mutex_lock(&ring[2]);
	b_holds_its_first = 1;
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&ring[next]);
		pthread_mutex_unlock(&ring[old]);
		old = next;
		next = (next + 1) % 3;
	}
	pthread_mutex_unlock(&ring[old]);
	return arg;
}

static void bench_mutex_handoff(void)
{
	pthread_t t;
	int held_old = 0, held_new = 1, next = 2; /* A holds ring[0] and ring[1] */

	b_holds_its_first = 0;
	pthread_mutex_lock(&ring[0]);
	pthread_mutex_lock(&ring[1]);
	pthread_create(&t, NULL, handoff_b, NULL);
	while (!b_holds_its_first)
		sched_yield();
	uint64_t start = tsc();

	for (long i = 0; i < rounds; i++) {
		pthread_mutex_unlock(&ring[held_old]); /* B was waiting for it */
		pthread_mutex_lock(&ring[next]);       /* B holds it until its next step */
		held_old = held_new;
		held_new = next;
		next = (next + 1) % 3;
	}
	uint64_t ticks = tsc() - start;

	pthread_mutex_unlock(&ring[held_old]);
	pthread_mutex_unlock(&ring[held_new]);
	pthread_join(t, NULL);
	report("mutex_handoff", 2 * rounds, ticks);
}

/* Condition-variable ping-pong: a turn flag under a mutex; each side waits for its turn,
 * passes it and signals. One op per pass. */
static pthread_mutex_t turn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn;

static void play(int me)
{
	for (long i = 0; i < rounds; i++) {
		pthread_mutex_lock(&turn_lock);
		while (turn != me)
			pthread_cond_wait(&turn_changed, &turn_lock);
		turn = !me;
		pthread_cond_signal(&turn_changed);
		pthread_mutex_unlock(&turn_lock);
	}
}

static void *player_b(void *arg)
{
	play(1);
	return arg;
}

static void bench_condvar(void)
{
	pthread_t t;

	pthread_create(&t, NULL, player_b, NULL);
	uint64_t start = tsc();

	play(0);
	pthread_join(t, NULL);
	report("condvar_pingpong", 2 * rounds, tsc() - start);
}

/* Uncontended mutex lock + unlock: the fast path every critical section pays. */
static void bench_mutex_uncontended(void)
{
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	uint64_t start = tsc();

	for (long i = 0; i < rounds * 10; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	report("mutex_uncontended", rounds * 10, tsc() - start);
}

int main(int argc, char **argv)
{
	long asked = argc > 1 ? strtol(argv[1], NULL, 10) : 2000;

	if (asked <= 0) {
		printf("core_bench: rounds must be a positive number\n");
		return 2;
	}
	static const struct {
		const char *name;
		void (*run)(void);
	} benches[] = {{"create_join", bench_create_join},
	               {"yield_switch", bench_yield},
	               {"mutex_handoff", bench_mutex_handoff},
	               {"condvar_pingpong", bench_condvar},
	               {"mutex_uncontended", bench_mutex_uncontended}};
	const char *only = argc > 2 ? argv[2] : NULL;
	int ran = 0;

	for (unsigned i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
		if (only && strcmp(only, benches[i].name) != 0)
			continue;
		ran++;
		rounds = asked / 10 + 1; /* warm-up, not reported */
		quiet = 1;
		benches[i].run();
		rounds = asked;
		quiet = 0;
		benches[i].run();
	}
	if (!ran) {
		printf("core_bench: no loop named %s\n", only);
		return 2;
	}
	printf("core_bench: done\n");
	return 0;
}
