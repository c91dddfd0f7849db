/* SPDX-License-Identifier: MIT */
/* bcache.c: the buffer cache (mote/bcache.h): one pool of block buffers shared by every cached
 * device, sized from free RAM, with LRU eviction of clean unpinned blocks and write-back of
 * dirty ones when room is needed, on bcache_write_back and on bcache_sync.
 *
 * Each device's cache keeps a list of its dirty buffers, so a write-back (each fsync, sync)
 * costs what is dirty, not what is cached.
 *
 * Locking: one mutex, pool.lock, guards everything here (the hash, the LRU list, the dirty and
 * free lists, each buffer's pins, dirty and busy flags, the statistics). A miss's read runs without
 * it: the buffer is in the hash, pinned and `busy` until the data is in, and whoever finds it
 * busy waits on pool.io_done, so threads missing on different blocks read at once. Write-backs
 * and direct transfers keep the lock across their I/O, so a direct transfer is never overtaken
 * by a write-back of the same block; a direct write first waits for reads in flight in its
 * range. A pinned buffer's data belongs to its pinner, without the lock. Never called from
 * interrupt context: the lock is a mutex because block I/O sleeps. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hal/mem.h>
#include <mote/bcache.h>
#include <mote/blkdev.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/sync.h>

#define POOL_SHARE     16           /* the pool is 1/POOL_SHARE of the RAM free at first use */
#define POOL_FLOOR     (256 * 1024) /* and at least this */
#define CLASSES        8            /* buffer sizes 512 << 0 ... 512 << 7 (64 KiB) */
#define WRITEBACK_ROOM 16           /* dirty blocks written at once when room is needed */
#define BATCH          16           /* requests in flight per blkdev_submit_wait */

struct bc_buf {
	struct bcache_buf pub;
	struct bcache *owner;           /* NULL on a free list */
	struct bc_buf *hnext;           /* hash chain, or free list */
	struct bc_buf *prev, *next;     /* the LRU list, most recent first */
	struct bc_buf *dnext, **dpprev; /* the owner's dirty list, while dirty */
	unsigned pins;
	bool dirty;
	bool busy; /* being read from the device, without the lock */
	uint8_t cls;
};

struct bcache {
	struct blkdev *dev;
	uint32_t block_size;
	uint32_t spb; /* device sectors per block */
	uint8_t cls;
	uint64_t blocks;
	unsigned ndirty, ncached;
	struct bc_buf *dirty; /* the dirty buffers: write-back cost follows them, not the pool */
};

static struct {
	struct once once;
	struct mutex lock;
	struct cond io_done; /* a busy buffer's read finished */
	size_t budget, used;
	struct bc_buf **hash;
	unsigned hash_mask;
	struct bc_buf lru; /* sentinel: lru.next is the most recent, lru.prev the oldest */
	struct bc_buf *free[CLASSES];
	struct bcache_stats stats;
} pool = {.once = ONCE_INIT};

static size_t class_size(unsigned cls) { return (size_t)512 << cls; }

static void pool_init(void)
{
	size_t free_bytes = mm_free_bytes();
	unsigned buckets = 256;

	mutex_init(&pool.lock, false);
	pool.budget = free_bytes / POOL_SHARE > POOL_FLOOR ? free_bytes / POOL_SHARE : POOL_FLOOR;
	while (buckets < pool.budget / 4096)
		buckets *= 2;
	pool.hash = calloc(buckets, sizeof(*pool.hash));
	pool.hash_mask = pool.hash ? buckets - 1 : 0;
	pool.lru.next = pool.lru.prev = &pool.lru;
	pool.stats.pool_bytes = pool.budget;
	log_debug("bcache: a pool of %zu KiB for block buffers (1/%u of %zu KiB free, at least %u KiB)",
	          pool.budget / 1024, POOL_SHARE, free_bytes / 1024, POOL_FLOOR / 1024);
}

static unsigned hash_of(const struct bcache *c, uint64_t block)
{
	uint64_t h = ((uintptr_t)c >> 4) ^ (block * 0x9e3779b97f4a7c15ull);

	return (unsigned)(h >> 32) & pool.hash_mask;
}

static struct bc_buf *lookup(const struct bcache *c, uint64_t block)
{
	for (struct bc_buf *b = pool.hash[hash_of(c, block)]; b; b = b->hnext)
		if (b->owner == c && b->pub.block == block)
			return b;
	return NULL;
}

static void lru_unlink(struct bc_buf *b)
{
	b->prev->next = b->next;
	b->next->prev = b->prev;
}

static void lru_push(struct bc_buf *b)
{
	b->next = pool.lru.next;
	b->prev = &pool.lru;
	pool.lru.next->prev = b;
	pool.lru.next = b;
}

/* On or off its owner's dirty list, keeping ndirty. Caller holds the lock. */
static void mark_dirty(struct bcache *c, struct bc_buf *b)
{
	if (b->dirty)
		return;
	b->dirty = true;
	c->ndirty++;
	b->dnext = c->dirty;
	if (c->dirty)
		c->dirty->dpprev = &b->dnext;
	c->dirty = b;
	b->dpprev = &c->dirty;
}

static void mark_clean(struct bcache *c, struct bc_buf *b)
{
	if (!b->dirty)
		return;
	b->dirty = false;
	c->ndirty--;
	*b->dpprev = b->dnext;
	if (b->dnext)
		b->dnext->dpprev = b->dpprev;
	b->dnext = NULL;
	b->dpprev = NULL;
}

/* Into the hash and the LRU list as c's `block`. */
static void insert(struct bcache *c, struct bc_buf *b, uint64_t block)
{
	unsigned h = hash_of(c, block);

	b->owner = c;
	b->pub.block = block;
	b->hnext = pool.hash[h];
	pool.hash[h] = b;
	lru_push(b);
	c->ncached++;
}

/* Out of the hash and the LRU list, onto its class's free list. */
static void release(struct bc_buf *b)
{
	struct bc_buf **pp = &pool.hash[hash_of(b->owner, b->pub.block)];

	while (*pp != b)
		pp = &(*pp)->hnext;
	*pp = b->hnext;
	lru_unlink(b);
	mark_clean(b->owner, b);
	b->owner->ncached--;
	b->owner = NULL;
	b->busy = false;
	b->pins = 0;
	b->hnext = pool.free[b->cls];
	pool.free[b->cls] = b;
	pool.used -= class_size(b->cls);
}

static int cmp_block(const void *x, const void *y)
{
	const struct bc_buf *a = *(struct bc_buf *const *)x, *b = *(struct bc_buf *const *)y;

	return a->pub.block < b->pub.block ? -1 : a->pub.block > b->pub.block;
}

/* Write the n dirty buffers of c in bufs (sorted here into block order), several requests in
 * flight. Each written block is clean afterwards; a failed one stays dirty. Caller holds the
 * lock. */
static int write_list(struct bcache *c, struct bc_buf **bufs, unsigned n)
{
	struct blk_request reqs[BATCH];
	int first = 0;

	qsort(bufs, n, sizeof(*bufs), cmp_block);
	for (unsigned i = 0; i < n; i += BATCH) {
		unsigned k = n - i < BATCH ? n - i : BATCH;

		for (unsigned j = 0; j < k; j++)
			reqs[j] = (struct blk_request){.op = BLK_WRITE,
			                               .sector = bufs[i + j]->pub.block * c->spb,
			                               .count = c->spb,
			                               .buf = bufs[i + j]->pub.data};
		blkdev_submit_wait(c->dev, reqs, k);
		for (unsigned j = 0; j < k; j++) {
			if (reqs[j].status != 0) {
				if (first == 0)
					first = reqs[j].status;
				continue;
			}
			mark_clean(c, bufs[i + j]);
			pool.stats.write_backs++;
		}
	}
	if (first != 0)
		log_warn("bcache: %s: write-back failed (%d)", c->dev->name, first);
	return first;
}

/* Make room: drop the oldest clean unpinned buffer; failing that, write back the oldest dirty
 * unpinned ones of one device and try again. 0 or -ENOMEM (all pinned) or a write error.
 * Caller holds the lock. */
static int evict_one(void)
{
	for (int pass = 0; pass < 2; pass++) {
		for (struct bc_buf *b = pool.lru.prev; b != &pool.lru; b = b->prev)
			if (b->pins == 0 && !b->dirty) {
				release(b);
				pool.stats.evictions++;
				return 0;
			}
		if (pass == 1)
			break;
		struct bc_buf *list[WRITEBACK_ROOM];
		struct bcache *c = NULL;
		unsigned n = 0;

		for (struct bc_buf *b = pool.lru.prev; b != &pool.lru && n < WRITEBACK_ROOM; b = b->prev)
			if (b->pins == 0 && b->dirty && (!c || b->owner == c)) {
				c = b->owner;
				list[n++] = b;
			}
		if (n == 0)
			return -ENOMEM;
		int err = write_list(c, list, n);

		if (err != 0)
			return err;
	}
	return -ENOMEM;
}

/* Carve new buffers of class cls onto its free list: a page's worth for small blocks. */
static int grow(unsigned cls)
{
	size_t size = class_size(cls);
	unsigned order = 0;

	while (((size_t)HAL_PAGE_SIZE << order) < size)
		order++;
	uint8_t *mem = mm_alloc_pages(order);

	if (!mem)
		return -ENOMEM;
	size_t n = size < HAL_PAGE_SIZE ? HAL_PAGE_SIZE / size : 1;

	for (size_t i = 0; i < n; i++) {
		struct bc_buf *b = calloc(1, sizeof(*b));

		if (!b) {
			if (i == 0) {
				mm_free_pages(mem, order);
				return -ENOMEM;
			}
			break; /* the rest of the page stays unused */
		}
		b->pub.data = mem + i * size;
		b->cls = (uint8_t)cls;
		b->hnext = pool.free[cls];
		pool.free[cls] = b;
	}
	return 0;
}

/* A buffer for one of c's blocks, within the budget. Caller holds the lock. */
static int take(struct bcache *c, struct bc_buf **out)
{
	size_t size = class_size(c->cls);
	int err;

	while (pool.used + size > pool.budget)
		if ((err = evict_one()) != 0)
			return err;
	if (!pool.free[c->cls] && (err = grow(c->cls)) != 0)
		return err;
	struct bc_buf *b = pool.free[c->cls];

	pool.free[c->cls] = b->hnext;
	b->hnext = NULL;
	b->pins = 0;
	b->dirty = false;
	pool.used += size;
	*out = b;
	return 0;
}

struct bcache *bcache_open(struct blkdev *dev, uint32_t block_size)
{
	if (!dev || block_size < dev->sector_size || block_size % dev->sector_size != 0 ||
	    (block_size & (block_size - 1)) != 0 || block_size > class_size(CLASSES - 1)) {
		errno = EINVAL;
		return NULL;
	}
	once_run(&pool.once, pool_init);
	if (!pool.hash) {
		errno = ENOMEM;
		return NULL;
	}
	struct bcache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->dev = dev;
	c->block_size = block_size;
	c->spb = block_size / dev->sector_size;
	c->blocks = dev->sectors / c->spb;
	while (class_size(c->cls) < block_size)
		c->cls++;
	return c;
}

static int get(struct bcache *c, uint64_t block, struct bcache_buf **out, bool read)
{
	struct bc_buf *b;
	int err;

	if (block >= c->blocks)
		return -EINVAL;
	mutex_lock(&pool.lock, SYNC_FOREVER);
	/* Another thread reading this block: wait, then look again (its read may have failed). */
	while ((b = lookup(c, block)) && b->busy)
		cond_wait(&pool.io_done, &pool.lock, SYNC_FOREVER);
	if (b) {
		lru_unlink(b);
		lru_push(b);
		pool.stats.hits++;
		b->pins++;
		*out = &b->pub;
		mutex_unlock(&pool.lock);
		return 0;
	}
	if ((err = take(c, &b)) != 0) {
		mutex_unlock(&pool.lock);
		return err;
	}
	pool.stats.misses++;
	insert(c, b, block);
	b->pins = 1; /* never evicted while its data comes in */
	if (read) {
		b->busy = true;
		mutex_unlock(&pool.lock);
		err = blkdev_read(c->dev, block * c->spb, c->spb, b->pub.data);
		mutex_lock(&pool.lock, SYNC_FOREVER);
		b->busy = false;
		if (err != 0)
			release(b);
		cond_broadcast(&pool.io_done);
	} else {
		memset(b->pub.data, 0, c->block_size); /* no other device's old data shows */
	}
	if (err == 0)
		*out = &b->pub;
	mutex_unlock(&pool.lock);
	return err;
}

int bcache_get(struct bcache *c, uint64_t block, struct bcache_buf **out) { return get(c, block, out, true); }

int bcache_get_new(struct bcache *c, uint64_t block, struct bcache_buf **out)
{
	return get(c, block, out, false);
}

void bcache_dirty(struct bcache *c, struct bcache_buf *pub)
{
	struct bc_buf *b = (struct bc_buf *)pub;

	mutex_lock(&pool.lock, SYNC_FOREVER);
	mark_dirty(c, b);
	mutex_unlock(&pool.lock);
}

void bcache_put(struct bcache *c, struct bcache_buf *pub)
{
	struct bc_buf *b = (struct bc_buf *)pub;

	(void)c;
	mutex_lock(&pool.lock, SYNC_FOREVER);
	if (b->pins > 0)
		b->pins--;
	else
		log_err("bcache: put of block %llu that is not pinned", (unsigned long long)pub->block);
	mutex_unlock(&pool.lock);
}

/* Apply fn to each of c's cached buffers in [block, block + count): by hash lookups when the
 * range is smaller than what is cached, else by walking the LRU list. Caller holds the lock. */
static void each_cached(struct bcache *c, uint64_t block, uint64_t count,
                        void (*fn)(struct bcache *c, struct bc_buf *b, uint8_t *at), uint8_t *buf)
{
	if (count <= c->ncached) {
		for (uint64_t i = 0; i < count; i++) {
			struct bc_buf *b = lookup(c, block + i);

			if (b)
				fn(c, b, buf + i * c->block_size);
		}
		return;
	}
	for (struct bc_buf *b = pool.lru.next; b != &pool.lru; b = b->next)
		if (b->owner == c && b->pub.block >= block && b->pub.block - block < count)
			fn(c, b, buf + (b->pub.block - block) * c->block_size);
}

/* The cached copy is as new as the device or newer: it wins. A busy one is still being read
 * from the device, so it holds nothing newer (and not all of it yet). */
static void overlay(struct bcache *c, struct bc_buf *b, uint8_t *at)
{
	if (!b->busy)
		memcpy(at, b->pub.data, c->block_size);
}

static bool busy_seen; /* note_busy's finding; under the lock */

static void note_busy(struct bcache *c, struct bc_buf *b, uint8_t *at)
{
	(void)c;
	(void)at;
	busy_seen |= b->busy;
}

/* The device now holds the direct write's data: so does the cached copy, clean. */
static void refresh(struct bcache *c, struct bc_buf *b, uint8_t *at)
{
	memcpy(b->pub.data, at, c->block_size);
	mark_clean(c, b);
}

/* blkdev_read/write of `count` blocks, in pieces whose sector count fits 32 bits. */
static int transfer(struct bcache *c, enum blk_op op, uint64_t block, uint32_t count, uint8_t *buf)
{
	uint32_t most = UINT32_MAX / c->spb;

	while (count > 0) {
		uint32_t n = count < most ? count : most;
		int err = op == BLK_READ ? blkdev_read(c->dev, block * c->spb, n * c->spb, buf)
		                         : blkdev_write(c->dev, block * c->spb, n * c->spb, buf);

		if (err != 0)
			return err;
		block += n;
		count -= n;
		buf += (size_t)n * c->block_size;
	}
	return 0;
}

static int check_range(struct bcache *c, uint64_t block, uint32_t count)
{
	return count == 0 || block >= c->blocks || count > c->blocks - block ? -EINVAL : 0;
}

int bcache_read_direct(struct bcache *c, uint64_t block, uint32_t count, void *buf)
{
	int err = check_range(c, block, count);

	if (err != 0)
		return err;
	mutex_lock(&pool.lock, SYNC_FOREVER);
	err = transfer(c, BLK_READ, block, count, buf);
	if (err == 0)
		each_cached(c, block, count, overlay, buf);
	mutex_unlock(&pool.lock);
	return err;
}

int bcache_write_direct(struct bcache *c, uint64_t block, uint32_t count, const void *buf)
{
	int err = check_range(c, block, count);

	if (err != 0)
		return err;
	mutex_lock(&pool.lock, SYNC_FOREVER);
	/* A read in flight could land older data in a cached copy after the refresh below. */
	for (;;) {
		busy_seen = false;
		each_cached(c, block, count, note_busy, NULL);
		if (!busy_seen)
			break;
		cond_wait(&pool.io_done, &pool.lock, SYNC_FOREVER);
	}
	err = transfer(c, BLK_WRITE, block, count, (uint8_t *)buf);
	if (err == 0)
		each_cached(c, block, count, refresh, (uint8_t *)buf);
	mutex_unlock(&pool.lock);
	return err;
}

/* Write back c's dirty blocks in [first, first + count). Caller holds the lock. */
static int write_back_locked(struct bcache *c, uint64_t first, uint64_t count)
{
	if (c->ndirty == 0)
		return 0;
	struct bc_buf **list = malloc(c->ndirty * sizeof(*list));
	unsigned n = 0;

	if (!list)
		return -ENOMEM;
	/* Pinned blocks too: bcache_dirty comes after the change (mote/bcache.h), so a dirty
	 * block holds a whole change even while it is pinned. */
	for (struct bc_buf *b = c->dirty; b; b = b->dnext) {
		pool.stats.wb_visited++;
		if (b->pub.block >= first && b->pub.block - first < count)
			list[n++] = b;
	}
	int err = n ? write_list(c, list, n) : 0;

	free(list);
	return err;
}

int bcache_write_back(struct bcache *c, uint64_t first, uint64_t count)
{
	mutex_lock(&pool.lock, SYNC_FOREVER);
	int err = write_back_locked(c, first, count);

	mutex_unlock(&pool.lock);
	return err;
}

int bcache_flush(struct bcache *c) { return blkdev_flush(c->dev); }

int bcache_sync(struct bcache *c)
{
	int err = bcache_write_back(c, 0, UINT64_MAX);

	/* The flush even after a failed write: what did reach the device becomes stable. */
	int ferr = bcache_flush(c);

	return err != 0 ? err : ferr;
}

int bcache_close(struct bcache *c)
{
	if (!c)
		return 0;
	int err = bcache_sync(c);

	mutex_lock(&pool.lock, SYNC_FOREVER);
	for (struct bc_buf *b = pool.lru.next, *next; b != &pool.lru; b = next) {
		next = b->next;
		if (b->owner == c && b->busy) { /* a get racing the close: let its read finish */
			cond_wait(&pool.io_done, &pool.lock, SYNC_FOREVER);
			next = pool.lru.next;
			continue;
		}
		if (b->owner == c)
			release(b);
	}
	mutex_unlock(&pool.lock);
	free(c);
	return err;
}

uint32_t bcache_block_size(const struct bcache *c) { return c->block_size; }
uint64_t bcache_blocks(const struct bcache *c) { return c->blocks; }
bool bcache_read_only(const struct bcache *c) { return c->dev->read_only; }

void bcache_get_stats(struct bcache_stats *out)
{
	once_run(&pool.once, pool_init);
	mutex_lock(&pool.lock, SYNC_FOREVER);
	*out = pool.stats;
	out->used_bytes = pool.used;
	mutex_unlock(&pool.lock);
}
