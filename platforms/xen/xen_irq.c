/* SPDX-License-Identifier: MIT */
/* xen_irq.c: hal/irq.h's device interrupts on Xen PV, which has no interrupt lines and no
 * message-signalled interrupts for a PV guest: its devices (netfront, blkfront) signal through
 * event channels, bound inside the platform with xen_evtchn_bind(). A driver asking for a line
 * or an MSI is told so (-ENODEV), as the contract says for such a platform. */
#include <errno.h>

#include <hal/irq.h>

int hal_irq_attach_line(unsigned line, unsigned flags, hal_irq_handler_fn fn, void *arg)
{
	(void)line, (void)flags, (void)fn, (void)arg;
	return -ENODEV;
}

int hal_irq_attach_msg(hal_irq_handler_fn fn, void *arg, struct hal_irq_msg *msg)
{
	(void)fn, (void)arg, (void)msg;
	return -ENODEV;
}

/* No interrupt number is ever handed out here, so there is nothing to mask or unmask. */
void hal_irq_mask(int irq) { (void)irq; }
void hal_irq_unmask(int irq) { (void)irq; }
