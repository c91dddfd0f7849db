/* SPDX-License-Identifier: MIT */
/* mote/fmt.h: the kernel's own formatter. It never allocates and takes no lock, so panic and
 * exception paths can use it; newlib's printf is for applications. */
#ifndef MOTE_FMT_H
#define MOTE_FMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/* A subset of C's printf: conversions %d %i %u %x %X %o %c %s %p %%, flags '-' '0' ' ' '+'
 * '#', a width and precision (also '*'), and length modifiers hh h l ll z t j. Anything else is
 * copied through verbatim. Like vsnprintf it always NUL-terminates when n > 0 and returns the
 * length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The same formatter with C's full printf set, for libc's printf family (libc/libc_printf.c):
 * what the kernel subset lacks is switched on by `float_conv`, which libc supplies, so the
 * kernel's own calls never reach floating-point code. */

/* One parsed conversion specification. */
struct fmt_spec {
	bool left, zero, plus, space, alt;
	int width; /* >= 0 */
	int prec;  /* -1 when not given */
	char lmod; /* 0, 'H' (hh), 'h', 'l', 'q' (ll), 'z', 't', 'j', 'L' */
};

/* Where output goes: into buf (n bytes, NUL-terminated like vsnprintf) when write is NULL,
 * otherwise to write(ctx, bytes, count), which returns 0 or a negative errno. */
struct fmt_out {
	char *buf;
	size_t n;
	int (*write)(void *ctx, const char *p, size_t count);
	void *ctx;
	/* Set by libc: %e %f %g %a (and upper case) go to it; with it set the formatter also
	 * knows %n and the wide %lc and %ls. NULL: the kernel subset above. */
	void (*float_conv)(struct fmt_out *out, const struct fmt_spec *sp, char conv, double v);
	size_t len; /* every byte of the output so far, stored or not (the formatter's own) */
	int err;    /* 0, or the first negative errno (the formatter's own) */
};

/* Formats into out; returns the output's length, or a negative errno: the first error of
 * write, -EILSEQ for a wide character with no single-byte form, -EOVERFLOW past INT_MAX. */
int fmt_format(struct fmt_out *out, const char *fmt, va_list ap);

/* For float_conv: append count bytes, or count copies of c. */
void fmt_put(struct fmt_out *out, const char *p, size_t count);
void fmt_put_repeat(struct fmt_out *out, char c, size_t count);

#endif
