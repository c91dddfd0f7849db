/* SPDX-License-Identifier: MIT */
/* blk_test.c: the block layer on virtio-blk from inside an image (tests/boot/blk_disk.py makes
 * the disks and checks afterwards that what the guest wrote is in blk0's image file). blk0 is
 * writable, blk1 read-only and filled by the host. Arguments: SECTOR_SIZE BLK0_BYTES BLK1_BYTES
 * QUEUE_DEPTH (what the driver should make of the device's ring) [IOERR_BYTE] (where the host
 * makes blk0's reads fail: QEMU's blkdebug, the device answers VIRTIO_BLK_S_IOERR).
 * The pattern of a 512-byte unit depends on its index on the disk and a salt (0x5a written by
 * the guest, 0xa5 by the host), so data at the wrong offset is caught. Prints "N passed, N failed". */
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

#define KIB 1024u
#define MIB (1024u * 1024u)

/* Regions of blk0 the guest writes; blk_disk.py checks the same list. */
#define R1_OFF   0u
#define R1_LEN   (4 * KIB)
#define R2_OFF   (1 * MIB)
#define R2_LEN   (1 * MIB)
#define R3_OFF   (3 * MIB) /* 64 requests of 4 KiB, every other 4 KiB */
#define R3_N     64
#define R4_OFF   (5 * MIB) /* 8 KiB from a buffer that starts 512 bytes into a page */
#define R4_LEN   (8 * KIB)
#define INFLIGHT 8         /* at most; fewer on a device with a shorter queue */
#define R5_OFF   (6 * MIB) /* 2 MiB written four times over for a throughput figure */
#define R5_LEN   (2 * MIB)

static void fill(uint8_t *p, uint64_t off, size_t len, uint8_t salt)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i, u = o / 512;

		p[i] = (uint8_t)(u * 37u + (o % 512) * 11u + salt);
	}
}

static int same(const uint8_t *p, uint64_t off, size_t len, uint8_t salt)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t o = off + i, u = o / 512;

		if (p[i] != (uint8_t)(u * 37u + (o % 512) * 11u + salt))
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

/* MiB/s of four passes over R5 (a figure for the log, not a check: TCG's speed varies). */
static double throughput(struct blkdev *d, enum blk_op op, void *buf, uint32_t ss)
{
	double t0 = seconds();

	for (int pass = 0; pass < 4; pass++)
		if ((op == BLK_READ ? blkdev_read(d, R5_OFF / ss, R5_LEN / ss, buf)
		                    : blkdev_write(d, R5_OFF / ss, R5_LEN / ss, buf)) != 0)
			return -1;
	return 4.0 * R5_LEN / MIB / (seconds() - t0);
}

static volatile unsigned done_count, in_flight, peak;

static void count_done(struct blk_request *req)
{
	(void)req;
	__atomic_add_fetch(&done_count, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
}

int main(int argc, char **argv)
{
	if (argc != 5 && argc != 6) {
		printf("usage: blk_test SECTOR_SIZE BLK0_BYTES BLK1_BYTES QUEUE_DEPTH [IOERR_BYTE]\n");
		return 2;
	}
	uint32_t ss = (uint32_t)strtoul(argv[1], NULL, 0);
	uint64_t bytes0 = strtoull(argv[2], NULL, 0), bytes1 = strtoull(argv[3], NULL, 0);
	unsigned depth = (unsigned)strtoul(argv[4], NULL, 0);

	/* The registry: two disks, in discovery order. */
	CHECK(blkdev_count() == 2);
	struct blkdev *d0 = blkdev_find("blk0"), *d1 = blkdev_find("blk1");

	CHECK(d0 && d1 && blkdev_get(0) == d0 && blkdev_get(1) == d1 && blkdev_get(2) == NULL);
	if (!d0 || !d1)
		return check_report();
	printf("blk_test: %s %s, %u-byte sectors, %u per request, %u in flight\n", d0->name, d0->driver_name,
	       d0->sector_size, d0->max_sectors, d0->queue_depth);
	CHECK(d0->sector_size == ss && d1->sector_size == ss);
	CHECK(d0->sectors * d0->sector_size == bytes0 && d1->sectors * d1->sector_size == bytes1);
	CHECK(!d0->read_only && d1->read_only);
	CHECK(d0->can_flush);
	CHECK(d0->queue_depth == depth);
	unsigned inflight = depth < INFLIGHT ? depth : INFLIGHT;
	CHECK(strncmp(d0->driver_name, "virtio-blk", 10) == 0);

	/* R1: one request. */
	uint8_t *page = mm_alloc_pages(1); /* 8 KiB, DMA-reachable: no bounce */
	uint8_t *heap = malloc(R2_LEN);    /* the heap has no bus address: bounced */

	fill(page, R1_OFF, R1_LEN, 0x5a);
	CHECK(blkdev_write(d0, R1_OFF / ss, R1_LEN / ss, page) == 0);

	/* R2: longer than one request (split by blkdev_write), from the heap. */
	fill(heap, R2_OFF, R2_LEN, 0x5a);
	CHECK(R2_LEN / ss > d0->max_sectors);
	CHECK(blkdev_write(d0, R2_OFF / ss, R2_LEN / ss, heap) == 0);

	/* R3: more requests than the queue holds, through one batch. */
	static struct blk_request reqs[R3_N];
	uint8_t *r3 = mm_alloc_pages(8); /* 1 MiB: 64 x 4 KiB used */

	for (unsigned i = 0; i < R3_N; i++) {
		uint64_t off = R3_OFF + (uint64_t)i * 8 * KIB;

		fill(r3 + i * 4 * KIB, off, 4 * KIB, 0x5a);
		reqs[i] = (struct blk_request){
		        .op = BLK_WRITE, .sector = off / ss, .count = 4 * KIB / ss, .buf = r3 + i * 4 * KIB};
	}
	CHECK(blkdev_submit_wait(d0, reqs, R3_N) == 0);

	/* R4: a buffer that crosses a page boundary, not page-aligned. */
	uint8_t *r4 = mm_alloc_pages(2);

	fill(r4 + 512, R4_OFF, R4_LEN, 0x5a);
	CHECK(blkdev_write(d0, R4_OFF / ss, R4_LEN / ss, r4 + 512) == 0);
	CHECK(blkdev_flush(d0) == 0);

	/* Read everything back, into other buffers. */
	memset(page, 0, 2 * 4096);
	CHECK(blkdev_read(d0, R1_OFF / ss, R1_LEN / ss, page) == 0 && same(page, R1_OFF, R1_LEN, 0x5a));
	memset(heap, 0, R2_LEN);
	CHECK(blkdev_read(d0, R2_OFF / ss, R2_LEN / ss, heap) == 0 && same(heap, R2_OFF, R2_LEN, 0x5a));
	memset(r3, 0, R3_N * 4 * KIB);
	for (unsigned i = 0; i < R3_N; i++)
		reqs[i].op = BLK_READ;
	CHECK(blkdev_submit_wait(d0, reqs, R3_N) == 0);
	int ok = 1;

	for (unsigned i = 0; i < R3_N; i++)
		ok &= reqs[i].status == 0 &&
		      same(r3 + i * 4 * KIB, R3_OFF + (uint64_t)i * 8 * KIB, 4 * KIB, 0x5a);
	CHECK(ok);
	memset(r4, 0, 4 * 4096);
	CHECK(blkdev_read(d0, R4_OFF / ss, R4_LEN / ss, r4 + 512) == 0 &&
	      same(r4 + 512, R4_OFF, R4_LEN, 0x5a));

	/* Several requests in flight at once, through the driver's own submit. Interrupts stay
	 * off while they are queued (a test-only liberty: the contract lets drivers assume they
	 * are on), so QEMU, which often finishes a request before the next is queued, cannot
	 * have them completed early: all of them sit in the ring, then complete together. */
	struct blk_request big[INFLIGHT];
	size_t big_bytes = (size_t)d0->max_sectors * ss;
	uint8_t *bigbuf = mm_alloc_pages(8);

	CHECK(bigbuf && big_bytes * INFLIGHT <= 1 * MIB);
	hal_irq_state_t irq = hal_irq_save();

	for (unsigned i = 0; i < inflight; i++) {
		big[i] = (struct blk_request){.op = BLK_READ,
		                              .sector = (R2_OFF / ss) + i % 2 * d0->max_sectors,
		                              .count = d0->max_sectors,
		                              .buf = bigbuf + i * big_bytes,
		                              .done = count_done};
		__atomic_add_fetch(&in_flight, 1, __ATOMIC_RELAXED);
		int err = d0->ops->submit(d0, &big[i]);

		if (err != 0) {
			__atomic_sub_fetch(&in_flight, 1, __ATOMIC_RELAXED);
			printf("FAIL submit %u: %d\n", i, err);
			failed++;
		}
		unsigned now = __atomic_load_n(&in_flight, __ATOMIC_RELAXED);

		if (now > peak)
			peak = now;
	}
	hal_irq_restore(irq);
	while (__atomic_load_n(&done_count, __ATOMIC_RELAXED) < inflight)
		sched_yield();
	printf("blk_test: %u requests in flight at most\n", peak);
	CHECK(peak == inflight);
	ok = 1;
	for (unsigned i = 0; i < inflight; i++)
		ok &= big[i].status == 0 &&
		      same(bigbuf + i * big_bytes, R2_OFF + i % 2 * big_bytes, big_bytes, 0x5a);
	CHECK(ok);

	/* R5: throughput from page memory (direct) and from the heap (bounced). */
	uint8_t *r5 = mm_alloc_pages(9), *r5heap = malloc(R5_LEN);

	fill(r5, R5_OFF, R5_LEN, 0x5a);
	memcpy(r5heap, r5, R5_LEN);
	double wp = throughput(d0, BLK_WRITE, r5, ss), wh = throughput(d0, BLK_WRITE, r5heap, ss);

	CHECK(blkdev_flush(d0) == 0);
	memset(r5, 0, R5_LEN);
	memset(r5heap, 0, R5_LEN);
	double rp = throughput(d0, BLK_READ, r5, ss), rh = throughput(d0, BLK_READ, r5heap, ss);

	printf("blk_test: 2 MiB x 4 sequential, MiB/s: write %.0f (page memory) %.0f (heap, bounced), "
	       "read %.0f (page memory) %.0f (heap, bounced)\n",
	       wp, wh, rp, rh);
	CHECK(wp > 0 && wh > 0 && rp > 0 && rh > 0 && same(r5, R5_OFF, R5_LEN, 0x5a) &&
	      same(r5heap, R5_OFF, R5_LEN, 0x5a));

	/* Bad requests are refused before they reach the device. */
	CHECK(blkdev_read(d0, d0->sectors, 1, page) == -EINVAL);
	CHECK(blkdev_read(d0, d0->sectors - 1, 2, page) == -EINVAL);
	CHECK(blkdev_read(d0, 0, 0, page) == -EINVAL);
	struct blk_request huge = {
	        .op = BLK_READ, .count = d0->max_sectors + 1, .buf = bigbuf, .done = count_done};
	CHECK(d0->ops->submit(d0, &huge) == -EINVAL);
	/* The last sector is reachable. */
	CHECK(blkdev_read(d0, d0->sectors - 1, 1, page) == 0);

	/* blk1: read-only, filled by the host. */
	CHECK(blkdev_read(d1, 0, 4096 / ss, page) == 0 && same(page, 0, 4096, 0xa5));
	CHECK(blkdev_read(d1, (bytes1 - 4096) / ss, 4096 / ss, page) == 0 &&
	      same(page, bytes1 - 4096, 4096, 0xa5));
	CHECK(blkdev_write(d1, 0, 4096 / ss, page) == -EROFS);
	CHECK(blkdev_flush(d1) == 0);
	if (argc == 6) {
		/* A device's I/O error fails that request alone; the device stays. */
		uint64_t bad = strtoull(argv[5], NULL, 0) / ss;
		unsigned long errors = d0->errors;

		CHECK(blkdev_read(d0, bad, 1, page) == -EIO);
		CHECK(blkdev_read(d0, bad - 1, 1, page) == 0 &&
		      same(page, (bad - 1) * ss, ss, 0x5a)); /* R2's end */
		CHECK(d0->errors == errors + 1);
	}
	CHECK(!d0->dropped && !d1->dropped);
	return check_report();
}
