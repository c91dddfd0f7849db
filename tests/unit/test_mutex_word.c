/* SPDX-License-Identifier: MIT */
/* test_mutex_word.c: a mutex's lock word (core/private/mote/mutex_word.h): every transition of
 * the fast paths, the slow bit (waiters or a recursive hold) and the handover, and the fast paths
 * racing from host threads on all CPUs. */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include <mote/mutex_word.h>

#include "check.h"

/* Stand-ins for two threads' addresses: aligned, as struct thread is. */
static _Alignas(16) char thread_a[16], thread_b[16];
#define A ((uintptr_t)thread_a)
#define B ((uintptr_t)thread_b)

static void test_transitions(void)
{
	uintptr_t w = 0;

	CHECK(mutex_word_try_lock(&w, A));
	CHECK_EQ(w, A);
	CHECK_EQ(mutex_word_owner(w), A);
	CHECK(!mutex_word_is_slow(w));
	/* Held: nobody takes it, not even the owner again (recursion is the slow path's). */
	CHECK(!mutex_word_try_lock(&w, B));
	CHECK(!mutex_word_try_lock(&w, A));
	CHECK_EQ(w, A);
	/* Only the owner releases it. */
	CHECK(!mutex_word_try_unlock(&w, B));
	CHECK_EQ(w, A);
	CHECK(mutex_word_try_unlock(&w, A));
	CHECK_EQ(w, 0);
	/* Releasing a free mutex fails too, so a stray unlock reaches the slow path's EPERM. */
	CHECK(!mutex_word_try_unlock(&w, A));
	CHECK_EQ(w, 0);

	/* A waiter marked the word: the owner's fast unlock fails and leaves it as it was. */
	w = A | MUTEX_WORD_SLOW;
	CHECK_EQ(mutex_word_owner(w), A);
	CHECK(mutex_word_is_slow(w));
	CHECK(!mutex_word_try_unlock(&w, A));
	CHECK(!mutex_word_try_lock(&w, B));
	CHECK(!mutex_word_try_unlock(&w, B));
	CHECK_EQ(w, A | MUTEX_WORD_SLOW);

	/* A recursive hold sets the same bit (core/sync.c): the fast unlock, which reads nothing
	 * but the word, must not free a mutex its owner still holds. */
	w = 0;
	CHECK(mutex_word_try_lock(&w, A));
	w = mutex_word_make(A, true); /* the slow path's second lock by A */
	CHECK(!mutex_word_try_unlock(&w, A));
	CHECK_EQ(w, A | MUTEX_WORD_SLOW);
	w = mutex_word_make(A, false); /* counted down to one hold, nobody waiting */
	CHECK(mutex_word_try_unlock(&w, A));
	CHECK_EQ(w, 0);

	/* The handover: to the next waiter, marked while others wait behind it; or free. */
	CHECK_EQ(mutex_word_make(B, true), B | MUTEX_WORD_SLOW);
	CHECK_EQ(mutex_word_make(B, false), B);
	CHECK_EQ(mutex_word_make(0, false), 0);
	CHECK_EQ(mutex_word_make(0, true), 0);
	w = mutex_word_make(B, false);
	CHECK(mutex_word_try_unlock(&w, B));
	CHECK_EQ(w, 0);
}

/* The fast paths alone from several host threads at once: each spins on try_lock, bumps a
 * plain counter and releases. A lock cmpxchg that was not atomic across CPUs would lose
 * increments or let two in at once. */
#define RACERS 4
#define ROUNDS 500000

static uintptr_t word;
static long counter;
static volatile int inside, overlaps, failed_unlocks;
static _Alignas(16) char racer_ids[RACERS][16];

static void *race(void *arg)
{
	uintptr_t self = (uintptr_t)arg;

	for (int i = 0; i < ROUNDS; i++) {
		for (int tries = 1; !mutex_word_try_lock(&word, self); tries++)
			if (tries % 64 == 0)
				sched_yield(); /* more racers than CPUs: let the owner run */
		if (inside++ != 0)
			overlaps++;
		counter++;
		inside--;
		if (!mutex_word_try_unlock(&word, self))
			failed_unlocks++;
	}
	return NULL;
}

static void test_race(void)
{
	pthread_t t[RACERS];

	for (int i = 0; i < RACERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, race, racer_ids[i]), 0);
	for (int i = 0; i < RACERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, (long)RACERS * ROUNDS);
	CHECK_EQ(overlaps, 0);
	CHECK_EQ(failed_unlocks, 0);
	CHECK_EQ(word, 0);
}

int main(void)
{
	test_transitions();
	test_race();
	return check_report();
}
