/* SPDX-License-Identifier: MIT */
/* virtio_pci.h: what the PCI transport's files share (virtio 1.2 §4.1). */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <pci/pci.h>
#include <virtio/virtio.h>

struct virtio_pci {
	struct virtio_dev vdev;
	struct pci_dev *pci;
	/* Modern (§4.1.4): the structures the vendor capabilities point at. */
	volatile uint8_t *common, *isr, *device, *notify;
	uint32_t device_len, notify_len, notify_mult;
	/* Legacy (§4.1.4.8): the I/O port base of BAR 0 and where its device config starts. */
	uint16_t io;
	struct pci_msix msix;
	bool msix_on;
};

/* Set up the modern or the legacy interface. 0, -ENODEV (not offered) or -EIO (malformed). */
int virtio_pci_modern_init(struct virtio_pci *vp);
int virtio_pci_legacy_init(struct virtio_pci *vp);

/* Attach the interrupts: MSI-X when `msix_ok` and the device has it, else INTx. For MSI-X,
 * set_vectors() programs the device's config and queue vectors (entry numbers). */
int virtio_pci_setup_irq(struct virtio_pci *vp, bool msix_ok,
                         int (*set_vectors)(struct virtio_pci *vp, uint16_t config, uint16_t queues));

/* The ISR status byte (§4.1.4.5), read for INTx; reading it clears it. */
uint8_t virtio_pci_read_isr(struct virtio_pci *vp);

#endif
