/* SPDX-License-Identifier: MIT */
/* conn_table.c: httpd's connection table (conn_table.h). An idle client is the cheapest to
 * lose: HTTP lets a server close a kept-alive connection at any time (RFC 9112 §9.5). */
#include <errno.h>
#include <string.h>

#include "conn_table.h"

void conn_table_init(struct conn_table *t, int cap)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < CONN_TABLE_MAX; i++)
		t->slot[i].fd = -1;
	t->cap = cap < 1 ? 1 : cap > CONN_TABLE_MAX ? CONN_TABLE_MAX : cap;
}

int conn_table_add(struct conn_table *t, int fd, void *buf, uint64_t now_ns)
{
	if (t->used >= t->cap)
		return -ENOSPC;
	for (int i = 0; i < CONN_TABLE_MAX; i++) {
		if (t->slot[i].phase == CONN_FREE) {
			t->slot[i] = (struct conn_slot){
			        .phase = CONN_IDLE, .fd = fd, .since_ns = now_ns, .buf = buf};
			t->used++;
			return i;
		}
	}
	return -ENOSPC;
}

void conn_table_remove(struct conn_table *t, int i)
{
	if (t->slot[i].phase != CONN_FREE)
		t->used--;
	t->slot[i] = (struct conn_slot){.phase = CONN_FREE, .fd = -1};
}

void conn_table_set_phase(struct conn_table *t, int i, enum conn_phase phase, uint64_t now_ns)
{
	t->slot[i].phase = phase;
	t->slot[i].since_ns = now_ns;
}

/* Lower is closed first; -1: never (the server is working on it, or it is going anyway). */
static int rank(enum conn_phase phase)
{
	switch (phase) {
	case CONN_LINGER:
		return 0;
	case CONN_IDLE:
		return 1;
	case CONN_HEAD:
	case CONN_BODY:
		return 2;
	default:
		return -1;
	}
}

int conn_table_victim(const struct conn_table *t)
{
	int best = -ENOENT, best_rank = 0;

	for (int i = 0; i < CONN_TABLE_MAX; i++) {
		const struct conn_slot *s = &t->slot[i];
		int r = rank(s->phase);

		if (r < 0 || !s->waiting || s->evicted)
			continue;
		if (best < 0 || r < best_rank || (r == best_rank && s->since_ns < t->slot[best].since_ns)) {
			best = i;
			best_rank = r;
		}
	}
	return best;
}
