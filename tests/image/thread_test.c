/* SPDX-License-Identifier: MIT */
/* thread_test.c: the scheduler from inside an image, through core's thread API. With no
 * argument it runs the behaviour checks and prints "N passed, N failed"; "overflow" and
 * "deadlock" provoke the two diagnostics the boot tests look for. No check depends on how
 * fast anything runs: TCG is slow and noisy. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hal/cpu.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "image_check.h"

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* An equal-priority thread that never yields cannot keep another from running. */
static volatile int stop_spinning, other_ran;

static void *spin(void *arg)
{
	(void)arg;
	while (!stop_spinning)
		;
	return NULL;
}

static void *set_flag(void *arg)
{
	(void)arg;
	other_ran = 1;
	return (void *)42;
}

static void test_no_starvation(void)
{
	struct thread *spinner = thread_create("spinner", THREAD_PRIO_DEFAULT, spin, NULL, 0);
	struct thread *other = thread_create("other", THREAD_PRIO_DEFAULT, set_flag, NULL, 0);
	void *result = NULL;

	CHECK(spinner && other);
	while (!other_ran) /* main spins too: only preemption lets "other" run */
		;
	stop_spinning = 1;
	CHECK(thread_join(other, &result) == 0 && result == (void *)42);
	CHECK(thread_join(spinner, NULL) == 0);
}

/* A more urgent thread runs before thread_create() returns to a less urgent creator. */
static int order[3], order_n;

static void *record(void *arg)
{
	order[order_n++] = (int)(intptr_t)arg;
	return NULL;
}

static void test_priority(void)
{
	struct thread *low = thread_create("low", THREAD_PRIO_DEFAULT - 1, record, (void *)1, 0);
	struct thread *high = thread_create("high", THREAD_PRIO_DEFAULT + 1, record, (void *)2, 0);

	order[order_n++] = 3; /* main: after high, before low */
	CHECK(thread_join(high, NULL) == 0);
	CHECK(thread_join(low, NULL) == 0);
	CHECK(order_n == 3 && order[0] == 2 && order[1] == 3 && order[2] == 1);
}

/* Many threads, all alive at once, then all joined. */
#define MANY 1000
static struct thread *many[MANY];

static void *twice(void *arg) { return (void *)((intptr_t)arg * 2); }

static void test_many(void)
{
	long sum = 0;
	int created = 0;

	for (int i = 0; i < MANY; i++)
		created += (many[i] = thread_create("many", THREAD_PRIO_DEFAULT, twice, (void *)(intptr_t)i,
		                                    8192)) != NULL;
	CHECK(created == MANY);
	for (int i = 0; i < MANY; i++) {
		void *r = NULL;

		if (many[i] && thread_join(many[i], &r) == 0)
			sum += (long)(intptr_t)r;
	}
	CHECK(sum == (long)MANY * (MANY - 1));
	printf("thread_test: %d threads created and joined\n", created);
}

/* Sleeping threads wake no earlier than asked, in any order of deadlines. */
static void *sleeper(void *arg)
{
	uint64_t ask = (uint64_t)(uintptr_t)arg * 1000000u, start = now_ns();

	thread_sleep_until(start + ask);
	return (void *)(uintptr_t)(now_ns() - start >= ask);
}

static void test_sleep(void)
{
	static const int ms[] = {30, 5, 20, 1, 10, 0, 15};
	struct thread *t[7];
	int ok = 0;

	for (int i = 0; i < 7; i++)
		t[i] = thread_create("sleeper", THREAD_PRIO_DEFAULT, sleeper, (void *)(uintptr_t)ms[i], 0);
	for (int i = 0; i < 7; i++) {
		void *r = NULL;

		if (t[i] && thread_join(t[i], &r) == 0)
			ok += r != NULL;
	}
	CHECK(ok == 7);
}

/* x87/SSE state survives preemption: two threads run the same long computation at once and
 * must both get the single-threaded result exactly, having been switched mid-way. */
#define FPU_STEPS 3000000
static volatile long progress[2];
static volatile int saw_other_midway[2]; /* saw the other thread part-way through its run */

static double series(int which)
{
	double sum = 0.0;
	long double x87 = 0.0L;

	for (long i = 1; i <= FPU_STEPS; i++) {
		sum += 1.0 / ((double)i * (double)i);
		x87 += 1.0L / (long double)i;
		if (which >= 0) {
			progress[which] = i;
			long other = progress[1 - which];

			if ((i & 4095) == 0 && other > 0 && other < FPU_STEPS)
				saw_other_midway[which] = 1;
		}
	}
	return sum + (double)x87;
}

static double fpu_expected;

static void *fpu_worker(void *arg)
{
	int which = (int)(intptr_t)arg;
	double r = series(which);

	return (void *)(uintptr_t)(r == fpu_expected);
}

static void test_fpu(void)
{
	void *r0 = NULL, *r1 = NULL;

	fpu_expected = series(-1);
	struct thread *a = thread_create("fpu-a", THREAD_PRIO_DEFAULT, fpu_worker, (void *)0, 0);
	struct thread *b = thread_create("fpu-b", THREAD_PRIO_DEFAULT, fpu_worker, (void *)1, 0);

	CHECK(a && b);
	CHECK(thread_join(a, &r0) == 0 && thread_join(b, &r1) == 0);
	CHECK(r0 != NULL && r1 != NULL);
	/* Interleaved: at least one of them, while it ran, saw the other part-way through. */
	CHECK(saw_other_midway[0] || saw_other_midway[1]);
}

/* A timed wait on a queue nobody signals times out, no earlier than its deadline. */
static void test_timed_wait(void)
{
	static struct waitq wq;
	uint64_t deadline = now_ns() + 5000000;
	hal_irq_state_t s = hal_irq_save(); /* waitq_wait() is called with interrupts off */
	int err = waitq_wait(&wq, "test", deadline);

	hal_irq_restore(s);
	CHECK(err == -ETIMEDOUT);
	CHECK(now_ns() >= deadline);
	CHECK(waitq_wake_one(&wq) == 0); /* nobody left on it */
}

/* 8 threads x 100000 increments under one mutex give the exact total. */
#define COUNTERS   8
#define INCREMENTS 100000
static struct mutex counter_lock;
static volatile long counter;

static void *increment(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		mutex_lock(&counter_lock, SYNC_FOREVER);
		long v = counter; /* a read-modify-write a preemption would tear without the lock */
		counter = v + 1;
		mutex_unlock(&counter_lock);
	}
	return NULL;
}

static void test_mutex(void)
{
	struct thread *t[COUNTERS];
	struct mutex m, r;

	mutex_init(&counter_lock, false);
	for (int i = 0; i < COUNTERS; i++)
		t[i] = thread_create("incr", THREAD_PRIO_DEFAULT, increment, NULL, 0);
	for (int i = 0; i < COUNTERS; i++)
		CHECK(t[i] && thread_join(t[i], NULL) == 0);
	CHECK(counter == (long)COUNTERS * INCREMENTS);

	/* Misuse is reported, not ignored. */
	mutex_init(&m, false);
	CHECK(mutex_unlock(&m) == -EPERM);
	CHECK(mutex_lock(&m, SYNC_FOREVER) == 0);
	CHECK(mutex_lock(&m, SYNC_FOREVER) == -EDEADLK);
	CHECK(mutex_destroy(&m) == -EBUSY);
	CHECK(mutex_unlock(&m) == 0);
	CHECK(mutex_destroy(&m) == 0);
	mutex_init(&r, true);
	CHECK(mutex_lock(&r, SYNC_FOREVER) == 0 && mutex_lock(&r, SYNC_FOREVER) == 0 &&
	      mutex_trylock(&r) == 0);
	CHECK(mutex_unlock(&r) == 0 && mutex_unlock(&r) == 0 && mutex_destroy(&r) == -EBUSY);
	CHECK(mutex_unlock(&r) == 0 && mutex_unlock(&r) == -EPERM);
}

static struct mutex held;

static void *try_held(void *arg)
{
	(void)arg;
	int busy = mutex_trylock(&held) == -EBUSY;
	int timed_out = mutex_lock(&held, now_ns() + 2000000) == -ETIMEDOUT;
	int unlock_not_owner = mutex_unlock(&held) == -EPERM;

	return (void *)(uintptr_t)(busy && timed_out && unlock_not_owner);
}

static void test_mutex_contended(void)
{
	void *ok = NULL;

	mutex_init(&held, false);
	mutex_lock(&held, SYNC_FOREVER);
	CHECK(thread_join(thread_create("try", THREAD_PRIO_DEFAULT, try_held, NULL, 0), &ok) == 0 && ok);
	mutex_unlock(&held);
}

/* Producer and consumer over a condition variable: every item arrives once, in order. */
#define ITEMS 2000
static struct mutex q_lock;
static struct cond q_nonempty, q_nonfull;
static int queue[16], q_head, q_count;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		mutex_lock(&q_lock, SYNC_FOREVER);
		while (q_count == 16)
			cond_wait(&q_nonfull, &q_lock, SYNC_FOREVER);
		queue[(q_head + q_count++) % 16] = i;
		cond_signal(&q_nonempty);
		mutex_unlock(&q_lock);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	long sum = 0, in_order = 1, last = 0;

	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		mutex_lock(&q_lock, SYNC_FOREVER);
		while (q_count == 0)
			cond_wait(&q_nonempty, &q_lock, SYNC_FOREVER);
		int v = queue[q_head];
		q_head = (q_head + 1) % 16;
		q_count--;
		cond_signal(&q_nonfull);
		mutex_unlock(&q_lock);
		in_order &= v == last + 1;
		last = v;
		sum += v;
	}
	return (void *)(intptr_t)(in_order && sum == (long)ITEMS * (ITEMS + 1) / 2);
}

static void test_condvar(void)
{
	void *ok = NULL;
	struct cond lonely = {0};

	mutex_init(&q_lock, false);
	struct thread *c = thread_create("consumer", THREAD_PRIO_DEFAULT, consumer, NULL, 0);
	struct thread *p = thread_create("producer", THREAD_PRIO_DEFAULT, producer, NULL, 0);

	CHECK(thread_join(p, NULL) == 0 && thread_join(c, &ok) == 0 && ok);

	/* A timed wait nobody signals times out no earlier than asked, holding the mutex after. */
	uint64_t deadline = now_ns() + 3000000;

	mutex_lock(&q_lock, SYNC_FOREVER);
	CHECK(cond_wait(&lonely, &q_lock, deadline) == -ETIMEDOUT);
	CHECK(now_ns() >= deadline);
	CHECK(mutex_owner(&q_lock) == thread_self());
	mutex_unlock(&q_lock);
	struct mutex not_mine;
	mutex_init(&not_mine, false);
	CHECK(cond_wait(&lonely, &not_mine, SYNC_FOREVER) == -EPERM);
}

/* A semaphore counts posts; once runs its function exactly once however many race for it. */
static struct semaphore sem;
static struct once once = ONCE_INIT;
static int once_calls;

static void init_once(void)
{
	once_calls++;
	thread_yield(); /* let the other callers arrive while it runs */
}

static void *post_and_once(void *arg)
{
	(void)arg;
	once_run(&once, init_once);
	semaphore_post(&sem);
	return NULL;
}

static void test_semaphore_once(void)
{
	struct thread *t[8];

	sem_init_value(&sem, 0);
	CHECK(semaphore_trywait(&sem) == -EAGAIN);
	CHECK(semaphore_wait(&sem, now_ns() + 1000000) == -ETIMEDOUT);
	for (int i = 0; i < 8; i++)
		t[i] = thread_create("poster", THREAD_PRIO_DEFAULT, post_and_once, NULL, 0);
	for (int i = 0; i < 8; i++)
		CHECK(semaphore_wait(&sem, SYNC_FOREVER) == 0);
	for (int i = 0; i < 8; i++)
		CHECK(thread_join(t[i], NULL) == 0);
	CHECK(semaphore_trywait(&sem) == -EAGAIN);
	CHECK(once_calls == 1);
	sem.value = UINT32_MAX;
	CHECK(semaphore_post(&sem) == -EOVERFLOW);
}

/* __thread variables: each thread starts from the image's initial values and keeps its own. */
static __thread int tls_value = 7;
static __thread char tls_text[64];
static __thread long tls_big[32] __attribute__((aligned(64)));

static void *tls_worker(void *arg)
{
	int id = (int)(intptr_t)arg, ok = tls_value == 7 && tls_text[0] == 0 && tls_big[31] == 0;
	uint64_t until = now_ns() + 2000000;

	ok &= ((uintptr_t)tls_big & 63) == 0;
	tls_value = id;
	snprintf(tls_text, sizeof(tls_text), "thread %d", id);
	tls_big[31] = id * 3L;
	while (now_ns() < until) /* let the others run and write theirs */
		thread_yield();
	ok &= tls_value == id && tls_big[31] == id * 3L;
	char expect[64];

	snprintf(expect, sizeof(expect), "thread %d", id);
	ok &= strcmp(tls_text, expect) == 0;
	return (void *)(intptr_t)ok;
}

static void test_tls(void)
{
	struct thread *t[4];
	int all = 1;

	tls_value = 99;
	for (int i = 0; i < 4; i++)
		t[i] = thread_create("tls", THREAD_PRIO_DEFAULT, tls_worker, (void *)(intptr_t)(i + 1), 0);
	for (int i = 0; i < 4; i++) {
		void *ok = NULL;

		all &= t[i] && thread_join(t[i], &ok) == 0 && ok != NULL;
	}
	CHECK(all);
	CHECK(tls_value == 99);
}

/* newlib's state is per thread: errno set in one is not seen in another, and what a thread
 * printed without a newline still comes out when it exits. */
static volatile int errno_stage;

static void *errno_worker(void *arg)
{
	(void)arg;
	errno = EDOM;
	errno_stage = 1;
	while (errno_stage != 2) /* main sets its own errno meanwhile */
		thread_yield();
	int mine = errno == EDOM;

	printf("thread_test: unterminated line from a thread");
	return (void *)(intptr_t)mine;
}

static void test_reent(void)
{
	void *ok = NULL;
	struct thread *t = thread_create("errno", THREAD_PRIO_DEFAULT, errno_worker, NULL, 0);

	while (errno_stage != 1)
		thread_yield();
	errno = ERANGE;
	errno_stage = 2;
	CHECK(thread_join(t, &ok) == 0 && ok != NULL);
	CHECK(errno == ERANGE);
	printf("\n");
}

/* malloc and free from several threads at once, preempted anywhere: newlib's allocator lock
 * (preemption off while held, libc/libc_locks.c) keeps the heap whole. A more urgent thread
 * woken every 10 us by a timer interrupt allocates too, so it lands inside the workers' malloc
 * and free calls thousands of times; without the lock that corrupts the heap. */
static volatile int malloc_workers_done;

static void *malloc_worker(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg, ok = 1;
	unsigned char *blocks[32] = {0};
	size_t sizes[32] = {0};

	/* Mostly malloc and free: each block's first and last bytes are written and checked, so
	 * blocks handed out twice are seen, without the time going into memset. */
	for (int i = 0; i < 40000; i++) {
		int slot = (int)((seed = seed * 1103515245u + 12345u) >> 16) % 32;
		unsigned char mark = (unsigned char)(slot + (uintptr_t)arg);

		if (blocks[slot]) {
			ok &= blocks[slot][0] == mark && blocks[slot][sizes[slot] - 1] == mark;
			free(blocks[slot]);
			blocks[slot] = NULL;
		} else {
			sizes[slot] = 1 + ((seed >> 8) % 3000);
			blocks[slot] = malloc(sizes[slot]);
			if (!blocks[slot])
				return NULL;
			blocks[slot][0] = blocks[slot][sizes[slot] - 1] = mark;
		}
	}
	for (int slot = 0; slot < 32; slot++)
		free(blocks[slot]);
	return (void *)(uintptr_t)ok;
}

static void *malloc_interrupter(void *arg)
{
	unsigned char *ring[8] = {0};
	unsigned ok = 1, n = 0;

	(void)arg;
	/* Blocks live across wake-ups (a ring of 8), so the heap the workers see keeps changing. */
	while (!malloc_workers_done) {
		unsigned slot = n % 8;
		size_t size = 16 + (n % 61) * 40;

		thread_sleep_until(now_ns() + 10000);
		if (ring[slot]) {
			ok &= ring[slot][0] == slot && ring[slot][15] == slot;
			free(ring[slot]);
		}
		ring[slot] = malloc(size);
		if (!ring[slot])
			return NULL;
		memset(ring[slot], (int)slot, 16);
		n++;
	}
	for (unsigned slot = 0; slot < 8; slot++)
		free(ring[slot]);
	return (void *)(uintptr_t)(ok && n > 0);
}

static void test_malloc_threads(void)
{
	struct thread *t[4], *urgent;
	void *urgent_ok = NULL;
	int all = 1;

	malloc_workers_done = 0;
	urgent = thread_create("malloc-irq", THREAD_PRIO_DEFAULT + 1, malloc_interrupter, NULL, 0);
	for (int i = 0; i < 4; i++)
		t[i] = thread_create("malloc", THREAD_PRIO_DEFAULT, malloc_worker, (void *)(uintptr_t)(i + 1),
		                     0);
	for (int i = 0; i < 4; i++) {
		void *ok = NULL;

		all &= t[i] && thread_join(t[i], &ok) == 0 && ok != NULL;
	}
	malloc_workers_done = 1;
	all &= urgent && thread_join(urgent, &urgent_ok) == 0 && urgent_ok != NULL;
	CHECK(all);
}

static int recurse(int depth)
{
	volatile char frame[512];

	frame[0] = (char)depth;
	if (depth > 100000000)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void *deep(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)recurse(0);
}

static struct waitq never;

static void *wait_forever(void *arg)
{
	(void)arg;
	hal_irq_save();
	waitq_wait(&never, "a queue nobody signals", UINT64_MAX);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (strcmp(mode, "overflow") == 0) {
		thread_join(thread_create("deep", THREAD_PRIO_DEFAULT, deep, NULL, 16384), NULL);
		return 1;
	}
	if (strcmp(mode, "deadlock") == 0) {
		thread_join(thread_create("waiter", THREAD_PRIO_DEFAULT, wait_forever, NULL, 0), NULL);
		return 1;
	}
	static const struct {
		const char *name;
		void (*run)(void);
	} tests[] = {
	        {"priority", test_priority},
	        {"no-starvation", test_no_starvation},
	        {"sleep", test_sleep},
	        {"timed-wait", test_timed_wait},
	        {"fpu", test_fpu},
	        {"many", test_many},
	        {"mutex", test_mutex},
	        {"mutex-contended", test_mutex_contended},
	        {"condvar", test_condvar},
	        {"semaphore-once", test_semaphore_once},
	        {"tls", test_tls},
	        {"reent", test_reent},
	        {"malloc", test_malloc_threads},
	};

	for (unsigned i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		printf("thread_test: %s\n", tests[i].name);
		tests[i].run();
	}
	return check_report();
}
