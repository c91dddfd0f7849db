/* SPDX-License-Identifier: MIT */
/* conn_table.h: httpd's table of open connections, what each is doing and since when, and the
 * choice of which one to close when a new client needs room. Pure code, unit-tested on the
 * host; httpd.c holds the lock around every call. */
#ifndef CONN_TABLE_H
#define CONN_TABLE_H

#include <stdbool.h>
#include <stdint.h>

#define CONN_TABLE_MAX 64 /* no more than the descriptor table (FD_SETSIZE) could hold */

/* The phases of a connection; the comment says what the server is waiting for. */
enum conn_phase {
	CONN_FREE,    /* (unused slot) */
	CONN_IDLE,    /* the first byte of a request: a new or kept-alive connection */
	CONN_HEAD,    /* the rest of a request head */
	CONN_BODY,    /* the rest of a request body, which is read and dropped */
	CONN_BUSY,    /* nothing: the server is answering */
	CONN_LINGER,  /* the client's EOF after an error reply, before the close */
	CONN_CLOSING, /* nothing: the descriptor is being closed */
};

struct conn_slot {
	enum conn_phase phase;
	int fd;
	uint64_t since_ns; /* when the phase began */
	bool waiting;      /* its thread is in poll(): another thread may shut the socket down */
	bool evicted;      /* shut down to make room; its thread closes it */
	void *buf;         /* the connection's receive buffer */
};

struct conn_table {
	struct conn_slot slot[CONN_TABLE_MAX];
	int cap;  /* connections allowed at once, 1..CONN_TABLE_MAX */
	int used; /* slots not CONN_FREE */
};

void conn_table_init(struct conn_table *t, int cap);
/* Take a free slot for fd in phase CONN_IDLE since now_ns: its index, or -ENOSPC when cap
 * connections are open. */
int conn_table_add(struct conn_table *t, int fd, void *buf, uint64_t now_ns);
/* Free slot i. */
void conn_table_remove(struct conn_table *t, int i);
/* Enter phase in slot i at now_ns. */
void conn_table_set_phase(struct conn_table *t, int i, enum conn_phase phase, uint64_t now_ns);
/* The connection to close for a new client: among those whose thread waits in poll() for the
 * client and not already evicted, a lingering one first, then an idle one, then one in the
 * middle of a request; the oldest phase first within each. Its index, or -ENOENT when every
 * connection is busy answering or already going. */
int conn_table_victim(const struct conn_table *t);

#endif
