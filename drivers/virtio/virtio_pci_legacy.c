/* SPDX-License-Identifier: MIT */
/* virtio_pci_legacy.c: the legacy (0.9.5) PCI interface in I/O BAR 0 (virtio 1.2 §4.1.4.8,
 * §4.1.5.1.3.1), for transitional devices with the modern interface switched off. Mote uses
 * INTx with it, so the device configuration starts at offset 20 (24 only with MSI-X on). */
#include <errno.h>

#include <arch/io.h>
#include <mote/log.h>

#include "virtio_pci.h"

#define L_HOST_FEATURES  0
#define L_GUEST_FEATURES 4
#define L_QUEUE_PFN      8
#define L_QUEUE_SIZE     12
#define L_QUEUE_SELECT   14
#define L_QUEUE_NOTIFY   16
#define L_STATUS         18
#define L_CONFIG         20
#define L_MIN_SIZE       20
#define L_PFN_SHIFT      12

static uint16_t io_of(struct virtio_dev *dev) { return ((struct virtio_pci *)dev->transport)->io; }

static uint8_t get_status(struct virtio_dev *dev) { return inb((uint16_t)(io_of(dev) + L_STATUS)); }
static void set_status(struct virtio_dev *dev, uint8_t s) { outb((uint16_t)(io_of(dev) + L_STATUS), s); }
static uint64_t get_features(struct virtio_dev *dev) { return inl((uint16_t)(io_of(dev) + L_HOST_FEATURES)); }

static void set_features(struct virtio_dev *dev, uint64_t f)
{
	outl((uint16_t)(io_of(dev) + L_GUEST_FEATURES), (uint32_t)f);
}

static int config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len)
{
	struct virtio_pci *vp = dev->transport;
	uint64_t size = vp->pci->bar[0].size;

	if (L_CONFIG + off > size || len > size - L_CONFIG - off)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = inb((uint16_t)(vp->io + L_CONFIG + off + i));
	return 0;
}

static uint16_t queue_max(struct virtio_dev *dev, unsigned index)
{
	outw((uint16_t)(io_of(dev) + L_QUEUE_SELECT), (uint16_t)index);
	return inw((uint16_t)(io_of(dev) + L_QUEUE_SIZE));
}

static int queue_enable(struct virtio_dev *dev, struct virtq *vq)
{
	/* The legacy interface takes one page frame number for the whole ring (§2.7.2). */
	if (vq->desc_pa >> (32 + L_PFN_SHIFT) || (vq->desc_pa & 4095)) {
		log_err("virtio: %s: ring at %#llx is out of a legacy device's reach", dev->where,
		        (unsigned long long)vq->desc_pa);
		return -EIO;
	}
	outw((uint16_t)(io_of(dev) + L_QUEUE_SELECT), vq->index);
	outl((uint16_t)(io_of(dev) + L_QUEUE_PFN), (uint32_t)(vq->desc_pa >> L_PFN_SHIFT));
	vq->notify_data = vq->index;
	return 0;
}

static void notify(struct virtio_dev *dev, struct virtq *vq)
{
	outw((uint16_t)(io_of(dev) + L_QUEUE_NOTIFY), vq->notify_data);
}

static int no_vectors(struct virtio_pci *vp, uint16_t config, uint16_t queues)
{
	(void)vp, (void)config, (void)queues;
	return -ENOTSUP;
}

static int setup_irq(struct virtio_dev *dev)
{
	return virtio_pci_setup_irq(dev->transport, false, no_vectors);
}

static const struct virtio_transport_ops legacy_ops = {
        .get_status = get_status,
        .set_status = set_status,
        .get_features = get_features,
        .set_features = set_features,
        .config_read = config_read,
        .queue_max = queue_max,
        .queue_enable = queue_enable,
        .notify = notify,
        .setup_irq = setup_irq,
};

int virtio_pci_legacy_init(struct virtio_pci *vp)
{
	struct pci_bar *bar = &vp->pci->bar[0];

	if (!bar->io || bar->addr == 0 || bar->addr > 0xffff || bar->size < L_MIN_SIZE ||
	    bar->addr + bar->size > 0x10000) {
		log_err("virtio: %s: no usable legacy I/O BAR", vp->pci->name);
		return -EIO;
	}
	vp->io = (uint16_t)bar->addr;
	vp->vdev.legacy = true;
	vp->vdev.fixed_queue_size = true;
	vp->vdev.ops = &legacy_ops;
	return 0;
}
