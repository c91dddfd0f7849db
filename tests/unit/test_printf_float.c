/* SPDX-License-Identifier: MIT */
/* test_printf_float.c: libc's printf engine (core/fmt.c with libc_fmt_float.c) against the
 * host C library's snprintf: %e %f %g %a with flags, widths and precisions over special,
 * halfway and pseudo-random doubles (every bit pattern class, subnormals included), plus the
 * extras only libc's printf has (%n, %lc, %ls). */

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <mote/fmt.h>

#include "../../libc/libc_fmt_float.h"
#include "check.h"

#define OUT_MAX 2048

static int mismatches;

static int ours(char *buf, size_t n, const char *fmt, ...)
{
	struct fmt_out out = {.buf = buf, .n = n, .float_conv = libc_fmt_float};
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fmt_format(&out, fmt, ap);
	va_end(ap);
	return len;
}

static const char *const formats[] = {
        "%f",    "%.0f",     "%.1f",     "%.2f",    "%.3f",   "%.10f", "%.17f", "%.40f", "%#.0f", "%+f",
        "% .2f", "%-14.3f|", "%014.2f",  "%F",      "%e",     "%.0e",  "%.1e",  "%.3e",  "%.16e", "%.20e",
        "%#.0e", "%+E",      "%-13.2e|", "%013.4e", "%g",     "%.0g",  "%.1g",  "%.2g",  "%.6g",  "%.15g",
        "%.17g", "%.25g",    "%G",       "%-10g|",  "%010g",  "%+.4g", "%a",    "%A",    "%.0a",  "%.1a",
        "%.3a",  "%.12a",    "%#a",      "%20.4a",  "%-20a|", "%020a",
};

/* One value through every format; counts as one check. */
static void compare_value(double v)
{
	char want[OUT_MAX], got[OUT_MAX];

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		int wl = snprintf(want, sizeof(want), formats[i], v);
		int gl = ours(got, sizeof(got), formats[i], v);

		if (wl != gl || strcmp(want, got) != 0) {
			check_failed++;
			if (mismatches++ < 20)
				fprintf(stderr, "%a with \"%s\": want \"%s\" (%d), got \"%s\" (%d)\n", v,
				        formats[i], want, wl, got, gl);
			return;
		}
	}
	check_passed++;
}

/* Full precision: every digit of the exact expansion, rounded at the last place shown. */
static void compare_long(double v)
{
	char want[OUT_MAX], got[OUT_MAX];
	int wl = snprintf(want, sizeof(want), "%.1100f|%.800e", v, v);
	int gl = ours(got, sizeof(got), "%.1100f|%.800e", v, v);

	if (wl != gl || strcmp(want, got) != 0) {
		check_failed++;
		if (mismatches++ < 20)
			fprintf(stderr, "%a at full precision: differs (%d against %d)\n", v, gl, wl);
		return;
	}
	check_passed++;
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double from_bits(uint64_t b)
{
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

int main(void)
{
	static const double special[] = {
	        0.0,
	        -0.0,
	        1.0,
	        -1.0,
	        0.5,
	        1.5,
	        2.5,
	        -2.5,
	        0.125,
	        0.375,
	        9.5,
	        99.5,
	        999.5,
	        0.05,
	        0.15,
	        0.25,
	        0.35,
	        1e-5,
	        1e-4,
	        9.9999e-5,
	        0.0001,
	        123456.0,
	        999999.5,
	        1e15,
	        1e16,
	        1e17,
	        1e21,
	        1e22,
	        1e23,
	        123456789012345678.0,
	        0.1,
	        0.2,
	        0.3,
	        1.0 / 3,
	        2.0 / 3,
	        M_PI,
	        M_E,
	        9.999999,
	        0.9999995,
	        0.99999949999,
	        5e-324,
	        2.2250738585072009e-308,
	        DBL_MIN,
	        DBL_MAX,
	        -DBL_MAX,
	        1.7976931348623157e308,
	        4503599627370496.5,
	        9007199254740993.0,
	        1e100,
	        1e-100,
	        1e300,
	        1e-300,
	        0.000123456789,
	        65536.0,
	        1048575.999999,
	        7.0e-10,
	        8.5,
	        0.0625,
	        3.0517578125e-05,
	        INFINITY,
	        -INFINITY,
	        NAN,
	        -NAN,
	};
	char got[256], want[256];
	int n1 = -1, n2 = -1;

	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		compare_value(special[i]);
	/* Halfway cases at every precision: k + 0.5 and k / 8 are exact in binary. */
	for (int k = 0; k < 200; k++) {
		compare_value(k + 0.5);
		compare_value(k / 8.0);
	}
	/* Random bit patterns reach every exponent, subnormals, infinities and NaNs. */
	for (int i = 0; i < 3000; i++)
		compare_value(from_bits(next()));
	/* Random values of ordinary size, and decimals that are not exact in binary. */
	for (int i = 0; i < 3000; i++) {
		double scale = pow(10.0, (double)(int)(next() % 40) - 20);

		compare_value((double)(next() >> 11) / 9007199254740992.0 * scale);
		compare_value((double)(int64_t)(next() % 2000001 - 1000000) / 1000.0);
	}
	for (int i = 0; i < 200; i++)
		compare_long(from_bits((next() & ~(0x7ffull << 52)) | ((uint64_t)(next() % 2047) << 52)));
	compare_long(5e-324);
	compare_long(DBL_MAX);

	/* Mixed with the integer conversions the kernel subset shares. */
	snprintf(want, sizeof(want), "%s|%5.2f|%d|%-9.3e|%x|%Lf", "ab", 2.675, -7, 1234.5, 255u, 1.25L);
	ours(got, sizeof(got), "%s|%5.2f|%d|%-9.3e|%x|%Lf", "ab", 2.675, -7, 1234.5, 255u, 1.25L);
	CHECK_STR(got, want);
	/* '#' keeps %g's trailing zeros. Not compared with glibc, which drops them when rounding
	 * carries into a new digit ("%#.3g" of 999.5 gives "1.e+03"); C11 7.21.6.1 and Python's
	 * formatting agree on these. */
	CHECK_EQ(ours(got, sizeof(got), "%#.3g|%#g|%#g|%#g|%#.0g", 999.5, 999999.5, 1.0, 1e-4, 5.0), 43);
	CHECK_STR(got, "1.00e+03|1.00000e+06|1.00000|0.000100000|5.");
	/* %n stores the count so far; %lc and %ls write single-byte characters. */
	CHECK_EQ(ours(got, sizeof(got), "ab%ncd%.1f%n", &n1, 0.25, &n2), 7);
	CHECK(n1 == 2 && n2 == 7);
	/* Each length modifier stores exactly its type's width: the bytes after it keep 0xa5. */
	{
		static const struct {
			const char *fmt;
			size_t width;
		} nw[] = {{"%*s%hhn", 1}, {"%*s%hn", 2}, {"%*s%n", 4},  {"%*s%ln", 8},
		          {"%*s%lln", 8}, {"%*s%zn", 8}, {"%*s%tn", 8}, {"%*s%jn", 8}};

		for (size_t i = 0; i < sizeof(nw) / sizeof(nw[0]); i++) {
			unsigned char where[16];
			uint64_t low = 0;

			memset(where, 0xa5, sizeof(where));
			CHECK_EQ(ours(got, sizeof(got), nw[i].fmt, 258, "", where), 258);
			memcpy(&low, where, nw[i].width);
			CHECK_EQ(low, nw[i].width == 1 ? 2u : 258u);
			CHECK(where[nw[i].width] == 0xa5);
		}
	}
	CHECK_EQ(ours(got, sizeof(got), "[%lc|%-4ls|%.2ls]", (wint_t)L'x', L"yz", L"abc"), 11);
	CHECK_STR(got, "[x|yz  |ab]");
	/* A wide character with no single-byte form in the C locale fails the call. */
	CHECK_EQ(ours(got, sizeof(got), "%ls", L"a\u20acb"), -EILSEQ);
	/* Truncation: the return value is the full length, the buffer holds a terminated prefix. */
	CHECK_EQ(ours(got, 5, "%.3f", 3.14159), 5);
	CHECK_STR(got, "3.14");
	return check_report();
}
