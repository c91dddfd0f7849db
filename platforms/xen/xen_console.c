/* SPDX-License-Identifier: MIT */
/* xen_console.c: hal/console.h for Xen PV. dom0 writes through HYPERVISOR_console_io, which
 * reaches Xen's own console (the serial line in the tests); a domU may not (-EPERM on a
 * non-debug Xen) and uses its console ring (public/io/console.h) with the event channel named
 * in start_info, read by xenconsoled in the backend domain. Input is announced by VIRQ_CONSOLE
 * to dom0 (Xen's serial input) and by the ring's event channel to a domU. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <hal/console.h>
#include <hal/irq.h>

#include "xen_hypercall.h"
#include <xen/io/console.h>

#include <mote/xen/evtchn.h>
#include "xen_platform.h"

static struct xencons_interface *ring;
static unsigned ring_port;

void xen_console_init(void)
{
	if (xen_is_dom0())
		return;
	/* The ring is a page of our own memory, so it is mapped at its pseudo-physical address. */
	ring = (struct xencons_interface *)(uintptr_t)(xen_mfn_to_pfn(xen_start_info->console.domU.mfn)
	                                               << 12);
	ring_port = xen_start_info->console.domU.evtchn;
}

/* Put one byte in the output ring, waiting for the backend when it is full. Polling, not
 * waiting for an event: this runs from panic and exception paths with events masked. */
static void ring_put(char c)
{
	while (ring->out_prod - __atomic_load_n(&ring->out_cons, __ATOMIC_ACQUIRE) >=
	       (XENCONS_RING_IDX)sizeof(ring->out)) {
		xen_evtchn_notify(ring_port);
		xen_sched_op(SCHEDOP_yield, NULL);
	}
	ring->out[MASK_XENCONS_IDX(ring->out_prod, ring->out)] = c;
	__atomic_store_n(&ring->out_prod, ring->out_prod + 1, __ATOMIC_RELEASE);
}

void hal_console_write(const char *buf, size_t len)
{
	if (!ring) {
		/* Xen's serial driver adds the "\r" itself. */
		while (len) {
			long n = xen_console_io(CONSOLEIO_write, len, buf);

			if (n <= 0)
				return; /* nowhere to write: nothing else could report it */
			buf += n;
			len -= (size_t)n;
		}
		return;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			ring_put('\r');
		ring_put(buf[i]);
	}
	xen_evtchn_notify(ring_port);
}

long hal_console_read(char *buf, size_t len)
{
	if (!ring) {
		long n = xen_console_io(CONSOLEIO_read, len, buf);

		return n < 0 ? 0 : n;
	}
	XENCONS_RING_IDX cons = ring->in_cons, prod = __atomic_load_n(&ring->in_prod, __ATOMIC_ACQUIRE);
	size_t n = 0;

	while (cons != prod && n < len)
		buf[n++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
	__atomic_store_n(&ring->in_cons, cons, __ATOMIC_RELEASE);
	if (n)
		xen_evtchn_notify(ring_port);
	return (long)n;
}

static void (*input_fn)(void *arg);
static void *input_arg;

/* Any event on the port: input, or the backend having taken output. The reader checks. */
static void console_event(unsigned port, void *arg) { input_fn(input_arg); }

int hal_console_input_notify(void (*fn)(void *arg), void *arg)
{
	int err;

	if (input_fn != NULL)
		return -EBUSY;
	input_fn = fn;
	input_arg = arg;
	if (ring) {
		err = xen_evtchn_bind(ring_port, console_event, NULL);
	} else {
		/* Xen raises VIRQ_CONSOLE (a global VIRQ, bound on vCPU 0) when its serial input
		 * has something for dom0 to read with CONSOLEIO_read. It comes from a device as
		 * much as an event channel would: a thread may sleep on it alone. */
		err = xen_evtchn_bind_virq(VIRQ_CONSOLE, console_event, NULL);
		if (err > 0) {
			core_irq_source_attached();
			err = 0;
		}
	}
	if (err < 0)
		input_fn = NULL;
	return err;
}
