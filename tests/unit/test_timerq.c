/* SPDX-License-Identifier: MIT */
/* test_timerq.c: the core timers' deadline queue: deadline order, FIFO among equal deadlines,
 * cancel anywhere, a full array, the periodic re-add loop, and a long seeded random run checked
 * against a naive model, with the heap invariant checked after every operation. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/timerq.h>

#include "check.h"

#define NENT 300

static struct timerq_entry ents[NENT];

static int id_of(const struct timerq_entry *e) { return e ? (int)(e - ents) : -1; }

static uint64_t rng_state = 0x6a09e667f3bcc909ULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* The heap invariant and what the queue's fields promise: every slot knows its index, every
 * parent fires strictly before its children (seq makes the order total), and the queries read
 * the root. Prints the first thing wrong. */
static bool heap_ok(const struct timerq *q)
{
	if (q->count > q->capacity) {
		fprintf(stderr, "count %zu over capacity %zu\n", q->count, q->capacity);
		return false;
	}
	for (size_t i = 0; i < q->count; i++) {
		const struct timerq_entry *e = q->heap[i], *parent;

		if (!e || e->pos != i + 1) {
			fprintf(stderr, "slot %zu: entry %d has pos %zu\n", i, id_of(e), e ? e->pos : 0);
			return false;
		}
		if (i == 0)
			continue;
		parent = q->heap[(i - 1) / 2];
		if (parent->deadline > e->deadline ||
		    (parent->deadline == e->deadline && parent->seq >= e->seq)) {
			fprintf(stderr, "slot %zu: entry %d fires before its parent\n", i, id_of(e));
			return false;
		}
	}
	if (timerq_count(q) != q->count || timerq_earliest(q) != (q->count ? q->heap[0] : NULL) ||
	    timerq_next_deadline(q) != (q->count ? q->heap[0]->deadline : UINT64_MAX)) {
		fprintf(stderr, "queries disagree with the heap\n");
		return false;
	}
	return true;
}

static void reset(void)
{
	for (int i = 0; i < NENT; i++)
		timerq_entry_init(&ents[i]);
}

/* Pop everything due at `now` into out[] (ids, then -1); returns how many. */
static int drain(struct timerq *q, uint64_t now, int *out)
{
	struct timerq_entry *e;
	int n = 0;

	while ((e = timerq_pop_expired(q, now))) {
		CHECK(e->pos == 0);
		out[n++] = id_of(e);
		if (!heap_ok(q) || n >= NENT)
			break;
	}
	out[n] = -1;
	return n;
}

static bool ids_are(const int *got, const int *want)
{
	for (int k = 0;; k++) {
		if (got[k] != want[k])
			return false;
		if (got[k] < 0)
			return true;
	}
}

static void test_empty(void)
{
	struct timerq_entry *arr[4], zero;
	struct timerq q;

	memset(&zero, 0, sizeof(zero));
	reset();
	timerq_init(&q, arr, 4);
	CHECK_EQ(timerq_count(&q), 0);
	CHECK(timerq_earliest(&q) == NULL);
	CHECK(timerq_next_deadline(&q) == UINT64_MAX);
	CHECK(timerq_pop_expired(&q, 0) == NULL);
	CHECK(timerq_pop_expired(&q, UINT64_MAX) == NULL);
	/* A zeroed entry, as in a static or calloc'd timer, is a valid unqueued entry. */
	CHECK(!timerq_entry_queued(&zero));
	CHECK_EQ(timerq_cancel(&q, &zero), -ENOENT);
	CHECK_EQ(timerq_add(&q, &zero, 5), 0);
	CHECK(timerq_entry_queued(&zero));
	CHECK_EQ(timerq_cancel(&q, &zero), 0);
	CHECK(!timerq_entry_queued(&zero));
	CHECK(heap_ok(&q));

	/* No array at all: every add is refused, nothing is written. */
	timerq_init(&q, NULL, 0);
	CHECK_EQ(timerq_add(&q, &ents[0], 1), -ENOSPC);
	CHECK_EQ(ents[0].pos, 0);
	CHECK(timerq_pop_expired(&q, UINT64_MAX) == NULL);
	CHECK(heap_ok(&q));
}

static void test_order(void)
{
	static const uint64_t dl[] = {50, 10, 40, 30, 20, 70, 60, 0, 90, 80};
	struct timerq_entry *arr[16];
	struct timerq q;
	int got[NENT + 1];

	reset();
	timerq_init(&q, arr, 16);
	for (int i = 0; i < 10; i++) {
		CHECK_EQ(timerq_add(&q, &ents[i], dl[i]), 0);
		CHECK_EQ(ents[i].deadline, dl[i]);
		CHECK(heap_ok(&q));
	}
	CHECK_EQ(timerq_count(&q), 10);
	CHECK_EQ(id_of(timerq_earliest(&q)), 7);
	CHECK_EQ(timerq_next_deadline(&q), 0);

	CHECK_EQ(drain(&q, 25, got), 3);
	CHECK(ids_are(got, (int[]){7, 1, 4, -1}));
	CHECK_EQ(timerq_next_deadline(&q), 30);
	CHECK_EQ(timerq_count(&q), 7);
	/* Due exactly now fires; one ns later does not. */
	CHECK(timerq_pop_expired(&q, 29) == NULL);
	CHECK_EQ(id_of(timerq_pop_expired(&q, 30)), 3);
	CHECK(timerq_pop_expired(&q, 30) == NULL);
	/* A clock read that went backwards pops nothing. */
	CHECK(timerq_pop_expired(&q, 5) == NULL);
	CHECK_EQ(drain(&q, UINT64_MAX, got), 6);
	CHECK(ids_are(got, (int[]){2, 0, 6, 5, 9, 8, -1}));
	CHECK_EQ(timerq_count(&q), 0);
	CHECK(timerq_next_deadline(&q) == UINT64_MAX);

	/* The extremes of the clock. */
	CHECK_EQ(timerq_add(&q, &ents[0], UINT64_MAX), 0);
	CHECK(timerq_next_deadline(&q) == UINT64_MAX);
	CHECK_EQ(timerq_count(&q), 1);
	CHECK(timerq_pop_expired(&q, UINT64_MAX - 1) == NULL);
	CHECK_EQ(timerq_add(&q, &ents[1], 0), 0);
	CHECK_EQ(id_of(timerq_pop_expired(&q, 0)), 1);
	CHECK_EQ(id_of(timerq_pop_expired(&q, UINT64_MAX)), 0);
	CHECK(heap_ok(&q));
}

static void test_equal_deadlines_fifo(void)
{
	struct timerq_entry *arr[64];
	struct timerq q;
	int got[NENT + 1], want[NENT + 1], n = 0;

	reset();
	timerq_init(&q, arr, 64);
	/* 30 ties at 100 interleaved with earlier and later deadlines, so the sifts mix them. */
	for (int i = 0; i < 60; i++) {
		uint64_t dl = i % 2 ? 100 : (i % 4 ? 50 : 150);

		CHECK_EQ(timerq_add(&q, &ents[i], dl), 0);
	}
	CHECK(heap_ok(&q));
	/* A cancelled and re-added tie goes behind the others, as a new arrival. */
	CHECK_EQ(timerq_cancel(&q, &ents[1]), 0);
	CHECK_EQ(timerq_add(&q, &ents[1], 100), 0);
	for (int i = 2; i < 60; i += 4)
		want[n++] = i;
	for (int i = 3; i < 60; i += 2)
		want[n++] = i;
	want[n++] = 1;
	want[n] = -1;
	CHECK_EQ(drain(&q, 100, got), n);
	CHECK(ids_are(got, want));
	CHECK_EQ(timerq_count(&q), 15);
	CHECK_EQ(timerq_next_deadline(&q), 150);
	CHECK_EQ(drain(&q, 150, got), 15);
	for (int k = 0; k < 15; k++)
		CHECK_EQ(got[k], 4 * k);
}

static void test_cancel(void)
{
	struct timerq_entry *arr[32], *arr2[4];
	struct timerq q, other;
	int got[NENT + 1];

	reset();
	timerq_init(&q, arr, 32);
	timerq_init(&other, arr2, 4);
	for (int i = 0; i < 20; i++)
		CHECK_EQ(timerq_add(&q, &ents[i], 1000 - 10 * (uint64_t)i), 0);

	CHECK_EQ(timerq_cancel(&q, &ents[19]), 0); /* the root */
	CHECK_EQ(ents[19].pos, 0);
	CHECK_EQ(id_of(timerq_earliest(&q)), 18);
	CHECK(heap_ok(&q));
	CHECK_EQ(timerq_cancel(&q, q.heap[q.count - 1]), 0); /* the last slot */
	CHECK(heap_ok(&q));
	CHECK_EQ(timerq_cancel(&q, &ents[7]), 0); /* somewhere inside */
	CHECK(heap_ok(&q));
	CHECK_EQ(timerq_count(&q), 17);

	CHECK_EQ(timerq_cancel(&q, &ents[7]), -ENOENT);  /* twice */
	CHECK_EQ(timerq_cancel(&q, &ents[25]), -ENOENT); /* never added */
	CHECK_EQ(timerq_add(&other, &ents[25], 5), 0);
	CHECK_EQ(timerq_cancel(&q, &ents[25]), -ENOENT); /* another queue's, with a pos in range */
	CHECK_EQ(timerq_cancel(&other, &ents[0]), -ENOENT);
	CHECK_EQ(timerq_count(&q), 17);
	CHECK_EQ(timerq_count(&other), 1);
	CHECK(heap_ok(&q) && heap_ok(&other));

	/* Cancelling the entry that the last slot moves into the hole must sift it up: the last
	 * entry can fire before the hole's parent when it sits in the other subtree. */
	timerq_init(&q, arr, 32);
	reset();
	for (int i = 0; i < 7; i++)
		CHECK_EQ(timerq_add(&q, &ents[i], (uint64_t[]){0, 100, 1, 101, 102, 2, 3}[i]), 0);
	CHECK(heap_ok(&q));
	CHECK_EQ(timerq_cancel(&q, &ents[3]), 0); /* slot 3, under 100; the last is 3 */
	CHECK(heap_ok(&q));
	CHECK_EQ(drain(&q, UINT64_MAX, got), 6);
	CHECK(ids_are(got, (int[]){0, 2, 5, 6, 1, 4, -1}));

	/* A cancelled entry is reusable. */
	CHECK_EQ(timerq_add(&q, &ents[3], 7), 0);
	CHECK_EQ(id_of(timerq_pop_expired(&q, 7)), 3);
}

static void test_add_errors(void)
{
	enum { CAP = 8 };
	struct timerq_entry **arr = malloc(CAP * sizeof(*arr)); /* exactly CAP: ASan sees overruns */
	struct timerq_entry *before[CAP];
	struct timerq q, other;
	int got[NENT + 1];

	reset();
	timerq_init(&q, arr, CAP);
	timerq_init(&other, NULL, 0);
	CHECK_EQ(timerq_add(&q, &ents[0], 40), 0);
	CHECK_EQ(timerq_add(&q, &ents[0], 10), -EINVAL);
	CHECK_EQ(ents[0].deadline, 40); /* a refused add changes nothing */
	CHECK_EQ(timerq_add(&other, &ents[0], 10), -EINVAL);
	for (int i = 1; i < CAP; i++)
		CHECK_EQ(timerq_add(&q, &ents[i], 40 + (uint64_t)i), 0);
	CHECK_EQ(timerq_count(&q), CAP);

	memcpy(before, arr, sizeof(before));
	CHECK_EQ(timerq_add(&q, &ents[CAP], 1), -ENOSPC);
	CHECK_EQ(ents[CAP].pos, 0);
	CHECK_EQ(timerq_add(&q, &ents[3], 1), -EINVAL); /* queued is reported before full */
	CHECK(memcmp(before, arr, sizeof(before)) == 0);
	CHECK_EQ(timerq_count(&q), CAP);
	CHECK(heap_ok(&q));

	CHECK_EQ(timerq_cancel(&q, &ents[5]), 0);
	CHECK_EQ(timerq_add(&q, &ents[CAP], 1), 0);
	CHECK_EQ(timerq_add(&q, &ents[5], 1), -ENOSPC);
	CHECK_EQ(id_of(timerq_earliest(&q)), CAP);
	CHECK_EQ(drain(&q, UINT64_MAX, got), CAP);
	CHECK(ids_are(got, (int[]){CAP, 0, 1, 2, 3, 4, 6, 7, -1}));
	free(arr);
}

struct fired {
	int id;
	uint64_t deadline;
};

/* The timer core's expiry loop: pop what is due, re-add periodic ones one period on. */
static int expire(struct timerq *q, uint64_t now, const uint64_t *period, struct fired *out, int max)
{
	struct timerq_entry *e;
	int n = 0;

	while (n < max && (e = timerq_pop_expired(q, now))) {
		out[n].id = id_of(e);
		out[n++].deadline = e->deadline;
		if (period[id_of(e)])
			CHECK_EQ(timerq_add(q, e, e->deadline + period[id_of(e)]), 0);
		if (!heap_ok(q))
			break;
	}
	return n;
}

static void test_periodic(void)
{
	struct timerq_entry *arr[8];
	uint64_t period[NENT] = {0};
	struct fired f[2100];
	struct timerq q;
	int n;

	reset();
	timerq_init(&q, arr, 8);
	/* Entry 0 is periodic (10 ns from 10); 1 and 2 are one-shots, 2 tying with 0's third. */
	period[0] = 10;
	CHECK_EQ(timerq_add(&q, &ents[0], 10), 0);
	CHECK_EQ(timerq_add(&q, &ents[1], 25), 0);
	CHECK_EQ(timerq_add(&q, &ents[2], 30), 0);
	n = expire(&q, 35, period, f, 100);
	CHECK_EQ(n, 5);
	CHECK(n == 5 && f[0].id == 0 && f[0].deadline == 10 && f[1].id == 0 && f[1].deadline == 20 &&
	      f[2].id == 1 && f[2].deadline == 25 && f[3].id == 2 && f[3].deadline == 30 && f[4].id == 0 &&
	      f[4].deadline == 30);
	CHECK_EQ(timerq_next_deadline(&q), 40);
	CHECK_EQ(timerq_count(&q), 1);
	CHECK_EQ(expire(&q, 39, period, f, 100), 0);

	/* Far behind: the periodic timer catches up every missed period, in order, and the loop
	 * still ends; a one-shot due in the middle fires at its place, not after the catch-up. */
	CHECK_EQ(timerq_add(&q, &ents[1], 5005), 0);
	n = expire(&q, 10000, period, f, 2100);
	CHECK_EQ(n, 998);
	for (int k = 0, d = 40; k < n; k++) {
		if (k == 497) {
			CHECK(f[k].id == 1 && f[k].deadline == 5005);
			continue;
		}
		CHECK(f[k].id == 0 && f[k].deadline == (uint64_t)d);
		d += 10;
	}
	CHECK_EQ(timerq_next_deadline(&q), 10010);

	/* Two periodic timers in phase take turns: neither starves the other. */
	period[1] = 10;
	CHECK_EQ(timerq_add(&q, &ents[1], 10010), 0);
	n = expire(&q, 10100, period, f, 100);
	CHECK_EQ(n, 20);
	for (int k = 0; k < n; k++)
		CHECK(f[k].id == k % 2 && f[k].deadline == 10010 + 10 * (uint64_t)(k / 2));
	CHECK_EQ(timerq_count(&q), 2);
	CHECK(heap_ok(&q));
}

/* The model: which entries are queued, with what deadline, in what order they were added. */
static bool m_queued[NENT];
static uint64_t m_deadline[NENT], m_order[NENT], m_next;
static uint64_t m_period[NENT];
static size_t m_count;

#define CAPACITY   256
#define STRESS_OPS 200000
/* Counts only failures, so the run does not add millions of passes to the summary. */
#define STRESS_CHECK(cond)           \
	do {                         \
		if (!(cond))         \
			CHECK(cond); \
	} while (0)

/* The queued entry that should fire first, or -1. */
static int model_first(void)
{
	int best = -1;

	for (int i = 0; i < NENT; i++) {
		if (!m_queued[i])
			continue;
		if (best < 0 || m_deadline[i] < m_deadline[best] ||
		    (m_deadline[i] == m_deadline[best] && m_order[i] < m_order[best]))
			best = i;
	}
	return best;
}

static bool matches_model(const struct timerq *q)
{
	int first = model_first();

	if (timerq_count(q) != m_count || id_of(timerq_earliest(q)) != first)
		return false;
	for (int i = 0; i < NENT; i++) {
		if (m_queued[i] != timerq_entry_queued(&ents[i]))
			return false;
		if (m_queued[i] &&
		    (q->heap[ents[i].pos - 1] != &ents[i] || ents[i].deadline != m_deadline[i]))
			return false;
	}
	return true;
}

static void model_add(struct timerq *q, int id, uint64_t dl)
{
	int want = m_queued[id] ? -EINVAL : m_count == CAPACITY ? -ENOSPC : 0;

	STRESS_CHECK(timerq_add(q, &ents[id], dl) == want);
	if (want == 0) {
		m_queued[id] = true;
		m_deadline[id] = dl;
		m_order[id] = m_next++;
		m_count++;
	}
}

/* Deadlines around now, bunched onto a few values half the time so ties are common. */
static uint64_t random_deadline(uint64_t now)
{
	switch (rng() % 8) {
	case 0:
		return now - rng() % 100; /* already due */
	case 1:
	case 2:
	case 3:
		return now + (rng() % 6) * 64;
	case 4:
		return rng() % 64 == 0 ? UINT64_MAX - rng() % 2 : now + rng() % 100000;
	default:
		return now + rng() % 2000;
	}
}

static void test_stress(void)
{
	struct timerq_entry **arr = malloc(CAPACITY * sizeof(*arr));
	long ops[6] = {0}, enospc = 0, refires = 0, fired_total = 0;
	size_t least = CAPACITY, most = 0;
	uint64_t now = 1000000;
	struct timerq q;

	reset();
	timerq_init(&q, arr, CAPACITY);
	/* A quarter of the entries are periodic, some with periods short enough to fall behind the
	 * clock, which moves up to 400 ns between expiry loops. */
	for (int i = 0; i < NENT; i++)
		m_period[i] = i % 4 ? 0 : 40 + (uint64_t)(i % 13) * 61;
	for (long op = 0; op < STRESS_OPS && !check_failed; op++) {
		/* Phases that fill the queue alternate with ones that empty it, so both a full heap
		 * and one of a few entries are exercised. */
		bool filling = (op / 4000) % 2 == 0;
		unsigned r = (unsigned)(rng() % 100);
		int id = (int)(rng() % NENT);

		if (r < (filling ? 45 : 15)) {
			enospc += !m_queued[id] && m_count == CAPACITY;
			model_add(&q, id, random_deadline(now));
			ops[0]++;
		} else if (r < 65) {
			bool queued_one = rng() % 2;
			int want;

			/* Half the time an entry known to be queued, so the drain phase gets low. */
			for (int k = 0; k < NENT && queued_one && !m_queued[id]; k++)
				id = (id + 1) % NENT;
			want = m_queued[id] ? 0 : -ENOENT;

			STRESS_CHECK(timerq_cancel(&q, &ents[id]) == want);
			if (want == 0) {
				m_queued[id] = false;
				m_count--;
			}
			ops[1]++;
		} else if (r < 80) {
			/* The expiry loop after the clock moved on, as the timer interrupt runs it. */
			struct timerq_entry *e;
			long loops = 0;

			now += rng() % 400;
			while ((e = timerq_pop_expired(&q, now)) && loops++ < 100000) {
				int want = model_first();

				STRESS_CHECK(id_of(e) == want && e->pos == 0 && m_deadline[want] <= now);
				m_queued[want] = false;
				m_count--;
				fired_total++;
				if (m_period[want]) {
					refires += e->deadline + m_period[want] <= now;
					model_add(&q, want, e->deadline + m_period[want]);
				}
				STRESS_CHECK(heap_ok(&q) && matches_model(&q));
			}
			STRESS_CHECK(loops < 100000);
			{
				int first = model_first();

				STRESS_CHECK(first < 0 || m_deadline[first] > now);
			}
			ops[2]++;
		} else if (r < 88) {
			/* One pop at a clock that may lag behind: it must not fire anything early. */
			uint64_t at = now - rng() % 3000;
			int first = model_first();
			int want = first >= 0 && m_deadline[first] <= at ? first : -1;

			STRESS_CHECK(id_of(timerq_pop_expired(&q, at)) == want);
			if (want >= 0) {
				m_queued[want] = false;
				m_count--;
			}
			ops[3]++;
		} else if (r < 97 || !filling) {
			int first = model_first();

			STRESS_CHECK(timerq_next_deadline(&q) ==
			             (first < 0 ? UINT64_MAX : m_deadline[first]));
			ops[4]++;
		} else {
			/* Add every entry, from a random one on: there are more entries than room, so
			 * the queue fills and the rest see -ENOSPC (or -EINVAL if already queued). */
			for (int k = 0; k < NENT; k++) {
				int i = (id + k) % NENT;

				enospc += !m_queued[i] && m_count == CAPACITY;
				model_add(&q, i, now + rng() % 5000);
			}
			STRESS_CHECK(m_count == CAPACITY);
			ops[5]++;
		}
		STRESS_CHECK(heap_ok(&q));
		STRESS_CHECK(matches_model(&q));
		least = m_count < least ? m_count : least;
		most = m_count > most ? m_count : most;
	}
	CHECK(least == 0 && most == CAPACITY);
	for (int k = 0; k < 6; k++)
		CHECK(ops[k] > STRESS_OPS / 100);
	CHECK(enospc > 100);
	CHECK(refires > 100);
	CHECK(fired_total > STRESS_OPS / 10);

	/* Draining pops every entry exactly once, in (deadline, order) order. */
	for (struct timerq_entry *e; (e = timerq_pop_expired(&q, UINT64_MAX));) {
		STRESS_CHECK(id_of(e) == model_first());
		m_queued[id_of(e)] = false;
		m_count--;
	}
	CHECK_EQ(m_count, 0);
	CHECK(matches_model(&q));
	free(arr);
}

int main(void)
{
	test_empty();
	test_order();
	test_equal_deadlines_fifo();
	test_cancel();
	test_add_errors();
	test_periodic();
	test_stress();
	return check_report();
}
