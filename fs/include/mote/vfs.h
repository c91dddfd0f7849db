/* SPDX-License-Identifier: MIT */
/* mote/vfs.h: the contract between the VFS (fs/vfs*.c) and each filesystem (ramfs, initrd,
 * FAT): a filesystem type registers with FS_TYPE(); a mounted filesystem hands the VFS inodes
 * and an ops table. Also the VFS calls the rest of the kernel uses (mounting at boot). */
#ifndef MOTE_VFS_H
#define MOTE_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include <mote/sync.h>

#define VFS_NAME_MAX    255  /* one path component, bytes */
#define VFS_PATH_MAX    4096 /* a whole path, bytes with the NUL: ENAMETOOLONG past it */
#define VFS_SYMLOOP_MAX 40   /* symlinks followed in one lookup: ELOOP past it */

#define VFS_MOUNT_RDONLY 0x1u

struct blkdev;
struct vfs_mount;
struct vfs_inode;
struct vfs_dentry;

/* One directory entry, as readdir returns it. */
struct vfs_dirent {
	uint64_t ino;
	unsigned char type; /* DT_REG, DT_DIR, DT_LNK */
	char name[VFS_NAME_MAX + 1];
};

/* A filesystem's operations on its inodes. Locking (the concurrency rule, docs/fs.md):
 * - the VFS holds the mount's `ns_lock` around every namespace call (lookup, create, mkdir,
 *   symlink, unlink, rmdir, rename, readdir), so a filesystem sees one at a time per mount;
 * - the VFS holds the inode's `lock` around read, write, truncate, getattr, setattr, fsync on
 *   that inode, so threads on different files run at once;
 * - a filesystem guards what its files share (allocation tables, the buffer cache) with its
 *   own mutex, taken inside those. All are sleeping mutexes; calls may sleep on the device.
 * Names are not NUL-terminated: (name, len), len in 1..VFS_NAME_MAX, never "." or "..".
 * Every call returns 0 (or a count) or a negative errno. Optional entries may be NULL: the
 * VFS then answers EROFS (writes on a read-only filesystem) or EPERM/EINVAL as POSIX says. */
struct vfs_ops {
	/* The child `name` of dir, with a new reference in *out; -ENOENT when absent. */
	int (*lookup)(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode **out);
	/* A new regular file (mode's permission bits), with a reference in *out. The VFS has
	 * checked that name is absent. */
	int (*create)(struct vfs_inode *dir, const char *name, size_t len, mode_t mode,
	              struct vfs_inode **out);
	int (*mkdir)(struct vfs_inode *dir, const char *name, size_t len, mode_t mode);
	int (*symlink)(struct vfs_inode *dir, const char *name, size_t len, const char *target);
	/* Remove a non-directory (the VFS checked the kind). Open files stay readable until their
	 * last reference goes. */
	int (*unlink)(struct vfs_inode *dir, const char *name, size_t len);
	/* Remove an empty directory: -ENOTEMPTY otherwise. */
	int (*rmdir)(struct vfs_inode *dir, const char *name, size_t len);
	/* Move odir/oname to ndir/nname (same mount), replacing a target of the same kind (an
	 * empty directory for a directory) as POSIX rename does. */
	int (*rename)(struct vfs_inode *odir, const char *oname, size_t olen, struct vfs_inode *ndir,
	              const char *nname, size_t nlen);
	/* The entry at *cookie (0 = first) into *out, advancing *cookie; 1 read, 0 at the end.
	 * Does not return "." or ".." (the VFS adds them). */
	int (*readdir)(struct vfs_inode *dir, uint64_t *cookie, struct vfs_dirent *out);
	ssize_t (*readlink)(struct vfs_inode *link, char *buf, size_t len);

	ssize_t (*read)(struct vfs_inode *file, void *buf, size_t len, uint64_t off);
	ssize_t (*write)(struct vfs_inode *file, const void *buf, size_t len, uint64_t off);
	int (*truncate)(struct vfs_inode *file, uint64_t size);
	int (*getattr)(struct vfs_inode *node, struct stat *st);
	int (*set_times)(struct vfs_inode *node, const struct timespec *atime, const struct timespec *mtime);
	/* The file's data (and, unless data_only, its metadata) on the device, the device's
	 * flush included. */
	int (*fsync)(struct vfs_inode *node, bool data_only);
	/* The last reference went: free the filesystem's state for it (and the file's data if
	 * it was unlinked). */
	void (*release)(struct vfs_inode *node);

	int (*statvfs)(struct vfs_mount *mnt, struct statvfs *st);
	/* Write back everything dirty and flush the device. */
	int (*sync)(struct vfs_mount *mnt);
	/* Sync and free the filesystem's state; the VFS has checked nothing is open. */
	int (*unmount)(struct vfs_mount *mnt);
};

struct vfs_inode {
	struct vfs_mount *mnt;
	uint64_t ino;      /* unique within the mount while the inode lives */
	mode_t mode;       /* S_IFREG, S_IFDIR or S_IFLNK with permission bits */
	unsigned refs;     /* managed by vfs_inode_get/put; starts at 1 */
	struct mutex lock; /* see vfs_ops */
	void *fs_data;     /* the filesystem's own */
	/* The VFS's name cache (fs/vfs/vfs_dcache.c, under its lock): the entries naming this
	 * inode, and the entries under it that name an inode and that say a name is absent (apart,
	 * so a create drops the absent ones without walking the rest). Filesystems leave them alone. */
	struct vfs_dentry *dc_aliases, *dc_children, *dc_absent;
};

struct vfs_mount {
	const struct vfs_ops *ops;
	struct vfs_inode *root; /* set by the filesystem's mount */
	struct blkdev *dev;     /* NULL for ramfs and initrd */
	unsigned flags;         /* VFS_MOUNT_* */
	struct mutex ns_lock;
	const char *fstype;
	void *fs_data;
};

/* A filesystem type. `probe` says whether dev holds this filesystem (for fs.mount without a
 * type); `mount` fills in mnt->ops, mnt->root and mnt->fs_data. A corrupt structure is an
 * error (-EINVAL or -EIO with a log line naming the device and the problem), never a crash. */
struct vfs_fs_type {
	const char *name; /* "fat", "ramfs", "initrd" */
	bool (*probe)(struct blkdev *dev);
	/* `source`: the block device (NULL for ramfs, initrd), `data`: type-specific (the
	 * initrd's bytes). */
	int (*mount)(struct vfs_mount *mnt, struct blkdev *source, const void *data, size_t data_len);
};

/* Declare a filesystem type; the list is the linker section "mote_fs_types". */
#define FS_TYPE(ident, fsname, probefn, mountfn)                                             \
	static const struct vfs_fs_type fs_type_##ident                                      \
	        __attribute__((used, section("mote_fs_types"), aligned(sizeof(void *)))) = { \
	                .name = fsname, .probe = probefn, .mount = mountfn}

/* For filesystems: a new inode with one reference (mode, ino and fs_data to fill in), and
 * reference counting. vfs_inode_put calls ops->release on the last one. */
struct vfs_inode *vfs_inode_new(struct vfs_mount *mnt);
void vfs_inode_get(struct vfs_inode *node);
void vfs_inode_put(struct vfs_inode *node);

/* Mount `source` ("blk0", "" for ramfs) at `path` (created in the mount table even when it
 * does not exist in its parent). fstype NULL: detect. Returns 0 or a negative errno, with a
 * log line saying why. */
int vfs_mount_device(const char *source, const char *path, const char *fstype, unsigned flags);
/* Mount an in-memory image (the initrd) of type fstype at path. */
int vfs_mount_memory(const void *data, size_t len, const char *path, const char *fstype, unsigned flags);
int vfs_umount(const char *path);
/* Write back every mount (sync(), exit). */
void vfs_sync_all(void);

#endif
