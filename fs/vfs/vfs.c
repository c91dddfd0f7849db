/* SPDX-License-Identifier: MIT */
/* vfs.c: the mount table, the filesystem-type registry (FS_TYPE, linker section
 * "mote_fs_types") and path lookup across mounts, through "." and ".." and symlinks. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/blkdev.h>
#include <mote/log.h>

#include "vfs_dcache.h"
#include "vfs_internal.h"
#include "vfs_path.h"

#define VFS_MOUNTS_MAX 32

/* Weak: the bounds exist only when the image links at least one filesystem type. */
extern const struct vfs_fs_type __start_mote_fs_types[] __attribute__((weak));
extern const struct vfs_fs_type __stop_mote_fs_types[] __attribute__((weak));

struct mount_entry {
	char *path; /* absolute, normalised; NULL for a free slot */
	struct vfs_mount *mnt;
	unsigned users; /* open files and directories */
	bool ready;     /* mounted; false while a mount in progress holds the slot */
};

/* mount_lock guards the table (and the users counts); taken briefly, never across a
 * filesystem call, so lookups on different mounts do not wait for each other. */
static struct mutex mount_lock = MUTEX_INIT;
static struct mount_entry mounts[VFS_MOUNTS_MAX];
/* One past the highest slot ever reserved (guarded by mount_lock): the lookups every path
 * component makes scan only these, not all 32 slots (a stat() of /tmp/f made five such scans). */
static int mounts_end;
/* Bumped (under mount_lock) whenever a mount point appears or goes: name cache entries carry the
 * value read before their path was checked against the table, so one still current needs no new
 * check (vfs_dcache.h). Starts above VFS_DCACHE_GEN_NONE and skips it when it wraps. */
static unsigned mount_gen = 1;

static void mount_gen_bump(void)
{
	unsigned g = mount_gen + 1;

	__atomic_store_n(&mount_gen, g == VFS_DCACHE_GEN_NONE ? g + 1 : g, __ATOMIC_RELEASE);
}

/* Path calls in progress: they hold inodes of any mount without counting as its users, so
 * vfs_umount waits until none is running (and holds new ones back) before it decides. */
static struct mutex calls_lock = MUTEX_INIT;
static struct cond calls_done;
static unsigned calls_running;

void vfs_call_enter(void)
{
	mutex_lock(&calls_lock, SYNC_FOREVER);
	calls_running++;
	mutex_unlock(&calls_lock);
}

void vfs_call_leave(void)
{
	mutex_lock(&calls_lock, SYNC_FOREVER);
	if (--calls_running == 0)
		cond_broadcast(&calls_done);
	mutex_unlock(&calls_lock);
}

static const struct vfs_fs_type *fs_type_find(const char *name)
{
	for (const struct vfs_fs_type *t = __start_mote_fs_types; t < __stop_mote_fs_types; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

/* The mount whose point is exactly `path`, with a reference on its root; NULL if none. With
 * gen, also the table's generation the answer belongs to. */
static struct vfs_inode *mount_root_at_gen(const char *path, unsigned *gen)
{
	struct vfs_inode *root = NULL;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	if (gen)
		*gen = mount_gen;
	for (int i = 0; i < mounts_end; i++) {
		if (mounts[i].ready && strcmp(mounts[i].path, path) == 0) {
			root = mounts[i].mnt->root;
			vfs_inode_get(root);
			break;
		}
	}
	mutex_unlock(&mount_lock);
	return root;
}

static struct vfs_inode *mount_root_at(const char *path) { return mount_root_at_gen(path, NULL); }

/* Whether some mount point lies strictly below `path`. */
static bool mount_below(const char *path)
{
	bool found = false;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < mounts_end && !found; i++)
		if (mounts[i].ready && strcmp(mounts[i].path, path) != 0 &&
		    vfs_path_under(mounts[i].path, path) >= 0)
			found = true;
	mutex_unlock(&mount_lock);
	return found;
}

static struct mount_entry *entry_of(struct vfs_mount *mnt)
{
	for (int i = 0; i < mounts_end; i++)
		if (mounts[i].ready && mounts[i].mnt == mnt)
			return &mounts[i];
	return NULL;
}

void vfs_mount_use(struct vfs_mount *mnt)
{
	struct mount_entry *e;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	e = entry_of(mnt);
	if (e)
		e->users++;
	mutex_unlock(&mount_lock);
}

void vfs_mount_unuse(struct vfs_mount *mnt)
{
	struct mount_entry *e;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	e = entry_of(mnt);
	if (e && e->users > 0)
		e->users--;
	mutex_unlock(&mount_lock);
}

/* Directories that exist only because a mount point lies below them ("/mnt" for a disk at
 * "/mnt/disk" when the root has no "/mnt"): read-only, listing the next component of each
 * mount point under them. */
static int vdir_getattr(struct vfs_inode *node, struct stat *st)
{
	memset(st, 0, sizeof(*st));
	st->st_mode = node->mode;
	st->st_ino = node->ino;
	st->st_nlink = 2;
	return 0;
}

static int vdir_readdir(struct vfs_inode *dir, uint64_t *cookie, struct vfs_dirent *out)
{
	const char *path = dir->fs_data;
	uint64_t seen = 0;
	int rc = 0;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
		const char *rest, *name;
		size_t len;
		int skip;

		if (!mounts[i].path || strcmp(mounts[i].path, path) == 0)
			continue;
		skip = vfs_path_under(mounts[i].path, path);
		if (skip < 0)
			continue;
		if (seen++ < *cookie)
			continue;
		rest = mounts[i].path + skip;
		if (vfs_path_next(&rest, &name, &len) != 1)
			continue;
		memcpy(out->name, name, len);
		out->name[len] = '\0';
		out->type = DT_DIR;
		out->ino = 1000 + (uint64_t)i;
		(*cookie)++;
		rc = 1;
		break;
	}
	mutex_unlock(&mount_lock);
	return rc;
}

static void vdir_release(struct vfs_inode *node) { free(node->fs_data); }

static const struct vfs_ops vdir_ops = {
        .getattr = vdir_getattr,
        .readdir = vdir_readdir,
        .release = vdir_release,
};

static struct vfs_mount vdir_mount = {.ops = &vdir_ops, .flags = VFS_MOUNT_RDONLY, .fstype = "vdir"};

static struct vfs_inode *vdir_new(const char *path)
{
	struct vfs_inode *node = vfs_inode_new(&vdir_mount);

	if (!node)
		return NULL;
	node->fs_data = strdup(path);
	if (!node->fs_data) {
		free(node);
		return NULL;
	}
	node->mode = S_IFDIR | 0555;
	node->ino = 1;
	return node;
}

/* The child `name` of dir into *out, with a reference; `childpath` is the child's absolute
 * path. A mount point's root comes first (the deepest mount wins), then the directory's own
 * entry, then a virtual directory when a mount point lies below a name that is absent. A name
 * cache entry as new as the mount table answers for all three (vfs_dcache.h). */
static int step(struct vfs_inode *dir, const char *childpath, const char *name, size_t len,
                struct vfs_inode **out, unsigned *absent_gen)
{
	struct vfs_mount *mnt = dir->mnt;
	unsigned gen = __atomic_load_n(&mount_gen, __ATOMIC_ACQUIRE);
	bool below = false;
	int rc;

	if (S_ISDIR(dir->mode)) {
		rc = vfs_dcache_find(dir, name, len, gen, out);
		if (rc == -ENOENT)
			*absent_gen = gen;
		if (rc <= 0)
			return rc;
	}
	*out = mount_root_at_gen(childpath, &gen);
	if (*out) {
		/* A mount point's root too ("/tmp" in every walk to a file there): an entry of
		 * dir's that names another mount's root, current until the table changes. */
		if (S_ISDIR(dir->mode) && mnt->ops->lookup) {
			mutex_lock(&mnt->ns_lock, SYNC_FOREVER);
			vfs_dcache_add(dir, name, len, *out, gen);
			mutex_unlock(&mnt->ns_lock);
		}
		return 0;
	}
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	if (!mnt->ops->lookup) {
		rc = -ENOENT;
		below = mount_below(childpath);
	} else {
		/* mount_lock nests inside ns_lock (it is never held across a filesystem call). */
		mutex_lock(&mnt->ns_lock, SYNC_FOREVER);
		rc = mnt->ops->lookup(dir, name, len, out);
		if (rc == 0) {
			vfs_dcache_add(dir, name, len, *out, gen); /* under ns_lock: the dcache rule */
		} else if (rc == -ENOENT) {
			below = mount_below(childpath);
			/* Absent, with no mount at or below it as of gen: a mount since makes it old. */
			if (!below)
				vfs_dcache_add(dir, name, len, NULL, gen);
		}
		mutex_unlock(&mnt->ns_lock);
	}
	if (rc == -ENOENT && below) {
		*out = vdir_new(childpath);
		rc = *out ? 0 : -ENOMEM;
	} else if (rc == -ENOENT) {
		*absent_gen = gen; /* no mount at or below the name as of gen */
	}
	return rc;
}

static bool only_slashes(const char *s)
{
	while (*s == '/')
		s++;
	return *s == '\0';
}

/* The inode at an absolute path that has no symlinks, "." or ".." (a walk's own path). */
static int walk_plain(const char *path, struct vfs_inode **out)
{
	char *sofar;
	struct vfs_inode *cur, *next;
	const char *name;
	size_t len;
	unsigned absent_gen;
	int rc;

	if (only_slashes(path)) { /* every absolute walk starts here: no buffer needed */
		*out = mount_root_at("/");
		return *out ? 0 : -ENOENT;
	}
	sofar = malloc(VFS_PATH_MAX);
	if (!sofar)
		return -ENOMEM;
	cur = mount_root_at("/");
	if (!cur) {
		free(sofar);
		return -ENOENT;
	}
	strcpy(sofar, "/");
	while ((rc = vfs_path_next(&path, &name, &len)) > 0) {
		rc = vfs_path_push(sofar, VFS_PATH_MAX, name, len);
		if (rc == 0)
			rc = step(cur, sofar, name, len, &next, &absent_gen);
		vfs_inode_put(cur);
		if (rc < 0) {
			free(sofar);
			return rc;
		}
		cur = next;
	}
	free(sofar);
	if (rc < 0) {
		vfs_inode_put(cur);
		return rc;
	}
	*out = cur;
	return 0;
}

static int read_link(struct vfs_inode *link, char *buf, size_t cap)
{
	ssize_t n;

	if (!link->mnt->ops->readlink)
		return -EINVAL;
	mutex_lock(&link->lock, SYNC_FOREVER);
	n = link->mnt->ops->readlink(link, buf, cap - 1);
	mutex_unlock(&link->lock);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	buf[n] = '\0';
	return 0;
}

int vfs_walk(const char *base, const char *path, int flags, struct vfs_walk *w)
{
	char *pending, *target;
	const char *p, *name;
	struct vfs_inode *cur = NULL, *next;
	unsigned links = 0;
	size_t len;
	int rc;

	memset(w, 0, offsetof(struct vfs_walk, path));
	w->absent_gen = VFS_DCACHE_GEN_NONE;
	if (path[0] == '\0')
		return -ENOENT;
	if (strlen(path) >= VFS_PATH_MAX) /* libc's SSE2 strlen; newlib's strnlen reads bytewise */
		return -ENAMETOOLONG;
	/* The walk reads the caller's path until a symlink is met; only then does what is left go
	 * into a buffer of its own, behind the link's target (a stat() made no copy). */
	pending = target = NULL;
	if (path[0] == '/' || base == NULL)
		strcpy(w->path, "/");
	else
		strcpy(w->path, base);
	rc = walk_plain(w->path, &cur);
	if (rc < 0)
		goto out;
	p = path;
	for (;;) {
		bool last, trailing;
		int mark;

		rc = vfs_path_next(&p, &name, &len);
		if (rc <= 0)
			break;
		last = only_slashes(p);
		trailing = last && *p == '/';
		if (len == 1 && name[0] == '.')
			continue;
		if (len == 2 && name[0] == '.' && name[1] == '.') {
			vfs_path_pop(w->path);
			vfs_inode_put(cur);
			cur = NULL;
			rc = walk_plain(w->path, &cur);
			if (rc < 0)
				goto out;
			continue;
		}
		mark = (int)strlen(w->path);
		rc = vfs_path_push(w->path, VFS_PATH_MAX, name, len);
		if (rc < 0)
			goto out;
		rc = step(cur, w->path, name, len, &next, &w->absent_gen);
		if (rc == -ENOENT && last && (flags & VFS_WALK_PARENT)) {
			memcpy(w->name, name, len);
			w->name[len] = '\0';
			w->len = len;
			w->parent = cur;
			cur = NULL;
			rc = 0;
			goto out;
		}
		if (rc < 0)
			goto out;
		if (S_ISLNK(next->mode) && (!last || trailing || (flags & VFS_WALK_FOLLOW))) {
			size_t tlen, rlen = strlen(p);

			if (++links > VFS_SYMLOOP_MAX) {
				vfs_inode_put(next);
				rc = -ELOOP;
				goto out;
			}
			if (!pending && !(pending = malloc(2 * VFS_PATH_MAX))) {
				vfs_inode_put(next);
				rc = -ENOMEM;
				goto out;
			}
			if (!target && !(target = malloc(VFS_PATH_MAX))) {
				vfs_inode_put(next);
				rc = -ENOMEM;
				goto out;
			}
			rc = read_link(next, target, VFS_PATH_MAX);
			vfs_inode_put(next);
			if (rc < 0)
				goto out;
			tlen = strlen(target);
			if (tlen + 1 + rlen + 1 > VFS_PATH_MAX) {
				rc = -ENAMETOOLONG;
				goto out;
			}
			/* The rest of the walk is the link's target followed by what was left (p points
			 * into the caller's path or into pending itself: memmove allows both). */
			memmove(pending + tlen + 1, p, rlen + 1);
			memcpy(pending, target, tlen);
			pending[tlen] = '/';
			p = pending;
			if (target[0] == '/') {
				strcpy(w->path, "/");
				vfs_inode_put(cur);
				cur = NULL;
				rc = walk_plain("/", &cur);
				if (rc < 0)
					goto out;
			} else {
				w->path[mark > 1 ? mark : 1] = '\0';
			}
			continue;
		}
		if (last && (flags & VFS_WALK_PARENT)) {
			memcpy(w->name, name, len);
			w->name[len] = '\0';
			w->len = len;
			w->parent = cur;
			cur = next;
			break;
		}
		vfs_inode_put(cur);
		cur = next;
	}
	if (rc < 0)
		goto out;
	if (cur && !S_ISDIR(cur->mode) && path[strlen(path) - 1] == '/') {
		rc = -ENOTDIR;
		goto out;
	}
	w->node = cur;
	cur = NULL;
	rc = 0;
out:
	if (cur)
		vfs_inode_put(cur);
	if (rc < 0 && w->parent) {
		vfs_inode_put(w->parent);
		w->parent = NULL;
	}
	free(pending);
	free(target);
	return rc;
}

/* Whether (name, len) is "." or "..": the fast walk leaves those to vfs_walk. */
static bool dot_name(const char *name, size_t len)
{
	return name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'));
}

int vfs_walk_cached(const char *path, int flags, struct vfs_inode **out)
{
	struct vfs_inode *cur, *next;
	unsigned gen;
	size_t total = strlen(path);
	int rc;

	*out = NULL;
	/* vfs_walk answers the errors (ENAMETOOLONG first) and a trailing slash (ENOTDIR). */
	if (path[0] != '/' || total >= VFS_PATH_MAX || path[total - 1] == '/')
		return 1;
	gen = __atomic_load_n(&mount_gen, __ATOMIC_ACQUIRE);
	cur = mount_root_at("/");
	if (!cur)
		return 1;
	for (const char *p = path;;) {
		const char *name;
		size_t len = 0;

		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		name = p;
		while (p[len] != '\0' && p[len] != '/')
			len++;
		p += len;
		/* A long name or a dot needs vfs_walk; so does a name below a non-directory
		 * (step's ENOTDIR, or a mount point on a file). */
		if (len > VFS_NAME_MAX || dot_name(name, len) || !S_ISDIR(cur->mode)) {
			rc = 1;
			break;
		}
		/* step() asks the same cache first, with the same generation rule: a current entry is
		 * its answer, including an absent name (ENOENT for the whole path, as vfs_walk says
		 * at the first absent component, whatever follows). */
		rc = vfs_dcache_find(cur, name, len, gen, &next);
		if (rc != 0)
			break;
		vfs_inode_put(cur);
		cur = next;
		/* A symlink to follow: vfs_walk reads it (and builds the path it needs). */
		if (S_ISLNK(cur->mode) && (*p != '\0' || (flags & VFS_WALK_FOLLOW))) {
			rc = 1;
			break;
		}
	}
	if (rc != 0) {
		vfs_inode_put(cur);
		return rc;
	}
	*out = cur;
	return 0;
}

void vfs_walk_done(struct vfs_walk *w)
{
	if (w->node)
		vfs_inode_put(w->node);
	if (w->parent)
		vfs_inode_put(w->parent);
	w->node = w->parent = NULL;
}

/* Mount a new vfs_mount of `type` at `path` (normalised here). */
static int mount_at(const struct vfs_fs_type *type, struct blkdev *dev, const void *data, size_t len,
                    const char *path, unsigned flags)
{
	struct vfs_mount *mnt;
	char *norm;
	int rc, slot = -1;

	norm = malloc(VFS_PATH_MAX);
	mnt = calloc(1, sizeof(*mnt));
	if (!norm || !mnt) {
		free(norm);
		free(mnt);
		return -ENOMEM;
	}
	rc = path[0] == '/' ? vfs_path_normalize("/", path, norm, VFS_PATH_MAX) : -EINVAL;
	if (rc < 0) {
		free(norm);
		free(mnt);
		return rc;
	}
	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
		if (mounts[i].path && strcmp(mounts[i].path, norm) == 0) {
			rc = -EBUSY;
			break;
		}
		if (!mounts[i].path && slot < 0)
			slot = i;
	}
	if (rc == 0 && slot < 0)
		rc = -ENOSPC;
	if (rc == 0) {
		mounts[slot].path = norm; /* reserved; mnt set below */
		if (slot >= mounts_end)
			mounts_end = slot + 1;
	}
	mutex_unlock(&mount_lock);
	if (rc < 0) {
		free(norm);
		free(mnt);
		return rc;
	}
	mnt->dev = dev;
	mnt->flags = flags;
	mnt->fstype = type->name;
	mutex_init(&mnt->ns_lock, false);
	mounts[slot].mnt = mnt;
	rc = type->mount(mnt, dev, data, len);
	if (rc == 0 && (!mnt->root || !mnt->ops))
		rc = -EIO;
	/* Lookups see the slot only once it is ready: before, its root may not exist yet. */
	mutex_lock(&mount_lock, SYNC_FOREVER);
	if (rc < 0) {
		mounts[slot].path = NULL;
		mounts[slot].mnt = NULL;
	} else {
		mounts[slot].ready = true;
		mount_gen_bump();
	}
	mutex_unlock(&mount_lock);
	if (rc < 0) {
		free(norm);
		free(mnt);
		return rc;
	}
	log_info("fs: %s%s%s mounted at %s%s", type->name, dev ? " on " : "", dev ? dev->name : "", norm,
	         (flags & VFS_MOUNT_RDONLY) ? " (read-only)" : "");
	return 0;
}

int vfs_mount_device(const char *source, const char *path, const char *fstype, unsigned flags)
{
	const struct vfs_fs_type *type = NULL;
	struct blkdev *dev = NULL;
	int rc;

	if (source && source[0] != '\0') {
		dev = blkdev_find(source);
		if (!dev) {
			log_err("fs: mount %s at %s: no such device", source, path);
			return -ENODEV;
		}
		if (dev->read_only)
			flags |= VFS_MOUNT_RDONLY;
	}
	if (fstype) {
		type = fs_type_find(fstype);
		if (!type) {
			log_err("fs: mount at %s: no filesystem type \"%s\" in this image", path, fstype);
			return -ENODEV;
		}
	} else if (dev) {
		for (const struct vfs_fs_type *t = __start_mote_fs_types; t < __stop_mote_fs_types; t++) {
			if (t->probe && t->probe(dev)) {
				type = t;
				break;
			}
		}
		if (!type) {
			log_err("fs: mount %s at %s: no filesystem recognised", source, path);
			return -EINVAL;
		}
	} else {
		type = fs_type_find("ramfs");
		if (!type)
			return -ENODEV;
	}
	rc = mount_at(type, dev, NULL, 0, path, flags);
	if (rc < 0)
		log_err("fs: mount %s (%s) at %s failed: error %d", dev ? source : "(memory)", type->name,
		        path, -rc);
	return rc;
}

int vfs_mount_memory(const void *data, size_t len, const char *path, const char *fstype, unsigned flags)
{
	const struct vfs_fs_type *type = fs_type_find(fstype);
	int rc;

	if (!type) {
		log_err("fs: mount at %s: no filesystem type \"%s\" in this image", path, fstype);
		return -ENODEV;
	}
	rc = mount_at(type, NULL, data, len, path, flags);
	if (rc < 0)
		log_err("fs: mount %s at %s failed: error %d", fstype, path, -rc);
	return rc;
}

int vfs_umount(const char *path)
{
	struct vfs_mount *mnt = NULL;
	char *norm = malloc(VFS_PATH_MAX);
	int rc, slot = -1;

	if (!norm)
		return -ENOMEM;
	rc = path[0] == '/' ? vfs_path_normalize("/", path, norm, VFS_PATH_MAX) : -EINVAL;
	if (rc < 0) {
		free(norm);
		return rc;
	}
	/* No path call runs while the mount is judged and taken out of the table; calls_lock
	 * held keeps new ones waiting at their start. */
	mutex_lock(&calls_lock, SYNC_FOREVER);
	while (calls_running > 0)
		cond_wait(&calls_done, &calls_lock, SYNC_FOREVER);
	/* The name cache's references are not users: drop them (no path call runs to add more)
	 * before the root's references are counted, and so that the files' inodes are released
	 * (their entries written) before the filesystem syncs. */
	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_MOUNTS_MAX; i++)
		if (mounts[i].ready && strcmp(mounts[i].path, norm) == 0)
			mnt = mounts[i].mnt;
	mutex_unlock(&mount_lock);
	if (mnt)
		vfs_dcache_drop_mount(mnt);
	mnt = NULL;
	mutex_lock(&mount_lock, SYNC_FOREVER);
	rc = -EINVAL; /* not a mount point */
	for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
		if (mounts[i].ready && strcmp(mounts[i].path, norm) == 0) {
			slot = i;
			break;
		}
	}
	if (slot >= 0) {
		mnt = mounts[slot].mnt;
		/* The root's own reference is the mount's: any other is an open directory. */
		if (mounts[slot].users > 0 || mnt->root->refs > 1) {
			rc = -EBUSY;
		} else {
			rc = 0;
			free(mounts[slot].path);
			mounts[slot].path = NULL;
			mounts[slot].mnt = NULL;
			mounts[slot].ready = false;
			mount_gen_bump();
		}
	}
	mutex_unlock(&mount_lock);
	mutex_unlock(&calls_lock);
	free(norm);
	if (rc < 0)
		return rc;
	if (mnt->ops->sync)
		mnt->ops->sync(mnt);
	vfs_inode_put(mnt->root);
	if (mnt->ops->unmount)
		rc = mnt->ops->unmount(mnt);
	free(mnt);
	return rc;
}

void vfs_sync_all(void)
{
	struct vfs_mount *list[VFS_MOUNTS_MAX];
	int n = 0;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_MOUNTS_MAX; i++)
		if (mounts[i].ready && mounts[i].mnt->ops && mounts[i].mnt->ops->sync &&
		    !(mounts[i].mnt->flags & VFS_MOUNT_RDONLY))
			list[n++] = mounts[i].mnt;
	mutex_unlock(&mount_lock);
	/* A mount cannot go away meanwhile except through umount, which syncs it itself. */
	for (int i = 0; i < n; i++) {
		int rc = list[i]->ops->sync(list[i]);

		if (rc < 0)
			log_err("fs: sync of %s failed: error %d", list[i]->fstype, -rc);
	}
}

int vfs_mount_point_of(struct vfs_mount *mnt, char *buf, size_t cap)
{
	int rc = -ENOENT;

	mutex_lock(&mount_lock, SYNC_FOREVER);
	for (int i = 0; i < VFS_MOUNTS_MAX; i++) {
		if (mounts[i].ready && mounts[i].mnt == mnt) {
			rc = strlen(mounts[i].path) < cap ? 0 : -ENAMETOOLONG;
			if (rc == 0)
				strcpy(buf, mounts[i].path);
			break;
		}
	}
	mutex_unlock(&mount_lock);
	return rc;
}
