/* SPDX-License-Identifier: MIT */
/* xenbus_test.c: the xenbus bus end to end against a backend that dom0's script plays with
 * xenstore-read/-write (tools/xen-tier2 --fake-backend): a frontend of device type "motetest"
 * is set up in the bus's transaction, connected, and closed with the handshake at exit. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/xen/xenbus.h>

#include "image_check.h"

static int setups, connects, shutdowns, releases, losts;
static uint64_t feature;

static int fake_setup(struct xenbus_device *dev, uint32_t tx)
{
	setups++;
	/* What a real frontend publishes for its backend (ring-ref, event-channel ...). */
	int err = xenbus_printf(tx, dev, "ring-ref", "%d", 1234);

	return err ? err : XenbusStateInitialised;
}

static int fake_connected(struct xenbus_device *dev)
{
	connects++;
	/* Published by the backend before Connected; a malformed one must be refused. */
	int err = xenbus_backend_read_u64(dev, "feature-test", 1000, &feature);
	uint64_t bad;

	CHECK(err == 0 && feature == 42);
	CHECK(xenbus_backend_read_u64(dev, "bad-number", 1000, &bad) == -EINVAL);
	CHECK(xenbus_backend_read_u64(dev, "no-such-key", 1000, &bad) == -ENOENT);
	return err;
}

static void fake_shutdown(struct xenbus_device *dev) { shutdowns++; }
static void fake_lost(struct xenbus_device *dev) { losts++; }
static void fake_release(struct xenbus_device *dev) { releases++; }

XENBUS_DRIVER(fake, "motetest", "fakefront", .setup = fake_setup, .connected = fake_connected,
              .shutdown = fake_shutdown, .backend_lost = fake_lost, .release = fake_release);

int main(void)
{
	/* The bus probed before main(): the device is up, set up once, not lost. */
	CHECK(setups == 1);
	CHECK(connects == 1);
	CHECK(losts == 0 && releases == 0);
	if (failed == 0)
		printf("xenbus_test: fakefront connected, feature-test %llu\n", (unsigned long long)feature);
	/* Exit: the bus closes its devices in an exit hook (xenbus.c); dom0's script checks the handshake. */
	return check_report();
}
