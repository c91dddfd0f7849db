/* SPDX-License-Identifier: MIT */
/* fat_host.c: the differential driver of tests/fat: runs a seeded random sequence of file
 * operations through fs/fat's vfs_ops on an image made by mkfs.fat and, the same ones, on a
 * host folder with POSIX calls, checking that both answer alike (errno included) and that the
 * files read back equal. fat_diff.sh then checks the image with fsck.fat and mtools.
 *   fat_host IMAGE HOSTDIR SEED OPS */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mote/log.h>
#include <mote/vfs.h>

#include "host_disk.h"

#define MAX_PATHS 4096
#define MAX_HELD  4
#define MAX_BIG   (3u << 20) /* the largest single write: a few MiB */

extern const struct vfs_fs_type __start_mote_fs_types[], __stop_mote_fs_types[];

static struct host_disk disk;
static struct vfs_mount mnt;
static const char *hostdir;
static uint64_t rng;
static uint64_t budget, used; /* bytes of file data the image may hold, and held */
static unsigned long op_count[16];

struct path {
	char *name; /* relative to the root, "a/b" */
	bool dir;
	bool durable; /* fsync'd and not changed since: must survive a crash intact */
	uint64_t size;
};
static struct path paths[MAX_PATHS];
static unsigned npaths;

/* Inodes held open across operations: lookups of their path must return the same one, and
 * an unlinked one keeps its clusters until it is put. */
static struct {
	struct vfs_inode *vi;
	char *name;
} held[MAX_HELD];

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t rnd(uint64_t n) { return n ? next_rand() % n : 0; }

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("fat_host: FAIL: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
	exit(1);
}

static void check_pins(const char *op)
{
	if (host_bcache_pinned)
		fail("%s left %ld cache blocks pinned", op, host_bcache_pinned);
}

static void do_mount(void)
{
	const struct vfs_fs_type *t = __start_mote_fs_types;

	if (__stop_mote_fs_types - t != 1 || strcmp(t->name, "fat"))
		fail("expected the one filesystem type \"fat\"");
	if (!t->probe(&disk.dev))
		fail("probe does not recognise the image");
	memset(&mnt, 0, sizeof(mnt));
	mnt.dev = &disk.dev;
	int err = t->mount(&mnt, &disk.dev, NULL, 0);
	if (err)
		fail("mount: %d", err);
}

static void do_unmount(void)
{
	for (int i = 0; i < MAX_HELD; i++) {
		if (held[i].vi) {
			vfs_inode_put(held[i].vi);
			free(held[i].name);
			held[i].vi = NULL;
		}
	}
	struct vfs_inode *root = mnt.root;
	if (root->refs != 1)
		fail("root has %u references at unmount", root->refs);
	int err = mnt.ops->unmount(&mnt);
	vfs_inode_put(root);
	if (err)
		fail("unmount: %d", err);
	check_pins("unmount");
}

/* Walk a relative path through lookup: the inode with a reference, or an errno. */
static int walk(const char *path, struct vfs_inode **out)
{
	struct vfs_inode *cur = mnt.root;
	const char *p = path;

	vfs_inode_get(cur);
	while (*p) {
		const char *e = strchr(p, '/');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		struct vfs_inode *next;
		int err = mnt.ops->lookup(cur, p, len, &next);
		vfs_inode_put(cur);
		if (err)
			return err;
		cur = next;
		p += len + (e ? 1 : 0);
	}
	*out = cur;
	return 0;
}

/* The parent directory of path and the last component. */
static int walk_parent(const char *path, struct vfs_inode **dir, const char **leaf)
{
	const char *slash = strrchr(path, '/');
	char buf[VFS_PATH_MAX];

	*leaf = slash ? slash + 1 : path;
	snprintf(buf, sizeof(buf), "%.*s", slash ? (int)(slash - path) : 0, path);
	return walk(buf, dir);
}

static char *host_path(const char *rel)
{
	static char buf[2][VFS_PATH_MAX];
	static int which;
	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "%s/%s", hostdir, rel);
	return buf[which];
}

static int find_path(const char *name)
{
	for (unsigned i = 0; i < npaths; i++) {
		if (!strcmp(paths[i].name, name))
			return (int)i;
	}
	return -1;
}

static void add_path(const char *name, bool dir, uint64_t size)
{
	if (npaths == MAX_PATHS)
		fail("too many paths");
	paths[npaths++] = (struct path){strdup(name), dir, false, size};
}

static void remove_path(int i)
{
	free(paths[i].name);
	paths[i] = paths[--npaths];
}

static int pick(int want_dir)
{
	unsigned n = 0;
	for (unsigned i = 0; i < npaths; i++)
		n += want_dir < 0 || paths[i].dir == (bool)want_dir;
	if (!n)
		return -1;
	unsigned k = (unsigned)rnd(n);
	for (unsigned i = 0; i < npaths; i++) {
		if (want_dir < 0 || paths[i].dir == (bool)want_dir) {
			if (k-- == 0)
				return (int)i;
		}
	}
	return -1;
}

/* A directory to put something in: "" (the root) or a known directory. */
static const char *pick_dir(void)
{
	int d = rnd(4) ? pick(1) : -1;
	return d < 0 ? "" : paths[d].name;
}

static unsigned name_counter;

static void new_name(const char *dir, char *out, size_t cap)
{
	static const char *const styles[] = {"F%u",         "file%u.txt",      "Long File Name %u.data",
	                                     "UPPER%u.TXT", "MiXeD%u.Dat",     "a.b.c%u",
	                                     "~tilde%u",    "with  spaces %u", "x%u.tar.gz",
	                                     "%u",          "sh%u.c",          "Ab%u"};
	char leaf[200];
	unsigned n = ++name_counter;

	if (rnd(10) == 0) {
		int len = snprintf(leaf, sizeof(leaf), "very-long-name-%u-", n);
		int extra = (int)rnd(120);
		for (int i = 0; i < extra && len < (int)sizeof(leaf) - 1; i++)
			leaf[len++] = (char)('a' + rnd(26));
		leaf[len] = 0;
	} else {
		snprintf(leaf, sizeof(leaf), styles[rnd(sizeof(styles) / sizeof(styles[0]))], n);
	}
	snprintf(out, cap, "%s%s%s", dir, *dir ? "/" : "", leaf);
}

static uint8_t *data_buf;

static void fill(size_t len)
{
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = next_rand();
		memcpy(data_buf + i, &v, len - i < 8 ? len - i : 8);
	}
}

static size_t pick_len(void)
{
	switch (rnd(8)) {
	case 0:
		return 0;
	case 1:
		return (size_t)rnd(MAX_BIG) + 1;
	case 2:
	case 3:
		return (size_t)rnd(64 << 10) + 1;
	default:
		return (size_t)rnd(5000) + 1;
	}
}

static int trace;
#define TRACE(...) (trace ? printf(__VA_ARGS__) : 0)

static void expect(const char *what, const char *name, int fat_err, int host_err)
{
	if (fat_err != host_err)
		fail("%s %s: fat %d (%s), host %d (%s)", what, name, fat_err, strerror(-fat_err), host_err,
		     strerror(-host_err));
}

/* Check identity: a held inode of this path must be what lookup returns. */
static void check_held(const char *name, struct vfs_inode *vi)
{
	for (int i = 0; i < MAX_HELD; i++) {
		if (held[i].vi && held[i].name && !strcmp(held[i].name, name) && held[i].vi != vi)
			fail("%s: a second inode for a live file", name);
	}
}

/* Held inodes of a path that is going away stop being checked under it. */
static void forget_held(const char *name)
{
	size_t len = strlen(name);
	for (int i = 0; i < MAX_HELD; i++) {
		if (held[i].vi && held[i].name && !strncmp(held[i].name, name, len) &&
		    (held[i].name[len] == 0 || held[i].name[len] == '/')) {
			free(held[i].name);
			held[i].name = NULL;
		}
	}
}

static void op_write(int i, uint64_t off, size_t len)
{
	struct vfs_inode *vi;
	int err = walk(paths[i].name, &vi);

	expect("lookup", paths[i].name, err, 0);
	check_held(paths[i].name, vi);
	TRACE("write %s %zu@%llu\n", paths[i].name, len, (unsigned long long)off);
	fill(len);
	paths[i].durable = false; /* from the first byte changed */
	ssize_t r = mnt.ops->write(vi, data_buf, len, off);
	if (r != (ssize_t)len)
		fail("write %s %zu@%llu: %zd", paths[i].name, len, (unsigned long long)off, r);
	int fd = open(host_path(paths[i].name), O_WRONLY);
	if (fd < 0 || pwrite(fd, data_buf, len, (off_t)off) != (ssize_t)len)
		fail("host write %s", paths[i].name);
	close(fd);
	if (rnd(8) == 0) {
		if (mnt.ops->fsync(vi, false))
			fail("fsync %s", paths[i].name);
		paths[i].durable = true;
	}
	vfs_inode_put(vi);
	uint64_t end = off + len;
	if (len && end > paths[i].size) {
		used += end - paths[i].size;
		paths[i].size = end;
	}
}

static void op_create(void)
{
	char name[VFS_PATH_MAX];
	struct vfs_inode *dir, *vi;
	const char *leaf;

	new_name(pick_dir(), name, sizeof(name));
	expect("walk", name, walk_parent(name, &dir, &leaf), 0);
	TRACE("create %s\n", name);
	int err = mnt.ops->create(dir, leaf, strlen(leaf), 0644, &vi);
	vfs_inode_put(dir);
	expect("create", name, err, 0);
	int fd = open(host_path(name), O_CREAT | O_EXCL | O_WRONLY, 0644);
	if (fd < 0)
		fail("host create %s: %s", name, strerror(errno));
	close(fd);
	add_path(name, false, 0);
	/* Sometimes keep it open across later operations. */
	int h = (int)rnd(MAX_HELD * 2);
	if (h < MAX_HELD && !held[h].vi) {
		held[h].vi = vi;
		held[h].name = strdup(name);
	} else {
		vfs_inode_put(vi);
	}
	size_t len = pick_len();
	if (len && used + len < budget)
		op_write(npaths - 1, 0, len);
}

static void op_mkdir(void)
{
	char name[VFS_PATH_MAX];
	struct vfs_inode *dir;
	const char *leaf;

	new_name(pick_dir(), name, sizeof(name));
	expect("walk", name, walk_parent(name, &dir, &leaf), 0);
	TRACE("mkdir %s\n", name);
	int err = mnt.ops->mkdir(dir, leaf, strlen(leaf), 0755);
	vfs_inode_put(dir);
	expect("mkdir", name, err, 0);
	if (mkdir(host_path(name), 0755))
		fail("host mkdir %s", name);
	add_path(name, true, 0);
}

static void op_truncate(int i)
{
	uint64_t size = rnd(3) ? rnd(paths[i].size + 1) : paths[i].size + rnd(200000);
	struct vfs_inode *vi;

	if (size > paths[i].size && used + (size - paths[i].size) > budget)
		size = paths[i].size / 2;
	expect("lookup", paths[i].name, walk(paths[i].name, &vi), 0);
	check_held(paths[i].name, vi);
	TRACE("truncate %s %llu\n", paths[i].name, (unsigned long long)size);
	paths[i].durable = false;
	int err = mnt.ops->truncate(vi, size);
	vfs_inode_put(vi);
	expect("truncate", paths[i].name, err, 0);
	if (truncate(host_path(paths[i].name), (off_t)size))
		fail("host truncate");
	used = used - paths[i].size + size;
	paths[i].size = size;
}

static void op_remove(int i)
{
	struct vfs_inode *dir;
	const char *leaf;
	char *name = paths[i].name;

	expect("walk", name, walk_parent(name, &dir, &leaf), 0);
	TRACE("remove %s\n", name);
	paths[i].durable = false;
	int err = paths[i].dir ? mnt.ops->rmdir(dir, leaf, strlen(leaf))
	                       : mnt.ops->unlink(dir, leaf, strlen(leaf));
	vfs_inode_put(dir);
	int herr = (paths[i].dir ? rmdir(host_path(name)) : unlink(host_path(name))) ? -errno : 0;
	if (herr == -EEXIST)
		herr = -ENOTEMPTY; /* POSIX allows either; FAT answers ENOTEMPTY */
	expect(paths[i].dir ? "rmdir" : "unlink", name, err, herr);
	if (!err) {
		forget_held(name);
		used -= paths[i].size;
		remove_path(i);
	}
}

static void rename_paths(const char *from, const char *to)
{
	size_t len = strlen(from);
	for (unsigned i = 0; i < npaths; i++) {
		char *p = paths[i].name;
		if (!strncmp(p, from, len) && (p[len] == 0 || p[len] == '/')) {
			char buf[VFS_PATH_MAX];
			snprintf(buf, sizeof(buf), "%s%s", to, p + len);
			free(p);
			paths[i].name = strdup(buf);
		}
	}
}

static void op_rename(int i)
{
	char to[VFS_PATH_MAX];
	int target = -1;
	struct vfs_inode *od, *nd;
	const char *oleaf, *nleaf;

	/* A new name, or (sometimes) an existing entry of the same kind to replace. */
	if (rnd(3) == 0 && (target = pick(paths[i].dir)) >= 0 && target != i) {
		snprintf(to, sizeof(to), "%s", paths[target].name);
	} else {
		target = -1;
		new_name(pick_dir(), to, sizeof(to));
	}
	char *from = strdup(paths[i].name);
	expect("walk", from, walk_parent(from, &od, &oleaf), 0);
	int err = walk_parent(to, &nd, &nleaf);
	if (err) {
		/* The target's directory is inside the source, and got renamed away: skip. */
		vfs_inode_put(od);
		free(from);
		return;
	}
	TRACE("rename %s -> %s\n", from, to);
	/* What moves, and what it replaces, is no longer where its fsync left it. */
	for (unsigned k = 0; k < npaths; k++) {
		size_t fl = strlen(from);
		if ((!strncmp(paths[k].name, from, fl) &&
		     (paths[k].name[fl] == 0 || paths[k].name[fl] == '/')) ||
		    !strcmp(paths[k].name, to))
			paths[k].durable = false;
	}
	err = mnt.ops->rename(od, oleaf, strlen(oleaf), nd, nleaf, strlen(nleaf));
	vfs_inode_put(od);
	vfs_inode_put(nd);
	int herr = rename(host_path(from), host_path(to)) ? -errno : 0;
	if (herr == -EEXIST)
		herr = -ENOTEMPTY;
	expect("rename", from, err, herr);
	if (!err) {
		if (target >= 0) {
			int t = find_path(to);
			forget_held(to);
			used -= paths[t].size;
			remove_path(t);
		}
		forget_held(from);
		rename_paths(from, to);
	}
	free(from);
}

static void op_verify(int i)
{
	struct vfs_inode *vi;
	struct stat st;

	expect("lookup", paths[i].name, walk(paths[i].name, &vi), 0);
	check_held(paths[i].name, vi);
	TRACE("verify %s\n", paths[i].name);
	if (mnt.ops->getattr(vi, &st))
		fail("getattr %s", paths[i].name);
	if (paths[i].dir != S_ISDIR(st.st_mode) || (!paths[i].dir && (uint64_t)st.st_size != paths[i].size))
		fail("getattr %s: mode %o size %lld, expected size %llu", paths[i].name, st.st_mode,
		     (long long)st.st_size, (unsigned long long)paths[i].size);
	if (!paths[i].dir) {
		uint8_t *mine = malloc(paths[i].size + 1), *theirs = malloc(paths[i].size + 1);
		ssize_t r = mnt.ops->read(vi, mine, paths[i].size + 1, 0);
		int fd = open(host_path(paths[i].name), O_RDONLY);
		ssize_t h = read(fd, theirs, paths[i].size + 1);
		close(fd);
		if (r != (ssize_t)paths[i].size || h != r || memcmp(mine, theirs, (size_t)r))
			fail("read %s: %zd bytes, host %zd, or contents differ", paths[i].name, r, h);
		free(mine);
		free(theirs);
	} else {
		/* readdir lists exactly the known children. */
		uint64_t cookie = 0;
		struct vfs_dirent de;
		unsigned seen = 0, expected = 0;
		size_t plen = strlen(paths[i].name);
		for (unsigned k = 0; k < npaths; k++) {
			const char *p = paths[k].name;
			expected += !strncmp(p, paths[i].name, plen) && p[plen] == '/' &&
			            !strchr(p + plen + 1, '/');
		}
		int r;
		while ((r = mnt.ops->readdir(vi, &cookie, &de)) == 1) {
			char full[VFS_PATH_MAX];
			snprintf(full, sizeof(full), "%s/%s", paths[i].name, de.name);
			int k = find_path(full);
			if (k < 0 || paths[k].dir != (de.type == DT_DIR))
				fail("readdir %s: unexpected %s", paths[i].name, de.name);
			seen++;
		}
		if (r != 0 || seen != expected)
			fail("readdir %s: %d, %u entries, expected %u", paths[i].name, r, seen, expected);
	}
	vfs_inode_put(vi);
}

/* Crash snapshots: the image as the device holds it after a random write, as a power cut
 * there would leave it (fat_crash.sh checks each with fsck.fat). Their own generator, so
 * taking them does not change the sequence of operations. */
static const char *crash_dir;
static unsigned crash_count, crash_max = 25, crash_every = 150;
static uint64_t crash_rng = 88172645463325252ull;

static void snapshot(struct host_disk *d)
{
	crash_rng ^= crash_rng << 13, crash_rng ^= crash_rng >> 7, crash_rng ^= crash_rng << 17;
	if (crash_count >= crash_max || crash_rng % crash_every)
		return;
	char path[VFS_PATH_MAX];
	snprintf(path, sizeof(path), "%s/crash-%03u.img", crash_dir, crash_count++);
	int out = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0644);
	static uint8_t chunk[1 << 20];
	for (uint64_t off = 0; out >= 0 && off < d->size; off += sizeof(chunk)) {
		ssize_t n = pread(d->fd, chunk, sizeof(chunk), (off_t)off);
		if (n <= 0 || pwrite(out, chunk, (size_t)n, (off_t)off) != n)
			fail("snapshot %s", path);
	}
	if (out < 0)
		fail("snapshot %s", path);
	close(out);
	/* Files fsync'd and unchanged since: their contents now (fat_crash.sh compares). */
	snprintf(path, sizeof(path), "%s/crash-%03u.list", crash_dir, crash_count - 1);
	FILE *list = fopen(path, "w");
	for (unsigned i = 0; list && i < npaths; i++) {
		if (!paths[i].durable)
			continue;
		char copy[VFS_PATH_MAX];
		snprintf(copy, sizeof(copy), "%s/crash-%03u.%u", crash_dir, crash_count - 1, i);
		int in = open(host_path(paths[i].name), O_RDONLY);
		out = open(copy, O_CREAT | O_TRUNC | O_WRONLY, 0644);
		ssize_t n;
		while (in >= 0 && out >= 0 && (n = read(in, chunk, sizeof(chunk))) > 0) {
			if (write(out, chunk, (size_t)n) != n)
				fail("snapshot copy");
		}
		close(in);
		close(out);
		fprintf(list, "%s\t%s\n", copy, paths[i].name);
	}
	if (list)
		fclose(list);
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: fat_host IMAGE HOSTDIR SEED OPS\n");
		return 2;
	}
	hostdir = argv[2];
	rng = strtoull(argv[3], NULL, 0) * 2654435761u + 1;
	unsigned long ops = strtoul(argv[4], NULL, 0);
	host_log_enabled = 1;
	trace = getenv("FAT_HOST_TRACE") != NULL;
	crash_dir = getenv("FAT_HOST_CRASH_DIR");
	if (crash_dir)
		host_disk_write_hook = snapshot;
	host_bcache_limit =
	        getenv("FAT_HOST_CACHE") ? (unsigned)atoi(getenv("FAT_HOST_CACHE")) : 64 + (unsigned)rnd(512);
	data_buf = malloc(MAX_BIG + 8);
	if (host_disk_open_file(&disk, argv[1], 0))
		fail("cannot open %s", argv[1]);
	do_mount();
	struct statvfs sv;
	if (mnt.ops->statvfs(&mnt, &sv))
		fail("statvfs");
	budget = (uint64_t)sv.f_bfree * sv.f_frsize / 2;
	printf("fat_host: %llu clusters of %lu bytes, %llu free, data budget %llu bytes\n",
	       (unsigned long long)sv.f_blocks, sv.f_frsize, (unsigned long long)sv.f_bfree,
	       (unsigned long long)budget);

	for (unsigned long n = 0; n < ops; n++) {
		unsigned kind = (unsigned)rnd(100);
		int f = pick(0), d = pick(1), any = pick(-1);

		if (kind < 15 || any < 0) {
			op_create();
			op_count[0]++;
		} else if (kind < 30 && f >= 0) {
			size_t len = pick_len();
			uint64_t off = rnd(paths[f].size + 10000);
			if (used + len + (off > paths[f].size ? off - paths[f].size : 0) < budget) {
				op_write(f, off, len);
				op_count[1]++;
			}
		} else if (kind < 40 && f >= 0) {
			size_t len = pick_len();
			if (used + len < budget) {
				op_write(f, paths[f].size, len); /* append */
				op_count[2]++;
			}
		} else if (kind < 48 && f >= 0) {
			op_truncate(f);
			op_count[3]++;
		} else if (kind < 56) {
			op_rename(any);
			op_count[4]++;
		} else if (kind < 64 && f >= 0) {
			op_remove(f);
			op_count[5]++;
		} else if (kind < 72) {
			op_mkdir();
			op_count[6]++;
		} else if (kind < 78 && d >= 0) {
			op_remove(d);
			op_count[7]++;
		} else if (kind < 97) {
			op_verify(any);
			op_count[8]++;
		} else if (kind < 99) {
			if (mnt.ops->sync(&mnt))
				fail("sync");
			op_count[9]++;
		} else {
			TRACE("remount\n");
			do_unmount();
			do_mount();
			op_count[10]++;
		}
		check_pins("an operation");
		/* Heavily used images: make room. */
		while (used > budget * 9 / 10 && (f = pick(0)) >= 0)
			op_remove(f);
	}
	for (unsigned i = 0; i < npaths; i++)
		op_verify((int)i);
	do_unmount();
	host_disk_close(&disk);
	if (crash_dir)
		printf("fat_host: %u crash snapshots\n", crash_count);
	printf("fat_host: ops create %lu write %lu append %lu truncate %lu rename %lu unlink %lu mkdir %lu "
	       "rmdir %lu verify %lu sync %lu remount %lu; %u paths at the end\n",
	       op_count[0], op_count[1], op_count[2], op_count[3], op_count[4], op_count[5], op_count[6],
	       op_count[7], op_count[8], op_count[9], op_count[10], npaths);
	return 0;
}
