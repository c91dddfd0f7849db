/* SPDX-License-Identifier: MIT */
/* xen_power.c: hal/power.h for Xen PV: SCHEDOP_shutdown with reason poweroff for status 0 and
 * crash otherwise, so a toolstack's on_poweroff/on_crash policy tells success from failure (the
 * status itself is on the console). As dom0, which Mote only is under the test harness (Xen in
 * QEMU), the status also goes to QEMU's isa-debug-exit port after PHYSDEVOP_set_iopl, because
 * Xen halts or reboots the whole machine when its hardware domain shuts down. (The xenbus
 * devices are closed before this, by an exit hook in xenbus.c.) */
#include <arch/io.h>
#include <hal/power.h>
#include <mote/log.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

#define DEBUG_EXIT_PORT 0xf4

static void debug_exit(int status)
{
	struct physdev_set_iopl iopl = {.iopl = 1};

	if (!xen_is_dom0() || xen_physdev_op(PHYSDEVOP_set_iopl, &iopl) < 0)
		return;
	/* Xen emulates the port write for dom0 (its virtual IOPL now allows it); QEMU exits. */
	outb(DEBUG_EXIT_PORT, (uint8_t)status);
}

static void shutdown(unsigned reason) __attribute__((noreturn));
static void shutdown(unsigned reason)
{
	struct sched_shutdown s = {.reason = reason};

	for (;;)
		xen_sched_op(SCHEDOP_shutdown, &s);
}

void hal_poweroff(int status)
{
	debug_exit(status);
	shutdown(status == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}

void hal_crash(int status)
{
	debug_exit(status);
	shutdown(SHUTDOWN_crash);
}

void hal_reboot(void) { shutdown(SHUTDOWN_reboot); }
