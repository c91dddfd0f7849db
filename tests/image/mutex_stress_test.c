/* SPDX-License-Identifier: MIT */
/* mutex_stress_test.c: one mutex hammered by threads at four priorities while a periodic core
 * timer's interrupt wakes the urgent ones at arbitrary points of the others' lock, unlock and
 * critical sections (the fast paths of core/sync.c included). A counter bumped by a slow
 * read-modify-write under the mutex must equal the sum of every thread's own tally exactly. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mote/sync.h>
#include <mote/thread.h>
#include <mote/timer.h>

#include "image_check.h"

#define TICK_NS       300000 /* the timer's period; each tick wakes every urgent thread */
#define URGENT        3      /* threads above the default priority, each woken by the timer */
#define URGENT_RUNS   400    /* critical sections each urgent thread runs */
#define LOW           3      /* threads at and below the default priority, never blocking */
#define HOLD_SLEEP_NS 50000  /* how long an urgent thread sleeps holding the mutex, every 4th run */
#define RETRY_NS      20000  /* first wait of a timed lock or between trylocks; doubles each retry */
#define RETRY_MAX_NS  5000000
#define TRYLOCK_TRIES 6 /* then the trylock thread blocks in mutex_lock() */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static struct mutex lock;
static long counter;          /* guarded by lock */
static volatile int inside;   /* threads inside the critical section: must stay 0 or 1 */
static volatile int overlaps; /* times a thread found another inside */
static volatile int urgent_done;
static struct semaphore tick[URGENT];
static struct timer ticker;

/* Interrupt context: wakes the urgent threads, which preempt whatever runs below them. */
static void on_tick(void *arg)
{
	(void)arg;
	for (int i = 0; i < URGENT; i++)
		semaphore_post(&tick[i]);
}

/* A read-modify-write spread over a few hundred instructions, so that a switch inside it while
 * two threads held the mutex at once would lose an increment. With sleep_ns, the holder sleeps
 * in the middle: a thread preempted half-way through taking the mutex runs again then, and
 * with a broken lock it would get in too. */
static void critical(long *tally, uint64_t sleep_ns)
{
	if (inside++ != 0)
		overlaps++;
	long v = counter;
	for (volatile int i = 0; i < 40; i++)
		;
	if (sleep_ns)
		thread_sleep_until(now_ns() + sleep_ns);
	counter = v + 1;
	inside--;
	++*tally;
}

struct worker {
	int index;
	long tally;     /* critical sections this thread ran */
	long saw_held;  /* times it found the mutex held before locking: contention happened */
	long timed_out; /* timed locks that gave up (urgent thread 0 only) */
	int errors;     /* a lock or unlock that returned an error */
};

static void *urgent(void *arg)
{
	struct worker *w = arg;

	for (int run = 0; run < URGENT_RUNS; run++) {
		semaphore_wait(&tick[w->index], SYNC_FOREVER);
		if (mutex_owner(&lock) != NULL)
			w->saw_held++;
		int err;
		if (w->index == 0) {
			/* A short deadline, so that some waits end by timing out while queued. Each
			 * retry waits twice as long, from the clock: this thread is above the low
			 * owners, and where one try costs more than its wait (Xen PV under TCG: an
			 * event round trip is ~140 us) fixed short waits would starve the owner
			 * for ever, each already-late timer preempting it before it ran. */
			uint64_t wait = RETRY_NS;
			while ((err = mutex_lock(&lock, now_ns() + wait)) == -ETIMEDOUT) {
				w->timed_out++;
				wait = wait < RETRY_MAX_NS ? 2 * wait : RETRY_MAX_NS;
			}
		} else if (w->index == 1) {
			/* Sleeps between tries, longer each time, for the same reason; after a few, a
			 * blocking lock. While two low threads alternate through the queue the mutex
			 * goes from one to the other and is never free, so a trylock may keep failing
			 * for seconds: an unbounded loop made this thread the test's bottleneck. */
			uint64_t wait = RETRY_NS;
			for (int tries = 1; (err = mutex_trylock(&lock)) == -EBUSY; tries++) {
				if (tries == TRYLOCK_TRIES) {
					err = mutex_lock(&lock, SYNC_FOREVER);
					break;
				}
				thread_sleep_until(now_ns() + wait);
				wait = wait < RETRY_MAX_NS ? 2 * wait : RETRY_MAX_NS;
			}
		} else {
			err = mutex_lock(&lock, SYNC_FOREVER);
		}
		w->errors += err != 0;
		critical(&w->tally, run % 4 == 0 ? HOLD_SLEEP_NS : 0);
		w->errors += mutex_unlock(&lock) != 0;
	}
	__atomic_add_fetch(&urgent_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

/* Never blocks except on the mutex: runs until the urgent threads are done, preempted by them
 * (and by its equal's time slice) anywhere. */
static void *low(void *arg)
{
	struct worker *w = arg;

	while (urgent_done < URGENT) {
		if (mutex_owner(&lock) != NULL)
			w->saw_held++;
		w->errors += mutex_lock(&lock, SYNC_FOREVER) != 0;
		critical(&w->tally, 0);
		w->errors += mutex_unlock(&lock) != 0;
	}
	return NULL;
}

int main(void)
{
	static const int urgent_prio[URGENT] = {THREAD_PRIO_DEFAULT + 1, THREAD_PRIO_DEFAULT + 2,
	                                        THREAD_PRIO_DEFAULT + 2};
	/* Two equals share time slices; the third is below them and runs when they wait. */
	static const int low_prio[LOW] = {THREAD_PRIO_DEFAULT, THREAD_PRIO_DEFAULT, THREAD_PRIO_DEFAULT - 1};
	static struct worker workers[URGENT + LOW];
	struct thread *t[URGENT + LOW];
	long sum = 0, saw_held = 0, timed_out = 0;
	int errors = 0;

	mutex_init(&lock, false);
	for (int i = 0; i < URGENT; i++)
		sem_init_value(&tick[i], 0);
	timer_init(&ticker, on_tick, NULL);
	CHECK(timer_start(&ticker, now_ns() + TICK_NS, TICK_NS) == 0);
	for (int i = 0; i < URGENT + LOW; i++) {
		workers[i].index = i < URGENT ? i : i - URGENT;
		t[i] = i < URGENT ? thread_create("urgent", urgent_prio[i], urgent, &workers[i], 0)
		                  : thread_create("low", low_prio[i - URGENT], low, &workers[i], 0);
		CHECK(t[i] != NULL);
	}
	for (int i = 0; i < URGENT + LOW; i++) {
		CHECK(t[i] && thread_join(t[i], NULL) == 0);
		sum += workers[i].tally;
		saw_held += workers[i].saw_held;
		timed_out += workers[i].timed_out;
		errors += workers[i].errors;
	}
	timer_stop(&ticker);

	printf("mutex_stress: %ld critical sections, %ld found the mutex held, %ld timed locks gave up\n",
	       sum, saw_held, timed_out);
	CHECK(counter == sum);
	CHECK(overlaps == 0);
	CHECK(errors == 0);
	for (int i = 0; i < URGENT; i++)
		CHECK(workers[i].tally == URGENT_RUNS);
	/* The low threads ran too, and the urgent ones met a held mutex: contention happened. */
	CHECK(sum > (long)URGENT * URGENT_RUNS);
	CHECK(saw_held > 0);
	/* Free at the end, with no stale waiters mark, and usable again. */
	CHECK(lock.word == 0);
	CHECK(mutex_destroy(&lock) == 0);
	return check_report();
}
