/* SPDX-License-Identifier: MIT */
/* blkfront.c: Xen's virtual block device frontend (public/io/blkif.h) as a blkdev: one shared
 * ring page, several requests in flight, flush, read-only disks, sector sizes up to 4 KiB and
 * indirect requests when the backend takes them. Every response is checked; a backend that
 * breaks the protocol has its disk dropped. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/blkdev.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/thread.h>
#include <mote/xen/evtchn.h>
#include <mote/xen/gnttab.h>
#include <mote/xen/xenbus.h>

#include <xen/io/protocols.h>

#include "blkfront_wire.h"

#define SHUTDOWN_WAIT_NS (5ull * 1000 * 1000 * 1000)

/* One request slot. Its data pages and indirect page are allocated and granted once, when the
 * backend connects, and every request of the slot goes through them (a copy in or out): the
 * backend never sees the caller's memory, so a backend that keeps a mapping after answering
 * cannot write into memory that has been handed back, and it may keep the grants mapped
 * (feature-persistent) instead of mapping them per request. */
struct bf_slot {
	struct blk_request *req;
	uint8_t *data; /* segs_max pages, contiguous */
	struct blkif_request_segment *indirect;
	grant_ref_t grefs[BLKFRONT_SEGS_MAX];
	grant_ref_t indirect_gref;
	uint8_t data_order;
};

struct blkfront {
	struct blkdev blk;
	struct xenbus_device *xdev;
	struct blkfront_limits lim;
	blkif_front_ring_t ring;
	blkif_sring_t *sring;
	grant_ref_t ring_gref; /* 0: none */
	int port;              /* 0: none */
	bool registered;
	bool closing; /* shutdown(): new requests are refused */
	bool leaked;  /* a grant the backend still held: its page was never freed */
	unsigned nslots;
	struct bf_slot slots[BLKFRONT_SLOTS];
	struct blkfront_expect expect[BLKFRONT_SLOTS];
	/* Free slots, a stack; taken and given back with interrupts disabled. */
	uint8_t free_slots[BLKFRONT_SLOTS];
	unsigned nfree;
};

/* Finish slot i's request. Interrupts disabled. */
static void slot_complete(struct blkfront *bf, unsigned i, int result)
{
	struct bf_slot *slot = &bf->slots[i];
	struct blk_request *req = slot->req;

	if (result == 0 && req->op == BLK_READ)
		memcpy(req->buf, slot->data, (size_t)req->count * bf->lim.sector_size);
	if (result != 0)
		bf->blk.errors++;
	req->status = result;
	slot->req = NULL;
	bf->expect[i].busy = false;
	bf->free_slots[bf->nfree++] = (uint8_t)i;
	req->done(req);
}

/* The backend broke the protocol or went away: stop listening to it, fail what it holds and
 * refuse what comes. Interrupts disabled. */
static void bf_drop(struct blkfront *bf, const char *why)
{
	if (!bf->blk.dropped)
		log_err("%s: %s: %s; the disk is dropped", bf->blk.driver_name, bf->xdev->node, why);
	bf->blk.dropped = true;
	if (bf->port > 0)
		xen_evtchn_mask((unsigned)bf->port);
	for (unsigned i = 0; i < bf->nslots; i++)
		if (bf->expect[i].busy)
			slot_complete(bf, i, -EIO);
}

/* Take every response the backend has produced. Interrupt context (or interrupts disabled). */
static void bf_reap(struct blkfront *bf)
{
	int more;

	if (bf->blk.dropped || !bf->sring)
		return;
	do {
		RING_IDX rp = bf->ring.sring->rsp_prod;
		const char *why;

		xen_rmb(); /* the responses after the index that announces them */
		if (blkfront_responses(rp, bf->ring.rsp_cons, bf->ring.req_prod_pvt, &why) < 0) {
			bf_drop(bf, why);
			return;
		}
		for (RING_IDX i = bf->ring.rsp_cons; i != rp; i++) {
			/* One copy: the backend may rewrite the entry while we look at it. */
			struct blkif_response rsp =
			        *(volatile struct blkif_response *)RING_GET_RESPONSE(&bf->ring, i);
			unsigned slot;
			int result;

			if (blkfront_response(&rsp, bf->expect, bf->nslots, &slot, &result, &why) < 0) {
				log_err("%s: response id %llu, operation %u, status %d", bf->blk.driver_name,
				        (unsigned long long)rsp.id, rsp.operation, rsp.status);
				bf_drop(bf, why);
				return;
			}
			bf->ring.rsp_cons = i + 1;
			slot_complete(bf, slot, result);
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&bf->ring, more);
	} while (more);
}

static void bf_event(unsigned port, void *arg)
{
	(void)port;
	bf_reap(arg);
}

static int bf_submit(struct blkdev *dev, struct blk_request *req)
{
	struct blkfront *bf = dev->driver_data;
	int err = blkfront_check_request(&bf->lim, req);

	if (err < 0)
		return err;
	if (dev->dropped || bf->closing)
		return -ENODEV;
	hal_irq_state_t s = hal_irq_save();

	if (bf->nfree == 0) {
		hal_irq_restore(s);
		return -EAGAIN;
	}
	unsigned i = bf->free_slots[--bf->nfree];
	struct bf_slot *slot = &bf->slots[i];

	slot->req = req; /* ours now: the handler looks only at busy slots */
	hal_irq_restore(s);

	uint32_t bytes = req->count * bf->lim.sector_size;
	struct blkif_request r = {0};
	uint8_t inner = req->op == BLK_READ    ? BLKIF_OP_READ
	                : req->op == BLK_WRITE ? BLKIF_OP_WRITE
	                                       : BLKIF_OP_FLUSH_DISKCACHE;

	if (req->op == BLK_WRITE)
		memcpy(slot->data, req->buf, bytes);
	if (req->op == BLK_FLUSH || !bf->lim.indirect) {
		r.operation = inner;
		r.handle = (blkif_vdev_t)bf->xdev->id;
		r.id = i;
		if (req->op != BLK_FLUSH) {
			r.sector_number = req->sector * (bf->lim.sector_size / 512);
			r.nr_segments = (uint8_t)blkfront_segments(bytes, slot->grefs, r.seg);
		}
	} else {
		struct blkif_request_indirect *ir = (struct blkif_request_indirect *)&r;

		ir->operation = BLKIF_OP_INDIRECT;
		ir->indirect_op = inner;
		ir->id = i;
		ir->handle = (blkif_vdev_t)bf->xdev->id;
		ir->sector_number = req->sector * (bf->lim.sector_size / 512);
		ir->nr_segments = (uint16_t)blkfront_segments(bytes, slot->grefs, slot->indirect);
		ir->indirect_grefs[0] = slot->indirect_gref;
	}

	s = hal_irq_save();
	if (dev->dropped) { /* dropped meanwhile: the slot was never busy, so it is still ours */
		slot->req = NULL;
		bf->free_slots[bf->nfree++] = (uint8_t)i;
		hal_irq_restore(s);
		return -ENODEV;
	}
	bf->expect[i] = (struct blkfront_expect){.busy = true, .op = r.operation, .inner_op = inner};
	/* Slots are fewer than ring entries, so the ring always has room for one more. */
	*RING_GET_REQUEST(&bf->ring, bf->ring.req_prod_pvt) = r;
	bf->ring.req_prod_pvt++;
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&bf->ring, notify);
	if (notify)
		xen_evtchn_notify((unsigned)bf->port);
	if (req->op == BLK_READ)
		dev->reads++;
	else if (req->op == BLK_WRITE)
		dev->writes++;
	else
		dev->flushes++;
	hal_irq_restore(s);
	return 0;
}

static const struct blkdev_ops bf_ops = {
        .submit = bf_submit,
};

/* Withdraw a grant. One the backend still holds (it should have let go when it closed) cannot
 * be taken back: its page is then never freed, and the caller is told. */
static bool end_grant(struct blkfront *bf, grant_ref_t *ref)
{
	if (*ref == 0)
		return true;
	int err = xen_gnttab_end((int)*ref);

	*ref = 0;
	if (err == 0)
		return true;
	if (!bf->leaked)
		log_warn("%s: the backend still holds a grant (%d); its page is kept", bf->blk.driver_name,
		         err);
	bf->leaked = true;
	return false;
}

static void free_slots(struct blkfront *bf)
{
	for (unsigned i = 0; i < bf->nslots; i++) {
		struct bf_slot *slot = &bf->slots[i];
		bool all = true;

		for (unsigned g = 0; g < BLKFRONT_SEGS_MAX; g++)
			all &= end_grant(bf, &slot->grefs[g]);
		if (slot->data && all)
			mm_free_pages(slot->data, slot->data_order);
		if (slot->indirect && end_grant(bf, &slot->indirect_gref))
			mm_free_pages(slot->indirect, 0);
		slot->data = NULL;
		slot->indirect = NULL;
	}
	bf->nslots = 0;
	bf->nfree = 0;
}

/* Each slot's pages and their grants, for the limits the backend allows. */
static int alloc_slots(struct blkfront *bf)
{
	uint16_t domid = bf->xdev->backend_id;
	unsigned order = 0;

	while ((1u << order) < bf->lim.segs_max)
		order++;
	for (unsigned i = 0; i < BLKFRONT_SLOTS; i++) {
		struct bf_slot *slot = &bf->slots[i];

		bf->nslots = i + 1; /* free_slots() sees what was given so far */
		slot->data = mm_alloc_pages(order);
		slot->data_order = (uint8_t)order;
		if (!slot->data)
			return -ENOMEM;
		/* Writable for reads and writes alike: a persistent grant serves both (blkif.h). */
		for (unsigned g = 0; g < bf->lim.segs_max; g++) {
			int ref = xen_gnttab_grant(domid, slot->data + g * BLKFRONT_PAGE, 0);

			if (ref < 0)
				return ref;
			slot->grefs[g] = (grant_ref_t)ref;
		}
		if (bf->lim.indirect) {
			slot->indirect = mm_alloc_pages(0);
			if (!slot->indirect)
				return -ENOMEM;
			int ref = xen_gnttab_grant(domid, slot->indirect, 0);

			if (ref < 0)
				return ref;
			slot->indirect_gref = (grant_ref_t)ref;
		}
		bf->expect[i] = (struct blkfront_expect){0};
	}
	for (unsigned i = BLKFRONT_SLOTS; i-- > 0;)
		bf->free_slots[bf->nfree++] = (uint8_t)i;
	return 0;
}

static int bf_setup(struct xenbus_device *dev, uint32_t tx)
{
	_Static_assert(sizeof(struct blkfront) <= HAL_PAGE_SIZE, "one page of state");
	struct blkfront *bf = dev->driver_data;
	int err;

	if (!bf) {
		bf = mm_alloc_pages(0);
		if (!bf)
			return -ENOMEM;
		memset(bf, 0, sizeof(*bf));
		bf->xdev = dev;
		fmt_snprintf(bf->blk.driver_name, sizeof(bf->blk.driver_name), "blkfront%u", dev->index);
		dev->driver_data = bf;
	}
	bf->sring = mm_alloc_pages(0);
	if (!bf->sring)
		return -ENOMEM;
	memset(bf->sring, 0, HAL_PAGE_SIZE);
	SHARED_RING_INIT(bf->sring);
	FRONT_RING_INIT(&bf->ring, bf->sring, HAL_PAGE_SIZE);
	_Static_assert(BLKFRONT_SLOTS <= __CONST_RING_SIZE(blkif, 4096), "slots fit a one-page ring");
	err = xen_gnttab_grant(dev->backend_id, bf->sring, 0);
	if (err < 0)
		return err;
	bf->ring_gref = (grant_ref_t)err;
	bf->port = xen_evtchn_alloc_unbound(dev->backend_id, bf_event, bf);
	if (bf->port < 0) {
		err = bf->port;
		bf->port = 0;
		return err;
	}
	if ((err = xenbus_printf(tx, dev, "ring-ref", "%u", bf->ring_gref)) < 0 ||
	    (err = xenbus_printf(tx, dev, "event-channel", "%d", bf->port)) < 0 ||
	    (err = xenbus_printf(tx, dev, "protocol", "%s", XEN_IO_PROTO_ABI_X86_64)) < 0 ||
	    (err = xenbus_printf(tx, dev, "feature-persistent", "1")) < 0)
		return err;
	return XenbusStateInitialised; /* blkback connects on it */
}

/* Read an optional number; absent means `dflt`. */
static int read_opt(struct xenbus_device *dev, const char *key, uint64_t max, uint64_t dflt, uint64_t *out)
{
	int err = xenbus_backend_read_u64(dev, key, max, out);

	if (err == -ENOENT) {
		*out = dflt;
		return 0;
	}
	return err;
}

static int bf_connected(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->driver_data;
	struct blkfront_backend be = {0};
	uint64_t flush;
	char mode[8];
	const char *why;
	int err;

	/* What blkback publishes on connecting; each value is checked as it is read. */
	if ((err = xenbus_backend_read_u64(dev, "sectors", UINT64_MAX, &be.sectors)) < 0 ||
	    (err = read_opt(dev, "sector-size", UINT32_MAX, 512, &be.sector_size)) < 0 ||
	    (err = read_opt(dev, "info", UINT32_MAX, 0, &be.info)) < 0 ||
	    (err = read_opt(dev, "feature-flush-cache", 1, 0, &flush)) < 0 ||
	    (err = read_opt(dev, "feature-max-indirect-segments", UINT32_MAX, 0, &be.max_indirect)) < 0) {
		log_err("%s: %s: unusable backend keys under %s (%d)", bf->blk.driver_name, dev->node,
		        dev->backend, err);
		return err;
	}
	be.flush = flush != 0;
	err = xenbus_backend_read(dev, "mode", mode, sizeof(mode));
	if (err >= 0 && strcmp(mode, "r") != 0 && strcmp(mode, "w") != 0) {
		log_err("%s: %s: backend mode \"%s\" is neither r nor w", bf->blk.driver_name, dev->node,
		        mode);
		return -EINVAL;
	}
	if (err < 0 && err != -ENOENT) {
		log_err("%s: %s: backend mode unreadable (%d)", bf->blk.driver_name, dev->node, err);
		return err;
	}
	be.mode_ro = err >= 0 && mode[0] == 'r';
	if (blkfront_limits(&be, &bf->lim, &why) < 0) {
		log_err("%s: %s: unusable disk: %s (sectors %llu, sector-size %llu)", bf->blk.driver_name,
		        dev->node, why, (unsigned long long)be.sectors, (unsigned long long)be.sector_size);
		return -EINVAL;
	}
	if (bf->blk.dropped && !bf->registered)
		return -EIO; /* the backend misbehaved before it even connected */
	if ((err = alloc_slots(bf)) < 0) {
		log_err("%s: %s: no memory or grants for %u requests (%d)", bf->blk.driver_name, dev->node,
		        BLKFRONT_SLOTS, err);
		free_slots(bf);
		return err;
	}
	bf->blk.sectors = bf->lim.sectors;
	bf->blk.sector_size = bf->lim.sector_size;
	bf->blk.max_sectors = bf->lim.max_sectors;
	bf->blk.queue_depth = bf->nslots;
	bf->blk.read_only = bf->lim.read_only;
	bf->blk.can_flush = bf->lim.can_flush;
	bf->blk.ops = &bf_ops;
	bf->blk.driver_data = bf;
	bf->blk.dropped = false;
	bf->closing = false;
	if (!bf->registered) {
		if ((err = blkdev_register(&bf->blk)) < 0) {
			log_err("%s: the block device registry refused the disk (%d)", bf->blk.driver_name,
			        err);
			free_slots(bf);
			return err;
		}
		bf->registered = true;
	}
	log_debug("%s: %s as %s: %llu sectors of %u bytes, %s%s, %u in flight, %u sectors per request%s",
	          bf->blk.driver_name, dev->node, bf->blk.name, (unsigned long long)bf->blk.sectors,
	          bf->blk.sector_size, bf->blk.read_only ? "read-only" : "read-write",
	          bf->blk.can_flush ? ", flush" : "", bf->nslots, bf->blk.max_sectors,
	          bf->lim.indirect ? ", indirect" : "");
	return 0;
}

/* No new requests; wait (a few seconds at most) for those in flight. */
static void bf_shutdown(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->driver_data;
	uint64_t deadline = hal_clock_monotonic_ns() + SHUTDOWN_WAIT_NS;

	if (!bf)
		return;
	bf->closing = true;
	while (!bf->blk.dropped && bf->nfree < bf->nslots) {
		if (hal_clock_monotonic_ns() >= deadline) {
			log_warn("%s: %u requests still in flight at shutdown", bf->blk.driver_name,
			         bf->nslots - bf->nfree);
			break;
		}
		thread_sleep_until(hal_clock_monotonic_ns() + 1000000);
	}
}

static void bf_backend_lost(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->driver_data;

	if (!bf)
		return;
	hal_irq_state_t s = hal_irq_save();

	bf_drop(bf, "the backend left Connected");
	hal_irq_restore(s);
}

static void bf_release(struct xenbus_device *dev)
{
	struct blkfront *bf = dev->driver_data;

	if (!bf)
		return;
	hal_irq_state_t s = hal_irq_save();

	/* Whatever is still in flight now will never be answered. */
	bf->closing = true;
	for (unsigned i = 0; i < bf->nslots; i++)
		if (bf->expect[i].busy)
			slot_complete(bf, i, -EIO);
	bf->blk.dropped = true;
	hal_irq_restore(s);
	if (bf->port > 0)
		xen_evtchn_close((unsigned)bf->port);
	bf->port = 0;
	free_slots(bf);
	if (bf->sring && end_grant(bf, &bf->ring_gref))
		mm_free_pages(bf->sring, 0);
	bf->sring = NULL;
	bf->ring_gref = 0;
	if (!bf->registered) { /* the registry keeps a registered disk, refusing its requests */
		mm_free_pages(bf, 0);
		dev->driver_data = NULL;
	}
}

XENBUS_DRIVER(blkfront, "vbd", "blkfront", .setup = bf_setup, .connected = bf_connected,
              .shutdown = bf_shutdown, .backend_lost = bf_backend_lost, .release = bf_release);
