/* SPDX-License-Identifier: MIT */
/* virtio_core.c: the transport-independent part of virtio: device initialization (virtio 1.2
 * §3.1.1), feature negotiation, queue creation and matching devices to drivers. */
#include <errno.h>

#include <hal/mem.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <virtio/virtio.h>

extern const struct virtio_driver __start_mote_virtio_drivers[] __attribute__((weak));
extern const struct virtio_driver __stop_mote_virtio_drivers[] __attribute__((weak));

void *virtio_alloc_dma(unsigned order, uint64_t *bus_addr)
{
	void *p = mm_alloc_pages(order);

	if (!p)
		return NULL;
	*bus_addr = hal_mem_dma_addr(p);
	if (*bus_addr == HAL_DMA_INVALID) {
		mm_free_pages(p, order);
		return NULL;
	}
	return p;
}

void virtio_fail(struct virtio_dev *dev, const char *why)
{
	if (!dev->broken)
		log_err("virtio: %s (device %u): %s; device dropped", dev->where, dev->device_id, why);
	dev->broken = true;
	/* A reset stops all DMA into our memory (§2.1.2, §4.1.4.3.2). */
	dev->ops->set_status(dev, 0);
}

int virtio_attach(struct virtio_dev *dev)
{
	const struct virtio_driver *drv = __start_mote_virtio_drivers;

	for (; drv < __stop_mote_virtio_drivers; drv++)
		if (drv->device_id == dev->device_id)
			break;
	if (drv >= __stop_mote_virtio_drivers) {
		log_debug("virtio: %s: no driver for device type %u", dev->where, dev->device_id);
		return 0;
	}
	/* §3.1.1 steps 1-3: reset, ACKNOWLEDGE, DRIVER. */
	dev->ops->set_status(dev, 0);
	dev->ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE);
	dev->ops->set_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	int err = drv->probe(dev);

	if (err < 0) {
		log_err("virtio: %s: %s failed (%d), device ignored", dev->where, drv->name, err);
		dev->ops->set_status(dev, 0);
		dev->ops->set_status(dev, VIRTIO_STATUS_FAILED);
	}
	return err;
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	uint64_t offered = dev->ops->get_features(dev);

	if (!dev->legacy) {
		if (!(offered & VIRTIO_F_VERSION_1)) {
			log_err("virtio: %s: a modern interface without VIRTIO_F_VERSION_1", dev->where);
			return -EIO;
		}
		wanted |= VIRTIO_F_VERSION_1;
	} else {
		wanted &= 0xffffffffu; /* a legacy interface has 32 feature bits */
	}
	dev->features = offered & wanted;
	dev->ops->set_features(dev, dev->features);
	if (dev->legacy)
		return 0; /* no FEATURES_OK before 1.0 */
	uint8_t s = dev->ops->get_status(dev);

	dev->ops->set_status(dev, s | VIRTIO_STATUS_FEATURES_OK);
	if (!(dev->ops->get_status(dev) & VIRTIO_STATUS_FEATURES_OK)) {
		log_err("virtio: %s: the device refused features %#llx", dev->where,
		        (unsigned long long)dev->features);
		return -EIO;
	}
	return 0;
}

int virtio_queue_create(struct virtio_dev *dev, unsigned index, uint16_t max_size)
{
	if (index >= VIRTIO_QUEUES_MAX)
		return -EINVAL;
	uint16_t size = dev->ops->queue_max(dev, index);

	if (size == 0) {
		log_err("virtio: %s: queue %u does not exist", dev->where, index);
		return -ENODEV;
	}
	if (size & (size - 1)) {
		if (dev->fixed_queue_size) {
			log_err("virtio: %s: queue %u size %u is not a power of two", dev->where, index,
			        size);
			return -EIO;
		}
		while (size & (size - 1)) /* any smaller power of two will do (§2.7) */
			size &= (uint16_t)(size - 1);
	}
	/* Legacy PCI fixes the size (§4.1.5.1.3.1); the others accept a smaller one. */
	if (!dev->fixed_queue_size)
		while (size > max_size)
			size /= 2;
	if (size > VIRTQ_SIZE_MAX) {
		log_err("virtio: %s: queue %u of %u entries is too large", dev->where, index, size);
		return -EIO;
	}
	size_t bytes = sizeof(struct virtq) + virtq_mem_size(size, dev->legacy);
	unsigned order = 0;

	while ((HAL_PAGE_SIZE << order) < bytes)
		order++;
	uint64_t pa;
	char *mem = virtio_alloc_dma(order, &pa);

	if (!mem)
		return -ENOMEM;
	/* The ring first (the legacy layout wants it page-aligned), our struct at the end. */
	struct virtq *vq = (struct virtq *)(mem + (HAL_PAGE_SIZE << order) - sizeof(struct virtq));
	int err = virtq_init(vq, (uint16_t)index, size, mem, pa, dev->legacy,
	                     (dev->features & VIRTIO_F_EVENT_IDX) != 0);

	if (err == 0)
		err = dev->ops->queue_enable(dev, vq);
	if (err < 0) {
		mm_free_pages(mem, order);
		return err;
	}
	dev->queues[index] = vq;
	if (index >= dev->nqueues)
		dev->nqueues = index + 1;
	return 0;
}

int virtio_driver_ok(struct virtio_dev *dev)
{
	int err = dev->ops->setup_irq(dev);

	if (err < 0) {
		log_err("virtio: %s: no interrupt (%d)", dev->where, err);
		return err;
	}
	dev->ops->set_status(dev, dev->ops->get_status(dev) | VIRTIO_STATUS_DRIVER_OK);
	if (dev->ops->get_status(dev) & VIRTIO_STATUS_NEEDS_RESET) {
		log_err("virtio: %s: the device needs a reset right after DRIVER_OK", dev->where);
		return -EIO;
	}
	return 0;
}

void virtio_kick(struct virtio_dev *dev, struct virtq *vq)
{
	if (virtq_kick_prepare(vq) && !dev->broken)
		dev->ops->notify(dev, vq);
}

int virtio_config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len)
{
	for (unsigned tries = 0; tries < 100; tries++) {
		uint32_t gen = dev->ops->config_generation ? dev->ops->config_generation(dev) : 0;
		int err = dev->ops->config_read(dev, off, buf, len);

		if (err < 0)
			return err;
		if (!dev->ops->config_generation || dev->ops->config_generation(dev) == gen)
			return 0;
	}
	return -EIO; /* a generation that never settles is a broken device */
}

void virtio_interrupt(struct virtio_dev *dev, bool queues, bool config_changed)
{
	if (dev->event && (queues || config_changed))
		dev->event(dev, config_changed);
}
