/* SPDX-License-Identifier: MIT */
/* fat_vfs.c: the FAT filesystem's vfs_ops and its table of live inodes (one vfs_inode per
 * file, so two opens see one size). One mutex per mount guards all of it; mounting is in
 * fat_mount.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hal/time.h>
#include <mote/blkdev.h>
#include <mote/log.h>

#include "fat_file.h"

/* The d_type values (as on Linux and the BSDs), for a libc whose dirent.h lacks them. */
#ifndef DT_DIR
#define DT_DIR 4
#define DT_REG 8
#endif

#define FAT_MAX_DEPTH 4096 /* directory levels walked up when checking a rename */

int64_t fat_now(void)
{
	uint64_t ns = hal_clock_wall_ns();
	return ns ? (int64_t)(ns / 1000000000u) : 315532800; /* unknown: FAT's epoch, 1980 */
}

static struct fat_fs *fs_of(struct vfs_inode *vi) { return vi->mnt->fs_data; }
static struct fat_node *node_of(struct vfs_inode *vi) { return vi->fs_data; }
static void fs_lock(struct fat_fs *fs) { mutex_lock(&fs->lock, SYNC_FOREVER); }
static void fs_unlock(struct fat_fs *fs) { mutex_unlock(&fs->lock); }

/* The directory a dir node stands for in fat_dir_* calls (0: the fixed FAT12/16 root). */
static uint32_t dir_id(const struct fat_node *n) { return n->first; }

static int fat_get_cb(void *fs, uint32_t n, uint32_t *v) { return fat_get(fs, n, v); }

#define FAT_LIVE_BUCKETS 1024 /* a power of two */

static unsigned loc_bucket(struct fat_loc loc)
{
	return (unsigned)((loc.dir * 2654435761u) ^ (loc.slot * 40503u)) & (FAT_LIVE_BUCKETS - 1);
}

static unsigned ino_bucket(uint64_t ino)
{
	return (unsigned)((ino * 0x9e3779b97f4a7c15ull) >> 40) & (FAT_LIVE_BUCKETS - 1);
}

static bool ino_taken(struct fat_fs *fs, uint64_t ino)
{
	for (struct fat_node *n = fs->by_ino[ino_bucket(ino)]; n; n = n->ino_next) {
		if (n->vi->ino == ino)
			return true;
	}
	return false;
}

/* An entry's inode number: from its location, so it holds while nothing moves. */
static uint64_t loc_ino(struct fat_loc loc) { return ((uint64_t)loc.dir << 16 | loc.slot) + 2; }

static struct fat_node *live_at(struct fat_fs *fs, struct fat_loc loc)
{
	if (!fs->by_loc)
		return NULL;
	for (struct fat_node *n = fs->by_loc[loc_bucket(loc)]; n; n = n->loc_next) {
		if (!n->unlinked && n->loc.dir == loc.dir && n->loc.slot == loc.slot)
			return n;
	}
	return NULL;
}

static void loc_unhash(struct fat_fs *fs, struct fat_node *n)
{
	for (struct fat_node **p = &fs->by_loc[loc_bucket(n->loc)]; *p; p = &(*p)->loc_next) {
		if (*p == n) {
			*p = n->loc_next;
			return;
		}
	}
}

static void loc_hash(struct fat_fs *fs, struct fat_node *n)
{
	struct fat_node **head = &fs->by_loc[loc_bucket(n->loc)];

	n->loc_next = *head;
	*head = n;
}

/* A live node's entry moved (rename). */
static void node_move(struct fat_fs *fs, struct fat_node *n, struct fat_loc loc)
{
	loc_unhash(fs, n);
	n->loc = loc;
	loc_hash(fs, n);
}

/* The live inode of an entry, with a new reference, made when there is none. */
static int node_get(struct fat_fs *fs, const struct fat_entry_info *e, struct vfs_inode **out)
{
	struct fat_node *n = live_at(fs, e->loc);
	bool dir = e->de.attr & FAT_ATTR_DIR;
	uint32_t first = fat_dirent_cluster(&e->de, fs->g.type);

	if (n) {
		vfs_inode_get(n->vi);
		*out = n->vi;
		return 0;
	}
	/* A directory without a cluster of its own, or one naming the root, would make the tree
	 * loop: the entry is corrupt. */
	if (dir &&
	    (first == 0 || first == fs->g.root_cluster || fat_next_kind(&fs->g, first) != FAT_NEXT_CLUSTER)) {
		FAT_LOG(fs, "directory entry at %u/%u: bad cluster %u", e->loc.dir, e->loc.slot, first);
		return -EIO;
	}
	if (!fs->by_loc) {
		fs->by_loc = calloc(FAT_LIVE_BUCKETS, sizeof(*fs->by_loc));
		fs->by_ino = calloc(FAT_LIVE_BUCKETS, sizeof(*fs->by_ino));
		if (!fs->by_loc || !fs->by_ino) {
			free(fs->by_loc);
			free(fs->by_ino);
			fs->by_loc = fs->by_ino = NULL;
			return -ENOMEM;
		}
	}
	n = calloc(1, sizeof(*n));
	struct vfs_inode *vi = n ? vfs_inode_new(fs->mnt) : NULL;
	if (!vi) {
		free(n);
		return -ENOMEM;
	}
	n->vi = vi;
	n->loc = e->loc;
	n->first = first;
	n->size = dir ? 0 : e->de.size;
	n->attr = e->de.attr;
	n->mtime = fat_time_decode(e->de.mdate, e->de.mtime);
	n->ctime = fat_time_decode(e->de.cdate, e->de.ctime);
	n->atime = fat_time_decode(e->de.adate, 0);
	vi->ino = loc_ino(e->loc);
	if (ino_taken(fs, vi->ino))
		vi->ino = fs->next_ino++;
	vi->mode = dir ? S_IFDIR | 0777 : S_IFREG | (e->de.attr & FAT_ATTR_RO ? 0444 : 0666);
	vi->fs_data = n;
	n->next = fs->nodes;
	if (fs->nodes)
		fs->nodes->pprev = &n->next;
	fs->nodes = n;
	n->pprev = &fs->nodes;
	loc_hash(fs, n);
	struct fat_node **ihead = &fs->by_ino[ino_bucket(vi->ino)];
	n->ino_next = *ihead;
	*ihead = n;
	*out = vi;
	return 0;
}

int fat_node_store(struct fat_fs *fs, struct fat_node *node)
{
	struct fat_dirent de;
	int err;

	if (node->is_root || node->unlinked || fs->read_only) {
		node->dirty = false;
		return 0;
	}
	/* The FAT first: the entry must never point at clusters the disk calls free. */
	if (node->first) {
		err = fat_table_write_back(fs);
		if (err)
			return err;
	}
	err = fat_dirent_read(fs, node->loc, &de);
	if (err)
		return err;
	fat_dirent_set_cluster(&de, node->first);
	if (!(de.attr & FAT_ATTR_DIR))
		de.size = node->size;
	uint32_t m = fat_time_encode(node->mtime);
	de.mdate = (uint16_t)(m >> 16);
	de.mtime = (uint16_t)m;
	de.adate = (uint16_t)(fat_time_encode(node->atime) >> 16);
	if (node->size && !(de.attr & FAT_ATTR_DIR))
		de.attr |= FAT_ATTR_ARCH;
	err = fat_dirent_write(fs, node->loc, &de);
	if (!err)
		node->dirty = false;
	return err;
}

/* A name from the VFS in UCS-2: its length, or -EINVAL for one FAT cannot store. */
static int name_in(const char *name, size_t len, uint16_t *out)
{
	int n = fat_utf8_to_ucs2(name, len, out, FAT_LFN_MAX);
	if (n < 0)
		return n;
	return fat_long_name_valid(out, (size_t)n) ? n : -EINVAL;
}

static int find(struct fat_fs *fs, struct vfs_inode *dir, const char *name, size_t len,
                struct fat_entry_info *e)
{
	uint16_t u[FAT_LFN_MAX];
	int n = name_in(name, len, u);

	if (n < 0)
		return n == -EINVAL ? -ENOENT : n;
	/* A removed directory still open somewhere is empty; its cluster may be reused. */
	if (node_of(dir)->unlinked)
		return -ENOENT;
	return fat_dir_find(fs, dir_id(node_of(dir)), u, (size_t)n, e);
}

static int fat_lookup(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode **out)
{
	struct fat_fs *fs = fs_of(dir);
	struct fat_entry_info *e = malloc(sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	fs_lock(fs);
	err = find(fs, dir, name, len, e);
	if (!err)
		err = node_get(fs, e, out);
	fs_unlock(fs);
	free(e);
	return err;
}

static void new_dirent(struct fat_dirent *de, uint8_t attr, uint32_t clus)
{
	int64_t now = fat_now();

	memset(de, 0, sizeof(*de));
	de->attr = attr;
	uint32_t t = fat_time_encode(now);

	de->cdate = (uint16_t)(t >> 16);
	de->ctime = (uint16_t)t;
	de->mdate = de->cdate;
	de->mtime = de->ctime;
	de->adate = de->cdate;
	fat_dirent_set_cluster(de, clus);
}

/* Add an entry named `name` to dir: its info (location and entry) in *e. */
static int add_entry(struct fat_fs *fs, struct vfs_inode *dir, const char *name, size_t len,
                     struct fat_entry_info *e)
{
	uint16_t u[FAT_LFN_MAX];
	int n = name_in(name, len, u);

	if (n < 0)
		return n;
	if (fs->read_only)
		return -EROFS;
	if (node_of(dir)->unlinked)
		return -ENOENT; /* POSIX: no new entries in a removed directory */
	int err = fat_dir_add(fs, dir_id(node_of(dir)), u, (size_t)n, &e->de, &e->loc);
	e->lfn_slot = e->loc.slot;
	return err;
}

static int fat_create(struct vfs_inode *dir, const char *name, size_t len, mode_t mode,
                      struct vfs_inode **out)
{
	struct fat_fs *fs = fs_of(dir);
	struct fat_entry_info *e = malloc(sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	new_dirent(&e->de, FAT_ATTR_ARCH | (mode & 0222 ? 0 : FAT_ATTR_RO), 0);
	fs_lock(fs);
	err = add_entry(fs, dir, name, len, e);
	if (!err)
		err = node_get(fs, e, out);
	fs_unlock(fs);
	free(e);
	return err;
}

static int fat_mkdir(struct vfs_inode *dir, const char *name, size_t len, mode_t mode)
{
	struct fat_fs *fs = fs_of(dir);
	struct fat_entry_info *e = malloc(sizeof(*e));
	uint32_t clus, parent = dir_id(node_of(dir));
	int err;

	if (!e)
		return -ENOMEM;
	fs_lock(fs);
	err = fs->read_only ? -EROFS : fat_alloc(fs, 0, false, &clus);
	if (err)
		goto out;
	fat_dir_forget(fs, clus); /* an index of a directory that had this cluster before */
	/* The new directory's first cluster, "." and ".." (0 for the root, as the spec says, also
	 * on FAT32) and zeros after them, goes to the device whole, and the FAT after it, before
	 * an entry names it: a crash leaves a lost cluster at worst, never a directory without
	 * its dots. */
	uint8_t *block = calloc(1, fs->g.cluster_size);
	if (!block) {
		err = -ENOMEM;
		fat_free_later(fs, clus);
		goto out;
	}
	struct fat_dirent *dots = (struct fat_dirent *)block;
	new_dirent(&dots[0], FAT_ATTR_DIR, clus);
	memcpy(dots[0].name, ".          ", 11);
	new_dirent(&dots[1], FAT_ATTR_DIR, parent == fs->g.root_cluster ? 0 : parent);
	memcpy(dots[1].name, "..         ", 11);
	err = bcache_write_direct(fs->bc, fat_clus_sector(fs, clus), fs->g.spc, block);
	free(block);
	if (!err)
		err = fat_table_write_back(fs);
	new_dirent(&e->de, FAT_ATTR_DIR, clus);
	if (!err)
		err = add_entry(fs, dir, name, len, e);
	if (err)
		fat_free_later(fs, clus);
out:
	fs_unlock(fs);
	free(e);
	return err;
}

/* Drop an entry's data: now, or when its live inode goes. */
static int drop_entry(struct fat_fs *fs, const struct fat_entry_info *e)
{
	struct fat_node *n = live_at(fs, e->loc);

	if (n) {
		n->unlinked = true; /* release frees the chain */
		return 0;
	}
	if (fs->walk_dir == fat_dirent_cluster(&e->de, fs->g.type))
		fs->walk_dir = 0;
	if (e->de.attr & FAT_ATTR_DIR)
		fat_dir_forget(fs, fat_dirent_cluster(&e->de, fs->g.type));
	return fat_free_later(fs, fat_dirent_cluster(&e->de, fs->g.type));
}

static int remove_common(struct vfs_inode *dir, const char *name, size_t len, bool want_dir)
{
	struct fat_fs *fs = fs_of(dir);
	struct fat_entry_info *e = malloc(sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	fs_lock(fs);
	err = fs->read_only ? -EROFS : find(fs, dir, name, len, e);
	if (err)
		goto out;
	bool is_dir = e->de.attr & FAT_ATTR_DIR;
	if (is_dir != want_dir) {
		err = want_dir ? -ENOTDIR : -EISDIR;
		goto out;
	}
	if (is_dir) {
		uint32_t c = fat_dirent_cluster(&e->de, fs->g.type);
		err = fat_next_kind(&fs->g, c) == FAT_NEXT_CLUSTER ? fat_dir_nonempty(fs, c) : -EIO;
		if (err)
			goto out;
	}
	err = fat_dir_remove(fs, e);
	if (!err)
		err = drop_entry(fs, e);
out:
	fs_unlock(fs);
	free(e);
	return err == 1 ? -ENOTEMPTY : err;
}

static int fat_unlink(struct vfs_inode *dir, const char *name, size_t len)
{
	return remove_common(dir, name, len, false);
}

static int fat_rmdir(struct vfs_inode *dir, const char *name, size_t len)
{
	return remove_common(dir, name, len, true);
}

/* Whether directory `anc` is `dir` or one of its ancestors (walking "..": bounded, so a
 * corrupt loop ends). */
static int is_ancestor(struct fat_fs *fs, uint32_t anc, uint32_t dir)
{
	for (int depth = 0; depth < FAT_MAX_DEPTH; depth++) {
		struct fat_dirent de;
		if (dir == anc)
			return 1;
		if (dir == 0 || dir == fs->g.root_cluster)
			return 0;
		int err = fat_dirent_read(fs, (struct fat_loc){dir, 1}, &de);
		if (err)
			return err;
		dir = fat_dirent_cluster(&de, fs->g.type);
		if (dir == 0)
			dir = fs->g.type == 32 ? fs->g.root_cluster : 0;
	}
	return -EIO;
}

/* Point directory clus's ".." at parent, on the device when this returns. */
static int set_dotdot(struct fat_fs *fs, uint32_t clus, uint32_t parent)
{
	struct fat_dirent dd;
	struct fat_loc loc = {clus, 1};
	int err = fat_dirent_read(fs, loc, &dd);

	if (err)
		return err;
	fat_dirent_set_cluster(&dd, parent == fs->g.root_cluster ? 0 : parent);
	err = fat_dirent_write(fs, loc, &dd);
	return err ? err : fat_dirent_write_back(fs, loc);
}

static int do_rename(struct fat_fs *fs, struct vfs_inode *odir, const char *oname, size_t olen,
                     struct vfs_inode *ndir, const char *nname, size_t nlen, struct fat_entry_info *s,
                     struct fat_entry_info *t)
{
	uint32_t nd = dir_id(node_of(ndir));
	int err = node_of(ndir)->unlinked ? -ENOENT : find(fs, odir, oname, olen, s);

	if (err)
		return err;
	bool is_dir = s->de.attr & FAT_ATTR_DIR;
	uint32_t sclus = fat_dirent_cluster(&s->de, fs->g.type);
	if (is_dir) {
		err = is_ancestor(fs, sclus, nd);
		if (err)
			return err == 1 ? -EINVAL : err;
	}
	err = find(fs, ndir, nname, nlen, t);
	bool replace = !err && !(t->loc.dir == s->loc.dir && t->loc.slot == s->loc.slot);
	if (err && err != -ENOENT)
		return err;
	if (replace) {
		bool tdir = t->de.attr & FAT_ATTR_DIR;
		if (is_dir && !tdir)
			return -ENOTDIR;
		if (!is_dir && tdir)
			return -EISDIR;
		if (tdir) {
			err = fat_dir_nonempty(fs, fat_dirent_cluster(&t->de, fs->g.type));
			if (err)
				return err == 1 ? -ENOTEMPTY : err;
		}
	}
	/* The moved entry carries the live inode's size and chain, whose FAT goes first. */
	struct fat_node *live = live_at(fs, s->loc);
	struct fat_dirent de = s->de;
	if (live) {
		fat_dirent_set_cluster(&de, live->first);
		de.size = is_dir ? 0 : live->size;
		uint32_t m = fat_time_encode(live->mtime);
		de.mdate = (uint16_t)(m >> 16);
		de.mtime = (uint16_t)m;
	}
	err = fat_table_write_back(fs);
	if (err)
		return err;
	/* Old entries out (and on the device) before the new one is in: a crash between leaves a
	 * lost chain, never two entries sharing one or two of one name. A moved directory's ".."
	 * changes while no entry names it, so no parent on the device disagrees with it. */
	err = fat_dir_remove(fs, s);
	if (!err && replace) {
		err = fat_dir_remove(fs, t);
		if (!err)
			err = drop_entry(fs, t);
	}
	if (!err)
		err = bcache_write_back(fs->bc, 0, bcache_blocks(fs->bc));
	bool moved_dir = is_dir && s->loc.dir != nd;
	if (!err && moved_dir)
		err = set_dotdot(fs, sclus, nd);
	if (err)
		return err;
	uint16_t u[FAT_LFN_MAX];
	int n = name_in(nname, nlen, u);
	struct fat_loc loc;
	err = n < 0 ? n : fat_dir_add(fs, nd, u, (size_t)n, &de, &loc);
	if (err) {
		/* Put it back where it was (its slots are free again). */
		uint16_t ou[FAT_LFN_MAX];
		int on = name_in(oname, olen, ou);
		if (on > 0 && fat_dir_add(fs, s->loc.dir, ou, (size_t)on, &de, &loc) == 0) {
			if (live)
				node_move(fs, live, loc);
			if (moved_dir)
				set_dotdot(fs, sclus, s->loc.dir);
		}
		return err;
	}
	if (live) {
		node_move(fs, live, loc);
		live->dirty = false;
	}
	return 0;
}

static int fat_rename(struct vfs_inode *odir, const char *oname, size_t olen, struct vfs_inode *ndir,
                      const char *nname, size_t nlen)
{
	struct fat_fs *fs = fs_of(odir);
	struct fat_entry_info *e = malloc(2 * sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	fs_lock(fs);
	err = fs->read_only ? -EROFS : do_rename(fs, odir, oname, olen, ndir, nname, nlen, e, e + 1);
	fs_unlock(fs);
	free(e);
	return err;
}

static int fat_readdir(struct vfs_inode *dir, uint64_t *cookie, struct vfs_dirent *out)
{
	struct fat_fs *fs = fs_of(dir);
	struct fat_entry_info *e = malloc(sizeof(*e));
	int err;

	if (!e)
		return -ENOMEM;
	fs_lock(fs);
	for (err = node_of(dir)->unlinked ? -ENOENT : 0; !err;) {
		uint32_t slot = *cookie > FAT_DIR_MAX ? FAT_DIR_MAX : (uint32_t)*cookie;
		err = fat_dir_next(fs, dir_id(node_of(dir)), &slot, e);
		if (err)
			break;
		*cookie = slot;
		if (fat_ucs2_to_utf8(e->name, e->name_len, out->name, sizeof(out->name)) < 0) {
			/* A long name that is not valid UCS-2: show the short one. */
			uint16_t sn[12];
			size_t sl = fat_short_display(e->de.name, e->de.nt_case, sn);
			if (fat_ucs2_to_utf8(sn, sl, out->name, sizeof(out->name)) < 0)
				continue;
		}
		struct fat_node *n = live_at(fs, e->loc);
		out->ino = n ? n->vi->ino : loc_ino(e->loc);
		out->type = e->de.attr & FAT_ATTR_DIR ? DT_DIR : DT_REG;
		err = 1;
		break;
	}
	fs_unlock(fs);
	free(e);
	return err == -ENOENT ? 0 : err;
}

static ssize_t fat_read(struct vfs_inode *vi, void *buf, size_t len, uint64_t off)
{
	struct fat_fs *fs = fs_of(vi);
	ssize_t r;

	if (S_ISDIR(vi->mode))
		return -EISDIR;
	fs_lock(fs);
	r = fat_file_read(fs, node_of(vi), buf, len, off);
	fs_unlock(fs);
	return r;
}

static ssize_t fat_write(struct vfs_inode *vi, const void *buf, size_t len, uint64_t off)
{
	struct fat_fs *fs = fs_of(vi);
	ssize_t r;

	if (S_ISDIR(vi->mode))
		return -EISDIR;
	fs_lock(fs);
	r = fs->read_only ? -EROFS : fat_file_write(fs, node_of(vi), buf, len, off);
	fs_unlock(fs);
	return r;
}

static int fat_truncate(struct vfs_inode *vi, uint64_t size)
{
	struct fat_fs *fs = fs_of(vi);
	int err;

	if (S_ISDIR(vi->mode))
		return -EISDIR;
	fs_lock(fs);
	err = fs->read_only ? -EROFS : fat_file_truncate(fs, node_of(vi), size);
	fs_unlock(fs);
	return err;
}

static int fat_getattr(struct vfs_inode *vi, struct stat *st)
{
	struct fat_fs *fs = fs_of(vi);
	struct fat_node *n = node_of(vi);
	uint64_t size = n->size;
	int err = 0;

	fs_lock(fs);
	if (S_ISDIR(vi->mode)) {
		uint32_t len = 0;
		if (n->first)
			err = fat_chain_length(&fs->g, n->first, fat_get_cb, fs, &len);
		else
			len = fs->g.root_sectors / fs->g.spc + 1;
		size = (uint64_t)len * fs->g.cluster_size;
	}
	memset(st, 0, sizeof(*st));
	st->st_ino = vi->ino;
	st->st_mode = vi->mode;
	st->st_nlink = S_ISDIR(vi->mode) ? 2 : 1;
	st->st_size = (off_t)size;
	st->st_blksize = fs->g.cluster_size;
	st->st_blocks = (blkcnt_t)(((size + fs->g.cluster_size - 1) / fs->g.cluster_size) *
	                           (fs->g.cluster_size / 512));
	st->st_mtime = n->mtime;
	st->st_atime = n->atime;
	st->st_ctime = n->mtime;
	fs_unlock(fs);
	return err;
}

static int fat_set_times(struct vfs_inode *vi, const struct timespec *atime, const struct timespec *mtime)
{
	struct fat_fs *fs = fs_of(vi);
	struct fat_node *n = node_of(vi);

	fs_lock(fs);
	if (fs->read_only) {
		fs_unlock(fs);
		return -EROFS;
	}
	if (atime)
		n->atime = atime->tv_sec;
	if (mtime)
		n->mtime = mtime->tv_sec;
	n->dirty = !n->is_root;
	fs_unlock(fs);
	return 0;
}

static int fat_fsync(struct vfs_inode *vi, bool data_only)
{
	struct fat_fs *fs = fs_of(vi);
	struct fat_node *n = node_of(vi);
	int err = 0;

	(void)data_only; /* the size is metadata fdatasync must keep too: one path */
	fs_lock(fs);
	if (!fs->read_only) {
		/* The file's entry may name new clusters only once the FAT that allocates them is
		 * on the device, and a larger size only once the data under it is. So when the
		 * entry changes, everything dirty but that entry goes first, in one batch (the
		 * file's data, the FAT copies, FSInfo, other blocks), then the entry. Then the
		 * device's flush, after which the file's data and size are on stable storage. */
		if (n->dirty)
			err = fat_write_back_all(fs);
		if (!err && n->dirty)
			err = fat_node_store(fs, n);
		if (!err)
			err = fat_write_back_all(fs);
		if (!err)
			err = bcache_flush(fs->bc);
	}
	fs_unlock(fs);
	return err;
}

static void fat_release(struct vfs_inode *vi)
{
	struct fat_node *n = node_of(vi);

	if (!n)
		return; /* the root after unmount */
	struct fat_fs *fs = fs_of(vi);
	fs_lock(fs);
	if (n->unlinked)
		fat_free_later(fs, n->first);
	else if (n->dirty)
		fat_node_store(fs, n);
	*n->pprev = n->next;
	if (n->next)
		n->next->pprev = n->pprev;
	if (!n->is_root) {
		loc_unhash(fs, n);
		for (struct fat_node **p = &fs->by_ino[ino_bucket(vi->ino)]; *p; p = &(*p)->ino_next) {
			if (*p == n) {
				*p = n->ino_next;
				break;
			}
		}
	}
	vi->fs_data = NULL;
	fs_unlock(fs);
	free(n);
}

static int fat_statvfs(struct vfs_mount *mnt, struct statvfs *st)
{
	struct fat_fs *fs = mnt->fs_data;

	memset(st, 0, sizeof(*st));
	fs_lock(fs);
	st->f_bsize = st->f_frsize = fs->g.cluster_size;
	st->f_blocks = fs->g.clusters;
	st->f_bfree = st->f_bavail = fs->free_count;
	st->f_namemax = FAT_LFN_MAX;
	st->f_flag = fs->read_only ? ST_RDONLY : 0;
	fs_unlock(fs);
	return 0;
}

static int fat_sync(struct vfs_mount *mnt)
{
	struct fat_fs *fs = mnt->fs_data;
	int err;

	fs_lock(fs);
	err = fat_commit(fs);
	fs_unlock(fs);
	return err;
}

static int fat_unmount(struct vfs_mount *mnt)
{
	struct fat_fs *fs = mnt->fs_data;
	int err;

	fs_lock(fs);
	/* Twice: the first commit frees the pending chains, the second writes those frees. */
	err = fat_commit(fs);
	if (!err && !fs->read_only)
		err = fat_commit(fs);
	int cerr = bcache_close(fs->bc);
	if (!err)
		err = cerr;
	/* Whatever is still live (the root) no longer has a filesystem behind it. */
	for (struct fat_node *n = fs->nodes, *next; n; n = next) {
		next = n->next;
		n->vi->fs_data = NULL;
		free(n);
	}
	fs->nodes = NULL;
	fs_unlock(fs);
	mnt->fs_data = NULL;
	fat_fs_free(fs);
	return err;
}

const struct vfs_ops fat_vfs_ops = {
        .lookup = fat_lookup,
        .create = fat_create,
        .mkdir = fat_mkdir,
        .unlink = fat_unlink,
        .rmdir = fat_rmdir,
        .rename = fat_rename,
        .readdir = fat_readdir,
        .read = fat_read,
        .write = fat_write,
        .truncate = fat_truncate,
        .getattr = fat_getattr,
        .set_times = fat_set_times,
        .fsync = fat_fsync,
        .release = fat_release,
        .statvfs = fat_statvfs,
        .sync = fat_sync,
        .unmount = fat_unmount,
};
