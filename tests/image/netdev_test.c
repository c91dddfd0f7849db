/* SPDX-License-Identifier: MIT */
/* netdev_test.c: the network device layer from inside an image, with no TCP/IP stack: raw
 * Ethernet frames through the first netdev to QEMU's user-mode network (slirp, gateway
 * 10.0.2.2, DHCP server handing out 10.0.2.15), and random bytes from the entropy source.
 * Prints "N passed, N failed"; "-- none" expects no netdev, "-- link" a link going down and up. Deadlines are
 * generous: TCG is slow and noisy. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mote/entropy.h>
#include <mote/mm.h>
#include <mote/netdev.h>
#include <mote/sync.h>

#include "image_check.h"

#define FRAMES_KEPT 64
#define FRAME_MAX   1600
#define WAIT_NS     (20ull * 1000000000u)

static const uint8_t broadcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t ip_self[4] = {10, 0, 2, 15}, ip_gw[4] = {10, 0, 2, 2};

/* Frames the receive callback kept, for the main thread to look through. */
static struct mutex lock;
static struct cond arrived;
static uint8_t frames[FRAMES_KEPT][FRAME_MAX];
static size_t frame_len[FRAMES_KEPT];
static unsigned nframes_total; /* ever received; frames[] keeps the last FRAMES_KEPT */
static unsigned arp_replies;   /* ARP replies from the gateway to us */
static unsigned link_events, tx_ready_calls, tx_ready_missed;
static struct netdev *dev;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int is_arp_reply_from_gw(const uint8_t *f, size_t len)
{
	return len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 &&
	       memcmp(f + 28, ip_gw, 4) == 0 && memcmp(f + 32, dev->mac, 6) == 0 &&
	       memcmp(f, dev->mac, 6) == 0;
}

static void on_receive(struct netdev *d, const void *frame, size_t len, unsigned flags)
{
	(void)d, (void)flags;
	mutex_lock(&lock, SYNC_FOREVER);
	unsigned slot = nframes_total % FRAMES_KEPT;

	frame_len[slot] = len < FRAME_MAX ? len : FRAME_MAX;
	memcpy(frames[slot], frame, frame_len[slot]);
	nframes_total++;
	arp_replies += is_arp_reply_from_gw(frame, len);
	cond_broadcast(&arrived);
	mutex_unlock(&lock);
}

static bool link_seen_down, link_seen_up_again;
static const struct netdev_stack_ops stack; /* the callbacks, defined below */

static void on_link(struct netdev *d)
{
	mutex_lock(&lock, SYNC_FOREVER);
	link_events++;
	if (!d->link_up)
		link_seen_down = true;
	else if (link_seen_down)
		link_seen_up_again = true;
	cond_broadcast(&arrived);
	mutex_unlock(&lock);
}

/* "-- link": the host takes the link down and up again (tests/boot/link_flap.py over QMP);
 * the configuration interrupt must bring both changes. */
static void test_link_flap(void)
{
	uint64_t deadline = now_ns() + 3 * WAIT_NS;

	CHECK(dev->ops->open(dev, &stack, 0) == 0);
	mutex_lock(&lock, SYNC_FOREVER);
	while (!link_seen_up_again && now_ns() < deadline)
		cond_wait(&arrived, &lock, now_ns() + 1000000000u);
	mutex_unlock(&lock);
	printf("netdev_test: link went down %s, came back %s after %u changes\n",
	       link_seen_down ? "yes" : "no", link_seen_up_again ? "yes" : "no", link_events);
	CHECK(link_seen_down);
	CHECK(link_seen_up_again);
}

static void on_tx_ready(struct netdev *d)
{
	(void)d;
	mutex_lock(&lock, SYNC_FOREVER);
	tx_ready_calls++;
	cond_broadcast(&arrived);
	mutex_unlock(&lock);
}

static const struct netdev_stack_ops stack = {
        .receive = on_receive, .link_changed = on_link, .tx_ready = on_tx_ready};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static size_t make_arp_request(uint8_t *f)
{
	memcpy(f, broadcast, 6);
	memcpy(f + 6, dev->mac, 6);
	put16(f + 12, 0x0806);
	put16(f + 14, 1);      /* Ethernet */
	put16(f + 16, 0x0800); /* IPv4 */
	f[18] = 6;
	f[19] = 4;
	put16(f + 20, 1); /* request */
	memcpy(f + 22, dev->mac, 6);
	memcpy(f + 28, ip_self, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, ip_gw, 4);
	memset(f + 42, 0, 18); /* padded to the 60-byte minimum */
	return 60;
}

/* Transmit, waiting for tx_ready while the ring is full. */
static int send_frame(const struct netdev_seg *segs, unsigned n)
{
	for (;;) {
		mutex_lock(&lock, SYNC_FOREVER);
		unsigned ready = tx_ready_calls;
		int err = dev->ops->transmit(dev, segs, n, 0, 0);

		if (err != -EAGAIN) {
			mutex_unlock(&lock);
			return err;
		}
		while (tx_ready_calls == ready)
			if (cond_wait(&arrived, &lock, now_ns() + WAIT_NS) == -ETIMEDOUT) {
				tx_ready_missed++; /* the driver owed us tx_ready and never called */
				break;
			}
		mutex_unlock(&lock);
	}
}

/* Wait until `pred` holds of some frame received after `since`, resending `resend` every
 * second. Returns the frame's slot or -1. */
static int wait_frame(unsigned since, int (*pred)(const uint8_t *, size_t), const struct netdev_seg *resend,
                      unsigned nresend)
{
	uint64_t deadline = now_ns() + WAIT_NS;

	mutex_lock(&lock, SYNC_FOREVER);
	while (now_ns() < deadline) {
		for (unsigned i = since; i < nframes_total; i++) {
			unsigned slot = i % FRAMES_KEPT;

			if (nframes_total - i <= FRAMES_KEPT && pred(frames[slot], frame_len[slot])) {
				mutex_unlock(&lock);
				return (int)slot;
			}
		}
		since = nframes_total;
		if (cond_wait(&arrived, &lock, now_ns() + 1000000000u) == -ETIMEDOUT && resend) {
			mutex_unlock(&lock);
			send_frame(resend, nresend);
			mutex_lock(&lock, SYNC_FOREVER);
		}
	}
	mutex_unlock(&lock);
	return -1;
}

static int pred_arp(const uint8_t *f, size_t len) { return is_arp_reply_from_gw(f, len); }

static void test_arp(void)
{
	uint8_t req[60];
	size_t len = make_arp_request(req);
	/* Three pieces, to exercise a frame spanning several stack buffers. */
	struct netdev_seg segs[3] = {{req, 14}, {req + 14, 8}, {req + 22, len - 22}};
	unsigned since = nframes_total;

	CHECK(send_frame(segs, 3) == 0);
	int slot = wait_frame(since, pred_arp, segs, 3);

	CHECK(slot >= 0);
	if (slot >= 0) {
		printf("netdev_test: ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x\n",
		       frames[slot][22], frames[slot][23], frames[slot][24], frames[slot][25],
		       frames[slot][26], frames[slot][27]);
		CHECK(frame_len[slot] >= 42);
	}
}

/* Many requests at once: the transmit ring fills (-EAGAIN, tx_ready) and both rings wrap. */
static void test_arp_burst(unsigned count)
{
	uint8_t req[60];
	struct netdev_seg seg = {req, make_arp_request(req)};
	unsigned before = arp_replies, sent = 0;

	for (unsigned i = 0; i < count; i++)
		sent += send_frame(&seg, 1) == 0;
	CHECK(sent == count);
	uint64_t deadline = now_ns() + WAIT_NS;

	mutex_lock(&lock, SYNC_FOREVER);
	while (arp_replies - before < count && now_ns() < deadline)
		cond_wait(&arrived, &lock, now_ns() + 1000000000u);
	unsigned got = arp_replies - before;

	mutex_unlock(&lock);
	printf("netdev_test: %u ARP requests sent, %u replies, tx_ready %u times (%u never came), rx %lu "
	       "tx %lu dropped %lu/%lu\n",
	       count, got, tx_ready_calls, tx_ready_missed, dev->rx_frames, dev->tx_frames, dev->rx_dropped,
	       dev->tx_dropped);
	CHECK(got == count);
	CHECK(tx_ready_missed == 0);
}

static uint32_t dhcp_xid;

static int pred_dhcp_offer(const uint8_t *f, size_t len)
{
	/* Ethernet, IPv4 without options, UDP 67 -> 68, BOOTREPLY with our xid and MAC. */
	if (len < 14 + 20 + 8 + 240 || f[12] != 0x08 || f[13] != 0x00 || f[14] != 0x45 || f[23] != 17)
		return 0;
	const uint8_t *udp = f + 34, *bootp = f + 42;

	return udp[0] == 0 && udp[1] == 67 && udp[2] == 0 && udp[3] == 68 && bootp[0] == 2 &&
	       (uint32_t)(bootp[4] << 24 | bootp[5] << 16 | bootp[6] << 8 | bootp[7]) == dhcp_xid &&
	       memcmp(bootp + 28, dev->mac, 6) == 0;
}

static uint16_t ip_checksum(const uint8_t *p, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void test_dhcp(void)
{
	static uint8_t f[14 + 20 + 8 + 244];
	uint8_t *ip = f + 14, *udp = ip + 20, *b = udp + 8;
	size_t blen = 244, iplen = 20 + 8 + blen;

	if (entropy_read(&dhcp_xid, sizeof(dhcp_xid)) < 0)
		dhcp_xid = 0x4d6f7465u;
	memset(f, 0, sizeof(f));
	memcpy(f, broadcast, 6);
	memcpy(f + 6, dev->mac, 6);
	put16(f + 12, 0x0800);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)iplen);
	ip[8] = 64;
	ip[9] = 17;
	memset(ip + 16, 0xff, 4); /* from 0.0.0.0 to 255.255.255.255 */
	put16(ip + 10, ip_checksum(ip, 20));
	put16(udp, 68);
	put16(udp + 2, 67);
	put16(udp + 4, (uint16_t)(8 + blen)); /* UDP checksum 0: none, allowed over IPv4 */
	b[0] = 1;                             /* BOOTREQUEST, RFC 2131 */
	b[1] = 1;
	b[2] = 6;
	b[4] = (uint8_t)(dhcp_xid >> 24);
	b[5] = (uint8_t)(dhcp_xid >> 16);
	b[6] = (uint8_t)(dhcp_xid >> 8);
	b[7] = (uint8_t)dhcp_xid;
	put16(b + 10, 0x8000); /* broadcast reply */
	memcpy(b + 28, dev->mac, 6);
	b[236] = 99, b[237] = 130, b[238] = 83, b[239] = 99; /* magic cookie */
	b[240] = 53, b[241] = 1, b[242] = 1;                 /* DHCPDISCOVER */
	b[243] = 255;
	struct netdev_seg seg = {f, sizeof(f)};
	unsigned since = nframes_total;

	CHECK(send_frame(&seg, 1) == 0);
	int slot = wait_frame(since, pred_dhcp_offer, &seg, 1);

	CHECK(slot >= 0);
	if (slot >= 0) {
		const uint8_t *yi = frames[slot] + 42 + 16;

		printf("netdev_test: DHCP offer of %u.%u.%u.%u\n", yi[0], yi[1], yi[2], yi[3]);
		CHECK(memcmp(yi, ip_self, 4) == 0);
	}
}

static void test_entropy(void)
{
	uint8_t a[64], b[64], zero[64] = {0};
	static uint8_t big[1000];
	int failed_before = failed;

	CHECK(entropy_available());
	CHECK(entropy_read(a, sizeof(a)) == 0);
	CHECK(entropy_read(b, sizeof(b)) == 0);
	CHECK(memcmp(a, zero, sizeof(a)) != 0);
	CHECK(memcmp(a, b, sizeof(a)) != 0);
	CHECK(entropy_read(big, sizeof(big)) == 0); /* more than one request's worth */
	unsigned nonzero = 0;

	for (size_t i = 0; i < sizeof(big); i++)
		nonzero += big[i] != 0;
	CHECK(nonzero > sizeof(big) / 2);
	/* The boot tests take this line as "random bytes came": printed only when the checks hold. */
	if (failed == failed_before)
		printf("netdev_test: entropy %02x%02x%02x%02x...\n", a[0], a[1], a[2], a[3]);
}

static void test_device(void)
{
	static uint8_t huge[3000];
	struct netdev_seg seg = {huge, sizeof(huge)};

	CHECK(netdev_count() >= 1);
	dev = netdev_get(0);
	CHECK(dev != NULL);
	if (!dev)
		return;
	CHECK(netdev_get(netdev_count()) == NULL);
	CHECK(netdev_register(dev) == -EEXIST);
	printf("netdev_test: %s mac %02x:%02x:%02x:%02x:%02x:%02x mtu %u link %s features %#x\n", dev->name,
	       dev->mac[0], dev->mac[1], dev->mac[2], dev->mac[3], dev->mac[4], dev->mac[5], dev->mtu,
	       dev->link_up ? "up" : "down", dev->features);
	CHECK(strncmp(dev->name, "virtio-net", 10) == 0);
	CHECK((dev->mac[0] & 1) == 0);
	CHECK(dev->mtu == 1500);
	CHECK(dev->link_up);
	CHECK(dev->ops->open(dev, &stack, ~0u) == -EINVAL); /* features the device lacks */
	CHECK(dev->ops->open(dev, &stack, dev->features) == 0);
	CHECK(dev->ops->open(dev, &stack, 0) == -EBUSY);
	CHECK(dev->ops->transmit(dev, &seg, 1, 0, 0) == -EMSGSIZE);
}

int main(int argc, char **argv)
{
	mutex_init(&lock, false);
	/* A figure for docs/devices.md, not a check: what the probed devices took. */
	printf("netdev_test: %zu KiB free at main()\n", mm_free_bytes() >> 10);
	if (argc > 1 && strcmp(argv[1], "none") == 0) {
		CHECK(netdev_count() == 0);
		CHECK(netdev_get(0) == NULL);
		return check_report();
	}
	if (argc > 1 && strcmp(argv[1], "link") == 0) {
		CHECK(netdev_count() >= 1);
		dev = netdev_get(0);
		if (dev)
			test_link_flap();
		return check_report();
	}
	test_device();
	if (dev) {
		test_arp();
		test_dhcp();
		test_arp_burst(300);
		CHECK(link_events == 0);
	}
	test_entropy();
	return check_report();
}
