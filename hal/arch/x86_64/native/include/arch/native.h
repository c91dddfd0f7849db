/* SPDX-License-Identifier: MIT */
/* arch/native.h: set-up that only a platform running on real or fully virtualized x86 hardware
 * does itself (kvm, baremetal). Xen PV gets these services from the hypervisor instead. */
#ifndef ARCH_NATIVE_H
#define ARCH_NATIVE_H

#include <stdint.h>

/* Load Mote's GDT, a TSS with separate IST stacks for double fault and NMI (so a stack overflow
 * or an NMI on a broken stack is still reported), and an IDT routing every exception to
 * arch_trap(). Page faults and interrupts arrive on IST stacks too: a thread's stack may have
 * pages not committed yet (hal_mem_reserve), and the CPU must never need one of those to
 * deliver an event. A page fault is handled there and returns to the faulting instruction; an
 * interrupt moves onto the interrupted stack at once, where a missing page is an ordinary page
 * fault. Interrupts stay disabled. */
void native_desc_init(void);

/* The platform's page-fault hook, on the page-fault IST stack with interrupts off: 0 when it
 * has made the page at `va` present (the stub then retries the instruction), a negative errno
 * when the fault is fatal (arch_trap() reports it). */
int native_page_fault(uintptr_t va, uint64_t error_code);

/* Enable the FPU and SSE (CR0, CR4): newlib and applications use SSE registers. */
void native_fpu_init(void);

/* Route interrupt `vector` (32-255) to the platform's native_irq(). Interrupts stay disabled
 * while it runs; the stub saves every register and returns with iretq. */
void native_route_irq(unsigned vector);

/* The platform's interrupt handler: acknowledge the device, call core, return. */
void native_irq(unsigned vector);

#endif
