/* SPDX-License-Identifier: MIT */
/* fs_powercut.c: the power-cut test's guest. Writes and fsyncs files in a loop, each file's
 * contents derived from its name, and prints "fsynced NAME" once fsync has returned; the host
 * (tests/fs/fs_powercut.py) kills the machine at random moments and checks what survived. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The contents of file NAME: fs_powercut.py computes the same bytes. Sizes are mostly tens of
 * KiB, every eighth file up to 600 KiB, so a kill lands inside a write as often as between. */
static uint64_t name_hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	return h;
}

static size_t content_size(uint64_t h) { return 1 + (h % 8 == 0 ? h % (600 * 1024) : h % (48 * 1024)); }

static void content(uint64_t h, uint8_t *p, size_t n)
{
	uint64_t x = h;
	for (size_t i = 0; i < n; i++) {
		if (i % 8 == 0)
			x = x * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(x >> (8 * (i % 8)));
	}
}

static int write_file(const char *dir, const char *name, uint8_t *buf)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	uint64_t h = name_hash(name);
	size_t n = content_size(h);
	content(h, buf, n);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	/* Several writes, so that a kill can land between them. */
	for (size_t off = 0; off < n;) {
		size_t chunk = n - off < 16384 ? n - off : 16384;
		ssize_t w = write(fd, buf + off, chunk);
		if (w <= 0) {
			int e = w < 0 ? errno : EIO;
			close(fd);
			return -e;
		}
		off += (size_t)w;
	}
	if (fsync(fd) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return close(fd) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		printf("usage: fs_powercut DIR FIRST COUNT\n");
		return 2;
	}
	const char *dir = argv[1];
	long first = strtol(argv[2], NULL, 10), count = strtol(argv[3], NULL, 10);
	uint8_t *buf = malloc(600 * 1024 + 1);
	if (!buf)
		return 2;
	/* The folder is made once, on the first boot, and synced before any kill may come. */
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		printf("FAIL mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	sync();
	printf("ready\n");
	fflush(stdout);
	for (long i = first; i < first + count; i++) {
		char name[32];
		snprintf(name, sizeof(name), "file%ld.bin", i);
		int err = write_file(dir, name, buf);
		if (err < 0) {
			printf("FAIL %s: %s\n", name, strerror(-err));
			return 1;
		}
		printf("fsynced %s\n", name);
		fflush(stdout);
		/* Churn, so that freed clusters are reused: every third file removes one written
		 * 20 files earlier. "unlinking" comes first: after a kill that name may be gone. */
		if (i % 3 == 0 && i - 20 >= first) {
			char old[32], path[256];
			snprintf(old, sizeof(old), "file%ld.bin", i - 20);
			snprintf(path, sizeof(path), "%s/%s", dir, old);
			printf("unlinking %s\n", old);
			fflush(stdout);
			if (unlink(path) < 0) {
				printf("FAIL unlink %s: %s\n", old, strerror(errno));
				return 1;
			}
		}
	}
	printf("fs_powercut: wrote %ld files\n", count);
	return 0;
}
