/* SPDX-License-Identifier: MIT */
/* virtio_net_rx.c: frames from virtio-net receive buffers (virtio 1.2 §5.1.6.3-§5.1.6.4).
 * Pure: compiled into the kernel, the host unit tests and the fuzz target. */
#include <errno.h>
#include <string.h>

#include <mote/netdev.h>
#include <virtio/virtio_net_rx.h>

#define ETH_HEADER 14u

int vnet_rx_first(struct vnet_rx *rx, const void *buf, uint32_t len, size_t hdr_len, bool mergeable,
                  uint16_t max_buffers)
{
	struct virtio_net_hdr h = {0};

	if (len < hdr_len || hdr_len > sizeof(h))
		return -EIO;
	memcpy(&h, buf, hdr_len);
	if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE) /* no GUEST_TSO/UFO was negotiated */
		return -EIO;
	if (h.flags & ~(VIRTIO_NET_HDR_F_NEEDS_CSUM | VIRTIO_NET_HDR_F_DATA_VALID))
		return -EIO;
	if (mergeable && (h.num_buffers == 0 || h.num_buffers > max_buffers))
		return -EIO;
	rx->len = 0;
	rx->overflow = false;
	rx->flags = h.flags;
	rx->csum_start = h.csum_start;
	rx->csum_offset = h.csum_offset;
	rx->remaining = mergeable ? (uint16_t)(h.num_buffers - 1) : 0;
	rx->data = rx->frame;
	if (rx->in_place && rx->remaining == 0) {
		/* The device wrote the whole frame into the driver's own buffer: a copy would
		 * only move it before the stack copies it again. */
		rx->len = len - hdr_len;
		rx->overflow = rx->len > rx->cap;
		rx->data = (uint8_t *)buf + hdr_len;
		return 0;
	}
	vnet_rx_append(rx, (const uint8_t *)buf + hdr_len, (uint32_t)(len - hdr_len));
	return 0;
}

void vnet_rx_append(struct vnet_rx *rx, const void *buf, uint32_t len)
{
	if (rx->overflow || len > rx->cap - rx->len) {
		rx->overflow = true;
		return;
	}
	memcpy(rx->frame + rx->len, buf, len);
	rx->len += len;
}

uint16_t vnet_csum_fold(const uint8_t *buf, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)buf[i] << 8 | buf[i + 1];
	if (len & 1)
		s += (uint32_t)buf[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

int vnet_rx_finish(struct vnet_rx *rx, unsigned *flags)
{
	*flags = 0;
	if (rx->overflow || rx->len < ETH_HEADER)
		return -EMSGSIZE;
	if (rx->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* §5.1.6.4.1: the checksum from csum_start to the end goes at csum_start +
		 * csum_offset, whose field already holds the pseudo-header's partial sum. */
		size_t start = rx->csum_start, at = start + rx->csum_offset;

		if (start < ETH_HEADER || at + 2 > rx->len || at < start)
			return -EIO;
		uint16_t c = (uint16_t)~vnet_csum_fold(rx->data + start, rx->len - start, 0);

		/* 0 and 0xffff are the same in ones' complement, but UDP reads 0 as "none". */
		if (c == 0)
			c = 0xffff;
		rx->data[at] = (uint8_t)(c >> 8);
		rx->data[at + 1] = (uint8_t)c;
		*flags |= NETDEV_RX_CSUM_OK;
	} else if (rx->flags & VIRTIO_NET_HDR_F_DATA_VALID) {
		*flags |= NETDEV_RX_CSUM_OK;
	}
	return (int)rx->len;
}
