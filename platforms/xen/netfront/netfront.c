/* SPDX-License-Identifier: MIT */
/* netfront.c: the Xen PV network frontend (public/io/netif.h) as a netdev: one transmit and one
 * receive ring, receive by copy (request-rx-copy), feature-rx-notify, scatter-gather transmit
 * and checksum offload when the backend offers them. A thread per device does the work the
 * event channel only signals. Every response goes through netfront_wire.c's checks first. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/netdev.h>
#include <mote/sync.h>
#include <mote/thread.h>
#include <mote/xen/evtchn.h>
#include <mote/xen/gnttab.h>
#include <mote/xen/xenbus.h>
#include <mote/xen/xenstore.h>

#include "netfront_wire.h"

#define PAGE            NETFRONT_PAGE_SIZE
#define RING_MASK       (NETFRONT_RING_SIZE - 1)
#define RX_BUFS         128 /* receive pages posted; divides the ring so slot i uses page i % RX_BUFS */
#define TX_SLOTS        64  /* transmit pages in flight at most */
#define MTU_DEFAULT     1500
#define MTU_MAX_SG      9000 /* with scatter-gather a frame may span pages */
#define ETH_HLEN_MAX    18   /* Ethernet header with a VLAN tag */
#define ETH_P_IPV4      0x0800
#define ETH_P_IPV6      0x86dd
#define RX_THREAD_STACK (24 * 1024)
#define QUIESCE_NS      (2 * 1000 * 1000 * 1000ull) /* shutdown waits this long for the tx ring */

_Static_assert(NETFRONT_RING_SIZE % RX_BUFS == 0 && TX_SLOTS <= NETFRONT_RING_SIZE, "slots fit the rings");

struct nf_page {
	uint8_t *mem;
	int gref; /* > 0 while granted to the backend */
};

struct nf {
	struct netdev netdev;
	struct xenbus_device *xdev;
	/* From the backend's features. */
	bool sg, csum_v4, csum_v6;
	/* Shared rings and the one event channel for both. */
	union {
		struct netif_tx_sring *sring;
		volatile struct netfront_sring *idx;
	} txr;
	union {
		struct netif_rx_sring *sring;
		volatile struct netfront_sring *idx;
	} rxr;
	int tx_ring_ref, rx_ring_ref;
	int evtchn;
	/* Interrupt to thread. */
	volatile unsigned pending;
	struct waitq wq;
	struct thread *thread;
	volatile bool stopping;
	/* Life cycle: the backend may see requests only once connected; broken is final. */
	volatile bool connected, broken, closing;
	bool registered;
	const struct netdev_stack_ops *stack;
	unsigned features_in_use;
	volatile bool opened;
	/* Receive. */
	uint32_t rx_prod, rx_cons; /* our req_prod and rsp_cons */
	struct nf_page rx[RX_BUFS];
	struct netfront_rx asm_rx;
	uint8_t *frame; /* mtu + ETH_HLEN_MAX bytes: the frame being assembled */
	unsigned frame_order;
	/* Transmit, under tx_lock: the thread reclaims, transmit() fills. */
	struct mutex tx_lock;
	uint32_t tx_prod, tx_cons;
	struct nf_page tx[TX_SLOTS];
	bool in_flight[TX_SLOTS];
	uint16_t tx_free[TX_SLOTS];
	unsigned tx_nfree;
	bool tx_waiting;
	uint8_t *stage; /* a whole frame, when the checksum is filled in here before it is split */
};

static unsigned order_for(size_t bytes)
{
	unsigned order = 0;

	while (((size_t)PAGE << order) < bytes)
		order++;
	return order;
}

static const char *nf_name(struct nf *nf) { return nf->netdev.name[0] ? nf->netdev.name : nf->xdev->node; }

/* The backend broke the protocol (or left): stop using the device for good. The rings stay
 * as they are; release() ends what it can. The thread tells the stack: link_changed takes the
 * stack's lock, which a caller of transmit (where this may happen) already holds. */
static void nf_drop(struct nf *nf, const char *why)
{
	if (!nf->broken)
		log_err("%s: %s: device dropped", nf_name(nf), why);
	nf->broken = true;
	waitq_wake_all(&nf->wq);
}

static void nf_event(unsigned port, void *arg)
{
	struct nf *nf = arg;

	(void)port;
	__atomic_or_fetch(&nf->pending, 1u, __ATOMIC_RELAXED);
	waitq_wake_one(&nf->wq);
}

static void nf_notify(struct nf *nf)
{
	if (xen_evtchn_notify((unsigned)nf->evtchn) < 0)
		nf_drop(nf, "event channel notify failed");
}

/* End the backend's access to a page it has answered for. XSA-396: a backend that still maps
 * it could read or change what we put there next, so failure drops the device and the page is
 * never used again. */
static int nf_end(struct nf *nf, struct nf_page *p)
{
	if (p->gref <= 0)
		return 0;
	int err = xen_gnttab_end(p->gref);

	if (err < 0) {
		nf_drop(nf, "the backend kept a grant it had answered for");
		p->mem = NULL; /* leaked on purpose */
		return err;
	}
	p->gref = 0;
	return 0;
}

/* Give receive slot `i` (ring index) back to the backend. */
static int rx_post(struct nf *nf, uint32_t i)
{
	struct nf_page *p = &nf->rx[i % RX_BUFS];
	int ref = xen_gnttab_grant(nf->xdev->backend_id, p->mem, 0);

	if (ref < 0)
		return ref;
	p->gref = ref;
	struct netif_rx_request *req = &nf->rxr.sring->ring[i & RING_MASK].req;

	req->id = (uint16_t)(i & RING_MASK);
	req->gref = (grant_ref_t)ref;
	return 0;
}

static void rx_deliver(struct nf *nf)
{
	unsigned flags;
	int len = netfront_rx_finish(&nf->asm_rx, &flags);

	if (len < 0 || !nf->opened) {
		nf->netdev.rx_dropped++;
		return;
	}
	if (!(nf->features_in_use & NETDEV_F_RX_CSUM))
		flags &= ~NETDEV_RX_CSUM_OK;
	nf->netdev.rx_frames++;
	nf->stack->receive(&nf->netdev, nf->frame, (size_t)len, flags);
}

/* Take every receive response, deliver complete frames, post the pages again. Thread only. */
static bool rx_drain(struct nf *nf)
{
	int n;

	while (!nf->broken && (n = netfront_ring_final_check(nf->rxr.idx, nf->rx_cons, nf->rx_prod)) != 0) {
		if (n < 0) {
			nf_drop(nf, "receive ring: more responses than requests");
			return false;
		}
		for (int k = 0; k < n; k++, nf->rx_cons++) {
			uint32_t i = nf->rx_cons;
			struct netif_rx_response rsp = nf->rxr.sring->ring[i & RING_MASK].rsp; /* one copy */
			struct nf_page *p = &nf->rx[i % RX_BUFS];

			if (nf_end(nf, p) < 0)
				return false;
			int r = netfront_rx_add(&nf->asm_rx, &rsp, (uint16_t)(i & RING_MASK), p->mem);

			if (r < 0) {
				log_err("%s: receive response id %u (slot %u), offset %u, flags %#x, status "
				        "%d",
				        nf_name(nf), rsp.id, i & RING_MASK, rsp.offset, rsp.flags,
				        rsp.status);
				nf_drop(nf, "bad receive response");
				return false;
			}
			if (r == 1)
				rx_deliver(nf);
			if (rx_post(nf, nf->rx_prod) < 0) {
				nf_drop(nf, "no grant reference for a receive page");
				return false;
			}
			nf->rx_prod++;
		}
		if (netfront_ring_push(nf->rxr.idx, nf->rx_prod))
			nf_notify(nf);
	}
	return true;
}

/* Transmit responses not yet taken; want_event also moves rsp_event so that the next one sends
 * an event (RING_FINAL_CHECK_FOR_RESPONSES), else rsp_event stays where it is. */
static int tx_responses(struct nf *nf, bool want_event)
{
	if (want_event)
		return netfront_ring_final_check(nf->txr.idx, nf->tx_cons, nf->tx_prod);
	return netfront_ring_pending(nf->txr.idx, nf->tx_cons, nf->tx_prod);
}

/* Reclaim answered transmit slots. Caller holds tx_lock. want_event: the caller is about to wait
 * for slots, so the backend is asked for an event at its next transmit response. Otherwise it is
 * not asked, and sends none for transmit responses: the slots come back when transmit() runs
 * short or when the thread runs for a received frame (one event channel serves both rings).
 * A request-response exchange then costs one event in the domU instead of two, and netback one
 * notify hypercall in dom0 instead of two (public/io/ring.h, rsp_event). */
static void tx_reclaim(struct nf *nf, bool want_event)
{
	int n;

	while (!nf->broken && (n = tx_responses(nf, want_event)) != 0) {
		if (n < 0) {
			nf_drop(nf, "transmit ring: more responses than requests");
			return;
		}
		for (int k = 0; k < n; k++, nf->tx_cons++) {
			struct netif_tx_response rsp = nf->txr.sring->ring[nf->tx_cons & RING_MASK].rsp;
			int r = netfront_tx_check(&rsp, nf->in_flight, TX_SLOTS);

			if (r < 0) {
				log_err("%s: transmit response id %u, status %d", nf_name(nf), rsp.id,
				        rsp.status);
				nf_drop(nf, "bad transmit response");
				return;
			}
			if (r == 1)
				nf->netdev.tx_dropped++;
			if (nf_end(nf, &nf->tx[rsp.id]) < 0)
				return;
			nf->in_flight[rsp.id] = false;
			nf->tx_free[nf->tx_nfree++] = rsp.id;
		}
	}
}

static void *nf_thread(void *arg)
{
	struct nf *nf = arg;

	while (!nf->broken && !nf->stopping) {
		hal_irq_state_t s = hal_irq_save();

		while (nf->pending == 0 && !nf->stopping && !nf->broken)
			waitq_wait(&nf->wq, "netfront event", SYNC_FOREVER);
		__atomic_exchange_n(&nf->pending, 0, __ATOMIC_RELAXED);
		hal_irq_restore(s);
		if (nf->stopping)
			break;
		rx_drain(nf);
		mutex_lock(&nf->tx_lock, SYNC_FOREVER);
		tx_reclaim(nf, nf->tx_waiting);
		bool ready = nf->tx_waiting && nf->tx_nfree > 0;

		if (ready)
			nf->tx_waiting = false;
		mutex_unlock(&nf->tx_lock);
		if (ready && nf->opened && nf->stack->tx_ready)
			nf->stack->tx_ready(&nf->netdev);
	}
	if (nf->broken && nf->netdev.link_up) {
		nf->netdev.link_up = false;
		if (nf->opened && nf->stack->link_changed)
			nf->stack->link_changed(&nf->netdev);
	}
	return NULL;
}

static int nf_open(struct netdev *dev, const struct netdev_stack_ops *stack, unsigned features)
{
	struct nf *nf = dev->driver_data;

	if (!stack || !stack->receive || (features & ~dev->features))
		return -EINVAL;
	if (nf->opened)
		return -EBUSY;
	if (nf->broken)
		return -EIO;
	nf->stack = stack;
	nf->features_in_use = features;
	__atomic_store_n(&nf->opened, true, __ATOMIC_RELEASE);
	return 0;
}

/* Copy the frame's bytes [off, off + len) into dst. */
static void gather(const struct netdev_seg *segs, unsigned nsegs, size_t off, uint8_t *dst, size_t len)
{
	for (unsigned s = 0; s < nsegs && len > 0; s++) {
		if (off >= segs[s].len) {
			off -= segs[s].len;
			continue;
		}
		size_t n = segs[s].len - off < len ? segs[s].len - off : len;

		memcpy(dst, (const uint8_t *)segs[s].data + off, n);
		dst += n;
		len -= n;
		off = 0;
	}
}

static int nf_transmit(struct netdev *dev, const struct netdev_seg *segs, unsigned nsegs, uint16_t csum_start,
                       uint16_t csum_offset)
{
	struct nf *nf = dev->driver_data;
	size_t total = 0;

	for (unsigned i = 0; i < nsegs; i++)
		total += segs[i].len;
	unsigned nslots = (unsigned)((total + PAGE - 1) / PAGE);

	if (total == 0 || total > (size_t)dev->mtu + ETH_HLEN_MAX || (nslots > 1 && !nf->sg)) {
		dev->tx_dropped++;
		return -EMSGSIZE;
	}
	bool csum = csum_start != 0 && (nf->features_in_use & NETDEV_F_TX_CSUM);

	if (csum && (size_t)csum_start + csum_offset + 2 > total) {
		dev->tx_dropped++;
		return -EINVAL;
	}
	mutex_lock(&nf->tx_lock, SYNC_FOREVER);
	/* Nothing reaches the ring before the backend is Connected, nor after it left. */
	if (!nf->connected || nf->broken || nf->closing) {
		mutex_unlock(&nf->tx_lock);
		dev->tx_dropped++;
		return -EIO;
	}
	if (nf->tx_nfree < nslots)
		tx_reclaim(nf, false);
	if (nf->tx_nfree < nslots)
		tx_reclaim(nf, true); /* the event it asks for wakes the thread, which calls tx_ready */
	if (nf->tx_nfree < nslots) {
		nf->tx_waiting = true;
		mutex_unlock(&nf->tx_lock);
		return -EAGAIN;
	}
	uint16_t txflags = 0;
	const struct netdev_seg *src = segs;
	unsigned nsrc = nsegs;
	struct netdev_seg staged;

	if (csum) {
		int type = segs[0].len >= 14 ? netfront_ethertype(segs[0].data, segs[0].len) : -1;

		if ((type == ETH_P_IPV4 && nf->csum_v4) || (type == ETH_P_IPV6 && nf->csum_v6)) {
			/* netif.h: the backend fills in a blank checksum the stack left partial. */
			txflags = NETTXF_csum_blank | NETTXF_data_validated;
		} else {
			/* The backend cannot: fill it in here, on a whole copy. */
			gather(segs, nsegs, 0, nf->stage, total);
			if (netfront_csum_at(nf->stage, total, csum_start, csum_offset) < 0) {
				mutex_unlock(&nf->tx_lock);
				dev->tx_dropped++;
				return -EINVAL;
			}
			staged = (struct netdev_seg){nf->stage, total};
			src = &staged;
			nsrc = 1;
		}
	}
	uint32_t first = nf->tx_prod;

	for (unsigned k = 0; k < nslots; k++) {
		uint16_t id = nf->tx_free[--nf->tx_nfree];
		struct nf_page *p = &nf->tx[id];
		size_t off = (size_t)k * PAGE, n = total - off < PAGE ? total - off : PAGE;

		gather(src, nsrc, off, p->mem, n);
		int ref = xen_gnttab_grant(nf->xdev->backend_id, p->mem, 1);

		if (ref < 0) {
			/* Undo this frame's slots: none of them has been published. */
			nf->tx_free[nf->tx_nfree++] = id;
			for (uint32_t j = first; j != nf->tx_prod; j++) {
				uint16_t jid = nf->txr.sring->ring[j & RING_MASK].req.id;

				nf_end(nf, &nf->tx[jid]);
				nf->in_flight[jid] = false;
				nf->tx_free[nf->tx_nfree++] = jid;
			}
			nf->tx_prod = first;
			mutex_unlock(&nf->tx_lock);
			dev->tx_dropped++;
			return -EAGAIN;
		}
		p->gref = ref;
		nf->in_flight[id] = true;
		/* netif.h "Guest transmit": the first request carries the whole size, the others
		 * their own; every one but the last says more_data. */
		struct netif_tx_request *req = &nf->txr.sring->ring[nf->tx_prod & RING_MASK].req;

		req->gref = (grant_ref_t)ref;
		req->offset = 0;
		req->flags = (uint16_t)((k == 0 ? txflags : 0) | (k + 1 < nslots ? NETTXF_more_data : 0));
		req->id = id;
		req->size = (uint16_t)(k == 0 ? total : n);
		nf->tx_prod++;
	}
	if (netfront_ring_push(nf->txr.idx, nf->tx_prod))
		nf_notify(nf);
	dev->tx_frames++;
	mutex_unlock(&nf->tx_lock);
	return 0;
}

static const struct netdev_ops nf_ops = {
        .open = nf_open,
        .transmit = nf_transmit,
};

/* Read our own node's key (the toolstack writes mac and mtu there). */
static int read_own(struct xenbus_device *xdev, uint32_t tx, const char *key, char *buf, unsigned len)
{
	char path[XENBUS_PATH_MAX + 16];

	fmt_snprintf(path, sizeof(path), "%s/%s", xdev->node, key);
	return xen_xs_read(tx, path, buf, len);
}

static bool backend_flag(struct xenbus_device *xdev, const char *key, bool dflt, int *err)
{
	uint64_t v;
	int r = xenbus_backend_read_u64(xdev, key, 1, &v);

	if (r == -ENOENT)
		return dflt;
	if (r < 0) {
		*err = r;
		return false;
	}
	return v != 0;
}

static void free_page(struct nf *nf, struct nf_page *p, unsigned order)
{
	if (nf_end(nf, p) == 0 && p->mem)
		mm_free_pages(p->mem, order);
	p->mem = NULL;
}

static void nf_release(struct xenbus_device *xdev)
{
	struct nf *nf = xdev->driver_data;

	if (!nf)
		return;
	if (nf->thread) {
		nf->stopping = true;
		waitq_wake_all(&nf->wq);
		thread_join(nf->thread, NULL);
		nf->thread = NULL;
	}
	nf->connected = false;
	if (nf->evtchn > 0)
		xen_evtchn_close((unsigned)nf->evtchn);
	nf->evtchn = 0;
	/* Ending a grant the backend still maps fails: that page is leaked, never reused. */
	struct nf_page rings[2] = {{(uint8_t *)nf->txr.sring, nf->tx_ring_ref},
	                           {(uint8_t *)nf->rxr.sring, nf->rx_ring_ref}};

	free_page(nf, &rings[0], 0);
	free_page(nf, &rings[1], 0);
	nf->txr.sring = NULL;
	nf->rxr.sring = NULL;
	nf->tx_ring_ref = nf->rx_ring_ref = 0;
	for (unsigned i = 0; i < RX_BUFS; i++)
		free_page(nf, &nf->rx[i], 0);
	for (unsigned i = 0; i < TX_SLOTS; i++)
		free_page(nf, &nf->tx[i], 0);
	if (nf->frame)
		mm_free_pages(nf->frame, nf->frame_order);
	if (nf->stage)
		mm_free_pages(nf->stage, nf->frame_order);
	nf->frame = nf->stage = NULL;
	if (nf->registered) {
		/* The registry keeps the netdev: it stays, dropped, and refuses to transmit. */
		nf->broken = true;
		return;
	}
	xdev->driver_data = NULL;
	mm_free_pages(nf, order_for(sizeof(*nf)));
}

static int nf_setup(struct xenbus_device *xdev, uint32_t tx)
{
	struct nf *nf = xdev->driver_data;
	int err = 0;
	char buf[32];

	if (!nf) {
		nf = mm_alloc_pages(order_for(sizeof(*nf)));
		if (!nf)
			return -ENOMEM;
		xdev->driver_data = nf;
		nf->xdev = xdev;
		mutex_init(&nf->tx_lock, false);
	}
	fmt_snprintf(nf->netdev.name, sizeof(nf->netdev.name), "netfront%u", xdev->index);
	/* We only receive by copy: a backend that cannot is of no use. */
	if (!backend_flag(xdev, "feature-rx-copy", false, &err)) {
		if (!err)
			log_err("%s: the backend does not offer feature-rx-copy", nf_name(nf));
		return err ? err : -ENODEV;
	}
	nf->sg = backend_flag(xdev, "feature-sg", false, &err);
	nf->csum_v4 = !backend_flag(xdev, "feature-no-csum-offload", false, &err);
	nf->csum_v6 = backend_flag(xdev, "feature-ipv6-csum-offload", false, &err);
	if (err)
		return err;
	/* MAC (required) and MTU (1500 when absent) from our node, checked. */
	int r = read_own(xdev, tx, "mac", buf, sizeof(buf));

	if (r < 0 || netfront_parse_mac(buf, nf->netdev.mac) < 0) {
		log_err("%s: no valid mac in xenstore (%s)", nf_name(nf), r < 0 ? "unreadable" : buf);
		return r < 0 ? r : -EINVAL;
	}
	unsigned mtu = MTU_DEFAULT;

	r = read_own(xdev, tx, "mtu", buf, sizeof(buf));
	if (r >= 0 && netfront_parse_mtu(buf, &mtu) < 0) {
		log_err("%s: bad mtu \"%s\" in xenstore", nf_name(nf), buf);
		return -EINVAL;
	}
	if (r < 0 && r != -ENOENT)
		return r;
	/* Without scatter-gather a frame must fit one page. */
	unsigned mtu_max = nf->sg ? MTU_MAX_SG : PAGE - ETH_HLEN_MAX;

	if (mtu > mtu_max) {
		log_info("%s: mtu %u lowered to %u", nf_name(nf), mtu, mtu_max);
		mtu = mtu_max;
	}
	nf->netdev.mtu = (uint16_t)mtu;
	/* Memory: the two rings, the receive and transmit pages, a frame and a staging copy. */
	nf->frame_order = order_for(mtu + ETH_HLEN_MAX);
	nf->txr.sring = mm_alloc_pages(0);
	nf->rxr.sring = mm_alloc_pages(0);
	nf->frame = mm_alloc_pages(nf->frame_order);
	nf->stage = mm_alloc_pages(nf->frame_order);
	if (!nf->txr.sring || !nf->rxr.sring || !nf->frame || !nf->stage)
		return -ENOMEM;
	for (unsigned i = 0; i < RX_BUFS; i++)
		if (!(nf->rx[i].mem = mm_alloc_pages(0)))
			return -ENOMEM;
	for (unsigned i = 0; i < TX_SLOTS; i++) {
		if (!(nf->tx[i].mem = mm_alloc_pages(0)))
			return -ENOMEM;
		nf->tx_free[i] = (uint16_t)(TX_SLOTS - 1 - i);
		nf->in_flight[i] = false;
	}
	nf->tx_nfree = TX_SLOTS;
	nf->asm_rx = (struct netfront_rx){.frame = nf->frame, .cap = mtu + ETH_HLEN_MAX};
	/* Empty rings (public/io/ring.h SHARED_RING_INIT): events wanted from the first entry. */
	nf->txr.idx->req_prod = nf->txr.idx->rsp_prod = 0;
	nf->txr.idx->req_event = nf->txr.idx->rsp_event = 1;
	nf->rxr.idx->req_prod = nf->rxr.idx->rsp_prod = 0;
	nf->rxr.idx->req_event = nf->rxr.idx->rsp_event = 1;
	nf->tx_prod = nf->tx_cons = nf->rx_prod = nf->rx_cons = 0;
	if ((r = xen_gnttab_grant(xdev->backend_id, nf->txr.sring, 0)) < 0)
		return r;
	nf->tx_ring_ref = r;
	if ((r = xen_gnttab_grant(xdev->backend_id, nf->rxr.sring, 0)) < 0)
		return r;
	nf->rx_ring_ref = r;
	/* Receive pages posted now: requests, not traffic; the backend looks once connected. */
	for (uint32_t i = 0; i < RX_BUFS; i++) {
		if ((r = rx_post(nf, i)) < 0)
			return r;
		nf->rx_prod++;
	}
	netfront_ring_push(nf->rxr.idx, nf->rx_prod);
	if ((r = xen_evtchn_alloc_unbound(xdev->backend_id, nf_event, nf)) < 0)
		return r;
	nf->evtchn = r;
	if ((err = xenbus_printf(tx, xdev, "tx-ring-ref", "%d", nf->tx_ring_ref)) < 0 ||
	    (err = xenbus_printf(tx, xdev, "rx-ring-ref", "%d", nf->rx_ring_ref)) < 0 ||
	    (err = xenbus_printf(tx, xdev, "event-channel", "%d", nf->evtchn)) < 0 ||
	    (err = xenbus_printf(tx, xdev, "request-rx-copy", "1")) < 0 ||
	    (err = xenbus_printf(tx, xdev, "feature-rx-notify", "1")) < 0 ||
	    (err = xenbus_printf(tx, xdev, "feature-sg", "%d", nf->sg ? 1 : 0)) < 0 ||
	    /* Partial checksums on receive are filled in here (netfront_csum_fill). */
	    (err = xenbus_printf(tx, xdev, "feature-ipv6-csum-offload", "1")) < 0)
		return err;
	if (nf->csum_v4)
		nf->netdev.features |= NETDEV_F_TX_CSUM;
	nf->netdev.features |= NETDEV_F_RX_CSUM;
	/* netback connects only once the frontend says Connected. */
	return XenbusStateConnected;
}

static int nf_connected(struct xenbus_device *xdev)
{
	struct nf *nf = xdev->driver_data;
	char tname[THREAD_NAME_MAX];

	nf->netdev.ops = &nf_ops;
	nf->netdev.driver_data = nf;
	fmt_snprintf(tname, sizeof(tname), "netfront%u", xdev->index);
	/* Above the default priority: frames leave the ring before applications run. */
	nf->thread = thread_create(tname, THREAD_PRIO_DEFAULT + 1, nf_thread, nf, RX_THREAD_STACK);
	if (!nf->thread)
		return -ENOMEM;
	thread_set_service(nf->thread);
	nf->connected = true;
	nf->netdev.link_up = true;
	int err = netdev_register(&nf->netdev);

	if (err < 0) {
		log_err("%s: the netdev registry refused the device (%d)", nf_name(nf), err);
		return err;
	}
	nf->registered = true;
	/* Let the backend see the receive pages posted before it connected. */
	nf_notify(nf);
	log_info("%s: %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, backend domain %u%s%s%s", nf->netdev.name,
	         nf->netdev.mac[0], nf->netdev.mac[1], nf->netdev.mac[2], nf->netdev.mac[3],
	         nf->netdev.mac[4], nf->netdev.mac[5], nf->netdev.mtu, xdev->backend_id,
	         nf->sg ? ", scatter-gather" : "", nf->csum_v4 ? ", tx checksum offload" : "",
	         nf->csum_v6 ? " (+IPv6)" : "");
	return 0;
}

/* A clean exit: stop new frames and give the backend a moment to answer those in flight. */
static void nf_shutdown(struct xenbus_device *xdev)
{
	struct nf *nf = xdev->driver_data;
	uint64_t deadline = hal_clock_monotonic_ns() + QUIESCE_NS;

	mutex_lock(&nf->tx_lock, SYNC_FOREVER);
	nf->closing = true;
	while (!nf->broken && nf->tx_nfree < TX_SLOTS && hal_clock_monotonic_ns() < deadline) {
		tx_reclaim(nf, false);
		mutex_unlock(&nf->tx_lock);
		thread_sleep_until(hal_clock_monotonic_ns() + 1000 * 1000);
		mutex_lock(&nf->tx_lock, SYNC_FOREVER);
	}
	mutex_unlock(&nf->tx_lock);
}

static void nf_backend_lost(struct xenbus_device *xdev)
{
	nf_drop(xdev->driver_data, "the backend left Connected");
}

XENBUS_DRIVER(netfront, "vif", "netfront", .setup = nf_setup, .connected = nf_connected,
              .shutdown = nf_shutdown, .backend_lost = nf_backend_lost, .release = nf_release);
