/* SPDX-License-Identifier: MIT */
/* timerq.c: the core timers' deadline queue, a binary min-heap over (deadline, seq). Each entry
 * knows its own index in the heap, so cancelling one is a sift from where it is, not a search. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>

#include <mote/timerq.h>

void timerq_init(struct timerq *q, struct timerq_entry **array, size_t capacity)
{
	q->heap = array;
	q->capacity = capacity;
	q->count = 0;
	q->next_seq = 0;
}

/* seq is unique within a queue, so this is a strict total order and the heap's order among
 * equal deadlines cannot depend on how the sifts happened to go. */
static bool earlier(const struct timerq_entry *a, const struct timerq_entry *b)
{
	return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void place(struct timerq *q, size_t i, struct timerq_entry *e)
{
	q->heap[i] = e;
	e->pos = i + 1;
}

/* Both sifts carry e down (or up) the path and write each entry once, where it lands. */
static void sift_up(struct timerq *q, size_t i, struct timerq_entry *e)
{
	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (!earlier(e, q->heap[parent]))
			break;
		place(q, i, q->heap[parent]);
		i = parent;
	}
	place(q, i, e);
}

static void sift_down(struct timerq *q, size_t i, struct timerq_entry *e)
{
	for (;;) {
		size_t child = 2 * i + 1;

		if (child >= q->count)
			break;
		if (child + 1 < q->count && earlier(q->heap[child + 1], q->heap[child]))
			child++;
		if (!earlier(q->heap[child], e))
			break;
		place(q, i, q->heap[child]);
		i = child;
	}
	place(q, i, e);
}

int timerq_add(struct timerq *q, struct timerq_entry *e, uint64_t deadline)
{
	if (e->pos != 0)
		return -EINVAL;
	if (q->count == q->capacity)
		return -ENOSPC;
	e->deadline = deadline;
	e->seq = q->next_seq++;
	sift_up(q, q->count++, e);
	return 0;
}

/* Fill the hole at i with the last entry, which may belong above or below it. */
static void remove_at(struct timerq *q, size_t i)
{
	struct timerq_entry *last = q->heap[--q->count];

	q->heap[i]->pos = 0;
	if (i == q->count)
		return;
	if (i > 0 && earlier(last, q->heap[(i - 1) / 2]))
		sift_up(q, i, last);
	else
		sift_down(q, i, last);
}

int timerq_cancel(struct timerq *q, struct timerq_entry *e)
{
	/* pos alone could be another queue's index; the slot must point back at e. */
	if (e->pos == 0 || e->pos > q->count || q->heap[e->pos - 1] != e)
		return -ENOENT;
	remove_at(q, e->pos - 1);
	return 0;
}

struct timerq_entry *timerq_earliest(const struct timerq *q) { return q->count ? q->heap[0] : NULL; }

uint64_t timerq_next_deadline(const struct timerq *q) { return q->count ? q->heap[0]->deadline : UINT64_MAX; }

struct timerq_entry *timerq_pop_expired(struct timerq *q, uint64_t now)
{
	struct timerq_entry *e = timerq_earliest(q);

	if (!e || e->deadline > now)
		return NULL;
	remove_at(q, 0);
	return e;
}
