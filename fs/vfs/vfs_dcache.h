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
 * sized from RAM at first use, dropping the least recently used.
 *
 * Absent names are cached too (negative entries, child NULL: SQLite stat()s its absent journal
 * before every read transaction). So every call that creates a name in a directory (create,
 * mkdir, symlink) calls vfs_dcache_drop_absent under ns_lock, and rename drops the target
 * directory's entries. Each entry carries the mount table's generation (vfs_mount_gen) read
 * before the walk checked the mount table for that path; a mount or umount bumps it, so an
 * entry older than the table is a miss, and a current one may be trusted without looking at
 * the mount table (no mount point at that path; for an absent name, none below it either).
 * An entry may name the root of the mount whose point is (dir, name): the walk's answer. */

/* A generation no mount table has: entries added with it are never current (vfs_dcache_find
 * misses them) but vfs_dcache_lookup still sees them. */
#define VFS_DCACHE_GEN_NONE 0u

/* The cached child `name` of dir, with a new reference; NULL when not cached, cached as
 * absent, or cached as a mount's root (a mount point in dir). Any generation. */
struct vfs_inode *vfs_dcache_lookup(struct vfs_inode *dir, const char *name, size_t len);
/* A current entry (added with generation gen): 0 with *out referenced, -ENOENT when the name
 * is cached as absent, 1 when there is no current entry. */
int vfs_dcache_find(struct vfs_inode *dir, const char *name, size_t len, unsigned gen,
                    struct vfs_inode **out);
/* Remember (dir, name) -> child (child NULL: the name is absent), replacing any entry for it
 * (the cache takes references of its own). gen: the mount table's generation read before the
 * mount table was checked for this path, or VFS_DCACHE_GEN_NONE. Caller holds
 * dir->mnt->ns_lock. Without memory, nothing is cached (and no old entry is left). */
void vfs_dcache_add(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode *child,
                    unsigned gen);
/* Forget every absent name cached under dir (a name is being created there: on a
 * case-insensitive filesystem it may be another spelling of one cached as absent). Caller
 * holds dir->mnt->ns_lock. */
void vfs_dcache_drop_absent(struct vfs_inode *dir);
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
