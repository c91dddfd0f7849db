/* SPDX-License-Identifier: MIT */
/* host_disk.h: a block device for the FAT code on the host (tests/fat, tests/fuzz): an image
 * file or a memory buffer behind a struct blkdev, and host_bcache.c's file-backed bcache.h. */
#ifndef TESTS_FAT_HOST_DISK_H
#define TESTS_FAT_HOST_DISK_H

#include <stddef.h>
#include <stdint.h>

#include <mote/blkdev.h>

struct host_disk {
	struct blkdev dev;
	int fd;        /* the image file, or -1 */
	uint8_t *mem;  /* or the image in memory */
	uint64_t size; /* bytes */
};

/* dev over an image file (read_only: refuse writes) or a memory buffer (not copied). */
int host_disk_open_file(struct host_disk *d, const char *path, int read_only);
void host_disk_open_mem(struct host_disk *d, uint8_t *mem, size_t size);
void host_disk_close(struct host_disk *d);

/* Blocks a cache keeps before it evicts unpinned ones (small values exercise eviction). */
extern unsigned host_bcache_limit;
/* Called after every write that reached an image file (tests/fat's crash snapshots). */
extern void (*host_disk_write_hook)(struct host_disk *d);
/* Open caches' pinned buffers: must be 0 between calls into the filesystem. */
extern long host_bcache_pinned;

#endif
