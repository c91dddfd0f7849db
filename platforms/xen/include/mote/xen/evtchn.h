/* SPDX-License-Identifier: MIT */
/* mote/xen/evtchn.h: event channels (public/event_channel.h) for the platform and for the split-driver
 * frontends (netfront, blkfront): new interdomain channels, binding, notify, mask and close. */
#ifndef MOTE_XEN_EVTCHN_H
#define MOTE_XEN_EVTCHN_H

#include <stdint.h>

/* A handler runs in interrupt context (between core_irq_enter and core_irq_exit) with events
 * masked: it may post a semaphore or signal a waitq, not block. Handlers of every channel, the
 * VIRQs' and the console's included, go through the one upcall dispatch of xen_evtchn.c. */
typedef void (*xen_evtchn_handler_fn)(unsigned port, void *arg);

/* Open a new channel that domain `remote_domid` may bind to (EVTCHNOP_alloc_unbound), with
 * `handler(port, arg)` attached and the port unmasked. The frontend publishes the returned port
 * (in xenstore) for the backend. Returns the local port (> 0) or a negative errno: -ENOSPC when
 * no port is left, -ESRCH for no such domain, -EPERM when Xen refuses. Thread context. */
int xen_evtchn_alloc_unbound(uint16_t remote_domid, xen_evtchn_handler_fn handler, void *arg);

/* Connect to port `remote_port` that domain `remote_domid` allocated unbound for us
 * (EVTCHNOP_bind_interdomain), with the handler attached and the new local port unmasked.
 * Xen raises the new port once at once (notifications sent to the unbound port are not kept),
 * so the handler runs soon after: treat it as "look at the shared ring". Returns the local port
 * (> 0), or a negative errno (-EINVAL for a port that is not unbound for us, which a peer can
 * cause: report it, do not assert). Thread context. */
int xen_evtchn_bind_interdomain(uint16_t remote_domid, unsigned remote_port, xen_evtchn_handler_fn handler,
                                void *arg);

/* Attach a handler to a port Xen or the toolstack already set up (the console's and the
 * store's, from start_info) and unmask it. 0 or -EINVAL. */
int xen_evtchn_bind(unsigned port, xen_evtchn_handler_fn handler, void *arg);

/* Bind virtual interrupt `virq` of vCPU 0 (VIRQ_TIMER ...). Returns the port or a -errno. */
int xen_evtchn_bind_virq(unsigned virq, xen_evtchn_handler_fn handler, void *arg);

/* Detach the handler and close the port (EVTCHNOP_close); the peer's end becomes unbound and
 * its notifications are dropped. The port number may be handed out again. 0 or a -errno
 * (-EINVAL for a port that is not open). Thread context. */
int xen_evtchn_close(unsigned port);

/* Raise the event at the other end of `port` (EVTCHNOP_send). Events do not queue: several
 * notifications before the peer's handler runs are seen as one. 0 or a -errno. Any context. */
int xen_evtchn_notify(unsigned port);

/* Stop and restart delivery on one port; an event raised while masked is delivered on unmask. */
void xen_evtchn_mask(unsigned port);
void xen_evtchn_unmask(unsigned port);

#endif
