/* SPDX-License-Identifier: MIT */
/* cpio.h: a reader for cpio "newc" archives (the initrd format), pure so the host unit tests
 * and the fuzzer compile it as it is. Every header is validated before it is used. */
#ifndef FS_CPIO_H
#define FS_CPIO_H

#include <stddef.h>
#include <stdint.h>

#define CPIO_HEADER_LEN 110
#define CPIO_NAME_MAX   4096 /* with its NUL, like VFS_PATH_MAX */

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	size_t namelen;   /* without the NUL */
	uint32_t ino, mode, nlink, mtime;
	const uint8_t *data; /* inside the archive */
	size_t size;
};

/* The entry at *off of the archive (buf, len) into *e, *off moving to the next one. Returns 1
 * for an entry, 0 at the end (the "TRAILER!!!" entry, or nothing but zero padding left), or
 * -EINVAL for a malformed archive: bad magic or hex digits, a name that is empty, too long or
 * not NUL-terminated where its size says, a name or data running past the end. */
int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e);

#endif
