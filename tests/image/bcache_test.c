/* SPDX-License-Identifier: MIT */
/* bcache_test.c: the buffer cache (fs/bcache) from inside an image, on blk0, which
 * tests/boot/blk_disk.py fills with a pattern (salt 0x11) and checks afterwards: get, dirty,
 * put, sync; eviction and write-back with more blocks than the pool holds; every buffer pinned;
 * direct transfers coherent with cached copies; two threads at once. Argument: BLK0_BYTES. Prints "N passed,
 * N failed". */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/bcache.h>
#include <mote/blkdev.h>

#include "image_check.h"

#define BS         4096u
#define PRESSURE_0 256u /* first block the pressure run writes (1 MiB in) */

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

/* Two threads, each rewriting its own 200 blocks three times (salt 0x20 + round for the
 * first, 0x30 + round for the second) with a range write-back after each round, while the
 * other does the same: blk_disk.py finds the last round's pattern in the image. */
#define THREAD_BLOCKS 200u
static struct bcache *shared;
static int thread_errors;

static void *writer(void *arg)
{
	unsigned first = (unsigned)(uintptr_t)arg, salt0 = first == 2400 ? 0x20 : 0x30;
	struct bcache_buf *b;

	for (unsigned round = 0; round < 3; round++) {
		for (unsigned i = 0; i < THREAD_BLOCKS; i++) {
			uint64_t blk = first + i;

			if (bcache_get(shared, blk, &b) != 0) {
				__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED);
				continue;
			}
			/* What the last round left (the host's pattern before the first). */
			if (!same(b->data, blk * BS, BS, round ? (uint8_t)(salt0 + round - 1) : 0x11))
				__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED);
			fill(b->data, blk * BS, BS, (uint8_t)(salt0 + round));
			bcache_dirty(shared, b);
			bcache_put(shared, b);
		}
		if (bcache_write_back(shared, first, THREAD_BLOCKS) != 0)
			__atomic_add_fetch(&thread_errors, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	uint64_t bytes = argc > 1 ? strtoull(argv[1], NULL, 0) : 0;
	struct blkdev *dev = blkdev_find("blk0");
	struct bcache_buf *b;
	struct bcache_stats st;

	CHECK(dev != NULL);
	if (!dev)
		return check_report();
	CHECK(bcache_open(dev, 1000) == NULL && errno == EINVAL);
	CHECK(bcache_open(dev, 256) == NULL);
	struct bcache *c = bcache_open(dev, BS);

	CHECK(c != NULL);
	if (!c)
		return check_report();
	CHECK(bcache_block_size(c) == BS && bcache_blocks(c) * BS == bytes && !bcache_read_only(c));
	bcache_get_stats(&st);
	printf("bcache_test: pool of %zu KiB\n", st.pool_bytes / 1024);
	CHECK(st.pool_bytes >= 256 * 1024);

	/* A read through the cache, then a hit. */
	CHECK(bcache_get(c, 10, &b) == 0 && b->block == 10 && same(b->data, 10 * BS, BS, 0x11));
	bcache_put(c, b);
	bcache_get_stats(&st);
	unsigned long misses = st.misses;

	CHECK(bcache_get(c, 10, &b) == 0 && same(b->data, 10 * BS, BS, 0x11));
	bcache_put(c, b);
	bcache_get_stats(&st);
	CHECK(st.misses == misses && st.hits >= 1);

	/* A dirty block not yet written back: a direct read sees it. */
	uint8_t *buf = malloc(3 * BS);

	CHECK(bcache_get_new(c, 20, &b) == 0);
	fill(b->data, 20 * BS, BS, 0x5a);
	bcache_dirty(c, b);
	bcache_put(c, b);
	CHECK(bcache_read_direct(c, 19, 3, buf) == 0 && same(buf, 19 * BS, BS, 0x11) &&
	      same(buf + BS, 20 * BS, BS, 0x5a) && same(buf + 2 * BS, 21 * BS, BS, 0x11));
	/* A direct write over cached blocks: the cached copies follow it. */
	fill(buf, 19 * BS, 3 * BS, 0x77);
	CHECK(bcache_write_direct(c, 19, 3, buf) == 0);
	CHECK(bcache_get(c, 20, &b) == 0 && same(b->data, 20 * BS, BS, 0x77));
	bcache_put(c, b);
	CHECK(bcache_get(c, 10, &b) == 0 && same(b->data, 10 * BS, BS, 0x11));
	bcache_put(c, b);

	/* Twice the pool: blocks are evicted, dirty ones written back to make room. */
	unsigned n = (unsigned)(2 * st.pool_bytes / BS + 16);
	int ok = 1;

	CHECK((PRESSURE_0 + (uint64_t)n) * BS <= bytes);
	for (unsigned i = 0; i < n && ok; i++) {
		ok = bcache_get_new(c, PRESSURE_0 + i, &b) == 0;
		if (ok) {
			fill(b->data, (uint64_t)(PRESSURE_0 + i) * BS, BS, 0x5a);
			bcache_dirty(c, b);
			bcache_put(c, b);
		}
	}
	CHECK(ok);
	bcache_get_stats(&st);
	printf("bcache_test: %u blocks written through the cache from block %u: %lu evictions, %lu "
	       "write-backs, %zu KiB cached\n",
	       n, PRESSURE_0, st.evictions, st.write_backs, st.used_bytes / 1024);
	CHECK(st.evictions > 0 && st.write_backs > 0 && st.used_bytes <= st.pool_bytes);
	/* The early ones were written back and evicted: read again, through the cache. */
	ok = 1;
	for (unsigned i = 0; i < 64; i++) {
		ok &= bcache_get(c, PRESSURE_0 + i, &b) == 0 &&
		      same(b->data, (uint64_t)(PRESSURE_0 + i) * BS, BS, 0x5a);
		bcache_put(c, b);
	}
	CHECK(ok);
	CHECK(bcache_sync(c) == 0);
	/* On the device itself now, under the cache. */
	uint8_t *raw = malloc((size_t)n * BS);

	CHECK(raw &&
	      blkdev_read(dev, (uint64_t)PRESSURE_0 * (BS / dev->sector_size), n * (BS / dev->sector_size),
	                  raw) == 0 &&
	      same(raw, (uint64_t)PRESSURE_0 * BS, (size_t)n * BS, 0x5a));

	/* Every buffer pinned: -ENOMEM, not a hang or an overrun. */
	struct bcache_buf **pinned = calloc(n, sizeof(*pinned));
	unsigned np = 0;
	int err = 0;

	while (np < n && (err = bcache_get(c, PRESSURE_0 + np, &pinned[np])) == 0)
		np++;
	printf("bcache_test: %u blocks pinned, then %d\n", np, err);
	CHECK(err == -ENOMEM && np > 0 && (size_t)np * BS <= st.pool_bytes);
	for (unsigned i = 0; i < np; i++)
		bcache_put(c, pinned[i]);
	CHECK(bcache_get(c, PRESSURE_0, &b) == 0);
	bcache_put(c, b);

	/* Two threads at once, on blocks of their own. */
	pthread_t t0, t1;

	shared = c;
	CHECK(pthread_create(&t0, NULL, writer, (void *)(uintptr_t)2400) == 0 &&
	      pthread_create(&t1, NULL, writer, (void *)(uintptr_t)2700) == 0);
	pthread_join(t0, NULL);
	pthread_join(t1, NULL);
	CHECK(thread_errors == 0);
	CHECK(bcache_sync(c) == 0);
	CHECK(blkdev_read(dev, 2400 * (BS / dev->sector_size), THREAD_BLOCKS * (BS / dev->sector_size),
	                  raw) == 0 &&
	      same(raw, 2400 * BS, THREAD_BLOCKS * BS, 0x22));
	CHECK(blkdev_read(dev, 2700 * (BS / dev->sector_size), THREAD_BLOCKS * (BS / dev->sector_size),
	                  raw) == 0 &&
	      same(raw, 2700 * BS, THREAD_BLOCKS * BS, 0x32));

	/* Bad ranges. */
	CHECK(bcache_get(c, bcache_blocks(c), &b) == -EINVAL);
	CHECK(bcache_read_direct(c, bcache_blocks(c) - 1, 2, buf) == -EINVAL);
	CHECK(bcache_write_direct(c, 0, 0, buf) == -EINVAL);

	/* Closed and opened again; and a second cache in 512-byte blocks. */
	CHECK(bcache_close(c) == 0);
	c = bcache_open(dev, BS);
	CHECK(c && bcache_get(c, 20, &b) == 0 && same(b->data, 20 * BS, BS, 0x77));
	if (c) {
		bcache_put(c, b);
		CHECK(bcache_close(c) == 0);
	}
	struct bcache *small = bcache_open(dev, 512);

	CHECK(small && bcache_get(small, 161, &b) == 0 && same(b->data, 161 * 512, 512, 0x77));
	if (small) {
		bcache_put(small, b);
		CHECK(bcache_close(small) == 0);
	}
	return check_report();
}
