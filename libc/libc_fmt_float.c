/* SPDX-License-Identifier: MIT */
/* libc_fmt_float.c: %e %f %g %a for the printf family (core/fmt.c calls it through
 * fmt_out.float_conv). Exact and correctly rounded for every double: the value's full decimal
 * expansion is computed with a small big-integer, then rounded half to even, as glibc does. */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <mote/fmt.h>

#include "libc_fmt_float.h"

/* A double is m * 2^e with m < 2^53 and -1074 <= e <= 971; m * 5^1074 has at most 767 decimal
 * digits, m * 2^971 at most 309: 86 limbs of nine digits cover both. */
#define LIMBS      88
#define DIGITS_MAX (LIMBS * 9)

/* The exact decimal digits of v (finite, > 0), without leading zeros, and the exponent that
 * makes v = 0.d[0]d[1]... * 10^*point. Returns the number of digits. */
static int exact_digits(double v, char *d, int *point)
{
	uint32_t limb[LIMBS];
	uint64_t bits, m;
	int e, nl = 0, n = 0, shift = 0;

	memcpy(&bits, &v, sizeof(bits));
	m = bits & ((1ull << 52) - 1);
	e = (int)(bits >> 52 & 0x7ff);
	if (e)
		m |= 1ull << 52;
	else
		e = 1;
	e -= 1075;
	for (; m; m /= 1000000000)
		limb[nl++] = (uint32_t)(m % 1000000000);
	/* v = m * 2^e: for e < 0 that is m * 5^-e / 10^-e, so only integers are ever multiplied. */
	if (e < 0)
		shift = -e;
	while (e != 0) {
		uint64_t mul, carry = 0;
		int step;

		if (e > 0) {
			step = e > 29 ? 29 : e;
			mul = 1ull << step;
			e -= step;
		} else {
			step = -e > 13 ? 13 : -e;
			mul = 1;
			for (int i = 0; i < step; i++)
				mul *= 5;
			e += step;
		}
		for (int i = 0; i < nl; i++) {
			uint64_t t = limb[i] * mul + carry;

			limb[i] = (uint32_t)(t % 1000000000);
			carry = t / 1000000000;
		}
		while (carry) {
			limb[nl++] = (uint32_t)(carry % 1000000000);
			carry /= 1000000000;
		}
	}
	for (int i = nl - 1; i >= 0; i--) {
		char nine[9];
		uint32_t x = limb[i];

		for (int k = 8; k >= 0; k--, x /= 10)
			nine[k] = (char)('0' + x % 10);
		for (int k = 0; k < 9; k++)
			if (n || nine[k] != '0')
				d[n++] = nine[k];
	}
	*point = n - shift;
	return n;
}

/* Keep the first `keep` digits of d[0..n), rounding half to even on the exact value. Returns
 * the new digit count; a carry out of the first digit makes d "1" and moves *point up. */
static int round_digits(char *d, int n, int keep, int *point)
{
	bool up;
	int i;

	if (keep >= n)
		return n;
	if (keep < 0)
		return 0; /* below half of the last kept place */
	if (d[keep] != '5') {
		up = d[keep] > '5';
	} else {
		up = keep > 0 && (d[keep - 1] - '0') % 2;
		for (i = keep + 1; i < n && !up; i++)
			up = d[i] != '0';
	}
	if (!up)
		return keep;
	for (i = keep - 1; i >= 0 && d[i] == '9'; i--)
		d[i] = '0';
	if (i >= 0) {
		d[i]++;
		return keep;
	}
	d[0] = '1';
	(*point)++;
	return 1;
}

/* The digits d[from..from+count) where positions outside [0, n) read as zeros. */
static void put_digits(struct fmt_out *out, const char *d, int n, int from, int count)
{
	while (count > 0) {
		int run;

		if (from < 0 || from >= n) {
			run = from < 0 ? -from : count;
			run = run < count ? run : count;
			fmt_put_repeat(out, '0', (size_t)run);
		} else {
			run = n - from < count ? n - from : count;
			fmt_put(out, d + from, (size_t)run);
		}
		from += run;
		count -= run;
	}
}

/* Width, sign and '0' padding around a body of `body` bytes that emit() then writes. */
static void pad_before(struct fmt_out *out, const struct fmt_spec *sp, char sign, const char *pfx,
                       size_t body, bool zero_ok)
{
	size_t pl = strlen(pfx) + (sign != 0);
	size_t pad = (size_t)sp->width > body + pl ? (size_t)sp->width - body - pl : 0;

	if (!sp->left && !(sp->zero && zero_ok))
		fmt_put_repeat(out, ' ', pad);
	if (sign)
		fmt_put(out, &sign, 1);
	fmt_put(out, pfx, strlen(pfx));
	if (!sp->left && sp->zero && zero_ok)
		fmt_put_repeat(out, '0', pad);
}

static void pad_after(struct fmt_out *out, const struct fmt_spec *sp, char sign, const char *pfx, size_t body)
{
	size_t pl = strlen(pfx) + (sign != 0);

	if (sp->left && (size_t)sp->width > body + pl)
		fmt_put_repeat(out, ' ', (size_t)sp->width - body - pl);
}

static int count_decimal(int v)
{
	int k = 1;

	for (; v >= 10; v /= 10)
		k++;
	return k;
}

/* "e+05": at least two exponent digits, as C requires. */
static size_t exp_text(char *buf, char e, int x)
{
	size_t k = 0;
	int nd, ax = x < 0 ? -x : x;

	buf[k++] = e;
	buf[k++] = x < 0 ? '-' : '+';
	nd = count_decimal(ax);
	if (nd < 2)
		buf[k++] = '0';
	for (int i = nd - 1; i >= 0; i--, ax /= 10)
		buf[k + (size_t)i] = (char)('0' + ax % 10);
	return k + (size_t)nd;
}

/* %a: the significand in hexadecimal, "0x1.8p+1", rounded half to even to the precision. */
static void conv_hex(struct fmt_out *out, const struct fmt_spec *sp, bool upper, char sign, uint64_t bits)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	uint64_t m = bits & ((1ull << 52) - 1);
	int e = (int)(bits >> 52 & 0x7ff), lead = 1, prec = sp->prec, nd;
	char digits[13], ebuf[8];
	size_t elen, body;

	if (e == 0) {
		lead = 0;
		e = m ? -1022 : 0;
	} else {
		e -= 1023;
	}
	if (prec >= 0 && prec < 13) {
		int drop = (13 - prec) * 4;
		uint64_t rest = m & ((1ull << drop) - 1), half = 1ull << (drop - 1);

		m >>= drop;
		/* Half to even; with no digit after the point the leading digit decides. */
		if (rest > half || (rest == half && ((prec ? m : (uint64_t)lead) & 1)))
			m++;
		if (m >> (prec * 4)) { /* carried into the leading digit */
			lead++;
			m &= (1ull << (prec * 4)) - 1;
		}
		m <<= drop;
	}
	for (int i = 0; i < 13; i++)
		digits[i] = set[(m >> (48 - 4 * i)) & 15];
	nd = 13;
	if (prec < 0)
		while (nd > 0 && digits[nd - 1] == '0')
			nd--;
	else
		nd = prec;
	elen = exp_text(ebuf, upper ? 'P' : 'p', e);
	/* exp_text pads to two digits; %a's exponent has no such minimum. */
	if ((e < 0 ? -e : e) < 10) {
		ebuf[2] = ebuf[3];
		elen--;
	}
	body = 1 + (nd || sp->alt) + (size_t)nd + elen;
	pad_before(out, sp, sign, upper ? "0X" : "0x", body, true);
	fmt_put(out, &set[lead], 1);
	if (nd || sp->alt)
		fmt_put(out, ".", 1);
	put_digits(out, digits, 13, 0, nd);
	fmt_put(out, ebuf, elen);
	pad_after(out, sp, sign, upper ? "0X" : "0x", body);
}

void libc_fmt_float(struct fmt_out *out, const struct fmt_spec *sp, char conv, double v)
{
	char d[DIGITS_MAX], ebuf[8];
	bool upper = conv >= 'A' && conv <= 'Z';
	char c = (char)(conv | 0x20), sign;
	int n = 0, point = 1, prec = sp->prec < 0 ? 6 : sp->prec, frac, x;
	bool exp_form, strip = false;
	size_t body, elen = 0;
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	sign = bits >> 63 ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;
	if ((bits >> 52 & 0x7ff) == 0x7ff) {
		const char *t = bits & ((1ull << 52) - 1) ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");

		pad_before(out, sp, sign, "", 3, false);
		fmt_put(out, t, 3);
		pad_after(out, sp, sign, "", 3);
		return;
	}
	if (c == 'a') {
		conv_hex(out, sp, upper, sign, bits);
		return;
	}
	if (bits << 1)
		n = exact_digits(v, d, &point);
	if (c == 'g') {
		/* C11 7.21.6.1: P significant digits; the style follows the exponent after rounding. */
		int p = prec ? prec : 1;

		n = round_digits(d, n, p, &point);
		x = n ? point - 1 : 0;
		exp_form = !(p > x && x >= -4);
		prec = exp_form ? p - 1 : p - 1 - x;
		strip = !sp->alt;
	} else {
		exp_form = c == 'e';
		n = round_digits(d, n, exp_form ? prec + 1 : point + prec, &point);
	}
	if (n == 0)
		point = exp_form ? 1 : point; /* zero, or rounded away: digits read as zeros */
	if (exp_form) {
		x = n ? point - 1 : 0;
		frac = prec;
		if (strip)
			for (; frac > 0 && (frac >= n || d[frac] == '0'); frac--)
				;
		elen = exp_text(ebuf, upper ? 'E' : 'e', x);
		body = 1 + (frac || sp->alt) + (size_t)frac + elen;
		pad_before(out, sp, sign, "", body, true);
		put_digits(out, d, n, 0, 1);
		if (frac || sp->alt)
			fmt_put(out, ".", 1);
		put_digits(out, d, n, 1, frac);
		fmt_put(out, ebuf, elen);
	} else {
		int ilen = point > 0 ? point : 1;

		frac = prec;
		if (strip)
			for (; frac > 0 &&
			       (point + frac - 1 >= n || point + frac - 1 < 0 || d[point + frac - 1] == '0');
			     frac--)
				;
		body = (size_t)ilen + (frac || sp->alt) + (size_t)frac;
		pad_before(out, sp, sign, "", body, true);
		put_digits(out, d, n, point > 0 ? 0 : -1, ilen);
		if (frac || sp->alt)
			fmt_put(out, ".", 1);
		put_digits(out, d, n, point, frac);
	}
	pad_after(out, sp, sign, "", body);
}
