/* SPDX-License-Identifier: MIT */
/* test_vfs_dcache.c: the VFS's name cache (fs/vfs/vfs_dcache.c) on fake inodes: hits and
 * misses, the references it holds and gives back, dropping a node's names (case aliases too),
 * a directory's names, a mount's, LRU eviction at capacity, absent names and what drops them,
 * and threads that look up while others add and drop under their directory's lock (the
 * dcache rule), checked for wrong hits. */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mm.h>
#include <mote/sync.h>
#include <mote/vfs.h>

#include "check.h"
#include "vfs_dcache.h"

/* Core services: the cache's one mutex is a real one, so the threaded part means something. */
static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static size_t free_bytes = 64 * 64 * 1024; /* capacity 64 (one entry per 64 KiB) */
size_t mm_free_bytes(void) { return free_bytes; }
void mutex_init(struct mutex *m, bool recursive)
{
	memset(m, 0, sizeof(*m));
	m->recursive = recursive;
}
int mutex_lock(struct mutex *m, uint64_t deadline)
{
	(void)m;
	(void)deadline;
	pthread_mutex_lock(&big_lock);
	return 0;
}
int mutex_unlock(struct mutex *m)
{
	(void)m;
	pthread_mutex_unlock(&big_lock);
	return 0;
}
void once_run(struct once *o, void (*fn)(void))
{
	static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&once_lock);
	if (o->state == 0) {
		fn();
		o->state = 2;
	}
	pthread_mutex_unlock(&once_lock);
}

/* Fake filesystems: an inode's fs_data is its tag; release counts the inodes that went. */
static long released;
static void fake_release(struct vfs_inode *n)
{
	if (n->refs != 0 || n->dc_aliases || n->dc_children || n->dc_absent)
		abort(); /* released while the cache still names it */
	__atomic_add_fetch(&released, 1, __ATOMIC_SEQ_CST);
	free(n->fs_data);
}
static const struct vfs_ops fake_ops = {.release = fake_release};
static struct vfs_mount mnt_a = {.ops = &fake_ops}, mnt_b = {.ops = &fake_ops};

static struct vfs_inode *node(struct vfs_mount *m, const char *tag)
{
	struct vfs_inode *n = vfs_inode_new(m);

	n->fs_data = strdup(tag);
	return n;
}

static const char *tag(struct vfs_inode *n) { return n ? n->fs_data : "(none)"; }

/* Look (dir, name) up; the tag of what is cached ("(none)"), dropping the reference. */
static const char *look(struct vfs_inode *dir, const char *name)
{
	static char buf[64];
	struct vfs_inode *n = vfs_dcache_lookup(dir, name, strlen(name));

	snprintf(buf, sizeof(buf), "%s", tag(n));
	if (n)
		vfs_inode_put(n);
	return buf;
}

static void add(struct vfs_inode *dir, const char *name, struct vfs_inode *child)
{
	vfs_dcache_add(dir, name, strlen(name), child, 7);
}

/* vfs_dcache_find with mount table generation g: the child's tag, "absent" or "miss". */
static const char *find_gen(struct vfs_inode *dir, const char *name, unsigned g)
{
	static char buf[64];
	struct vfs_inode *n;
	int rc = vfs_dcache_find(dir, name, strlen(name), g, &n);

	snprintf(buf, sizeof(buf), "%s",
	         rc == 0         ? tag(n)
	         : rc == -ENOENT ? "absent"
	         : rc == 1       ? "miss"
	                         : "?");
	if (rc == 0)
		vfs_inode_put(n);
	return buf;
}

static void basics(void)
{
	struct vfs_inode *root = node(&mnt_a, "root"), *sub = node(&mnt_a, "sub");
	struct vfs_inode *foo = node(&mnt_a, "foo"), *bar = node(&mnt_a, "bar");

	CHECK_EQ(vfs_dcache_capacity(), 64);
	CHECK_STR(look(root, "foo"), "(none)");
	add(root, "foo", foo);
	add(root, "sub", sub);
	add(sub, "bar", bar);
	CHECK_EQ(vfs_dcache_count(), 3);
	CHECK_STR(look(root, "foo"), "foo");
	CHECK_STR(look(root, "fo"), "(none)"); /* a prefix is another name */
	CHECK_STR(look(root, "foox"), "(none)");
	CHECK_STR(look(sub, "foo"), "(none)"); /* another directory */
	CHECK_STR(look(sub, "bar"), "bar");
	/* The cache's references: the child and the directory, one each per entry. */
	CHECK_EQ(foo->refs, 2);
	CHECK_EQ(root->refs, 3);
	add(root, "foo", foo); /* already there: nothing changes */
	CHECK_EQ(vfs_dcache_count(), 3);
	CHECK_EQ(foo->refs, 2);
	/* The caller's references go; the cached inodes live on. */
	vfs_inode_put(foo);
	vfs_inode_put(bar);
	CHECK_EQ(released, 0);
	CHECK_STR(look(root, "foo"), "foo");

	/* A case-insensitive filesystem's two spellings of one file: both go with the node. */
	add(root, "FOO", foo);
	CHECK_EQ(vfs_dcache_count(), 4);
	struct vfs_inode *f = vfs_dcache_lookup(root, "FOO", 3);
	CHECK(f == foo);
	vfs_dcache_drop_node(foo);
	CHECK_STR(look(root, "foo"), "(none)");
	CHECK_STR(look(root, "FOO"), "(none)");
	CHECK_EQ(vfs_dcache_count(), 2);
	CHECK_EQ(released, 0); /* f still holds it, as an open file would */
	vfs_inode_put(f);
	CHECK_EQ(released, 1);

	/* Removing a directory drops the names under it too. */
	vfs_dcache_drop_node(sub);
	CHECK_STR(look(sub, "bar"), "(none)");
	CHECK_STR(look(root, "sub"), "(none)");
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(released, 2); /* bar; sub is still the test's */
	CHECK_EQ(root->refs, 1);
	vfs_inode_put(sub);
	vfs_inode_put(root);
	CHECK_EQ(released, 4);
}

static void dirs_and_mounts(void)
{
	struct vfs_inode *ra = node(&mnt_a, "ra"), *rb = node(&mnt_b, "rb"), *d = node(&mnt_a, "d");
	char name[16];

	released = 0;
	add(ra, "d", d);
	for (int i = 0; i < 10; i++) {
		struct vfs_inode *a, *b;

		snprintf(name, sizeof(name), "a%d", i);
		a = node(&mnt_a, name);
		add(d, name, a);
		vfs_inode_put(a);
		snprintf(name, sizeof(name), "b%d", i);
		b = node(&mnt_b, name);
		add(rb, name, b);
		vfs_inode_put(b);
	}
	CHECK_EQ(vfs_dcache_count(), 21);
	/* A name in d renamed or removed: every name under d goes, d's own name stays. */
	vfs_dcache_drop_dir(d);
	CHECK_EQ(vfs_dcache_count(), 11);
	CHECK_STR(look(d, "a3"), "(none)");
	CHECK_STR(look(ra, "d"), "d");
	CHECK_STR(look(rb, "b3"), "b3");
	CHECK_EQ(released, 10);
	/* Unmounting b drops b's names only. */
	vfs_dcache_drop_mount(&mnt_b);
	CHECK_EQ(vfs_dcache_count(), 1);
	CHECK_STR(look(rb, "b0"), "(none)");
	CHECK_EQ(released, 20);
	CHECK_EQ(rb->refs, 1); /* umount may count the root's references now */
	vfs_dcache_drop_mount(&mnt_a);
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(d->refs, 1);
	vfs_inode_put(d);
	vfs_inode_put(ra);
	vfs_inode_put(rb);
	CHECK_EQ(released, 23);
}

static void eviction(void)
{
	struct vfs_inode *dir = node(&mnt_a, "dir");
	char name[16];

	released = 0;
	for (int i = 0; i < 64; i++) {
		struct vfs_inode *n;

		snprintf(name, sizeof(name), "n%d", i);
		n = node(&mnt_a, name);
		add(dir, name, n);
		vfs_inode_put(n);
	}
	CHECK_EQ(vfs_dcache_count(), 64);
	CHECK_STR(look(dir, "n0"), "n0"); /* now the most recent: n1 is the oldest */
	struct vfs_inode *extra = node(&mnt_a, "extra");
	add(dir, "extra", extra);
	vfs_inode_put(extra);
	CHECK_EQ(vfs_dcache_count(), 64);
	CHECK_STR(look(dir, "n1"), "(none)");
	CHECK_STR(look(dir, "n0"), "n0");
	CHECK_STR(look(dir, "n2"), "n2");
	CHECK_STR(look(dir, "extra"), "extra");
	CHECK_EQ(released, 1); /* n1, given back as it left */
	vfs_dcache_drop_dir(dir);
	CHECK_EQ(released, 65); /* n1 before, and the 64 cached */
	CHECK_EQ(dir->refs, 1);
	vfs_inode_put(dir);
}

/* Absent names (negative entries): what the VFS relies on when a name is made, renamed over,
 * removed, or a mount point appears (fs/vfs/vfs.c step, fs/vfs/vfs_libc.c). */
static void absent(void)
{
	struct vfs_inode *dir = node(&mnt_a, "dir"), *other = node(&mnt_b, "other");

	released = 0;
	/* A failed lookup cached: find says absent at its generation only; lookup sees nothing. */
	vfs_dcache_add(dir, "j", 1, NULL, 7);
	CHECK_EQ(vfs_dcache_count(), 1);
	CHECK_STR(find_gen(dir, "j", 7), "absent");
	CHECK_STR(look(dir, "j"), "(none)");
	CHECK_EQ(dir->refs, 2); /* the entry holds its directory */
	/* A mount or umount since (a newer generation): a miss, so the walk asks the table again. */
	CHECK_STR(find_gen(dir, "j", 8), "miss");
	CHECK_STR(find_gen(dir, "j", VFS_DCACHE_GEN_NONE), "miss");
	/* Create after the failed lookup: the name is found, not the cached absence. */
	vfs_dcache_drop_absent(dir);
	CHECK_STR(find_gen(dir, "j", 7), "miss");
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(dir->refs, 1);
	/* Adding the created file replaces an absent entry of the same name. */
	struct vfs_inode *j = node(&mnt_a, "j");
	vfs_dcache_add(dir, "j", 1, NULL, 7);
	vfs_dcache_add(dir, "j", 1, j, 7);
	CHECK_EQ(vfs_dcache_count(), 1);
	CHECK_STR(find_gen(dir, "j", 7), "j");
	CHECK_STR(look(dir, "j"), "j");
	/* The replaced absent entry is gone from the directory's absent names: the next create
	 * keeps the file's entry. */
	vfs_dcache_drop_absent(dir);
	CHECK_STR(find_gen(dir, "j", 7), "j");
	CHECK_EQ(vfs_dcache_count(), 1);
	/* ... and a created file's entry added without a generation is seen by lookup, not find. */
	vfs_dcache_add(dir, "j", 1, j, VFS_DCACHE_GEN_NONE);
	CHECK_STR(find_gen(dir, "j", 7), "miss");
	CHECK_STR(look(dir, "j"), "j");
	/* Unlink then lookup: the removal drops the name; a later failed lookup caches absence. */
	vfs_dcache_drop_node(j);
	CHECK_STR(look(dir, "j"), "(none)");
	vfs_dcache_add(dir, "j", 1, NULL, 7);
	CHECK_STR(find_gen(dir, "j", 7), "absent");
	vfs_inode_put(j);
	CHECK_EQ(released, 1);
	/* A case-insensitive filesystem: "J" cached as absent goes when "j" is made. Only absent
	 * names go: a present one stays. */
	struct vfs_inode *k = node(&mnt_a, "k");
	vfs_dcache_add(dir, "J", 1, NULL, 7);
	vfs_dcache_add(dir, "k", 1, k, 7);
	vfs_inode_put(k);
	CHECK_EQ(vfs_dcache_count(), 3);
	vfs_dcache_drop_absent(dir);
	CHECK_STR(find_gen(dir, "J", 7), "miss");
	CHECK_STR(find_gen(dir, "j", 7), "miss");
	CHECK_STR(find_gen(dir, "k", 7), "k");
	CHECK_EQ(vfs_dcache_count(), 1);
	/* Rename onto an absent name drops the directory's entries, absent ones included. */
	vfs_dcache_add(dir, "new", 3, NULL, 7);
	vfs_dcache_drop_dir(dir);
	CHECK_STR(find_gen(dir, "new", 7), "miss");
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(released, 2);
	/* Umount drops the absent names of the mount's directories (no child to look at). */
	vfs_dcache_add(other, "x", 1, NULL, 7);
	vfs_dcache_add(dir, "y", 1, NULL, 7);
	vfs_dcache_drop_mount(&mnt_b);
	CHECK_STR(find_gen(other, "x", 7), "miss");
	CHECK_STR(find_gen(dir, "y", 7), "absent");
	CHECK_EQ(other->refs, 1);
	/* Absent names pushed out by the least recently used rule leave the directory's list:
	 * a create after that drops the rest, and only those. */
	char nm[16];
	for (int i = 0; i < 100; i++) {
		snprintf(nm, sizeof(nm), "a%d", i);
		vfs_dcache_add(dir, nm, strlen(nm), NULL, 7);
	}
	CHECK_EQ(vfs_dcache_count(), 64);
	CHECK_STR(find_gen(dir, "a99", 7), "absent");
	CHECK_STR(find_gen(dir, "a0", 7), "miss");
	vfs_dcache_drop_absent(dir);
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(dir->refs, 1);
	vfs_dcache_add(dir, "y", 1, NULL, 7);
	/* Removing the directory drops its absent names too. */
	vfs_dcache_drop_node(dir);
	CHECK_EQ(vfs_dcache_count(), 0);
	CHECK_EQ(dir->refs, 1);
	vfs_inode_put(dir);
	vfs_inode_put(other);
	CHECK_EQ(released, 4);
}

/* Threads: each writer owns a directory (standing for its mount's ns_lock) and keeps adding,
 * replacing and dropping its names; readers look names up in every directory. A hit must be
 * the inode the name was last given, never an older one. */
#define WRITERS 3
#define READERS 2
#define NAMES   24
#define ROUNDS  4000

static struct vfs_inode *tdir[WRITERS];
/* Which generation each (dir, name) has now; odd while it is being changed. */
static unsigned gen[WRITERS][NAMES];
static long wrong_hits, hits;
static int writers_done;

static void *writer(void *arg)
{
	int w = (int)(intptr_t)arg;
	unsigned seed = 1234u + (unsigned)w;
	char name[16], t[32];

	for (int r = 0; r < ROUNDS; r++) {
		int k = rand_r(&seed) % NAMES;

		snprintf(name, sizeof(name), "f%d", k);
		/* Remove (drop the node's names), then name a new inode: a rename or unlink and
		 * create. The generation is odd in between so readers tolerate either. */
		__atomic_add_fetch(&gen[w][k], 1, __ATOMIC_SEQ_CST);
		struct vfs_inode *old = vfs_dcache_lookup(tdir[w], name, strlen(name));
		if (old) {
			vfs_dcache_drop_node(old);
			vfs_inode_put(old);
		} else {
			vfs_dcache_drop_dir(tdir[w]);
		}
		unsigned g = __atomic_add_fetch(&gen[w][k], 1, __ATOMIC_SEQ_CST);
		snprintf(t, sizeof(t), "%d/%d/%u", w, k, g);
		struct vfs_inode *n = node(&mnt_a, t);
		add(tdir[w], name, n);
		vfs_inode_put(n);
	}
	__atomic_add_fetch(&writers_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void *reader(void *arg)
{
	unsigned seed = 99u + (unsigned)(intptr_t)arg;
	char name[16], want[32];

	while (__atomic_load_n(&writers_done, __ATOMIC_SEQ_CST) < WRITERS) {
		int w = rand_r(&seed) % WRITERS, k = rand_r(&seed) % NAMES;
		unsigned g0 = __atomic_load_n(&gen[w][k], __ATOMIC_SEQ_CST);

		snprintf(name, sizeof(name), "f%d", k);
		struct vfs_inode *n = vfs_dcache_lookup(tdir[w], name, strlen(name));
		unsigned g1 = __atomic_load_n(&gen[w][k], __ATOMIC_SEQ_CST);

		if (!n)
			continue;
		__atomic_add_fetch(&hits, 1, __ATOMIC_SEQ_CST);
		/* Only when the name did not change around the lookup is the answer certain. */
		snprintf(want, sizeof(want), "%d/%d/%u", w, k, g0);
		if (g0 == g1 && g0 % 2 == 0 && strcmp(tag(n), want) != 0)
			__atomic_add_fetch(&wrong_hits, 1, __ATOMIC_SEQ_CST);
		vfs_inode_put(n);
	}
	return NULL;
}

static void threads(void)
{
	pthread_t t[WRITERS + READERS];

	released = 0;
	for (int i = 0; i < WRITERS; i++)
		tdir[i] = node(&mnt_a, "tdir");
	for (int i = 0; i < READERS; i++)
		pthread_create(&t[WRITERS + i], NULL, reader, (void *)(intptr_t)i);
	for (int i = 0; i < WRITERS; i++)
		pthread_create(&t[i], NULL, writer, (void *)(intptr_t)i);
	for (int i = 0; i < WRITERS + READERS; i++)
		pthread_join(t[i], NULL);
	CHECK_EQ(wrong_hits, 0);
	CHECK(hits > 0);
	CHECK(vfs_dcache_count() <= vfs_dcache_capacity());
	vfs_dcache_drop_mount(&mnt_a);
	CHECK_EQ(vfs_dcache_count(), 0);
	/* Every inode made was given back once: WRITERS * ROUNDS names. */
	CHECK_EQ(released, WRITERS * ROUNDS);
	for (int i = 0; i < WRITERS; i++) {
		CHECK_EQ(tdir[i]->refs, 1);
		vfs_inode_put(tdir[i]);
	}
}

int main(void)
{
	basics();
	dirs_and_mounts();
	eviction();
	absent();
	threads();
	return check_report();
}
