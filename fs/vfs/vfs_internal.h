/* SPDX-License-Identifier: MIT */
/* vfs_internal.h: what the VFS's own files share (vfs.c: mounts and lookup; vfs_libc.c and
 * vfs_file.c: the calls libc makes). Not for filesystems: they see only mote/vfs.h. */
#ifndef VFS_INTERNAL_H
#define VFS_INTERNAL_H

#include <mote/fdtable.h>
#include <mote/vfs.h>

#define VFS_WALK_FOLLOW 0x1 /* follow a symlink in the last component */
#define VFS_WALK_PARENT 0x2 /* the last component may be absent: return its parent and name */

/* The result of a lookup. Allocated by the caller (it is large: keep it off small stacks). */
struct vfs_walk {
	struct vfs_inode *node;   /* referenced; NULL in PARENT mode when the name is absent */
	struct vfs_inode *parent; /* PARENT mode: the referenced directory holding `name` */
	char name[VFS_NAME_MAX + 1];
	size_t len;              /* 0 when the path ended in "/", "." or ".." */
	char path[VFS_PATH_MAX]; /* absolute path of node (or of the would-be node) */
	/* PARENT mode, name absent: the mount table's generation in which the walk found no mount
	 * at or below the name, so a name created there may be cached as current (vfs_dcache.h). */
	unsigned absent_gen;
};

/* Resolve `path` (relative paths against `base`, an absolute path without symlinks). Returns
 * 0 or a negative errno (ENOENT, ENOTDIR, ENAMETOOLONG, ELOOP). vfs_walk_done drops the
 * references. */
int vfs_walk(const char *base, const char *path, int flags, struct vfs_walk *w);
void vfs_walk_done(struct vfs_walk *w);
/* The common stat() in one pass over the name cache, with no struct vfs_walk and no path
 * built: an absolute path with no ".", ".." or trailing slash whose every component has a
 * current dcache entry (SQLite stat()s its absent journal before each read transaction).
 * Returns 0 with *out referenced, -ENOENT for a component cached as absent, or 1 when the
 * cache cannot answer (call vfs_walk). flags: VFS_WALK_FOLLOW only. Inside vfs_call_enter. */
int vfs_walk_cached(const char *path, int flags, struct vfs_inode **out);

/* Around every path call (from its lookup to its last use of the inodes it found), so
 * vfs_umount never takes a filesystem away under one. They may nest (rename walks twice); a
 * thread inside one must not call vfs_umount. */
void vfs_call_enter(void);
void vfs_call_leave(void);

/* Open files per mount, so vfs_umount answers EBUSY while one is open. */
void vfs_mount_use(struct vfs_mount *mnt);
void vfs_mount_unuse(struct vfs_mount *mnt);

/* The boot-time mounts (vfs_boot.c) and the libc side (vfs_libc.c). */
void vfs_libc_register(void);

/* An open file or directory (vfs_file.c): the object behind a "file" or "dir" descriptor. */
struct vfs_file {
	struct vfs_inode *node; /* referenced */
	int flags;              /* O_ACCMODE, O_APPEND, O_NONBLOCK */
	uint64_t off;           /* files: the offset; directories: the readdir position */
	unsigned refs;          /* descriptors sharing it (dup) */
	struct mutex lock;      /* off */
	char *path;             /* directories: absolute path, for fchdir and openat */
};

extern const struct libc_fd_ops vfs_file_ops, vfs_dir_ops;

/* A new open file on node (taking over the caller's reference and a use of its mount) with
 * its handle in *handle; directories also keep their path. */
int vfs_file_new(struct vfs_inode *node, int flags, const char *path, const struct libc_fd_ops **ops,
                 int *handle);
/* The directory path of descriptor `fd` of kind "dir" into buf: -EBADF, -ENOTDIR. */
int vfs_file_dir_path(int fd, char *buf, size_t cap);
/* The inode of a "file" or "dir" descriptor, with a new reference: -EBADF otherwise. */
int vfs_file_node(int fd, struct vfs_inode **out);

/* The mount point of mnt into buf. */
int vfs_mount_point_of(struct vfs_mount *mnt, char *buf, size_t cap);

#endif
