/* SPDX-License-Identifier: MIT */
/* blkfront_test.c: Xen's blkfront from inside a domU (tier 2): blk0 a writable scratch disk
 * (xvda), blk1 read-only (xvdb, mode=r) filled by the host. `write SALT` fills all of blk0
 * with a pattern through requests of every shape (long, many in flight, unaligned heap
 * buffers), reads it back, checks blk1 and its EROFS, and prints sequential MiB/s;
 * `verify SALT`, run in a domain created again after the first was destroyed, finds the
 * pattern still on blk0. The host checks blk0's backing file afterwards (blkfront_tier2.py).
 * A 512-byte unit's pattern depends on its index and the salt, so data at a wrong offset shows. */
#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hal/cpu.h>
#include <mote/blkdev.h>
#include <mote/mm.h>

#include "image_check.h"

#define MIB      (1024u * 1024u)
#define CHUNK    (1 * MIB) /* blkdev_read/write splits it into max_sectors requests */
#define INFLIGHT 16u

static void fill(uint8_t *p, uint64_t off, size_t len, uint8_t salt)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i, u = o / 512;

		p[i] = (uint8_t)(u * 37u + (u >> 8) * 101u + (o % 512) * 11u + salt);
	}
}

static int same(const uint8_t *p, uint64_t off, size_t len, uint8_t salt)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i, u = o / 512;

		if (p[i] != (uint8_t)(u * 37u + (u >> 8) * 101u + (o % 512) * 11u + salt))
			return 0;
	}
	return 1;
}

static double seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read all of d and compare with the pattern; MiB/s in *rate. */
static int read_all(struct blkdev *d, uint8_t *buf, uint8_t salt, double *rate)
{
	uint64_t bytes = d->sectors * d->sector_size;
	double t0 = seconds();
	int ok = 1;

	for (uint64_t off = 0; off < bytes; off += CHUNK) {
		size_t len = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;

		if (blkdev_read(d, off / d->sector_size, (uint32_t)(len / d->sector_size), buf) != 0)
			return 0;
		ok &= same(buf, off, len, salt);
	}
	*rate = (double)bytes / MIB / (seconds() - t0);
	return ok;
}

static volatile unsigned done_count, in_flight, peak;

static void count_done(struct blk_request *req)
{
	(void)req;
	__atomic_add_fetch(&done_count, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
}

static void write_mode(struct blkdev *d0, struct blkdev *d1, uint8_t salt)
{
	uint64_t bytes = d0->sectors * d0->sector_size;
	uint32_t ss = d0->sector_size;
	uint8_t *buf = mm_alloc_pages(8); /* 1 MiB of page memory */
	uint8_t *heap = malloc(CHUNK + 1);
	double t0, wrate, rrate;

	CHECK(buf && heap);
	if (!buf || !heap)
		return;
	/* All of blk0, 1 MiB at a time: a figure for sequential writes. */
	t0 = seconds();
	int ok = 1;

	for (uint64_t off = 0; off < bytes; off += CHUNK) {
		size_t len = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;

		fill(buf, off, len, salt);
		ok &= blkdev_write(d0, off / ss, (uint32_t)(len / ss), buf) == 0;
	}
	CHECK(ok);
	CHECK(blkdev_flush(d0) == 0);
	wrate = (double)bytes / MIB / (seconds() - t0);
	CHECK(read_all(d0, buf, salt, &rrate));
	printf("blkfront_test: %llu MiB sequential, MiB/s: write %.1f, read %.1f\n",
	       (unsigned long long)(bytes / MIB), wrate, rrate);

	/* A heap buffer one byte off alignment, rewriting the same data at 3 MiB. */
	fill(heap + 1, 3 * MIB, CHUNK, salt);
	CHECK(blkdev_write(d0, 3 * MIB / ss, CHUNK / ss, heap + 1) == 0);
	memset(heap, 0, CHUNK + 1);
	CHECK(blkdev_read(d0, 3 * MIB / ss, CHUNK / ss, heap + 1) == 0 &&
	      same(heap + 1, 3 * MIB, CHUNK, salt));

	/* Every slot in flight at once through the driver's own submit (interrupts off while they
	 * are queued, so none completes early; a test-only liberty as in blk_test.c), each the
	 * largest request, then one more than the queue holds: -EAGAIN. */
	unsigned n = d0->queue_depth < INFLIGHT ? d0->queue_depth : INFLIGHT;
	size_t big_bytes = (size_t)d0->max_sectors * ss;
	uint8_t *bigbuf = mm_alloc_pages(10); /* 4 MiB */
	static struct blk_request big[INFLIGHT + 1];

	CHECK(bigbuf && big_bytes * (INFLIGHT + 1) <= 4 * MIB && n == INFLIGHT);
	if (!bigbuf)
		return;
	hal_irq_state_t irq = hal_irq_save();

	for (unsigned i = 0; i <= n; i++) {
		big[i] = (struct blk_request){.op = BLK_READ,
		                              .sector = (uint64_t)i * d0->max_sectors,
		                              .count = d0->max_sectors,
		                              .buf = bigbuf + i * big_bytes,
		                              .done = count_done};
		__atomic_add_fetch(&in_flight, 1, __ATOMIC_RELAXED);
		int err = d0->ops->submit(d0, &big[i]);

		if (err != 0)
			__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
		if (i < n && err != 0) {
			printf("FAIL submit %u: %d\n", i, err);
			failed++;
		}
		if (i == n)
			CHECK(err == -EAGAIN);
		unsigned now = __atomic_load_n(&in_flight, __ATOMIC_RELAXED);

		if (now > peak)
			peak = now;
	}
	hal_irq_restore(irq);
	while (__atomic_load_n(&done_count, __ATOMIC_RELAXED) < n)
		sched_yield();
	printf("blkfront_test: %u requests of %u sectors in flight at most\n", peak, d0->max_sectors);
	CHECK(peak == n);
	ok = 1;
	for (unsigned i = 0; i < n; i++)
		ok &= big[i].status == 0 &&
		      same(bigbuf + i * big_bytes, (uint64_t)i * big_bytes, big_bytes, salt);
	CHECK(ok);

	/* Bad requests are refused before they reach the backend. */
	CHECK(blkdev_read(d0, d0->sectors, 1, buf) == -EINVAL);
	CHECK(blkdev_read(d0, d0->sectors - 1, 2, buf) == -EINVAL);
	struct blk_request huge = {
	        .op = BLK_READ, .count = d0->max_sectors + 1, .buf = bigbuf, .done = count_done};

	CHECK(d0->ops->submit(d0, &huge) == -EINVAL);
	CHECK(blkdev_read(d0, d0->sectors - 1, 1, buf) == 0 && same(buf, bytes - ss, ss, salt));

	/* blk1: read-only (the toolstack's mode=r), filled by the host with salt 0xa5. */
	uint64_t bytes1 = d1->sectors * d1->sector_size;

	CHECK(d1->read_only);
	CHECK(blkdev_read(d1, 0, 4096 / ss, buf) == 0 && same(buf, 0, 4096, 0xa5));
	CHECK(blkdev_read(d1, (bytes1 - 4096) / ss, 4096 / ss, buf) == 0 &&
	      same(buf, bytes1 - 4096, 4096, 0xa5));
	CHECK(blkdev_write(d1, 0, 1, buf) == -EROFS);
	CHECK(!d0->dropped && !d1->dropped && d0->errors == 0);
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[1], "write") != 0 && strcmp(argv[1], "verify") != 0)) {
		printf("usage: blkfront_test write|verify SALT\n");
		return 2;
	}
	uint8_t salt = (uint8_t)strtoul(argv[2], NULL, 0);

	CHECK(blkdev_count() == 2);
	struct blkdev *d0 = blkdev_find("blk0"), *d1 = blkdev_find("blk1");

	CHECK(d0 && d1 && blkdev_get(0) == d0 && blkdev_get(1) == d1);
	if (!d0 || !d1)
		return check_report();
	printf("blkfront_test: %s %s, %llu sectors of %u bytes, %u per request, %u in flight%s\n", d0->name,
	       d0->driver_name, (unsigned long long)d0->sectors, d0->sector_size, d0->max_sectors,
	       d0->queue_depth, d0->can_flush ? ", flush" : "");
	CHECK(strcmp(d0->driver_name, "blkfront0") == 0 && strcmp(d1->driver_name, "blkfront1") == 0);
	CHECK(d0->sector_size == 512 && d0->sectors == 16 * MIB / 512 && !d0->read_only);
	CHECK(d0->can_flush);
	if (strcmp(argv[1], "write") == 0) {
		write_mode(d0, d1, salt);
	} else {
		uint8_t *buf = mm_alloc_pages(8);
		double rate;

		CHECK(buf && read_all(d0, buf, salt, &rate));
		printf("blkfront_test: the previous domain's data is on blk0\n");
	}
	return check_report();
}
