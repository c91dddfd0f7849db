/* SPDX-License-Identifier: MIT */
/* test_bcache.c: the buffer cache (fs/bcache/bcache.c) on a fake block device in host memory
 * that logs every request: hits and misses, write-back in block order before the flush, a
 * range write-back, LRU eviction under a small pool, every buffer pinned, direct transfers
 * coherent with cached copies, and a failed write-back that leaves the block dirty. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <mote/bcache.h>
#include <mote/blkdev.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/sync.h>

#include "check.h"

#define DISK (1024 * 1024)

/* Kernel services bcache.c uses. */
size_t mm_free_bytes(void) { return 1024 * 1024; } /* 1/16 is below the floor: 256 KiB */
void *mm_alloc_pages(unsigned order)
{
	void *p = aligned_alloc(4096, (size_t)4096 << order);

	memset(p, 0, (size_t)4096 << order);
	return p;
}
void mm_free_pages(void *p, unsigned order)
{
	(void)order;
	free(p);
}
void mutex_init(struct mutex *m, bool recursive)
{
	memset(m, 0, sizeof(*m));
	m->recursive = recursive;
}
int mutex_lock(struct mutex *m, uint64_t deadline)
{
	(void)deadline;
	if (m->depth++ != 0)
		abort(); /* bcache.c never takes its lock twice */
	return 0;
}
int mutex_unlock(struct mutex *m)
{
	if (m->depth-- != 1)
		abort();
	return 0;
}
int cond_wait(struct cond *c, struct mutex *m, uint64_t deadline)
{
	(void)c;
	(void)m;
	(void)deadline;
	abort(); /* one thread here: a wait would never end */
}
void cond_broadcast(struct cond *c) { (void)c; }
void once_run(struct once *o, void (*fn)(void))
{
	if (o->state == 0) {
		o->state = 2;
		fn();
	}
}
void log_printf(enum log_level level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

/* The fake device and its log of requests. */
static uint8_t disk[DISK];
static struct {
	enum blk_op op;
	uint64_t sector;
	uint32_t count;
} ops[4096];
static unsigned nops;
static uint64_t fail_sector = UINT64_MAX; /* writes there fail -EIO */
/* Called in the middle of a read, as another thread would run while a miss waits for the disk
 * (the cache's lock must be free then). */
static void (*during_read)(void);
static uint64_t during_read_sector = UINT64_MAX;
static struct blkdev dev = {.name = "blk0", .sectors = DISK / 512, .sector_size = 512, .max_sectors = 256};

static int do_req(struct blkdev *d, struct blk_request *r)
{
	if (nops < 4096)
		ops[nops++] = (typeof(ops[0])){r->op, r->sector, r->count};
	if (r->op == BLK_FLUSH)
		return 0;
	if (r->sector + r->count > d->sectors)
		return -EINVAL;
	if (r->op == BLK_WRITE && fail_sector >= r->sector && fail_sector < r->sector + r->count)
		return -EIO;
	if (r->op == BLK_READ && r->sector == during_read_sector && during_read) {
		void (*fn)(void) = during_read;

		during_read = NULL;
		memset(r->buf, 0xbb, r->count * 256u); /* half the block is in */
		fn();
	}
	if (r->op == BLK_READ)
		memcpy(r->buf, disk + r->sector * 512, r->count * 512u);
	else
		memcpy(disk + r->sector * 512, r->buf, r->count * 512u);
	return 0;
}
int blkdev_submit_wait(struct blkdev *d, struct blk_request *reqs, unsigned n)
{
	int first = 0;

	for (unsigned i = 0; i < n; i++) {
		reqs[i].status = do_req(d, &reqs[i]);
		if (reqs[i].status && !first)
			first = reqs[i].status;
	}
	return first;
}
int blkdev_read(struct blkdev *d, uint64_t s, uint32_t c, void *b)
{
	struct blk_request r = {.op = BLK_READ, .sector = s, .count = c, .buf = b};

	return do_req(d, &r);
}
int blkdev_write(struct blkdev *d, uint64_t s, uint32_t c, const void *b)
{
	struct blk_request r = {.op = BLK_WRITE, .sector = s, .count = c, .buf = (void *)b};

	return do_req(d, &r);
}
int blkdev_flush(struct blkdev *d)
{
	struct blk_request r = {.op = BLK_FLUSH};

	return do_req(d, &r);
}

static void test_basics(struct bcache *c)
{
	struct bcache_buf *b;

	for (unsigned i = 0; i < DISK; i++)
		disk[i] = (uint8_t)(i / 4096);
	nops = 0;
	CHECK_EQ(bcache_get(c, 3, &b), 0);
	CHECK(b->block == 3 && b->data[0] == 3 && b->data[4095] == 3);
	CHECK(nops == 1 && ops[0].op == BLK_READ && ops[0].sector == 24 && ops[0].count == 8);
	bcache_put(c, b);
	CHECK_EQ(bcache_get(c, 3, &b), 0); /* a hit: no request */
	bcache_put(c, b);
	CHECK_EQ(nops, 1);
	CHECK_EQ(bcache_get(c, 256, &b), -EINVAL);
	CHECK_EQ(bcache_get_new(c, 7, &b), 0); /* no read, zeroed */
	CHECK(nops == 1 && b->data[0] == 0);
	bcache_put(c, b);

	/* Dirty 9, 2, 5: sync writes 2, 5, 9 in that order, then flushes. */
	unsigned order[] = {9, 2, 5};

	for (unsigned i = 0; i < 3; i++) {
		CHECK_EQ(bcache_get(c, order[i], &b), 0);
		memset(b->data, 0xd0 + order[i], 4096);
		bcache_dirty(c, b);
		bcache_put(c, b);
	}
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0);
	CHECK_EQ(nops, 4);
	CHECK(ops[0].op == BLK_WRITE && ops[0].sector == 16 && ops[1].sector == 40 && ops[2].sector == 72);
	CHECK(ops[3].op == BLK_FLUSH);
	CHECK(disk[2 * 4096] == 0xd2 && disk[5 * 4096 + 100] == 0xd5 && disk[9 * 4096 + 4095] == 0xd9);
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0); /* nothing dirty: the flush alone */
	CHECK(nops == 1 && ops[0].op == BLK_FLUSH);

	/* A range write-back writes only what is in the range, and no flush. */
	for (unsigned blk = 4; blk < 12; blk += 3) { /* 4, 7, 10 */
		CHECK_EQ(bcache_get(c, blk, &b), 0);
		b->data[0] = 0xee;
		bcache_dirty(c, b);
		bcache_put(c, b);
	}
	nops = 0;
	CHECK_EQ(bcache_write_back(c, 5, 5), 0); /* blocks 5-9: only 7 */
	CHECK(nops == 1 && ops[0].sector == 56);
	/* A pinned dirty block is written too (bcache_dirty follows the change). */
	CHECK_EQ(bcache_get(c, 4, &b), 0);
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0);
	CHECK(nops == 3 && ops[0].sector == 32 && ops[1].sector == 80 && ops[2].op == BLK_FLUSH);
	bcache_put(c, b);
}

static void test_coherence(struct bcache *c)
{
	struct bcache_buf *b;
	uint8_t buf[3 * 4096];

	CHECK_EQ(bcache_get(c, 21, &b), 0);
	memset(b->data, 0x5a, 4096);
	bcache_dirty(c, b);
	bcache_put(c, b);
	CHECK_EQ(bcache_read_direct(c, 20, 3, buf), 0);
	CHECK(buf[0] == 20 && buf[4096] == 0x5a && buf[2 * 4096 + 4095] == 22);
	memset(buf, 0x77, sizeof(buf));
	CHECK_EQ(bcache_write_direct(c, 20, 3, buf), 0);
	CHECK_EQ(bcache_get(c, 21, &b), 0);
	CHECK_EQ(b->data[10], 0x77);
	bcache_put(c, b);
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0); /* the direct write left it clean: only the flush */
	CHECK(nops == 1 && disk[21 * 4096] == 0x77);
	CHECK_EQ(bcache_read_direct(c, 255, 2, buf), -EINVAL);
	CHECK_EQ(bcache_write_direct(c, 0, 0, buf), -EINVAL);
}

static void test_pressure(struct bcache *c)
{
	struct bcache_buf *b, *pins[128];
	struct bcache_stats st;

	bcache_get_stats(&st);
	CHECK_EQ(st.pool_bytes, 256 * 1024); /* the floor */
	unsigned cap = (unsigned)(st.pool_bytes / 4096), n = 0;
	int err = 0;

	/* 64 buffers of 4 KiB: 100 dirty blocks force write-backs, in block order per batch. */
	for (unsigned i = 0; i < 100; i++) {
		CHECK_EQ(bcache_get_new(c, 100 + i, &b), 0);
		memset(b->data, (uint8_t)i, 4096);
		bcache_dirty(c, b);
		bcache_put(c, b);
	}
	bcache_get_stats(&st);
	CHECK(st.used_bytes <= st.pool_bytes && st.write_backs > 0 && st.evictions >= 36);
	/* The most recent block is still cached, the oldest was evicted (LRU). */
	nops = 0;
	CHECK_EQ(bcache_get(c, 199, &b), 0);
	bcache_put(c, b);
	CHECK_EQ(nops, 0);
	CHECK_EQ(bcache_get(c, 100, &b), 0);
	CHECK(nops == 1 && ops[0].op == BLK_READ && b->data[0] == 0);
	bcache_put(c, b);
	CHECK_EQ(bcache_sync(c), 0);
	int ok = 1;

	for (unsigned i = 0; i < 100; i++)
		ok &= disk[(100 + i) * 4096] == (uint8_t)i;
	CHECK(ok);
	/* All pinned: -ENOMEM at the pool's size, and usable again once put. */
	while (n < 128 && (err = bcache_get(c, n, &pins[n])) == 0)
		n++;
	CHECK_EQ(err, -ENOMEM);
	CHECK_EQ(n, cap);
	for (unsigned i = 0; i < n; i++)
		bcache_put(c, pins[i]);
	CHECK_EQ(bcache_get(c, 200, &b), 0);
	bcache_put(c, b);
}

/* While block 240's read is in flight: another block's miss, and a direct read over block 240,
 * which gets the disk's data, not the half-read buffer. */
static struct bcache *busy_c;
static int nested_ok;

static void nested(void)
{
	struct bcache_buf *b;
	uint8_t buf[2 * 4096];

	nested_ok = bcache_get(busy_c, 241, &b) == 0 && b->data[0] == 241;
	if (nested_ok)
		bcache_put(busy_c, b);
	nested_ok &= bcache_read_direct(busy_c, 239, 2, buf) == 0 && buf[4096] == 240 && buf[8191] == 240;
}

static void test_concurrent_miss(struct bcache *c)
{
	struct bcache_buf *b;

	busy_c = c;
	during_read = nested;
	during_read_sector = 240 * 8;
	CHECK_EQ(bcache_get(c, 240, &b), 0);
	CHECK(during_read == NULL && nested_ok);
	CHECK(b->data[0] == 240 && b->data[4095] == 240);
	bcache_put(c, b);
}

static void test_failure(struct bcache *c)
{
	struct bcache_buf *b;

	CHECK_EQ(bcache_get(c, 30, &b), 0);
	b->data[0] = 0x31;
	bcache_dirty(c, b);
	bcache_put(c, b);
	fail_sector = 30 * 8 + 1;
	CHECK_EQ(bcache_sync(c), -EIO);
	fail_sector = UINT64_MAX;
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0); /* still dirty: written now */
	CHECK(nops == 2 && ops[0].sector == 240 && disk[30 * 4096] == 0x31);
}

/* Write-back looks at the device's dirty blocks only, not at every cached one: two old dirty
 * blocks behind 40 newer clean ones cost two visits (a walk of the LRU list cost 42). */
static void test_dirty_list(struct bcache *c)
{
	struct bcache_buf *b;
	struct bcache_stats before, after;

	CHECK_EQ(bcache_sync(c), 0);
	for (unsigned blk = 50; blk < 52; blk++) {
		CHECK_EQ(bcache_get(c, blk, &b), 0);
		b->data[1] = 0x42;
		bcache_dirty(c, b);
		bcache_put(c, b);
	}
	for (unsigned blk = 60; blk < 100; blk++) { /* newer, clean */
		CHECK_EQ(bcache_get(c, blk, &b), 0);
		bcache_put(c, b);
	}
	bcache_get_stats(&before);
	nops = 0;
	CHECK_EQ(bcache_write_back(c, 51, 1), 0); /* the range holds one of the two */
	CHECK(nops == 1 && ops[0].sector == 51 * 8);
	CHECK_EQ(bcache_sync(c), 0);
	CHECK(nops == 3 && ops[1].sector == 50 * 8 && ops[2].op == BLK_FLUSH);
	bcache_get_stats(&after);
	CHECK_EQ(after.wb_visited - before.wb_visited, 3); /* 2, then the 1 left */
	CHECK(disk[50 * 4096 + 1] == 0x42 && disk[51 * 4096 + 1] == 0x42);
	/* Clean again: a write-back looks at nothing. */
	CHECK_EQ(bcache_sync(c), 0);
	bcache_get_stats(&before);
	CHECK_EQ(before.wb_visited, after.wb_visited);
	/* A direct write over a dirty block leaves it clean and off the list. */
	CHECK_EQ(bcache_get(c, 70, &b), 0);
	b->data[0] = 1;
	bcache_dirty(c, b);
	bcache_put(c, b);
	uint8_t buf[4096];
	memset(buf, 0x70, sizeof(buf));
	CHECK_EQ(bcache_write_direct(c, 70, 1, buf), 0);
	nops = 0;
	CHECK_EQ(bcache_sync(c), 0);
	CHECK(nops == 1 && ops[0].op == BLK_FLUSH);
	bcache_get_stats(&after);
	CHECK_EQ(after.wb_visited, before.wb_visited);
}

int main(void)
{
	CHECK(bcache_open(&dev, 1000) == NULL);
	CHECK(bcache_open(&dev, 256) == NULL);
	struct bcache *c = bcache_open(&dev, 4096);

	CHECK(c != NULL);
	if (!c)
		return check_report();
	CHECK(bcache_blocks(c) == 256 && bcache_block_size(c) == 4096 && !bcache_read_only(c));
	test_basics(c);
	test_coherence(c);
	test_pressure(c);
	test_concurrent_miss(c);
	test_failure(c);
	test_dirty_list(c);
	CHECK_EQ(bcache_close(c), 0);
	struct bcache_stats st;

	bcache_get_stats(&st);
	CHECK_EQ(st.used_bytes, 0);
	return check_report();
}
