/* SPDX-License-Identifier: MIT */
/* xen_cpu.c: hal/cpu.h for Xen PV. "Interrupts" are event-channel upcalls, switched off and on
 * by the vCPU's evtchn_upcall_mask in the shared info page; idling is SCHEDOP_block; the FS
 * base is set by HYPERVISOR_set_segment_base because a PV kernel may not write MSRs. */
#include <hal/cpu.h>
#include <mote/panic.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

#define barrier() __asm__ volatile("" ::: "memory")

/* Events that arrived while masked are delivered on the way back from any hypercall; this one
 * has no other effect. */
static void deliver_pending(void) { xen_xen_version(XENVER_version, NULL); }

hal_irq_state_t hal_irq_save(void)
{
	struct vcpu_info *v = xen_vcpu();
	hal_irq_state_t was_enabled = !v->evtchn_upcall_mask;

	v->evtchn_upcall_mask = 1;
	barrier();
	return was_enabled;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state)
		hal_irq_enable();
}

void hal_irq_enable(void)
{
	struct vcpu_info *v = xen_vcpu();

	barrier();
	v->evtchn_upcall_mask = 0;
	barrier(); /* unmask, then look: an event set in between is still seen here */
	if (v->evtchn_upcall_pending)
		deliver_pending();
}

int hal_irq_enabled(void) { return !xen_vcpu()->evtchn_upcall_mask; }

void hal_cpu_idle(void)
{
	/* SCHEDOP_block clears the upcall mask itself and returns at once when an event is already
	 * pending, so nothing can arrive unseen between the check and the sleep. The event's upcall
	 * runs on the way out of the hypercall, before the mask is set again. */
	xen_sched_op(SCHEDOP_block, NULL);
	xen_vcpu()->evtchn_upcall_mask = 1;
	barrier();
}

void hal_cpu_relax(void) { __asm__ volatile("pause"); }

void hal_tls_set_base(uintptr_t base)
{
	if (xen_set_segment_base(SEGBASE_FS, base) < 0)
		panic("xen: set_segment_base(FS, %p) failed", (void *)base);
}
