/* SPDX-License-Identifier: MIT */
/* xen_timer.c: the tickless one-shot timer of hal/time.h on Xen PV: VCPUOP_set_singleshot_timer
 * at an absolute system time, its expiry arriving as VIRQ_TIMER. The periodic timer Xen starts
 * every PV vCPU with is stopped, so nothing fires but the deadline asked for. */
#include <hal/time.h>
#include <mote/panic.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

static int timer_port = -1;

static void timer_event(unsigned port, void *arg)
{
	(void)port, (void)arg;
	core_timer_expired();
}

static void timer_init(void)
{
	xen_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
	timer_port = xen_evtchn_bind_virq(VIRQ_TIMER, timer_event, NULL);
	if (timer_port < 0)
		panic("xen: cannot bind VIRQ_TIMER (error %d)", timer_port);
}

void hal_timer_oneshot(uint64_t deadline_ns)
{
	if (timer_port < 0) {
		if (deadline_ns == HAL_TIMER_OFF)
			return; /* nothing armed yet: no reason to set the timer up */
		timer_init();
	}
	if (deadline_ns == HAL_TIMER_OFF) {
		xen_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL);
		return;
	}
	/* Without VCPU_SSHOTTMR_future a deadline already past fires at once, as the HAL wants. */
	struct vcpu_set_singleshot_timer t = {
	        .timeout_abs_ns = xen_monotonic_to_system(deadline_ns),
	        .flags = 0,
	};
	long err = xen_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);

	if (err < 0)
		panic("xen: VCPUOP_set_singleshot_timer failed (error %ld)", err);
}
