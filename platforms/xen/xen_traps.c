/* SPDX-License-Identifier: MIT */
/* xen_traps.c: the PV "IDT": a trap table handed to Xen (HYPERVISOR_set_trap_table) routing
 * every exception to the stubs of xen_trap_entry.S, and the event and failsafe callbacks
 * (CALLBACKOP_register). Exceptions reach core through arch_trap() exactly as on kvm. */
#include <stddef.h>

#include <arch/trap.h>
#include <hal/power.h>
#include <mote/panic.h>
#include <mote/status.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

#define XEN_TRAP_VECTORS 20
#define TI_MASK_EVENTS   4 /* trap_info.flags bit 2: mask events on entry */

extern const uintptr_t xen_trap_stubs[XEN_TRAP_VECTORS];
void xen_upcall_entry(void);
void xen_failsafe_entry(void);

/* Returns only for a first touch of the lazily filled map of RAM, now mapped: the stub then
 * resumes the faulting instruction. Every other exception is fatal. */
void xen_trap(struct arch_trap_frame *frame);
void xen_trap(struct arch_trap_frame *frame)
{
	/* A PV guest cannot read CR2: Xen stores the page-fault address in the vCPU info. */
	uint64_t addr = xen_vcpu()->arch.cr2;

	if (frame->vector == X86_EXC_PF && xen_mm_fault(addr, frame->error_code) == 0)
		return;
	arch_trap(frame, addr);
}

void xen_failsafe(void) __attribute__((noreturn));
void xen_failsafe(void) { panic("xen: failsafe callback: Xen could not restore segment registers"); }

void xen_traps_init(void)
{
	static struct trap_info table[XEN_TRAP_VECTORS + 1];
	unsigned n = 0;

	for (unsigned v = 0; v < XEN_TRAP_VECTORS; v++) {
		if (v == X86_EXC_NMI)
			continue; /* PV NMIs come through the NMI callback, which Mote does not use */
		/* DPL 3 for int3 so a breakpoint instruction traps into the same report; the
		 * others are reachable only by the CPU. Every handler runs with events masked. */
		table[n++] = (struct trap_info){
		        .vector = (uint8_t)v,
		        .flags = (uint8_t)(TI_MASK_EVENTS | (v == X86_EXC_BP ? 3 : 0)),
		        .cs = FLAT_KERNEL_CS,
		        .address = xen_trap_stubs[v],
		};
	}
	table[n] = (struct trap_info){0}; /* address 0 ends the table */
	if (xen_set_trap_table(table) < 0)
		panic("xen: HYPERVISOR_set_trap_table failed");

	struct callback_register event = {
	        .type = CALLBACKTYPE_event,
	        .flags = CALLBACKF_mask_events,
	        .address = (uintptr_t)xen_upcall_entry,
	};
	struct callback_register failsafe = {
	        .type = CALLBACKTYPE_failsafe,
	        .flags = CALLBACKF_mask_events,
	        .address = (uintptr_t)xen_failsafe_entry,
	};
	if (xen_callback_op(CALLBACKOP_register, &event) < 0 ||
	    xen_callback_op(CALLBACKOP_register, &failsafe) < 0)
		panic("xen: registering the event callbacks failed");
}
