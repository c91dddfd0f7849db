/* SPDX-License-Identifier: MIT */
/* mote/blkdev.h: the block device class. Drivers (virtio-blk, blkfront) fill in an ops table
 * and register; the registry names devices blk0, blk1, ... in registration order, so one
 * command line (fs.mount=blk0:/data) means the same on every platform. fs/ sees only this. */
#ifndef MOTE_BLKDEV_H
#define MOTE_BLKDEV_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BLKDEV_NAME_MAX 16
#define BLKDEV_MAX      16

enum blk_op {
	BLK_READ,
	BLK_WRITE,
	BLK_FLUSH, /* everything completed before is on stable storage when this completes */
};

struct blk_request;
/* Completion: may run in interrupt context, so it may only wake (semaphore_post,
 * waitq_wake_*) and record; it must not sleep or take a mutex. */
typedef void (*blk_done_fn)(struct blk_request *req);

/* One request. The submitter owns it until `done` has been called. */
struct blk_request {
	enum blk_op op;
	uint64_t sector; /* first sector, in units of the device's sector_size */
	uint32_t count;  /* sectors; 0 for BLK_FLUSH */
	void *buf;       /* count * sector_size bytes, kernel memory, any alignment of 512 or more */
	int status;      /* set by the driver before done: 0, -EIO, -EROFS, -EINVAL */
	blk_done_fn done;
	void *priv; /* the submitter's */
};

struct blkdev;

struct blkdev_ops {
	/* Queue req. Returns 0 (done will be called exactly once, perhaps before submit returns),
	 * or a negative errno without calling done: -EAGAIN when the device's queue is full
	 * (retry after a completion), -EROFS for a write to a read-only device, -EINVAL for a
	 * request past the end or with a bad count, -ENODEV once the device has been dropped.
	 * Thread context; never called with interrupts disabled. The class (blkdev_submit_wait)
	 * does not call it for a dropped device, nor with a BLK_FLUSH when can_flush is false: it
	 * completes those flushes itself. */
	int (*submit)(struct blkdev *dev, struct blk_request *req);
};

struct blkdev {
	char name[BLKDEV_NAME_MAX];        /* set by blkdev_register: "blk0" */
	char driver_name[BLKDEV_NAME_MAX]; /* set by the driver: "virtio-blk0", "blkfront0" */
	uint64_t sectors;                  /* capacity, in sectors of sector_size */
	uint32_t sector_size;              /* 512, 4096 ...: a power of two >= 512 */
	uint32_t max_sectors;              /* largest count one request may carry (>= 8) */
	unsigned queue_depth;              /* requests that may be in flight at once (>= 1) */
	bool read_only;
	bool can_flush; /* false: no volatile cache, and the class completes BLK_FLUSH at once */
	bool dropped;   /* set by the driver when the device misbehaved; requests get -ENODEV */
	const struct blkdev_ops *ops;
	void *driver_data;
	unsigned long reads, writes, flushes, errors; /* counters the driver keeps (and the class,
	                                               * for the flushes it completes itself) */
};

/* Add a probed device and give it the next name (blk0, blk1 ...). Returns 0, -ENOSPC past
 * BLKDEV_MAX, -EINVAL for a device without ops, capacity or a valid sector size. Thread
 * context. */
int blkdev_register(struct blkdev *dev);

/* The registered devices in registration order; NULL past the end. */
struct blkdev *blkdev_get(unsigned index);
/* The device named "blkN", or NULL. */
struct blkdev *blkdev_find(const char *name);
unsigned blkdev_count(void);

/* Synchronous helpers for callers that do one thing at a time: submit (retrying on -EAGAIN)
 * and sleep until the request completes. Reads and writes longer than max_sectors are split
 * into several requests, a few in flight at once. Return 0 or a negative errno. Thread
 * context. */
int blkdev_read(struct blkdev *dev, uint64_t sector, uint32_t count, void *buf);
int blkdev_write(struct blkdev *dev, uint64_t sector, uint32_t count, const void *buf);
int blkdev_flush(struct blkdev *dev);

/* Whether a device of `sectors` sectors, at most `max_sectors` a request, may be given `req`:
 * 0, -EROFS for a write to a read-only device, -EINVAL for an unknown op, a count of 0 or above
 * max_sectors, a range past the end or a NULL buffer. Pure, for every driver's submit and for
 * the drivers' host tests. */
static inline int blk_request_check(uint64_t sectors, uint32_t max_sectors, bool read_only,
                                    const struct blk_request *req)
{
	switch (req->op) {
	case BLK_FLUSH:
		return 0;
	case BLK_WRITE:
		if (read_only)
			return -EROFS;
		/* fall through */
	case BLK_READ:
		if (req->count == 0 || req->count > max_sectors || !req->buf)
			return -EINVAL;
		if (req->sector >= sectors || req->count > sectors - req->sector)
			return -EINVAL;
		return 0;
	}
	return -EINVAL;
}
/* Submit and wait for several requests at once (keeps the device's queue full). Returns 0 or
 * the first request's error; every request's own status is set. */
int blkdev_submit_wait(struct blkdev *dev, struct blk_request *reqs, unsigned n);

#endif
