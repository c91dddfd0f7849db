/* SPDX-License-Identifier: MIT */
/* netdev.c: core's registry of network devices (mote/netdev.h). Drivers register at boot, the
 * network stack looks devices up by index. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/log.h>
#include <mote/netdev.h>

static struct netdev *devices[NETDEV_MAX];
static unsigned ndevices;

static bool mac_valid(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	/* Bit 0 of the first byte marks a group (multicast or broadcast) address. */
	return (mac[0] & 1) == 0 && memcmp(mac, zero, 6) != 0;
}

int netdev_register(struct netdev *dev)
{
	if (!dev || !dev->ops || !dev->ops->open || !dev->ops->transmit)
		return -EINVAL;
	if (dev->name[0] == '\0' || memchr(dev->name, '\0', NETDEV_NAME_MAX) == NULL)
		return -EINVAL;
	if (!mac_valid(dev->mac) || dev->mtu == 0)
		return -EINVAL;

	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	for (unsigned i = 0; i < ndevices && err == 0; i++)
		if (devices[i] == dev || strcmp(devices[i]->name, dev->name) == 0)
			err = -EEXIST;
	if (err == 0 && ndevices == NETDEV_MAX)
		err = -ENOSPC;
	if (err == 0)
		devices[ndevices++] = dev;
	hal_irq_restore(s);
	if (err == 0)
		log_info("netdev: %s %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s", dev->name, dev->mac[0],
		         dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5], dev->mtu,
		         dev->link_up ? "up" : "down");
	return err;
}

struct netdev *netdev_get(unsigned index)
{
	hal_irq_state_t s = hal_irq_save();
	struct netdev *dev = index < ndevices ? devices[index] : NULL;

	hal_irq_restore(s);
	return dev;
}

unsigned netdev_count(void) { return __atomic_load_n(&ndevices, __ATOMIC_ACQUIRE); }
