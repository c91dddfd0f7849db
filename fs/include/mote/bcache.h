/* SPDX-License-Identifier: MIT */
/* mote/bcache.h: the buffer cache between filesystems and block devices. Blocks are cached
 * in one pool sized from RAM and shared by every device; dirty blocks are written back on
 * bcache_sync (fsync, sync, unmount, exit) or when the pool needs room. */
#ifndef MOTE_BCACHE_H
#define MOTE_BCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;
struct bcache;

/* One cached block, pinned between bcache_get and bcache_put (a pinned block is never
 * evicted or written back half-changed: modify it, then bcache_dirty, then bcache_put). */
struct bcache_buf {
	uint64_t block; /* in units of the cache's block size */
	uint8_t *data;  /* block_size bytes */
};

/* A cache of dev in blocks of block_size bytes (a multiple of the device's sector size, e.g.
 * a FAT's bytes per sector). NULL without memory. */
struct bcache *bcache_open(struct blkdev *dev, uint32_t block_size);
/* Write back, flush and free. Returns the first write error (the cache is freed anyway). */
int bcache_close(struct bcache *c);

/* The block, read from the device unless cached, pinned, in *out: 0, -EIO, -EINVAL past the
 * end, -ENOMEM when every buffer is pinned. bcache_get_new skips the read (the caller
 * overwrites the whole block). Thread context, may sleep. */
int bcache_get(struct bcache *c, uint64_t block, struct bcache_buf **out);
int bcache_get_new(struct bcache *c, uint64_t block, struct bcache_buf **out);
void bcache_dirty(struct bcache *c, struct bcache_buf *b);
void bcache_put(struct bcache *c, struct bcache_buf *b);

/* Large transfers straight between the device and buf (file data), several requests in
 * flight, kept coherent with cached copies of the same blocks. */
int bcache_read_direct(struct bcache *c, uint64_t block, uint32_t count, void *buf);
int bcache_write_direct(struct bcache *c, uint64_t block, uint32_t count, const void *buf);

/* Write back the dirty blocks in [first, first + count) (in block order), without a flush:
 * a filesystem orders its writes with this (data, then tables, then directory entries). */
int bcache_write_back(struct bcache *c, uint64_t first, uint64_t count);
/* Write back every dirty block, then flush the device: on stable storage when it returns. */
int bcache_sync(struct bcache *c);
/* The device's flush alone. */
int bcache_flush(struct bcache *c);

uint32_t bcache_block_size(const struct bcache *c);
uint64_t bcache_blocks(const struct bcache *c); /* the device's capacity in blocks */
bool bcache_read_only(const struct bcache *c);

/* The shared pool's figures, for tests and benchmarks. */
struct bcache_stats {
	size_t pool_bytes;          /* the pool's budget, sized from RAM at the first open */
	size_t used_bytes;          /* bytes of blocks cached now */
	unsigned long hits, misses; /* bcache_get finding a block cached, or reading it */
	unsigned long evictions;    /* clean blocks dropped to make room */
	unsigned long write_backs;  /* dirty blocks written (for room, write_back, sync) */
	unsigned long wb_visited;   /* buffers bcache_write_back and bcache_sync looked at: one
	                             * per dirty block of the device, never the whole pool */
};
void bcache_get_stats(struct bcache_stats *out);

#endif
