/* SPDX-License-Identifier: MIT */
/* pthread_test.c: the POSIX layer (pthreads, semaphores, POSIX clocks and sleeps) as a portable
 * program would use it; nothing Mote-specific is included. With no argument it runs the checks
 * and prints "N passed, N failed"; "exit-main" ends main with pthread_exit() while a worker
 * still has output to print. No check depends on how fast anything runs. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

static uint64_t ns_of(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000u + (uint64_t)ts->tv_nsec;
}

static uint64_t now_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ns_of(&ts);
}

/* An absolute time `ms` from now on `clock`. */
static struct timespec in_ms(clockid_t clock, long ms)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

/* Threads: results through join and pthread_exit, self/equal, attributes. */
static void *return_arg_plus_one(void *arg) { return (void *)((uintptr_t)arg + 1); }

static void *exit_early(void *arg)
{
	pthread_exit(arg);
	return NULL; /* not reached */
}

static pthread_t seen_self;

static void *record_self(void *arg)
{
	(void)arg;
	seen_self = pthread_self();
	return NULL;
}

static char big_stack_sum_ok;

static void *use_big_stack(void *arg)
{
	volatile char buf[256 * 1024]; /* far past the default stack: needs the attribute */

	(void)arg;
	for (size_t i = 0; i < sizeof(buf); i += 4096)
		buf[i] = (char)i;
	big_stack_sum_ok = buf[4096] == (char)4096;
	return NULL;
}

static volatile int detached_done;

static void *detached_worker(void *arg)
{
	(void)arg;
	detached_done = 1;
	return NULL;
}

static void test_threads(void)
{
	pthread_t t;
	void *result = NULL;

	CHECK(pthread_create(&t, NULL, return_arg_plus_one, (void *)41) == 0);
	CHECK(pthread_join(t, &result) == 0 && result == (void *)42);
	CHECK(pthread_create(&t, NULL, exit_early, (void *)7) == 0);
	CHECK(pthread_join(t, &result) == 0 && result == (void *)7);

	CHECK(pthread_create(&t, NULL, record_self, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);
	CHECK(pthread_equal(seen_self, t));
	CHECK(!pthread_equal(pthread_self(), t));
	CHECK(pthread_join(pthread_self(), NULL) == EDEADLK);

	pthread_attr_t attr;
	size_t size = 0;
	int state = -1;

	CHECK(pthread_attr_init(&attr) == 0);
	CHECK(pthread_attr_getstacksize(&attr, &size) == 0 && size >= 16384);
	CHECK(pthread_attr_setstacksize(&attr, 1) == EINVAL);
	CHECK(pthread_attr_setstacksize(&attr, 1024 * 1024) == 0);
	CHECK(pthread_attr_getstacksize(&attr, &size) == 0 && size == 1024 * 1024);
	CHECK(pthread_create(&t, &attr, use_big_stack, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0 && big_stack_sum_ok);

	CHECK(pthread_attr_setdetachstate(&attr, 99) == EINVAL);
	CHECK(pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0);
	CHECK(pthread_attr_getdetachstate(&attr, &state) == 0 && state == PTHREAD_CREATE_DETACHED);
	CHECK(pthread_create(&t, &attr, detached_worker, NULL) == 0);
	while (!detached_done)
		sched_yield();
	CHECK(pthread_attr_destroy(&attr) == 0);

	CHECK(pthread_create(&t, NULL, detached_worker, NULL) == 0);
	CHECK(pthread_detach(t) == 0);
	CHECK(sched_yield() == 0);
}

/* Mutexes: 8 threads x 100000 increments under a statically initialized mutex. */
#define COUNTERS   8
#define INCREMENTS 100000
static pthread_mutex_t count_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < INCREMENTS; i++) {
		pthread_mutex_lock(&count_lock);
		long v = counter;

		if ((i & 1023) == 0)
			sched_yield(); /* hand over while holding the lock: others must wait */
		counter = v + 1;
		pthread_mutex_unlock(&count_lock);
	}
	return NULL;
}

static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;
static int other_unlock_result, other_trylock_result;

static void *misuse_lock(void *arg)
{
	(void)arg;
	other_unlock_result = pthread_mutex_unlock(&held_lock);
	other_trylock_result = pthread_mutex_trylock(&held_lock);
	return NULL;
}

static int timedlock_result;
static uint64_t timedlock_waited;

static void *timedlock_held(void *arg)
{
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	struct timespec until = in_ms(CLOCK_REALTIME, 50);

	(void)arg;
	timedlock_result = pthread_mutex_timedlock(&held_lock, &until);
	timedlock_waited = now_ns(CLOCK_MONOTONIC) - start;
	return NULL;
}

static void test_mutexes(void)
{
	pthread_t t[COUNTERS];

	for (int i = 0; i < COUNTERS; i++)
		CHECK(pthread_create(&t[i], NULL, count_up, NULL) == 0);
	for (int i = 0; i < COUNTERS; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
	CHECK(counter == (long)COUNTERS * INCREMENTS);
	printf("pthread_test: %ld mutex-guarded increments from %d threads\n", counter, COUNTERS);

	/* Misuse is reported, not undefined. */
	pthread_t other;

	CHECK(pthread_mutex_lock(&held_lock) == 0);
	CHECK(pthread_mutex_lock(&held_lock) == EDEADLK);
	CHECK(pthread_mutex_destroy(&held_lock) == EBUSY);
	CHECK(pthread_create(&other, NULL, misuse_lock, NULL) == 0);
	CHECK(pthread_join(other, NULL) == 0);
	CHECK(other_unlock_result == EPERM);
	CHECK(other_trylock_result == EBUSY);
	CHECK(pthread_create(&other, NULL, timedlock_held, NULL) == 0);
	CHECK(pthread_join(other, NULL) == 0);
	CHECK(timedlock_result == ETIMEDOUT && timedlock_waited >= 50000000u);
	CHECK(pthread_mutex_unlock(&held_lock) == 0);
	CHECK(pthread_mutex_unlock(&held_lock) == EPERM);
	CHECK(pthread_mutex_destroy(&held_lock) == 0);

	/* A recursive mutex counts its locks. */
	pthread_mutexattr_t ma;
	pthread_mutex_t rec;
	int type = -1;

	CHECK(pthread_mutexattr_init(&ma) == 0);
	CHECK(pthread_mutexattr_settype(&ma, 42) == EINVAL);
	CHECK(pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE) == 0);
	CHECK(pthread_mutexattr_gettype(&ma, &type) == 0 && type == PTHREAD_MUTEX_RECURSIVE);
	CHECK(pthread_mutex_init(&rec, &ma) == 0);
	CHECK(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0);
	CHECK(pthread_mutex_trylock(&rec) == 0);
	CHECK(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0);
	CHECK(pthread_mutex_destroy(&rec) == EBUSY);
	CHECK(pthread_mutex_unlock(&rec) == 0);
	CHECK(pthread_mutex_destroy(&rec) == 0);
	CHECK(pthread_mutexattr_destroy(&ma) == 0);
}

/* Condition variables: a bounded queue between a producer and a consumer. */
#define ITEMS 2000
#define SLOTS 4
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_not_empty = PTHREAD_COND_INITIALIZER, q_not_full = PTHREAD_COND_INITIALIZER;
static int queue[SLOTS], q_head, q_count;

static void *produce(void *arg)
{
	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_count == SLOTS)
			pthread_cond_wait(&q_not_full, &q_lock);
		queue[(q_head + q_count++) % SLOTS] = i;
		pthread_cond_signal(&q_not_empty);
		pthread_mutex_unlock(&q_lock);
	}
	return NULL;
}

static void *consume(void *arg)
{
	long sum = 0, in_order = 1;

	(void)arg;
	for (int i = 1; i <= ITEMS; i++) {
		pthread_mutex_lock(&q_lock);
		while (q_count == 0)
			pthread_cond_wait(&q_not_empty, &q_lock);
		int v = queue[q_head];

		q_head = (q_head + 1) % SLOTS;
		q_count--;
		pthread_cond_signal(&q_not_full);
		pthread_mutex_unlock(&q_lock);
		in_order &= v == i;
		sum += v;
	}
	return (void *)(in_order ? sum : -1);
}

static pthread_cond_t gate = PTHREAD_COND_INITIALIZER;
static int gate_open, gate_passed;

static void *wait_at_gate(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&q_lock);
	while (!gate_open)
		pthread_cond_wait(&gate, &q_lock);
	gate_passed++;
	pthread_mutex_unlock(&q_lock);
	return NULL;
}

static void test_condvars(void)
{
	pthread_t p, c, w[5];
	void *sum = NULL;

	CHECK(pthread_create(&c, NULL, consume, NULL) == 0);
	CHECK(pthread_create(&p, NULL, produce, NULL) == 0);
	CHECK(pthread_join(p, NULL) == 0 && pthread_join(c, &sum) == 0);
	CHECK((long)sum == (long)ITEMS * (ITEMS + 1) / 2);

	for (int i = 0; i < 5; i++)
		CHECK(pthread_create(&w[i], NULL, wait_at_gate, NULL) == 0);
	sleep(0);
	usleep(10000);
	pthread_mutex_lock(&q_lock);
	gate_open = 1;
	CHECK(pthread_cond_destroy(&gate) == EBUSY || gate_passed == 5);
	pthread_cond_broadcast(&gate);
	pthread_mutex_unlock(&q_lock);
	for (int i = 0; i < 5; i++)
		CHECK(pthread_join(w[i], NULL) == 0);
	CHECK(gate_passed == 5);
	CHECK(pthread_cond_destroy(&gate) == 0);

	/* timedwait times out on both clocks, no earlier than asked, with the mutex held again. */
	pthread_cond_t never = PTHREAD_COND_INITIALIZER, mono;
	pthread_condattr_t ca;
	clockid_t clock = -1;
	struct timespec until = in_ms(CLOCK_REALTIME, 30);

	pthread_mutex_lock(&q_lock);
	CHECK(pthread_cond_timedwait(&never, &q_lock, &until) == ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) >= ns_of(&until));
	CHECK(pthread_mutex_unlock(&q_lock) == 0);
	CHECK(pthread_condattr_init(&ca) == 0);
	CHECK(pthread_condattr_setclock(&ca, (clockid_t)42) == EINVAL);
	CHECK(pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0);
	CHECK(pthread_condattr_getclock(&ca, &clock) == 0 && clock == CLOCK_MONOTONIC);
	CHECK(pthread_cond_init(&mono, &ca) == 0);
	until = in_ms(CLOCK_MONOTONIC, 30);
	pthread_mutex_lock(&q_lock);
	CHECK(pthread_cond_timedwait(&mono, &q_lock, &until) == ETIMEDOUT);
	CHECK(now_ns(CLOCK_MONOTONIC) >= ns_of(&until));
	CHECK(pthread_mutex_unlock(&q_lock) == 0);
	until.tv_nsec = 1000000000;
	CHECK(pthread_cond_timedwait(&mono, &q_lock, &until) == EINVAL);
	CHECK(pthread_cond_destroy(&mono) == 0 && pthread_condattr_destroy(&ca) == 0);
}

/* Once runs its function exactly once however many threads race to it. */
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_calls;

static void once_body(void)
{
	once_calls++;
	sched_yield(); /* let the others arrive while it runs */
}

static void *call_once(void *arg)
{
	(void)arg;
	pthread_once(&once, once_body);
	return (void *)(intptr_t)once_calls;
}

static void test_once(void)
{
	pthread_t t[6];
	void *seen;

	for (int i = 0; i < 6; i++)
		CHECK(pthread_create(&t[i], NULL, call_once, NULL) == 0);
	for (int i = 0; i < 6; i++) {
		CHECK(pthread_join(t[i], &seen) == 0);
		CHECK(seen == (void *)1); /* nobody returned before the function finished */
	}
	CHECK(once_calls == 1);
}

/* Keys: values per thread, destructors at thread exit. */
static pthread_key_t key;
static int destructed;

static void destroy_value(void *v)
{
	destructed += *(int *)v;
	free(v);
}

static void *use_key(void *arg)
{
	int *v = malloc(sizeof(int));

	*v = (int)(intptr_t)arg;
	CHECK(pthread_getspecific(key) == NULL);
	pthread_setspecific(key, v);
	sched_yield();
	return (void *)(intptr_t)(pthread_getspecific(key) == v);
}

static void test_keys(void)
{
	pthread_t a, b;
	void *ra, *rb;
	static int main_value = 5;

	CHECK(pthread_key_create(&key, destroy_value) == 0);
	CHECK(pthread_setspecific(key, &main_value) == 0);
	CHECK(pthread_create(&a, NULL, use_key, (void *)10) == 0);
	CHECK(pthread_create(&b, NULL, use_key, (void *)20) == 0);
	CHECK(pthread_join(a, &ra) == 0 && pthread_join(b, &rb) == 0);
	CHECK(ra == (void *)1 && rb == (void *)1);
	CHECK(destructed == 30);
	CHECK(pthread_getspecific(key) == &main_value);
	CHECK(pthread_setspecific(key, NULL) == 0);
	CHECK(pthread_key_delete(key) == 0);
	CHECK(pthread_key_delete(key) == EINVAL);
	CHECK(pthread_setspecific(key, &main_value) == EINVAL);
}

/* Semaphores: producer/consumer counting, trywait, timedwait. */
static sem_t items, spaces;
static int ring[3], ring_in, ring_out;

static void *sem_produce(void *arg)
{
	(void)arg;
	for (int i = 0; i < 500; i++) {
		sem_wait(&spaces);
		ring[ring_in++ % 3] = i;
		sem_post(&items);
	}
	return NULL;
}

static void test_semaphores(void)
{
	pthread_t p;
	int ok = 1, value = -1;

	CHECK(sem_init(&items, 0, 0) == 0 && sem_init(&spaces, 0, 3) == 0);
	CHECK(sem_trywait(&items) == -1 && errno == EAGAIN);
	CHECK(pthread_create(&p, NULL, sem_produce, NULL) == 0);
	for (int i = 0; i < 500; i++) {
		sem_wait(&items);
		ok &= ring[ring_out++ % 3] == i;
		sem_post(&spaces);
	}
	CHECK(ok);
	CHECK(pthread_join(p, NULL) == 0);
	CHECK(sem_getvalue(&spaces, &value) == 0 && value == 3);

	struct timespec until = in_ms(CLOCK_REALTIME, 20);

	CHECK(sem_timedwait(&items, &until) == -1 && errno == ETIMEDOUT);
	CHECK(now_ns(CLOCK_REALTIME) >= ns_of(&until));
	until.tv_nsec = -1;
	CHECK(sem_timedwait(&items, &until) == -1 && errno == EINVAL);
	CHECK(sem_init(&items, 0, 0x80000000u) == -1 && errno == EINVAL);
	CHECK(sem_destroy(&items) == 0 && sem_destroy(&spaces) == 0);
}

/* Clocks and sleeps: resolution, agreement between the calls, no early wake-ups. */
static void test_clocks(void)
{
	struct timespec res, ts;
	struct timeval tv;

	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
	CHECK(clock_getres(CLOCK_REALTIME, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0);
	CHECK(clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1600000000); /* after 2020 */
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec >= ts.tv_sec && tv.tv_usec < 1000000);
	CHECK(time(NULL) >= ts.tv_sec);

	uint64_t start = now_ns(CLOCK_MONOTONIC);
	struct timespec rel = {0, 20000000}, until;

	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - start >= 20000000u);
	until = in_ms(CLOCK_MONOTONIC, 20);
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) >= ns_of(&until));
	until = in_ms(CLOCK_REALTIME, 20);
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &until, NULL) == 0);
	CHECK(now_ns(CLOCK_REALTIME) >= ns_of(&until));
	CHECK(clock_nanosleep((clockid_t)42, 0, &rel, NULL) == EINVAL);
	rel.tv_nsec = 2000000000;
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &rel, NULL) == EINVAL);
}

/* "exit-main": main leaves with pthread_exit(); the program must go on until the last thread
 * has printed, then exit with status 0. */
static void *outlive_main(void *arg)
{
	(void)arg;
	usleep(20000);
	printf("pthread_test: the last thread finished after main\n");
	fflush(stdout);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exit-main") == 0) {
		pthread_t t;

		pthread_create(&t, NULL, outlive_main, NULL);
		printf("pthread_test: main calls pthread_exit\n");
		pthread_exit(NULL);
	}
	test_threads();
	test_mutexes();
	test_condvars();
	test_once();
	test_keys();
	test_semaphores();
	test_clocks();
	return check_report();
}
