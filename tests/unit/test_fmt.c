/* SPDX-License-Identifier: MIT */
/* test_fmt.c: the kernel formatter against the host C library's snprintf, over a grid of
 * flags, widths, precisions, length modifiers and values, plus truncation at every size. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <limits.h>

#include <mote/fmt.h>

#include "check.h"

#define OUT_MAX 512

/* Counts failures only to keep the log short; check.h's counters keep the score. */
static int mismatches;

/* Format with both the host and fmt_vsnprintf and compare the text and the return value, then
 * do it again into buffers of every size from 0 to one past the full length, checking the
 * prefix, the terminator and that nothing past n is written. */
static void compare_v(int line, bool truncation, const char *fmt, va_list ap)
{
	char want[OUT_MAX], got[OUT_MAX + 16];
	int want_len, got_len;
	va_list aq;

	va_copy(aq, ap);
	want_len = vsnprintf(want, sizeof(want), fmt, aq);
	va_end(aq);
	va_copy(aq, ap);
	got_len = fmt_vsnprintf(got, sizeof(got), fmt, aq);
	va_end(aq);
	if (want_len != got_len || strcmp(want, got) != 0) {
		check_failed++;
		if (mismatches++ < 20)
			fprintf(stderr, "line %d: format \"%s\": want \"%s\" (%d), got \"%s\" (%d)\n", line,
			        fmt, want, want_len, got, got_len);
		return;
	}
	if (!truncation || want_len < 0 || want_len >= OUT_MAX) {
		check_passed++;
		return;
	}
	for (size_t n = 0; n <= (size_t)want_len + 1; n++) {
		memset(got, '#', sizeof(got));
		va_copy(aq, ap);
		got_len = fmt_vsnprintf(got, n, fmt, aq);
		va_end(aq);
		size_t keep = n ? n - 1 : 0;
		bool ok = got_len == want_len && memcmp(got, want, keep) == 0;

		ok = ok && (n == 0 || got[keep] == '\0');
		for (size_t i = n; i < sizeof(got); i++)
			ok = ok && got[i] == '#';
		if (!ok) {
			check_failed++;
			if (mismatches++ < 20)
				fprintf(stderr, "line %d: format \"%s\" cut to %zu: got \"%.*s\" (%d)\n",
				        line, fmt, n, (int)keep, got, got_len);
			return;
		}
	}
	check_passed++;
}

static void compare(int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compare_v(line, true, fmt, ap);
	va_end(ap);
}

/* The grid runs without the truncation sweep: the explicit cases below cover that. */
static void compare_fast(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	compare_v(0, false, fmt, ap);
	va_end(ap);
}

#define COMPARE(...) compare(__LINE__, __VA_ARGS__)

/* fmt_vsnprintf without the format attribute, for formats the compiler would rightly flag. */
static int raw(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return len;
}

static const int64_t values[] = {
        0,
        1,
        -1,
        7,
        -8,
        42,
        -42,
        127,
        -128,
        255,
        256,
        4095,
        32767,
        -32768,
        65535,
        65536,
        INT32_MAX,
        INT32_MIN,
        (int64_t)UINT32_MAX,
        0x123456789abcLL,
        INT64_MAX,
        INT64_MIN,
};

static void test_integer_grid(void)
{
	static const char *const flagsets[] = {"",   "-",  "0",   "+",  " ",   "#",    "-0",
	                                       "+ ", "0#", "-+#", "0+", "0 #", "-0+ #"};
	static const char *const widths[] = {"", "1", "5", "25"};
	static const char *const precs[] = {"", ".", ".0", ".1", ".3", ".25"};
	static const char *const lmods[] = {"", "hh", "h", "l", "ll", "z", "t", "j"};
	static const char convs[] = "diuxXo";
	char f[64];

	for (size_t a = 0; a < sizeof(flagsets) / sizeof(flagsets[0]); a++)
		for (size_t b = 0; b < sizeof(widths) / sizeof(widths[0]); b++)
			for (size_t c = 0; c < sizeof(precs) / sizeof(precs[0]); c++)
				for (size_t d = 0; d < sizeof(lmods) / sizeof(lmods[0]); d++)
					for (size_t e = 0; convs[e]; e++) {
						bool is_signed = convs[e] == 'd' || convs[e] == 'i';

						snprintf(f, sizeof(f), "<%%%s%s%s%s%c>", flagsets[a],
						         widths[b], precs[c], lmods[d], convs[e]);
						for (size_t i = 0; i < sizeof(values) / sizeof(values[0]);
						     i++) {
							int64_t v = values[i];
							const char *l = lmods[d];

							/* Each argument is passed with the type its length
							 * modifier names. */
							if (!strcmp(l, "l"))
								is_signed ? compare_fast(f, (long)v)
								          : compare_fast(f, (unsigned long)v);
							else if (!strcmp(l, "ll") && is_signed)
								compare_fast(f, (long long)v);
							else if (!strcmp(l, "ll"))
								compare_fast(f, (unsigned long long)v);
							else if (!strcmp(l, "z"))
								is_signed ? compare_fast(f, (ptrdiff_t)v)
								          : compare_fast(f, (size_t)v);
							else if (!strcmp(l, "t"))
								compare_fast(f, (ptrdiff_t)v);
							else if (!strcmp(l, "j"))
								is_signed ? compare_fast(f, (intmax_t)v)
								          : compare_fast(f, (uintmax_t)v);
							else
								is_signed ? compare_fast(f, (int)v)
								          : compare_fast(f, (unsigned int)v);
						}
					}
}

static void test_strings_and_chars(void)
{
	static const char *const specs[] = {"%s",    "%10s",   "%-10s", "%.0s", "%.3s",
	                                    "%8.3s", "%-8.3s", "%.30s", "%1s"};
	static const char *const strs[] = {"", "a", "hello", "hello world, a longer string"};
	static const char *const cspecs[] = {"%c", "%5c", "%-5c", "%1c"};
	static const int chars[] = {'a', 'Z', ' ', 0x7f, 0xe9, -1};

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
		for (size_t j = 0; j < sizeof(strs) / sizeof(strs[0]); j++)
			compare(__LINE__, specs[i], strs[j]);
	for (size_t i = 0; i < sizeof(cspecs) / sizeof(cspecs[0]); i++)
		for (size_t j = 0; j < sizeof(chars) / sizeof(chars[0]); j++)
			compare(__LINE__, cspecs[i], chars[j]);

	COMPARE("[%s|%s|%5s]", "a", "", "xy");
	COMPARE("%*s|%-*s|%.*s", 6, "ab", 6, "cd", 2, "efgh");
	COMPARE("%*s|", -6, "neg");
	COMPARE("%.*s|", -1, "negative precision means none");
}

/* %c writes a NUL byte like any other character; the return value counts it. */
static void test_nul_char(void)
{
	char buf[8];

	memset(buf, '#', sizeof(buf));
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "a%cb", 0), 3);
	CHECK(memcmp(buf, "a\0b\0", 4) == 0);
}

/* A precision bounds how far %s reads, so an unterminated array is fine. */
static void test_unterminated_string(void)
{
	char raw_bytes[4] = {'w', 'x', 'y', 'z'};
	char buf[16];

	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%.4s|", raw_bytes), 5);
	CHECK_STR(buf, "wxyz|");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%.2s|", raw_bytes), 3);
	CHECK_STR(buf, "wx|");
}

static void test_null_string(void)
{
	/* Through raw(): the compiler knows the argument is null and would warn. */
	char buf[32];
	const char *null = NULL;

	CHECK_EQ(raw(buf, sizeof(buf), "%s", null), 6);
	CHECK_STR(buf, "(null)");
	CHECK_EQ(raw(buf, sizeof(buf), "[%8s]", null), 10);
	CHECK_STR(buf, "[  (null)]");
	CHECK_EQ(raw(buf, sizeof(buf), "[%-8s]", null), 10);
	CHECK_STR(buf, "[(null)  ]");
	CHECK_EQ(raw(buf, sizeof(buf), "[%.3s]", null), 5);
	CHECK_STR(buf, "[(nu]");
}

static void test_pointers(void)
{
	static int object;
	char buf[64];
	void *ptrs[] = {&object, (void *)1, (void *)0xdeadbeef, (void *)UINTPTR_MAX, (void *)buf};

	for (size_t i = 0; i < sizeof(ptrs) / sizeof(ptrs[0]); i++) {
		COMPARE("%p", ptrs[i]);
		COMPARE("[%20p]", ptrs[i]);
		COMPARE("[%-20p]", ptrs[i]);
		COMPARE("[%3p]", ptrs[i]);
	}
	/* The host prints "(nil)"; the kernel keeps the 0x form so a null is still a number. */
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%p", NULL), 3);
	CHECK_STR(buf, "0x0");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "[%6p]", NULL), 8);
	CHECK_STR(buf, "[   0x0]");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "[%-6p]", NULL), 8);
	CHECK_STR(buf, "[0x0   ]");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%p", (void *)0xabcdef), 8);
	CHECK_STR(buf, "0xabcdef");
}

static void test_extremes(void)
{
	COMPARE("%d", INT_MIN);
	COMPARE("%d", INT_MAX);
	COMPARE("%u", UINT_MAX);
	COMPARE("%ld", LONG_MIN);
	COMPARE("%lld", LLONG_MIN);
	COMPARE("%jd", INTMAX_MIN);
	COMPARE("%lld|%llu|%llx|%llo", (long long)INT64_MIN, (unsigned long long)UINT64_MAX,
	        (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	COMPARE("%#llo", (unsigned long long)UINT64_MAX);
	COMPARE("%+030lld", (long long)INT64_MIN);
	COMPARE("%-30lld|", (long long)INT64_MIN);
	COMPARE("%.25lld", (long long)INT64_MIN);
	COMPARE("%zu %zx %zd", SIZE_MAX, SIZE_MAX, (ptrdiff_t)PTRDIFF_MIN);
	COMPARE("%td %tx", (ptrdiff_t)PTRDIFF_MIN, (ptrdiff_t)-1);
	COMPARE("%hhd %hhu %hhx", 300, 300, -1);
	COMPARE("%hd %hu %hx", 70000, 70000, -1);
}

static void test_star(void)
{
	COMPARE("[%*d]", 8, 42);
	COMPARE("[%*d]", -8, 42);
	COMPARE("[%-*d]", -8, 42);
	COMPARE("[%0*d]", 8, -42);
	COMPARE("[%.*d]", 6, 42);
	COMPARE("[%.*d]", -6, 42);
	COMPARE("[%0.*d]", -6, 42);
	COMPARE("[%.*d]", 0, 0);
	COMPARE("[%*.*x]", 10, 4, 0xab);
	COMPARE("[%-*.*X]|%s", 10, 4, 0xab, "after");
}

static void test_literals_and_percent(void)
{
	COMPARE("");
	COMPARE("plain text, no conversions");
	COMPARE("%%");
	COMPARE("100%% of %d%%", 5);
	COMPARE("%d%s%c%%%x", 1, "two", '3', 4);
	COMPARE("a string much longer than most of the other cases here, to push truncation: %s %d", "tail",
	        -123456);
}

/* Conversions outside the subset come out as written, and a '%' at the end stays. */
static void test_unknown(void)
{
	char buf[64];

	CHECK_EQ(raw(buf, sizeof(buf), "a%yb"), 4);
	CHECK_STR(buf, "a%yb");
	CHECK_EQ(raw(buf, sizeof(buf), "x=%5.2f!"), 8);
	CHECK_STR(buf, "x=%5.2f!");
	CHECK_EQ(raw(buf, sizeof(buf), "%Lf"), 3);
	CHECK_STR(buf, "%Lf");
	CHECK_EQ(raw(buf, sizeof(buf), "end%"), 4);
	CHECK_STR(buf, "end%");
	CHECK_EQ(raw(buf, sizeof(buf), "end%-08."), 8);
	CHECK_STR(buf, "end%-08.");
	CHECK_EQ(raw(buf, sizeof(buf), "%lld%n|%d", 5LL, 7), 5);
	CHECK_STR(buf, "5%n|7");
	CHECK_EQ(raw(buf, 3, "%q"), 2);
	CHECK_STR(buf, "%q");
}

static void test_truncation_edges(void)
{
	char buf[16];

	/* n == 0 must not touch the buffer, and a NULL buffer is allowed with it. */
	memset(buf, '#', sizeof(buf));
	CHECK_EQ(fmt_snprintf(buf, 0, "%d", 12345), 5);
	CHECK_EQ(buf[0], '#');
	CHECK_EQ(fmt_snprintf(NULL, 0, "%s-%d", "abc", 12345), 9);

	memset(buf, '#', sizeof(buf));
	CHECK_EQ(fmt_snprintf(buf, 1, "%s", "abc"), 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ(buf[1], '#');

	memset(buf, '#', sizeof(buf));
	CHECK_EQ(fmt_snprintf(buf, 4, "%08d", 7), 8);
	CHECK_STR(buf, "000");
	CHECK_EQ(buf[4], '#');

	/* Huge widths cost nothing beyond the buffer and are still counted. */
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%1000000d", 1), 1000000);
	CHECK_STR(buf, "               ");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%-1000000d", 1), 1000000);
	CHECK_STR(buf, "1              ");
	CHECK_EQ(fmt_snprintf(buf, sizeof(buf), "%.1000000d", 1), 1000000);
	CHECK_STR(buf, "000000000000000");
	/* Past INT_MAX the length saturates instead of overflowing. */
	CHECK_EQ(raw(buf, sizeof(buf), "%99999999999999999999d", 1), INT_MAX);
	CHECK_EQ(raw(buf, sizeof(buf), "%2147483647d%2147483647d", 1, 2), INT_MAX);
	CHECK_EQ(strlen(buf), sizeof(buf) - 1);
	CHECK_EQ(raw(buf, sizeof(buf), "[%*d]", INT_MIN, 1), INT_MAX);
	CHECK_STR(buf, "[1             ");
	CHECK_EQ(strlen(buf), sizeof(buf) - 1);
}

int main(void)
{
	test_integer_grid();
	test_strings_and_chars();
	test_nul_char();
	test_unterminated_string();
	test_null_string();
	test_pointers();
	test_extremes();
	test_star();
	test_literals_and_percent();
	test_unknown();
	test_truncation_edges();
	return check_report();
}
