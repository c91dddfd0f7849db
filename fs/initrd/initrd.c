/* SPDX-License-Identifier: MIT */
/* initrd.c: a read-only filesystem over a cpio "newc" archive in memory (the boot module or
 * the image's built-in ROOTFS), served in place: file data and link targets are read from the
 * archive's own pages, never copied. The directory tree is built once at mount, with the
 * parents an archive leaves implicit. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/vfs.h>

#include "cpio.h"

struct initrd_node {
	struct vfs_inode *vnode; /* the tree's reference */
	const char *name;        /* inside the archive (not NUL-terminated at namelen) */
	size_t namelen;
	struct initrd_node *children, *next;
	const uint8_t *data; /* files and symlinks: inside the archive */
	size_t size;
	uint32_t mtime;
};

struct initrd {
	uint64_t next_ino;
	size_t files;
	struct initrd_node *root;
	const void *image;
	size_t image_len;
};

static struct initrd_node *inode(struct vfs_inode *n) { return n->fs_data; }

static struct initrd_node *node_new(struct vfs_mount *mnt, const char *name, size_t len, mode_t mode)
{
	struct initrd *fs = mnt->fs_data;
	struct initrd_node *r = calloc(1, sizeof(*r));
	struct vfs_inode *n = vfs_inode_new(mnt);

	if (!r || !n) {
		free(r);
		free(n);
		return NULL;
	}
	n->mode = mode;
	n->ino = fs->next_ino++;
	n->fs_data = r;
	r->vnode = n;
	r->name = name;
	r->namelen = len;
	fs->files++;
	return r;
}

static struct initrd_node *child(struct initrd_node *dir, const char *name, size_t len)
{
	for (struct initrd_node *c = dir->children; c; c = c->next)
		if (c->namelen == len && memcmp(c->name, name, len) == 0)
			return c;
	return NULL;
}

/* Take the tree down at unmount (and after a failed mount). The root's inode is the mount's
 * reference, which the VFS drops itself at unmount (put_root false). */
static void tree_free(struct initrd_node *r, bool put_root)
{
	while (r->children) {
		struct initrd_node *c = r->children;

		r->children = c->next;
		tree_free(c, true);
	}
	if (put_root) {
		r->vnode->fs_data = NULL;
		vfs_inode_put(r->vnode);
	}
	free(r);
}

/* Place one archive entry in the tree, creating the directories on its way. */
static int add_entry(struct vfs_mount *mnt, struct initrd_node *root, const struct cpio_entry *e)
{
	const char *p = e->name, *end = e->name + e->namelen;
	struct initrd_node *dir = root, *c;
	mode_t type = e->mode & S_IFMT;

	if (type != S_IFREG && type != S_IFDIR && type != S_IFLNK) {
		log_debug("initrd: %s: not a file, directory or symlink; skipped", e->name);
		return 0;
	}
	for (;;) {
		const char *name;
		size_t len;
		bool last;

		while (p < end && *p == '/')
			p++;
		name = p;
		while (p < end && *p != '/')
			p++;
		len = (size_t)(p - name);
		while (p < end && *p == '/')
			p++;
		last = p == end;
		if (len == 0) /* "." or "/": the root itself */
			return 0;
		if (len == 1 && name[0] == '.') {
			if (last)
				return 0;
			continue;
		}
		if (len > VFS_NAME_MAX || (len == 2 && name[0] == '.' && name[1] == '.')) {
			log_warn("initrd: entry \"%s\": bad name; skipped", e->name);
			return 0;
		}
		c = child(dir, name, len);
		if (!last) {
			if (!c) {
				c = node_new(mnt, name, len, S_IFDIR | 0755);
				if (!c)
					return -ENOMEM;
				c->next = dir->children;
				dir->children = c;
			} else if (!S_ISDIR(c->vnode->mode)) {
				log_warn("initrd: entry \"%s\": a parent is not a directory; skipped",
				         e->name);
				return 0;
			}
			dir = c;
			continue;
		}
		if (c) {
			/* A later entry for the same name (a directory listed after its contents, a
			 * hard link's data) updates it when the kinds agree. */
			if ((c->vnode->mode & S_IFMT) != type) {
				log_warn("initrd: entry \"%s\": listed twice as different kinds; skipped",
				         e->name);
				return 0;
			}
		} else {
			c = node_new(mnt, name, len, type);
			if (!c)
				return -ENOMEM;
			c->next = dir->children;
			dir->children = c;
		}
		c->vnode->mode = type | (e->mode & 07777);
		c->mtime = e->mtime;
		if (type != S_IFDIR && (e->size > 0 || c->size == 0)) {
			c->data = e->data;
			c->size = e->size;
		}
		return 0;
	}
}

static int initrd_lookup(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode **out)
{
	struct initrd_node *c = child(inode(dir), name, len);

	if (!c)
		return -ENOENT;
	vfs_inode_get(c->vnode);
	*out = c->vnode;
	return 0;
}

static int initrd_readdir(struct vfs_inode *dir, uint64_t *cookie, struct vfs_dirent *out)
{
	struct initrd_node *c = inode(dir)->children;

	for (uint64_t i = 0; c && i < *cookie; i++)
		c = c->next;
	if (!c)
		return 0;
	memcpy(out->name, c->name, c->namelen);
	out->name[c->namelen] = '\0';
	out->ino = c->vnode->ino;
	out->type = S_ISDIR(c->vnode->mode) ? DT_DIR : S_ISLNK(c->vnode->mode) ? DT_LNK : DT_REG;
	(*cookie)++;
	return 1;
}

static ssize_t initrd_readlink(struct vfs_inode *link, char *buf, size_t len)
{
	struct initrd_node *r = inode(link);
	size_t n = r->size < len ? r->size : len;

	/* A target with a NUL inside ends there. */
	const uint8_t *nul = memchr(r->data, '\0', n);

	if (nul)
		n = (size_t)(nul - r->data);
	memcpy(buf, r->data, n);
	return (ssize_t)n;
}

static ssize_t initrd_read(struct vfs_inode *file, void *buf, size_t len, uint64_t off)
{
	struct initrd_node *r = inode(file);

	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	memcpy(buf, r->data + off, len);
	return (ssize_t)len;
}

static int initrd_getattr(struct vfs_inode *node, struct stat *st)
{
	struct initrd_node *r = inode(node);

	memset(st, 0, sizeof(*st));
	st->st_ino = node->ino;
	st->st_mode = node->mode;
	st->st_nlink = S_ISDIR(node->mode) ? 2 : 1;
	st->st_size = S_ISDIR(node->mode) ? 0 : (off_t)r->size;
	st->st_blksize = 4096;
	st->st_blocks = (blkcnt_t)((r->size + 511) / 512);
	st->st_atim.tv_sec = st->st_mtim.tv_sec = st->st_ctim.tv_sec = r->mtime;
	return 0;
}

static int initrd_statvfs(struct vfs_mount *mnt, struct statvfs *st)
{
	struct initrd *fs = mnt->fs_data;

	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = 4096;
	st->f_blocks = (fsblkcnt_t)((fs->image_len + 4095) / 4096);
	st->f_files = fs->files;
	st->f_namemax = VFS_NAME_MAX;
	return 0;
}

static int initrd_unmount(struct vfs_mount *mnt)
{
	struct initrd *fs = mnt->fs_data;

	tree_free(fs->root, false);
	free(fs);
	return 0;
}

static void initrd_release(struct vfs_inode *node)
{
	/* Nothing: the tree owns its nodes and frees them at unmount (tree_free). */
	(void)node;
}

static const struct vfs_ops initrd_ops = {
        .lookup = initrd_lookup,
        .readdir = initrd_readdir,
        .readlink = initrd_readlink,
        .read = initrd_read,
        .getattr = initrd_getattr,
        .release = initrd_release,
        .statvfs = initrd_statvfs,
        .unmount = initrd_unmount,
};

static int initrd_mount(struct vfs_mount *mnt, struct blkdev *source, const void *data, size_t len)
{
	struct initrd *fs = calloc(1, sizeof(*fs));
	struct initrd_node *root;
	struct cpio_entry e;
	size_t off = 0;
	int rc;

	(void)source;
	if (!fs)
		return -ENOMEM;
	if (!data) {
		free(fs);
		return -EINVAL;
	}
	fs->next_ino = 1;
	fs->image = data;
	fs->image_len = len;
	mnt->fs_data = fs;
	mnt->ops = &initrd_ops;
	root = node_new(mnt, "", 0, S_IFDIR | 0755);
	if (!root) {
		free(fs);
		return -ENOMEM;
	}
	while ((rc = cpio_next(data, len, &off, &e)) > 0) {
		rc = add_entry(mnt, root, &e);
		if (rc < 0)
			break;
	}
	if (rc < 0) {
		if (rc == -EINVAL)
			log_err("initrd: malformed cpio archive at byte %zu of %zu; not mounted", off, len);
		tree_free(root, true);
		free(fs);
		mnt->fs_data = NULL;
		return rc;
	}
	fs->root = root;
	mnt->root = root->vnode;
	return 0;
}

FS_TYPE(initrd, "initrd", NULL, initrd_mount);
