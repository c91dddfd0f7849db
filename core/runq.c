/* SPDX-License-Identifier: MIT */
/* runq.c: the scheduler's run queue: per-priority circular lists with sentinels, and a bitmap of
 * non-empty levels so that finding the most urgent runnable thread is one count-leading-zeros. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/runq.h>
#include <mote/init.h>

_Static_assert(RUNQ_PRIORITIES == 32, "the level bitmap is one uint32_t");

MOTE_BOOT_ONLY void runq_init(struct runq *q)
{
	for (int p = 0; p < RUNQ_PRIORITIES; p++)
		q->level[p].next = q->level[p].prev = &q->level[p];
	q->nonempty = 0;
}

/* A prio outside the levels would index past level[] and shift past the bitmap. */
static bool prio_valid(int prio) { return prio >= 0 && prio < RUNQ_PRIORITIES; }

static bool can_push(const struct runq_node *n, const char *already, const char *badprio)
{
	if (runq_node_queued(n)) {
		runq_bug(already);
		return false;
	}
	if (!prio_valid(n->prio)) {
		runq_bug(badprio);
		return false;
	}
	return true;
}

/* Link n between two adjacent nodes of level n->prio (a sentinel counts as a node). */
static void link_between(struct runq *q, struct runq_node *n, struct runq_node *prev, struct runq_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
	q->nonempty |= 1u << n->prio;
}

void runq_push_back(struct runq *q, struct runq_node *n)
{
	if (!can_push(n, "runq_push_back: node already queued", "runq_push_back: priority out of range"))
		return;
	link_between(q, n, q->level[n->prio].prev, &q->level[n->prio]);
}

void runq_push_front(struct runq *q, struct runq_node *n)
{
	if (!can_push(n, "runq_push_front: node already queued", "runq_push_front: priority out of range"))
		return;
	link_between(q, n, &q->level[n->prio], q->level[n->prio].next);
}

void runq_remove(struct runq *q, struct runq_node *n)
{
	struct runq_node *prev = n->prev, *next = n->next;

	if (!runq_node_queued(n)) {
		runq_bug("runq_remove: node not queued");
		return;
	}
	if (prev->next != n || next->prev != n) {
		runq_bug("runq_remove: links corrupted");
		return;
	}
	/* Every level's circle holds its sentinel, so n's two neighbours are one node exactly when
	 * n is alone in its level, and that node is the sentinel. Its place in level[] says which
	 * bit to clear: n->prio is not trusted, as the caller may have changed it while queued. */
	if (prev == next) {
		uintptr_t off = (uintptr_t)prev - (uintptr_t)q->level;

		if (off >= sizeof(q->level)) {
			runq_bug("runq_remove: node is in another run queue");
			return;
		}
		q->nonempty &= ~(1u << (off / sizeof(q->level[0])));
	}
	prev->next = next;
	next->prev = prev;
	n->next = n->prev = NULL;
}

int runq_highest_priority(const struct runq *q)
{
	/* __builtin_clz(0) is undefined, hence the test first. */
	if (q->nonempty == 0)
		return -1;
	return 31 - __builtin_clz(q->nonempty);
}

struct runq_node *runq_peek_highest(const struct runq *q)
{
	int p = runq_highest_priority(q);

	return p < 0 ? NULL : q->level[p].next;
}

struct runq_node *runq_pop_highest(struct runq *q)
{
	struct runq_node *n = runq_peek_highest(q);

	if (n)
		runq_remove(q, n);
	return n;
}
