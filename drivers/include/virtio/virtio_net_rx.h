/* SPDX-License-Identifier: MIT */
/* virtio/virtio_net_rx.h: turning the receive buffers a virtio-net device filled into frames
 * (virtio 1.2 §5.1.6.3-§5.1.6.4): the header, mergeable buffers, checksum completion. Every
 * field comes from the device and is checked. */
#ifndef VIRTIO_VIRTIO_NET_RX_H
#define VIRTIO_VIRTIO_NET_RX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* struct virtio_net_hdr, §5.1.6 (num_buffers present with VERSION_1 or MRG_RXBUF). */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio 1.2 §5.1.6");

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1u
#define VIRTIO_NET_HDR_F_DATA_VALID 2u
#define VIRTIO_NET_HDR_GSO_NONE     0u
#define VIRTIO_NET_HDR_LEGACY_LEN   10u /* legacy without MRG_RXBUF: no num_buffers */

struct vnet_rx {
	uint8_t *frame;     /* where the frame is assembled */
	size_t cap;         /* its size */
	bool in_place;      /* a frame wholly in its first buffer stays there, uncopied */
	uint8_t *data;      /* where the frame is: frame, or in place in that buffer */
	size_t len;         /* bytes so far */
	uint16_t remaining; /* buffers still to come for this frame */
	bool overflow;      /* longer than cap: dropped once complete */
	uint8_t flags;
	uint16_t csum_start, csum_offset;
};

/* The first buffer of a frame (`len` bytes written by the device, header included). With
 * rx->in_place, a frame that needs no further buffer is left where it is (rx->data points
 * into buf, which must then be writable and stay unchanged until the frame is finished);
 * otherwise it is copied to rx->frame. With
 * `mergeable`, num_buffers says how many buffers (this one included) carry the frame and must
 * be between 1 and `max_buffers`. Returns 0, or -EIO for a header no correct device writes (a
 * buffer shorter than the header, num_buffers out of range, GSO never negotiated, unknown
 * flags). */
int vnet_rx_first(struct vnet_rx *rx, const void *buf, uint32_t len, size_t hdr_len, bool mergeable,
                  uint16_t max_buffers);

/* A further buffer of a mergeable frame: its whole length is frame data. */
void vnet_rx_append(struct vnet_rx *rx, const void *buf, uint32_t len);

/* A complete frame, at rx->data: its length, with *flags = NETDEV_RX_* (NETDEV_RX_CSUM_OK when the device
 * vouched for or left us the checksum, which is then filled in). -EMSGSIZE for a frame too
 * long or shorter than an Ethernet header (dropped, the device stays), -EIO for a checksum
 * position outside the frame. */
int vnet_rx_finish(struct vnet_rx *rx, unsigned *flags);

/* The Internet checksum (RFC 1071) of buf folded onto `sum`, not complemented. */
uint16_t vnet_csum_fold(const uint8_t *buf, size_t len, uint32_t sum);

#endif
