/* SPDX-License-Identifier: MIT */
/* host_bcache.c: mote/bcache.h on the host for tests/fat and the FAT fuzzers: a small
 * write-back cache over host_disk.h's file or memory, evicting (and writing back) unpinned
 * blocks past host_bcache_limit so the FAT code's pin/put discipline is exercised under
 * AddressSanitizer. Also the shims' log_printf and hal_clock_wall_ns. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hal/time.h>
#include <mote/bcache.h>
#include <mote/log.h>

#include "host_disk.h"

unsigned host_bcache_limit = 256;
long host_bcache_pinned;
int host_log_enabled;
void (*host_disk_write_hook)(struct host_disk *d);

struct hbuf {
	struct bcache_buf pub;
	struct hbuf *next; /* in the cache's list, most recently used first */
	int pins;
	bool dirty;
};

struct bcache {
	struct host_disk *d;
	uint32_t bs;
	uint64_t blocks;
	struct hbuf *bufs;
	unsigned count;
};

void log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	if (!host_log_enabled)
		return;
	va_start(ap, fmt);
	fputs("mote: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

uint64_t hal_clock_wall_ns(void) { return (uint64_t)time(NULL) * 1000000000ull; }

int host_disk_open_file(struct host_disk *d, const char *path, int read_only)
{
	memset(d, 0, sizeof(*d));
	d->fd = open(path, read_only ? O_RDONLY : O_RDWR);
	if (d->fd < 0)
		return -errno;
	off_t end = lseek(d->fd, 0, SEEK_END);
	d->size = end > 0 ? (uint64_t)end : 0;
	d->dev.sector_size = 512;
	d->dev.sectors = d->size / 512;
	d->dev.read_only = read_only;
	strcpy(d->dev.name, "blk0");
	d->dev.driver_data = d;
	return 0;
}

void host_disk_open_mem(struct host_disk *d, uint8_t *mem, size_t size)
{
	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->mem = mem;
	d->size = size;
	d->dev.sector_size = 512;
	d->dev.sectors = size / 512;
	strcpy(d->dev.name, "blk0");
	d->dev.driver_data = d;
}

void host_disk_close(struct host_disk *d)
{
	if (d->fd >= 0)
		close(d->fd);
}

static int disk_io(struct bcache *c, uint64_t block, uint32_t count, void *buf, bool write)
{
	struct host_disk *d = c->d;
	uint64_t off = block * c->bs, len = (uint64_t)count * c->bs;

	if (block > c->blocks || count > c->blocks - block)
		return -EINVAL;
	if (write && d->dev.read_only)
		return -EROFS;
	if (d->mem) {
		if (write)
			memcpy(d->mem + off, buf, len);
		else
			memcpy(buf, d->mem + off, len);
		return 0;
	}
	ssize_t r = write ? pwrite(d->fd, buf, len, (off_t)off) : pread(d->fd, buf, len, (off_t)off);
	if (r != (ssize_t)len)
		return -EIO;
	if (write && host_disk_write_hook)
		host_disk_write_hook(d);
	return 0;
}

struct bcache *bcache_open(struct blkdev *dev, uint32_t block_size)
{
	struct bcache *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->d = dev->driver_data;
	c->bs = block_size;
	c->blocks = dev->sectors * dev->sector_size / block_size;
	return c;
}

static int write_buf(struct bcache *c, struct hbuf *h)
{
	if (!h->dirty)
		return 0;
	int err = disk_io(c, h->pub.block, 1, h->pub.data, true);
	if (!err)
		h->dirty = false;
	return err;
}

int bcache_close(struct bcache *c)
{
	int err = 0;

	for (struct hbuf *h = c->bufs, *next; h; h = next) {
		next = h->next;
		if (h->pins)
			abort(); /* closed with a block pinned: a missing bcache_put */
		int e = write_buf(c, h);
		if (!err)
			err = e;
		free(h->pub.data);
		free(h);
	}
	free(c);
	return err;
}

static struct hbuf *lookup(struct bcache *c, uint64_t block)
{
	for (struct hbuf **p = &c->bufs; *p; p = &(*p)->next) {
		struct hbuf *h = *p;
		if (h->pub.block == block) {
			*p = h->next; /* to the front */
			h->next = c->bufs;
			c->bufs = h;
			return h;
		}
	}
	return NULL;
}

/* Drop the least recently used unpinned blocks past the limit (written back if dirty). */
static void evict(struct bcache *c)
{
	while (c->count >= host_bcache_limit) {
		struct hbuf **victim = NULL;
		for (struct hbuf **p = &c->bufs; *p; p = &(*p)->next) {
			if (!(*p)->pins)
				victim = p;
		}
		if (!victim)
			return;
		struct hbuf *h = *victim;
		if (write_buf(c, h))
			return;
		*victim = h->next;
		free(h->pub.data);
		free(h);
		c->count--;
	}
}

static int get(struct bcache *c, uint64_t block, struct bcache_buf **out, bool read)
{
	struct hbuf *h;

	if (block >= c->blocks)
		return -EINVAL;
	h = lookup(c, block);
	if (!h) {
		evict(c);
		h = calloc(1, sizeof(*h));
		if (!h || !(h->pub.data = malloc(c->bs))) {
			free(h);
			return -ENOMEM;
		}
		h->pub.block = block;
		if (read) {
			int err = disk_io(c, block, 1, h->pub.data, false);
			if (err) {
				free(h->pub.data);
				free(h);
				return err;
			}
		} else {
			memset(h->pub.data, 0, c->bs);
		}
		h->next = c->bufs;
		c->bufs = h;
		c->count++;
	}
	h->pins++;
	host_bcache_pinned++;
	*out = &h->pub;
	return 0;
}

int bcache_get(struct bcache *c, uint64_t block, struct bcache_buf **out) { return get(c, block, out, true); }
int bcache_get_new(struct bcache *c, uint64_t block, struct bcache_buf **out)
{
	return get(c, block, out, false);
}

void bcache_dirty(struct bcache *c, struct bcache_buf *b)
{
	struct hbuf *h = (struct hbuf *)b;
	(void)c;
	if (h->pins <= 0)
		abort(); /* dirtied a block that is not pinned */
	h->dirty = true;
}

void bcache_put(struct bcache *c, struct bcache_buf *b)
{
	struct hbuf *h = (struct hbuf *)b;
	(void)c;
	if (h->pins <= 0)
		abort();
	h->pins--;
	host_bcache_pinned--;
}

int bcache_read_direct(struct bcache *c, uint64_t block, uint32_t count, void *buf)
{
	int err = disk_io(c, block, count, buf, false);
	if (err)
		return err;
	for (struct hbuf *h = c->bufs; h; h = h->next) {
		if (h->pub.block >= block && h->pub.block - block < count)
			memcpy((uint8_t *)buf + (h->pub.block - block) * c->bs, h->pub.data, c->bs);
	}
	return 0;
}

int bcache_write_direct(struct bcache *c, uint64_t block, uint32_t count, const void *buf)
{
	int err = disk_io(c, block, count, (void *)buf, true);
	if (err)
		return err;
	for (struct hbuf *h = c->bufs; h; h = h->next) {
		if (h->pub.block >= block && h->pub.block - block < count) {
			memcpy(h->pub.data, (const uint8_t *)buf + (h->pub.block - block) * c->bs, c->bs);
			h->dirty = false;
		}
	}
	return 0;
}

int bcache_write_back(struct bcache *c, uint64_t first, uint64_t count)
{
	for (struct hbuf *h = c->bufs; h; h = h->next) {
		if (h->pub.block >= first && h->pub.block - first < count) {
			int err = write_buf(c, h);
			if (err)
				return err;
		}
	}
	return 0;
}

int bcache_sync(struct bcache *c) { return bcache_write_back(c, 0, c->blocks); }
int bcache_flush(struct bcache *c)
{
	(void)c;
	return 0;
}
uint32_t bcache_block_size(const struct bcache *c) { return c->bs; }
uint64_t bcache_blocks(const struct bcache *c) { return c->blocks; }
bool bcache_read_only(const struct bcache *c) { return c->d->dev.read_only; }
