/* SPDX-License-Identifier: MIT */
/* test_blkdev.c: core's block device class (core/blkdev.c) against a fake driver: naming,
 * what the class settles before a driver's submit (dropped devices, flushes of devices without
 * a write cache), splitting long transfers and retrying a full queue. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/blkdev.h>
#include <mote/log.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "check.h"

/* Kernel services, single-threaded: a semaphore with nothing to take is the moment the device
 * would interrupt, so the fake device completes its oldest request there. */
hal_irq_state_t hal_irq_save(void) { return 0; }
void hal_irq_restore(hal_irq_state_t s) { (void)s; }
void log_printf(enum log_level level, const char *fmt, ...) { (void)level, (void)fmt; }
void thread_yield(void) {}
void sem_init_value(struct semaphore *s, unsigned value) { s->value = value; }
int semaphore_post(struct semaphore *s)
{
	s->value++;
	return 0;
}

enum { DEPTH = 2, LOG_MAX = 32 };
static struct blk_request *queue[DEPTH];
static unsigned queued, submits, eagains;
static struct blk_request log_[LOG_MAX]; /* copies of what the driver was given */

static void device_complete_one(void)
{
	struct blk_request *r = queue[0];

	memmove(queue, queue + 1, --queued * sizeof(queue[0]));
	r->status = 0;
	r->done(r);
}

int semaphore_wait(struct semaphore *s, uint64_t deadline_ns)
{
	(void)deadline_ns;
	if (s->value == 0 && queued > 0)
		device_complete_one();
	if (s->value == 0) {
		fprintf(stderr, "semaphore_wait: would wait forever\n");
		exit(2);
	}
	s->value--;
	return 0;
}

static int fake_submit(struct blkdev *dev, struct blk_request *req)
{
	if (queued == DEPTH) {
		eagains++;
		return -EAGAIN;
	}
	if (submits < LOG_MAX)
		log_[submits] = *req;
	submits++;
	if (req->op == BLK_FLUSH)
		dev->flushes++;
	queue[queued++] = req;
	return 0;
}

static const struct blkdev_ops fake_ops = {.submit = fake_submit};

static struct blkdev make(bool can_flush)
{
	return (struct blkdev){.driver_name = "fake",
	                       .sectors = 64,
	                       .sector_size = 512,
	                       .max_sectors = 8,
	                       .queue_depth = DEPTH,
	                       .can_flush = can_flush,
	                       .ops = &fake_ops};
}

static void test_register(void)
{
	static struct blkdev a, b, bad;

	a = make(true);
	b = make(false);
	CHECK_EQ(blkdev_register(&a), 0);
	CHECK_EQ(blkdev_register(&b), 0);
	CHECK_EQ(blkdev_register(&a), -EEXIST);
	CHECK_STR(a.name, "blk0");
	CHECK_STR(b.name, "blk1");
	CHECK(blkdev_find("blk1") == &b && blkdev_find("blk2") == NULL);
	CHECK_EQ(blkdev_count(), 2);
	bad = make(true);
	bad.sector_size = 1000;
	CHECK_EQ(blkdev_register(&bad), -EINVAL);
	bad = make(true);
	bad.ops = NULL;
	CHECK_EQ(blkdev_register(&bad), -EINVAL);
}

/* A device without a write cache never sees a flush: the class completes it and counts it. */
static void test_flush(void)
{
	struct blkdev cached = make(true), plain = make(false);

	submits = 0;
	CHECK_EQ(blkdev_flush(&plain), 0);
	CHECK_EQ(submits, 0);
	CHECK_EQ(plain.flushes, 1);
	CHECK_EQ(blkdev_flush(&cached), 0);
	CHECK_EQ(submits, 1);
	CHECK_EQ(log_[0].op, BLK_FLUSH);
	CHECK_EQ(cached.flushes, 1);
}

/* A dropped device refuses every request, flushes included, without reaching the driver. */
static void test_dropped(void)
{
	struct blkdev plain = make(false), cached = make(true);
	uint8_t buf[512];

	plain.dropped = cached.dropped = true;
	submits = 0;
	CHECK_EQ(blkdev_read(&cached, 0, 1, buf), -ENODEV);
	CHECK_EQ(blkdev_flush(&cached), -ENODEV);
	CHECK_EQ(blkdev_flush(&plain), -ENODEV);
	CHECK_EQ(plain.flushes, 0);
	CHECK_EQ(submits, 0);
}

/* 20 sectors at most 8 a request, two in flight: 8 + 8 + 4, the third retried after -EAGAIN. */
static void test_split(void)
{
	struct blkdev d = make(false);
	static uint8_t buf[20 * 512];

	submits = eagains = 0;
	CHECK_EQ(blkdev_read(&d, 3, 20, buf), 0);
	CHECK_EQ(submits, 3);
	CHECK(eagains >= 1);
	CHECK(log_[0].sector == 3 && log_[0].count == 8 && log_[0].buf == buf);
	CHECK(log_[1].sector == 11 && log_[1].count == 8 && log_[1].buf == buf + 8 * 512);
	CHECK(log_[2].sector == 19 && log_[2].count == 4 && log_[2].buf == buf + 16 * 512);
	CHECK_EQ(queued, 0);
}

int main(void)
{
	test_register();
	test_flush();
	test_dropped();
	test_split();
	return check_report();
}
