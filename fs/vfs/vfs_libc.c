/* SPDX-License-Identifier: MIT */
/* vfs_libc.c: fs/'s side of libc: the path calls of struct libc_fs_calls (mote/fdtable.h) on
 * the VFS, with the current directory and POSIX's exact errors. libc's entry points
 * (libc/libc_file.c) call these; descriptors of kind "file" and "dir" are in vfs_file.c. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "vfs_dcache.h"
#include "vfs_internal.h"
#include "vfs_path.h"

static struct mutex cwd_lock = MUTEX_INIT;
static char cwd[VFS_PATH_MAX] = "/";

static bool read_only(struct vfs_inode *n) { return (n->mnt->flags & VFS_MOUNT_RDONLY) != 0; }

/* Resolve (dirfd, path) into a freshly allocated walk: the base directory is the current one
 * or dirfd's. On success the caller ends with walk_end. */
static int walk_at(int dirfd, const char *path, int flags, struct vfs_walk **out)
{
	struct vfs_walk *w;
	char *base;
	int rc;

	if (!path)
		return -EFAULT;
	w = malloc(sizeof(*w));
	/* An absolute path needs no base (vfs_walk starts at "/"): no copy of one to make. */
	base = path[0] == '/' ? NULL : malloc(VFS_PATH_MAX);
	if (!w || (path[0] != '/' && !base)) {
		free(w);
		free(base);
		return -ENOMEM;
	}
	vfs_call_enter();
	if (path[0] == '/') {
		rc = 0;
	} else if (dirfd == AT_FDCWD) {
		mutex_lock(&cwd_lock, SYNC_FOREVER);
		strcpy(base, cwd);
		mutex_unlock(&cwd_lock);
		rc = 0;
	} else {
		rc = vfs_file_dir_path(dirfd, base, VFS_PATH_MAX);
	}
	if (rc == 0)
		rc = vfs_walk(base, path, flags, w);
	free(base);
	if (rc < 0) {
		free(w);
		vfs_call_leave();
		return rc;
	}
	*out = w;
	return 0;
}

static void walk_end(struct vfs_walk *w)
{
	vfs_walk_done(w);
	free(w);
	vfs_call_leave();
}

static int getattr(struct vfs_inode *n, struct stat *st)
{
	int rc;

	if (!n->mnt->ops->getattr)
		return -EIO;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->getattr(n, st);
	mutex_unlock(&n->lock);
	st->st_dev = (dev_t)((uintptr_t)n->mnt >> 4);
	return rc;
}

/* Whether dir has `name` now (under its mount's ns_lock, held by the caller). */
static bool exists_locked(struct vfs_inode *dir, const char *name, size_t len)
{
	struct vfs_inode *n;

	if (dir->mnt->ops->lookup && dir->mnt->ops->lookup(dir, name, len, &n) == 0) {
		vfs_inode_put(n);
		return true;
	}
	return false;
}

static int do_truncate(struct vfs_inode *n, uint64_t size)
{
	int rc;

	if (read_only(n) || !n->mnt->ops->truncate)
		return -EROFS;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->truncate(n, size);
	mutex_unlock(&n->lock);
	return rc;
}

static int fs_openat(int dirfd, const char *path, int flags, mode_t mode, const struct libc_fd_ops **ops,
                     int *handle)
{
	int acc = flags & O_ACCMODE, wflags = VFS_WALK_PARENT;
	struct vfs_walk *w;
	struct vfs_inode *n;
	int rc;

	if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
		return -EINVAL;
	if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
		wflags |= VFS_WALK_FOLLOW;
	rc = walk_at(dirfd, path, wflags, &w);
	if (rc < 0)
		return rc;
	if (!w->node && w->parent) {
		struct vfs_inode *dir = w->parent;

		if (!(flags & O_CREAT)) {
			rc = -ENOENT;
		} else if (path[strlen(path) - 1] == '/') {
			rc = -EISDIR;
		} else if (read_only(dir) || !dir->mnt->ops->create) {
			rc = -EROFS;
		} else {
			mutex_lock(&dir->mnt->ns_lock, SYNC_FOREVER);
			vfs_dcache_drop_absent(dir); /* the name may be cached as absent */
			if (exists_locked(dir, w->name, w->len))
				rc = -EEXIST; /* another thread created it meanwhile */
			else
				rc = dir->mnt->ops->create(dir, w->name, w->len, mode & 07777, &w->node);
			/* Current as of the generation the walk found no mount there in: a stat()
			 * of the new file is answered by the cache (vfs_walk_cached). */
			if (rc == 0)
				vfs_dcache_add(dir, w->name, w->len, w->node, w->absent_gen);
			mutex_unlock(&dir->mnt->ns_lock);
			if (rc == -EEXIST && !(flags & O_EXCL)) {
				walk_end(w);
				return fs_openat(dirfd, path, flags & ~O_CREAT, mode, ops, handle);
			}
		}
		if (rc < 0)
			goto out;
		flags &= ~O_TRUNC; /* new and empty */
	} else if (flags & O_CREAT && flags & O_EXCL) {
		rc = -EEXIST;
		goto out;
	}
	n = w->node;
	if (S_ISLNK(n->mode)) {
		rc = -ELOOP; /* O_NOFOLLOW */
		goto out;
	}
	if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_TRUNC) || (flags & O_CREAT))) {
		rc = -EISDIR;
		goto out;
	}
	if (!S_ISDIR(n->mode) && (flags & O_DIRECTORY)) {
		rc = -ENOTDIR;
		goto out;
	}
	if (acc != O_RDONLY && read_only(n)) {
		rc = -EROFS;
		goto out;
	}
	if ((flags & O_TRUNC) && acc != O_RDONLY) {
		rc = do_truncate(n, 0);
		if (rc < 0)
			goto out;
	}
	rc = vfs_file_new(n, flags, w->path, ops, handle);
	if (rc == 0)
		w->node = NULL; /* the open file holds the reference now */
out:
	walk_end(w);
	return rc;
}

static int fs_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	int wflags = (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW;
	struct vfs_walk *w;
	struct vfs_inode *n;
	int rc;

	/* An absolute path the name cache knows entirely needs no walk state (no malloc). */
	if (path && path[0] == '/') {
		vfs_call_enter();
		rc = vfs_walk_cached(path, wflags, &n);
		if (rc == 0) {
			rc = getattr(n, st);
			vfs_inode_put(n);
		}
		vfs_call_leave();
		if (rc <= 0)
			return rc;
	}
	rc = walk_at(dirfd, path, wflags, &w);
	if (rc < 0)
		return rc;
	rc = getattr(w->node, st);
	walk_end(w);
	return rc;
}

static int fs_faccessat(int dirfd, const char *path, int mode, int flags)
{
	struct vfs_walk *w;
	int rc = walk_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW, &w);

	if (rc < 0)
		return rc;
	if ((mode & W_OK) && read_only(w->node))
		rc = -EROFS;
	else if ((mode & X_OK) && !S_ISDIR(w->node->mode) && !(w->node->mode & 0111))
		rc = -EACCES;
	walk_end(w);
	return rc;
}

/* Resolve the parent of a name to be created, and check the name is absent. */
static int walk_new(int dirfd, const char *path, struct vfs_walk **out)
{
	struct vfs_walk *w;
	int rc = walk_at(dirfd, path, VFS_WALK_PARENT, &w);

	if (rc < 0)
		return rc;
	if (w->node) {
		walk_end(w);
		return -EEXIST;
	}
	*out = w;
	return 0;
}

static int fs_mkdirat(int dirfd, const char *path, mode_t mode)
{
	struct vfs_walk *w;
	struct vfs_inode *dir;
	int rc = walk_new(dirfd, path, &w);

	if (rc < 0)
		return rc;
	dir = w->parent;
	if (read_only(dir) || !dir->mnt->ops->mkdir) {
		rc = -EROFS;
	} else {
		mutex_lock(&dir->mnt->ns_lock, SYNC_FOREVER);
		vfs_dcache_drop_absent(dir); /* the name may be cached as absent */
		rc = exists_locked(dir, w->name, w->len)
		             ? -EEXIST
		             : dir->mnt->ops->mkdir(dir, w->name, w->len, mode & 07777);
		mutex_unlock(&dir->mnt->ns_lock);
	}
	walk_end(w);
	return rc;
}

static int fs_unlinkat(int dirfd, const char *path, int flags)
{
	bool rmdir = (flags & AT_REMOVEDIR) != 0;
	struct vfs_walk *w;
	struct vfs_inode *dir, *n;
	int rc = walk_at(dirfd, path, VFS_WALK_PARENT, &w);

	if (rc < 0)
		return rc;
	dir = w->parent;
	n = w->node;
	if (!n) {
		rc = -ENOENT;
	} else if (!dir) {
		/* "/", "." or "..": not a name in a directory. */
		rc = rmdir ? (w->len == 0 && strcmp(w->path, "/") == 0 ? -EBUSY : -EINVAL) : -EISDIR;
	} else if (rmdir && !S_ISDIR(n->mode)) {
		rc = -ENOTDIR;
	} else if (!rmdir && S_ISDIR(n->mode)) {
		rc = -EISDIR;
	} else if (n->mnt != dir->mnt) {
		rc = -EBUSY; /* a mount point */
	} else if (read_only(dir)) {
		rc = -EROFS;
	} else if (rmdir ? !dir->mnt->ops->rmdir : !dir->mnt->ops->unlink) {
		rc = -EROFS;
	} else {
		mutex_lock(&dir->mnt->ns_lock, SYNC_FOREVER);
		/* Under ns_lock a cached entry is what the name is now (the walk's node may be
		 * stale): its inode's names are dropped, whatever the outcome. Uncached (the entry
		 * fell out of the cache since the walk), every name under dir goes. */
		struct vfs_inode *cur = vfs_dcache_lookup(dir, w->name, w->len);

		rc = rmdir ? dir->mnt->ops->rmdir(dir, w->name, w->len)
		           : dir->mnt->ops->unlink(dir, w->name, w->len);
		if (cur) {
			vfs_dcache_drop_node(cur);
			vfs_inode_put(cur);
		} else {
			vfs_dcache_drop_dir(dir);
		}
		mutex_unlock(&dir->mnt->ns_lock);
	}
	walk_end(w);
	return rc;
}

static int fs_renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
	struct vfs_walk *o, *n = NULL;
	struct vfs_inode *odir, *ndir;
	int rc = walk_at(olddirfd, oldpath, VFS_WALK_PARENT, &o);

	if (rc < 0)
		return rc;
	rc = walk_at(newdirfd, newpath, VFS_WALK_PARENT, &n);
	if (rc < 0) {
		walk_end(o);
		return rc;
	}
	odir = o->parent;
	ndir = n->parent;
	if (!o->node) {
		rc = -ENOENT;
	} else if (!odir || !ndir) {
		rc = -EBUSY; /* "/", "." or ".." */
	} else if (o->node->mnt != odir->mnt || (n->node && n->node->mnt != ndir->mnt)) {
		rc = -EBUSY; /* a mount point */
	} else if (odir->mnt != ndir->mnt) {
		rc = -EXDEV;
	} else if (n->node == o->node) {
		rc = 0;
	} else if (n->node && S_ISDIR(o->node->mode) && !S_ISDIR(n->node->mode)) {
		rc = -ENOTDIR;
	} else if (n->node && !S_ISDIR(o->node->mode) && S_ISDIR(n->node->mode)) {
		rc = -EISDIR;
	} else if (S_ISDIR(o->node->mode) && vfs_path_under(n->path, o->path) >= 0) {
		rc = -EINVAL; /* into itself */
	} else if (read_only(odir) || !odir->mnt->ops->rename) {
		rc = -EROFS;
	} else {
		mutex_lock(&odir->mnt->ns_lock, SYNC_FOREVER);
		rc = odir->mnt->ops->rename(odir, o->name, o->len, ndir, n->name, n->len);
		/* Every name in both directories (the moved inode's, the replaced one's, their
		 * other spellings on a case-insensitive filesystem); a replaced directory's own. A
		 * moved directory keeps the entries under it: they name inodes, not paths. */
		if (n->node && n->node != o->node)
			vfs_dcache_drop_node(n->node);
		vfs_dcache_drop_dir(odir);
		vfs_dcache_drop_dir(ndir);
		mutex_unlock(&odir->mnt->ns_lock);
	}
	walk_end(o);
	walk_end(n);
	return rc;
}

static int fs_symlinkat(const char *target, int dirfd, const char *path)
{
	struct vfs_walk *w;
	struct vfs_inode *dir;
	int rc;

	if (!target)
		return -EFAULT;
	if (target[0] == '\0')
		return -ENOENT;
	if (strnlen(target, VFS_PATH_MAX) >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	rc = walk_new(dirfd, path, &w);
	if (rc < 0)
		return rc;
	dir = w->parent;
	if (read_only(dir)) {
		rc = -EROFS;
	} else if (!dir->mnt->ops->symlink) {
		rc = -EPERM;
	} else {
		mutex_lock(&dir->mnt->ns_lock, SYNC_FOREVER);
		vfs_dcache_drop_absent(dir); /* the name may be cached as absent */
		rc = exists_locked(dir, w->name, w->len)
		             ? -EEXIST
		             : dir->mnt->ops->symlink(dir, w->name, w->len, target);
		mutex_unlock(&dir->mnt->ns_lock);
	}
	walk_end(w);
	return rc;
}

static ssize_t fs_readlinkat(int dirfd, const char *path, char *buf, size_t len)
{
	struct vfs_walk *w;
	struct vfs_inode *n;
	ssize_t rc = walk_at(dirfd, path, 0, &w);

	if (rc < 0)
		return rc;
	n = w->node;
	if (!S_ISLNK(n->mode) || !n->mnt->ops->readlink) {
		rc = -EINVAL;
	} else {
		mutex_lock(&n->lock, SYNC_FOREVER);
		rc = n->mnt->ops->readlink(n, buf, len);
		mutex_unlock(&n->lock);
	}
	walk_end(w);
	return rc;
}

static int fs_truncate(const char *path, off_t len)
{
	struct vfs_walk *w;
	int rc;

	if (len < 0)
		return -EINVAL;
	rc = walk_at(AT_FDCWD, path, VFS_WALK_FOLLOW, &w);
	if (rc < 0)
		return rc;
	rc = S_ISDIR(w->node->mode) ? -EISDIR : do_truncate(w->node, (uint64_t)len);
	walk_end(w);
	return rc;
}

static int set_cwd(const char *path)
{
	mutex_lock(&cwd_lock, SYNC_FOREVER);
	strcpy(cwd, path);
	mutex_unlock(&cwd_lock);
	return 0;
}

static int fs_chdir(const char *path)
{
	struct vfs_walk *w;
	int rc = walk_at(AT_FDCWD, path, VFS_WALK_FOLLOW, &w);

	if (rc < 0)
		return rc;
	rc = S_ISDIR(w->node->mode) ? set_cwd(w->path) : -ENOTDIR;
	walk_end(w);
	return rc;
}

static int fs_fchdir(int dirfd)
{
	char *path = malloc(VFS_PATH_MAX);
	int rc;

	if (!path)
		return -ENOMEM;
	rc = vfs_file_dir_path(dirfd, path, VFS_PATH_MAX);
	if (rc == 0)
		rc = set_cwd(path);
	free(path);
	return rc;
}

static int fs_getcwd(char *buf, size_t len)
{
	int rc = 0;

	mutex_lock(&cwd_lock, SYNC_FOREVER);
	if (strlen(cwd) + 1 > len)
		rc = -ERANGE;
	else
		strcpy(buf, cwd);
	mutex_unlock(&cwd_lock);
	return rc;
}

static int fs_realpath(const char *path, char *out)
{
	struct vfs_walk *w;
	int rc = walk_at(AT_FDCWD, path, VFS_WALK_FOLLOW, &w);

	if (rc < 0)
		return rc;
	if (strlen(w->path) >= PATH_MAX)
		rc = -ENAMETOOLONG;
	else
		strcpy(out, w->path);
	walk_end(w);
	return rc;
}

static int statvfs_of(struct vfs_mount *m, struct statvfs *st)
{
	int rc = 0;

	memset(st, 0, sizeof(*st));
	if (m->ops->statvfs) {
		mutex_lock(&m->ns_lock, SYNC_FOREVER);
		rc = m->ops->statvfs(m, st);
		mutex_unlock(&m->ns_lock);
	} else {
		st->f_bsize = st->f_frsize = 4096;
		st->f_namemax = VFS_NAME_MAX;
	}
	if (m->flags & VFS_MOUNT_RDONLY)
		st->f_flag |= ST_RDONLY;
	st->f_fsid = (unsigned long)((uintptr_t)m >> 4);
	return rc;
}

static int fs_statvfs(const char *path, struct statvfs *st)
{
	struct vfs_walk *w;
	int rc = walk_at(AT_FDCWD, path, VFS_WALK_FOLLOW, &w);

	if (rc < 0)
		return rc;
	rc = statvfs_of(w->node->mnt, st);
	walk_end(w);
	return rc;
}

static int fs_fstatvfs(int fd, struct statvfs *st)
{
	struct vfs_inode *n;
	int rc = vfs_file_node(fd, &n);

	if (rc < 0)
		return rc;
	rc = statvfs_of(n->mnt, st);
	vfs_inode_put(n);
	return rc;
}

static int fs_utimensat(int dirfd, const char *path, const struct timespec times[2], int flags)
{
	struct timespec t[2], now;
	const struct timespec *a = &t[0], *m = &t[1];
	struct vfs_walk *w;
	struct vfs_inode *n;
	int rc;

	clock_gettime(CLOCK_REALTIME, &now);
	t[0] = t[1] = now;
	if (times) {
		for (int i = 0; i < 2; i++) {
			if (times[i].tv_nsec == UTIME_OMIT)
				continue;
			if (times[i].tv_nsec == UTIME_NOW)
				continue;
			if (times[i].tv_nsec < 0 || times[i].tv_nsec >= 1000000000)
				return -EINVAL;
			t[i] = times[i];
		}
		if (times[0].tv_nsec == UTIME_OMIT)
			a = NULL;
		if (times[1].tv_nsec == UTIME_OMIT)
			m = NULL;
	}
	rc = walk_at(dirfd, path, (flags & AT_SYMLINK_NOFOLLOW) ? 0 : VFS_WALK_FOLLOW, &w);
	if (rc < 0)
		return rc;
	n = w->node;
	if (read_only(n) || !n->mnt->ops->set_times) {
		rc = -EROFS;
	} else if (a || m) {
		mutex_lock(&n->lock, SYNC_FOREVER);
		rc = n->mnt->ops->set_times(n, a, m);
		mutex_unlock(&n->lock);
	}
	walk_end(w);
	return rc;
}

static void fs_sync(void) { vfs_sync_all(); }

/* An application's path for mount/umount, made absolute against the current directory. */
static int absolute(const char *path, char *out)
{
	char *base = malloc(VFS_PATH_MAX);
	int rc;

	if (!path)
		return -EFAULT;
	if (!base)
		return -ENOMEM;
	fs_getcwd(base, VFS_PATH_MAX);
	rc = vfs_path_normalize(base, path, out, VFS_PATH_MAX);
	free(base);
	return rc;
}

/* The mount point as a path without symlinks: resolved where it exists (as Linux does), made
 * absolute lexically where it does not (a mount point need not exist). */
static int mount_target(const char *target, char *out)
{
	struct vfs_walk *w;
	int rc = walk_at(AT_FDCWD, target, VFS_WALK_FOLLOW, &w);

	if (rc == 0) {
		strcpy(out, w->path);
		walk_end(w);
		return 0;
	}
	if (rc != -ENOENT)
		return rc;
	return absolute(target, out);
}

static int fs_mount(const char *source, const char *target, const char *fstype, unsigned long flags,
                    const void *data)
{
	char *path = malloc(VFS_PATH_MAX);
	int rc;

	(void)data;
	if (!path)
		return -ENOMEM;
	rc = mount_target(target, path);
	if (rc == 0)
		rc = vfs_mount_device(source ? source : "", path, fstype && fstype[0] ? fstype : NULL,
		                      (flags & MS_RDONLY) ? VFS_MOUNT_RDONLY : 0);
	free(path);
	return rc;
}

static int fs_umount(const char *target, int flags)
{
	char *path = malloc(VFS_PATH_MAX);
	int rc;

	(void)flags;
	if (!path)
		return -ENOMEM;
	rc = mount_target(target, path);
	if (rc == 0)
		rc = vfs_umount(path);
	free(path);
	return rc;
}

static const struct libc_fs_calls vfs_libc_calls = {
        .openat = fs_openat,
        .fstatat = fs_fstatat,
        .faccessat = fs_faccessat,
        .mkdirat = fs_mkdirat,
        .unlinkat = fs_unlinkat,
        .renameat = fs_renameat,
        .symlinkat = fs_symlinkat,
        .readlinkat = fs_readlinkat,
        .truncate = fs_truncate,
        .chdir = fs_chdir,
        .fchdir = fs_fchdir,
        .getcwd = fs_getcwd,
        .realpath = fs_realpath,
        .statvfs = fs_statvfs,
        .fstatvfs = fs_fstatvfs,
        .utimensat = fs_utimensat,
        .sync = fs_sync,
        .mount = fs_mount,
        .umount = fs_umount,
};

void vfs_libc_register(void) { libc_fs_register(&vfs_libc_calls); }
