/* SPDX-License-Identifier: MIT */
/* test_virtio_net_rx.c: frames out of virtio-net receive buffers (drivers/virtio/
 * virtio_net_rx.c): headers, mergeable buffers, checksum completion, and the header values
 * no correct device writes. */
#include <errno.h>
#include <string.h>

#include <mote/netdev.h>
#include <virtio/virtio_net_rx.h>

#include "check.h"

static uint8_t frame[1518];

static struct vnet_rx fresh(void)
{
	struct vnet_rx rx = {.frame = frame, .cap = sizeof(frame)};

	return rx;
}

static size_t make_buf(uint8_t *buf, const struct virtio_net_hdr *h, size_t hdr_len, size_t payload,
                       uint8_t fill)
{
	memcpy(buf, h, hdr_len);
	memset(buf + hdr_len, fill, payload);
	return hdr_len + payload;
}

static void test_simple(void)
{
	uint8_t buf[2048];
	struct virtio_net_hdr h = {.num_buffers = 1};
	struct vnet_rx rx = fresh();
	unsigned flags;

	size_t n = make_buf(buf, &h, 12, 60, 0xab);

	CHECK_EQ(vnet_rx_first(&rx, buf, (uint32_t)n, 12, true, 64), 0);
	CHECK_EQ(rx.remaining, 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 60);
	CHECK_EQ(flags, 0);
	CHECK_EQ(frame[59], 0xab);
	/* Legacy 10-byte header, no num_buffers. */
	rx = fresh();
	n = make_buf(buf, &h, 10, 42, 1);
	CHECK_EQ(vnet_rx_first(&rx, buf, (uint32_t)n, 10, false, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 42);
	/* DATA_VALID: the device checked the checksum. */
	h.flags = VIRTIO_NET_HDR_F_DATA_VALID;
	rx = fresh();
	n = make_buf(buf, &h, 12, 60, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, (uint32_t)n, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 60);
	CHECK_EQ(flags, NETDEV_RX_CSUM_OK);
}

static void test_mergeable(void)
{
	uint8_t a[2048], b[2048], c[2048];
	struct virtio_net_hdr h = {.num_buffers = 3};
	struct vnet_rx rx = fresh();
	unsigned flags;
	size_t n = make_buf(a, &h, 12, 500, 1);

	memset(b, 2, 500);
	memset(c, 3, 100);
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	CHECK_EQ(rx.remaining, 2);
	vnet_rx_append(&rx, b, 500);
	rx.remaining--;
	vnet_rx_append(&rx, c, 100);
	rx.remaining--;
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 1100);
	CHECK_EQ(frame[0], 1);
	CHECK_EQ(frame[500], 2);
	CHECK_EQ(frame[1099], 3);
	/* Longer than the frame buffer: dropped, not overrun. */
	rx = fresh();
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	vnet_rx_append(&rx, b, 1000);
	vnet_rx_append(&rx, c, 100);
	CHECK(rx.overflow);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), -EMSGSIZE);
}

static void test_bad_headers(void)
{
	uint8_t buf[64];
	struct virtio_net_hdr h = {.num_buffers = 0};
	struct vnet_rx rx = fresh();
	unsigned flags;

	make_buf(buf, &h, 12, 20, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, 32, 12, true, 64), -EIO); /* num_buffers 0 */
	h.num_buffers = 65;
	make_buf(buf, &h, 12, 20, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, 32, 12, true, 64), -EIO); /* more than we posted */
	CHECK_EQ(vnet_rx_first(&rx, buf, 32, 12, false, 64), 0);   /* ignored without MRG */
	CHECK_EQ(vnet_rx_first(&rx, buf, 11, 12, true, 64), -EIO); /* shorter than the header */
	h = (struct virtio_net_hdr){.gso_type = 1, .num_buffers = 1};
	make_buf(buf, &h, 12, 20, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, 32, 12, true, 64), -EIO); /* GSO never negotiated */
	h = (struct virtio_net_hdr){.flags = 0x80, .num_buffers = 1};
	make_buf(buf, &h, 12, 20, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, 32, 12, true, 64), -EIO);
	/* A runt: dropped, the device is fine. */
	h = (struct virtio_net_hdr){.num_buffers = 1};
	make_buf(buf, &h, 12, 10, 0);
	CHECK_EQ(vnet_rx_first(&rx, buf, 22, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), -EMSGSIZE);
}

/* A UDP/IPv4 frame whose checksum the device left to us (NEEDS_CSUM, §5.1.6.4.1). */
static void test_needs_csum(void)
{
	uint8_t buf[128] = {0};
	struct virtio_net_hdr h = {
	        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 6, .num_buffers = 1};
	uint8_t *f = buf + 12, *ip = f + 14, *udp = ip + 20;
	struct vnet_rx rx = fresh();
	unsigned flags;

	memcpy(buf, &h, 12);
	f[12] = 0x08;
	ip[0] = 0x45;
	ip[9] = 17;
	memcpy(ip + 12, (uint8_t[]){10, 0, 2, 2, 10, 0, 2, 15}, 8);
	udp[0] = 0x12, udp[1] = 0x34, udp[2] = 0x00, udp[3] = 0x07; /* ports 4660 -> 7 */
	udp[5] = 8 + 5;                                             /* length */
	memcpy(udp + 8, "hello", 5);
	/* The pseudo-header sum the device leaves in the checksum field. */
	uint32_t pseudo = 0x0a00 + 0x0202 + 0x0a00 + 0x020f + 17 + 13;
	uint16_t p = vnet_csum_fold(NULL, 0, pseudo);

	udp[6] = (uint8_t)(p >> 8);
	udp[7] = (uint8_t)p;
	CHECK_EQ(vnet_rx_first(&rx, buf, 12 + 14 + 20 + 13, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 47);
	CHECK_EQ(flags, NETDEV_RX_CSUM_OK);
	/* Verifying as a receiver does: pseudo-header + UDP segment sums to 0xffff. */
	uint8_t *out = frame + 34;
	uint16_t verify = vnet_csum_fold(out, 13, 0x0a00 + 0x0202 + 0x0a00 + 0x020f + 17 + 13);

	CHECK_EQ(verify, 0xffff);
	/* A checksum position outside the frame is a device error. */
	h.csum_offset = 100;
	memcpy(buf, &h, 12);
	rx = fresh();
	CHECK_EQ(vnet_rx_first(&rx, buf, 12 + 14 + 20 + 13, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), -EIO);
	h.csum_start = 2;
	h.csum_offset = 0;
	memcpy(buf, &h, 12);
	rx = fresh();
	CHECK_EQ(vnet_rx_first(&rx, buf, 12 + 14 + 20 + 13, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), -EIO);
}

/* in_place (the driver's mode): a frame wholly in its first buffer is not copied. */
static void test_in_place(void)
{
	static uint8_t a[2048], b[2048];
	struct virtio_net_hdr h = {.num_buffers = 1};
	struct vnet_rx rx = fresh();
	unsigned flags;
	size_t n = make_buf(a, &h, 12, 1514, 0x5a);

	memset(frame, 0, sizeof(frame));
	rx.in_place = true;
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	CHECK(rx.data == a + 12);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 1514);
	CHECK_EQ(frame[0], 0); /* not copied */
	/* A buffer longer than the frame buffer's size is still dropped. */
	n = make_buf(a, &h, 12, sizeof(frame) + 1, 1);
	rx = fresh();
	rx.in_place = true;
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), -EMSGSIZE);
	/* A frame in two buffers is assembled in the frame buffer as before. */
	h.num_buffers = 2;
	n = make_buf(a, &h, 12, 100, 7);
	memset(b, 8, 50);
	rx = fresh();
	rx.in_place = true;
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	vnet_rx_append(&rx, b, 50);
	rx.remaining--;
	CHECK(rx.data == frame);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 150);
	CHECK_EQ(frame[99], 7);
	CHECK_EQ(frame[100], 8);
	/* The checksum the device left to us is written into the buffer itself. */
	h = (struct virtio_net_hdr){
	        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 14, .csum_offset = 0, .num_buffers = 1};
	n = make_buf(a, &h, 12, 20, 0);
	a[12 + 16] = 0x12; /* one word after the checksum field: the sum is 0x1234 */
	a[12 + 17] = 0x34;
	rx = fresh();
	rx.in_place = true;
	CHECK_EQ(vnet_rx_first(&rx, a, (uint32_t)n, 12, true, 64), 0);
	CHECK_EQ(vnet_rx_finish(&rx, &flags), 20);
	CHECK_EQ(flags, NETDEV_RX_CSUM_OK);
	CHECK_EQ(a[12 + 14], 0xed); /* ~0x1234 */
	CHECK_EQ(a[12 + 15], 0xcb);
}

int main(void)
{
	test_simple();
	test_mergeable();
	test_bad_headers();
	test_needs_csum();
	test_in_place();
	return check_report();
}
