/* SPDX-License-Identifier: MIT */
/* vfs_dcache.c: the VFS's name cache (vfs_dcache.h): a hash of (directory, name) entries,
 * an LRU list, and per inode the entries naming it and the entries under it, so removing
 * a name drops exactly what it invalidates. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mm.h>
#include <mote/sync.h>

#include "vfs_dcache.h"

#define DCACHE_RAM_SHARE (64 * 1024) /* one entry per 64 KiB free at first use */
#define DCACHE_MIN       64
#define DCACHE_MAX       8192

struct vfs_dentry {
	struct vfs_dentry *hnext, **hpprev;           /* hash chain */
	struct vfs_dentry *lru_next, *lru_prev;       /* most recent first */
	struct vfs_dentry *alias_next, **alias_pprev; /* child->dc_aliases */
	struct vfs_dentry *sib_next, **sib_pprev;     /* parent->dc_children, or dc_absent */
	struct vfs_inode *parent, *child;             /* both referenced; child NULL: absent */
	unsigned gen;                                 /* the mount table's, when added */
	uint32_t hash;
	uint16_t len;
	char name[];
};

static struct {
	struct once once;
	struct mutex lock;
	struct vfs_dentry **hash;
	uint32_t mask;
	size_t cap, count;
	struct vfs_dentry lru; /* sentinel */
} dc = {.once = ONCE_INIT};

static void dc_init(void)
{
	size_t cap = mm_free_bytes() / DCACHE_RAM_SHARE;
	uint32_t buckets = 64;

	mutex_init(&dc.lock, false);
	cap = cap < DCACHE_MIN ? DCACHE_MIN : cap > DCACHE_MAX ? DCACHE_MAX : cap;
	while (buckets < cap)
		buckets *= 2;
	dc.lru.lru_next = dc.lru.lru_prev = &dc.lru;
	dc.hash = calloc(buckets, sizeof(*dc.hash));
	if (dc.hash) {
		dc.mask = buckets - 1;
		dc.cap = cap;
	}
}

/* The name eight bytes at a time (a walk hashes every component it looks up: a byte-wise FNV-1a
 * was a third of a cached stat()'s lookups), mixed with the directory's address and the length. */
static uint32_t hash_of(const struct vfs_inode *dir, const char *name, size_t len)
{
	const uint64_t k = 0x9e3779b97f4a7c15ull;
	uint64_t h = ((uintptr_t)dir >> 4) * k ^ len, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		__builtin_memcpy(&w, name + i, 8); /* one load: fs/ builds without builtins */
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	if (i < len) {
		w = 0;
		for (size_t j = 0; i + j < len; j++)
			w |= (uint64_t)(uint8_t)name[i + j] << (8 * j);
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	h *= k;
	return (uint32_t)(h ^ (h >> 32));
}

static struct vfs_dentry *find(const struct vfs_inode *dir, const char *name, size_t len, uint32_t h)
{
	for (struct vfs_dentry *d = dc.hash[h & dc.mask]; d; d = d->hnext)
		if (d->hash == h && d->parent == dir && d->len == len && memcmp(d->name, name, len) == 0)
			return d;
	return NULL;
}

static void lru_unlink(struct vfs_dentry *d)
{
	d->lru_prev->lru_next = d->lru_next;
	d->lru_next->lru_prev = d->lru_prev;
}

static void lru_push(struct vfs_dentry *d)
{
	d->lru_next = dc.lru.lru_next;
	d->lru_prev = &dc.lru;
	dc.lru.lru_next->lru_prev = d;
	dc.lru.lru_next = d;
}

/* Link d at the head of the list whose head pointer is *head. */
#define LIST_PUSH(head, d, field)                                      \
	do {                                                           \
		(d)->field##_next = *(head);                           \
		if (*(head))                                           \
			(*(head))->field##_pprev = &(d)->field##_next; \
		*(head) = (d);                                         \
		(d)->field##_pprev = (head);                           \
	} while (0)

#define LIST_DEL(d, field)                                                     \
	do {                                                                   \
		*(d)->field##_pprev = (d)->field##_next;                       \
		if ((d)->field##_next)                                         \
			(d)->field##_next->field##_pprev = (d)->field##_pprev; \
	} while (0)

/* Take d out of every list onto *dead (through hnext), for putting its references after
 * the lock is dropped. Caller holds the lock. */
static void unlink_entry(struct vfs_dentry *d, struct vfs_dentry **dead)
{
	*d->hpprev = d->hnext;
	if (d->hnext)
		d->hnext->hpprev = d->hpprev;
	lru_unlink(d);
	if (d->child)
		LIST_DEL(d, alias);
	LIST_DEL(d, sib);
	dc.count--;
	d->hnext = *dead;
	*dead = d;
}

/* The last references may call a filesystem's release: outside the lock. */
static void free_dead(struct vfs_dentry *dead)
{
	while (dead) {
		struct vfs_dentry *next = dead->hnext;

		if (dead->child)
			vfs_inode_put(dead->child);
		vfs_inode_put(dead->parent);
		free(dead);
		dead = next;
	}
}

struct vfs_inode *vfs_dcache_lookup(struct vfs_inode *dir, const char *name, size_t len)
{
	struct vfs_inode *child = NULL;
	uint32_t h = hash_of(dir, name, len);

	once_run(&dc.once, dc_init);
	if (!dc.cap)
		return NULL;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	struct vfs_dentry *d = find(dir, name, len, h);

	/* Not a mount's root cached under the directory it covers: callers ask what the
	 * directory's own filesystem holds under the name. */
	if (d && d->child && d->child->mnt == dir->mnt) {
		lru_unlink(d);
		lru_push(d);
		child = d->child;
		vfs_inode_get(child);
	}
	mutex_unlock(&dc.lock);
	return child;
}

int vfs_dcache_find(struct vfs_inode *dir, const char *name, size_t len, unsigned gen, struct vfs_inode **out)
{
	int rc = 1;
	uint32_t h = hash_of(dir, name, len);

	once_run(&dc.once, dc_init);
	*out = NULL;
	if (!dc.cap || gen == VFS_DCACHE_GEN_NONE)
		return 1;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	struct vfs_dentry *d = find(dir, name, len, h);

	if (d && d->gen == gen) {
		lru_unlink(d);
		lru_push(d);
		if (d->child) {
			*out = d->child;
			vfs_inode_get(d->child);
			rc = 0;
		} else {
			rc = -ENOENT;
		}
	}
	mutex_unlock(&dc.lock);
	return rc;
}

/* Drop the entry for (dir, name), if any. */
static void forget(struct vfs_inode *dir, const char *name, size_t len)
{
	struct vfs_dentry *dead = NULL, *d;
	uint32_t h = hash_of(dir, name, len);

	mutex_lock(&dc.lock, SYNC_FOREVER);
	d = find(dir, name, len, h);
	if (d)
		unlink_entry(d, &dead);
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

void vfs_dcache_drop_absent(struct vfs_inode *dir)
{
	struct vfs_dentry *dead = NULL;

	once_run(&dc.once, dc_init);
	if (!dc.cap)
		return;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	while (dir->dc_absent)
		unlink_entry(dir->dc_absent, &dead);
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

void vfs_dcache_add(struct vfs_inode *dir, const char *name, size_t len, struct vfs_inode *child,
                    unsigned gen)
{
	struct vfs_dentry *dead = NULL, *d, *old;
	uint32_t h = hash_of(dir, name, len);

	once_run(&dc.once, dc_init);
	if (!dc.cap || len == 0 || len > VFS_NAME_MAX || child == dir)
		return;
	d = malloc(sizeof(*d) + len);
	if (!d) {
		forget(dir, name, len); /* an old entry may say otherwise now */
		return;
	}
	d->parent = dir;
	d->child = child;
	d->gen = gen;
	d->hash = h;
	d->len = (uint16_t)len;
	memcpy(d->name, name, len);
	mutex_lock(&dc.lock, SYNC_FOREVER);
	/* Under ns_lock the new entry is what the filesystem says now: it replaces an old one
	 * (absent before the name was made, or of an older mount table). */
	old = find(dir, name, len, h);
	if (old)
		unlink_entry(old, &dead);
	if (dc.count >= dc.cap)
		unlink_entry(dc.lru.lru_prev, &dead);
	vfs_inode_get(dir);
	if (child)
		vfs_inode_get(child);
	struct vfs_dentry **bucket = &dc.hash[h & dc.mask];

	d->hnext = *bucket;
	if (*bucket)
		(*bucket)->hpprev = &d->hnext;
	*bucket = d;
	d->hpprev = bucket;
	lru_push(d);
	if (child)
		LIST_PUSH(&child->dc_aliases, d, alias);
	LIST_PUSH(child ? &dir->dc_children : &dir->dc_absent, d, sib);
	dc.count++;
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

void vfs_dcache_drop_node(struct vfs_inode *node)
{
	struct vfs_dentry *dead = NULL;

	once_run(&dc.once, dc_init);
	if (!dc.cap)
		return;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	while (node->dc_aliases)
		unlink_entry(node->dc_aliases, &dead);
	while (node->dc_children)
		unlink_entry(node->dc_children, &dead);
	while (node->dc_absent)
		unlink_entry(node->dc_absent, &dead);
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

void vfs_dcache_drop_dir(struct vfs_inode *dir)
{
	struct vfs_dentry *dead = NULL;

	once_run(&dc.once, dc_init);
	if (!dc.cap)
		return;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	while (dir->dc_children)
		unlink_entry(dir->dc_children, &dead);
	while (dir->dc_absent)
		unlink_entry(dir->dc_absent, &dead);
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

void vfs_dcache_drop_mount(struct vfs_mount *mnt)
{
	struct vfs_dentry *dead = NULL;

	once_run(&dc.once, dc_init);
	if (!dc.cap)
		return;
	mutex_lock(&dc.lock, SYNC_FOREVER);
	for (struct vfs_dentry *d = dc.lru.lru_next, *next; d != &dc.lru; d = next) {
		next = d->lru_next;
		if (d->parent->mnt == mnt || (d->child && d->child->mnt == mnt))
			unlink_entry(d, &dead);
	}
	mutex_unlock(&dc.lock);
	free_dead(dead);
}

size_t vfs_dcache_count(void) { return dc.count; }

size_t vfs_dcache_capacity(void)
{
	once_run(&dc.once, dc_init);
	return dc.cap;
}
