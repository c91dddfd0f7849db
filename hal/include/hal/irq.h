/* SPDX-License-Identifier: MIT */
/* hal/irq.h: the two calls a platform makes around every interrupt (or Xen event upcall) so
 * core can switch threads on the way out instead of in the middle of a handler. */
#ifndef HAL_IRQ_H
#define HAL_IRQ_H

/* Before the first handler runs (interrupts disabled). */
void core_irq_enter(void);

/* After the device is acknowledged and the handlers have run, still on the interrupted
 * thread's stack with its registers saved below: core may switch to another thread here and
 * return only when the interrupted one is resumed. */
void core_irq_exit(void);

#endif
