/* SPDX-License-Identifier: MIT */
/* vfs_dcache.h: the VFS's name cache: (directory inode, name) -> the child inode a
 * filesystem's lookup returned, so a path walk does not ask the filesystem again. */
#ifndef VFS_DCACHE_H
#define VFS_DCACHE_H

#include <stddef.h>

#include <mote/vfs.h>

/* The dcache rule (docs/fs.md, "The concurrency rule"): entries naming a mount's inodes are
 * added and dropped only while that mount's ns_lock is held (or, in vfs_umount, while no path
 * call runs), so under ns_lock the cache agrees with the filesystem: a cached (dir, name)
 * names what the filesystem's lookup would return. vfs_dcache_lookup needs no ns_lock. The
 * cache's own lock is innermost: never held across a filesystem call or a last
 * vfs_inode_put. Each entry holds a reference on its directory and on its child, so neither
 * goes (nor is its address reused) while cached; the cache holds at most a number of entries
 * sized from RAM at first use, dropping the least recently used. Only positive lookups are
 * cached (no "absent" entries), so creating a name needs no invalidation. */

/* The cached child `name` of dir, with a new reference; NULL when not cached. */
struct vfs_inode *vfs_dcache_lookup(struct vfs_inode *dir, const char *name, size_t len);
/* Remember (dir, name) -> child (the cache takes references of its own). Caller holds
 * dir->mnt->ns_lock. Without memory, nothing is cached. */
void vfs_dcache_add(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode *child);
/* Forget every entry naming node and every entry under it (node removed or replaced). Caller
 * holds node->mnt->ns_lock. */
void vfs_dcache_drop_node(struct vfs_inode *node);
/* Forget every entry under dir (a name in dir was removed or renamed). Caller holds
 * dir->mnt->ns_lock. */
void vfs_dcache_drop_dir(struct vfs_inode *dir);
/* Forget every entry of mnt (umount, with no path call running). */
void vfs_dcache_drop_mount(struct vfs_mount *mnt);
/* Entries cached now, and the most there may be (for tests). */
size_t vfs_dcache_count(void);
size_t vfs_dcache_capacity(void);

#endif
