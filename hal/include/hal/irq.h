/* SPDX-License-Identifier: MIT */
/* hal/irq.h: the two calls a platform makes around every interrupt (or Xen event upcall) so
 * core can switch threads on the way out instead of in the middle of a handler. */
#ifndef HAL_IRQ_H
#define HAL_IRQ_H

#include <stdint.h>

/* Before the first handler runs (interrupts disabled). */
void core_irq_enter(void);

/* After the device is acknowledged and the handlers have run, still on the interrupted
 * thread's stack with its registers saved below: core may switch to another thread here and
 * return only when the interrupted one is resumed. */
void core_irq_exit(void);

/* Device interrupts. A driver attaches a handler to an interrupt source; the platform
 * acknowledges the interrupt controller after the handlers ran. Handlers run in interrupt
 * context with interrupts disabled: they read and clear the device's interrupt status and wake
 * threads (waitq_wake_*, semaphore_post), nothing else. An attached source stays attached for
 * the boot. Sources: a platform interrupt line (an IOAPIC GSI on kvm and baremetal, used by PCI
 * INTx and virtio-mmio) or a message-signalled vector (PCI MSI/MSI-X). */
typedef void (*hal_irq_handler_fn)(void *arg);

#define HAL_IRQ_LEVEL      0x1u /* level-triggered (PCI INTx); else edge (ISA, virtio-mmio) */
#define HAL_IRQ_ACTIVE_LOW 0x2u /* asserted low (PCI INTx); else high */

/* Attach `fn(arg)` to interrupt line `line` with the trigger `flags` (HAL_IRQ_*) and unmask
 * it. A line can be shared: every handler attached to it runs on each interrupt, so a handler
 * must tolerate interrupts its device did not raise. Returns an interrupt number (>= 0) for
 * hal_irq_mask()/hal_irq_unmask(), -EINVAL for a line the platform does not have or a
 * conflicting trigger mode, -ENOSPC when no vector or handler slot is left, -ENODEV on a
 * platform without interrupt lines. Thread context, not from a handler. */
int hal_irq_attach_line(unsigned line, unsigned flags, hal_irq_handler_fn fn, void *arg);

/* The write a device makes to raise a message-signalled interrupt (PCI MSI/MSI-X). */
struct hal_irq_msg {
	uint64_t addr;
	uint32_t data;
};

/* Allocate a message-signalled interrupt delivering to `fn(arg)` and return in *msg the
 * address/data pair to program into the device. Returns the interrupt number (>= 0), -ENOSPC
 * or -ENODEV (no MSI on this platform: use a line). Thread context. */
int hal_irq_attach_msg(hal_irq_handler_fn fn, void *arg, struct hal_irq_msg *msg);

/* Stop and restart delivery of interrupt `irq` (a line's every handler). Any context. */
void hal_irq_mask(int irq);
void hal_irq_unmask(int irq);

/* Core is told when a device interrupt source is attached: from then on a thread blocked with
 * no timer set may still be woken by a device, so "every thread blocked" is no deadlock. */
void core_irq_source_attached(void);

#endif
