/* SPDX-License-Identifier: MIT */
/* device.c: boot-time device discovery: run every bus's probe (mote/device.h). */
#include <mote/device.h>
#include <mote/log.h>

/* Weak: an image for a platform without any bus has no such section at all. */
extern const struct device_bus __start_mote_device_buses[] __attribute__((weak));
extern const struct device_bus __stop_mote_device_buses[] __attribute__((weak));

void device_probe_all(void)
{
	for (const struct device_bus *b = __start_mote_device_buses; b < __stop_mote_device_buses; b++) {
		log_debug("device: probing %s", b->name);
		b->probe();
	}
}
