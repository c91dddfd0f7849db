/* SPDX-License-Identifier: MIT */
/* mote/fmt.h: the kernel's own formatter. It never allocates and takes no lock, so panic and
 * exception paths can use it; newlib's printf is for applications. */
#ifndef MOTE_FMT_H
#define MOTE_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* A subset of C's printf: conversions %d %i %u %x %X %o %c %s %p %%, flags '-' '0' ' ' '+'
 * '#', a width and precision (also '*'), and length modifiers hh h l ll z t j. Anything else is
 * copied through verbatim. Like vsnprintf it always NUL-terminates when n > 0 and returns the
 * length the full output would have had. */
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap);
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
