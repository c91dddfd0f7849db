/* SPDX-License-Identifier: MIT */
/* virtio/virtio.h: a virtio device as its drivers (net, rng) see it, whatever the transport
 * (PCI modern or legacy, MMIO v1 or v2), and the list of virtio drivers (VIRTIO_DRIVER). */
#ifndef VIRTIO_VIRTIO_H
#define VIRTIO_VIRTIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virtio/virtq.h>

/* Device status bits (virtio 1.2 §2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED      128u

/* Transport-independent feature bits (§6). */
#define VIRTIO_F_ANY_LAYOUT (1ull << 27) /* legacy only */
#define VIRTIO_F_EVENT_IDX  (1ull << 29)
#define VIRTIO_F_VERSION_1  (1ull << 32)

#define VIRTIO_ID_NET 1
#define VIRTIO_ID_RNG 4

#define VIRTIO_QUEUES_MAX 4

struct virtio_dev;

/* What a transport does for the common code. Called in thread context. */
struct virtio_transport_ops {
	uint8_t (*get_status)(struct virtio_dev *dev);
	void (*set_status)(struct virtio_dev *dev, uint8_t status); /* 0 resets */
	uint64_t (*get_features)(struct virtio_dev *dev);
	void (*set_features)(struct virtio_dev *dev, uint64_t features);
	/* Read `len` bytes of device configuration at `off` (little-endian fields, §2.5);
	 * -EINVAL when past the device's configuration space. */
	int (*config_read)(struct virtio_dev *dev, unsigned off, void *buf, size_t len);
	uint32_t (*config_generation)(struct virtio_dev *dev); /* optional: 0 when absent */
	/* Largest size the device allows for queue `index` (0: no such queue). */
	uint16_t (*queue_max)(struct virtio_dev *dev, unsigned index);
	/* Tell the device about `vq` (laid out by the common code) and enable it. */
	int (*queue_enable)(struct virtio_dev *dev, struct virtq *vq);
	void (*notify)(struct virtio_dev *dev, struct virtq *vq);
	/* Attach the device's interrupt(s) to virtio_interrupt(). 0 or a negative errno. */
	int (*setup_irq)(struct virtio_dev *dev);
};

struct virtio_dev {
	const struct virtio_transport_ops *ops;
	void *transport; /* the transport's own state */
	char where[24];  /* "pci 00:03.0", "mmio 0xfeb00e00", for messages */
	uint16_t device_id;
	bool legacy;           /* a legacy (pre-1.0) interface: guest-endian, §2.7.2 ring layout */
	bool fixed_queue_size; /* legacy PCI: the driver cannot choose a queue's size */
	uint64_t features;     /* negotiated */
	struct virtq *queues[VIRTIO_QUEUES_MAX];
	unsigned nqueues;
	/* Set by the driver: called from interrupt context when a queue has used entries or
	 * the configuration changed. It may only wake threads. */
	void (*event)(struct virtio_dev *dev, bool config_changed);
	void *driver_data;
	bool broken; /* the device misbehaved: no more requests go to it */
};

struct virtio_driver {
	const char *name;
	uint16_t device_id;
	/* Take the device. It has been reset and acknowledged; the driver negotiates features
	 * with virtio_negotiate(), sets up queues, then virtio_driver_ok(). 0 or -errno after
	 * reporting. Thread context. */
	int (*probe)(struct virtio_dev *dev);
};

/* Declare a driver; the list is the linker section "mote_virtio_drivers". */
#define VIRTIO_DRIVER(ident, drvname, id, probefn)                                                 \
	static const struct virtio_driver virtio_driver_##ident                                    \
	        __attribute__((used, section("mote_virtio_drivers"), aligned(sizeof(void *)))) = { \
	                .name = drvname, .device_id = id, .probe = probefn}

/* A transport found a device: reset it, find its driver and probe. Returns 0 or -errno (the
 * device is then left reset and FAILED). */
int virtio_attach(struct virtio_dev *dev);

/* Offer `wanted` features (VERSION_1 is added for modern devices and required of them) and
 * settle on what the device also offers, with FEATURES_OK (§3.1.1). 0 or -EIO. */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted);

/* Allocate and enable queue `index` with at most `max_size` entries. 0 or -errno. */
int virtio_queue_create(struct virtio_dev *dev, unsigned index, uint16_t max_size);

/* Set DRIVER_OK after attaching the interrupt (§3.1.1 step 8). 0 or -errno. */
int virtio_driver_ok(struct virtio_dev *dev);

/* Publish a queue's new chains and notify the device if it asked to be (§2.7.13.3). */
void virtio_kick(struct virtio_dev *dev, struct virtq *vq);

/* Read configuration consistently (retried while config_generation changes, §2.5.1). */
int virtio_config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len);

/* The device broke the protocol: report `why`, mark it broken and reset it (§2.1.2). */
void virtio_fail(struct virtio_dev *dev, const char *why);

/* Called by transports from interrupt context. */
void virtio_interrupt(struct virtio_dev *dev, bool queues, bool config_changed);

/* Bus-address memory for rings and buffers: 2^order zeroed, DMA-reachable pages, or NULL. */
void *virtio_alloc_dma(unsigned order, uint64_t *bus_addr);

#endif
