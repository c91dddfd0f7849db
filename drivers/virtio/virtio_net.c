/* SPDX-License-Identifier: MIT */
/* virtio_net.c: the virtio network device (virtio 1.2 §5.1) as a netdev: one receive and one
 * transmit queue, MAC and link status from the configuration, mergeable receive buffers and
 * checksum offload when the device offers them. A thread per device does all the work the
 * interrupt only signals. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/entropy.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/netdev.h>
#include <mote/sync.h>
#include <mote/thread.h>
#include <virtio/virtio.h>
#include <virtio/virtio_net_rx.h>

/* Feature bits, §5.1.3. */
#define VIRTIO_NET_F_CSUM       (1ull << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ull << 1)
#define VIRTIO_NET_F_MTU        (1ull << 3)
#define VIRTIO_NET_F_MAC        (1ull << 5)
#define VIRTIO_NET_F_MRG_RXBUF  (1ull << 15)
#define VIRTIO_NET_F_STATUS     (1ull << 16)
#define VIRTIO_NET_S_LINK_UP    1u

/* struct virtio_net_config, §5.1.4 */
#define CFG_MAC    0
#define CFG_STATUS 6
#define CFG_MTU    10

#define RXQ             0
#define TXQ             1
#define QUEUE_SIZE      128  /* descriptors per queue at most */
#define BUF_SIZE        2048 /* one receive or transmit buffer: a whole 1500-byte frame fits */
#define RX_BUFS         64
#define TX_BUFS         32
#define MTU_DEFAULT     1500
#define MTU_MIN         68 /* RFC 791: the smallest an IPv4 link may have */
#define ETH_HLEN_MAX    18 /* Ethernet header with a VLAN tag */
#define FRAME_MAX       (MTU_DEFAULT + ETH_HLEN_MAX)
/* The receive thread runs the stack's receive callback (a copy into the stack's buffers and a
 * hand-off): 24 KiB keeps its block of guard page, stack and thread state within 32 KiB. */
#define RX_THREAD_STACK (24 * 1024)

struct vnet {
	struct netdev netdev;
	struct virtio_dev *vdev;
	size_t hdr_len;
	bool two_desc; /* legacy without ANY_LAYOUT: the header in a descriptor of its own */
	bool mergeable;
	/* Interrupt to thread: what happened, and the thread's queue. */
	volatile unsigned pending; /* EV_* */
	struct waitq wq;
	/* The stack's side, set by open(). */
	const struct netdev_stack_ops *stack;
	unsigned features_in_use;
	volatile bool opened;
	/* Receive: RX_BUFS buffers of BUF_SIZE, and a frame being assembled. */
	uint8_t *rx_mem;
	uint64_t rx_pa;
	struct vnet_rx rx;
	bool rx_in_frame;
	uint8_t rx_frame[FRAME_MAX];
	/* Transmit: TX_BUFS buffers, a free list, and the lock transmit and the thread share. */
	uint8_t *tx_mem;
	uint64_t tx_pa;
	int8_t tx_free[TX_BUFS];
	unsigned tx_nfree;
	bool tx_waiting;
	struct mutex tx_lock;
};

#define EV_QUEUE  1u
#define EV_CONFIG 2u

static unsigned vnet_count;

static void vnet_event(struct virtio_dev *vdev, bool config_changed)
{
	struct vnet *vn = vdev->driver_data;

	__atomic_or_fetch(&vn->pending, EV_QUEUE | (config_changed ? EV_CONFIG : 0), __ATOMIC_RELAXED);
	waitq_wake_one(&vn->wq);
}

/* Stop using a device that broke the protocol: reset it, take the link down. */
static void vnet_drop(struct vnet *vn, const char *why)
{
	virtio_fail(vn->vdev, why);
	if (vn->netdev.link_up) {
		vn->netdev.link_up = false;
		if (vn->opened && vn->stack->link_changed)
			vn->stack->link_changed(&vn->netdev);
	}
}

static int rx_post(struct vnet *vn, unsigned i)
{
	uint8_t *buf = vn->rx_mem + (size_t)i * BUF_SIZE;
	uint64_t pa = vn->rx_pa + (uint64_t)i * BUF_SIZE;
	struct virtq_buf b[2] = {{pa, BUF_SIZE, true}};
	unsigned n = 1;

	if (vn->two_desc) { /* one block still: the header and the data stay contiguous */
		b[0].len = (uint32_t)vn->hdr_len;
		b[1] = (struct virtq_buf){pa + vn->hdr_len, BUF_SIZE - (uint32_t)vn->hdr_len, true};
		n = 2;
	}
	return virtq_add(vn->vdev->queues[RXQ], b, n, buf);
}

static void rx_deliver(struct vnet *vn)
{
	unsigned flags;
	int len = vnet_rx_finish(&vn->rx, &flags);

	if (len == -EIO) {
		vnet_drop(vn, "receive checksum position outside the frame");
		return;
	}
	if (len < 0 || !vn->opened) {
		vn->netdev.rx_dropped++;
		return;
	}
	if (!(vn->features_in_use & NETDEV_F_RX_CSUM))
		flags &= ~NETDEV_RX_CSUM_OK;
	vn->netdev.rx_frames++;
	vn->stack->receive(&vn->netdev, vn->rx.data, (size_t)len, flags);
}

/* Take every used receive buffer, deliver complete frames, and give the buffers back. */
static void rx_drain(struct vnet *vn)
{
	struct virtq *vq = vn->vdev->queues[RXQ];
	void *token;
	uint32_t len;
	int r, reposted = 0;

	while (!vn->vdev->broken && (r = virtq_get_used(vq, &token, &len)) == 1) {
		size_t off = (size_t)((uint8_t *)token - vn->rx_mem);
		unsigned i = (unsigned)(off / BUF_SIZE);

		if (!vn->rx_in_frame) {
			if (vnet_rx_first(&vn->rx, token, len, vn->hdr_len, vn->mergeable, RX_BUFS) < 0) {
				vnet_drop(vn, "malformed receive header");
				return;
			}
			vn->rx_in_frame = true;
		} else {
			vnet_rx_append(&vn->rx, token, len);
			vn->rx.remaining--;
		}
		if (vn->rx.remaining == 0) {
			vn->rx_in_frame = false;
			rx_deliver(vn);
		}
		if (rx_post(vn, i) < 0) {
			vnet_drop(vn, "receive ring out of step");
			return;
		}
		reposted++;
	}
	if (r < 0) {
		vnet_drop(vn, "bad used-ring entry on the receive queue");
		return;
	}
	if (reposted)
		virtio_kick(vn->vdev, vq);
}

/* Reclaim sent buffers. Caller holds tx_lock. */
static void tx_reclaim(struct vnet *vn)
{
	struct virtq *vq = vn->vdev->queues[TXQ];
	void *token;
	uint32_t len;
	int r;

	while ((r = virtq_get_used(vq, &token, &len)) == 1) {
		size_t i = (size_t)((uint8_t *)token - vn->tx_mem) / BUF_SIZE;

		vn->tx_free[vn->tx_nfree++] = (int8_t)i;
	}
	if (r < 0)
		vnet_drop(vn, "bad used-ring entry on the transmit queue");
}

static void config_update(struct vnet *vn)
{
	uint16_t status = VIRTIO_NET_S_LINK_UP;

	if ((vn->vdev->features & VIRTIO_NET_F_STATUS) &&
	    virtio_config_read(vn->vdev, CFG_STATUS, &status, sizeof(status)) < 0) {
		vnet_drop(vn, "unreadable configuration");
		return;
	}
	bool up = (status & VIRTIO_NET_S_LINK_UP) != 0;

	if (up == vn->netdev.link_up)
		return;
	vn->netdev.link_up = up;
	log_info("%s: link %s", vn->netdev.name, up ? "up" : "down");
	if (vn->opened && vn->stack->link_changed)
		vn->stack->link_changed(&vn->netdev);
}

/* Transmit completions raise no interrupt while buffers are free: vnet_transmit reclaims them
 * lazily, and each one would otherwise wake this thread for nothing. Only a transmit
 * that found the ring full (tx_waiting) asks for the next completion's interrupt; this answers it
 * by reclaiming, telling the stack, and suppressing them again. Returns true when the queue must
 * be looked at again. Takes tx_lock: transmit sets tx_waiting under it after arming the
 * interrupt, so either this sees the flag or the interrupt comes after it returns. */
static bool tx_wake(struct vnet *vn)
{
	struct virtq *vq = vn->vdev->queues[TXQ];
	bool more = false, notify = false;

	mutex_lock(&vn->tx_lock, SYNC_FOREVER);
	if (vn->tx_waiting) {
		tx_reclaim(vn);
		if (vn->tx_nfree > 0) {
			vn->tx_waiting = false;
			notify = true;
			virtq_disable_interrupts(vq);
		} else {
			/* Woken for the receive queue, or early: keep the request armed. */
			more = virtq_enable_interrupts(vq);
		}
	}
	mutex_unlock(&vn->tx_lock);
	if (notify && vn->opened && vn->stack->tx_ready)
		vn->stack->tx_ready(&vn->netdev);
	return more;
}

static void *vnet_thread(void *arg)
{
	struct vnet *vn = arg;

	while (!vn->vdev->broken) {
		hal_irq_state_t s = hal_irq_save();

		while (vn->pending == 0)
			waitq_wait(&vn->wq, "virtio-net interrupt", UINT64_MAX);
		unsigned ev = __atomic_exchange_n(&vn->pending, 0, __ATOMIC_RELAXED);

		hal_irq_restore(s);
		if (ev & EV_CONFIG)
			config_update(vn);
		bool more;

		do {
			rx_drain(vn);
			more = tx_wake(vn);
			if (vn->vdev->broken)
				break;
			/* Ask for the next interrupt; entries that came meanwhile are taken now. */
			more |= virtq_enable_interrupts(vn->vdev->queues[RXQ]);
		} while (more);
	}
	log_err("%s: stopped", vn->netdev.name);
	return NULL;
}

static int vnet_open(struct netdev *dev, const struct netdev_stack_ops *stack, unsigned features)
{
	struct vnet *vn = dev->driver_data;

	if (!stack || !stack->receive || (features & ~dev->features))
		return -EINVAL;
	if (vn->opened)
		return -EBUSY;
	if (vn->vdev->broken)
		return -EIO;
	vn->stack = stack;
	vn->features_in_use = features;
	__atomic_store_n(&vn->opened, true, __ATOMIC_RELEASE);
	return 0;
}

static int vnet_transmit(struct netdev *dev, const struct netdev_seg *segs, unsigned nsegs,
                         uint16_t csum_start, uint16_t csum_offset)
{
	struct vnet *vn = dev->driver_data;
	size_t total = 0;

	for (unsigned i = 0; i < nsegs; i++)
		total += segs[i].len;
	if (total > (size_t)dev->mtu + ETH_HLEN_MAX || total + vn->hdr_len > BUF_SIZE) {
		dev->tx_dropped++;
		return -EMSGSIZE;
	}
	bool csum = csum_start != 0 && (vn->features_in_use & NETDEV_F_TX_CSUM);

	if (csum && (size_t)csum_start + csum_offset + 2 > total) {
		dev->tx_dropped++;
		return -EINVAL;
	}
	mutex_lock(&vn->tx_lock, SYNC_FOREVER);
	if (vn->vdev->broken) {
		mutex_unlock(&vn->tx_lock);
		dev->tx_dropped++;
		return -EIO;
	}
	/* Completions raise no interrupt (tx_wake): sent buffers come back here, in batches. */
	if (vn->tx_nfree < TX_BUFS / 2)
		tx_reclaim(vn);
	/* Still full: ask for the next completion's interrupt, then look once more, or a
	 * completion between the two would be missed and tx_ready would wait for unrelated
	 * traffic (or the stack's timeout). */
	if (vn->tx_nfree == 0 && virtq_enable_interrupts(vn->vdev->queues[TXQ])) {
		tx_reclaim(vn);
		if (vn->tx_nfree > 0)
			virtq_disable_interrupts(vn->vdev->queues[TXQ]);
	}
	if (vn->tx_nfree == 0) {
		vn->tx_waiting = true;
		mutex_unlock(&vn->tx_lock);
		return -EAGAIN;
	}
	unsigned i = (unsigned)vn->tx_free[--vn->tx_nfree];
	uint8_t *buf = vn->tx_mem + (size_t)i * BUF_SIZE;
	uint64_t pa = vn->tx_pa + (uint64_t)i * BUF_SIZE;
	struct virtio_net_hdr h = {0};

	if (csum) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = csum_start;
		h.csum_offset = csum_offset;
	}
	memcpy(buf, &h, vn->hdr_len);
	size_t off = vn->hdr_len;

	for (unsigned s = 0; s < nsegs; s++) {
		memcpy(buf + off, segs[s].data, segs[s].len);
		off += segs[s].len;
	}
	struct virtq_buf b[2] = {{pa, (uint32_t)off, false}};
	unsigned n = 1;

	if (vn->two_desc) {
		b[0].len = (uint32_t)vn->hdr_len;
		b[1] = (struct virtq_buf){pa + vn->hdr_len, (uint32_t)total, false};
		n = 2;
	}
	/* TX_BUFS * 2 descriptors never exceed the ring: a full ring is a broken invariant. */
	int err = virtq_add(vn->vdev->queues[TXQ], b, n, buf);

	if (err == 0) {
		virtio_kick(vn->vdev, vn->vdev->queues[TXQ]);
		dev->tx_frames++;
	} else {
		vn->tx_free[vn->tx_nfree++] = (int8_t)i;
		dev->tx_dropped++;
		err = -EIO;
	}
	mutex_unlock(&vn->tx_lock);
	return err;
}

static const struct netdev_ops vnet_ops = {
        .open = vnet_open,
        .transmit = vnet_transmit,
};

static int read_mac(struct vnet *vn)
{
	struct virtio_dev *vdev = vn->vdev;
	uint8_t *mac = vn->netdev.mac;

	if (vdev->features & VIRTIO_NET_F_MAC) {
		if (virtio_config_read(vdev, CFG_MAC, mac, 6) < 0)
			return -EIO;
		if ((mac[0] & 1) || (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) == 0) {
			log_err("virtio: %s: bogus MAC address %02x:%02x:%02x:%02x:%02x:%02x in the "
			        "configuration",
			        vdev->where, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
			return -EIO;
		}
		return 0;
	}
	/* §5.1.5: no MAC offered, the driver picks one: random, locally administered. */
	if (entropy_read(mac, 6) < 0) {
		uint64_t t = hal_cycles();

		memcpy(mac, &t, 6);
	}
	mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02);
	return 0;
}

static int read_mtu(struct vnet *vn)
{
	uint16_t mtu = MTU_DEFAULT;

	if (vn->vdev->features & VIRTIO_NET_F_MTU) {
		if (virtio_config_read(vn->vdev, CFG_MTU, &mtu, sizeof(mtu)) < 0)
			return -EIO;
		if (mtu < MTU_MIN) {
			log_err("virtio: %s: bogus MTU %u in the configuration", vn->vdev->where, mtu);
			return -EIO;
		}
		if (mtu > MTU_DEFAULT)
			mtu = MTU_DEFAULT; /* our buffers hold 1500-byte payloads */
	}
	vn->netdev.mtu = mtu;
	return 0;
}

static int vnet_probe(struct virtio_dev *vdev)
{
	/* Separate blocks, each a power of two so nothing is wasted: the state, then the
	 * receive and the transmit buffers (DMA-reachable). */
	_Static_assert(sizeof(struct vnet) <= HAL_PAGE_SIZE, "one page of state");
	_Static_assert((RX_BUFS * BUF_SIZE) == (HAL_PAGE_SIZE << 5) &&
	                       (TX_BUFS * BUF_SIZE) == (HAL_PAGE_SIZE << 4),
	               "buffer pools are whole power-of-two blocks");
	struct vnet *vn = mm_alloc_pages(0);
	int err;

	if (!vn)
		return -ENOMEM;
	vn->rx_mem = virtio_alloc_dma(5, &vn->rx_pa);
	vn->tx_mem = virtio_alloc_dma(4, &vn->tx_pa);
	if (!vn->rx_mem || !vn->tx_mem)
		return -ENOMEM;
	vn->vdev = vdev;
	vn->rx.frame = vn->rx_frame;
	vn->rx.cap = sizeof(vn->rx_frame);
	vn->rx.in_place = true; /* rx_drain reposts a buffer only after its frame is delivered */
	mutex_init(&vn->tx_lock, false);
	vdev->driver_data = vn;
	vdev->event = vnet_event;

	uint64_t wanted = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS | VIRTIO_NET_F_MRG_RXBUF |
	                  VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MTU |
	                  VIRTIO_F_EVENT_IDX | VIRTIO_F_ANY_LAYOUT;

	if ((err = virtio_negotiate(vdev, wanted)) < 0)
		return err;
	vn->mergeable = (vdev->features & VIRTIO_NET_F_MRG_RXBUF) != 0;
	/* §5.1.6: 12 bytes with VERSION_1 or MRG_RXBUF, else the legacy 10. */
	vn->hdr_len =
	        vn->mergeable || !vdev->legacy ? sizeof(struct virtio_net_hdr) : VIRTIO_NET_HDR_LEGACY_LEN;
	vn->two_desc = vdev->legacy && !(vdev->features & VIRTIO_F_ANY_LAYOUT);
	if ((err = read_mac(vn)) < 0 || (err = read_mtu(vn)) < 0)
		return err;
	if ((err = virtio_queue_create(vdev, RXQ, QUEUE_SIZE)) < 0 ||
	    (err = virtio_queue_create(vdev, TXQ, QUEUE_SIZE)) < 0)
		return err;
	unsigned per = vn->two_desc ? 2 : 1;

	if (vdev->queues[RXQ]->size < RX_BUFS * per || vdev->queues[TXQ]->size < TX_BUFS * per) {
		log_err("virtio: %s: queues of %u/%u entries are too small", vdev->where,
		        vdev->queues[RXQ]->size, vdev->queues[TXQ]->size);
		return -EIO;
	}
	for (unsigned i = 0; i < RX_BUFS; i++)
		if ((err = rx_post(vn, i)) < 0)
			return err;
	for (unsigned i = 0; i < TX_BUFS; i++)
		vn->tx_free[vn->tx_nfree++] = (int8_t)i;
	virtq_disable_interrupts(vdev->queues[TXQ]); /* until the ring is full: tx_wake */
	if (vdev->features & VIRTIO_NET_F_CSUM)
		vn->netdev.features |= NETDEV_F_TX_CSUM;
	if (vdev->features & VIRTIO_NET_F_GUEST_CSUM)
		vn->netdev.features |= NETDEV_F_RX_CSUM;
	fmt_snprintf(vn->netdev.name, sizeof(vn->netdev.name), "virtio-net%u", vnet_count);
	vn->netdev.ops = &vnet_ops;
	vn->netdev.driver_data = vn;
	if ((err = virtio_driver_ok(vdev)) < 0)
		return err;
	virtio_kick(vdev, vdev->queues[RXQ]);
	vn->netdev.link_up = false;
	config_update(vn);
	if (vdev->broken)
		return -EIO;
	char tname[THREAD_NAME_MAX];

	fmt_snprintf(tname, sizeof(tname), "vnet%u-rx", vnet_count);
	/* Above the default priority: frames are taken off the ring before applications run. */
	struct thread *t = thread_create(tname, THREAD_PRIO_DEFAULT + 1, vnet_thread, vn, RX_THREAD_STACK);

	if (!t) {
		virtio_fail(vdev, "no memory for the receive thread");
		return -ENOMEM;
	}
	thread_set_service(t);
	thread_detach(t);
	if ((err = netdev_register(&vn->netdev)) < 0) {
		virtio_fail(vdev, "netdev registry refused the device");
		return err;
	}
	log_debug("%s: %s%s%s%s, %zu-byte header", vn->netdev.name, vdev->legacy ? "legacy" : "virtio 1.x",
	          vn->mergeable ? ", mergeable rx buffers" : "",
	          vdev->features & VIRTIO_F_EVENT_IDX ? ", event idx" : "",
	          vn->netdev.features ? ", checksum offload" : "", vn->hdr_len);
	vnet_count++;
	return 0;
}
VIRTIO_DRIVER(virtio_net, "virtio-net", VIRTIO_ID_NET, vnet_probe);
