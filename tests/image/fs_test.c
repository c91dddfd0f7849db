/* SPDX-License-Identifier: MIT */
/* fs_test.c: the filesystems from inside, through POSIX calls only: "tmp" works the writable
 * ramfs at /tmp with exact errors, "initrd" reads back the archive tests/boot/fs_initrd.py
 * packed (and gets EROFS on it), "rootfs" the folder add_unikernel(ROOTFS) packed
 * (tests/image/rootfs). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "image_check.h"

#define BIG_SIZE (5u << 20)

/* The big file's bytes: not periodic in 256 so a misplaced page shows. */
static unsigned char big_byte(size_t i) { return (unsigned char)(i * 7 + i / 4096 + (i >> 16)); }

/* Whether f fails with exactly err. */
#define FAILS(expr, err) ((expr) == -1 && errno == (err))

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static bool dir_has(const char *dir, const char *name, unsigned char type)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool found = false;

	if (!d)
		return false;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, name) == 0 && e->d_type == type)
			found = true;
	closedir(d);
	return found;
}

static void test_tmp(void)
{
	char buf[256], *longname, *longpath;
	struct stat st;
	struct statvfs sv;
	int fd;

	/* create, write, read back, append, lseek */
	fd = open("/tmp/a.txt", O_RDWR | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 3);
	CHECK(write(fd, "hello", 5) == 5);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(read(fd, buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
	CHECK(lseek(fd, 0, SEEK_END) == 5);
	CHECK(pwrite(fd, "J", 1, 0) == 1);
	CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "Jello", 5) == 0);
	CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 5 && (st.st_mode & 0777) == 0644);
	CHECK(ftruncate(fd, 2) == 0 && fstat(fd, &st) == 0 && st.st_size == 2);
	CHECK(fsync(fd) == 0);
	CHECK(close(fd) == 0);
	CHECK(FAILS(close(fd), EBADF));
	CHECK(FAILS(open("/tmp/a.txt", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST));
	fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
	CHECK(fd >= 0 && write(fd, "xy", 2) == 2 && close(fd) == 0);
	CHECK(read_text("/tmp/a.txt", buf, sizeof(buf)) == 0 && strcmp(buf, "Jexy") == 0);
	fd = open("/tmp/a.txt", O_RDONLY);
	CHECK(FAILS(write(fd, "z", 1), EBADF));
	CHECK((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	close(fd);

	/* stdio on a file (newlib's _open_r) */
	{
		FILE *f = fopen("/tmp/stdio.txt", "w");

		CHECK(f != NULL && fprintf(f, "line %d\n", 42) == 8 && fclose(f) == 0);
		f = fopen("/tmp/stdio.txt", "r");
		CHECK(f != NULL && fgets(buf, sizeof(buf), f) && strcmp(buf, "line 42\n") == 0);
		if (f)
			fclose(f);
		CHECK(fopen("/tmp/none/x", "r") == NULL && errno == ENOENT);
	}

	/* directories */
	CHECK(mkdir("/tmp/d", 0755) == 0);
	CHECK(FAILS(mkdir("/tmp/d", 0755), EEXIST));
	CHECK(FAILS(mkdir("/tmp/none/d", 0755), ENOENT));
	CHECK(FAILS(mkdir("/tmp/a.txt/d", 0755), ENOTDIR));
	CHECK(mkdir("/tmp/d/e", 0755) == 0 && write_file("/tmp/d/e/f", "deep") == 0);
	CHECK(stat("/tmp/d/e", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(FAILS(rmdir("/tmp/d"), ENOTEMPTY));
	CHECK(FAILS(rmdir("/tmp/a.txt"), ENOTDIR));
	CHECK(FAILS(unlink("/tmp/d"), EISDIR));
	CHECK(FAILS(open("/tmp/d", O_WRONLY), EISDIR));
	CHECK(FAILS(open("/tmp/a.txt/x", O_RDONLY), ENOTDIR));
	CHECK(FAILS(open("/tmp/nothere", O_RDONLY), ENOENT));
	CHECK(dir_has("/tmp/d", "e", DT_DIR) && dir_has("/tmp/d", ".", DT_DIR) &&
	      dir_has("/tmp/d", "..", DT_DIR));
	CHECK(dir_has("/tmp", "a.txt", DT_REG));

	/* rename within and across directories, replacing */
	CHECK(rename("/tmp/a.txt", "/tmp/d/b.txt") == 0);
	CHECK(FAILS(stat("/tmp/a.txt", &st), ENOENT));
	CHECK(read_text("/tmp/d/b.txt", buf, sizeof(buf)) == 0 && strcmp(buf, "Jexy") == 0);
	CHECK(write_file("/tmp/c.txt", "other") == 0 && rename("/tmp/c.txt", "/tmp/d/b.txt") == 0);
	CHECK(read_text("/tmp/d/b.txt", buf, sizeof(buf)) == 0 && strcmp(buf, "other") == 0);
	CHECK(FAILS(rename("/tmp/d/b.txt", "/tmp/d/e"), EISDIR));
	CHECK(FAILS(rename("/tmp/d", "/tmp/d/e/inside"), EINVAL));
	CHECK(FAILS(rename("/tmp/nothere", "/tmp/x"), ENOENT));
	CHECK(FAILS(rename("/tmp/d/b.txt", "/b.txt"), EXDEV));

	/* unlink, rmdir; an open file outlives its name */
	fd = open("/tmp/d/b.txt", O_RDONLY);
	CHECK(unlink("/tmp/d/b.txt") == 0);
	CHECK(FAILS(unlink("/tmp/d/b.txt"), ENOENT));
	CHECK(fd >= 0 && read(fd, buf, 5) == 5 && memcmp(buf, "other", 5) == 0);
	close(fd);
	CHECK(unlink("/tmp/d/e/f") == 0 && rmdir("/tmp/d/e") == 0 && rmdir("/tmp/d") == 0);
	CHECK(FAILS(rmdir("/tmp/d"), ENOENT));

	/* cwd, relative paths, "." and ".." */
	CHECK(mkdir("/tmp/w", 0755) == 0 && chdir("/tmp/w") == 0);
	CHECK(getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp/w") == 0);
	CHECK(write_file("rel.txt", "r") == 0 && stat("/tmp/w/rel.txt", &st) == 0);
	CHECK(stat("../w/./rel.txt", &st) == 0 && st.st_size == 1);
	CHECK(chdir("..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp") == 0);
	CHECK(chdir("/tmp/../../..") == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/") == 0);
	CHECK(FAILS(chdir("/tmp/w/rel.txt"), ENOTDIR));
	CHECK(realpath("/tmp/./w/../w/rel.txt", buf) && strcmp(buf, "/tmp/w/rel.txt") == 0);
	CHECK(access("/tmp/w/rel.txt", R_OK | W_OK) == 0 && FAILS(access("/tmp/w/none", F_OK), ENOENT));

	/* symlinks, and a loop */
	CHECK(symlink("w/rel.txt", "/tmp/link") == 0);
	CHECK(read_text("/tmp/link", buf, sizeof(buf)) == 0 && strcmp(buf, "r") == 0);
	CHECK(lstat("/tmp/link", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(readlink("/tmp/link", buf, sizeof(buf)) == 9 && memcmp(buf, "w/rel.txt", 9) == 0);
	CHECK(symlink("/tmp/w", "/tmp/dlink") == 0 && stat("/tmp/dlink/rel.txt", &st) == 0);
	CHECK(realpath("/tmp/dlink/../link", buf) && strcmp(buf, "/tmp/w/rel.txt") == 0);
	CHECK(symlink("loop2", "/tmp/loop1") == 0 && symlink("loop1", "/tmp/loop2") == 0);
	CHECK(FAILS(open("/tmp/loop1", O_RDONLY), ELOOP));
	CHECK(FAILS(stat("/tmp/loop2/x", &st), ELOOP));
	CHECK(FAILS(open("/tmp/link", O_RDONLY | O_NOFOLLOW), ELOOP));
	CHECK(FAILS(symlink("x", "/tmp/link"), EEXIST));

	/* ENAMETOOLONG: a component past VFS_NAME_MAX, a path past VFS_PATH_MAX */
	longname = malloc(300);
	longpath = malloc(5000);
	memset(longname, 'n', 299);
	longname[299] = '\0';
	memcpy(longname, "/tmp/", 5);
	CHECK(FAILS(open(longname, O_RDWR | O_CREAT, 0644), ENAMETOOLONG));
	for (int i = 0; i < 2500; i++)
		memcpy(longpath + 2 * i, "/a", 2);
	longpath[5000 - 1] = '\0';
	CHECK(FAILS(stat(longpath, &st), ENAMETOOLONG));
	free(longname);
	free(longpath);

	/* statvfs follows free memory; the root ramfs and /tmp are different mounts */
	CHECK(statvfs("/tmp", &sv) == 0 && sv.f_bsize == 4096 && sv.f_bavail > 0 && !(sv.f_flag & ST_RDONLY));

	/* ENOSPC, never a crash: fill /tmp until it refuses, then free it again */
	{
		static char chunk[65536];
		size_t total = 0;
		ssize_t n = 0;

		fd = open("/tmp/fill", O_WRONLY | O_CREAT, 0600);
		memset(chunk, 0xa5, sizeof(chunk));
		while ((n = write(fd, chunk, sizeof(chunk))) > 0)
			total += (size_t)n;
		CHECK(n == -1 && errno == ENOSPC && total > (1u << 20));
		CHECK(FAILS(write(fd, chunk, 4096), ENOSPC));
		close(fd);
		CHECK(unlink("/tmp/fill") == 0);
		CHECK(write_file("/tmp/after", "ok") == 0);
	}

	/* mount() and umount() of a second ramfs, EBUSY while a file is open */
	CHECK(mount("", "/mnt/scratch", "ramfs", 0, NULL) == 0);
	CHECK(stat("/mnt", &st) == 0 && S_ISDIR(st.st_mode) && dir_has("/mnt", "scratch", DT_DIR));
	fd = open("/mnt/scratch/f", O_WRONLY | O_CREAT, 0644);
	CHECK(fd >= 0);
	CHECK(FAILS(umount("/mnt/scratch"), EBUSY));
	CHECK(FAILS(rename("/mnt/scratch/f", "/tmp/f"), EXDEV));
	close(fd);
	CHECK(umount("/mnt/scratch") == 0);
	CHECK(FAILS(stat("/mnt/scratch/f", &st), ENOENT));
	CHECK(FAILS(umount("/mnt/scratch"), EINVAL));
}

/* The whole big file, read in odd-sized pieces, then at scattered offsets with pread. */
static bool big_file_ok(const char *path)
{
	static unsigned char buf[65537];
	size_t at = 0;
	bool ok = true;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++)
			ok = ok && buf[i] == big_byte(at + (size_t)i);
		at += (size_t)n;
	}
	ok = ok && n == 0 && at == BIG_SIZE;
	for (size_t off = 1; off < BIG_SIZE; off += 999983) {
		ok = ok && pread(fd, buf, 3, (off_t)off) == 3;
		ok = ok && buf[0] == big_byte(off) && buf[2] == big_byte(off + 2);
	}
	ok = ok && pread(fd, buf, 10, BIG_SIZE - 4) == 4 && pread(fd, buf, 10, BIG_SIZE) == 0;
	close(fd);
	return ok;
}

/* The read-only initrd at "/": contents byte for byte, EROFS for every kind of write. */
static void test_initrd(void)
{
	char buf[256];
	struct stat st;
	struct statvfs sv;

	CHECK(read_text("/etc/motd", buf, sizeof(buf)) == 0 && strcmp(buf, "hello from the initrd\n") == 0);
	CHECK(read_text("/data/nested/deeper/deepest/leaf.txt", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "leaf\n") == 0);
	CHECK(stat("/data/big.bin", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == BIG_SIZE);
	CHECK(big_file_ok("/data/big.bin"));
	CHECK(big_file_ok("/abs")); /* an absolute symlink */
	CHECK(readlink("/data/link", buf, sizeof(buf)) == 30 &&
	      memcmp(buf, "nested/deeper/deepest/leaf.txt", 30) == 0);
	CHECK(read_text("/data/link", buf, sizeof(buf)) == 0 && strcmp(buf, "leaf\n") == 0);
	CHECK(lstat("/abs", &st) == 0 && S_ISLNK(st.st_mode));
	/* Folders the archive never listed. */
	CHECK(stat("/implicit/a", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(read_text("/implicit/a/b/c.txt", buf, sizeof(buf)) == 0 &&
	      strcmp(buf, "no parent entries\n") == 0);
	CHECK(dir_has("/data", "nested", DT_DIR) && dir_has("/data", "big.bin", DT_REG) &&
	      dir_has("/data", "link", DT_LNK));
	CHECK(dir_has("/", "implicit", DT_DIR) && dir_has("/", "empty", DT_DIR));
	CHECK(stat("/data/nested/../nested/./deeper", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(FAILS(stat("/data/none", &st), ENOENT));
	CHECK(FAILS(open("/etc/motd/x", O_RDONLY), ENOTDIR));
	CHECK(FAILS(open("/loop1", O_RDONLY), ELOOP));

	/* Every write is EROFS. */
	CHECK(FAILS(open("/etc/motd", O_WRONLY), EROFS));
	CHECK(FAILS(open("/etc/motd", O_RDWR | O_TRUNC), EROFS));
	CHECK(FAILS(open("/etc/new", O_WRONLY | O_CREAT, 0644), EROFS));
	CHECK(FAILS(mkdir("/etc/dir", 0755), EROFS));
	CHECK(FAILS(unlink("/etc/motd"), EROFS));
	CHECK(FAILS(rmdir("/empty"), EROFS));
	CHECK(FAILS(rename("/etc/motd", "/etc/motd2"), EROFS));
	CHECK(FAILS(symlink("x", "/etc/sym"), EROFS));
	CHECK(FAILS(truncate("/etc/motd", 0), EROFS));
	CHECK(FAILS(access("/etc/motd", W_OK), EROFS));
	CHECK(statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY));
	/* /tmp is the ramfs over the initrd's own /tmp folder. */
	CHECK(write_file("/tmp/over", "w") == 0 && statvfs("/tmp", &sv) == 0 && !(sv.f_flag & ST_RDONLY));
	CHECK(FAILS(rmdir("/tmp"), EBUSY));
	CHECK(FAILS(rename("/etc/motd", "/tmp/motd"), EXDEV));
}

/* The folder tests/image/rootfs, packed into the image by add_unikernel(ROOTFS). */
static void test_rootfs(void)
{
	char buf[256];
	struct statvfs sv;

	CHECK(read_text("/hello.txt", buf, sizeof(buf)) == 0 && strcmp(buf, "built into the image\n") == 0);
	CHECK(read_text("/www/index.html", buf, sizeof(buf)) == 0 && strcmp(buf, "<h1>root</h1>\n") == 0);
	CHECK(read_text("/www/docs/deep.txt", buf, sizeof(buf)) == 0 && strcmp(buf, "deep\n") == 0);
	CHECK(read_text("/index-link", buf, sizeof(buf)) == 0 && strcmp(buf, "<h1>root</h1>\n") == 0);
	CHECK(dir_has("/www", "docs", DT_DIR) && dir_has("/", "index-link", DT_LNK));
	CHECK(FAILS(open("/hello.txt", O_WRONLY), EROFS));
	CHECK(statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY));
}

/* The *at calls, directory streams, umask, timestamps, fstatvfs. */
static void test_more(void)
{
	struct timespec times[2] = {{.tv_sec = 1000000000, .tv_nsec = 5},
	                            {.tv_sec = 1234567890, .tv_nsec = 0}};
	char buf[64];
	struct stat st;
	struct statvfs sv;
	struct dirent *e;
	int dfd, fd, n = 0;
	long pos;
	DIR *d;

	CHECK(mkdir("/tmp/at", 0777) == 0);
	dfd = open("/tmp/at", O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0);
	fd = openat(dfd, "f", O_WRONLY | O_CREAT, 0666);
	CHECK(fd >= 0 && write(fd, "at", 2) == 2 && close(fd) == 0);
	CHECK(fstatat(dfd, "f", &st, 0) == 0 && st.st_size == 2);
	CHECK((st.st_mode & 0777) == 0644); /* umask 022 */
	CHECK(mkdirat(dfd, "sub", 0755) == 0 && faccessat(dfd, "sub", F_OK, 0) == 0);
	CHECK(renameat(dfd, "f", dfd, "sub/g") == 0 && stat("/tmp/at/sub/g", &st) == 0);
	CHECK(symlinkat("sub/g", dfd, "l") == 0 && readlinkat(dfd, "l", buf, sizeof(buf)) == 5);
	CHECK(unlinkat(dfd, "l", 0) == 0 && unlinkat(dfd, "sub/g", 0) == 0);
	CHECK(FAILS(unlinkat(dfd, "sub", 0), EISDIR) && unlinkat(dfd, "sub", AT_REMOVEDIR) == 0);
	CHECK(FAILS(openat(0, "x", O_RDONLY), ENOTDIR)); /* the console */
	CHECK(FAILS(openat(60, "x", O_RDONLY), EBADF));
	CHECK(fstatvfs(dfd, &sv) == 0 && sv.f_bsize == 4096);
	CHECK(fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) && strcmp(buf, "/tmp/at") == 0);
	CHECK(FAILS(read(dfd, buf, 1), EISDIR));
	close(dfd);
	CHECK(chdir("/") == 0);

	umask(077);
	fd = creat("/tmp/at/private", 0666);
	CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 0777) == 0600);
	close(fd);
	CHECK(umask(022) == 077);

	CHECK(utimensat(AT_FDCWD, "/tmp/at/private", times, 0) == 0);
	CHECK(stat("/tmp/at/private", &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
	      st.st_atim.tv_sec == 1000000000);
	times[1].tv_nsec = UTIME_OMIT;
	times[0].tv_sec = 42;
	CHECK(utimensat(AT_FDCWD, "/tmp/at/private", times, 0) == 0);
	CHECK(stat("/tmp/at/private", &st) == 0 && st.st_mtim.tv_sec == 1234567890 &&
	      st.st_atim.tv_sec == 42);
	times[0].tv_nsec = 1000000000;
	CHECK(FAILS(utimensat(AT_FDCWD, "/tmp/at/private", times, 0), EINVAL));

	/* A directory stream: ".", "..", "private"; rewind gives the same again. */
	d = opendir("/tmp/at");
	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL)
		n++;
	CHECK(n == 3);
	rewinddir(d);
	e = readdir(d);
	CHECK(e && strcmp(e->d_name, ".") == 0);
	pos = telldir(d);
	e = readdir(d);
	CHECK(e && strcmp(e->d_name, "..") == 0);
	seekdir(d, pos);
	e = readdir(d);
	CHECK(e && strcmp(e->d_name, "..") == 0);
	CHECK(closedir(d) == 0);
	CHECK(opendir("/tmp/at/private") == NULL && errno == ENOTDIR);
	CHECK(opendir("/tmp/none") == NULL && errno == ENOENT);
	CHECK(FAILS(link("/tmp/at/private", "/tmp/at/hard"), EPERM));

	/* A mount point named through a symlink lands where the symlink points. */
	CHECK(mkdir("/tmp/mdir", 0755) == 0 && symlink("mdir", "/tmp/mlink") == 0);
	CHECK(mount("", "/tmp/mlink", "ramfs", 0, NULL) == 0);
	CHECK(write_file("/tmp/mdir/x", "x") == 0 && FAILS(rename("/tmp/mdir/x", "/tmp/x"), EXDEV));
	CHECK(umount("/tmp/mlink") == 0 && FAILS(stat("/tmp/mdir/x", &st), ENOENT));
}

/* A name looked up while absent (the VFS caches the absence: SQLite stat()s its absent journal
 * before each read) is found once it is made by any call, and absent again once removed; a
 * mount point at or below a cached name shows at once. */
static void test_absent(void)
{
	struct stat st;
	char buf[16];

	CHECK(mkdir("/tmp/neg", 0755) == 0);
	/* open O_CREAT, then unlink: each stat() before and after answers what is there now */
	CHECK(FAILS(stat("/tmp/neg/j", &st), ENOENT) && FAILS(stat("/tmp/neg/j", &st), ENOENT));
	CHECK(write_file("/tmp/neg/j", "1") == 0 && stat("/tmp/neg/j", &st) == 0 && st.st_size == 1);
	CHECK(unlink("/tmp/neg/j") == 0 && FAILS(stat("/tmp/neg/j", &st), ENOENT));
	CHECK(write_file("/tmp/neg/j", "22") == 0 && stat("/tmp/neg/j", &st) == 0 && st.st_size == 2);
	/* mkdir, symlink and rename onto a name that failed a lookup */
	CHECK(FAILS(stat("/tmp/neg/d", &st), ENOENT) && mkdir("/tmp/neg/d", 0755) == 0);
	CHECK(stat("/tmp/neg/d", &st) == 0 && S_ISDIR(st.st_mode));
	CHECK(FAILS(lstat("/tmp/neg/l", &st), ENOENT) && symlink("j", "/tmp/neg/l") == 0);
	CHECK(lstat("/tmp/neg/l", &st) == 0 && S_ISLNK(st.st_mode));
	CHECK(FAILS(access("/tmp/neg/r", F_OK), ENOENT) && rename("/tmp/neg/j", "/tmp/neg/r") == 0);
	CHECK(read_text("/tmp/neg/r", buf, sizeof(buf)) == 0 && strcmp(buf, "22") == 0);
	CHECK(FAILS(stat("/tmp/neg/j", &st), ENOENT) && FAILS(stat("/tmp/neg/l", &st), ENOENT));
	/* an absent name that a mount point then lies below, and one a mount then covers */
	CHECK(FAILS(stat("/tmp/neg/m", &st), ENOENT));
	CHECK(mount("", "/tmp/neg/m/in", "ramfs", 0, NULL) == 0);
	CHECK(stat("/tmp/neg/m", &st) == 0 && S_ISDIR(st.st_mode) && stat("/tmp/neg/m/in", &st) == 0);
	CHECK(umount("/tmp/neg/m/in") == 0 && FAILS(stat("/tmp/neg/m", &st), ENOENT));
	CHECK(write_file("/tmp/neg/d/under", "u") == 0 && stat("/tmp/neg/d/under", &st) == 0);
	CHECK(FAILS(stat("/tmp/neg/d/other", &st), ENOENT));
	CHECK(mount("", "/tmp/neg/d", "ramfs", 0, NULL) == 0);
	CHECK(FAILS(stat("/tmp/neg/d/under", &st), ENOENT) && write_file("/tmp/neg/d/other", "o") == 0);
	CHECK(stat("/tmp/neg/d/other", &st) == 0 && umount("/tmp/neg/d") == 0);
	CHECK(stat("/tmp/neg/d/under", &st) == 0 && FAILS(stat("/tmp/neg/d/other", &st), ENOENT));
	/* stat() of a path whose every name is cached answers from the cache alone
	 * (vfs_walk_cached) and must agree with the full walk: each is asked twice, the second
	 * time with every component cached. A symlink last (followed or not) and midway, a file
	 * midway or before a trailing slash, ".", "..", doubled slashes, an absent name midway. */
	CHECK(symlink("d", "/tmp/neg/sl") == 0);
	for (int i = 0; i < 2; i++) {
		CHECK(stat("/tmp/neg/sl", &st) == 0 && S_ISDIR(st.st_mode));
		CHECK(lstat("/tmp/neg/sl", &st) == 0 && S_ISLNK(st.st_mode));
		CHECK(stat("/tmp/neg/sl/under", &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 1);
		CHECK(FAILS(stat("/tmp/neg/r/x", &st), ENOTDIR) && FAILS(stat("/tmp/neg/r/", &st), ENOTDIR));
		CHECK(stat("/tmp/neg/./r", &st) == 0 && st.st_size == 2);
		CHECK(stat("/tmp/neg/d/../r", &st) == 0 && st.st_size == 2);
		CHECK(stat("//tmp//neg//r", &st) == 0 && st.st_size == 2);
		CHECK(FAILS(stat("/tmp/neg/gone/r", &st), ENOENT) &&
		      FAILS(stat("/tmp/neg/gone", &st), ENOENT));
	}
}

/* Two threads, each on its own file, and a third changing the namespace, at once. */
struct worker {
	int id;
	int errors;
};

static void *file_worker(void *arg)
{
	struct worker *w = arg;
	unsigned char out[4096], in[4096];
	char path[32];

	snprintf(path, sizeof(path), "/tmp/thread%d", w->id);
	for (int round = 0; round < 20; round++) {
		int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			w->errors++;
			continue;
		}
		for (int blk = 0; blk < 16; blk++) {
			memset(out, w->id * 16 + blk + round, sizeof(out));
			if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
				w->errors++;
		}
		for (int blk = 0; blk < 16; blk++) {
			memset(out, w->id * 16 + blk + round, sizeof(out));
			if (pread(fd, in, sizeof(in), (off_t)blk * 4096) != (ssize_t)sizeof(in) ||
			    memcmp(in, out, sizeof(in)) != 0)
				w->errors++;
		}
		close(fd);
	}
	return NULL;
}

static void *dir_worker(void *arg)
{
	struct worker *w = arg;

	for (int round = 0; round < 100; round++) {
		if (mkdir("/tmp/churn", 0755) != 0 || rmdir("/tmp/churn") != 0)
			w->errors++;
	}
	return NULL;
}

static volatile int race_stop;

static void *stat_worker(void *arg)
{
	struct stat st;

	(void)arg;
	while (!race_stop)
		stat("/tmp/race/a/b/c", &st);
	return NULL;
}

/* Mounting and unmounting while another thread keeps looking paths up under the mount. */
static void test_umount_race(void)
{
	pthread_t t;
	int ok = 0;

	CHECK(pthread_create(&t, NULL, stat_worker, NULL) == 0);
	for (int i = 0; i < 50; i++) {
		if (mount("", "/tmp/race", "ramfs", 0, NULL) != 0)
			continue;
		if (mkdir("/tmp/race/a", 0755) == 0 && mkdir("/tmp/race/a/b", 0755) == 0 &&
		    umount("/tmp/race") == 0)
			ok++;
		sched_yield();
	}
	race_stop = 1;
	pthread_join(t, NULL);
	CHECK(ok == 50);
}

static void test_threads(void)
{
	struct worker w[3] = {{1, 0}, {2, 0}, {3, 0}};
	pthread_t t[3];

	CHECK(pthread_create(&t[0], NULL, file_worker, &w[0]) == 0);
	CHECK(pthread_create(&t[1], NULL, file_worker, &w[1]) == 0);
	CHECK(pthread_create(&t[2], NULL, dir_worker, &w[2]) == 0);
	for (int i = 0; i < 3; i++)
		pthread_join(t[i], NULL);
	CHECK(w[0].errors == 0 && w[1].errors == 0 && w[2].errors == 0);
}

/* EMFILE at the descriptor table's end. */
static void test_emfile(void)
{
	int fds[300], n = 0, fd;

	CHECK(write_file("/tmp/many", "m") == 0);
	while (n < 300 && (fd = open("/tmp/many", O_RDONLY)) >= 0)
		fds[n++] = fd;
	CHECK(n < 300 && errno == EMFILE);
	while (n > 0)
		close(fds[--n]);
	fd = open("/tmp/many", O_RDONLY);
	CHECK(fd >= 0);
	close(fd);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "tmp") == 0) {
			test_tmp();
			test_emfile();
		} else if (strcmp(argv[i], "more") == 0) {
			test_more();
			test_absent();
			test_threads();
			test_umount_race();
		} else if (strcmp(argv[i], "rootfs") == 0) {
			test_rootfs();
		} else if (strcmp(argv[i], "initrd") == 0) {
			test_initrd();
		} else {
			printf("fs_test: unknown part %s\n", argv[i]);
			return 2;
		}
	}
	return check_report();
}
