/* SPDX-License-Identifier: MIT */
/* xenbus_check.h: the pure checks of the xenbus bus: what a backend (another domain) writes in
 * xenstore is parsed strictly, and the state handshake's decisions are a table, so host unit
 * tests and the fuzz target cover both without Xen. */
#ifndef XENBUS_CHECK_H
#define XENBUS_CHECK_H

#include <stdint.h>

/* A decimal number as xenstore holds it: digits only, no sign, space or leading zero (other
 * than "0" itself), at most `max`. 0 with *out set, or -EINVAL. */
int xenbus_parse_u64(const char *s, uint64_t max, uint64_t *out);

/* Is `path` a backend path that domain `backend_id` may own: "/local/domain/<backend_id>/
 * backend/" then one or more components of [A-Za-z0-9_.-] (none "." or ".."), no "//" and no
 * trailing '/', shorter than `max` bytes with its NUL? 0 or -EINVAL. */
int xenbus_check_backend_path(const char *path, unsigned backend_id, unsigned max);

/* What the bus is waiting for on the backend's state. */
enum xenbus_phase {
	XENBUS_WAIT_INITWAIT,  /* before setup(): the backend has published its features */
	XENBUS_WAIT_CONNECTED, /* after our Initialised/Connected: the backend is running */
	XENBUS_WAIT_CLOSING,   /* after our Closing at shutdown */
	XENBUS_WAIT_CLOSED,    /* after our Closed at shutdown */
	XENBUS_WATCH_RUNNING,  /* while connected: the watch thread's view */
};

enum xenbus_verdict {
	XENBUS_GO,   /* the backend is where this phase needs it */
	XENBUS_WAIT, /* not yet: wait for the next change (up to the deadline) */
	XENBUS_FAIL, /* it went elsewhere (closing, an unknown value): give up on the device */
};

/* The decision for backend state `backend_state` (the parsed value of <backend>/state, or -1
 * when it is missing or not a number) in `phase`. */
enum xenbus_verdict xenbus_verdict(enum xenbus_phase phase, int backend_state);

/* A state's name for messages ("InitWait"), "?" for a value outside the protocol. */
const char *xenbus_state_name(int state);

#endif
