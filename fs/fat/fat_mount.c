/* SPDX-License-Identifier: MIT */
/* fat_mount.c: the "fat" filesystem type: probe and mount (the BPB checked, the free count
 * from FSInfo or a scan of the FAT, the root inode), refusing a corrupt volume with a log
 * line naming the device and the problem. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/blkdev.h>
#include <mote/log.h>

#include "fat_fs.h"

static int fat_get_cb(void *fs, uint32_t n, uint32_t *v) { return fat_get(fs, n, v); }

void fat_fs_free(struct fat_fs *fs)
{
	fat_dir_forget_all(fs);
	free(fs->pending);
	free(fs->zero);
	free(fs->fat_dirty);
	free(fs->by_loc);
	free(fs->by_ino);
	free(fs);
}

/* Read and check the boot sector of dev: 0 with g filled in, or -EINVAL/-EIO with *why. */
static int read_bpb(struct blkdev *dev, struct fat_geom *g, const char **why)
{
	struct bcache *bc = bcache_open(dev, dev->sector_size);
	struct bcache_buf *b;
	int err;

	if (!bc) {
		*why = "no memory for the cache";
		return -ENOMEM;
	}
	err = bcache_get(bc, 0, &b);
	if (err) {
		*why = "cannot read the boot sector";
	} else {
		err = fat_parse_bpb(b->data, dev->sector_size, dev->sectors * dev->sector_size, g, why);
		bcache_put(bc, b);
	}
	bcache_close(bc);
	if (!err && (g->bps < dev->sector_size || g->bps % dev->sector_size)) {
		*why = "sector size smaller than the device's";
		err = -EINVAL;
	}
	return err;
}

static bool fat_probe(struct blkdev *dev)
{
	struct fat_geom g;
	const char *why;
	return read_bpb(dev, &g, &why) == 0;
}

static void load_fsinfo(struct fat_fs *fs)
{
	struct bcache_buf *b;

	if (fs->g.fsinfo_sector && bcache_get(fs->bc, fs->g.fsinfo_sector, &b) == 0) {
		if (fat_le32(b->data) == 0x41615252 && fat_le32(b->data + 484) == 0x61417272) {
			uint32_t fc = fat_le32(b->data + 488), nf = fat_le32(b->data + 492);
			if (fc <= fs->g.clusters) /* 0xffffffff: unknown */
				fs->free_count = fc;
			fs->next_free = nf;
		}
		bcache_put(fs->bc, b);
	}
}

static int fat_mount(struct vfs_mount *mnt, struct blkdev *dev, const void *data, size_t data_len)
{
	struct fat_fs *fs;
	const char *why = NULL;
	int err;

	(void)data, (void)data_len;
	if (!dev)
		return -ENODEV;
	fs = calloc(1, sizeof(*fs));
	if (!fs)
		return -ENOMEM;
	fs->dev = dev;
	fs->devname = dev->name;
	fs->mnt = mnt;
	fs->next_ino = FAT_INO_SPARE;
	fs->free_count = UINT32_MAX;
	mutex_init(&fs->lock, true); /* recursive: an op may drop the last reference of a node */
	err = read_bpb(dev, &fs->g, &why);
	if (err)
		goto bad;
	fs->zero = calloc(1, fs->g.cluster_size);
	fs->fat_dirty = calloc((fs->g.fat_sectors + 63) / 64 + 1, sizeof(uint64_t));
	fs->bc = bcache_open(dev, fs->g.bps);
	if (!fs->zero || !fs->fat_dirty || !fs->bc) {
		why = "no memory";
		err = -ENOMEM;
		goto bad;
	}
	fs->read_only = bcache_read_only(fs->bc) || (mnt->flags & VFS_MOUNT_RDONLY);
	if (fs->g.type == 32) {
		uint32_t len;
		err = fat_chain_length(&fs->g, fs->g.root_cluster, fat_get_cb, fs, &len);
		if (err) {
			why = "root directory chain broken";
			goto bad;
		}
		load_fsinfo(fs);
	}
	if (fs->free_count == UINT32_MAX && (err = fat_count_free(fs))) {
		why = "cannot read the FAT";
		goto bad;
	}
	struct fat_node *root = calloc(1, sizeof(*root));
	struct vfs_inode *vi = root ? vfs_inode_new(mnt) : NULL;
	if (!vi) {
		free(root);
		why = "no memory";
		err = -ENOMEM;
		goto bad;
	}
	root->vi = vi;
	root->is_root = true;
	root->first = fs->g.type == 32 ? fs->g.root_cluster : 0;
	root->attr = FAT_ATTR_DIR;
	root->mtime = root->atime = root->ctime = 315532800;
	vi->ino = 1;
	vi->mode = S_IFDIR | 0777;
	vi->fs_data = root;
	fs->nodes = root;
	root->pprev = &fs->nodes;
	mnt->ops = &fat_vfs_ops;
	mnt->root = vi;
	mnt->fs_data = fs;
	mnt->fstype = "fat";
	log_info("fat: %s: FAT%d, %u clusters of %u bytes, %u free%s", fs->devname, fs->g.type,
	         fs->g.clusters, fs->g.cluster_size, fs->free_count, fs->read_only ? ", read-only" : "");
	return 0;
bad:
	log_err("fat: %s: not mounted: %s", dev->name, why ? why : "error");
	if (fs->bc)
		bcache_close(fs->bc);
	fat_fs_free(fs);
	return err == -ENOMEM ? err : err == -EIO ? -EIO : -EINVAL;
}

FS_TYPE(fat, "fat", fat_probe, fat_mount);
