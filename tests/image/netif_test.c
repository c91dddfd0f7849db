/* SPDX-License-Identifier: MIT */
/* netif_test.c: the network stack's device glue (net/net_netif.c) over two fake netdevs wired
 * back to back inside the image: static addresses from net.ip, ARP, and a 1 MiB TCP transfer
 * checked byte for byte, with a transmit ring small enough to make the stack wait for space. */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mote/device.h>
#include <mote/netdev.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "image_check.h"

#define RING      8 /* frames in flight per direction: small, so -EAGAIN happens */
#define FRAME_MAX 1518
#define BULK      (1024 * 1024)

/* One fake NIC. Frames it transmits land in its peer's ring; the peer's receive thread hands
 * them to the stack, as a driver's would, and reports freed space to the sender. */
struct fake_nic {
	struct netdev dev;
	struct fake_nic *peer;
	const struct netdev_stack_ops *stack;
	struct mutex lock;
	struct semaphore frames; /* frames waiting in ring */
	uint16_t len[RING];
	uint8_t data[RING][FRAME_MAX];
	unsigned head, count;
	bool sender_waiting; /* the peer got -EAGAIN and expects tx_ready */
	unsigned long full;  /* how often the ring was full */
};

static struct fake_nic nics[2];

static void *rx_thread(void *arg)
{
	struct fake_nic *n = arg;
	static uint8_t frame[2][FRAME_MAX];
	uint8_t *buf = frame[n - nics];

	for (;;) {
		uint16_t len;
		bool wake;

		semaphore_wait(&n->frames, SYNC_FOREVER);
		mutex_lock(&n->lock, SYNC_FOREVER);
		len = n->len[n->head];
		memcpy(buf, n->data[n->head], len);
		n->head = (n->head + 1) % RING;
		n->count--;
		wake = n->sender_waiting;
		n->sender_waiting = false;
		mutex_unlock(&n->lock);
		n->dev.rx_frames++;
		n->stack->receive(&n->dev, buf, len, 0);
		if (wake && n->peer->stack->tx_ready != NULL)
			n->peer->stack->tx_ready(&n->peer->dev);
	}
	return NULL;
}

static int fake_open(struct netdev *dev, const struct netdev_stack_ops *stack, unsigned features)
{
	struct fake_nic *n = (struct fake_nic *)dev;

	n->stack = stack;
	/* Below the stack and the application, so the transmitting side fills the ring first. */
	return thread_create(dev->name, THREAD_PRIO_DEFAULT - 1, rx_thread, n, 0) ? 0 : -ENOMEM;
}

static int fake_transmit(struct netdev *dev, const struct netdev_seg *segs, unsigned nsegs, uint16_t cs,
                         uint16_t co)
{
	struct fake_nic *to = ((struct fake_nic *)dev)->peer;
	size_t total = 0;
	unsigned slot;

	for (unsigned i = 0; i < nsegs; i++)
		total += segs[i].len;
	if (total > (size_t)dev->mtu + 18 || total < 14)
		return -EMSGSIZE;
	mutex_lock(&to->lock, SYNC_FOREVER);
	if (to->count == RING) {
		to->sender_waiting = true;
		to->full++;
		mutex_unlock(&to->lock);
		return -EAGAIN;
	}
	slot = (to->head + to->count) % RING;
	total = 0;
	for (unsigned i = 0; i < nsegs; i++) {
		memcpy(to->data[slot] + total, segs[i].data, segs[i].len);
		total += segs[i].len;
	}
	to->len[slot] = (uint16_t)total;
	to->count++;
	mutex_unlock(&to->lock);
	dev->tx_frames++;
	semaphore_post(&to->frames);
	return 0;
}

static const struct netdev_ops fake_ops = {.open = fake_open, .transmit = fake_transmit};

/* Registered as a bus, so the devices exist before the stack starts (mote/init.h). */
static void fake_probe(void)
{
	for (int i = 0; i < 2; i++) {
		struct fake_nic *n = &nics[i];
		static const uint8_t mac[2][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}};

		strcpy(n->dev.name, i == 0 ? "fake0" : "fake1");
		memcpy(n->dev.mac, mac[i], 6);
		n->dev.mtu = 1500;
		n->dev.link_up = true;
		n->dev.ops = &fake_ops;
		n->peer = &nics[1 - i];
		mutex_init(&n->lock, false);
		sem_init_value(&n->frames, 0);
		netdev_register(&n->dev);
	}
}
DEVICE_BUS(fake, "fake-link", fake_probe);

static uint8_t pattern(size_t i) { return (uint8_t)((i * 131) ^ (i >> 11)); }

/* Bind a socket to one interface, so traffic between the two addresses of this one stack
 * leaves through that interface instead of being looped back inside lwIP. */
static int bound_socket(unsigned ifindex)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	if (fd < 0 || if_indextoname(ifindex, ifr.ifr_name) == NULL ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, &ifr, sizeof(ifr)) < 0)
		return -1;
	return fd;
}

static void *receiver(void *arg)
{
	int lfd = (int)(intptr_t)arg, fd;
	uint8_t buf[4096];
	size_t got = 0, bad = 0;
	ssize_t n;

	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return (void *)-1;
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t i = 0; i < n; i++)
			bad += buf[i] != pattern(got + (size_t)i);
		got += (size_t)n;
	}
	/* Answer with the count, so the sender knows all arrived. */
	char reply[64];
	int len = snprintf(reply, sizeof(reply), "%zu %zu", got, bad);
	send(fd, reply, (size_t)len, 0);
	close(fd);
	return NULL;
}

int main(void)
{
	/* Interface indexes: 1 is lwIP's loopback, then the netdevs in registration order. */
	struct sockaddr_in b = {
	        .sin_family = AF_INET, .sin_port = htons(5001), .sin_addr.s_addr = htonl(0x0a000002)};
	int lfd = bound_socket(3), fd;
	pthread_t t;
	static uint8_t chunk[8192];
	size_t sent = 0, got = 0, bad = 1;
	char reply[64] = "";
	ssize_t n;

	CHECK(netdev_count() == 2);
	CHECK(lfd >= 0);
	CHECK(bind(lfd, (struct sockaddr *)&b, sizeof(b)) == 0 && listen(lfd, 1) == 0);
	CHECK(pthread_create(&t, NULL, receiver, (void *)(intptr_t)lfd) == 0);
	fd = bound_socket(2);
	CHECK(fd >= 0);
	CHECK(connect(fd, (struct sockaddr *)&b, sizeof(b)) == 0);
	while (sent < BULK) {
		size_t len = BULK - sent < sizeof(chunk) ? BULK - sent : sizeof(chunk);
		for (size_t i = 0; i < len; i++)
			chunk[i] = pattern(sent + i);
		n = send(fd, chunk, len, 0);
		if (n <= 0)
			break;
		sent += (size_t)n;
	}
	CHECK(shutdown(fd, SHUT_WR) == 0);
	n = recv(fd, reply, sizeof(reply) - 1, MSG_WAITALL);
	if (n > 0) {
		reply[n] = '\0';
		sscanf(reply, "%zu %zu", &got, &bad);
	}
	CHECK(pthread_join(t, NULL) == 0);
	close(fd);
	close(lfd);
	if (got == BULK && bad == 0)
		printf("netif_test: %zu bytes over the fake link, all equal\n", got);
	CHECK(got == BULK && bad == 0);
	/* The bytes really crossed the fake wire: both directions carried frames, and the small
	 * ring made the stack wait for transmit space at least once. */
	printf("netif_test: fake0 sent %lu frames, fake1 sent %lu, ring full %lu times\n",
	       nics[0].dev.tx_frames, nics[1].dev.tx_frames, nics[0].full + nics[1].full);
	CHECK(nics[0].dev.tx_frames > BULK / 1500 && nics[1].dev.tx_frames > 10);
	CHECK(nics[0].full + nics[1].full > 0);
	CHECK(nics[0].dev.tx_dropped == 0 && nics[1].dev.tx_dropped == 0);
	return check_report();
}
