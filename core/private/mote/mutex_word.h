/* SPDX-License-Identifier: MIT */
/* mote/mutex_word.h: a mutex's lock word and the atomic steps on it that core/sync.c's fast
 * paths take with interrupts on. Pure logic, so the host unit test unit.mutex_word runs it too. */
#ifndef MOTE_MUTEX_WORD_H
#define MOTE_MUTEX_WORD_H

#include <stdbool.h>
#include <stdint.h>

/* The word is 0 when the mutex is free, else the owner's address (struct thread is aligned, so
 * bit 0 is free), with MUTEX_WORD_WAITERS set while threads wait for it. A set bit makes the
 * owner's fast unlock fail, which sends it to the slow path that hands the mutex over. */
#define MUTEX_WORD_WAITERS ((uintptr_t)1)

static inline uintptr_t mutex_word_owner(uintptr_t word) { return word & ~MUTEX_WORD_WAITERS; }
static inline bool mutex_word_has_waiters(uintptr_t word) { return word & MUTEX_WORD_WAITERS; }

/* Free -> owned by self, in one lock cmpxchg: an interrupt lands before or after it, never
 * inside. False when anyone (self included) holds it. */
static inline bool mutex_word_try_lock(uintptr_t *word, uintptr_t self)
{
	uintptr_t expected = 0;

	return __atomic_compare_exchange_n(word, &expected, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Owned by self with nobody waiting -> free, in one lock cmpxchg. False when self is not the
 * owner or the waiters bit is set: the caller takes the slow path. */
static inline bool mutex_word_try_unlock(uintptr_t *word, uintptr_t self)
{
	uintptr_t expected = self;

	return __atomic_compare_exchange_n(word, &expected, 0, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The word after the mutex passes to next (0: nobody, it becomes free); `more` says whether
 * threads still wait behind next. */
static inline uintptr_t mutex_word_handoff(uintptr_t next, bool more)
{
	return next ? next | (more ? MUTEX_WORD_WAITERS : 0) : 0;
}

#endif
