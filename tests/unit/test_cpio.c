/* SPDX-License-Identifier: MIT */
/* test_cpio.c: the initrd's cpio "newc" reader (fs/initrd/cpio.c) on archives written here:
 * a good one entry by entry, then each way a header can lie. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "check.h"
#include "cpio.h"

static unsigned char ar[8192];
static size_t used;

/* Append one entry; namesize and filesize as given (to lie), name and data as given. */
static void put_raw(const char *magic, unsigned mode, unsigned namesize, const char *name, size_t namebytes,
                    unsigned filesize, const void *data, size_t databytes)
{
	char h[CPIO_HEADER_LEN + 1];

	snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 7u, mode, 0u,
	         0u, 1u, 1234u, filesize, 0u, 0u, 0u, 0u, namesize, 0u);
	memcpy(ar + used, h, CPIO_HEADER_LEN);
	used += CPIO_HEADER_LEN;
	memcpy(ar + used, name, namebytes);
	used = (used + namebytes + 3) & ~(size_t)3;
	memcpy(ar + used, data, databytes);
	used = (used + databytes + 3) & ~(size_t)3;
}

static void put(const char *name, unsigned mode, const char *data)
{
	put_raw("070701", mode, (unsigned)strlen(name) + 1, name, strlen(name) + 1, (unsigned)strlen(data),
	        data, strlen(data));
}

/* The error the first entry of the archive gives. */
static int first(void)
{
	struct cpio_entry e;
	size_t off = 0;

	return cpio_next(ar, used, &off, &e);
}

static void reset(void)
{
	memset(ar, 0, sizeof(ar));
	used = 0;
}

int main(void)
{
	struct cpio_entry e;
	size_t off = 0;

	/* A good archive: a directory, a file, a symlink, the trailer, zero padding. */
	reset();
	put(".", S_IFDIR | 0755, "");
	put("dir/file.txt", S_IFREG | 0644, "hello, world");
	put("dir/link", S_IFLNK | 0777, "file.txt");
	put("TRAILER!!!", 0, "");
	used += 512;
	CHECK_EQ(cpio_next(ar, used, &off, &e), 1);
	CHECK_STR(e.name, ".");
	CHECK_EQ(e.mode, S_IFDIR | 0755);
	CHECK_EQ(cpio_next(ar, used, &off, &e), 1);
	CHECK_STR(e.name, "dir/file.txt");
	CHECK_EQ(e.namelen, 12);
	CHECK_EQ(e.size, 12);
	CHECK(memcmp(e.data, "hello, world", 12) == 0);
	CHECK_EQ(((uintptr_t)e.data - (uintptr_t)ar) % 4, 0);
	CHECK_EQ(e.mtime, 1234);
	CHECK_EQ(cpio_next(ar, used, &off, &e), 1);
	CHECK_EQ(e.mode & S_IFMT, S_IFLNK);
	CHECK(e.size == 8 && memcmp(e.data, "file.txt", 8) == 0);
	CHECK_EQ(cpio_next(ar, used, &off, &e), 0);
	CHECK_EQ(off, used);
	CHECK_EQ(cpio_next(ar, used, &off, &e), 0); /* stays at the end */

	/* No trailer, only zero padding after the last entry: the end too. The "crc" magic. */
	reset();
	put_raw("070702", S_IFREG | 0644, 2, "a", 2, 1, "x", 1);
	used += 100;
	off = 0;
	CHECK_EQ(cpio_next(ar, used, &off, &e), 1);
	CHECK_EQ(cpio_next(ar, used, &off, &e), 0);
	/* The last entry's own padding missing. */
	off = 0;
	CHECK_EQ(cpio_next(ar, CPIO_HEADER_LEN + 2 + 1, &off, &e), 1);
	CHECK_EQ(off, CPIO_HEADER_LEN + 2 + 1);

	/* An empty archive. */
	off = 0;
	CHECK_EQ(cpio_next(ar, 0, &off, &e), 0);

	/* Bad magic, old binary/odc formats, bad hex digits. */
	reset();
	put_raw("070707", S_IFREG, 2, "a", 2, 0, "", 0);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put("a", S_IFREG, "");
	ar[6 + 8] = 'g';
	CHECK_EQ(first(), -EINVAL);
	reset();
	put("a", S_IFREG, "");
	ar[6 + 8 * 11 + 3] = ' ';
	CHECK_EQ(first(), -EINVAL);

	/* A header cut short. */
	reset();
	put("a", S_IFREG, "");
	used = CPIO_HEADER_LEN - 1;
	CHECK_EQ(first(), -EINVAL);
	used = 5;
	CHECK_EQ(first(), -EINVAL);

	/* Names: empty, NUL only, too long, not NUL-terminated, a NUL inside, past the end. */
	reset();
	put_raw("070701", S_IFREG, 0, "", 0, 0, "", 0);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, 1, "", 1, 0, "", 0);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, CPIO_NAME_MAX + 1, "a", 2, 0, "", 0);
	used = sizeof(ar);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, 3, "abc", 3, 0, "", 0);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, 4, "a\0b", 4, 0, "", 0);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, 200, "a", 2, 0, "", 0);
	used = CPIO_HEADER_LEN + 100;
	CHECK_EQ(first(), -EINVAL);

	/* Data past the end, and a size that would overflow any sum. */
	reset();
	put_raw("070701", S_IFREG, 2, "a", 2, 100, "abc", 3);
	CHECK_EQ(first(), -EINVAL);
	reset();
	put_raw("070701", S_IFREG, 2, "a", 2, 0xffffffffu, "abc", 3);
	CHECK_EQ(first(), -EINVAL);
	/* Name padding past the end: the data would start beyond the archive. */
	reset();
	put_raw("070701", S_IFREG, 3, "ab", 3, 0, "", 0);
	off = 0;
	CHECK_EQ(cpio_next(ar, CPIO_HEADER_LEN + 3, &off, &e), -EINVAL);

	/* A good entry then garbage: the first reads, the second is an error. */
	reset();
	put("a", S_IFREG | 0644, "1");
	memcpy(ar + used, "garbage!", 8);
	used += 8;
	off = 0;
	CHECK_EQ(cpio_next(ar, used, &off, &e), 1);
	CHECK_EQ(cpio_next(ar, used, &off, &e), -EINVAL);

	return check_report();
}
