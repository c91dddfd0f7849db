/* SPDX-License-Identifier: MIT */
/* virtio_blk.c: the virtio block device (virtio 1.2 §5.2) as a blkdev: one request queue with
 * several requests in flight, flush, read-only devices and logical block sizes from the
 * configuration. Completions are taken in the interrupt handler, which calls each request's
 * done (mote/blkdev.h allows it). Buffers without a bus address (the malloc heap) go through a
 * bounce buffer per request slot. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/blkdev.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <virtio/virtio.h>
#include <virtio/virtio_blk_req.h>

#define VIRTIO_ID_BLOCK 2

/* struct virtio_blk_config, §5.2.4 */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_SEG_MAX  12
#define CFG_BLK_SIZE 20

#define REQQ       0
#define QUEUE_SIZE 256 /* QEMU's default; a request takes 3 descriptors or more */
#define SLOTS_MAX  32

/* One request in flight. The header and status byte are read and written by the device, so
 * the slots live in page-allocator memory (DMA-reachable). */
struct vblk_slot {
	struct virtio_blk_req_hdr hdr;
	volatile uint8_t status;
	bool bounced;
	bool in_ring;         /* handed to the device: completed by the handler, or failed by a drop */
	uint8_t bounce_order; /* of the bounce buffer kept for this slot, when bounce != NULL */
	uint32_t expect_len;  /* device-writable bytes of the chain */
	struct blk_request *req;
	void *bounce;
};

struct vblk {
	struct blkdev blk;
	struct virtio_dev *vdev;
	struct vblk_limits lim;
	struct vblk_slot *slots;
	unsigned nslots;
	/* Free slots, a stack. Taken and given back with interrupts disabled (the interrupt
	 * handler gives them back). */
	uint8_t free_slots[SLOTS_MAX];
	unsigned nfree;
};

static unsigned vblk_count;

static void slot_release(struct vblk *vb, struct vblk_slot *slot)
{
	slot->req = NULL;
	slot->in_ring = false;
	vb->free_slots[vb->nfree++] = (uint8_t)(slot - vb->slots);
}

/* Finish a slot's request. Interrupts disabled. */
static void slot_complete(struct vblk *vb, struct vblk_slot *slot, int result)
{
	struct blk_request *req = slot->req;

	if (result == 0 && slot->bounced && req->op == BLK_READ)
		memcpy(req->buf, slot->bounce, (size_t)req->count * vb->lim.sector_size);
	if (result != 0)
		vb->blk.errors++;
	req->status = result;
	slot_release(vb, slot);
	req->done(req);
}

/* The device broke the protocol: reset it, fail what it still holds, refuse what comes.
 * Interrupts disabled. */
static void vblk_drop(struct vblk *vb, const char *why)
{
	virtio_fail(vb->vdev, why);
	vb->blk.dropped = true;
	for (unsigned i = 0; i < vb->nslots; i++)
		if (vb->slots[i].in_ring)
			slot_complete(vb, &vb->slots[i], -EIO);
}

/* Take every used request and complete it. Interrupt context. */
static void vblk_reap(struct vblk *vb)
{
	struct virtq *vq = vb->vdev->queues[REQQ];

	do {
		void *token;
		uint32_t len;
		int r = 0;

		while (!vb->blk.dropped && (r = virtq_get_used(vq, &token, &len)) == 1) {
			struct vblk_slot *slot = token;
			const char *why;
			int result;

			if (vblk_completion(len, slot->expect_len, slot->status, &result, &why) < 0) {
				vblk_drop(vb, why);
				return;
			}
			slot_complete(vb, slot, result);
		}
		if (vb->blk.dropped)
			return;
		if (r < 0) {
			vblk_drop(vb, "bad used-ring entry");
			return;
		}
	} while (virtq_enable_interrupts(vq)); /* entries that came meanwhile are taken now */
}

static void vblk_event(struct virtio_dev *vdev, bool config_changed)
{
	(void)config_changed; /* a resized disk keeps its registered capacity */
	vblk_reap(vdev->driver_data);
}

/* Point the slot's data at a bounce buffer of `bytes`, kept for the slot's next requests. */
static int bounce_prepare(struct vblk *vb, struct vblk_slot *slot, size_t bytes)
{
	unsigned order = 0;

	while ((size_t)HAL_PAGE_SIZE << order < bytes)
		order++;
	if (slot->bounce && slot->bounce_order < order) {
		mm_free_pages(slot->bounce, slot->bounce_order);
		slot->bounce = NULL;
	}
	if (!slot->bounce) {
		uint64_t pa;

		slot->bounce = virtio_alloc_dma(order, &pa);
		if (!slot->bounce)
			return -ENOMEM;
		slot->bounce_order = (uint8_t)order;
	}
	slot->bounced = true;
	return 0;
}

static int vblk_submit(struct blkdev *dev, struct blk_request *req)
{
	struct vblk *vb = dev->driver_data;
	int err = vblk_check_request(&vb->lim, req);

	if (err < 0)
		return err;
	if (dev->dropped)
		return -ENODEV;
	hal_irq_state_t s = hal_irq_save();

	if (vb->nfree == 0) {
		hal_irq_restore(s);
		return -EAGAIN;
	}
	struct vblk_slot *slot = &vb->slots[vb->free_slots[--vb->nfree]];

	slot->req = req; /* ours now: the handler only looks at slots that are in the ring */
	hal_irq_restore(s);

	size_t bytes = (size_t)req->count * vb->lim.sector_size;
	bool reading = req->op == BLK_READ;
	struct virtq_buf b[VBLK_SEGS_MAX + 2];
	int nseg = 0;

	slot->hdr.type = reading                ? VIRTIO_BLK_T_IN
	                 : req->op == BLK_WRITE ? VIRTIO_BLK_T_OUT
	                                        : VIRTIO_BLK_T_FLUSH;
	slot->hdr.reserved = 0;
	slot->hdr.sector = req->op == BLK_FLUSH ? 0 : req->sector * (vb->lim.sector_size / 512);
	slot->status = 0xff; /* no valid status: a device that never writes it is caught */
	slot->bounced = false;
	b[0] = (struct virtq_buf){hal_mem_dma_addr(&slot->hdr), sizeof(slot->hdr), false};
	if (req->op != BLK_FLUSH) {
		nseg = vblk_segments(req->buf, bytes, hal_mem_dma_addr, vb->lim.size_max, vb->lim.seg_max,
		                     reading, &b[1]);
		if (nseg < 0) { /* heap memory, or too scattered: through contiguous pages */
			err = bounce_prepare(vb, slot, bytes);
			if (err == 0) {
				if (!reading)
					memcpy(slot->bounce, req->buf, bytes);
				nseg = vblk_segments(slot->bounce, bytes, hal_mem_dma_addr, vb->lim.size_max,
				                     vb->lim.seg_max, reading, &b[1]);
				err = nseg < 0 ? -EIO : 0; /* limits guarantee contiguous memory fits */
			}
		}
	}
	if (err == 0) {
		b[1 + nseg] = (struct virtq_buf){hal_mem_dma_addr((const void *)&slot->status), 1, true};
		slot->expect_len = (reading ? (uint32_t)bytes : 0) + 1;
	}
	s = hal_irq_save();
	if (err == 0 && dev->dropped)
		err = -ENODEV;
	if (err == 0 && (err = virtq_add(vb->vdev->queues[REQQ], b, (unsigned)nseg + 2, slot)) == -ENOSPC)
		err = -EAGAIN; /* descriptors run out before slots when requests are scattered */
	if (err < 0) {
		slot_release(vb, slot);
		hal_irq_restore(s);
		return err;
	}
	slot->in_ring = true;
	if (req->op == BLK_READ)
		dev->reads++;
	else if (req->op == BLK_WRITE)
		dev->writes++;
	else
		dev->flushes++;
	virtio_kick(vb->vdev, vb->vdev->queues[REQQ]);
	hal_irq_restore(s);
	return 0;
}

static const struct blkdev_ops vblk_ops = {
        .submit = vblk_submit,
};

static int read_config(struct virtio_dev *vdev, struct vblk_config *cfg)
{
	uint64_t f = vdev->features;

	*cfg = (struct vblk_config){0};
	if (virtio_config_read(vdev, CFG_CAPACITY, &cfg->capacity, 8) < 0 ||
	    ((f & VIRTIO_BLK_F_SIZE_MAX) && virtio_config_read(vdev, CFG_SIZE_MAX, &cfg->size_max, 4) < 0) ||
	    ((f & VIRTIO_BLK_F_SEG_MAX) && virtio_config_read(vdev, CFG_SEG_MAX, &cfg->seg_max, 4) < 0) ||
	    ((f & VIRTIO_BLK_F_BLK_SIZE) && virtio_config_read(vdev, CFG_BLK_SIZE, &cfg->blk_size, 4) < 0)) {
		log_err("virtio: %s: unreadable block device configuration", vdev->where);
		return -EIO;
	}
	return 0;
}

static int vblk_probe(struct virtio_dev *vdev)
{
	_Static_assert(sizeof(struct vblk) <= HAL_PAGE_SIZE, "one page of state");
	_Static_assert(sizeof(struct vblk_slot) * SLOTS_MAX <= HAL_PAGE_SIZE, "one page of slots");
	struct vblk *vb = mm_alloc_pages(0);
	struct vblk_config cfg;
	const char *why;
	int err;

	if (!vb)
		return -ENOMEM;
	vb->slots = mm_alloc_pages(0);
	if (!vb->slots) {
		mm_free_pages(vb, 0);
		return -ENOMEM;
	}
	vb->vdev = vdev;
	uint64_t wanted = VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO |
	                  VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH | VIRTIO_F_EVENT_IDX;

	if ((err = virtio_negotiate(vdev, wanted)) < 0 || (err = read_config(vdev, &cfg)) < 0 ||
	    (err = virtio_queue_create(vdev, REQQ, QUEUE_SIZE)) < 0)
		goto fail;
	if (vblk_limits_from_config(&cfg, vdev->features, vdev->queues[REQQ]->size, &vb->lim, &why) < 0) {
		log_err("virtio: %s: unusable block device: %s (capacity %llu, blk_size %u, size_max %u, "
		        "seg_max %u)",
		        vdev->where, why, (unsigned long long)cfg.capacity, cfg.blk_size, cfg.size_max,
		        cfg.seg_max);
		err = -EIO;
		goto fail;
	}
	vb->nslots = vdev->queues[REQQ]->size / 3u;
	if (vb->nslots > SLOTS_MAX)
		vb->nslots = SLOTS_MAX;
	for (unsigned i = vb->nslots; i-- > 0;)
		vb->free_slots[vb->nfree++] = (uint8_t)i;
	fmt_snprintf(vb->blk.driver_name, sizeof(vb->blk.driver_name), "virtio-blk%u", vblk_count);
	vb->blk.sectors = vb->lim.sectors;
	vb->blk.sector_size = vb->lim.sector_size;
	vb->blk.max_sectors = vb->lim.max_sectors;
	vb->blk.queue_depth = vb->nslots;
	vb->blk.read_only = vb->lim.read_only;
	vb->blk.can_flush = (vdev->features & VIRTIO_BLK_F_FLUSH) != 0;
	vb->blk.ops = &vblk_ops;
	vb->blk.driver_data = vb;
	vdev->driver_data = vb;
	vdev->event = vblk_event;
	if ((err = virtio_driver_ok(vdev)) < 0)
		return err; /* the interrupt may be attached: the state stays */
	if ((err = blkdev_register(&vb->blk)) < 0) {
		virtio_fail(vdev, "blkdev registry refused the device");
		return err;
	}
	log_debug("%s: %s, %s, queue %u, %u in flight, %u sectors per request (%u segments of %u bytes)%s",
	          vb->blk.driver_name, vdev->where, vdev->legacy ? "legacy" : "virtio 1.x",
	          vdev->queues[REQQ]->size, vb->nslots, vb->lim.max_sectors, vb->lim.seg_max,
	          vb->lim.size_max, vdev->features & VIRTIO_F_EVENT_IDX ? ", event idx" : "");
	vblk_count++;
	return 0;
fail:
	/* No interrupt attached yet, and the caller resets the device: nothing refers to these. */
	mm_free_pages(vb->slots, 0);
	mm_free_pages(vb, 0);
	return err;
}
VIRTIO_DRIVER(virtio_blk, "virtio-blk", VIRTIO_ID_BLOCK, vblk_probe);
