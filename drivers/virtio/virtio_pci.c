/* SPDX-License-Identifier: MIT */
/* virtio_pci.c: finding virtio devices on PCI (virtio 1.2 §4.1.2) and their interrupts: MSI-X
 * with one vector for configuration changes and one for the queues, else INTx through the
 * interrupt controller with the ISR status telling which (§4.1.4.5). */
#include <errno.h>

#include <arch/io.h>

#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>

#include "virtio_pci.h"

#define VIRTIO_PCI_VENDOR    0x1af4
#define VIRTIO_PCI_ID_FIRST  0x1000
#define VIRTIO_PCI_ID_MODERN 0x1040
#define VIRTIO_PCI_ID_LAST   0x107f
#define VIRTIO_ISR_QUEUE     0x1
#define VIRTIO_ISR_CONFIG    0x2
#define VIRTIO_MSI_NO_VECTOR 0xffff

#define LEGACY_ISR 19 /* §4.1.4.8: the ISR status in the legacy I/O BAR */

uint8_t virtio_pci_read_isr(struct virtio_pci *vp)
{
	return vp->isr ? *vp->isr : inb((uint16_t)(vp->io + LEGACY_ISR));
}

static bool virtio_pci_match(const struct pci_dev *d)
{
	return d->vendor == VIRTIO_PCI_VENDOR && d->device >= VIRTIO_PCI_ID_FIRST &&
	       d->device <= VIRTIO_PCI_ID_LAST;
}

static void intx_handler(void *arg)
{
	struct virtio_pci *vp = arg;
	uint8_t isr = virtio_pci_read_isr(vp);

	/* 0: the shared line was raised by another device. */
	virtio_interrupt(&vp->vdev, isr & VIRTIO_ISR_QUEUE, isr & VIRTIO_ISR_CONFIG);
}

static void msix_config_handler(void *arg) { virtio_interrupt(arg, false, true); }
static void msix_queue_handler(void *arg) { virtio_interrupt(arg, true, false); }
static void msix_both_handler(void *arg) { virtio_interrupt(arg, true, true); }

static int setup_msix(struct virtio_pci *vp, int (*set_vectors)(struct virtio_pci *, uint16_t, uint16_t))
{
	struct hal_irq_msg msg;
	int err;

	if (pci_msix_init(vp->pci, &vp->msix) < 0)
		return -ENODEV;
	if (vp->msix.entries >= 2) {
		if ((err = hal_irq_attach_msg(msix_config_handler, &vp->vdev, &msg)) < 0)
			return err;
		pci_msix_set(&vp->msix, 0, &msg);
		if ((err = hal_irq_attach_msg(msix_queue_handler, &vp->vdev, &msg)) < 0)
			return err;
		pci_msix_set(&vp->msix, 1, &msg);
		pci_msix_enable(vp->pci, &vp->msix, true);
		err = set_vectors(vp, 0, 1);
	} else {
		if ((err = hal_irq_attach_msg(msix_both_handler, &vp->vdev, &msg)) < 0)
			return err;
		pci_msix_set(&vp->msix, 0, &msg);
		pci_msix_enable(vp->pci, &vp->msix, true);
		err = set_vectors(vp, 0, 0);
	}
	if (err < 0) {
		/* The device could not map the vectors (§4.1.5.1.2): back to INTx. The MSI
		 * vectors stay allocated but are never raised. */
		pci_msix_enable(vp->pci, &vp->msix, false);
		return err;
	}
	vp->msix_on = true;
	return 0;
}

int virtio_pci_setup_irq(struct virtio_pci *vp, bool msix_ok,
                         int (*set_vectors)(struct virtio_pci *vp, uint16_t config, uint16_t queues))
{
	if (msix_ok && setup_msix(vp, set_vectors) == 0) {
		log_debug("virtio: %s: MSI-X", vp->vdev.where);
		return 0;
	}
	int irq = pci_intx_attach(vp->pci, intx_handler, vp);

	if (irq < 0)
		return irq;
	log_debug("virtio: %s: INTx on line %d", vp->vdev.where, irq);
	return 0;
}

static int virtio_pci_probe(struct pci_dev *d)
{
	/* The devices stay for the boot: one page holds the transport state. */
	struct virtio_pci *vp = mm_alloc_pages(0);

	_Static_assert(sizeof(struct virtio_pci) <= 4096, "one page");
	if (!vp)
		return -ENOMEM;
	vp->pci = d;
	vp->vdev.transport = vp;
	fmt_snprintf(vp->vdev.where, sizeof(vp->vdev.where), "%s", d->name);
	/* §4.1.2.1: 0x1040 + type for modern-only devices, else the subsystem ID. */
	vp->vdev.device_id = d->device >= VIRTIO_PCI_ID_MODERN ? (uint16_t)(d->device - VIRTIO_PCI_ID_MODERN)
	                                                       : d->subsys_device;
	pci_enable(d);
	int err = virtio_pci_modern_init(vp);

	if (err == -ENODEV && d->device < VIRTIO_PCI_ID_MODERN)
		err = virtio_pci_legacy_init(vp);
	if (err < 0) {
		mm_free_pages(vp, 0);
		return err;
	}
	/* From here interrupt handlers may hold vp: it is never freed, even on failure. */
	return virtio_attach(&vp->vdev);
}
PCI_DRIVER(virtio_pci, "virtio-pci", virtio_pci_match, virtio_pci_probe);
