/* SPDX-License-Identifier: MIT */
/* test_conn_table.c: httpd's connection table: the cap, slot reuse, and which connection is
 * closed to make room (lingering, then idle, then mid-request; oldest first; never one being
 * answered, one whose thread is not waiting in poll(), or one already evicted). */
#include <errno.h>

#include "check.h"
#include "conn_table.h"

static struct conn_table t;

int main(void)
{
	int a, b, c, d;

	/* The cap is clamped and enforced. */
	conn_table_init(&t, 0);
	CHECK_EQ(t.cap, 1);
	conn_table_init(&t, CONN_TABLE_MAX + 5);
	CHECK_EQ(t.cap, CONN_TABLE_MAX);
	conn_table_init(&t, 3);
	CHECK_EQ(conn_table_victim(&t), -ENOENT); /* empty */
	a = conn_table_add(&t, 10, NULL, 100);
	b = conn_table_add(&t, 11, NULL, 200);
	c = conn_table_add(&t, 12, NULL, 300);
	CHECK(a >= 0 && b >= 0 && c >= 0 && a != b && b != c && a != c);
	CHECK_EQ(t.used, 3);
	CHECK_EQ(conn_table_add(&t, 13, NULL, 400), -ENOSPC);
	CHECK(t.slot[a].phase == CONN_IDLE && t.slot[a].fd == 10 && t.slot[a].since_ns == 100);

	/* Nobody waits in poll(): nothing may be shut down. */
	CHECK_EQ(conn_table_victim(&t), -ENOENT);
	t.slot[a].waiting = t.slot[b].waiting = t.slot[c].waiting = true;
	CHECK_EQ(conn_table_victim(&t), a); /* all idle: the oldest */

	/* An idle connection goes before an older one in the middle of a request. */
	conn_table_set_phase(&t, a, CONN_HEAD, 50);
	CHECK_EQ(conn_table_victim(&t), b);
	conn_table_set_phase(&t, b, CONN_BODY, 60);
	CHECK_EQ(conn_table_victim(&t), c);
	/* Among requests in progress, the oldest phase. */
	conn_table_set_phase(&t, c, CONN_BUSY, 10);
	CHECK_EQ(conn_table_victim(&t), a);
	conn_table_set_phase(&t, a, CONN_HEAD, 70);
	CHECK_EQ(conn_table_victim(&t), b);
	/* A lingering connection goes first, even the newest. */
	conn_table_set_phase(&t, a, CONN_LINGER, 1000);
	CHECK_EQ(conn_table_victim(&t), a);
	/* Already evicted, or not in poll(): skipped. */
	t.slot[a].evicted = true;
	CHECK_EQ(conn_table_victim(&t), b);
	t.slot[b].waiting = false;
	CHECK_EQ(conn_table_victim(&t), -ENOENT); /* c is being answered */
	conn_table_set_phase(&t, c, CONN_CLOSING, 5);
	CHECK_EQ(conn_table_victim(&t), -ENOENT);

	/* A freed slot is reused, clean. */
	conn_table_remove(&t, a);
	CHECK_EQ(t.used, 2);
	CHECK(t.slot[a].phase == CONN_FREE && t.slot[a].fd == -1);
	d = conn_table_add(&t, 14, NULL, 2000);
	CHECK_EQ(d, a);
	CHECK(!t.slot[d].evicted && !t.slot[d].waiting && t.slot[d].phase == CONN_IDLE);
	conn_table_remove(&t, d);
	conn_table_remove(&t, d); /* twice: counted once */
	CHECK_EQ(t.used, 2);

	/* A full table of the largest size. */
	conn_table_init(&t, CONN_TABLE_MAX);
	for (int i = 0; i < CONN_TABLE_MAX; i++)
		CHECK_EQ(conn_table_add(&t, i, NULL, (uint64_t)(1000 - i)), i);
	CHECK_EQ(conn_table_add(&t, 99, NULL, 0), -ENOSPC);
	for (int i = 0; i < CONN_TABLE_MAX; i++)
		t.slot[i].waiting = true;
	CHECK_EQ(conn_table_victim(&t), CONN_TABLE_MAX - 1);

	return check_report();
}
