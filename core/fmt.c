/* SPDX-License-Identifier: MIT */
/* fmt.c: the kernel's printf subset (mote/fmt.h), and the engine of libc's printf family,
 * which adds floating point through a hook (libc/libc_printf.c): panic and exception paths,
 * which never set the hook, never touch FPU state. */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <wchar.h>

#include <mote/fmt.h>

/* Bytes still storable in buffer mode, keeping one for the terminating NUL. */
static size_t sink_room(const struct fmt_out *s) { return s->len + 1 < s->n ? s->n - 1 - s->len : 0; }

void fmt_put(struct fmt_out *s, const char *p, size_t count)
{
	size_t k;

	if (s->write) {
		if (count && !s->err)
			s->err = s->write(s->ctx, p, count);
		s->len += count;
		return;
	}
	k = count < sink_room(s) ? count : sink_room(s);
	if (k)
		memcpy(s->buf + s->len, p, k);
	s->len += count;
}

/* Padding costs nothing past the end of the buffer, so a huge width cannot stall a panic. */
void fmt_put_repeat(struct fmt_out *s, char c, size_t count)
{
	char block[32];
	size_t k;

	if (s->write) {
		memset(block, c, sizeof(block));
		for (; count; count -= k) {
			k = count < sizeof(block) ? count : sizeof(block);
			fmt_put(s, block, k);
		}
		return;
	}
	k = count < sink_room(s) ? count : sink_room(s);
	if (k)
		memset(s->buf + s->len, c, k);
	s->len += count;
}

/* A decimal field; saturates rather than overflowing on absurd widths. */
static int parse_num(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9') {
		int d = **p - '0';

		v = v > (INT_MAX - d) / 10 ? INT_MAX : v * 10 + d;
		(*p)++;
	}
	return v;
}

/* The size in bytes of the integer a length modifier names. On x86_64 (LP64) long, long
 * long, size_t, ptrdiff_t and intmax_t are all 8 bytes, and every argument narrower than int
 * arrives promoted to int, so four sizes cover every modifier. */
static unsigned int int_size(char lmod)
{
	switch (lmod) {
	case 'H':
		return 1;
	case 'h':
		return 2;
	case 0:
	case 'L':
		return 4;
	default:
		return 8;
	}
}

/* The next integer argument: an 8-byte one as it is, an int-sized one cut to `size` bytes and
 * then widened with its sign (signed conversions) or with zeros. */
static uintmax_t fetch_int(char lmod, va_list *ap, bool is_signed)
{
	unsigned int size = int_size(lmod), drop = 64 - size * 8;
	uint64_t v = size == 8 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);

	_Static_assert(sizeof(long) == 8 && sizeof(intmax_t) == 8 && sizeof(size_t) == 8,
	               "fetch_int assumes LP64");
	v <<= drop;
	return is_signed ? (uintmax_t)((int64_t)v >> drop) : v >> drop;
}

/* Lay out [padding][sign or 0x][zeros][digits][padding] as C's printf does. `force_prefix`
 * is for %p, which shows "0x" even for a null pointer. */
static void put_int(struct fmt_out *s, const struct fmt_spec *sp, uintmax_t mag, char sign, unsigned int base,
                    bool upper, bool force_prefix)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[sizeof(uintmax_t) * CHAR_BIT / 3 + 1];
	char prefix[2];
	size_t nd = 0, np = 0, zeros, body, pad;
	size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;
	bool nonzero = mag != 0;

	while (mag) {
		digits[sizeof(digits) - ++nd] = set[mag % base];
		mag /= base;
	}
	zeros = prec > nd ? prec - nd : 0;
	/* '#' with %o makes the first digit a 0, adding one only if there is none already. */
	if (sp->alt && base == 8 && zeros == 0)
		zeros = 1;
	if (sign)
		prefix[np++] = sign;
	if (base == 16 && ((sp->alt && nonzero) || force_prefix)) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}
	body = np + nd + zeros;
	/* The '0' flag fills the width with zeros only when no precision says how many digits. */
	if (sp->zero && !sp->left && sp->prec < 0 && (size_t)sp->width > body) {
		zeros += (size_t)sp->width - body;
		body = (size_t)sp->width;
	}
	pad = (size_t)sp->width > body ? (size_t)sp->width - body : 0;
	if (!sp->left)
		fmt_put_repeat(s, ' ', pad);
	fmt_put(s, prefix, np);
	fmt_put_repeat(s, '0', zeros);
	fmt_put(s, digits + sizeof(digits) - nd, nd);
	if (sp->left)
		fmt_put_repeat(s, ' ', pad);
}

static void put_str(struct fmt_out *s, const struct fmt_spec *sp, const char *str, size_t len)
{
	size_t pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;

	if (!sp->left)
		fmt_put_repeat(s, ' ', pad);
	fmt_put(s, str, len);
	if (sp->left)
		fmt_put_repeat(s, ' ', pad);
}

/* %lc and %ls (ws NULL: the one character wc). Mote's C library has only the "C" locale, where
 * a wide character below 256 is that byte and any other has no multibyte form (as newlib's
 * wcrtomb says); such a character fails the whole call with -EILSEQ. */
static void put_wide(struct fmt_out *s, const struct fmt_spec *sp, const wchar_t *ws, bool one)
{
	size_t len = 0, pad;

	if (!ws) {
		put_str(s, sp, "(null)", 6);
		return;
	}
	/* %lc writes its one character even when it is L'\0'; %ls stops there. */
	for (; one ? len < 1 : (sp->prec < 0 || len < (size_t)sp->prec) && ws[len]; len++) {
		if ((unsigned long)ws[len] > 0xff) {
			if (!s->err)
				s->err = -EILSEQ;
			return;
		}
	}
	pad = (size_t)sp->width > len ? (size_t)sp->width - len : 0;
	if (!sp->left)
		fmt_put_repeat(s, ' ', pad);
	for (size_t i = 0; i < len; i++) {
		char b = (char)ws[i];

		fmt_put(s, &b, 1);
	}
	if (sp->left)
		fmt_put_repeat(s, ' ', pad);
}

/* %n: the count so far, stored with the width its length modifier names (little-endian: the
 * low bytes of the count are the narrower integer). */
static void store_count(char lmod, size_t len, void *where)
{
	uint64_t v = len;

	memcpy(where, &v, int_size(lmod));
}

/* Parse the specification after a '%' and emit it. Returns false if the conversion is not
 * one we know, leaving *fmt on the unknown character so the caller copies it through. */
static bool convert(struct fmt_out *s, const char **fmt, va_list *ap)
{
	struct fmt_spec sp = {.prec = -1};
	const char *p = *fmt;
	const char *str;
	uintmax_t mag;
	intmax_t v;
	size_t len;
	char c;

	for (;; p++) {
		if (*p == '-')
			sp.left = true;
		else if (*p == '0')
			sp.zero = true;
		else if (*p == '+')
			sp.plus = true;
		else if (*p == ' ')
			sp.space = true;
		else if (*p == '#')
			sp.alt = true;
		else
			break;
	}
	if (*p == '*') {
		int w = va_arg(*ap, int);

		/* A negative width from '*' means '-' and its magnitude. */
		if (w < 0) {
			sp.left = true;
			w = w == INT_MIN ? INT_MAX : -w;
		}
		sp.width = w;
		p++;
	} else {
		sp.width = parse_num(&p);
	}
	if (*p == '.') {
		p++;
		if (*p == '*') {
			int pr = va_arg(*ap, int);

			sp.prec = pr < 0 ? -1 : pr;
			p++;
		} else {
			sp.prec = parse_num(&p);
		}
	}
	switch (*p) {
	case 'h':
		sp.lmod = p[1] == 'h' ? 'H' : 'h';
		p += p[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		sp.lmod = p[1] == 'l' ? 'q' : 'l';
		p += p[1] == 'l' ? 2 : 1;
		break;
	case 'z':
	case 't':
	case 'j':
	case 'L':
		sp.lmod = *p++;
		break;
	}

	*fmt = p;
	switch (*p) {
	case 'd':
	case 'i':
		v = (intmax_t)fetch_int(sp.lmod, ap, true);
		/* Negate in unsigned arithmetic: INTMAX_MIN has no positive counterpart. */
		mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
		put_int(s, &sp, mag, v < 0 ? '-' : sp.plus ? '+' : sp.space ? ' ' : 0, 10, false, false);
		break;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		put_int(s, &sp, fetch_int(sp.lmod, ap, false), 0,
		        *p == 'u'   ? 10
		        : *p == 'o' ? 8
		                    : 16,
		        *p == 'X', false);
		break;
	case 'p':
		put_int(s, &sp, (uintptr_t)va_arg(*ap, void *), 0, 16, false, true);
		break;
	case 'c':
		if (s->float_conv && sp.lmod == 'l') {
			wchar_t wc = (wchar_t)va_arg(*ap, wint_t);

			put_wide(s, &sp, &wc, true);
			break;
		}
		c = (char)va_arg(*ap, int);
		put_str(s, &sp, &c, 1);
		break;
	case 's':
		if (s->float_conv && sp.lmod == 'l') {
			put_wide(s, &sp, va_arg(*ap, const wchar_t *), false);
			break;
		}
		str = va_arg(*ap, const char *);
		if (!str)
			str = "(null)";
		/* With a precision the string need not be terminated: read no further than it. */
		for (len = 0; (sp.prec < 0 || len < (size_t)sp.prec) && str[len]; len++)
			;
		put_str(s, &sp, str, len);
		break;
	case '%':
		fmt_put(s, "%", 1);
		break;
	case 'n':
		if (!s->float_conv)
			return false;
		store_count(sp.lmod, s->len, va_arg(*ap, void *));
		break;
	case 'e':
	case 'E':
	case 'f':
	case 'F':
	case 'g':
	case 'G':
	case 'a':
	case 'A':
		if (!s->float_conv)
			return false;
		/* long double is narrowed: the formatter is exact for doubles (docs/libc.md). */
		s->float_conv(s, &sp, *p,
		              sp.lmod == 'L' ? (double)va_arg(*ap, long double) : va_arg(*ap, double));
		break;
	default:
		return false;
	}
	*fmt = p + 1;
	return true;
}

int fmt_format(struct fmt_out *s, const char *fmt, va_list ap)
{
	va_list args;

	if (s->write == NULL && s->buf == NULL)
		s->n = 0;
	/* A va_list cannot be handed to helpers by value and used again, so they get a pointer
	 * to a copy. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			while (*fmt && *fmt != '%')
				fmt++;
			fmt_put(s, start, (size_t)(fmt - start));
			continue;
		}
		fmt++;
		if (!convert(s, &fmt, &args))
			fmt_put(s, start, (size_t)(fmt - start));
	}
	va_end(args);
	if (s->write == NULL && s->n)
		s->buf[s->len < s->n ? s->len : s->n - 1] = '\0';
	if (s->err)
		return s->err;
	return s->len > INT_MAX ? -EOVERFLOW : (int)s->len;
}

int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct fmt_out s = {.buf = buf, .n = n};
	int len = fmt_format(&s, fmt, ap);

	/* The int return cannot say more; C's vsnprintf fails with EOVERFLOW here instead. */
	return len < 0 ? INT_MAX : len;
}

int fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}
