/* SPDX-License-Identifier: MIT */
/* fs_bench.c: bench/fs's measurements, the same C for the Mote image and the Linux guest (a
 * static binary): sequential write with fsync and read of a 64 MiB file, and 1,000 small files
 * created, written and fsync'd, stat'ed, then unlinked. Prints "fs_bench: NAME VALUE" lines. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BIG_SIZE    (64u << 20)
#define CHUNK       (1u << 20) /* bytes per write() or read() */
#define SMALL_FILES 1000
#define SMALL_SIZE  1024

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fail(const char *what, const char *path)
{
	printf("fs_bench: FAIL %s %s: %s\n", what, path, strerror(errno));
	return 1;
}

static uint8_t *chunk_of(void)
{
	uint8_t *buf = malloc(CHUNK);
	if (buf)
		for (size_t i = 0; i < CHUNK; i++)
			buf[i] = (uint8_t)(i * 131 + (i >> 12));
	return buf;
}

/* 64 MiB in 1 MiB writes, then fsync: MiB/s from open to fsync's return. */
static int bench_write(const char *dir)
{
	char path[256];
	uint8_t *buf = chunk_of();
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	if (!buf)
		return fail("malloc", "");
	double t0 = now();
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return fail("open", path);
	for (size_t off = 0; off < BIG_SIZE; off += CHUNK)
		if (write(fd, buf, CHUNK) != (ssize_t)CHUNK)
			return fail("write", path);
	if (fsync(fd) < 0)
		return fail("fsync", path);
	double t1 = now();
	close(fd);
	printf("fs_bench: write_mib_s %.2f\n", BIG_SIZE / (1024.0 * 1024.0) / (t1 - t0));
	return 0;
}

/* The file bench_write made, in 1 MiB reads, every byte checked after the clock stops. */
static int bench_read(const char *dir)
{
	char path[256];
	uint8_t *buf = malloc(CHUNK), *want = chunk_of();
	snprintf(path, sizeof(path), "%s/big.bin", dir);
	if (!buf || !want)
		return fail("malloc", "");
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return fail("open", path);
	double t0 = now(), spent = 0;
	size_t total = 0, bad = 0;
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		if (n < 0)
			return fail("read", path);
		if (n == 0)
			break;
		double t = now();
		spent += t - t0;
		bad += memcmp(buf, want + total % CHUNK, (size_t)n) != 0;
		total += (size_t)n;
		t0 = now();
	}
	close(fd);
	if (total != BIG_SIZE || bad) {
		printf("fs_bench: FAIL read %s: %zu bytes, %zu chunks differ\n", path, total, bad);
		return 1;
	}
	printf("fs_bench: read_mib_s %.2f\n", BIG_SIZE / (1024.0 * 1024.0) / spent);
	return 0;
}

/* 1,000 files: each created, written (1 KiB), fsync'd and closed; then each stat'ed; then each
 * unlinked, and one sync() to make the unlinks durable too. Operations/s per phase. */
static int bench_small(const char *dir)
{
	char path[256], sub[256];
	uint8_t *buf = chunk_of();
	snprintf(sub, sizeof(sub), "%s/small", dir);
	if (!buf)
		return fail("malloc", "");
	if (mkdir(sub, 0755) < 0 && errno != EEXIST)
		return fail("mkdir", sub);
	double t0 = now();
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%04d.dat", sub, i);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0)
			return fail("open", path);
		if (write(fd, buf + i, SMALL_SIZE) != SMALL_SIZE || fsync(fd) < 0)
			return fail("write+fsync", path);
		if (close(fd) < 0)
			return fail("close", path);
	}
	double t1 = now();
	for (int i = 0; i < SMALL_FILES; i++) {
		struct stat st;
		snprintf(path, sizeof(path), "%s/f%04d.dat", sub, i);
		if (stat(path, &st) < 0 || st.st_size != SMALL_SIZE)
			return fail("stat", path);
	}
	double t2 = now();
	for (int i = 0; i < SMALL_FILES; i++) {
		snprintf(path, sizeof(path), "%s/f%04d.dat", sub, i);
		if (unlink(path) < 0)
			return fail("unlink", path);
	}
	sync();
	double t3 = now();
	printf("fs_bench: create_ops_s %.1f\n", SMALL_FILES / (t1 - t0));
	printf("fs_bench: stat_ops_s %.1f\n", SMALL_FILES / (t2 - t1));
	printf("fs_bench: unlink_ops_s %.1f\n", SMALL_FILES / (t3 - t2));
	printf("fs_bench: small_ops_s %.1f\n", 3 * SMALL_FILES / (t3 - t0));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		printf("usage: fs_bench write|read|small DIR\n");
		return 2;
	}
	if (strcmp(argv[1], "write") == 0)
		return bench_write(argv[2]);
	if (strcmp(argv[1], "read") == 0)
		return bench_read(argv[2]);
	if (strcmp(argv[1], "small") == 0)
		return bench_small(argv[2]);
	printf("usage: fs_bench write|read|small DIR\n");
	return 2;
}
