/* SPDX-License-Identifier: MIT */
/* mote/timerq.h: the deadline queue of the core timers: a binary min-heap of entries ordered by
 * deadline, FIFO among equal deadlines, in an array the caller provides. Pure logic with no
 * hardware access. Not thread-safe: the timer code calls it with interrupts disabled. */
#ifndef MOTE_TIMERQ_H
#define MOTE_TIMERQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Embedded in the timer. Zero-initialized (or timerq_entry_init) means "not queued". deadline
 * is readable by the owner (a periodic timer adds its period to it); the queue sets it on add,
 * and it must not be written while the entry is queued. seq and pos are the queue's. */
struct timerq_entry {
	uint64_t deadline; /* ns on the monotonic clock */
	uint64_t seq;      /* insertion order, to fire equal deadlines first in, first out */
	size_t pos;        /* index in the heap + 1, 0 while not queued */
};

struct timerq {
	struct timerq_entry **heap; /* heap[0] is the earliest; the caller's array */
	size_t capacity, count;
	uint64_t next_seq; /* 64 bits: adding once per ns would take centuries to wrap */
};

static inline void timerq_entry_init(struct timerq_entry *e) { e->pos = 0; }

/* Whether e is in a queue (this one or another): what a timer owner tests before cancelling. */
static inline bool timerq_entry_queued(const struct timerq_entry *e) { return e->pos != 0; }

/* An empty queue over `array`, which holds `capacity` pointers and must outlive the queue. The
 * queue never allocates: it holds at most `capacity` entries. */
void timerq_init(struct timerq *q, struct timerq_entry **array, size_t capacity);

/* Queue e to expire at `deadline`. Returns 0, -EINVAL if e is already queued (here or in another
 * queue) or -ENOSPC if q is full; q is then unchanged. O(log n). */
int timerq_add(struct timerq *q, struct timerq_entry *e, uint64_t deadline);

/* Take e out of q before it expires. Returns 0, or -ENOENT if e is not queued in q. O(log n). */
int timerq_cancel(struct timerq *q, struct timerq_entry *e);

/* The entry that expires first, or NULL when q is empty. */
struct timerq_entry *timerq_earliest(const struct timerq *q);

/* The earliest deadline, or UINT64_MAX ("never") when q is empty: what the one-shot hardware
 * timer is programmed with. An entry due at UINT64_MAX reads the same; it pops only at that now. */
uint64_t timerq_next_deadline(const struct timerq *q);

/* Remove and return one entry whose deadline is <= now, the earliest first, or NULL when none
 * has expired. The caller loops until NULL, running each entry's callback. An entry re-added
 * from inside the loop with a deadline <= now (a periodic timer that fell more than a period
 * behind) is returned again by the same loop, after every entry already queued with the same
 * deadline, so it catches up on missed periods without starving the others. The loop ends
 * only if each re-add moves the deadline forward: the caller must refuse a period of 0 (and
 * one whose addition would overflow). */
struct timerq_entry *timerq_pop_expired(struct timerq *q, uint64_t now);

static inline size_t timerq_count(const struct timerq *q) { return q->count; }

#endif
