/* SPDX-License-Identifier: MIT */
/* cpio.c: the cpio "newc" reader (cpio.h). The format: a 110-byte header of "070701" (or
 * "070702") and thirteen 8-digit hex fields, the name (its NUL counted in namesize) padded so
 * the data starts 4-byte aligned, then the data padded to 4 bytes. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "cpio.h"

enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJ,
	F_DEVMIN,
	F_RDEVMAJ,
	F_RDEVMIN,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

static int hex8(const char *s, uint32_t *out)
{
	uint32_t v = 0;

	for (int i = 0; i < 8; i++) {
		char c = s[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* n rounded up to 4, or SIZE_MAX when that overflows. */
static size_t align4(size_t n) { return n > SIZE_MAX - 3 ? SIZE_MAX : (n + 3) & ~(size_t)3; }

int cpio_next(const void *buf, size_t len, size_t *off, struct cpio_entry *e)
{
	const uint8_t *base = buf;
	const char *h;
	uint32_t f[F_COUNT];
	size_t at = *off, name_end, data_at;

	if (at >= len || all_zero(base + at, len - at))
		return 0;
	if (len - at < CPIO_HEADER_LEN)
		return -EINVAL;
	h = (const char *)base + at;
	if (memcmp(h, "070701", 6) != 0 && memcmp(h, "070702", 6) != 0)
		return -EINVAL;
	for (int i = 0; i < F_COUNT; i++)
		if (hex8(h + 6 + 8 * i, &f[i]) < 0)
			return -EINVAL;
	if (f[F_NAMESIZE] < 2 || f[F_NAMESIZE] > CPIO_NAME_MAX)
		return -EINVAL;
	/* Bounds by subtraction from what is left, so no sum can overflow. */
	if (f[F_NAMESIZE] > len - at - CPIO_HEADER_LEN)
		return -EINVAL;
	name_end = at + CPIO_HEADER_LEN + f[F_NAMESIZE];
	if (base[name_end - 1] != '\0' || memchr(h + CPIO_HEADER_LEN, '\0', f[F_NAMESIZE] - 1) != NULL)
		return -EINVAL;
	data_at = align4(name_end);
	if (data_at > len)
		return -EINVAL;
	if (f[F_FILESIZE] > len - data_at)
		return -EINVAL;
	e->name = h + CPIO_HEADER_LEN;
	e->namelen = f[F_NAMESIZE] - 1;
	e->ino = f[F_INO];
	e->mode = f[F_MODE];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	e->data = base + data_at;
	e->size = f[F_FILESIZE];
	if (e->namelen == 10 && memcmp(e->name, "TRAILER!!!", 10) == 0) {
		*off = len;
		return 0;
	}
	*off = align4(data_at + e->size);
	if (*off > len)
		*off = len; /* the last entry's padding may be missing */
	return 1;
}
