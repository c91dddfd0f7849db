/* SPDX-License-Identifier: MIT */
/* arch/native.h: set-up that only a platform running on real or fully virtualized x86 hardware
 * does itself (kvm, baremetal). Xen PV gets these services from the hypervisor instead. */
#ifndef ARCH_NATIVE_H
#define ARCH_NATIVE_H

/* Load Mote's GDT, a TSS with separate IST stacks for double fault and NMI (so a stack overflow
 * or an NMI on a broken stack is still reported), and an IDT routing every exception to
 * arch_trap(). Interrupts stay disabled. */
void native_desc_init(void);

/* Enable the FPU and SSE (CR0, CR4): newlib and applications use SSE registers. */
void native_fpu_init(void);

/* Route interrupt `vector` (32-255) to the platform's native_irq(). Interrupts stay disabled
 * while it runs; the stub saves every register and returns with iretq. */
void native_route_irq(unsigned vector);

/* The platform's interrupt handler: acknowledge the device, call core, return. */
void native_irq(unsigned vector);

#endif
