/* SPDX-License-Identifier: MIT */
/* ramfs.c: a writable filesystem in RAM ("/" without an initrd, always "/tmp"). File data is
 * kept in whole pages from the page allocator, so the size limit follows free memory: a write
 * that would leave less than a reserve for the kernel gets ENOSPC. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mote/mm.h>
#include <mote/vfs.h>

#define RAMFS_PAGE        4096u
#define RAMFS_RESERVE_MIN (1u << 20) /* kept free for stacks, the heap, the network */

struct ramfs_entry {
	struct ramfs_entry *next;
	struct vfs_inode *node; /* the entry's reference */
	size_t len;
	char name[];
};

struct ramfs_node {
	struct ramfs_entry *children; /* directories */
	uint8_t **pages;              /* regular files: NULL entries are holes */
	size_t npages;                /* length of pages[] */
	uint64_t size;
	char *target; /* symlinks */
	struct timespec atime, mtime, ctime;
};

struct ramfs {
	struct mutex lock; /* next_ino, pages_used */
	uint64_t next_ino;
	size_t pages_used;
};

static struct ramfs_node *rnode(struct vfs_inode *n) { return n->fs_data; }
static struct ramfs *rfs(struct vfs_inode *n) { return n->mnt->fs_data; }

static void now(struct timespec *ts)
{
	if (clock_gettime(CLOCK_REALTIME, ts) != 0)
		ts->tv_sec = ts->tv_nsec = 0;
}

/* Free memory the kernel keeps back from files: 1 MiB or 1/32 of RAM, whichever is more. */
static size_t reserve_bytes(void)
{
	size_t share = mm_total_bytes() / 32;

	return share > RAMFS_RESERVE_MIN ? share : RAMFS_RESERVE_MIN;
}

static uint8_t *page_alloc(struct ramfs *fs)
{
	uint8_t *p;

	if (mm_free_bytes() < reserve_bytes() + RAMFS_PAGE)
		return NULL;
	p = mm_alloc_pages(0);
	if (p) {
		mutex_lock(&fs->lock, SYNC_FOREVER);
		fs->pages_used++;
		mutex_unlock(&fs->lock);
	}
	return p;
}

static void page_free(struct ramfs *fs, uint8_t *p)
{
	if (!p)
		return;
	mm_free_pages(p, 0);
	mutex_lock(&fs->lock, SYNC_FOREVER);
	fs->pages_used--;
	mutex_unlock(&fs->lock);
}

static struct vfs_inode *node_new(struct vfs_mount *mnt, mode_t mode)
{
	struct ramfs *fs = mnt->fs_data;
	struct vfs_inode *n = vfs_inode_new(mnt);
	struct ramfs_node *r = calloc(1, sizeof(*r));

	if (!n || !r) {
		free(n);
		free(r);
		return NULL;
	}
	n->mode = mode;
	n->fs_data = r;
	mutex_lock(&fs->lock, SYNC_FOREVER);
	n->ino = fs->next_ino++;
	mutex_unlock(&fs->lock);
	now(&r->mtime);
	r->atime = r->ctime = r->mtime;
	return n;
}

static struct ramfs_entry **find(struct vfs_inode *dir, const char *name, size_t len)
{
	struct ramfs_entry **e = &rnode(dir)->children;

	for (; *e; e = &(*e)->next)
		if ((*e)->len == len && memcmp((*e)->name, name, len) == 0)
			return e;
	return NULL;
}

/* Add (name, len) -> node to dir, taking over the caller's reference to node. */
static int link_in(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode *node)
{
	struct ramfs_entry *e = malloc(sizeof(*e) + len);

	if (!e)
		return -ENOSPC;
	e->node = node;
	e->len = len;
	memcpy(e->name, name, len);
	e->next = rnode(dir)->children;
	rnode(dir)->children = e;
	now(&rnode(dir)->mtime);
	rnode(dir)->ctime = rnode(dir)->mtime;
	return 0;
}

static int ramfs_lookup(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode **out)
{
	struct ramfs_entry **e = find(dir, name, len);

	if (!e)
		return -ENOENT;
	vfs_inode_get((*e)->node);
	*out = (*e)->node;
	return 0;
}

static int make(struct vfs_inode *dir, const char *name, size_t len, mode_t mode, struct vfs_inode **out)
{
	struct vfs_inode *n = node_new(dir->mnt, mode);
	int rc;

	if (!n)
		return -ENOSPC;
	rc = link_in(dir, name, len, n);
	if (rc < 0) {
		vfs_inode_put(n);
		return rc;
	}
	if (out) {
		vfs_inode_get(n);
		*out = n;
	}
	return 0;
}

static int ramfs_create(struct vfs_inode *dir, const char *name, size_t len, mode_t mode,
                        struct vfs_inode **out)
{
	return make(dir, name, len, S_IFREG | (mode & 07777), out);
}

static int ramfs_mkdir(struct vfs_inode *dir, const char *name, size_t len, mode_t mode)
{
	return make(dir, name, len, S_IFDIR | (mode & 07777), NULL);
}

static int ramfs_symlink(struct vfs_inode *dir, const char *name, size_t len, const char *target)
{
	struct vfs_inode *n;
	int rc;

	rc = make(dir, name, len, S_IFLNK | 0777, &n);
	if (rc < 0)
		return rc;
	rnode(n)->target = strdup(target);
	rnode(n)->size = strlen(target);
	if (!rnode(n)->target) {
		struct ramfs_entry **e = find(dir, name, len), *gone = *e;

		*e = gone->next;
		free(gone);
		vfs_inode_put(n);
		rc = -ENOSPC;
	}
	vfs_inode_put(n);
	return rc;
}

static void unlink_entry(struct vfs_inode *dir, struct ramfs_entry **e)
{
	struct ramfs_entry *gone = *e;

	*e = gone->next;
	now(&rnode(dir)->mtime);
	rnode(dir)->ctime = rnode(dir)->mtime;
	vfs_inode_put(gone->node);
	free(gone);
}

static int ramfs_unlink(struct vfs_inode *dir, const char *name, size_t len)
{
	struct ramfs_entry **e = find(dir, name, len);

	if (!e)
		return -ENOENT;
	unlink_entry(dir, e);
	return 0;
}

static int ramfs_rmdir(struct vfs_inode *dir, const char *name, size_t len)
{
	struct ramfs_entry **e = find(dir, name, len);

	if (!e)
		return -ENOENT;
	if (rnode((*e)->node)->children)
		return -ENOTEMPTY;
	unlink_entry(dir, e);
	return 0;
}

static int ramfs_rename(struct vfs_inode *odir, const char *oname, size_t olen, struct vfs_inode *ndir,
                        const char *nname, size_t nlen)
{
	struct ramfs_entry **src = find(odir, oname, olen), **dst, *moved;
	struct vfs_inode *node;
	int rc;

	if (!src)
		return -ENOENT;
	node = (*src)->node;
	dst = find(ndir, nname, nlen);
	if (dst) {
		struct vfs_inode *old = (*dst)->node;

		if (old == node)
			return 0;
		if (S_ISDIR(old->mode) && rnode(old)->children)
			return -ENOTEMPTY;
	}
	/* The new entry first, so a failure leaves everything as it was. */
	moved = malloc(sizeof(*moved) + nlen);
	if (!moved)
		return -ENOSPC;
	if (dst)
		unlink_entry(ndir, find(ndir, nname, nlen));
	src = find(odir, oname, olen);
	moved->node = node;
	moved->len = nlen;
	memcpy(moved->name, nname, nlen);
	{
		struct ramfs_entry *gone = *src;

		*src = gone->next;
		free(gone);
	}
	moved->next = rnode(ndir)->children;
	rnode(ndir)->children = moved;
	now(&rnode(ndir)->mtime);
	rnode(odir)->mtime = rnode(ndir)->mtime;
	rnode(node)->ctime = rnode(ndir)->mtime;
	rc = 0;
	return rc;
}

static int ramfs_readdir(struct vfs_inode *dir, uint64_t *cookie, struct vfs_dirent *out)
{
	struct ramfs_entry *e = rnode(dir)->children;

	for (uint64_t i = 0; e && i < *cookie; i++)
		e = e->next;
	if (!e)
		return 0;
	memcpy(out->name, e->name, e->len);
	out->name[e->len] = '\0';
	out->ino = e->node->ino;
	out->type = S_ISDIR(e->node->mode) ? DT_DIR : S_ISLNK(e->node->mode) ? DT_LNK : DT_REG;
	(*cookie)++;
	return 1;
}

static ssize_t ramfs_readlink(struct vfs_inode *link, char *buf, size_t len)
{
	size_t n = strlen(rnode(link)->target);

	if (n > len)
		n = len;
	memcpy(buf, rnode(link)->target, n);
	return (ssize_t)n;
}

static ssize_t ramfs_read(struct vfs_inode *file, void *buf, size_t len, uint64_t off)
{
	struct ramfs_node *r = rnode(file);
	size_t done = 0;

	if (off >= r->size)
		return 0;
	if (len > r->size - off)
		len = (size_t)(r->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		size_t pg = (size_t)(pos / RAMFS_PAGE), in = (size_t)(pos % RAMFS_PAGE);
		size_t n = RAMFS_PAGE - in;

		if (n > len - done)
			n = len - done;
		if (pg < r->npages && r->pages[pg])
			memcpy((uint8_t *)buf + done, r->pages[pg] + in, n);
		else
			memset((uint8_t *)buf + done, 0, n);
		done += n;
	}
	now(&r->atime);
	return (ssize_t)done;
}

static int grow_table(struct ramfs_node *r, size_t want)
{
	size_t n = r->npages ? r->npages : 4;
	uint8_t **p;

	if (want <= r->npages)
		return 0;
	while (n < want)
		n *= 2;
	p = realloc(r->pages, n * sizeof(*p));
	if (!p)
		return -ENOSPC;
	memset(p + r->npages, 0, (n - r->npages) * sizeof(*p));
	r->pages = p;
	r->npages = n;
	return 0;
}

static ssize_t ramfs_write(struct vfs_inode *file, const void *buf, size_t len, uint64_t off)
{
	struct ramfs_node *r = rnode(file);
	size_t done = 0;

	if (len == 0)
		return 0;
	if (off + len < off || (off + len) / RAMFS_PAGE >= SIZE_MAX / sizeof(void *))
		return -EFBIG;
	if (grow_table(r, (size_t)((off + len + RAMFS_PAGE - 1) / RAMFS_PAGE)) < 0)
		return -ENOSPC;
	while (done < len) {
		uint64_t pos = off + done;
		size_t pg = (size_t)(pos / RAMFS_PAGE), in = (size_t)(pos % RAMFS_PAGE);
		size_t n = RAMFS_PAGE - in;

		if (n > len - done)
			n = len - done;
		if (!r->pages[pg]) {
			r->pages[pg] = page_alloc(rfs(file));
			if (!r->pages[pg])
				break;
		}
		memcpy(r->pages[pg] + in, (const uint8_t *)buf + done, n);
		done += n;
	}
	if (done == 0)
		return -ENOSPC;
	if (off + done > r->size)
		r->size = off + done;
	now(&r->mtime);
	r->ctime = r->mtime;
	return (ssize_t)done;
}

static int ramfs_truncate(struct vfs_inode *file, uint64_t size)
{
	struct ramfs_node *r = rnode(file);
	size_t keep = (size_t)((size + RAMFS_PAGE - 1) / RAMFS_PAGE);

	if (size / RAMFS_PAGE >= SIZE_MAX / sizeof(void *))
		return -EFBIG;
	if (size < r->size) {
		for (size_t i = keep; i < r->npages; i++) {
			page_free(rfs(file), r->pages[i]);
			r->pages[i] = NULL;
		}
		/* The tail of the last page reads as zeros if the file grows again. */
		if (size % RAMFS_PAGE && keep - 1 < r->npages && r->pages[keep - 1])
			memset(r->pages[keep - 1] + size % RAMFS_PAGE, 0, RAMFS_PAGE - size % RAMFS_PAGE);
	}
	r->size = size;
	now(&r->mtime);
	r->ctime = r->mtime;
	return 0;
}

static int ramfs_getattr(struct vfs_inode *node, struct stat *st)
{
	struct ramfs_node *r = rnode(node);

	memset(st, 0, sizeof(*st));
	st->st_ino = node->ino;
	st->st_mode = node->mode;
	st->st_nlink = S_ISDIR(node->mode) ? 2 : 1;
	st->st_size = S_ISDIR(node->mode) ? 0 : (off_t)r->size;
	st->st_blksize = RAMFS_PAGE;
	st->st_blocks = (blkcnt_t)((r->size + 511) / 512);
	st->st_atim = r->atime;
	st->st_mtim = r->mtime;
	st->st_ctim = r->ctime;
	return 0;
}

static int ramfs_set_times(struct vfs_inode *node, const struct timespec *atime, const struct timespec *mtime)
{
	struct ramfs_node *r = rnode(node);

	if (atime)
		r->atime = *atime;
	if (mtime)
		r->mtime = *mtime;
	now(&r->ctime);
	return 0;
}

static int ramfs_fsync(struct vfs_inode *node, bool data_only) { return 0; }

static void ramfs_release(struct vfs_inode *node)
{
	struct ramfs_node *r = rnode(node);

	if (!r)
		return;
	for (size_t i = 0; i < r->npages; i++)
		page_free(rfs(node), r->pages[i]);
	free(r->pages);
	free(r->target);
	/* A directory goes only when empty, except at unmount, where the tree is taken down. */
	while (r->children) {
		struct ramfs_entry *e = r->children;

		r->children = e->next;
		vfs_inode_put(e->node);
		free(e);
	}
	free(r);
	node->fs_data = NULL;
}

static int ramfs_statvfs(struct vfs_mount *mnt, struct statvfs *st)
{
	struct ramfs *fs = mnt->fs_data;
	size_t free_bytes = mm_free_bytes(), reserve = reserve_bytes();
	fsblkcnt_t avail = free_bytes > reserve ? (free_bytes - reserve) / RAMFS_PAGE : 0;

	memset(st, 0, sizeof(*st));
	st->f_bsize = st->f_frsize = RAMFS_PAGE;
	st->f_blocks = avail + fs->pages_used;
	st->f_bfree = st->f_bavail = avail;
	st->f_files = st->f_ffree = st->f_favail = avail;
	st->f_namemax = VFS_NAME_MAX;
	return 0;
}

static int ramfs_sync(struct vfs_mount *mnt) { return 0; }

static int ramfs_unmount(struct vfs_mount *mnt)
{
	free(mnt->fs_data);
	return 0;
}

static const struct vfs_ops ramfs_ops = {
        .lookup = ramfs_lookup,
        .create = ramfs_create,
        .mkdir = ramfs_mkdir,
        .symlink = ramfs_symlink,
        .unlink = ramfs_unlink,
        .rmdir = ramfs_rmdir,
        .rename = ramfs_rename,
        .readdir = ramfs_readdir,
        .readlink = ramfs_readlink,
        .read = ramfs_read,
        .write = ramfs_write,
        .truncate = ramfs_truncate,
        .getattr = ramfs_getattr,
        .set_times = ramfs_set_times,
        .fsync = ramfs_fsync,
        .release = ramfs_release,
        .statvfs = ramfs_statvfs,
        .sync = ramfs_sync,
        .unmount = ramfs_unmount,
};

static int ramfs_mount(struct vfs_mount *mnt, struct blkdev *source, const void *data, size_t len)
{
	struct ramfs *fs = calloc(1, sizeof(*fs));

	(void)source, (void)data, (void)len;
	if (!fs)
		return -ENOMEM;
	mutex_init(&fs->lock, false);
	fs->next_ino = 1;
	mnt->fs_data = fs;
	mnt->ops = &ramfs_ops;
	mnt->root = node_new(mnt, S_IFDIR | 01777);
	if (!mnt->root) {
		free(fs);
		return -ENOMEM;
	}
	return 0;
}

FS_TYPE(ramfs, "ramfs", NULL, ramfs_mount);
