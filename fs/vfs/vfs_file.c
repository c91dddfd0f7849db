/* SPDX-License-Identifier: MIT */
/* vfs_file.c: open files and directories, the objects behind libc's "file" and "dir"
 * descriptor kinds (mote/fdtable.h): offsets, O_APPEND, dup'ed sharing, readdir positions. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vfs_internal.h"

#define VFS_FILES_MAX 256 /* open objects; more than descriptors, which dup can share */

static struct mutex files_lock = MUTEX_INIT;
static struct vfs_file *files[VFS_FILES_MAX];

static struct vfs_file *file_of(int handle)
{
	struct vfs_file *f = NULL;

	if (handle < 0 || handle >= VFS_FILES_MAX)
		return NULL;
	mutex_lock(&files_lock, SYNC_FOREVER);
	f = files[handle];
	mutex_unlock(&files_lock);
	return f;
}

int vfs_file_new(struct vfs_inode *node, int flags, const char *path, const struct libc_fd_ops **ops,
                 int *handle)
{
	struct vfs_file *f = calloc(1, sizeof(*f));
	int slot = -1;

	if (!f)
		return -ENOMEM;
	if (S_ISDIR(node->mode)) {
		f->path = strdup(path);
		if (!f->path) {
			free(f);
			return -ENOMEM;
		}
	}
	f->node = node;
	f->flags = flags & (O_ACCMODE | O_APPEND | O_NONBLOCK);
	f->refs = 1;
	mutex_init(&f->lock, false);
	mutex_lock(&files_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_FILES_MAX; i++) {
		if (!files[i]) {
			files[i] = f;
			slot = i;
			break;
		}
	}
	mutex_unlock(&files_lock);
	if (slot < 0) {
		free(f->path);
		free(f);
		return -ENFILE;
	}
	vfs_mount_use(node->mnt);
	*ops = S_ISDIR(node->mode) ? &vfs_dir_ops : &vfs_file_ops;
	*handle = slot;
	return 0;
}

/* The open object of descriptor fd, if it is a file or a directory. */
static struct vfs_file *file_of_fd(int fd, int *err)
{
	const struct libc_fd_ops *ops;
	struct vfs_file *f;
	int handle;

	ops = libc_fd_get(fd, &handle);
	if (!ops || (ops != &vfs_dir_ops && ops != &vfs_file_ops)) {
		*err = -EBADF;
		return NULL;
	}
	f = file_of(handle);
	*err = f ? 0 : -EBADF;
	return f;
}

int vfs_file_dir_path(int fd, char *buf, size_t cap)
{
	const struct libc_fd_ops *ops;
	struct vfs_file *f;
	int handle, err;

	ops = libc_fd_get(fd, &handle);
	if (!ops)
		return -EBADF;
	if (ops != &vfs_dir_ops)
		return -ENOTDIR;
	f = file_of_fd(fd, &err);
	if (!f)
		return err;
	if (strlen(f->path) >= cap)
		return -ENAMETOOLONG;
	strcpy(buf, f->path);
	return 0;
}

int vfs_file_node(int fd, struct vfs_inode **out)
{
	struct vfs_file *f;
	int err;

	f = file_of_fd(fd, &err);
	if (!f)
		return err;
	vfs_inode_get(f->node);
	*out = f->node;
	return 0;
}

static int file_close(int handle)
{
	struct vfs_file *f;
	bool last;

	mutex_lock(&files_lock, SYNC_FOREVER);
	f = handle >= 0 && handle < VFS_FILES_MAX ? files[handle] : NULL;
	last = f && --f->refs == 0;
	if (last)
		files[handle] = NULL;
	mutex_unlock(&files_lock);
	if (!f)
		return -EBADF;
	if (!last)
		return 0;
	vfs_mount_unuse(f->node->mnt);
	vfs_inode_put(f->node);
	free(f->path);
	free(f);
	return 0;
}

static int file_dup(int handle)
{
	int rc = -EBADF;

	mutex_lock(&files_lock, SYNC_FOREVER);
	if (handle >= 0 && handle < VFS_FILES_MAX && files[handle]) {
		files[handle]->refs++;
		rc = handle;
	}
	mutex_unlock(&files_lock);
	return rc;
}

static int file_fstat(int handle, struct stat *st)
{
	struct vfs_file *f = file_of(handle);
	struct vfs_inode *n;
	int rc;

	if (!f)
		return -EBADF;
	n = f->node;
	if (!n->mnt->ops->getattr)
		return -EIO;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->getattr(n, st);
	mutex_unlock(&n->lock);
	st->st_dev = (dev_t)((uintptr_t)n->mnt >> 4);
	return rc;
}

static ssize_t do_read(struct vfs_file *f, void *buf, size_t len, uint64_t off)
{
	struct vfs_inode *n = f->node;
	ssize_t rc;

	if ((f->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	if (!n->mnt->ops->read)
		return -EINVAL;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->read(n, buf, len, off);
	mutex_unlock(&n->lock);
	return rc;
}

/* Write at off (or at the end when append), with the offset used in *at. */
static ssize_t do_write(struct vfs_file *f, const void *buf, size_t len, uint64_t off, bool append,
                        uint64_t *at)
{
	struct vfs_inode *n = f->node;
	ssize_t rc;

	if ((f->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if ((n->mnt->flags & VFS_MOUNT_RDONLY) || !n->mnt->ops->write)
		return -EROFS;
	mutex_lock(&n->lock, SYNC_FOREVER);
	if (append) {
		struct stat st;

		rc = n->mnt->ops->getattr(n, &st);
		if (rc < 0) {
			mutex_unlock(&n->lock);
			return rc;
		}
		off = (uint64_t)st.st_size;
	}
	rc = len ? n->mnt->ops->write(n, buf, len, off) : 0;
	mutex_unlock(&n->lock);
	*at = off;
	return rc;
}

static ssize_t file_read(int handle, void *buf, size_t len)
{
	struct vfs_file *f = file_of(handle);
	ssize_t rc;

	if (!f)
		return -EBADF;
	mutex_lock(&f->lock, SYNC_FOREVER);
	rc = do_read(f, buf, len, f->off);
	if (rc > 0)
		f->off += (uint64_t)rc;
	mutex_unlock(&f->lock);
	return rc;
}

static ssize_t file_write(int handle, const void *buf, size_t len)
{
	struct vfs_file *f = file_of(handle);
	uint64_t at = 0;
	ssize_t rc;

	if (!f)
		return -EBADF;
	mutex_lock(&f->lock, SYNC_FOREVER);
	rc = do_write(f, buf, len, f->off, (f->flags & O_APPEND) != 0, &at);
	if (rc >= 0)
		f->off = at + (uint64_t)rc;
	mutex_unlock(&f->lock);
	return rc;
}

static ssize_t file_pread(int handle, void *buf, size_t len, off_t off)
{
	struct vfs_file *f = file_of(handle);

	if (!f)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	return do_read(f, buf, len, (uint64_t)off);
}

static ssize_t file_pwrite(int handle, const void *buf, size_t len, off_t off)
{
	struct vfs_file *f = file_of(handle);
	uint64_t at;

	if (!f)
		return -EBADF;
	if (off < 0)
		return -EINVAL;
	return do_write(f, buf, len, (uint64_t)off, false, &at);
}

static off_t file_lseek(int handle, off_t off, int whence)
{
	struct vfs_file *f = file_of(handle);
	struct stat st;
	int64_t base;
	off_t rc;

	if (!f)
		return -EBADF;
	mutex_lock(&f->lock, SYNC_FOREVER);
	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->off;
		break;
	case SEEK_END:
		rc = file_fstat(handle, &st);
		if (rc < 0) {
			mutex_unlock(&f->lock);
			return rc;
		}
		base = st.st_size;
		break;
	default:
		mutex_unlock(&f->lock);
		return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0) {
		rc = -EINVAL;
	} else {
		f->off = (uint64_t)(base + off);
		rc = (off_t)f->off;
	}
	mutex_unlock(&f->lock);
	return rc;
}

static int file_fsync(int handle, bool data_only)
{
	struct vfs_file *f = file_of(handle);
	struct vfs_inode *n;
	int rc = 0;

	if (!f)
		return -EBADF;
	n = f->node;
	if (!n->mnt->ops->fsync || (n->mnt->flags & VFS_MOUNT_RDONLY))
		return 0;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->fsync(n, data_only);
	mutex_unlock(&n->lock);
	return rc;
}

static int file_ftruncate(int handle, off_t len)
{
	struct vfs_file *f = file_of(handle);
	struct vfs_inode *n;
	int rc;

	if (!f)
		return -EBADF;
	n = f->node;
	if (len < 0 || (f->flags & O_ACCMODE) == O_RDONLY)
		return -EINVAL;
	if ((n->mnt->flags & VFS_MOUNT_RDONLY) || !n->mnt->ops->truncate)
		return -EROFS;
	mutex_lock(&n->lock, SYNC_FOREVER);
	rc = n->mnt->ops->truncate(n, (uint64_t)len);
	mutex_unlock(&n->lock);
	return rc;
}

static int file_fcntl(int handle, int cmd, int arg)
{
	struct vfs_file *f = file_of(handle);
	int rc;

	if (!f)
		return -EBADF;
	mutex_lock(&f->lock, SYNC_FOREVER);
	if (cmd == F_GETFL) {
		rc = f->flags;
	} else if (cmd == F_SETFL) {
		/* Only the status flags change; the access mode is fixed at open. */
		f->flags = (f->flags & O_ACCMODE) | (arg & (O_APPEND | O_NONBLOCK));
		rc = 0;
	} else {
		rc = -EINVAL;
	}
	mutex_unlock(&f->lock);
	return rc;
}

static ssize_t dir_read(int handle, void *buf, size_t len) { return -EISDIR; }
static ssize_t dir_write(int handle, const void *buf, size_t len) { return -EBADF; }

/* Positions 0 and 1 are "." and ".."; then the filesystem's cookie plus 2. */
static int dir_readdir(int handle, long *pos, struct dirent *out)
{
	struct vfs_file *f = file_of(handle);
	struct vfs_dirent *ent;
	struct vfs_inode *n;
	uint64_t cookie;
	int rc;

	if (!f)
		return -EBADF;
	if (*pos < 0)
		return -EINVAL;
	n = f->node;
	memset(out, 0, sizeof(*out));
	if (*pos < 2) {
		strcpy(out->d_name, *pos == 0 ? "." : "..");
		out->d_type = DT_DIR;
		out->d_ino = (ino_t)n->ino;
		out->d_off = ++*pos;
		out->d_reclen = sizeof(*out);
		return 1;
	}
	if (!n->mnt->ops->readdir)
		return 0;
	ent = malloc(sizeof(*ent));
	if (!ent)
		return -ENOMEM;
	cookie = (uint64_t)*pos - 2;
	mutex_lock(&n->mnt->ns_lock, SYNC_FOREVER);
	rc = n->mnt->ops->readdir(n, &cookie, ent);
	mutex_unlock(&n->mnt->ns_lock);
	if (rc == 1) {
		strncpy(out->d_name, ent->name, sizeof(out->d_name) - 1);
		out->d_type = ent->type;
		out->d_ino = (ino_t)ent->ino;
		*pos = (long)(cookie + 2);
		out->d_off = *pos;
		out->d_reclen = sizeof(*out);
	}
	free(ent);
	return rc;
}

static off_t dir_lseek(int handle, off_t off, int whence)
{
	/* Only a rewind: positions are cookies, not byte offsets. */
	if (off != 0 || whence != SEEK_SET)
		return -EINVAL;
	return 0;
}

const struct libc_fd_ops vfs_file_ops = {
        .kind = "file",
        .read = file_read,
        .write = file_write,
        .close = file_close,
        .fstat = file_fstat,
        .dup = file_dup,
        .fcntl = file_fcntl,
        .lseek = file_lseek,
        .pread = file_pread,
        .pwrite = file_pwrite,
        .fsync = file_fsync,
        .ftruncate = file_ftruncate,
};

const struct libc_fd_ops vfs_dir_ops = {
        .kind = "dir",
        .read = dir_read,
        .write = dir_write,
        .close = file_close,
        .fstat = file_fstat,
        .dup = file_dup,
        .fcntl = file_fcntl,
        .lseek = dir_lseek,
        .fsync = file_fsync,
        .readdir = dir_readdir,
};
