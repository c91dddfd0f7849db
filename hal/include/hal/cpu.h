/* SPDX-License-Identifier: MIT */
/* hal/cpu.h: interrupt state and waiting on the one CPU Mote runs on. On Xen PV these are
 * event-channel upcall masks and SCHEDOP_block; on kvm and baremetal cli/sti/hlt. */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdint.h>

/* Opaque saved interrupt state; only hal_irq_restore() may interpret it. */
typedef unsigned long hal_irq_state_t;

/* Disable interrupt (event) delivery and return the previous state. Nests.
 * Safe anywhere, including interrupt context. */
hal_irq_state_t hal_irq_save(void);

/* Restore the state returned by the matching hal_irq_save(). If that re-enables delivery,
 * anything that became pending meanwhile is delivered before this returns. */
void hal_irq_restore(hal_irq_state_t state);

/* Enable interrupt delivery unconditionally (used once by core at the end of boot). */
void hal_irq_enable(void);

/* Is delivery currently enabled? */
int hal_irq_enabled(void);

/* With interrupts disabled on entry: atomically enable them and wait until one arrives, then
 * return with them disabled again. The interrupt's handler has run when this returns. Used by
 * the idle loop; never called from interrupt context. */
void hal_cpu_idle(void);

/* A hint inside busy-wait loops (pause on x86). */
void hal_cpu_relax(void);

/* Set the thread-pointer base register (FS base on x86_64) for TLS. May be a hypercall. */
void hal_tls_set_base(uintptr_t base);

#endif
