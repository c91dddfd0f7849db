/* SPDX-License-Identifier: MIT */
/* mote/runq.h: the run queue of the priority round-robin scheduler: one FIFO of runnable threads
 * per priority level and a bitmap of the non-empty levels, so every operation is O(1). Pure logic
 * with no hardware access. Not thread-safe: the scheduler calls it with interrupts disabled. */
#ifndef MOTE_RUNQ_H
#define MOTE_RUNQ_H

#include <stdbool.h>
#include <stdint.h>

/* Priorities run from 0 to RUNQ_PRIORITIES - 1; a higher number is more urgent (0 is where the
 * idle thread belongs). One bit per level in a uint32_t, hence 32. */
#define RUNQ_PRIORITIES 32

/* Embedded in the thread. Zero-initialized (or runq_node_init) means "not queued". `prio` is the
 * caller's: it is read when the node is pushed, and a node stays at the level it was pushed at
 * even if prio changes meanwhile. To move a queued thread, remove it and push it again. */
struct runq_node {
	struct runq_node *next, *prev; /* NULL while not queued */
	int prio;
};

/* Each level is a circular list through its sentinel, so removing any node needs neither its
 * level's head nor a walk. Holds pointers to itself: not movable once initialized. */
struct runq {
	struct runq_node level[RUNQ_PRIORITIES]; /* sentinels; only next and prev are used */
	uint32_t nonempty;                       /* bit p set iff level[p] holds a node */
};

static inline void runq_node_init(struct runq_node *n, int prio)
{
	n->next = n->prev = NULL;
	n->prio = prio;
}

static inline bool runq_node_queued(const struct runq_node *n) { return n->next != NULL; }

void runq_init(struct runq *q);

/* Enqueue at the tail of level n->prio: a thread that became runnable or used up its slice.
 * Pushing a node that is already queued, or whose prio is out of range, calls runq_bug() and
 * leaves the queue as it was. */
void runq_push_back(struct runq *q, struct runq_node *n);

/* Enqueue at the head of level n->prio: a preempted thread with slice left runs again before
 * its peers. Misuse as for runq_push_back(). */
void runq_push_front(struct runq *q, struct runq_node *n);

/* Take n out of q, wherever it is in its level. Removing a node that is not queued calls
 * runq_bug() and changes nothing. n must be queued in q: a node of another run queue is caught
 * only when it is the last of its level. */
void runq_remove(struct runq *q, struct runq_node *n);

/* The head of the most urgent non-empty level, or NULL when q is empty; pop also removes it. */
struct runq_node *runq_peek_highest(const struct runq *q);
struct runq_node *runq_pop_highest(struct runq *q);

/* The most urgent non-empty level, or -1 when q is empty: what preemption compares against. */
int runq_highest_priority(const struct runq *q);

static inline bool runq_empty(const struct runq *q) { return q->nonempty == 0; }

/* Called on a broken invariant (see above) with a "runq_fn: reason" string. The kernel panics;
 * the unit test records the call, so the functions return after it with nothing changed. */
void runq_bug(const char *why);

#endif
