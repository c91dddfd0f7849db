/* SPDX-License-Identifier: MIT */
/* blkdev.c: core's registry of block devices (mote/blkdev.h), which names them blk0, blk1 ...
 * in registration order, and the synchronous helpers that wait on a request's completion. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/blkdev.h>
#include <mote/log.h>
#include <mote/sync.h>

static struct blkdev *devices[BLKDEV_MAX];
static unsigned ndevices;

/* "blk" and the decimal index (core has no snprintf: it sits below libc). */
static void set_name(char name[BLKDEV_NAME_MAX], unsigned index)
{
	char digits[10];
	unsigned n = 0;

	do
		digits[n++] = (char)('0' + index % 10);
	while ((index /= 10) != 0);
	memcpy(name, "blk", 3);
	for (unsigned i = 0; i < n; i++)
		name[3 + i] = digits[n - 1 - i];
	name[3 + n] = '\0';
}

int blkdev_register(struct blkdev *dev)
{
	if (!dev || !dev->ops || !dev->ops->submit || dev->sectors == 0)
		return -EINVAL;
	if (dev->sector_size < 512 || (dev->sector_size & (dev->sector_size - 1)) != 0)
		return -EINVAL;
	if (dev->max_sectors == 0 || dev->queue_depth == 0)
		return -EINVAL;

	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	for (unsigned i = 0; i < ndevices && err == 0; i++)
		if (devices[i] == dev)
			err = -EEXIST;
	if (err == 0 && ndevices == BLKDEV_MAX)
		err = -ENOSPC;
	if (err == 0) {
		set_name(dev->name, ndevices);
		devices[ndevices++] = dev;
	}
	hal_irq_restore(s);
	if (err == 0)
		log_info("blkdev: %s (%s) %llu sectors of %u bytes (%llu KiB)%s%s", dev->name,
		         dev->driver_name, (unsigned long long)dev->sectors, dev->sector_size,
		         (unsigned long long)(dev->sectors * dev->sector_size / 1024),
		         dev->read_only ? ", read-only" : "", dev->can_flush ? ", write cache" : "");
	return err;
}

struct blkdev *blkdev_get(unsigned index)
{
	hal_irq_state_t s = hal_irq_save();
	struct blkdev *dev = index < ndevices ? devices[index] : NULL;

	hal_irq_restore(s);
	return dev;
}

struct blkdev *blkdev_find(const char *name)
{
	for (unsigned i = 0;; i++) {
		struct blkdev *dev = blkdev_get(i);

		if (!dev || strcmp(dev->name, name) == 0)
			return dev;
	}
}

unsigned blkdev_count(void) { return __atomic_load_n(&ndevices, __ATOMIC_ACQUIRE); }

/* A batch waits on one semaphore, posted once per completion. */
static void batch_done(struct blk_request *req) { semaphore_post(req->priv); }

/* The class's part of a submission, so that no driver repeats it: a dropped device refuses,
 * and a flush of a device without a volatile cache completes at once, since everything that
 * completed before it is already stable. Otherwise the driver's submit (mote/blkdev.h). */
static int submit(struct blkdev *dev, struct blk_request *req)
{
	if (dev->dropped)
		return -ENODEV;
	if (req->op == BLK_FLUSH && !dev->can_flush) {
		dev->flushes++;
		req->status = 0;
		req->done(req);
		return 0;
	}
	return dev->ops->submit(dev, req);
}

int blkdev_submit_wait(struct blkdev *dev, struct blk_request *reqs, unsigned n)
{
	struct semaphore done;
	unsigned submitted = 0, completed = 0;
	int first_err = 0;

	sem_init_value(&done, 0);
	while (completed < n) {
		while (submitted < n) {
			struct blk_request *r = &reqs[submitted];
			int err;

			r->done = batch_done;
			r->priv = &done;
			r->status = 0;
			err = submit(dev, r);
			if (err == -EAGAIN && submitted > completed)
				break; /* the queue is full: wait for a completion, then go on */
			if (err == -EAGAIN) {
				thread_yield();
				continue;
			}
			submitted++;
			if (err != 0) {
				r->status = err;
				semaphore_post(&done);
			}
		}
		semaphore_wait(&done, SYNC_FOREVER);
		completed++;
	}
	/* dev->errors is the driver's to count (mote/blkdev.h): a refused request is no device
	 * error, and counting a failed batch here too would count its errors twice. */
	for (unsigned i = 0; i < n; i++)
		if (reqs[i].status != 0 && first_err == 0)
			first_err = reqs[i].status;
	return first_err;
}

/* A transfer of any length, in requests of at most max_sectors, several in flight at once. */
static int transfer(struct blkdev *dev, enum blk_op op, uint64_t sector, uint32_t count, void *buf)
{
	enum { BATCH = 8 };
	struct blk_request reqs[BATCH];
	char *p = buf;

	if (op == BLK_FLUSH || count <= dev->max_sectors) {
		reqs[0] = (struct blk_request){.op = op, .sector = sector, .count = count, .buf = buf};
		return blkdev_submit_wait(dev, reqs, 1);
	}
	while (count > 0) {
		unsigned n = 0;

		for (; n < BATCH && count > 0; n++) {
			uint32_t c = count < dev->max_sectors ? count : dev->max_sectors;

			reqs[n] = (struct blk_request){.op = op, .sector = sector, .count = c, .buf = p};
			sector += c;
			count -= c;
			p += (size_t)c * dev->sector_size;
		}
		int err = blkdev_submit_wait(dev, reqs, n);

		if (err != 0)
			return err;
	}
	return 0;
}

int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf)
{
	return transfer(dev, BLK_READ, sector, count, buf);
}

int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf)
{
	return transfer(dev, BLK_WRITE, sector, count, (void *)buf);
}

int blkdev_flush(struct blkdev *dev) { return transfer(dev, BLK_FLUSH, 0, 0, NULL); }
