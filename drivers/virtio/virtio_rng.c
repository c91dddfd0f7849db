/* SPDX-License-Identifier: MIT */
/* virtio_rng.c: the virtio entropy device (virtio 1.2 §5.4) as an entropy source: one queue of
 * device-writable buffers the device fills with random bytes. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/entropy.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/sync.h>
#include <virtio/virtio.h>

#define REQUESTQ   0
#define QUEUE_SIZE 8
#define BUF_SIZE   256 /* bytes asked for per request */

struct vrng {
	struct virtio_dev *vdev;
	struct entropy_source src;
	char name[16];
	struct mutex lock; /* one request in flight */
	struct waitq wq;
	volatile bool done;
	uint8_t *buf;
	uint64_t buf_pa;
};

static unsigned vrng_count;

static void vrng_event(struct virtio_dev *vdev, bool config_changed)
{
	struct vrng *r = vdev->driver_data;

	(void)config_changed;
	r->done = true;
	waitq_wake_one(&r->wq);
}

/* entropy_source.read: one request, at most BUF_SIZE bytes. */
static int vrng_read(void *ctx, void *out, size_t len)
{
	struct vrng *r = ctx;
	struct virtq *vq = r->vdev->queues[REQUESTQ];
	uint32_t want = len > BUF_SIZE ? BUF_SIZE : (uint32_t)len, got = 0;
	struct virtq_buf b = {r->buf_pa, want, true};
	void *token;
	int n;

	mutex_lock(&r->lock, SYNC_FOREVER);
	if (r->vdev->broken) {
		mutex_unlock(&r->lock);
		return -EIO;
	}
	r->done = false;
	if (virtq_add(vq, &b, 1, r->buf) < 0) {
		mutex_unlock(&r->lock);
		return -EIO;
	}
	virtio_kick(r->vdev, vq);
	for (;;) {
		n = virtq_get_used(vq, &token, &got);
		if (n != 0)
			break;
		hal_irq_state_t s = hal_irq_save();

		if (!virtq_enable_interrupts(vq))
			while (!r->done)
				waitq_wait(&r->wq, "virtio-rng request", UINT64_MAX);
		r->done = false;
		hal_irq_restore(s);
	}
	if (n < 0 || token != r->buf) {
		virtio_fail(r->vdev, "bad used-ring entry");
		mutex_unlock(&r->lock);
		return -EIO;
	}
	/* §5.4.6.1: 0 bytes is allowed (no entropy right now); the caller asks again. */
	memcpy(out, r->buf, got);
	mutex_unlock(&r->lock);
	return got == 0 ? -EAGAIN : (int)got;
}

static int vrng_probe(struct virtio_dev *vdev)
{
	struct vrng *r = mm_alloc_pages(0);
	int err;

	_Static_assert(sizeof(struct vrng) + BUF_SIZE <= 4096, "state and buffer in one page");
	if (!r)
		return -ENOMEM;
	r->vdev = vdev;
	r->buf = (uint8_t *)r + 4096 - BUF_SIZE;
	r->buf_pa = hal_mem_dma_addr(r->buf);
	mutex_init(&r->lock, false);
	vdev->driver_data = r;
	vdev->event = vrng_event;
	if ((err = virtio_negotiate(vdev, VIRTIO_F_EVENT_IDX)) < 0 ||
	    (err = virtio_queue_create(vdev, REQUESTQ, QUEUE_SIZE)) < 0 || (err = virtio_driver_ok(vdev)) < 0)
		return err;
	fmt_snprintf(r->name, sizeof(r->name), "virtio-rng%u", vrng_count++);
	r->src = (struct entropy_source){.name = r->name, .read = vrng_read, .ctx = r};
	if ((err = entropy_register(&r->src)) < 0)
		return err;
	log_debug("%s: %s", r->name, vdev->where);
	return 0;
}
VIRTIO_DRIVER(virtio_rng, "virtio-rng", VIRTIO_ID_RNG, vrng_probe);
