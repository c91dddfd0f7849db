/* SPDX-License-Identifier: MIT */
/* fat_fs.h: the FAT filesystem's shared state between its files: the mounted volume, the
 * live inodes, and the calls fat_table.c (the allocation table), fat_dir.c (directories) and
 * fat_vfs.c (the VFS operations) make of one another. Callers hold fs->lock throughout. */
#ifndef FS_FAT_FS_H
#define FS_FAT_FS_H

#include <mote/bcache.h>
#include <mote/sync.h>
#include <mote/vfs.h>

#include "fat_format.h"

/* Where a file's short directory entry is: the directory's first cluster (0 for the fixed
 * FAT12/16 root) and the entry's index in it. */
struct fat_loc {
	uint32_t dir;
	uint32_t slot;
};

/* The filesystem's state for one live inode. The size, first cluster and times are the
 * truth while the inode lives; the directory entry is brought up to date (fat_node_store)
 * only after the FAT it points into is written back, so a crash never leaves an entry
 * pointing at clusters the disk's FAT calls free. */
struct fat_node {
	struct vfs_inode *vi;
	struct fat_node *next, **pprev;       /* the mount's list of live nodes */
	struct fat_node *loc_next, *ino_next; /* hash chains by location and by inode number
	                                       * (every live node but the root) */
	struct fat_loc loc;                   /* unused for the root and once unlinked */
	uint32_t first;                       /* first cluster, 0 for an empty file (and the FAT12/16 root) */
	uint32_t size;
	uint8_t attr;
	bool is_root, unlinked, dirty;
	bool chain_ok;               /* the chain was walked to its end once: no loop, long enough for size */
	int64_t mtime, atime, ctime; /* seconds since 1970 */
	uint32_t hint_index, hint_clus; /* a cluster of the chain and its index: walks start here */
};

struct fat_index;
#define FAT_INDEX_CACHED 8 /* directory indexes kept per mount */

struct fat_fs {
	struct vfs_mount *mnt;
	struct blkdev *dev;
	struct bcache *bc;
	struct fat_geom g;
	struct mutex lock;
	bool read_only;
	const char *devname;
	uint32_t free_count, next_free; /* FSInfo's two numbers, kept exact */
	struct fat_node *nodes;
	/* The live nodes hashed (FAT_LIVE_BUCKETS each, made at the first node): the VFS's name
	 * cache keeps thousands of inodes live, so finding one must not walk them all. */
	struct fat_node **by_loc, **by_ino;
	uint64_t next_ino; /* for inodes whose location number is taken */
	uint32_t *pending; /* chains freed but not yet marked free (fat_commit) */
	size_t npending, pending_cap;
	uint8_t *zero; /* one zeroed cluster */
	/* FAT sectors changed since the last fat_table_write_back (one bit per sector of a FAT,
	 * standing for that sector in every copy). */
	uint64_t *fat_dirty;
	/* One remembered position of a directory walk (fat_dir_slot). */
	uint32_t walk_dir, walk_index, walk_clus;
	/* Indexes of the directories used last (fat_dir.c, fat_index.h). */
	struct fat_index *dix[FAT_INDEX_CACHED];
	uint64_t dix_clock;
};

#define FAT_INO_SPARE (1ull << 48) /* inode numbers used when a location's number is taken */

#define FAT_LOG(fs, fmt, ...) log_err("fat: %s: " fmt, (fs)->devname, ##__VA_ARGS__)

/* fat_table.c: the allocation table (every FAT copy written), free space, FSInfo. */
int fat_get(struct fat_fs *fs, uint32_t n, uint32_t *v);
int fat_set(struct fat_fs *fs, uint32_t n, uint32_t v);
/* A free cluster, marked end-of-chain and linked after `prev` (0: none), zeroed on the disk
 * when zero is true. -ENOSPC when the volume is full. */
int fat_alloc(struct fat_fs *fs, uint32_t prev, bool zero, uint32_t *out);
/* Free the chain from `first` once the directory entries that dropped it are on the disk
 * (fat_commit); until then its clusters stay allocated. */
int fat_free_later(struct fat_fs *fs, uint32_t first);
/* Write back the FAT copies and FSInfo (no flush). */
int fat_table_write_back(struct fat_fs *fs);
/* Write back every dirty block (data, directories, FAT copies, FSInfo) in one batch of
 * requests in flight, no flush. Safe in any order for the reasons in docs/fat.md. */
int fat_write_back_all(struct fat_fs *fs);
/* Make every change durable: FAT, then directory entries of live nodes, then the device flush;
 * then mark the pending chains free. */
int fat_commit(struct fat_fs *fs);
int fat_count_free(struct fat_fs *fs);
/* The n-th cluster (0-based) of a chain starting at first, using and updating the node's hint
 * when node is not NULL: 0, -EIO for a chain that ends early or is corrupt. *end set when the
 * chain ends before n (then *out is the last cluster). */
int fat_chain_at(struct fat_fs *fs, struct fat_node *node, uint32_t first, uint32_t n, uint32_t *out,
                 bool *end);
uint64_t fat_clus_sector(const struct fat_fs *fs, uint32_t clus);

/* fat_dir.c: directories. */
struct fat_entry_info {
	struct fat_loc loc; /* of the short entry */
	uint32_t lfn_slot;  /* first slot of the entry's run (its long-name entries) */
	struct fat_dirent de;
	uint16_t name[FAT_LFN_MAX];
	size_t name_len;
};
/* The slot's bytes, pinned, in *buf at *off: 0, -ENOENT past the directory's end, -EIO. */
int fat_dir_slot(struct fat_fs *fs, uint32_t dir, uint32_t slot, struct bcache_buf **buf, uint32_t *off);
/* The next entry at or after *slot (dots and volume labels skipped): 0 and *slot past it,
 * -ENOENT at the end. */
int fat_dir_next(struct fat_fs *fs, uint32_t dir, uint32_t *slot, struct fat_entry_info *out);
int fat_dir_find(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len,
                 struct fat_entry_info *out);
/* Add an entry (with long-name entries as the name needs) for de (whose name is filled in
 * here) in dir: its location in *loc. */
int fat_dir_add(struct fat_fs *fs, uint32_t dir, const uint16_t *name, size_t len, struct fat_dirent *de,
                struct fat_loc *loc);
/* Mark the entry run [lfn_slot, loc.slot] deleted. */
int fat_dir_remove(struct fat_fs *fs, const struct fat_entry_info *e);
/* Forget dir's index (the directory is gone, or its cluster is about to be reused), or
 * every index (unmount). */
void fat_dir_forget(struct fat_fs *fs, uint32_t dir);
void fat_dir_forget_all(struct fat_fs *fs);
/* Whether dir has entries besides "." and "..": 0 empty, 1 not, or an error. */
int fat_dir_nonempty(struct fat_fs *fs, uint32_t dir);
int fat_dirent_read(struct fat_fs *fs, struct fat_loc loc, struct fat_dirent *de);
int fat_dirent_write(struct fat_fs *fs, struct fat_loc loc, const struct fat_dirent *de);
/* Write the block holding the entry at loc to the device (no flush). */
int fat_dirent_write_back(struct fat_fs *fs, struct fat_loc loc);
/* Clusters a directory's chain may have before it counts as corrupt. */
uint32_t fat_dir_max_clusters(const struct fat_fs *fs);

/* fat_mount.c */
void fat_fs_free(struct fat_fs *fs);

/* fat_vfs.c */
extern const struct vfs_ops fat_vfs_ops;
/* Bring a live node's directory entry up to date (the FAT written back first). */
int fat_node_store(struct fat_fs *fs, struct fat_node *node);
int64_t fat_now(void);

#endif
