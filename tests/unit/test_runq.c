/* SPDX-License-Identifier: MIT */
/* test_runq.c: the scheduler's run queue: FIFO and priority order, push_front, removal anywhere,
 * misuse caught by runq_bug(), and a long seeded random run checked against a naive model. */
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mote/runq.h>

#include "check.h"

#define NNODES 48

static int bug_calls;
static const char *bug_why;

/* The kernel panics here; the test records the call so it can check what was caught. */
void runq_bug(const char *why)
{
	bug_calls++;
	bug_why = why;
}

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static struct runq_node nodes[NNODES];

static int id_of(const struct runq_node *n) { return n ? (int)(n - nodes) : -1; }

/* Everything the queue's own fields promise, found by walking it: every level is a well-linked
 * circle through its sentinel, its bit is set exactly when it holds a node, and the O(1) queries
 * agree with the walk. Prints the first thing wrong. */
static bool runq_consistent(const struct runq *q)
{
	int highest = -1;

	for (int p = 0; p < RUNQ_PRIORITIES; p++) {
		const struct runq_node *head = &q->level[p], *n = head;
		int len = 0;

		do {
			if (!n->next || n->next->prev != n) {
				fprintf(stderr, "level %d: broken link after node %d\n", p, id_of(n));
				return false;
			}
			n = n->next;
			if (++len > NNODES + 1) {
				fprintf(stderr, "level %d: does not come back to its sentinel\n", p);
				return false;
			}
		} while (n != head);
		if ((len > 1) != ((q->nonempty >> p) & 1)) {
			fprintf(stderr, "level %d: %d nodes but bit %u\n", p, len - 1,
			        (q->nonempty >> p) & 1);
			return false;
		}
		if (len > 1)
			highest = p;
	}
	if (runq_highest_priority(q) != highest || runq_empty(q) != (highest < 0) ||
	    runq_peek_highest(q) != (highest < 0 ? NULL : q->level[highest].next)) {
		fprintf(stderr, "queries disagree with the walk: highest %d\n", highest);
		return false;
	}
	return true;
}

/* The ids queued at level p, head first, then -1. */
static void level_ids(const struct runq *q, int p, int *out)
{
	int k = 0;

	for (const struct runq_node *n = q->level[p].next; n != &q->level[p]; n = n->next)
		out[k++] = id_of(n);
	out[k] = -1;
}

/* Level p holds exactly the ids listed (terminated by -1), in that order. */
static bool level_is(const struct runq *q, int p, const int *want)
{
	int got[NNODES + 1];

	level_ids(q, p, got);
	for (int k = 0;; k++) {
		if (got[k] != want[k])
			return false;
		if (got[k] < 0)
			return true;
	}
}

/* All levels, for checking that a caught misuse changed nothing. */
struct snapshot {
	int ids[RUNQ_PRIORITIES][NNODES + 1];
	uint32_t nonempty;
};

static void snap(const struct runq *q, struct snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (int p = 0; p < RUNQ_PRIORITIES; p++)
		level_ids(q, p, s->ids[p]);
	s->nonempty = q->nonempty;
}

static bool unchanged(const struct runq *q, const struct snapshot *before)
{
	struct snapshot now;

	snap(q, &now);
	return memcmp(&now, before, sizeof(now)) == 0;
}

static void reset(struct runq *q)
{
	runq_init(q);
	for (int i = 0; i < NNODES; i++)
		runq_node_init(&nodes[i], 0);
}

static void push_back(struct runq *q, int id, int prio)
{
	nodes[id].prio = prio;
	runq_push_back(q, &nodes[id]);
}

static void push_front(struct runq *q, int id, int prio)
{
	nodes[id].prio = prio;
	runq_push_front(q, &nodes[id]);
}

static void test_empty(void)
{
	struct runq q;
	struct runq_node zero;

	memset(&zero, 0, sizeof(zero));
	reset(&q);
	CHECK(runq_empty(&q));
	CHECK_EQ(runq_highest_priority(&q), -1);
	CHECK(runq_peek_highest(&q) == NULL);
	CHECK(runq_pop_highest(&q) == NULL);
	CHECK_EQ(q.nonempty, 0);
	CHECK(runq_consistent(&q));
	/* A zeroed node, as in a static or calloc'd thread, is a valid unqueued node. */
	CHECK(!runq_node_queued(&zero));
	CHECK(!runq_node_queued(&nodes[0]));
	CHECK_EQ(bug_calls, 0);
}

static void test_fifo_within_level(void)
{
	struct runq q;

	reset(&q);
	for (int i = 0; i < 5; i++) {
		push_back(&q, i, 9);
		CHECK(runq_node_queued(&nodes[i]));
		CHECK(runq_consistent(&q));
	}
	CHECK(level_is(&q, 9, (int[]){0, 1, 2, 3, 4, -1}));
	CHECK_EQ(q.nonempty, 1u << 9);
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(runq_highest_priority(&q), 9);
		CHECK_EQ(id_of(runq_peek_highest(&q)), i);
		CHECK_EQ(id_of(runq_pop_highest(&q)), i);
		CHECK(!runq_node_queued(&nodes[i]));
		CHECK(runq_consistent(&q));
	}
	CHECK(runq_empty(&q));
	CHECK_EQ(q.nonempty, 0);

	/* Round robin: the popped thread, its slice used up, goes behind its peers. */
	for (int i = 0; i < 3; i++)
		push_back(&q, i, 4);
	for (int round = 0; round < 7; round++) {
		struct runq_node *n = runq_pop_highest(&q);

		CHECK_EQ(id_of(n), round % 3);
		runq_push_back(&q, n);
		CHECK(runq_consistent(&q));
	}
	CHECK(level_is(&q, 4, (int[]){1, 2, 0, -1}));
	CHECK_EQ(bug_calls, 0);
}

static void test_priority_order(void)
{
	static const int prio[] = {0, 31, 7, 16, 31, 0, 7, 1, 30};
	static const int order[] = {1, 4, 8, 3, 2, 6, 7, 0, 5}; /* ids by urgency, FIFO on ties */
	const int n = sizeof(prio) / sizeof(prio[0]);
	struct runq q;

	reset(&q);
	for (int i = 0; i < n; i++) {
		push_back(&q, i, prio[i]);
		CHECK(runq_consistent(&q));
	}
	CHECK_EQ(q.nonempty, (1u << 0) | (1u << 1) | (1u << 7) | (1u << 16) | (1u << 30) | (1u << 31));
	CHECK_EQ(runq_highest_priority(&q), 31);
	for (int i = 0; i < n; i++) {
		CHECK_EQ(runq_highest_priority(&q), prio[order[i]]);
		CHECK_EQ(id_of(runq_pop_highest(&q)), order[i]);
		CHECK(runq_consistent(&q));
	}
	CHECK(runq_empty(&q));

	/* A more urgent arrival is at the front at once; the lowest level alone still reports. */
	push_back(&q, 0, 0);
	CHECK_EQ(runq_highest_priority(&q), 0);
	CHECK_EQ(id_of(runq_peek_highest(&q)), 0);
	push_back(&q, 1, 5);
	CHECK_EQ(id_of(runq_peek_highest(&q)), 1);
	push_back(&q, 2, 3);
	CHECK_EQ(id_of(runq_peek_highest(&q)), 1);
	CHECK(runq_consistent(&q));
	CHECK_EQ(bug_calls, 0);
}

static void test_push_front(void)
{
	struct runq q;
	struct runq_node *cur;

	reset(&q);
	push_back(&q, 0, 3);
	push_back(&q, 1, 3);
	push_front(&q, 2, 3);
	CHECK(level_is(&q, 3, (int[]){2, 0, 1, -1}));
	push_front(&q, 3, 3);
	CHECK(level_is(&q, 3, (int[]){3, 2, 0, 1, -1}));
	push_front(&q, 4, 20); /* into an empty level */
	CHECK(level_is(&q, 20, (int[]){4, -1}));
	CHECK_EQ(q.nonempty, (1u << 3) | (1u << 20));
	CHECK(runq_consistent(&q));
	runq_remove(&q, &nodes[4]);

	/* Thread 3 runs, is preempted by an urgent wakeup with slice left, and so goes back to
	 * the head of its level: it runs again before 2, 0 and 1 once the urgent one blocks. */
	cur = runq_pop_highest(&q);
	CHECK_EQ(id_of(cur), 3);
	push_back(&q, 5, 10);
	CHECK_EQ(runq_highest_priority(&q), 10);
	runq_push_front(&q, cur);
	cur = runq_pop_highest(&q);
	CHECK_EQ(id_of(cur), 5);
	CHECK(level_is(&q, 3, (int[]){3, 2, 0, 1, -1}));
	CHECK_EQ(id_of(runq_pop_highest(&q)), 3);
	CHECK_EQ(id_of(runq_pop_highest(&q)), 2);
	CHECK(runq_consistent(&q));
	CHECK_EQ(bug_calls, 0);
}

static void test_remove(void)
{
	struct runq q;

	reset(&q);
	for (int i = 0; i < 5; i++)
		push_back(&q, i, 12);
	push_back(&q, 5, 2);
	push_back(&q, 6, 30);

	runq_remove(&q, &nodes[2]); /* middle */
	CHECK(level_is(&q, 12, (int[]){0, 1, 3, 4, -1}));
	CHECK(!runq_node_queued(&nodes[2]));
	CHECK(runq_consistent(&q));
	runq_remove(&q, &nodes[0]); /* head */
	CHECK(level_is(&q, 12, (int[]){1, 3, 4, -1}));
	CHECK(runq_consistent(&q));
	runq_remove(&q, &nodes[4]); /* tail */
	CHECK(level_is(&q, 12, (int[]){1, 3, -1}));
	CHECK(runq_consistent(&q));
	CHECK_EQ(q.nonempty, (1u << 2) | (1u << 12) | (1u << 30));

	runq_remove(&q, &nodes[6]); /* the only node of the highest level */
	CHECK_EQ(q.nonempty, (1u << 2) | (1u << 12));
	CHECK_EQ(runq_highest_priority(&q), 12);
	CHECK(runq_consistent(&q));
	runq_remove(&q, &nodes[1]);
	runq_remove(&q, &nodes[3]);
	CHECK_EQ(q.nonempty, 1u << 2);
	CHECK(level_is(&q, 2, (int[]){5, -1}));
	runq_remove(&q, &nodes[5]);
	CHECK(runq_empty(&q));
	CHECK(runq_consistent(&q));

	/* Removed nodes are reusable, at any level and either end. */
	push_back(&q, 2, 12);
	push_front(&q, 0, 12);
	push_back(&q, 6, 31);
	CHECK(level_is(&q, 12, (int[]){0, 2, -1}));
	CHECK_EQ(id_of(runq_pop_highest(&q)), 6);
	CHECK(runq_consistent(&q));
	CHECK_EQ(bug_calls, 0);
}

static void test_prio_changed_while_queued(void)
{
	struct runq q;

	reset(&q);
	/* The node stays where it was pushed, and removal clears that level's bit, not prio's. */
	push_back(&q, 0, 4);
	nodes[0].prio = 9;
	CHECK_EQ(runq_highest_priority(&q), 4);
	CHECK(level_is(&q, 4, (int[]){0, -1}));
	runq_remove(&q, &nodes[0]);
	CHECK_EQ(q.nonempty, 0);
	CHECK(runq_consistent(&q));
	runq_push_back(&q, &nodes[0]);
	CHECK(level_is(&q, 9, (int[]){0, -1}));

	/* Even an out-of-range prio on a queued node is harmless to remove or pop. */
	push_back(&q, 1, 9);
	nodes[0].prio = -7;
	nodes[1].prio = 1000;
	CHECK_EQ(id_of(runq_pop_highest(&q)), 0);
	runq_remove(&q, &nodes[1]);
	CHECK(runq_empty(&q));
	CHECK(runq_consistent(&q));
	CHECK_EQ(bug_calls, 0);
}

static void expect_bug(const struct runq *q, const struct snapshot *before, int calls, const char *what)
{
	CHECK_EQ(bug_calls, calls + 1);
	CHECK(bug_why && strstr(bug_why, what));
	CHECK(unchanged(q, before));
	CHECK(runq_consistent(q));
}

static void test_misuse(void)
{
	static const int bad_prio[] = {-1, RUNQ_PRIORITIES, 33, INT_MAX, INT_MIN};
	struct runq q, other;
	struct snapshot before;
	struct runq_node fake;
	int calls;

	reset(&q);
	runq_init(&other);
	push_back(&q, 0, 5);
	push_back(&q, 1, 5);
	push_back(&q, 2, 17);
	snap(&q, &before);

	calls = bug_calls;
	runq_push_back(&q, &nodes[1]);
	expect_bug(&q, &before, calls, "runq_push_back: node already queued");
	calls = bug_calls;
	runq_push_front(&q, &nodes[0]);
	expect_bug(&q, &before, calls, "runq_push_front: node already queued");
	/* Already queued is reported even when its prio has since gone out of range. */
	nodes[2].prio = 99;
	calls = bug_calls;
	runq_push_back(&q, &nodes[2]);
	expect_bug(&q, &before, calls, "already queued");
	nodes[2].prio = 17;

	for (size_t i = 0; i < sizeof(bad_prio) / sizeof(bad_prio[0]); i++) {
		calls = bug_calls;
		push_back(&q, 3, bad_prio[i]);
		expect_bug(&q, &before, calls, "runq_push_back: priority out of range");
		CHECK(!runq_node_queued(&nodes[3]));
		calls = bug_calls;
		push_front(&q, 3, bad_prio[i]);
		expect_bug(&q, &before, calls, "runq_push_front: priority out of range");
		CHECK(!runq_node_queued(&nodes[3]));
	}

	calls = bug_calls;
	runq_remove(&q, &nodes[3]);
	expect_bug(&q, &before, calls, "runq_remove: node not queued");

	/* A node whose neighbours do not point back at it. */
	fake.next = &nodes[0];
	fake.prev = &nodes[1];
	fake.prio = 5;
	calls = bug_calls;
	runq_remove(&q, &fake);
	expect_bug(&q, &before, calls, "runq_remove: links corrupted");

	/* The last node of a level of another queue: its sentinel is not one of ours. */
	push_back(&other, 4, 17);
	calls = bug_calls;
	runq_remove(&q, &nodes[4]);
	expect_bug(&q, &before, calls, "runq_remove: node is in another run queue");
	CHECK(runq_node_queued(&nodes[4]));
	CHECK(level_is(&other, 17, (int[]){4, -1}));
	CHECK_EQ(other.nonempty, 1u << 17);
	runq_remove(&other, &nodes[4]);
	CHECK(runq_empty(&other));
	CHECK_EQ(bug_calls, calls + 1);

	/* The pushes that were refused left the nodes usable. */
	push_back(&q, 3, 31);
	CHECK_EQ(id_of(runq_pop_highest(&q)), 3);
	CHECK(unchanged(&q, &before));
	CHECK_EQ(bug_calls, calls + 1);
}

/* The model: per level, the queued ids head first; where[] is each node's level or -1. */
static int model[RUNQ_PRIORITIES][NNODES];
static int model_len[RUNQ_PRIORITIES];
static int where[NNODES];

#define STRESS_OPS 200000
/* Counts only failures, so the run does not add millions of passes to the summary. */
#define STRESS_CHECK(cond)           \
	do {                         \
		if (!(cond))         \
			CHECK(cond); \
	} while (0)

static void model_insert(int id, int p, bool front)
{
	int *l = model[p];

	if (front) {
		memmove(l + 1, l, model_len[p] * sizeof(*l));
		l[0] = id;
	} else {
		l[model_len[p]] = id;
	}
	model_len[p]++;
	where[id] = p;
}

static void model_remove(int id)
{
	int p = where[id], k = 0;

	while (model[p][k] != id)
		k++;
	memmove(&model[p][k], &model[p][k + 1], (model_len[p] - k - 1) * sizeof(int));
	model_len[p]--;
	where[id] = -1;
}

static int model_highest(void)
{
	for (int p = RUNQ_PRIORITIES - 1; p >= 0; p--)
		if (model_len[p])
			return p;
	return -1;
}

static bool matches_model(const struct runq *q)
{
	for (int p = 0; p < RUNQ_PRIORITIES; p++) {
		int got[NNODES + 1];

		level_ids(q, p, got);
		for (int k = 0; k < model_len[p]; k++)
			if (got[k] != model[p][k])
				return false;
		if (got[model_len[p]] != -1)
			return false;
	}
	for (int i = 0; i < NNODES; i++)
		if (runq_node_queued(&nodes[i]) != (where[i] >= 0))
			return false;
	return runq_highest_priority(q) == model_highest();
}

/* A random node that is (or is not) queued, or -1 if there is none. */
static int pick(bool queued)
{
	int start = (int)(rng() % NNODES);

	for (int k = 0; k < NNODES; k++) {
		int id = (start + k) % NNODES;

		if ((where[id] >= 0) == queued)
			return id;
	}
	return -1;
}

/* Mostly a few busy levels, so FIFOs grow long; sometimes any level, the extremes included. */
static int random_prio(void)
{
	static const int busy[] = {0, 1, 8, 15, 30, 31};

	if (rng() % 2)
		return (int)(rng() % RUNQ_PRIORITIES);
	return busy[rng() % (sizeof(busy) / sizeof(busy[0]))];
}

static void stress_misuse(struct runq *q, long *misuses)
{
	int queued = pick(true), idle = pick(false);
	int calls = bug_calls;

	switch (rng() % 4) {
	case 0:
		if (queued < 0)
			return;
		runq_push_back(q, &nodes[queued]);
		break;
	case 1:
		if (queued < 0)
			return;
		runq_push_front(q, &nodes[queued]);
		break;
	case 2:
		if (idle < 0)
			return;
		nodes[idle].prio =
		        rng() % 2 ? -1 - (int)(rng() % 1000) : RUNQ_PRIORITIES + (int)(rng() % 1000);
		if (rng() % 2)
			runq_push_back(q, &nodes[idle]);
		else
			runq_push_front(q, &nodes[idle]);
		break;
	default:
		if (idle < 0)
			return;
		runq_remove(q, &nodes[idle]);
		break;
	}
	STRESS_CHECK(bug_calls == calls + 1);
	(*misuses)++;
}

static void test_stress(void)
{
	long ops[7] = {0}, misuses = 0;
	int calls, max_len = 0;
	struct runq q;

	reset(&q);
	memset(model_len, 0, sizeof(model_len));
	for (int i = 0; i < NNODES; i++)
		where[i] = -1;
	calls = bug_calls;
	for (long op = 0; op < STRESS_OPS && !check_failed; op++) {
		/* Alternate phases that fill the queue with ones that drain it. */
		unsigned fill = (op / 5000) % 2 ? 30 : 65;
		unsigned r = (unsigned)(rng() % 100);
		int id;

		if (r < 3) {
			stress_misuse(&q, &misuses);
			ops[0]++;
		} else if (r < 3 + fill && (id = pick(false)) >= 0) {
			bool front = rng() % 3 == 0;

			nodes[id].prio = random_prio();
			if (front)
				runq_push_front(&q, &nodes[id]);
			else
				runq_push_back(&q, &nodes[id]);
			model_insert(id, nodes[id].prio, front);
			ops[front ? 2 : 1]++;
		} else if (r < 70 && (id = pick(true)) >= 0) {
			runq_remove(&q, &nodes[id]);
			model_remove(id);
			ops[3]++;
		} else if (r < 75 && (id = pick(true)) >= 0) {
			/* Allowed: it only takes effect at the next push. */
			nodes[id].prio = (int)(rng() % 200) - 100;
			ops[4]++;
		} else if (r < 80) {
			int p = model_highest();

			STRESS_CHECK(id_of(runq_peek_highest(&q)) == (p < 0 ? -1 : model[p][0]));
			ops[5]++;
		} else {
			int p = model_highest();
			int want = p < 0 ? -1 : model[p][0];

			STRESS_CHECK(id_of(runq_pop_highest(&q)) == want);
			if (want >= 0)
				model_remove(want);
			ops[6]++;
		}
		STRESS_CHECK(matches_model(&q));
		STRESS_CHECK(runq_consistent(&q));
		for (int p = 0; p < RUNQ_PRIORITIES; p++)
			max_len = model_len[p] > max_len ? model_len[p] : max_len;
	}
	CHECK_EQ(bug_calls, calls + misuses);
	for (int k = 0; k < 7; k++)
		CHECK(ops[k] > STRESS_OPS / 100);
	CHECK(misuses > STRESS_OPS / 100);
	CHECK(max_len >= 10);

	/* Draining pops every queued node exactly once, most urgent first. */
	for (int last = RUNQ_PRIORITIES, n = 0;; n++) {
		struct runq_node *node = runq_pop_highest(&q);
		int p;

		if (!node)
			break;
		p = where[id_of(node)];
		STRESS_CHECK(p <= last && model[p][0] == id_of(node));
		model_remove(id_of(node));
		last = p;
		STRESS_CHECK(n < NNODES);
	}
	CHECK(runq_empty(&q));
	CHECK(matches_model(&q));
	CHECK_EQ(bug_calls, calls + misuses);
}

int main(void)
{
	test_empty();
	test_fifo_within_level();
	test_priority_order();
	test_push_front();
	test_remove();
	test_prio_changed_while_queued();
	test_misuse();
	test_stress();
	return check_report();
}
