/* SPDX-License-Identifier: MIT */
/* mote/mutex_word.h: a mutex's lock word and the atomic steps on it that core/sync.c's fast
 * paths take with interrupts on. Pure logic, so the host unit test unit.mutex_word runs it too. */
#ifndef MOTE_MUTEX_WORD_H
#define MOTE_MUTEX_WORD_H

#include <stdbool.h>
#include <stdint.h>

/* The word is 0 when the mutex is free, else the owner's address (struct thread is aligned, so
 * bit 0 is free), with MUTEX_WORD_SLOW set while threads wait for it or while its owner holds it
 * more than once. Either way the owner's next unlock has more to do than free it, so the bit
 * makes its fast unlock fail, into the slow path that hands the mutex over or counts the
 * recursion down; the fast unlock needs to look at nothing but the word. */
#define MUTEX_WORD_SLOW ((uintptr_t)1)

static inline uintptr_t mutex_word_owner(uintptr_t word) { return word & ~MUTEX_WORD_SLOW; }
static inline bool mutex_word_is_slow(uintptr_t word) { return word & MUTEX_WORD_SLOW; }

/* Free -> owned by self, in one lock cmpxchg: an interrupt lands before or after it, never
 * inside. False when anyone (self included) holds it. */
static inline bool mutex_word_try_lock(uintptr_t *word, uintptr_t self)
{
	uintptr_t expected = 0;

	return __atomic_compare_exchange_n(word, &expected, self, false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* Owned by self once, with nobody waiting -> free, in one lock cmpxchg. False when self is not
 * the owner or the slow bit is set: the caller takes the slow path. */
static inline bool mutex_word_try_unlock(uintptr_t *word, uintptr_t self)
{
	uintptr_t expected = self;

	return __atomic_compare_exchange_n(word, &expected, 0, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

/* The word of a mutex held by owner (0: nobody, it is free) that still has work for the
 * slow path when `slow`: threads waiting, or holds to count down. */
static inline uintptr_t mutex_word_make(uintptr_t owner, bool slow)
{
	return owner ? owner | (slow ? MUTEX_WORD_SLOW : 0) : 0;
}

#endif
