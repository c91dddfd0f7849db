/* SPDX-License-Identifier: MIT */
/* arch/native_irq.h: device interrupts on x86 hardware (kvm, baremetal): the vectors handed to
 * devices, the handlers attached to each, and the I/O APIC that routes interrupt lines. */
#ifndef ARCH_NATIVE_IRQ_H
#define ARCH_NATIVE_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include <hal/irq.h>

/* Vectors given to devices: above the remapped 8259s (0x20-0x2f), below the platform's own
 * (the APIC timer and the spurious vector sit at the top). */
#define NATIVE_IRQ_VECTOR_FIRST 0x30u
#define NATIVE_IRQ_VECTOR_LAST  0xdfu
#define NATIVE_IRQ_HANDLERS     4u /* handlers sharing one vector (a shared INTx line) */

/* A free device vector, marked in use, or -ENOSPC. Thread context. */
int native_irq_alloc_vector(void);

/* Add fn(arg) to the handlers of `vector` (from native_irq_alloc_vector()). 0 or -ENOSPC. */
int native_irq_add_handler(unsigned vector, hal_irq_handler_fn fn, void *arg);

/* Run the handlers of `vector`. Returns how many ran, or -ENOENT for a vector nobody
 * allocated. Interrupt context. */
int native_irq_dispatch(unsigned vector);

/* The MSI message (Intel SDM vol. 3 §11.11) that raises `vector` on the local APIC `apic_id`,
 * edge-triggered, fixed delivery, physical destination. */
void native_irq_msi_msg(unsigned vector, unsigned apic_id, struct hal_irq_msg *msg);

/* One I/O APIC (Intel 82093AA datasheet §3.2), reached through its mapped registers. */
struct native_ioapic {
	volatile uint32_t *regs;
	unsigned gsi_base; /* the first interrupt line it serves */
	unsigned lines;    /* how many, from its version register */
};

/* Read the version register at `regs`; -ENODEV when nothing answers there. All pins start
 * masked. */
int native_ioapic_init(struct native_ioapic *io, volatile uint32_t *regs, unsigned gsi_base);

/* Route pin `pin` to `vector` on local APIC `apic_id` with trigger `flags` (HAL_IRQ_*), masked
 * or not. */
void native_ioapic_route(struct native_ioapic *io, unsigned pin, unsigned vector, unsigned flags,
                         unsigned apic_id, bool masked);
void native_ioapic_mask(struct native_ioapic *io, unsigned pin, bool masked);

/* The trigger flags (HAL_IRQ_*) pin `pin` is programmed with. */
unsigned native_ioapic_flags(struct native_ioapic *io, unsigned pin);

#endif
