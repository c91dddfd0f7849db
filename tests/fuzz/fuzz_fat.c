/* SPDX-License-Identifier: MIT */
/* fuzz_fat.c: mount a corrupted FAT image with fs/fat (over tests/fat's host cache), walk
 * every directory, stat and read every file, then create, write, truncate, rename and remove
 * a few, and unmount. Any crash, hang, leak or block left pinned is a bug.
 * The input is a sparse image: records of (byte offset: 4, length: 2, bytes) written over a
 * zeroed 48 MiB disk, so a seed holds only a small image's non-zero sectors (a FAT32 volume
 * needs 65525 clusters). tests/fuzz/fat_seed.py makes seeds from mkfs.fat images. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <mote/vfs.h>

#include "host_disk.h"

#define DISK_BYTES (48u << 20)
#define MAX_DEPTH  12
#define MAX_VISITS 3000

extern const struct vfs_fs_type __start_mote_fs_types[], __stop_mote_fs_types[];

static struct vfs_mount mnt;
static unsigned visits;
static uint8_t buf[1 << 16];

static void pins_ok(void)
{
	if (host_bcache_pinned)
		abort(); /* an operation returned with a cache block still pinned */
}

static void walk(struct vfs_inode *dir, int depth)
{
	uint64_t cookie = 0;
	struct vfs_dirent de;

	while (visits++ < MAX_VISITS && mnt.ops->readdir(dir, &cookie, &de) == 1) {
		struct vfs_inode *child;
		struct stat st;

		pins_ok();
		if (mnt.ops->lookup(dir, de.name, strlen(de.name), &child))
			continue;
		pins_ok();
		mnt.ops->getattr(child, &st);
		if (S_ISDIR(child->mode)) {
			if (depth < MAX_DEPTH)
				walk(child, depth + 1);
		} else {
			for (uint64_t off = 0; off < (1u << 20);) {
				ssize_t r = mnt.ops->read(child, buf, sizeof(buf), off);
				pins_ok();
				if (r <= 0)
					break;
				off += (uint64_t)r;
			}
		}
		vfs_inode_put(child);
		pins_ok();
	}
}

static void modify(struct vfs_inode *root)
{
	struct vfs_inode *f;

	if (mnt.ops->create(root, "Fuzzed File.txt", 15, 0644, &f) == 0) {
		memset(buf, 'x', sizeof(buf));
		mnt.ops->write(f, buf, 40000, 0);
		mnt.ops->write(f, buf, 100, 70000);
		mnt.ops->truncate(f, 5000);
		mnt.ops->fsync(f, false);
		mnt.ops->read(f, buf, sizeof(buf), 0);
		vfs_inode_put(f);
	}
	pins_ok();
	mnt.ops->mkdir(root, "new dir", 7, 0755);
	pins_ok();
	mnt.ops->rename(root, "Fuzzed File.txt", 15, root, "renamed.txt", 11);
	pins_ok();
	mnt.ops->unlink(root, "renamed.txt", 11);
	mnt.ops->rmdir(root, "new dir", 7);
	pins_ok();
	/* Also on whatever the image already holds: the first entries of the root. */
	uint64_t cookie = 0;
	struct vfs_dirent de;
	for (int i = 0; i < 3 && mnt.ops->readdir(root, &cookie, &de) == 1; i++) {
		if (i == 0)
			mnt.ops->rename(root, de.name, strlen(de.name), root, "moved", 5);
		else if (i == 1)
			mnt.ops->unlink(root, de.name, strlen(de.name));
		else
			mnt.ops->rmdir(root, de.name, strlen(de.name));
		pins_ok();
	}
	mnt.ops->sync(&mnt);
	pins_ok();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_disk disk;
	/* Fresh zero pages, only the touched ones costing anything (calloc under ASan would
	 * clear and poison all 48 MiB each run). */
	uint8_t *mem = mmap(NULL, DISK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return 0;
	while (size >= 6) {
		uint32_t off;
		uint16_t len;
		memcpy(&off, data, 4);
		memcpy(&len, data + 4, 2);
		data += 6, size -= 6;
		if (len > size)
			len = (uint16_t)size;
		off %= DISK_BYTES;
		if (len > DISK_BYTES - off)
			len = (uint16_t)(DISK_BYTES - off);
		memcpy(mem + off, data, len);
		data += len, size -= len;
	}
	host_disk_open_mem(&disk, mem, DISK_BYTES);
	host_bcache_limit = 32; /* small: eviction paths run too */
	const struct vfs_fs_type *t = __start_mote_fs_types;
	memset(&mnt, 0, sizeof(mnt));
	mnt.dev = &disk.dev;
	if (t->probe(&disk.dev) && t->mount(&mnt, &disk.dev, NULL, 0) == 0) {
		struct vfs_inode *root = mnt.root;
		visits = 0;
		walk(root, 0);
		modify(root);
		mnt.ops->unmount(&mnt);
		vfs_inode_put(root);
	}
	pins_ok();
	munmap(mem, DISK_BYTES);
	return 0;
}
