/* SPDX-License-Identifier: MIT */
/* libc_strtol.c: strtol, and the _strtol_r and strtol_l that newlib's scanf and locale code call,
 * in place of newlib's strtol object (562 bytes, and its 257-byte ctype table for isspace and
 * isalpha): Mote's libc has only the "C" locale, where both are a few comparisons. */

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <reent.h>
#include <stdbool.h>
#include <stdlib.h>

/* The value of c as a digit of any base up to 36; 36 or more when it is none. */
static unsigned int digit_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20; /* ASCII upper case to lower; other bytes stay outside 'a'..'z' */
	return c >= 'a' && c <= 'z' ? c - 'a' + 10u : 36u;
}

/* C11 7.22.1.4 in the "C" locale. On overflow the result is LONG_MAX or LONG_MIN and *err
 * ERANGE; with no digits it is 0 and *endptr is nptr; a base other than 0 or 2..36 is EINVAL. */
static long convert(const char *nptr, char **endptr, int base, int *err)
{
	const unsigned char *s = (const unsigned char *)nptr;
	unsigned long v = 0, limit;
	unsigned int d;
	bool neg = false, range = false, any = false;

	if (base < 0 || base == 1 || base > 36) {
		*err = EINVAL;
		goto out;
	}
	while (*s == ' ' || (*s >= '\t' && *s <= '\r'))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	/* "0x" counts as a prefix only when a hex digit follows; "0x" alone is the number 0. */
	if ((base == 0 || base == 16) && s[0] == '0' && (s[1] | 0x20) == 'x' && digit_value(s[2]) < 16) {
		s += 2;
		base = 16;
	} else if (base == 0) {
		base = s[0] == '0' ? 8 : 10;
	}
	limit = neg ? (unsigned long)LONG_MAX + 1 : LONG_MAX;
	for (; (d = digit_value(*s)) < (unsigned int)base; s++) {
		any = true;
		if (v > (limit - d) / (unsigned int)base)
			range = true;
		else
			v = v * (unsigned int)base + d;
	}
	if (range) {
		*err = ERANGE;
		v = limit;
	}
out:
	if (endptr)
		*endptr = (char *)(any ? (const char *)s : nptr);
	return neg ? (long)(0 - v) : (long)v;
}

long _strtol_r(struct _reent *r, const char *nptr, char **endptr, int base)
{
	int err = 0;
	long v = convert(nptr, endptr, base, &err);

	if (err)
		r->_errno = err;
	return v;
}

long strtol_l(const char *nptr, char **endptr, int base, locale_t loc)
{
	(void)loc; /* every locale is "C" here */
	return _strtol_r(_REENT, nptr, endptr, base);
}

long strtol(const char *nptr, char **endptr, int base) { return _strtol_r(_REENT, nptr, endptr, base); }
