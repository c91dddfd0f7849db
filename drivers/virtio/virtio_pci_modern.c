/* SPDX-License-Identifier: MIT */
/* virtio_pci_modern.c: the virtio 1.x PCI interface (virtio 1.2 §4.1.4): common, notify, ISR
 * and device configuration structures found through vendor-specific capabilities. */
#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "virtio_pci.h"

#define CAP_COMMON 1
#define CAP_NOTIFY 2
#define CAP_ISR    3
#define CAP_DEVICE 4

/* struct virtio_pci_common_cfg, §4.1.4.3 */
#define COMMON_DFSELECT      0
#define COMMON_DF            4
#define COMMON_GFSELECT      8
#define COMMON_GF            12
#define COMMON_MSIX          16
#define COMMON_NUMQ          18
#define COMMON_STATUS        20
#define COMMON_CFGGENERATION 21
#define COMMON_Q_SELECT      22
#define COMMON_Q_SIZE        24
#define COMMON_Q_MSIX        26
#define COMMON_Q_ENABLE      28
#define COMMON_Q_NOFF        30
#define COMMON_Q_DESCLO      32
#define COMMON_Q_AVAILLO     40
#define COMMON_Q_USEDLO      48
#define COMMON_LEN           56

#define MSI_NO_VECTOR 0xffff

static struct virtio_pci *vp_of(struct virtio_dev *dev) { return dev->transport; }

static void w8(volatile uint8_t *b, unsigned off, uint8_t v) { *(volatile uint8_t *)(b + off) = v; }
static void w16(volatile uint8_t *b, unsigned off, uint16_t v) { *(volatile uint16_t *)(b + off) = v; }
static void w32(volatile uint8_t *b, unsigned off, uint32_t v) { *(volatile uint32_t *)(b + off) = v; }
static uint8_t r8(volatile uint8_t *b, unsigned off) { return *(volatile uint8_t *)(b + off); }
static uint16_t r16(volatile uint8_t *b, unsigned off) { return *(volatile uint16_t *)(b + off); }
static uint32_t r32(volatile uint8_t *b, unsigned off) { return *(volatile uint32_t *)(b + off); }

/* 64-bit fields as two 32-bit writes, low first (§4.1.3.1). */
static void w64(volatile uint8_t *b, unsigned off, uint64_t v)
{
	w32(b, off, (uint32_t)v);
	w32(b, off + 4, (uint32_t)(v >> 32));
}

static uint8_t get_status(struct virtio_dev *dev) { return r8(vp_of(dev)->common, COMMON_STATUS); }

static void set_status(struct virtio_dev *dev, uint8_t s)
{
	w8(vp_of(dev)->common, COMMON_STATUS, s);
	if (s == 0) /* §4.1.4.3.2: the reset is done when status reads back 0 */
		for (unsigned i = 0; i < 1000000 && get_status(dev) != 0; i++)
			__asm__ volatile("pause");
}

static uint64_t get_features(struct virtio_dev *dev)
{
	volatile uint8_t *c = vp_of(dev)->common;

	w32(c, COMMON_DFSELECT, 0);
	uint64_t lo = r32(c, COMMON_DF);

	w32(c, COMMON_DFSELECT, 1);
	return lo | (uint64_t)r32(c, COMMON_DF) << 32;
}

static void set_features(struct virtio_dev *dev, uint64_t f)
{
	volatile uint8_t *c = vp_of(dev)->common;

	w32(c, COMMON_GFSELECT, 0);
	w32(c, COMMON_GF, (uint32_t)f);
	w32(c, COMMON_GFSELECT, 1);
	w32(c, COMMON_GF, (uint32_t)(f >> 32));
}

static int config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len)
{
	struct virtio_pci *vp = vp_of(dev);

	if (off > vp->device_len || len > vp->device_len - off)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = r8(vp->device, off + (unsigned)i);
	return 0;
}

static uint32_t config_generation(struct virtio_dev *dev)
{
	return r8(vp_of(dev)->common, COMMON_CFGGENERATION);
}

static uint16_t queue_max(struct virtio_dev *dev, unsigned index)
{
	volatile uint8_t *c = vp_of(dev)->common;

	if (index >= r16(c, COMMON_NUMQ))
		return 0;
	w16(c, COMMON_Q_SELECT, (uint16_t)index);
	return r16(c, COMMON_Q_SIZE);
}

static int queue_enable(struct virtio_dev *dev, struct virtq *vq)
{
	struct virtio_pci *vp = vp_of(dev);
	volatile uint8_t *c = vp->common;

	w16(c, COMMON_Q_SELECT, vq->index);
	uint32_t noff = (uint32_t)r16(c, COMMON_Q_NOFF) * vp->notify_mult;

	/* §4.1.4.4: the queue's notify address must lie inside the notify structure. */
	if (noff > vp->notify_len || vp->notify_len - noff < 2) {
		log_err("virtio: %s: queue %u notify offset %u outside the notify area", dev->where,
		        vq->index, noff);
		return -EIO;
	}
	vq->notify_addr = vp->notify + noff;
	vq->notify_data = vq->index;
	w16(c, COMMON_Q_SIZE, vq->size);
	w64(c, COMMON_Q_DESCLO, vq->desc_pa);
	w64(c, COMMON_Q_AVAILLO, vq->avail_pa);
	w64(c, COMMON_Q_USEDLO, vq->used_pa);
	w16(c, COMMON_Q_ENABLE, 1);
	return 0;
}

static void notify(struct virtio_dev *dev, struct virtq *vq)
{
	(void)dev;
	*(volatile uint16_t *)vq->notify_addr = vq->notify_data;
}

static int set_vectors(struct virtio_pci *vp, uint16_t config, uint16_t queues)
{
	volatile uint8_t *c = vp->common;

	w16(c, COMMON_MSIX, config);
	if (r16(c, COMMON_MSIX) != config)
		return -EIO;
	for (unsigned q = 0; q < vp->vdev.nqueues; q++) {
		if (!vp->vdev.queues[q])
			continue;
		w16(c, COMMON_Q_SELECT, (uint16_t)q);
		w16(c, COMMON_Q_MSIX, queues);
		if (r16(c, COMMON_Q_MSIX) != queues)
			return -EIO;
	}
	return 0;
}

static int setup_irq(struct virtio_dev *dev) { return virtio_pci_setup_irq(vp_of(dev), true, set_vectors); }

static const struct virtio_transport_ops modern_ops = {
        .get_status = get_status,
        .set_status = set_status,
        .get_features = get_features,
        .set_features = set_features,
        .config_read = config_read,
        .config_generation = config_generation,
        .queue_max = queue_max,
        .queue_enable = queue_enable,
        .notify = notify,
        .setup_irq = setup_irq,
};

/* Map the structure a capability at `cap` describes, at least `min` bytes. */
static volatile uint8_t *map_cap(struct virtio_pci *vp, int cap, uint32_t min, uint32_t *len)
{
	struct pci_dev *d = vp->pci;
	uint8_t bar = pci_read8(d, (unsigned)cap + 4);
	uint32_t off = pci_read32(d, (unsigned)cap + 8), length = pci_read32(d, (unsigned)cap + 12);

	if (length < min) {
		log_err("virtio: %s: capability at %#x: %u bytes, %u needed", d->name, cap, length, min);
		return NULL;
	}
	volatile uint8_t *p = pci_map_bar(d, bar, off, length);

	if (!p)
		log_err("virtio: %s: capability at %#x points outside memory BAR %u", d->name, cap, bar);
	if (len)
		*len = length;
	return p;
}

int virtio_pci_modern_init(struct virtio_pci *vp)
{
	struct pci_dev *d = vp->pci;
	int cap = 0, found[5] = {0};

	while ((cap = pci_cap_find(&d->cfg, PCI_CAP_VENDOR, cap)) > 0) {
		uint8_t type = pci_read8(d, (unsigned)cap + 3), len = pci_read8(d, (unsigned)cap + 2);

		/* §4.1.4: the first capability of each type is the one to use. */
		if (type >= CAP_COMMON && type <= CAP_DEVICE && !found[type] && len >= 16)
			found[type] = cap;
	}
	if (cap == -EINVAL) {
		log_err("virtio: %s: malformed capability list", d->name);
		return -EIO;
	}
	if (!found[CAP_COMMON])
		return -ENODEV; /* legacy only */
	if (!found[CAP_NOTIFY] || !found[CAP_ISR]) {
		log_err("virtio: %s: modern device without notify or ISR structure", d->name);
		return -EIO;
	}
	if (pci_read8(d, (unsigned)found[CAP_NOTIFY] + 2) < 20) {
		log_err("virtio: %s: notify capability too short", d->name);
		return -EIO;
	}
	vp->notify_mult = pci_read32(d, (unsigned)found[CAP_NOTIFY] + 16);
	vp->common = map_cap(vp, found[CAP_COMMON], COMMON_LEN, NULL);
	vp->notify = map_cap(vp, found[CAP_NOTIFY], 2, &vp->notify_len);
	vp->isr = map_cap(vp, found[CAP_ISR], 1, NULL);
	if (found[CAP_DEVICE])
		vp->device = map_cap(vp, found[CAP_DEVICE], 0, &vp->device_len);
	if (!vp->common || !vp->notify || !vp->isr || (found[CAP_DEVICE] && !vp->device))
		return -EIO;
	vp->vdev.ops = &modern_ops;
	return 0;
}
