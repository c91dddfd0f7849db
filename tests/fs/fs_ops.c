/* SPDX-License-Identifier: MIT */
/* fs_ops.c: the storage differential test's workload. Given a seed, it runs a seeded random
 * sequence of file operations with plain POSIX calls under a root folder, built both for the
 * host (a host folder) and as a Mote image (a FAT disk); tests/fs/fs_diff.py compares the trees. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An in-memory model of the tree decides every operation and its expected result, so the same
 * seed gives the same sequence whatever the filesystem answers; the first answer that differs
 * from the model ends the run (the model would be wrong from then on). */
#define MAX_NODES 1000
#define MAX_DEPTH 4
#define ROOT_MAX  16 /* FAT12/16 roots have a fixed number of entries: keep most files below */
#define NAME_IDS  100000

struct node {
	int used;
	int is_dir;
	int parent; /* node index; 0 is the root */
	int name_id;
	uint8_t *data; /* a file's contents as the model knows them */
	size_t size, cap;
};

static struct node nodes[MAX_NODES];
static const char *root;
static uint64_t rng_state;
static size_t total_bytes, max_bytes;
static unsigned long op_index;
static uint64_t bytes_written;
static int checks_passed;
static uint8_t *iobuf;
static int trace; /* --trace: one line per operation, to find where a failing run went wrong */

#define IOBUF_SIZE (4u << 20)

static uint64_t rng(void)
{
	/* splitmix64: tiny, well mixed, and the same on every compiler */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t below(uint64_t n) { return n ? rng() % n : 0; }

/* Names mix the kinds FAT stores differently: lowercase 8.3 names (a short entry with case
 * flags), mixed-case long names with spaces and several dots (long-name entries), and short
 * names without an extension. No two ids give names that differ only in case. */
static void name_of(int id, int is_dir, char *out, size_t len)
{
	if (is_dir) {
		if (id % 2)
			snprintf(out, len, "Sub Folder %d", id);
		else
			snprintf(out, len, "dir%d", id);
		return;
	}
	switch (id % 3) {
	case 0:
		snprintf(out, len, "f%d.txt", id);
		break;
	case 1:
		snprintf(out, len, "Data-%d_File v2.tar.bin", id);
		break;
	default:
		snprintf(out, len, "n%d", id);
		break;
	}
}

static int path_of(int n, char *out, size_t len)
{
	int chain[MAX_DEPTH + 2], depth = 0;
	for (int i = n; i != 0; i = nodes[i].parent)
		chain[depth++] = i;
	size_t pos = (size_t)snprintf(out, len, "%s", root);
	for (int k = depth - 1; k >= 0; k--) {
		char name[64];
		name_of(nodes[chain[k]].name_id, nodes[chain[k]].is_dir, name, sizeof(name));
		pos += (size_t)snprintf(out + pos, len - pos, "/%s", name);
	}
	return depth;
}

static int depth_of(int n)
{
	int d = 0;
	for (; n != 0; n = nodes[n].parent)
		d++;
	return d;
}

static int child_count(int dir)
{
	int c = 0;
	for (int i = 1; i < MAX_NODES; i++)
		c += nodes[i].used && nodes[i].parent == dir;
	return c;
}

/* A random used node of the kind asked (-1 for either), or -1 when there is none. */
static int pick(int want_dir)
{
	int start = (int)below(MAX_NODES);
	for (int k = 0; k < MAX_NODES; k++) {
		int i = (start + k) % MAX_NODES;
		if (i == 0 && want_dir != 1)
			continue;
		if ((i == 0 || nodes[i].used) && (want_dir < 0 || nodes[i].is_dir == want_dir))
			return i;
	}
	return want_dir == 1 ? 0 : -1;
}

/* A directory that may take one more entry (the root only while it has room), or -1. */
static int pick_parent(void)
{
	int start = (int)below(MAX_NODES);
	for (int k = 0; k < MAX_NODES; k++) {
		int d = (start + k) % MAX_NODES;
		if (nodes[d].used && nodes[d].is_dir && depth_of(d) < MAX_DEPTH &&
		    (d != 0 || child_count(0) < ROOT_MAX))
			return d;
	}
	return -1;
}

static int free_slot(void)
{
	for (int i = 1; i < MAX_NODES; i++)
		if (!nodes[i].used)
			return i;
	return -1;
}

/* A name id not used by any entry of dir (files and folders share one namespace). */
static int fresh_name(int dir, int is_dir)
{
	for (;;) {
		int id = (int)below(NAME_IDS);
		char a[64];
		name_of(id, is_dir, a, sizeof(a));
		int clash = 0;
		for (int i = 1; i < MAX_NODES && !clash; i++) {
			if (nodes[i].used && nodes[i].parent == dir) {
				char b[64];
				name_of(nodes[i].name_id, nodes[i].is_dir, b, sizeof(b));
				clash = strcasecmp(a, b) == 0;
			}
		}
		if (!clash)
			return id;
	}
}

/* Sizes: mostly small, some tens of KiB, rarely a few MiB (bounded by the byte budget). */
static size_t pick_size(void)
{
	uint64_t r = below(1000);
	size_t n;
	if (r < 750)
		n = below(4096);
	else if (r < 970)
		n = 4096 + below(28 * 1024);
	else if (r < 998)
		n = 32768 + below(224 * 1024);
	else
		n = (1u << 20) + below(2u << 20);
	if (n > max_bytes / 3)
		n = max_bytes / 3;
	return n;
}

static void fill(uint8_t *p, size_t n)
{
	uint64_t x = rng();
	for (size_t i = 0; i < n; i++) {
		if ((i & 7) == 0)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(x >> (8 * (i & 7)));
	}
}

static void model_resize(struct node *f, size_t size)
{
	if (size > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;
		while (cap < size)
			cap *= 2;
		uint8_t *p = realloc(f->data, cap);
		if (!p) {
			printf("fs_ops: out of memory for the model (%zu bytes)\n", cap);
			exit(2);
		}
		f->data = p;
		f->cap = cap;
	}
	if (size > f->size)
		memset(f->data + f->size, 0, size - f->size);
	total_bytes = total_bytes - f->size + size;
	f->size = size;
}

static void model_free(int n)
{
	total_bytes -= nodes[n].size;
	free(nodes[n].data);
	memset(&nodes[n], 0, sizeof(nodes[n]));
}

static void fail(const char *what, const char *path, int got, int want)
{
	printf("FAIL op %lu: %s %s: got %d (%s), expected %d (%s)\n", op_index, what, path, got,
	       got < 0 ? strerror(errno) : "ok", want, want ? strerror(want) : "success");
	printf("%d passed, 1 failed\n", checks_passed);
	exit(1);
}

/* Checks that a call returned success (ret >= 0), or failed with exactly `want_errno`. */
static void expect(const char *what, const char *path, long ret, int want_errno)
{
	if (trace)
		printf("op %lu: %s %s -> %ld\n", op_index, what, path, ret);
	if (want_errno == 0 && ret < 0)
		fail(what, path, -1, 0);
	if (want_errno != 0 && (ret >= 0 || errno != want_errno))
		fail(what, path, ret < 0 ? -1 : 0, want_errno);
}

static void write_all(int fd, const uint8_t *p, size_t n, off_t off, const char *path)
{
	if (trace)
		printf("op %lu: write %s %zu bytes at %lld\n", op_index, path, n, (long long)off);
	while (n > 0) {
		ssize_t w = off >= 0 ? pwrite(fd, p, n, off) : write(fd, p, n);
		if (w <= 0)
			fail("write", path, -1, 0);
		p += w;
		n -= (size_t)w;
		if (off >= 0)
			off += w;
		bytes_written += (uint64_t)w;
	}
}

/* Reads the whole file and compares it with the model. */
static void verify_file(int n)
{
	char path[512];
	path_of(n, path, sizeof(path));
	struct stat st;
	expect("stat", path, stat(path, &st), 0);
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size != nodes[n].size) {
		printf("FAIL op %lu: stat %s: size %lld, expected %zu\n", op_index, path,
		       (long long)st.st_size, nodes[n].size);
		printf("%d passed, 1 failed\n", checks_passed);
		exit(1);
	}
	int fd = open(path, O_RDONLY);
	expect("open", path, fd, 0);
	size_t off = 0;
	for (;;) {
		ssize_t r = read(fd, iobuf, IOBUF_SIZE);
		if (r < 0)
			fail("read", path, -1, 0);
		if (r == 0)
			break;
		if (off + (size_t)r > nodes[n].size || memcmp(iobuf, nodes[n].data + off, (size_t)r) != 0) {
			size_t bad = 0;
			while (off + bad < nodes[n].size && bad < (size_t)r &&
			       iobuf[bad] == nodes[n].data[off + bad])
				bad++;
			printf("FAIL op %lu: %s differs from what was written at byte %zu\n", op_index, path,
			       off + bad);
			printf("%d passed, 1 failed\n", checks_passed);
			exit(1);
		}
		off += (size_t)r;
	}
	if (off != nodes[n].size)
		fail("read (short)", path, (int)off, 0);
	expect("close", path, close(fd), 0);
}

static void op_create(void)
{
	int dir = pick_parent(), slot = free_slot();
	if (dir < 0 || slot < 0)
		return;
	struct node *f = &nodes[slot];
	f->used = 1;
	f->parent = dir;
	f->name_id = fresh_name(dir, 0);
	char path[512];
	path_of(slot, path, sizeof(path));
	size_t n = pick_size();
	if (total_bytes + n > max_bytes)
		n = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	expect("create", path, fd, 0);
	model_resize(f, n);
	fill(f->data, n);
	write_all(fd, f->data, n, -1, path);
	expect("close", path, close(fd), 0);
}

static void op_write(int append)
{
	int n = pick(0);
	if (n < 0)
		return;
	struct node *f = &nodes[n];
	size_t len = pick_size() + 1; /* a write of 0 bytes past the end would not extend the file */
	size_t off = append ? f->size : (size_t)below(f->size + 8192); /* past the end leaves a hole */
	if (total_bytes + (off + len > f->size ? off + len - f->size : 0) > max_bytes)
		return;
	char path[512];
	path_of(n, path, sizeof(path));
	int fd = open(path, append ? O_WRONLY | O_APPEND : O_RDWR);
	expect(append ? "open (append)" : "open (write)", path, fd, 0);
	if (off + len > f->size)
		model_resize(f, off + len);
	fill(f->data + off, len);
	write_all(fd, f->data + off, len, append ? -1 : (off_t)off, path);
	expect("close", path, close(fd), 0);
}

static void op_truncate(void)
{
	int n = pick(0);
	if (n < 0)
		return;
	struct node *f = &nodes[n];
	size_t size = below(3) == 0 ? f->size + below(65536) : below(f->size + 1);
	if (size > f->size && total_bytes + size - f->size > max_bytes)
		return;
	char path[512];
	path_of(n, path, sizeof(path));
	if (trace)
		printf("op %lu: truncate %s from %zu to %zu bytes\n", op_index, path, f->size, size);
	if (below(2)) {
		expect("truncate", path, truncate(path, (off_t)size), 0);
	} else {
		int fd = open(path, O_WRONLY);
		expect("open (ftruncate)", path, fd, 0);
		expect("ftruncate", path, ftruncate(fd, (off_t)size), 0);
		expect("close", path, close(fd), 0);
	}
	model_resize(f, size);
}

static int is_ancestor(int a, int n)
{
	for (; n != 0; n = nodes[n].parent)
		if (n == a)
			return 1;
	return a == 0;
}

static int subtree_height(int d)
{
	int h = 0;
	for (int i = 1; i < MAX_NODES; i++) {
		if (nodes[i].used && nodes[i].parent == d && nodes[i].is_dir) {
			int s = 1 + subtree_height(i);
			h = s > h ? s : h;
		}
	}
	return h;
}

static void op_rename(int want_dir)
{
	int n = pick(want_dir);
	if (n <= 0)
		return;
	int to = below(2) ? nodes[n].parent : pick_parent(); /* within or across directories */
	if (to < 0 || (nodes[n].is_dir && is_ancestor(n, to)))
		return;
	if (depth_of(to) + 1 + (nodes[n].is_dir ? subtree_height(n) : 0) > MAX_DEPTH)
		return;
	char from[512], dest[512];
	path_of(n, from, sizeof(from));
	/* A file sometimes replaces another file of the target directory, as POSIX allows. */
	int victim = -1;
	if (!nodes[n].is_dir && below(3) == 0) {
		for (int i = 1; i < MAX_NODES; i++)
			if (nodes[i].used && !nodes[i].is_dir && nodes[i].parent == to && i != n)
				victim = i;
	}
	if (victim >= 0) {
		nodes[n].name_id = nodes[victim].name_id;
	} else {
		nodes[n].name_id = fresh_name(to, nodes[n].is_dir);
	}
	nodes[n].parent = to;
	path_of(n, dest, sizeof(dest));
	if (trace)
		printf("op %lu: rename %s to %s%s\n", op_index, from, dest,
		       victim >= 0 ? " (replacing it)" : "");
	expect("rename", from, rename(from, dest), 0);
	if (victim >= 0)
		model_free(victim);
}

static void op_unlink(void)
{
	int n = pick(0);
	if (n < 0)
		return;
	char path[512];
	path_of(n, path, sizeof(path));
	expect("unlink", path, unlink(path), 0);
	model_free(n);
}

static void op_mkdir(void)
{
	int dir = pick_parent(), slot = free_slot();
	if (dir < 0 || slot < 0 || depth_of(dir) >= MAX_DEPTH)
		return;
	nodes[slot].used = 1;
	nodes[slot].is_dir = 1;
	nodes[slot].parent = dir;
	nodes[slot].name_id = fresh_name(dir, 1);
	char path[512];
	path_of(slot, path, sizeof(path));
	expect("mkdir", path, mkdir(path, 0755), 0);
}

static void op_rmdir(void)
{
	int d = pick(1);
	if (d <= 0)
		return;
	char path[512];
	path_of(d, path, sizeof(path));
	if (child_count(d) > 0) {
		expect("rmdir (not empty)", path, rmdir(path), ENOTEMPTY);
		return;
	}
	expect("rmdir", path, rmdir(path), 0);
	model_free(d);
}

/* Calls that must fail, each with the one errno POSIX (and Linux) gives. */
static void op_probe(void)
{
	char path[600], base[512];
	int f = pick(0), d = pick(1);
	switch (below(10)) {
	case 0: /* a missing file */
		path_of(d, base, sizeof(base));
		snprintf(path, sizeof(path), "%s/missing%d", base, (int)below(1000));
		expect("open (missing)", path, open(path, O_RDONLY), ENOENT);
		break;
	case 1: /* through a missing folder */
		path_of(d, base, sizeof(base));
		snprintf(path, sizeof(path), "%s/nodir%d/x", base, (int)below(1000));
		expect("create (missing folder)", path, open(path, O_WRONLY | O_CREAT, 0644), ENOENT);
		break;
	case 2: /* O_EXCL on an existing file */
		if (f < 0)
			return;
		path_of(f, path, sizeof(path));
		expect("create (exists)", path, open(path, O_WRONLY | O_CREAT | O_EXCL, 0644), EEXIST);
		break;
	case 3: /* mkdir over a file or a folder */
		path_of(below(2) && f >= 0 ? f : d, path, sizeof(path));
		expect("mkdir (exists)", path, mkdir(path, 0755), EEXIST);
		break;
	case 4: /* a file used as a folder */
		if (f < 0)
			return;
		path_of(f, base, sizeof(base));
		snprintf(path, sizeof(path), "%s/x", base);
		expect("open (file as folder)", path, open(path, O_RDONLY), ENOTDIR);
		break;
	case 5:
		if (d == 0)
			return;
		path_of(d, path, sizeof(path));
		expect("unlink (folder)", path, unlink(path), EISDIR);
		break;
	case 6:
		if (f < 0)
			return;
		path_of(f, path, sizeof(path));
		expect("rmdir (file)", path, rmdir(path), ENOTDIR);
		break;
	case 7:
		path_of(d, path, sizeof(path));
		expect("open (folder for writing)", path, open(path, O_WRONLY), EISDIR);
		break;
	case 8: /* a folder into itself */
		if (d == 0)
			return;
		path_of(d, base, sizeof(base));
		snprintf(path, sizeof(path), "%s/inside", base);
		expect("rename (folder into itself)", base, rename(base, path), EINVAL);
		break;
	default: /* a file over a folder (not one above it: Linux then says ENOTEMPTY) */
		if (f < 0 || d == 0 || is_ancestor(d, f))
			return;
		path_of(f, base, sizeof(base));
		path_of(d, path, sizeof(path));
		expect("rename (file over folder)", base, rename(base, path), EISDIR);
		break;
	}
}

static void op_stat(void)
{
	int n = pick(-1);
	if (n <= 0)
		return;
	char path[512];
	path_of(n, path, sizeof(path));
	struct stat st;
	expect("stat", path, stat(path, &st), 0);
	int ok = nodes[n].is_dir ? S_ISDIR(st.st_mode)
	                         : S_ISREG(st.st_mode) && (size_t)st.st_size == nodes[n].size;
	if (!ok) {
		printf("FAIL op %lu: stat %s: mode %o size %lld, expected %s of %zu bytes\n", op_index, path,
		       (unsigned)st.st_mode, (long long)st.st_size, nodes[n].is_dir ? "a folder" : "a file",
		       nodes[n].size);
		printf("%d passed, 1 failed\n", checks_passed);
		exit(1);
	}
}

/* The whole tree against the model: every folder lists exactly the model's entries, every file
 * reads back as written. */
static int verify_dir(int d)
{
	char path[512];
	path_of(d, path, sizeof(path));
	DIR *dir = opendir(path);
	if (!dir) {
		printf("FAIL final: opendir %s: %s\n", path, strerror(errno));
		return -1;
	}
	int seen = 0, bad = 0;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		int found = 0;
		for (int i = 1; i < MAX_NODES && !found; i++) {
			if (nodes[i].used && nodes[i].parent == d) {
				char name[64];
				name_of(nodes[i].name_id, nodes[i].is_dir, name, sizeof(name));
				found = strcmp(name, e->d_name) == 0;
			}
		}
		if (!found) {
			printf("FAIL final: %s lists '%s', which should not exist\n", path, e->d_name);
			bad = 1;
		}
		seen++;
	}
	closedir(dir);
	if (seen != child_count(d)) {
		printf("FAIL final: %s lists %d entries, expected %d\n", path, seen, child_count(d));
		bad = 1;
	}
	for (int i = 1; i < MAX_NODES && !bad; i++) {
		if (nodes[i].used && nodes[i].parent == d) {
			if (nodes[i].is_dir)
				bad = verify_dir(i) < 0;
			else
				verify_file(i);
		}
	}
	return bad ? -1 : 0;
}

static void usage(void)
{
	printf("usage: fs_ops --seed N --ops N [--max-bytes N] ROOT\n");
	exit(2);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	unsigned long ops = 0;
	max_bytes = 24u << 20;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc)
			ops = strtoul(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--trace") == 0)
			trace = 1;
		else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc)
			max_bytes = strtoull(argv[++i], NULL, 0);
		else if (argv[i][0] != '-' && !root)
			root = argv[i];
		else
			usage();
	}
	if (!root || ops == 0)
		usage();
	iobuf = malloc(IOBUF_SIZE);
	if (!iobuf) {
		printf("fs_ops: no memory for the I/O buffer\n");
		return 2;
	}
	rng_state = seed;
	nodes[0].used = 1;
	nodes[0].is_dir = 1;
	printf("fs_ops: seed %llu, %lu operations under %s, at most %zu bytes\n", (unsigned long long)seed,
	       ops, root, max_bytes);

	unsigned long counts[12] = {0};
	for (op_index = 0; op_index < ops; op_index++) {
		uint64_t r = below(100);
		int kind;
		if (r < 15)
			kind = 0, op_create();
		else if (r < 30)
			kind = 1, op_write(0);
		else if (r < 42)
			kind = 2, op_write(1);
		else if (r < 50)
			kind = 3, op_truncate();
		else if (r < 58)
			kind = 4, op_rename(0);
		else if (r < 61)
			kind = 5, op_rename(1);
		else if (r < 68)
			kind = 6, op_unlink();
		else if (r < 72)
			kind = 7, op_mkdir();
		else if (r < 79)
			kind = 8, op_rmdir();
		else if (r < 87)
			kind = 9, op_probe();
		else if (r < 93) {
			kind = 10;
			int n = pick(0);
			if (n >= 0)
				verify_file(n);
		} else
			kind = 11, op_stat();
		counts[kind]++;
		checks_passed++;
	}
	int files = 0, dirs = 0;
	for (int i = 1; i < MAX_NODES; i++) {
		files += nodes[i].used && !nodes[i].is_dir;
		dirs += nodes[i].used && nodes[i].is_dir;
	}
	printf("fs_ops: create %lu write %lu append %lu truncate %lu rename %lu/%lu unlink %lu mkdir %lu "
	       "rmdir %lu probe %lu read %lu stat %lu\n",
	       counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7],
	       counts[8], counts[9], counts[10], counts[11]);
	printf("fs_ops: %llu bytes written; the tree holds %d files (%zu bytes) in %d folders\n",
	       (unsigned long long)bytes_written, files, total_bytes, dirs);
	if (verify_dir(0) < 0) {
		printf("%d passed, 1 failed\n", checks_passed);
		return 1;
	}
	checks_passed++;
	printf("%d passed, 0 failed\n", checks_passed);
	return 0;
}
