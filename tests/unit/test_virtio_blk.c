/* SPDX-License-Identifier: MIT */
/* test_virtio_blk.c: the virtio-blk driver (drivers/virtio/virtio_blk.c and virtio_blk_req.c)
 * against a simulated device on host memory: limits from the configuration, request checks,
 * descriptor layout and bounce buffers, completions, and the device dropped on a malformed
 * completion (pending requests -EIO, later ones -ENODEV). The kernel services the driver calls
 * are stubs here; bus addresses are host addresses. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/blkdev.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <virtio/virtio.h>
#include <virtio/virtio_blk_req.h>

#include "check.h"

/* Stubs of the kernel services virtio_blk.c uses. */
static int irq_depth;
static char last_log[512];
static struct blkdev *registered;
static uint8_t heap_like[64 * 1024]; /* memory with no bus address, like the kernel heap */

hal_irq_state_t hal_irq_save(void) { return (hal_irq_state_t)irq_depth++; }
void hal_irq_restore(hal_irq_state_t s) { irq_depth = (int)s; }
uint64_t hal_mem_dma_addr(const void *va)
{
	const uint8_t *p = va;

	return p >= heap_like && p < heap_like + sizeof(heap_like) ? HAL_DMA_INVALID
	                                                           : (uint64_t)(uintptr_t)va;
}
/* Pages are tracked so that what the driver keeps for good is freed at the end. */
static void *pages[256];
static unsigned npages;
static bool fail_alloc; /* the next allocation fails */

void *mm_alloc_pages(unsigned order)
{
	if (fail_alloc) {
		fail_alloc = false;
		return NULL;
	}
	void *p = aligned_alloc(4096, (size_t)4096 << order);

	if (!p || npages == 256)
		abort();
	memset(p, 0, (size_t)4096 << order);
	pages[npages++] = p;
	return p;
}
void mm_free_pages(void *p, unsigned order)
{
	(void)order;
	for (unsigned i = 0; i < npages; i++)
		if (pages[i] == p) {
			pages[i] = pages[--npages];
			free(p);
			return;
		}
	abort(); /* freeing what was never allocated */
}
static void free_all_pages(void)
{
	while (npages > 0)
		free(pages[--npages]);
}
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int r = vsnprintf(buf, n, fmt, ap);

	va_end(ap);
	return r;
}
void log_printf(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}
int blkdev_register(struct blkdev *dev)
{
	registered = dev;
	return 0;
}
void *virtio_alloc_dma(unsigned order, uint64_t *bus_addr)
{
	void *p = mm_alloc_pages(order);

	*bus_addr = (uint64_t)(uintptr_t)p;
	return p;
}

/* The simulated device: its configuration and features, and the transport calls. */
static struct vblk_config dev_cfg;
static uint64_t dev_features;
static const char *fail_why;
static uint16_t dev_used_idx;

int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
	dev->features = dev_features & wanted;
	return 0;
}
int virtio_config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len)
{
	uint8_t raw[32] = {0};

	(void)dev;
	memcpy(raw, &dev_cfg.capacity, 8);
	memcpy(raw + 8, &dev_cfg.size_max, 4);
	memcpy(raw + 12, &dev_cfg.seg_max, 4);
	memcpy(raw + 20, &dev_cfg.blk_size, 4);
	memcpy(buf, raw + off, len);
	return 0;
}
int virtio_queue_create(struct virtio_dev *dev, unsigned index, uint16_t max_size)
{
	static struct virtq vqs[16];
	static unsigned nvq;
	uint16_t size = max_size > 64 ? 64 : max_size; /* a small ring: easy to fill */
	void *mem = mm_alloc_pages(4);

	if (virtq_init(&vqs[nvq], (uint16_t)index, size, mem, (uintptr_t)mem, false, false) < 0)
		return -EINVAL;
	dev->queues[index] = &vqs[nvq++];
	dev->nqueues = index + 1;
	dev_used_idx = 0;
	return 0;
}
int virtio_driver_ok(struct virtio_dev *dev)
{
	(void)dev;
	return 0;
}
void virtio_kick(struct virtio_dev *dev, struct virtq *vq)
{
	(void)dev;
	virtq_kick_prepare(vq);
}
void virtio_fail(struct virtio_dev *dev, const char *why)
{
	dev->broken = true;
	fail_why = why;
}

extern const struct virtio_driver __start_mote_virtio_drivers[], __stop_mote_virtio_drivers[];

static struct virtio_dev vdev;

/* Probe a fresh device with these features and configuration. */
static struct blkdev *probe(uint64_t features, struct vblk_config cfg)
{
	memset(&vdev, 0, sizeof(vdev));
	registered = NULL;
	fail_why = NULL;
	dev_features = features;
	dev_cfg = cfg;
	vdev.device_id = 2;
	if (__stop_mote_virtio_drivers - __start_mote_virtio_drivers != 1 ||
	    __start_mote_virtio_drivers[0].device_id != 2 || __start_mote_virtio_drivers[0].probe(&vdev) != 0)
		return NULL;
	return registered;
}

/* The device's side: the chain that the n-th request made, its descriptors in order. */
static unsigned chain_of(uint16_t head, struct virtq_desc *out)
{
	struct virtq *vq = vdev.queues[0];
	unsigned n = 0;

	for (uint16_t d = head;; d = vq->desc[d].next) {
		out[n++] = vq->desc[d];
		if (!(vq->desc[d].flags & VIRTQ_DESC_F_NEXT))
			return n;
	}
}
static uint16_t head_of(uint16_t nth) { return vdev.queues[0]->avail[2 + (nth & 63)]; }

/* Complete a chain: write `status` into its last descriptor, `fill` into device-writable data,
 * and a used element of `len` for `id`; then the interrupt. */
static void device_complete(uint16_t head, uint32_t id, uint32_t len, uint8_t status, uint8_t fill)
{
	struct virtq *vq = vdev.queues[0];
	struct virtq_desc c[64];
	unsigned n = chain_of(head, c);

	for (unsigned i = 1; i + 1 < n; i++)
		if (c[i].flags & VIRTQ_DESC_F_WRITE)
			memset((void *)(uintptr_t)c[i].addr, fill, c[i].len);
	*(uint8_t *)(uintptr_t)c[n - 1].addr = status;
	uint32_t *elem = (uint32_t *)(vq->used + 2) + 2 * (dev_used_idx & (vq->size - 1));

	elem[0] = id;
	elem[1] = len;
	vq->used[1] = ++dev_used_idx;
	irq_depth++;
	vdev.event(&vdev, false);
	irq_depth--;
}

static int done_calls;
static void on_done(struct blk_request *r)
{
	(void)r;
	done_calls++;
}

static const struct vblk_config cfg512 = {.capacity = 2048, .seg_max = 126};

static void test_limits(void)
{
	struct vblk_limits l;
	const char *why = NULL;
	struct vblk_config c = {.capacity = 80, .blk_size = 4096};

	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_RO, 256, &l, &why), 0);
	CHECK_EQ(l.sector_size, 4096);
	CHECK_EQ(l.sectors, 10);
	CHECK(l.read_only);
	CHECK_EQ(l.max_sectors, VBLK_XFER_MAX / 4096);
	c.blk_size = 3000;
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_BLK_SIZE, 256, &l, &why), -EINVAL);
	c.blk_size = 256;
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_BLK_SIZE, 256, &l, &why), -EINVAL);
	c = (struct vblk_config){.capacity = 7, .blk_size = 4096};
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_BLK_SIZE, 256, &l, &why), -EINVAL); /* < 1 block */
	/* size_max and seg_max bound what one request carries. */
	c = (struct vblk_config){.capacity = 1 << 20, .size_max = 4096, .seg_max = 4};
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX, 256, &l, &why), 0);
	CHECK_EQ(l.max_sectors, 32);
	CHECK_EQ(l.seg_max, 4);
	c.seg_max = 1; /* 4096 bytes: fewer than 8 sectors of 4096 would fit, but 8 of 512 do */
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX, 256, &l, &why), 0);
	CHECK_EQ(l.max_sectors, 8);
	c.size_max = 2048;
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX, 256, &l, &why),
	         -EINVAL);
	c.seg_max = 0;
	c.size_max = 4096;
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SEG_MAX, 256, &l, &why), -EINVAL);
	/* The ring bounds seg_max too: header and status need two descriptors. */
	c.seg_max = 200;
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SEG_MAX, 8, &l, &why), 0);
	CHECK_EQ(l.seg_max, 6);
	CHECK_EQ(vblk_limits_from_config(&c, VIRTIO_BLK_F_SEG_MAX, 2, &l, &why), -EINVAL);
}

static uint64_t fake_dma(const void *va)
{
	/* Pages 0-3 contiguous at 0x10000, page 4 elsewhere, page 5 unreachable. */
	uintptr_t off = (uintptr_t)va - 0x100000;
	uintptr_t page = off / 4096;

	if (page < 4)
		return 0x10000 + off;
	if (page == 4)
		return 0x80000 + off % 4096;
	return UINT64_MAX;
}

static void test_segments(void)
{
	struct virtq_buf b[8];
	const char *base = (const char *)(uintptr_t)0x100000;

	CHECK_EQ(vblk_segments(base + 512, 4 * 4096 - 512, fake_dma, 1 << 20, 8, true, b), 1);
	CHECK_EQ(b[0].addr, 0x10000 + 512);
	CHECK_EQ(b[0].len, 4 * 4096 - 512);
	CHECK(b[0].write);
	CHECK_EQ(vblk_segments(base, 5 * 4096, fake_dma, 1 << 20, 8, false, b), 2);
	CHECK_EQ(b[1].addr, 0x80000);
	CHECK_EQ(b[1].len, 4096);
	CHECK_EQ(vblk_segments(base, 4 * 4096, fake_dma, 6144, 8, false, b), 3); /* 6144+6144+4096 */
	CHECK_EQ(b[0].len, 6144);
	CHECK_EQ(b[1].addr, 0x10000 + 6144);
	CHECK_EQ(b[2].len, 4096);
	CHECK_EQ(vblk_segments(base, 4 * 4096, fake_dma, 6144, 2, false, b), -E2BIG);
	CHECK_EQ(vblk_segments(base, 6 * 4096, fake_dma, 1 << 20, 8, false, b), -EFAULT);
}

static void test_completion(void)
{
	int r = 1;
	const char *why = NULL;

	CHECK_EQ(vblk_completion(4097, 4097, VIRTIO_BLK_S_OK, &r, &why), 0);
	CHECK_EQ(r, 0);
	CHECK_EQ(vblk_completion(1, 1, VIRTIO_BLK_S_IOERR, &r, &why), 0);
	CHECK_EQ(r, -EIO);
	CHECK_EQ(vblk_completion(1, 1, VIRTIO_BLK_S_UNSUPP, &r, &why), 0);
	CHECK_EQ(r, -EIO);
	CHECK_EQ(vblk_completion(1, 1, 3, &r, &why), -EPROTO);
	CHECK(why && strstr(why, "status"));
	CHECK_EQ(vblk_completion(1, 4097, VIRTIO_BLK_S_OK, &r, &why), -EPROTO); /* data never written */
	CHECK_EQ(vblk_completion(0, 1, VIRTIO_BLK_S_OK, &r, &why), -EPROTO);
}

static void test_requests(void)
{
	struct blkdev *d = probe(VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_BLK_SIZE | VIRTIO_BLK_F_FLUSH,
	                         (struct vblk_config){.capacity = 4096, .seg_max = 126, .blk_size = 4096});

	CHECK(d != NULL);
	if (!d)
		return;
	CHECK_EQ(d->sector_size, 4096);
	CHECK_EQ(d->sectors, 512);
	CHECK(d->can_flush && !d->read_only);
	CHECK_EQ(d->queue_depth, 64 / 3);
	/* A read into page memory: header, one data descriptor, status; sector in 512-byte units. */
	uint8_t *buf = mm_alloc_pages(1);
	struct blk_request r = {.op = BLK_READ, .sector = 3, .count = 2, .buf = buf, .done = on_done};
	struct virtq_desc c[8];

	done_calls = 0;
	CHECK_EQ(d->ops->submit(d, &r), 0);
	CHECK_EQ(irq_depth, 0);
	uint16_t h = head_of(0);

	CHECK_EQ(chain_of(h, c), 3);
	const struct virtio_blk_req_hdr *hdr = (const void *)(uintptr_t)c[0].addr;

	CHECK_EQ(hdr->type, VIRTIO_BLK_T_IN);
	CHECK_EQ(hdr->sector, 24);
	CHECK_EQ(c[0].len, 16);
	CHECK(!(c[0].flags & VIRTQ_DESC_F_WRITE));
	CHECK_EQ(c[1].addr, (uintptr_t)buf);
	CHECK_EQ(c[1].len, 8192);
	CHECK(c[1].flags & VIRTQ_DESC_F_WRITE);
	CHECK_EQ(c[2].len, 1);
	device_complete(h, h, 8193, VIRTIO_BLK_S_OK, 0x42);
	CHECK_EQ(done_calls, 1);
	CHECK_EQ(r.status, 0);
	CHECK(buf[0] == 0x42 && buf[8191] == 0x42);

	/* From memory without a bus address: through a bounce buffer, copied back. */
	struct blk_request b = {.op = BLK_READ, .sector = 0, .count = 1, .buf = heap_like, .done = on_done};

	CHECK_EQ(d->ops->submit(d, &b), 0);
	h = head_of(1);
	chain_of(h, c);
	CHECK(c[1].addr != (uintptr_t)heap_like);
	device_complete(h, h, 4097, VIRTIO_BLK_S_OK, 0x99);
	CHECK(b.status == 0 && heap_like[0] == 0x99 && heap_like[4095] == 0x99);
	/* A write from the heap: the bounce buffer carries the data to the device. */
	memset(heap_like, 0x17, 4096);
	struct blk_request w = {.op = BLK_WRITE, .sector = 5, .count = 1, .buf = heap_like, .done = on_done};

	CHECK_EQ(d->ops->submit(d, &w), 0);
	h = head_of(2);
	CHECK_EQ(chain_of(h, c), 3);
	CHECK(!(c[1].flags & VIRTQ_DESC_F_WRITE) && ((uint8_t *)(uintptr_t)c[1].addr)[4095] == 0x17);
	device_complete(h, h, 1, VIRTIO_BLK_S_IOERR, 0);
	CHECK_EQ(w.status, -EIO);
	CHECK(!d->dropped);

	/* No memory for a larger bounce buffer: -ENOMEM, nothing queued (and the slot is free
	 * again: the test of slots running out below counts them all). */
	struct blk_request big = {.op = BLK_READ, .sector = 0, .count = 4, .buf = heap_like, .done = on_done};

	fail_alloc = true;
	CHECK_EQ(d->ops->submit(d, &big), -ENOMEM);
	CHECK_EQ(vdev.queues[0]->avail_idx, 3);

	/* Refused before the device: range, count, size. */
	struct blk_request bad = {.op = BLK_READ, .sector = 512, .count = 1, .buf = buf, .done = on_done};

	CHECK_EQ(d->ops->submit(d, &bad), -EINVAL);
	bad.sector = 0;
	bad.count = d->max_sectors + 1;
	CHECK_EQ(d->ops->submit(d, &bad), -EINVAL);
	bad.count = 0;
	CHECK_EQ(d->ops->submit(d, &bad), -EINVAL);

	/* Slots run out: -EAGAIN, and a completion frees one. */
	static struct blk_request many[64];
	unsigned n = 0;
	int err;

	for (;; n++) {
		many[n] = (struct blk_request){.op = BLK_FLUSH, .done = on_done};
		if ((err = d->ops->submit(d, &many[n])) != 0)
			break;
	}
	CHECK_EQ(err, -EAGAIN);
	CHECK_EQ(n, d->queue_depth);
	h = head_of(3);
	CHECK_EQ(chain_of(h, c), 2); /* a flush: header and status only */
	device_complete(h, h, 1, VIRTIO_BLK_S_OK, 0);
	CHECK_EQ(many[0].status, 0);
	CHECK_EQ(d->ops->submit(d, &many[n]), 0);
	n++;

	/* A used length that cannot be: dropped, every pending request fails -EIO. */
	done_calls = 0;
	h = head_of(4);
	device_complete(h, h, 0, VIRTIO_BLK_S_OK, 0);
	CHECK(d->dropped && vdev.broken);
	CHECK(fail_why && strstr(fail_why, "used length"));
	CHECK_EQ(done_calls, (int)n - 1);
	int all_eio = 1;

	for (unsigned i = 1; i < n; i++)
		all_eio &= many[i].status == -EIO;
	CHECK(all_eio);
	r.status = 1;
	CHECK_EQ(d->ops->submit(d, &r), -ENODEV);
	mm_free_pages(buf, 1);
}

/* Other malformed completions: an unknown status byte, an id never handed out. */
static void test_drops(void)
{
	struct blkdev *d = probe(VIRTIO_BLK_F_FLUSH, cfg512);
	struct blk_request r = {.op = BLK_FLUSH, .done = on_done};

	CHECK(d && d->sector_size == 512 && d->sectors == 2048);
	CHECK_EQ(d->ops->submit(d, &r), 0);
	device_complete(head_of(0), head_of(0), 1, 9, 0);
	CHECK(d->dropped && fail_why && strstr(fail_why, "status"));
	CHECK_EQ(r.status, -EIO);

	d = probe(VIRTIO_BLK_F_FLUSH, cfg512);
	CHECK_EQ(d->ops->submit(d, &r), 0);
	device_complete(head_of(0), 17, 1, VIRTIO_BLK_S_OK, 0);
	CHECK(d->dropped && fail_why && strstr(fail_why, "used-ring"));
	CHECK_EQ(r.status, -EIO);

	/* Read-only, no flush feature: writes -EROFS. (Such a device's flushes never reach the
	 * driver: core's class completes them, tests/unit/test_blkdev.c.) */
	d = probe(VIRTIO_BLK_F_RO, cfg512);
	uint8_t *page = mm_alloc_pages(0);
	struct blk_request w = {.op = BLK_WRITE, .count = 1, .buf = page, .done = on_done};

	CHECK(d && d->read_only && !d->can_flush);
	CHECK_EQ(d->ops->submit(d, &w), -EROFS);
	/* A configuration no device has: the probe fails and says why. */
	CHECK(probe(VIRTIO_BLK_F_BLK_SIZE, (struct vblk_config){.capacity = 8, .blk_size = 1000}) == NULL);
	CHECK(strstr(last_log, "block size") != NULL);
	mm_free_pages(page, 0);
}

int main(void)
{
	test_limits();
	test_segments();
	test_completion();
	test_requests();
	test_drops();
	free_all_pages();
	return check_report();
}
