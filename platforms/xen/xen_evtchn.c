/* SPDX-License-Identifier: MIT */
/* xen_evtchn.c: event channels (public/event_channel.h, the 2-level ABI): opening, binding and
 * closing VIRQ and interdomain ports, masking through the shared info page's bitmaps, and the
 * upcall that scans the pending bitmaps and dispatches between core_irq_enter/core_irq_exit. */
#include <errno.h>
#include <stddef.h>

#include <hal/cpu.h>
#include <hal/irq.h>
#include <mote/log.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

#define BITS_PER_WORD    (sizeof(xen_ulong_t) * 8)
#define XEN_EVTCHN_PORTS (sizeof(((struct shared_info *)0)->evtchn_pending) * 8)

struct binding {
	xen_evtchn_handler_fn handler;
	void *arg;
};

static struct binding bindings[XEN_EVTCHN_PORTS];

static void word_set(xen_ulong_t *w, unsigned bit)
{
	__atomic_fetch_or(w, (xen_ulong_t)1 << bit, __ATOMIC_SEQ_CST);
}
static void word_clear(xen_ulong_t *w, unsigned bit)
{
	__atomic_fetch_and(w, ~((xen_ulong_t)1 << bit), __ATOMIC_SEQ_CST);
}

void xen_evtchn_init(void)
{
	for (unsigned i = 0; i < XEN_EVTCHN_PORTS / BITS_PER_WORD; i++)
		xen_shared_info->evtchn_mask[i] = ~(xen_ulong_t)0;
}

void xen_evtchn_mask(unsigned port)
{
	if (port < XEN_EVTCHN_PORTS)
		word_set(&xen_shared_info->evtchn_mask[port / BITS_PER_WORD], port % BITS_PER_WORD);
}

void xen_evtchn_unmask(unsigned port)
{
	if (port >= XEN_EVTCHN_PORTS)
		return;
	/* Through the hypercall: Xen re-raises the upcall if the port became pending while masked,
	 * which clearing the bit by hand would lose. */
	evtchn_unmask_t op = {.port = port};

	xen_event_channel_op(EVTCHNOP_unmask, &op);
}

static int bind_port(unsigned port, xen_evtchn_handler_fn handler, void *arg)
{
	if (port >= XEN_EVTCHN_PORTS || !handler)
		return -EINVAL;
	hal_irq_state_t s = hal_irq_save();

	bindings[port] = (struct binding){handler, arg};
	hal_irq_restore(s);
	xen_evtchn_unmask(port);
	return 0;
}

int xen_evtchn_bind(unsigned port, xen_evtchn_handler_fn handler, void *arg)
{
	int err = bind_port(port, handler, arg);

	/* Another domain can now wake a blocked thread: all threads blocked with no timer set is
	 * no longer a deadlock (hal/irq.h). */
	if (err == 0)
		core_irq_source_attached();
	return err;
}

int xen_evtchn_bind_virq(unsigned virq, xen_evtchn_handler_fn handler, void *arg)
{
	evtchn_bind_virq_t op = {.virq = virq, .vcpu = 0};
	long err = xen_event_channel_op(EVTCHNOP_bind_virq, &op);

	if (err < 0)
		return (int)err;
	/* VIRQs come from Xen itself (the timer): they are not device sources. */
	err = bind_port(op.port, handler, arg);
	return err < 0 ? (int)err : (int)op.port;
}

/* A new interdomain port: attach its handler and count it as a device source. */
static int bind_new_port(unsigned port, xen_evtchn_handler_fn handler, void *arg)
{
	int err = xen_evtchn_bind(port, handler, arg);

	if (err < 0) {
		evtchn_close_t op = {.port = port};

		xen_event_channel_op(EVTCHNOP_close, &op);
		return err;
	}
	return (int)port;
}

int xen_evtchn_alloc_unbound(uint16_t remote_domid, xen_evtchn_handler_fn handler, void *arg)
{
	if (!handler)
		return -EINVAL;
	evtchn_alloc_unbound_t op = {.dom = DOMID_SELF, .remote_dom = remote_domid};
	long err = xen_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	if (err < 0)
		return (int)err;
	return bind_new_port(op.port, handler, arg);
}

int xen_evtchn_bind_interdomain(uint16_t remote_domid, unsigned remote_port, xen_evtchn_handler_fn handler,
                                void *arg)
{
	/* The remote port comes from another domain (through xenstore): check it here too. */
	if (!handler || remote_port == 0 || remote_port >= XEN_EVTCHN_PORTS)
		return -EINVAL;
	evtchn_bind_interdomain_t op = {.remote_dom = remote_domid, .remote_port = remote_port};
	long err = xen_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	if (err < 0)
		return (int)err;
	return bind_new_port(op.local_port, handler, arg);
}

int xen_evtchn_close(unsigned port)
{
	if (port == 0 || port >= XEN_EVTCHN_PORTS)
		return -EINVAL;
	/* Masked and detached first, so no event of the closing port reaches a stale handler; a
	 * later owner of the same port number unmasks it when it binds. */
	xen_evtchn_mask(port);
	hal_irq_state_t s = hal_irq_save();

	bindings[port] = (struct binding){NULL, NULL};
	hal_irq_restore(s);
	evtchn_close_t op = {.port = port};
	long err = xen_event_channel_op(EVTCHNOP_close, &op);

	word_clear(&xen_shared_info->evtchn_pending[port / BITS_PER_WORD], port % BITS_PER_WORD);
	return (int)err;
}

int xen_evtchn_notify(unsigned port)
{
	evtchn_send_t op = {.port = port};

	return (int)xen_event_channel_op(EVTCHNOP_send, &op);
}

void xen_evtchn_upcall(void)
{
	struct vcpu_info *v = xen_vcpu();

	core_irq_enter();
	while (__atomic_load_n(&v->evtchn_upcall_pending, __ATOMIC_SEQ_CST)) {
		v->evtchn_upcall_pending = 0;
		/* Which words have pending ports; Xen sets the selector bit before the flag. */
		xen_ulong_t sel = __atomic_exchange_n(&v->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);

		while (sel) {
			unsigned w = (unsigned)__builtin_ctzl(sel);
			xen_ulong_t ready;

			sel &= sel - 1;
			while ((ready = xen_shared_info->evtchn_pending[w] &
			                ~xen_shared_info->evtchn_mask[w])) {
				unsigned bit = (unsigned)__builtin_ctzl(ready);
				unsigned port = w * BITS_PER_WORD + bit;

				word_clear(&xen_shared_info->evtchn_pending[w], bit);
				if (bindings[port].handler)
					bindings[port].handler(port, bindings[port].arg);
				else
					xen_evtchn_mask(port); /* nobody listens: keep it quiet */
			}
		}
	}
	core_irq_exit();
}
