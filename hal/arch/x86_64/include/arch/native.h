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

#endif
