/* SPDX-License-Identifier: MIT */
/* xenbus_check.c: parsing of backend-written xenstore values and the decisions of the xenbus
 * state handshake (xenbus_check.h). No Xen calls: the host unit tests link this file as it is. */
#include <errno.h>
#include <string.h>

#include "xenbus_check.h"

/* public/io/xenbus.h's numbering, repeated so this file builds on the host without Xen's
 * headers; xenbus.c checks the two agree. */
enum {
	ST_UNKNOWN,
	ST_INITIALISING,
	ST_INITWAIT,
	ST_INITIALISED,
	ST_CONNECTED,
	ST_CLOSING,
	ST_CLOSED,
	ST_RECONFIGURING,
	ST_RECONFIGURED,
};

int xenbus_parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;

	if (s[0] == '\0' || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		unsigned d = (unsigned)(s[i] - '0');

		if (d > max || v > (max - d) / 10)
			return -EINVAL; /* v * 10 + d > max, without overflowing */
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

static int component_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-' || c == '.';
}

int xenbus_check_backend_path(const char *path, unsigned backend_id, unsigned max)
{
	static const char head[] = "/local/domain/", tail[] = "/backend/";
	const char *p = path;
	uint64_t id = 0;
	char num[24];
	size_t n = 0;

	if (strnlen(path, max) >= max || strncmp(p, head, sizeof(head) - 1) != 0)
		return -EINVAL;
	p += sizeof(head) - 1;
	while (p[n] >= '0' && p[n] <= '9' && n < sizeof(num) - 1) {
		num[n] = p[n];
		n++;
	}
	num[n] = '\0';
	if (xenbus_parse_u64(num, UINT32_MAX, &id) || id != backend_id)
		return -EINVAL;
	p += n;
	if (strncmp(p, tail, sizeof(tail) - 1) != 0)
		return -EINVAL;
	p += sizeof(tail) - 1;
	/* One or more components: each non-empty, of component characters, not "." or "..". */
	for (;;) {
		const char *start = p;

		while (component_char(*p))
			p++;
		size_t len = (size_t)(p - start);

		if (len == 0 || (len == 1 && start[0] == '.') ||
		    (len == 2 && start[0] == '.' && start[1] == '.'))
			return -EINVAL;
		if (*p == '\0')
			return 0;
		if (*p != '/')
			return -EINVAL;
		p++;
	}
}

enum xenbus_verdict xenbus_verdict(enum xenbus_phase phase, int st)
{
	switch (phase) {
	case XENBUS_WAIT_INITWAIT:
		/* A backend may already be past InitWait (it has nothing to publish first). */
		if (st == ST_INITWAIT || st == ST_INITIALISED || st == ST_CONNECTED)
			return XENBUS_GO;
		return st == ST_UNKNOWN || st == ST_INITIALISING ? XENBUS_WAIT : XENBUS_FAIL;
	case XENBUS_WAIT_CONNECTED:
		if (st == ST_CONNECTED)
			return XENBUS_GO;
		return st == ST_INITIALISING || st == ST_INITWAIT || st == ST_INITIALISED ? XENBUS_WAIT
		                                                                          : XENBUS_FAIL;
	case XENBUS_WAIT_CLOSING:
		/* The backend answers our Closing with Closing; Closed (or gone) is further still. */
		if (st == ST_CLOSING || st == ST_CLOSED || st == -1)
			return XENBUS_GO;
		return st >= ST_UNKNOWN && st <= ST_CONNECTED ? XENBUS_WAIT : XENBUS_FAIL;
	case XENBUS_WAIT_CLOSED:
		/* Closed, or a backend that reset itself for a new frontend (InitWait), or gone. */
		if (st == ST_CLOSED || st == ST_INITWAIT || st == -1)
			return XENBUS_GO;
		return st == ST_CLOSING || st == ST_CONNECTED ? XENBUS_WAIT : XENBUS_FAIL;
	case XENBUS_WATCH_RUNNING:
		/* Anything but Connected (Closing, Closed, unreadable) means the backend has gone. */
		return st == ST_CONNECTED ? XENBUS_WAIT : XENBUS_FAIL;
	}
	return XENBUS_FAIL;
}

const char *xenbus_state_name(int state)
{
	static const char *const names[] = {"Unknown",     "Initialising",  "InitWait",
	                                    "Initialised", "Connected",     "Closing",
	                                    "Closed",      "Reconfiguring", "Reconfigured"};

	return state >= 0 && state < (int)(sizeof(names) / sizeof(names[0])) ? names[state] : "?";
}
