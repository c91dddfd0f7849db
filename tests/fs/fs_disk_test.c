/* SPDX-License-Identifier: MIT */
/* fs_disk_test.c: the storage system tests' guest, one scenario per run (read-only disk, full
 * disk, corrupt images, two disks, a 1 GiB file); tests/fs/fs_disk.py prepares the disks and
 * checks them on the host afterwards. Prints one line per failure and a summary. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "../image/image_check.h"

/* File contents both sides compute (fs_disk.py: block()): 4 KiB blocks, block b of a file
 * tagged t is a permutation of bytes chosen by b and t, its first 4 bytes b itself. */
#define BLOCK 4096

static void make_block(uint8_t *p, uint32_t b, uint32_t tag)
{
	uint32_t c = (b * 7 + tag * 101) & 0xff;
	for (uint32_t i = 0; i < BLOCK; i++)
		p[i] = (uint8_t)(i * 31 + c);
	memcpy(p, &b, 4); /* x86 is little-endian, as fs_disk.py assumes */
}

#define CHECK_ERRNO(call, want)                                                                    \
	do {                                                                                       \
		errno = 0;                                                                         \
		long r_ = (long)(call);                                                            \
		int ok_ = r_ < 0 && errno == (want);                                               \
		if (!ok_)                                                                          \
			printf("%s: returned %ld, errno %d (%s), expected %s\n", #call, r_, errno, \
			       strerror(errno), #want);                                            \
		CHECK(ok_);                                                                        \
	} while (0)

/* Writes `size` bytes of tag's contents to path and fsyncs it; 0 or -errno, with the bytes
 * write() accepted in *done (a short write is followed by another, as POSIX callers do). */
static int write_tagged(const char *path, uint32_t tag, uint64_t size, uint64_t *done)
{
	static uint8_t buf[64 * BLOCK];
	*done = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	while (*done < size) {
		uint64_t b0 = *done / BLOCK;
		size_t skip = (size_t)(*done % BLOCK);
		for (size_t k = 0; k < sizeof(buf) / BLOCK; k++)
			make_block(buf + k * BLOCK, (uint32_t)(b0 + k), tag);
		size_t n = sizeof(buf) - skip;
		if (size - *done < n)
			n = (size_t)(size - *done);
		ssize_t w = write(fd, buf + skip, n);
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			return -e;
		}
		*done += (uint64_t)w;
	}
	if (fsync(fd) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

/* 1 when path holds exactly `size` bytes of tag's contents. */
static int check_tagged(const char *path, uint32_t tag, uint64_t size)
{
	static uint8_t buf[64 * BLOCK], want[BLOCK];
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("open %s: %s\n", path, strerror(errno));
		return 0;
	}
	uint64_t off = 0;
	for (;;) {
		ssize_t r = read(fd, buf, sizeof(buf));
		if (r < 0) {
			printf("read %s at %llu: %s\n", path, (unsigned long long)off, strerror(errno));
			close(fd);
			return 0;
		}
		if (r == 0)
			break;
		for (ssize_t k = 0; k < r;) {
			uint64_t pos = off + (uint64_t)k;
			size_t in = (size_t)(pos % BLOCK), n = BLOCK - in;
			if ((size_t)(r - k) < n)
				n = (size_t)(r - k);
			make_block(want, (uint32_t)(pos / BLOCK), tag);
			if (memcmp(buf + k, want + in, n) != 0) {
				printf("%s differs in the 4 KiB block at %llu\n", path,
				       (unsigned long long)(pos - in));
				close(fd);
				return 0;
			}
			k += (ssize_t)n;
		}
		off += (uint64_t)r;
	}
	close(fd);
	if (off != size)
		printf("%s: %llu bytes, expected %llu\n", path, (unsigned long long)off,
		       (unsigned long long)size);
	return off == size;
}

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, len - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	buf[n] = 0;
	return (int)n;
}

#define HELLO "hello from the host\n"

/* A FAT disk mounted read-only (by the option, or because the device is read-only): reads work,
 * every change is EROFS. fs_disk.py checks that the image did not change by a byte. */
static void scenario_readonly(const char *d)
{
	char p[256], q[256], text[64];
	snprintf(p, sizeof(p), "%s/hello.txt", d);
	CHECK(read_text(p, text, sizeof(text)) == (int)strlen(HELLO) && strcmp(text, HELLO) == 0);
	snprintf(q, sizeof(q), "%s/new.txt", d);
	CHECK_ERRNO(open(q, O_WRONLY | O_CREAT, 0644), EROFS);
	CHECK_ERRNO(open(p, O_WRONLY), EROFS);
	CHECK_ERRNO(open(p, O_RDWR | O_APPEND), EROFS);
	CHECK_ERRNO(truncate(p, 0), EROFS);
	CHECK_ERRNO(unlink(p), EROFS);
	CHECK_ERRNO(rename(p, q), EROFS);
	snprintf(q, sizeof(q), "%s/newdir", d);
	CHECK_ERRNO(mkdir(q, 0755), EROFS);
	snprintf(q, sizeof(q), "%s/sub", d);
	CHECK_ERRNO(rmdir(q), EROFS);
	struct statvfs sv;
	CHECK(statvfs(d, &sv) == 0 && (sv.f_flag & ST_RDONLY));
	CHECK(read_text(p, text, sizeof(text)) == (int)strlen(HELLO) && strcmp(text, HELLO) == 0);
}

/* Files of 1 MiB until the disk is full: ENOSPC (never a crash), what was written reads back,
 * and space freed by unlink can be used again. Prints "file NAME TAG SIZE" for fs_disk.py. */
static void scenario_full(const char *d)
{
	char p[256];
	uint64_t done = 0, total = 0;
	int err = 0, n = 0;
	uint64_t sizes[256];
	while (n < 256) {
		snprintf(p, sizeof(p), "%s/fill%d.bin", d, n);
		err = write_tagged(p, (uint32_t)n, 1u << 20, &done);
		sizes[n++] = done;
		total += done;
		if (err < 0)
			break;
	}
	if (err != -ENOSPC)
		printf("full: the last write ended with %d (%s), expected ENOSPC\n", err, strerror(-err));
	CHECK(err == -ENOSPC);
	printf("full: %llu bytes in %d files before ENOSPC\n", (unsigned long long)total, n);
	/* The file that met ENOSPC keeps what was written; fsync and close worked. */
	int ok = 1;
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "%s/fill%d.bin", d, i);
		ok &= check_tagged(p, (uint32_t)i, sizes[i]);
	}
	CHECK(ok);
	snprintf(p, sizeof(p), "%s/more.bin", d);
	CHECK(write_tagged(p, 999, BLOCK * 4, &done) == -ENOSPC);
	CHECK(unlink(p) == 0 || errno == ENOENT);
	snprintf(p, sizeof(p), "%s/fill0.bin", d);
	CHECK(unlink(p) == 0);
	snprintf(p, sizeof(p), "%s/after.bin", d);
	CHECK(write_tagged(p, 1000, 256 * 1024, &done) == 0 && done == 256 * 1024);
	CHECK(check_tagged(p, 1000, 256 * 1024));
	for (int i = 1; i < n; i++)
		printf("file fill%d.bin %d %llu\n", i, i, (unsigned long long)sizes[i]);
	printf("file after.bin 1000 262144\n");
}

/* blk0 (corrupt boot sector) failed to mount at /bad; /mid has a file whose cluster chain leaves
 * the volume; /data is sound. Errors stay with their disk and file. */
static void scenario_corrupt(void)
{
	char text[64];
	struct stat st;
	CHECK(stat("/bad/hello.txt", &st) < 0);
	CHECK(read_text("/mid/good.txt", text, sizeof(text)) == (int)strlen(HELLO) &&
	      strcmp(text, HELLO) == 0);
	int fd = open("/mid/broken.bin", O_RDONLY);
	CHECK(fd >= 0);
	static uint8_t buf[64 * 1024];
	ssize_t r = 0, total = 0;
	errno = 0;
	while (fd >= 0 && (r = read(fd, buf, sizeof(buf))) > 0)
		total += r;
	printf("corrupt: broken.bin: read %zd bytes, then %zd (%s)\n", total, r, strerror(errno));
	CHECK(r < 0 && errno == EIO);
	if (fd >= 0)
		close(fd);
	CHECK(read_text("/mid/good.txt", text, sizeof(text)) == (int)strlen(HELLO) &&
	      strcmp(text, HELLO) == 0);
	uint64_t done;
	CHECK(write_tagged("/data/ok.bin", 5, 100000, &done) == 0);
	CHECK(check_tagged("/data/ok.bin", 5, 100000));
}

/* Two disks (FAT32 at /a, FAT12 at /b) at once: both written, EXDEV between them. */
static void scenario_two(void)
{
	uint64_t done;
	CHECK(write_tagged("/a/one.bin", 1, 300000, &done) == 0);
	CHECK(write_tagged("/b/two.bin", 2, 200000, &done) == 0);
	CHECK(mkdir("/a/dir", 0755) == 0 && mkdir("/b/dir", 0755) == 0);
	CHECK_ERRNO(rename("/a/one.bin", "/b/one.bin"), EXDEV);
	CHECK(rename("/a/one.bin", "/a/dir/one.bin") == 0);
	CHECK(rename("/b/two.bin", "/b/dir/two.bin") == 0);
	CHECK(check_tagged("/a/dir/one.bin", 1, 300000));
	CHECK(check_tagged("/b/dir/two.bin", 2, 200000));
	struct statvfs a, b;
	CHECK(statvfs("/a", &a) == 0 && statvfs("/b", &b) == 0);
	CHECK((uint64_t)a.f_blocks * a.f_frsize > (500ull << 20) &&
	      (uint64_t)b.f_blocks * b.f_frsize < (8ull << 20));
	struct stat sa, sb;
	CHECK(stat("/a", &sa) == 0 && stat("/b", &sb) == 0 && sa.st_dev != sb.st_dev);
}

/* A 1 GiB file on a 2 GiB FAT32 disk: written, sized, spot-read at its far end. */
static void scenario_big(void)
{
	uint64_t done, size = 1ull << 30;
	CHECK(write_tagged("/big/huge.bin", 7, size, &done) == 0 && done == size);
	struct stat st;
	CHECK(stat("/big/huge.bin", &st) == 0 && (uint64_t)st.st_size == size);
	int fd = open("/big/huge.bin", O_RDONLY);
	CHECK(fd >= 0);
	uint8_t got[BLOCK], want[BLOCK];
	int ok = 1;
	for (uint64_t b = 0; b < size / BLOCK; b += (size / BLOCK) / 7 + 1) {
		make_block(want, (uint32_t)b, 7);
		ok &= pread(fd, got, BLOCK, (off_t)(b * BLOCK)) == BLOCK && memcmp(got, want, BLOCK) == 0;
	}
	make_block(want, (uint32_t)(size / BLOCK - 1), 7);
	ok &= pread(fd, got, BLOCK, (off_t)(size - BLOCK)) == BLOCK && memcmp(got, want, BLOCK) == 0;
	CHECK(ok);
	CHECK(pread(fd, got, BLOCK, (off_t)size) == 0);
	close(fd);
}

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";
	if (strcmp(s, "readonly") == 0 && argc == 3)
		scenario_readonly(argv[2]);
	else if (strcmp(s, "full") == 0 && argc == 3)
		scenario_full(argv[2]);
	else if (strcmp(s, "corrupt") == 0)
		scenario_corrupt();
	else if (strcmp(s, "two") == 0)
		scenario_two();
	else if (strcmp(s, "big") == 0)
		scenario_big();
	else {
		printf("usage: fs_disk_test readonly DIR | full DIR | corrupt | two | big\n");
		return 2;
	}
	return check_report();
}
