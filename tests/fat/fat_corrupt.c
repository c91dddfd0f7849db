/* SPDX-License-Identifier: MIT */
/* fat_corrupt.c: corrupt structures give clear errors, never a crash or a hang: a bad BPB
 * refuses the mount, a bad chain or entry gives EIO on that file while the others keep
 * working; an unlinked open file keeps its data until its last put; a read-only device or
 * mount answers EROFS and writes nothing. Runs on a FAT16 image fat_corrupt.sh makes with
 * mkfs.fat and mtools: /data.bin (10000 bytes), /sub/x.txt.
 *   fat_corrupt IMAGE */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "check.h"
#include "fat_fs.h"
#include "host_disk.h"

extern const struct vfs_fs_type __start_mote_fs_types[];

static uint8_t *pristine, *img;
static size_t img_size;
static struct host_disk disk;
static struct vfs_mount mnt;

static int mount_copy(void)
{
	memset(&mnt, 0, sizeof(mnt));
	host_disk_open_mem(&disk, img, img_size);
	mnt.dev = &disk.dev;
	return __start_mote_fs_types->mount(&mnt, &disk.dev, NULL, 0);
}

static void unmount(void)
{
	struct vfs_inode *root = mnt.root;
	CHECK_EQ(mnt.ops->unmount(&mnt), 0);
	vfs_inode_put(root);
	CHECK_EQ(host_bcache_pinned, 0);
}

static int lookup(const char *dir, const char *name, struct vfs_inode **out)
{
	struct vfs_inode *d = mnt.root;
	int err;

	vfs_inode_get(d);
	if (dir) {
		err = mnt.ops->lookup(mnt.root, dir, strlen(dir), &d);
		vfs_inode_put(mnt.root);
		if (err)
			return err;
	}
	err = mnt.ops->lookup(d, name, strlen(name), out);
	vfs_inode_put(d);
	return err;
}

/* Read a whole file: the byte count or the error. */
static long read_all(const char *dir, const char *name)
{
	static uint8_t buf[65536];
	struct vfs_inode *vi;
	int err = lookup(dir, name, &vi);

	if (err)
		return err;
	long r = mnt.ops->read(vi, buf, sizeof(buf), 0);
	vfs_inode_put(vi);
	return r;
}

static struct fat_geom g;
static uint32_t data_first, data_second, sub_first;
static uint64_t data_entry, sub_entry; /* byte offsets of their directory entries */

static void set_fat(uint32_t n, uint32_t v)
{
	for (uint32_t k = 0; k < g.nfats; k++)
		fat_entry_encode(16, n, img + (g.reserved + k * g.fat_sectors) * (uint64_t)g.bps + n * 2, v);
}

static void fresh(void) { memcpy(img, pristine, img_size); }

int main(int argc, char **argv)
{
	FILE *f = argc == 2 ? fopen(argv[1], "rb") : NULL;
	const char *why;

	if (!f) {
		fprintf(stderr, "usage: fat_corrupt IMAGE\n");
		return 2;
	}
	fseek(f, 0, SEEK_END);
	img_size = (size_t)ftell(f);
	rewind(f);
	pristine = malloc(img_size);
	img = malloc(img_size);
	if (fread(pristine, 1, img_size, f) != img_size)
		return 2;
	fclose(f);
	host_log_enabled = 1;

	/* Intact: where things are. */
	fresh();
	CHECK_EQ(fat_parse_bpb(img, 512, img_size, &g, &why), 0);
	CHECK_EQ(g.type, 16);
	CHECK_EQ(mount_copy(), 0);
	struct vfs_inode *vi, *n_vi;
	CHECK_EQ(lookup(NULL, "data.bin", &vi), 0);
	struct fat_node *n = vi->fs_data;
	data_first = n->first;
	data_entry = (uint64_t)g.root_sector * g.bps + n->loc.slot * 32;
	vfs_inode_put(vi);
	CHECK_EQ(lookup(NULL, "sub", &vi), 0);
	n = vi->fs_data;
	sub_first = n->first;
	sub_entry = (uint64_t)g.root_sector * g.bps + n->loc.slot * 32;
	vfs_inode_put(vi);
	CHECK_EQ(read_all(NULL, "data.bin"), 10000);
	CHECK_EQ(read_all("sub", "x.txt"), 6);
	unmount();
	data_second = fat_entry_decode(16, data_first, pristine + g.reserved * g.bps + data_first * 2);
	CHECK(fat_next_kind(&g, data_second) == FAT_NEXT_CLUSTER);

	/* A bad BPB: the mount is refused (the log line names blk0 and the problem). */
	fresh();
	img[11] = 0, img[12] = 0; /* bytes per sector */
	CHECK_EQ(mount_copy(), -EINVAL);
	fresh();
	memset(img + 19, 0, 2);
	memcpy(img + 32, &(uint32_t){(uint32_t)(img_size / 512) * 2}, 4); /* larger than the disk */
	CHECK_EQ(mount_copy(), -EINVAL);
	fresh();
	img[510] = 0; /* no signature */
	host_disk_open_mem(&disk, img, img_size);
	CHECK(!__start_mote_fs_types->probe(&disk.dev));
	CHECK_EQ(mount_copy(), -EINVAL);

	/* A loop in a chain: EIO on that file, the other still reads. */
	fresh();
	set_fat(data_second, data_first);
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all(NULL, "data.bin"), -EIO);
	CHECK_EQ(read_all("sub", "x.txt"), 6);
	unmount();

	/* A size beyond the chain (it ends after one cluster). */
	fresh();
	set_fat(data_first, 0xffff);
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all(NULL, "data.bin"), -EIO);
	unmount();

	/* A free cluster inside the chain. */
	fresh();
	set_fat(data_first, 0);
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all(NULL, "data.bin"), -EIO);
	unmount();

	/* A first cluster out of range. */
	fresh();
	img[data_entry + 26] = 0xf0, img[data_entry + 27] = 0xff;
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all(NULL, "data.bin"), -EIO);
	CHECK_EQ(read_all("sub", "x.txt"), 6);
	unmount();

	/* A directory whose entry has no cluster, or one out of range. */
	fresh();
	img[sub_entry + 26] = 0, img[sub_entry + 27] = 0;
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all("sub", "x.txt"), -EIO);
	CHECK_EQ(read_all(NULL, "data.bin"), 10000);
	unmount();
	fresh();
	img[sub_entry + 26] = 0xf7, img[sub_entry + 27] = 0xff;
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(read_all("sub", "x.txt"), -EIO);
	unmount();

	/* A directory chain that loops on itself: its walk ends (65536 entries at most). */
	fresh();
	set_fat(sub_first, sub_first);
	uint64_t sub_data = ((uint64_t)g.data_sector + (uint64_t)(sub_first - 2) * g.spc) * g.bps;
	for (uint32_t k = 3; k < g.cluster_size / 32; k++) /* fill the cluster: the walk goes on */
		memcpy(img + sub_data + k * 32, img + sub_data + 2 * 32, 32);
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(lookup(NULL, "sub", &vi), 0);
	uint64_t cookie = 0;
	struct vfs_dirent de;
	int r, count = 0;
	while ((r = mnt.ops->readdir(vi, &cookie, &de)) == 1)
		count++;
	CHECK_EQ(r, 0);
	CHECK(count > 0 && count <= FAT_DIR_MAX);
	vfs_inode_put(vi);
	unmount();

	/* Writes on a volume whose chains are damaged still end in an error, not a crash. */
	fresh();
	set_fat(data_second, data_first);
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(lookup(NULL, "data.bin", &vi), 0);
	CHECK_EQ(mnt.ops->write(vi, "x", 1, 50000), -EIO);
	CHECK_EQ(mnt.ops->truncate(vi, 100000), -EIO);
	vfs_inode_put(vi);
	unmount();

	/* An unlinked file that is still open keeps its clusters until its last reference goes:
	 * its data survives a sync and new files written meanwhile. */
	fresh();
	CHECK_EQ(mount_copy(), 0);
	CHECK_EQ(lookup(NULL, "data.bin", &vi), 0);
	CHECK_EQ(mnt.ops->unlink(mnt.root, "data.bin", 8), 0);
	CHECK_EQ(lookup(NULL, "data.bin", &n_vi), -ENOENT);
	CHECK_EQ(mnt.ops->sync(&mnt), 0);
	CHECK_EQ(mnt.ops->create(mnt.root, "other", 5, 0644, &n_vi), 0);
	static uint8_t big[40000], back[10001];
	memset(big, 'o', sizeof(big));
	CHECK_EQ(mnt.ops->write(n_vi, big, sizeof(big), 0), (long)sizeof(big));
	vfs_inode_put(n_vi);
	CHECK_EQ(mnt.ops->read(vi, back, sizeof(back), 0), 10000);
	CHECK(back[0] == 'd' && back[9999] == 'd' && !memcmp(back, back + 1, 9999));
	struct statvfs before, after;
	CHECK_EQ(mnt.ops->statvfs(&mnt, &before), 0);
	vfs_inode_put(vi); /* the last reference: the clusters are freed at the next commit */
	CHECK_EQ(mnt.ops->sync(&mnt), 0);
	CHECK_EQ(mnt.ops->statvfs(&mnt, &after), 0);
	CHECK_EQ(after.f_bfree - before.f_bfree, 5); /* 10000 bytes in 2048-byte clusters */
	/* A removed directory that is still open takes no new entries and lists nothing. */
	CHECK_EQ(mnt.ops->mkdir(mnt.root, "gone", 4, 0755), 0);
	CHECK_EQ(lookup(NULL, "gone", &vi), 0);
	CHECK_EQ(mnt.ops->rmdir(mnt.root, "gone", 4), 0);
	CHECK_EQ(mnt.ops->create(vi, "f", 1, 0644, &n_vi), -ENOENT);
	CHECK_EQ(mnt.ops->mkdir(vi, "f", 1, 0755), -ENOENT);
	cookie = 0;
	CHECK_EQ(mnt.ops->readdir(vi, &cookie, &de), 0);
	vfs_inode_put(vi);
	unmount();

	/* A read-only device (or mount): reads work, every change is EROFS. */
	fresh();
	memset(&mnt, 0, sizeof(mnt));
	host_disk_open_mem(&disk, img, img_size);
	disk.dev.read_only = true;
	mnt.dev = &disk.dev;
	CHECK_EQ(__start_mote_fs_types->mount(&mnt, &disk.dev, NULL, 0), 0);
	CHECK_EQ(read_all(NULL, "data.bin"), 10000);
	CHECK_EQ(mnt.ops->create(mnt.root, "new", 3, 0644, &vi), -EROFS);
	CHECK_EQ(mnt.ops->mkdir(mnt.root, "new", 3, 0755), -EROFS);
	CHECK_EQ(mnt.ops->unlink(mnt.root, "data.bin", 8), -EROFS);
	CHECK_EQ(mnt.ops->rename(mnt.root, "data.bin", 8, mnt.root, "x", 1), -EROFS);
	CHECK_EQ(lookup(NULL, "data.bin", &vi), 0);
	CHECK_EQ(mnt.ops->write(vi, "x", 1, 0), -EROFS);
	CHECK_EQ(mnt.ops->truncate(vi, 0), -EROFS);
	vfs_inode_put(vi);
	struct statvfs sv;
	CHECK_EQ(mnt.ops->statvfs(&mnt, &sv), 0);
	CHECK(sv.f_flag & ST_RDONLY);
	unmount();
	CHECK(!memcmp(img, pristine, img_size)); /* nothing written */
	fresh();
	memset(&mnt, 0, sizeof(mnt));
	host_disk_open_mem(&disk, img, img_size);
	mnt.dev = &disk.dev;
	mnt.flags = VFS_MOUNT_RDONLY;
	CHECK_EQ(__start_mote_fs_types->mount(&mnt, &disk.dev, NULL, 0), 0);
	CHECK_EQ(mnt.ops->mkdir(mnt.root, "new", 3, 0755), -EROFS);
	unmount();
	CHECK(!memcmp(img, pristine, img_size));

	printf("%d passed, %d failed\n", check_passed, check_failed);
	free(pristine);
	free(img);
	return check_failed != 0;
}
