/* SPDX-License-Identifier: MIT */
/* mote/netdev.h: the network device class. Drivers (virtio-net, netfront, e1000) fill in an
 * ops table and register; the network stack sees only this, never a driver. */
#ifndef MOTE_NETDEV_H
#define MOTE_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETDEV_NAME_MAX 16
#define NETDEV_MAX      8

/* Offloads a device can do; the stack asks for a subset in netdev_ops.open. */
#define NETDEV_F_TX_CSUM 0x1u /* the device fills in TCP/UDP checksums on transmit */
#define NETDEV_F_RX_CSUM 0x2u /* frames may arrive flagged NETDEV_RX_CSUM_OK */

/* Per-frame receive flags. */
#define NETDEV_RX_CSUM_OK 0x1u /* the device checked the L4 checksum: the stack may skip it */

/* One piece of an outgoing frame (a frame can span several stack buffers). */
struct netdev_seg {
	const void *data;
	size_t len;
};

struct netdev;

/* Callbacks from the driver into the stack. They run in thread context (a driver's receive
 * thread, never an interrupt handler), may take sleeping locks and must not block for long. */
struct netdev_stack_ops {
	/* A whole Ethernet frame (no FCS) arrived; the stack copies what it keeps before it
	 * returns. `flags` is a mask of NETDEV_RX_*. */
	void (*receive)(struct netdev *dev, const void *frame, size_t len, unsigned flags);
	/* The link went up or down (dev->link_up already updated). */
	void (*link_changed)(struct netdev *dev);
	/* Transmit space came back after netdev_ops.transmit returned -EAGAIN. optional */
	void (*tx_ready)(struct netdev *dev);
};

/* The driver's side. Calls are made from thread context, never with interrupts disabled. */
struct netdev_ops {
	/* Start receiving and deliver frames to `stack` with `features` (a subset of
	 * dev->features) in use. Returns 0 or a negative errno. */
	int (*open)(struct netdev *dev, const struct netdev_stack_ops *stack, unsigned features);
	/* Queue one frame of `nsegs` pieces (total <= dev->mtu + 14 bytes of Ethernet header, or
	 * + 18 with a VLAN tag). The data is copied or fully consumed before the call returns.
	 * Returns 0, -EAGAIN when the ring is full (tx_ready follows), -EMSGSIZE or -EIO. With
	 * NETDEV_F_TX_CSUM in use, `csum_start`/`csum_offset` name the checksum to fill in
	 * (csum_start == 0: none). */
	int (*transmit)(struct netdev *dev, const struct netdev_seg *segs, unsigned nsegs,
	                uint16_t csum_start, uint16_t csum_offset);
};

struct netdev {
	char name[NETDEV_NAME_MAX]; /* "virtio-net0", "netfront0": stable for the boot */
	uint8_t mac[6];
	uint16_t mtu;      /* payload bytes, 1500 unless the device says otherwise */
	unsigned features; /* NETDEV_F_* the device offers */
	bool link_up;
	const struct netdev_ops *ops;
	void *driver_data;       /* the driver's own state */
	void *stack_data;        /* the stack's per-device state (set by the stack) */
	unsigned long rx_frames; /* counters the driver keeps, for diagnostics */
	unsigned long tx_frames;
	unsigned long rx_dropped; /* malformed or no buffer */
	unsigned long tx_dropped;
};

/* Add a probed device to the registry. Returns 0, -ENOSPC past NETDEV_MAX, -EINVAL for a
 * device without ops, name or a valid (non-multicast) MAC. Thread context. */
int netdev_register(struct netdev *dev);

/* The registered devices in registration order; NULL past the end. */
struct netdev *netdev_get(unsigned index);
unsigned netdev_count(void);

#endif
