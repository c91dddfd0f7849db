/* SPDX-License-Identifier: MIT */
/* evtchn_test.c: interdomain event channels between two Mote domUs (tier 2). "serve PEER" opens
 * a port unbound for domain PEER and publishes it in xenstore; "peer" binds to it (dom0's script
 * passes it on) and the two ping-pong events, each side counting what its handler saw. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hal/time.h>
#include <mote/sync.h>

#include "image_check.h"
#include <mote/xen/evtchn.h>
#include <mote/xen/xenstore.h>

#define ROUNDS  100
#define WAIT_NS (60ull * 1000000000ull) /* generous: TCG, three domains on one vCPU */
#define XS_NOTX XEN_XS_NO_TX

static struct semaphore got;
static unsigned events;

static void on_event(unsigned port, void *arg)
{
	(void)port, (void)arg;
	events++;
	semaphore_post(&got);
}

static uint64_t deadline(void) { return hal_clock_monotonic_ns() + WAIT_NS; }

static int serve(unsigned long peer)
{
	char value[16];
	unsigned i;
	int port = xen_evtchn_alloc_unbound((uint16_t)peer, on_event, NULL);

	CHECK(port > 0);
	if (port <= 0)
		return check_report();
	snprintf(value, sizeof(value), "%d", port);
	CHECK(xen_xs_write(XS_NOTX, "data/evtchn-port", value) == 0);
	printf("evtchn_test: port %d allocated unbound for domain %lu\n", port, peer);

	/* Failed notifications are counted and checked once, so the number of checks does not
	 * depend on how many rounds ran before a timeout. */
	unsigned notify_failed = 0;

	for (i = 0; i < ROUNDS; i++) {
		if (semaphore_wait(&got, deadline()) != 0)
			break;
		notify_failed += xen_evtchn_notify((unsigned)port) != 0;
	}
	printf("evtchn_test: answered %u of %d events, the handler saw %u\n", i, ROUNDS, events);
	CHECK(notify_failed == 0);
	CHECK(i == ROUNDS && events == ROUNDS);

	CHECK(xen_evtchn_close((unsigned)port) == 0);
	CHECK(xen_evtchn_notify((unsigned)port) == -EINVAL); /* closed: nothing at this end */
	CHECK(xen_evtchn_close((unsigned)port) == -EINVAL);
	int again = xen_evtchn_alloc_unbound((uint16_t)peer, on_event, NULL);

	CHECK(again > 0);
	CHECK(xen_evtchn_close((unsigned)again) == 0);
	printf("evtchn_test: closed port %d, opened and closed port %d\n", port, again);
	return check_report();
}

/* Wait for dom0 to write "DOMID PORT" of the serving domain at data/peer (watched). */
static int await_peer(unsigned long *domid, unsigned long *port)
{
	char value[32], path[64], token[16];
	uint64_t until = deadline();
	int err = xen_xs_watch("data/peer", "peer");

	if (err < 0)
		return err;
	while ((err = xen_xs_read(XS_NOTX, "data/peer", value, sizeof(value))) == -ENOENT)
		if ((err = xen_xs_read_watch(path, sizeof(path), token, sizeof(token), until)) < 0)
			break;
	xen_xs_unwatch("data/peer", "peer");
	if (err < 0)
		return err;
	char *end;

	*domid = strtoul(value, &end, 10);
	*port = strtoul(end, &end, 10);
	return *end == '\0' && *domid < 0x7ff0 ? 0 : -EINVAL; /* DOMID_FIRST_RESERVED */
}

static int peer(void)
{
	unsigned long domid, port;
	unsigned i;

	int err = await_peer(&domid, &port);

	CHECK(err == 0);
	if (err < 0)
		return check_report();
	/* Only the one port the server opened for us binds: bad input is refused, not trusted. */
	CHECK(xen_evtchn_bind_interdomain((uint16_t)domid, 0, on_event, NULL) == -EINVAL);
	CHECK(xen_evtchn_bind_interdomain((uint16_t)domid, (unsigned)port + 1, on_event, NULL) < 0);
	int local = xen_evtchn_bind_interdomain((uint16_t)domid, (unsigned)port, on_event, NULL);

	CHECK(local > 0);
	if (local <= 0)
		return check_report();
	printf("evtchn_test: local port %d bound to domain %lu port %lu\n", local, domid, port);
	/* Xen raises the new port once at bind (for notifications sent before it): take that one. */
	CHECK(semaphore_wait(&got, deadline()) == 0 && events == 1);
	events = 0;
	unsigned notify_failed = 0; /* checked once: see serve() */

	for (i = 0; i < ROUNDS; i++) {
		notify_failed += xen_evtchn_notify((unsigned)local) != 0;
		if (semaphore_wait(&got, deadline()) != 0)
			break;
	}
	CHECK(notify_failed == 0);
	printf("evtchn_test: %u of %d round trips with domain %lu, the handler saw %u\n", i, ROUNDS, domid,
	       events);
	CHECK(i == ROUNDS && events == ROUNDS);
	CHECK(xen_evtchn_close((unsigned)local) == 0);
	return check_report();
}

int main(int argc, char **argv)
{
	sem_init_value(&got, 0);
	if (xen_xs_init() == -ENODEV) {
		printf("evtchn_test: no xenstore (dom0 without a toolstack)\n");
		return 1;
	}
	if (argc == 3 && strcmp(argv[1], "serve") == 0)
		return serve(strtoul(argv[2], NULL, 10));
	if (argc == 2 && strcmp(argv[1], "peer") == 0)
		return peer();
	printf("evtchn_test: usage: -- serve PEER_DOMID | -- peer\n");
	return 2;
}
