/* SPDX-License-Identifier: MIT */
/* mote/device.h: device discovery at boot. Each bus (PCI, virtio-mmio devices named on the
 * command line, later xenbus) declares a probe function with DEVICE_BUS(); core calls them all
 * once the scheduler runs and before main(), and the drivers they find register their devices
 * with a class registry (mote/netdev.h, mote/entropy.h). */
#ifndef MOTE_DEVICE_H
#define MOTE_DEVICE_H

struct device_bus {
	const char *name; /* "pci", "virtio-mmio" */
	/* Find the bus's devices and attach drivers to them. A device that fails is reported
	 * and skipped; the bus never stops boot. Thread context, interrupts enabled. */
	void (*probe)(void);
};

/* Declare a bus; the list is the linker section "mote_device_buses". */
#define DEVICE_BUS(ident, busname, probefn)                                                      \
	static const struct device_bus device_bus_##ident                                        \
	        __attribute__((used, section("mote_device_buses"), aligned(sizeof(void *)))) = { \
	                .name = busname, .probe = probefn}

/* Probe every bus in the image, in link order. Called once by core_main(). */
void device_probe_all(void);

#endif
