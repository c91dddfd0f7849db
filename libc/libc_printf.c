/* SPDX-License-Identifier: MIT */
/* libc_printf.c: newlib's printf family (printf, fprintf, snprintf, asprintf, ...) formats
 * through core's formatter and libc_fmt_float.c: these definitions of _vfprintf_r, vfprintf and
 * _svfprintf_r replace newlib's, whose float path with its dtoa (about 25 KB) no image links. */

#include <errno.h>
#include <limits.h>
#include <reent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/fmt.h>

#include "libc_fmt_float.h"

/* newlib's own, from its internal local.h. */
void __sinit(struct _reent *r);
int __swsetup_r(struct _reent *r, FILE *fp);
int _svfprintf_r(struct _reent *r, FILE *fp, const char *fmt, va_list ap);

/* Output to a stream goes through a small buffer, so a line reaches the stream in one piece. */
struct stream_sink {
	struct _reent *r;
	FILE *fp;
	size_t used;
	char buf[256];
};

/* Put p[0..n) into the stream as fwrite() would, without newlib's general writer
 * (__sfvwrite_r and fwrite, 1.6 KB that an image without fwrite, fputs or puts need not link):
 * an unbuffered stream (stderr) gets the whole piece in one write, as __sfvwrite_r gives it; a
 * buffered one takes it a byte at a time as putc() does, so newlib's own __swbuf_r flushes
 * when the buffer fills or, line buffered, at each newline. The stream is locked by the caller;
 * the byte orientation is set as fwrite sets it (newlib's ORIENT). */
static int stream_put(struct _reent *r, FILE *fp, const char *p, size_t n)
{
	if (!(fp->_flags & __SORD)) {
		fp->_flags |= __SORD;
		fp->_flags2 &= ~__SWID;
	}
	/* newlib's cantwrite(): not yet set up for writing, or no buffer yet. */
	if ((!(fp->_flags & __SWR) || !fp->_bf._base) && __swsetup_r(r, fp))
		return -EIO; /* errno set: EBADF, a stream not open for writing */
	if (fp->_flags & __SNBF) {
		while (n) {
			int w = fp->_write(r, fp->_cookie, p, (int)(n < INT_MAX / 2 ? n : INT_MAX / 2));

			if (w <= 0) {
				fp->_flags |= __SERR;
				return -EIO;
			}
			p += w;
			n -= (size_t)w;
		}
		return 0;
	}
	for (; n; n--, p++)
		if (__sputc_r(r, (unsigned char)*p, fp) == EOF)
			return -EIO;
	return 0;
}

static int stream_flush(struct stream_sink *s)
{
	size_t n = s->used;

	s->used = 0;
	return n ? stream_put(s->r, s->fp, s->buf, n) : 0;
}

static int stream_write(void *ctx, const char *p, size_t count)
{
	struct stream_sink *s = ctx;

	while (count) {
		size_t k = sizeof(s->buf) - s->used;
		int err;

		k = k < count ? k : count;
		memcpy(s->buf + s->used, p, k);
		s->used += k;
		p += k;
		count -= k;
		if (s->used == sizeof(s->buf) && (err = stream_flush(s)) < 0)
			return err;
	}
	return 0;
}

/* A negative result becomes errno and EOF, as C's printf family reports failure. */
static int result(struct _reent *r, int len)
{
	if (len >= 0)
		return len;
	if (len != -EIO) /* a failed write to the stream has set errno already */
		r->_errno = -len;
	return EOF;
}

int _vfprintf_r(struct _reent *r, FILE *fp, const char *fmt, va_list ap)
{
	struct stream_sink s = {.r = r, .fp = fp};
	struct fmt_out out = {.write = stream_write, .ctx = &s, .float_conv = libc_fmt_float};
	int len;

	if (r && !r->__sdidinit)
		__sinit(r);
	/* The whole call holds the stream, so concurrent printf calls never interleave. */
	flockfile(fp);
	len = fmt_format(&out, fmt, ap);
	if (stream_flush(&s) < 0 && len >= 0)
		len = -EIO;
	funlockfile(fp);
	return result(r, len);
}

int vfprintf(FILE *fp, const char *fmt, va_list ap) { return _vfprintf_r(_REENT, fp, fmt, ap); }

/* Output to a string FILE (sprintf, snprintf: a fixed buffer that silently truncates;
 * asprintf: __SMBF, a malloc'd buffer that grows; __SOPT: a caller's buffer that must be
 * copied before it can grow). */
static int string_write(void *ctx, const char *p, size_t count)
{
	struct stream_sink *s = ctx;
	FILE *fp = s->fp;
	size_t k;

	if (count >= (size_t)fp->_w && (fp->_flags & (__SMBF | __SOPT))) {
		size_t pos = (size_t)(fp->_p - fp->_bf._base);
		size_t size = (size_t)fp->_bf._size * 3 / 2;
		unsigned char *nb;

		if (size < pos + count + 1)
			size = pos + count + 1;
		if (size > INT_MAX)
			return -EOVERFLOW;
		if (fp->_flags & __SOPT) {
			nb = _malloc_r(s->r, size);
			if (nb)
				memcpy(nb, fp->_bf._base, pos);
		} else {
			nb = _realloc_r(s->r, fp->_bf._base, size);
		}
		if (!nb) {
			fp->_flags |= __SERR;
			return -ENOMEM;
		}
		fp->_flags = (short)((fp->_flags & ~__SOPT) | __SMBF);
		fp->_bf._base = nb;
		fp->_bf._size = (int)size;
		fp->_p = nb + pos;
		fp->_w = (int)(size - pos);
	}
	k = count < (size_t)fp->_w ? count : (size_t)fp->_w;
	memcpy(fp->_p, p, k);
	fp->_p += k;
	fp->_w -= (int)k;
	return 0;
}

int _svfprintf_r(struct _reent *r, FILE *fp, const char *fmt, va_list ap)
{
	struct stream_sink s = {.r = r, .fp = fp};
	struct fmt_out out = {.write = string_write, .ctx = &s, .float_conv = libc_fmt_float};

	/* asprintf starts without a buffer; the caller stores the NUL at fp->_p afterwards. */
	if ((fp->_flags & __SMBF) && fp->_bf._base == NULL) {
		fp->_bf._base = fp->_p = _malloc_r(r, 64);
		if (!fp->_p)
			return result(r, -ENOMEM);
		fp->_bf._size = fp->_w = 64;
	}
	return result(r, fmt_format(&out, fmt, ap));
}
