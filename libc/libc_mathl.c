/* SPDX-License-Identifier: MIT */
/* libc_mathl.c: long double rounding that newlib's libm lacks where long double is wider than
 * double (x86_64's 80-bit format): ceill, llroundl. Exact: a long double has a 64-bit
 * significand, so any value of magnitude below 2^63 converts to long long without rounding. */
#include <math.h>

#define TWO_63 9223372036854775808.0L

long double ceill(long double x)
{
	long long i;

	if (!(x > -TWO_63 && x < TWO_63)) /* NaN, infinities, and values that are whole already */
		return x;
	i = (long long)x; /* toward zero */
	if ((long double)i < x)
		i++;
	if (i == 0 && x < 0)
		return -0.0L; /* ceil of (-1, 0) is -0 */
	return (long double)i;
}

/* Halfway cases away from zero, as C says. Out of range: an unspecified value (C), here the
 * nearest end of long long's range. */
long long llroundl(long double x)
{
	long long i;
	long double frac;

	if (!(x > -TWO_63 && x < TWO_63))
		return x > 0 ? __LONG_LONG_MAX__ : -__LONG_LONG_MAX__ - 1;
	i = (long long)x;
	frac = x - (long double)i; /* exact */
	if (frac >= 0.5L)
		i++;
	else if (frac <= -0.5L)
		i--;
	return i;
}
