/* SPDX-License-Identifier: MIT */
/* xen_xenstore.c: the xenstore client over the store ring (public/io/xs_wire.h): one request at
 * a time under a mutex, the store's event channel waking every thread that waits on the ring,
 * watch events that arrive between replies queued for xen_xs_read_watch() (or, for the xenbus
 * bus's tokens, counted for xen_xs_bus_wait()). Replies are checked by xen_xs_wire.c. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/sync.h>
#include <xen/io/xs_wire.h>

#include "xen_hypercall.h"
#include "xen_platform.h"
#include <mote/xen/xenstore.h>
#include "xen_xs_wire.h"

#define WATCH_QUEUE 16
#define WATCH_STR   256

static struct xenstore_domain_interface *ring;
static unsigned port;
/* Counted up by every store event, and every waiter woken: the lock holder waiting for ring
 * space or a reply, and threads waiting for watch events, which pump the ring when the lock is
 * free. A waiter notes the count before looking at the ring, so no event is lost between. */
static unsigned long ring_seq;
static struct waitq ring_wq;
static struct mutex store_lock; /* one request (and one ring reader) at a time */
static uint32_t last_req_id;
static struct once init_once = ONCE_INIT;
static int init_error;

static char payload[XEN_XS_PAYLOAD_MAX + 1]; /* the message being read; under store_lock */

static struct {
	char path[WATCH_STR], token[WATCH_STR];
} watch_events[WATCH_QUEUE];
static unsigned watch_head, watch_count; /* under store_lock */
static unsigned long bus_events;         /* watch events with the bus's token; under store_lock */

static void store_event(unsigned p, void *arg)
{
	(void)p, (void)arg;
	__atomic_add_fetch(&ring_seq, 1, __ATOMIC_RELEASE);
	waitq_wake_all(&ring_wq);
}

static unsigned long ring_snapshot(void) { return __atomic_load_n(&ring_seq, __ATOMIC_ACQUIRE); }

/* Wait until a store event newer than `seen` (a ring_snapshot() taken before the caller last
 * looked at the ring), or deadline_ns: 0 or -ETIMEDOUT. */
static int ring_wait(unsigned long seen, uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	while (err == 0 && ring_snapshot() == seen)
		err = waitq_wait(&ring_wq, "xenstore ring", deadline_ns);
	hal_irq_restore(s);
	return err;
}

static void connect(void)
{
	if (xen_is_dom0() || !xen_start_info->store_mfn) {
		init_error = -ENODEV;
		return;
	}
	mutex_init(&store_lock, false);
	/* The ring is a page of our own RAM, mapped at its pseudo-physical address. */
	ring = (struct xenstore_domain_interface *)(uintptr_t)(xen_mfn_to_pfn(xen_start_info->store_mfn)
	                                                       << 12);
	port = xen_start_info->store_evtchn;
	init_error = xen_evtchn_bind(port, store_event, NULL);
}

int xen_xs_init(void)
{
	once_run(&init_once, connect);
	return init_error;
}

static void ring_write(const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		unsigned long seen = ring_snapshot();
		XENSTORE_RING_IDX cons = __atomic_load_n(&ring->req_cons, __ATOMIC_ACQUIRE);
		XENSTORE_RING_IDX prod = ring->req_prod;
		size_t space = XENSTORE_RING_SIZE - (prod - cons);

		if (prod - cons > XENSTORE_RING_SIZE || space == 0) {
			xen_evtchn_notify(port);
			ring_wait(seen, SYNC_FOREVER);
			continue;
		}
		size_t chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);

		chunk = chunk < space ? chunk : space;
		chunk = chunk < len ? chunk : len;
		memcpy(ring->req + MASK_XENSTORE_IDX(prod), p, chunk);
		__atomic_store_n(&ring->req_prod, prod + (XENSTORE_RING_IDX)chunk, __ATOMIC_RELEASE);
		p += chunk;
		len -= chunk;
	}
	xen_evtchn_notify(port);
}

/* Bytes of response waiting, or -EPROTO when the indexes are impossible. */
static long rsp_avail(void)
{
	XENSTORE_RING_IDX prod = __atomic_load_n(&ring->rsp_prod, __ATOMIC_ACQUIRE);
	XENSTORE_RING_IDX n = prod - ring->rsp_cons;

	return n > XENSTORE_RING_SIZE ? -EPROTO : (long)n;
}

static int ring_read(void *data, size_t len)
{
	char *p = data;
	bool unannounced = false; /* consumed bytes xenstored has not been told about */

	while (len) {
		unsigned long seen = ring_snapshot();
		long avail = rsp_avail();

		if (avail < 0)
			return (int)avail;
		if (avail == 0) {
			/* A message longer than the room xenstored found (a 1 KiB ring) comes in parts:
			 * xenstored writes what fits and looks for room again only when woken. Waiting
			 * for the rest without saying that we made room waited until some other domain
			 * happened to wake xenstored: forever on a quiet host. */
			if (unannounced)
				xen_evtchn_notify(port);
			unannounced = false;
			ring_wait(seen, SYNC_FOREVER);
			continue;
		}
		XENSTORE_RING_IDX cons = ring->rsp_cons;
		size_t chunk = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);

		chunk = chunk < (size_t)avail ? chunk : (size_t)avail;
		chunk = chunk < len ? chunk : len;
		memcpy(p, ring->rsp + MASK_XENSTORE_IDX(cons), chunk);
		__atomic_store_n(&ring->rsp_cons, cons + (XENSTORE_RING_IDX)chunk, __ATOMIC_RELEASE);
		unannounced = true;
		p += chunk;
		len -= chunk;
	}
	xen_evtchn_notify(port);
	return 0;
}

static int read_message(struct xen_xs_header *h);

static void queue_watch_event(size_t len)
{
	const char *parts[2];

	/* A malformed or oversized event is dropped: the watcher re-reads the store anyway. */
	if (xen_xs_split(payload, len, parts, 2) != 2)
		return;
	/* The bus's watches only say "a backend's state changed": it re-reads every state. */
	if (strncmp(parts[1], XEN_XS_BUS_TOKEN, sizeof(XEN_XS_BUS_TOKEN) - 1) == 0) {
		__atomic_add_fetch(&bus_events, 1, __ATOMIC_RELEASE);
		return;
	}
	if (strlen(parts[0]) >= WATCH_STR || strlen(parts[1]) >= WATCH_STR || watch_count == WATCH_QUEUE)
		return;
	unsigned slot = (watch_head + watch_count++) % WATCH_QUEUE;

	strcpy(watch_events[slot].path, parts[0]);
	strcpy(watch_events[slot].token, parts[1]);
}

/* Read the complete messages waiting in the ring while no request is outstanding: only watch
 * events can be there. Caller holds store_lock. */
static void pump_locked(void)
{
	while (rsp_avail() >= (long)XEN_XS_HEADER_LEN) {
		struct xen_xs_header h;

		if (read_message(&h) != 0)
			break;
		if (h.type == XEN_XS_WATCH_EVENT)
			queue_watch_event(h.len);
	}
}

/* Read one whole message into `payload`. Caller holds store_lock. */
static int read_message(struct xen_xs_header *h)
{
	unsigned char raw[XEN_XS_HEADER_LEN];
	int err = ring_read(raw, sizeof(raw));

	if (err == 0)
		err = xen_xs_parse_header(raw, h);
	if (err == 0)
		err = ring_read(payload, h->len);
	if (err == 0)
		payload[h->len] = '\0';
	return err;
}

/* Send a request of `n` parts (each with its NUL) and wait for its reply. The reply's payload is
 * copied into `out` (up to `cap` bytes; -ENOSPC beyond, with *len still set) before the lock
 * is released: `payload` belongs to whichever thread holds the lock next. `out` may be NULL
 * when only success matters. Returns 0 or a negative errno. */
static int request(uint32_t type, uint32_t tx, const char *const *parts, unsigned n, char *out, size_t cap,
                   size_t *len)
{
	struct xen_xs_header h;
	size_t total = 0;
	int err = xen_xs_init();

	if (err)
		return err;
	for (unsigned i = 0; i < n; i++)
		total += strlen(parts[i]) + 1;
	if (total > XEN_XS_PAYLOAD_MAX)
		return -E2BIG;
	mutex_lock(&store_lock, SYNC_FOREVER);
	struct xsd_sockmsg msg = {.type = type, .req_id = ++last_req_id, .tx_id = tx, .len = (uint32_t)total};

	ring_write(&msg, sizeof(msg));
	for (unsigned i = 0; i < n; i++)
		ring_write(parts[i], strlen(parts[i]) + 1);
	for (;;) {
		err = read_message(&h);
		if (err)
			break;
		if (h.type == XEN_XS_WATCH_EVENT) {
			queue_watch_event(h.len);
			continue;
		}
		if (h.req_id != msg.req_id)
			err = -EPROTO;
		else if (h.type == XEN_XS_ERROR)
			err = xen_xs_error_errno(payload, h.len);
		else if (h.type != type)
			err = -EPROTO;
		else if (out && h.len > cap)
			err = -ENOSPC;
		else if (out)
			memcpy(out, payload, h.len);
		*len = h.len;
		break;
	}
	mutex_unlock(&store_lock);
	return err;
}

int xen_xs_read(uint32_t tx, const char *path, char *buf, size_t len)
{
	size_t n;
	int err;

	if (len == 0)
		return -ENOSPC;
	err = request(XS_READ, tx, &path, 1, buf, len - 1, &n);
	if (err)
		return err;
	buf[n] = '\0';
	return (int)n;
}

int xen_xs_write(uint32_t tx, const char *path, const char *value)
{
	size_t path_len = strlen(path), value_len = strlen(value), n;
	struct xen_xs_header h;
	int err = xen_xs_init();

	/* XS_WRITE's value has no terminating NUL, so it is not one of request()'s strings. */
	if (err)
		return err;
	if (path_len + 1 + value_len > XEN_XS_PAYLOAD_MAX)
		return -E2BIG;
	mutex_lock(&store_lock, SYNC_FOREVER);
	struct xsd_sockmsg msg = {.type = XS_WRITE,
	                          .req_id = ++last_req_id,
	                          .tx_id = tx,
	                          .len = (uint32_t)(path_len + 1 + value_len)};

	ring_write(&msg, sizeof(msg));
	ring_write(path, path_len + 1);
	ring_write(value, value_len);
	for (;;) {
		err = read_message(&h);
		if (err)
			break;
		if (h.type == XEN_XS_WATCH_EVENT) {
			queue_watch_event(h.len);
			continue;
		}
		n = h.len;
		if (h.req_id != msg.req_id || (h.type != XS_WRITE && h.type != XEN_XS_ERROR))
			err = -EPROTO;
		else if (h.type == XEN_XS_ERROR)
			err = xen_xs_error_errno(payload, n);
		break;
	}
	mutex_unlock(&store_lock);
	return err;
}

int xen_xs_directory(uint32_t tx, const char *path, char *buf, size_t len, const char **names, unsigned max)
{
	size_t n;
	int err = request(XS_DIRECTORY, tx, &path, 1, buf, len, &n);

	return err ? err : xen_xs_split(buf, n, names, max);
}

int xen_xs_transaction_start(uint32_t *tx)
{
	static const char *const empty = "";
	char id[16];
	size_t n;
	int err = request(XS_TRANSACTION_START, XEN_XS_NO_TX, &empty, 1, id, sizeof(id), &n);

	if (err == -ENOSPC)
		return -EPROTO; /* no transaction id is that long */
	return err ? err : xen_xs_parse_u32(id, n, tx);
}

int xen_xs_transaction_end(uint32_t tx, int abort)
{
	const char *arg = abort ? "F" : "T";
	size_t n;

	return request(XS_TRANSACTION_END, tx, &arg, 1, NULL, 0, &n);
}

int xen_xs_watch(const char *path, const char *token)
{
	const char *parts[2] = {path, token};
	size_t n;

	return request(XS_WATCH, XEN_XS_NO_TX, parts, 2, NULL, 0, &n);
}

int xen_xs_unwatch(const char *path, const char *token)
{
	const char *parts[2] = {path, token};
	size_t n;

	return request(XS_UNWATCH, XEN_XS_NO_TX, parts, 2, NULL, 0, &n);
}

int xen_xs_read_watch(char *path, size_t path_len, char *token, size_t token_len, uint64_t deadline_ns)
{
	int err = xen_xs_init();

	if (err)
		return err;
	for (;;) {
		unsigned long seen = ring_snapshot();

		mutex_lock(&store_lock, SYNC_FOREVER);
		if (!watch_count)
			pump_locked();
		if (watch_count)
			break; /* with the lock */
		mutex_unlock(&store_lock);
		if (ring_wait(seen, deadline_ns) == -ETIMEDOUT)
			return -ETIMEDOUT;
	}
	unsigned slot = watch_head;

	watch_head = (watch_head + 1) % WATCH_QUEUE;
	watch_count--;
	if (strlen(watch_events[slot].path) >= path_len || strlen(watch_events[slot].token) >= token_len) {
		err = -ENOSPC;
	} else {
		strcpy(path, watch_events[slot].path);
		strcpy(token, watch_events[slot].token);
	}
	mutex_unlock(&store_lock);
	return err;
}

unsigned long xen_xs_bus_events(void) { return __atomic_load_n(&bus_events, __ATOMIC_ACQUIRE); }

int xen_xs_bus_wait(unsigned long seen, uint64_t deadline_ns)
{
	int err = xen_xs_init();

	if (err)
		return err;
	for (;;) {
		unsigned long ring_seen = ring_snapshot();

		if (xen_xs_bus_events() != seen)
			return 0;
		mutex_lock(&store_lock, SYNC_FOREVER);
		pump_locked();
		mutex_unlock(&store_lock);
		if (xen_xs_bus_events() != seen)
			return 0;
		if (ring_wait(ring_seen, deadline_ns) == -ETIMEDOUT)
			return -ETIMEDOUT;
	}
}
