/* SPDX-License-Identifier: MIT */
/* test_parse.c: core's shared text parsers (core/parse.c): hex digits and MAC addresses, with
 * every kind of malformed MAC refused and the output left untouched. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mote/parse.h>

#include "check.h"

static void test_hex_digit(void)
{
	int digits = 0, wrong = 0;

	CHECK_EQ(parse_hex_digit('0'), 0);
	CHECK_EQ(parse_hex_digit('9'), 9);
	CHECK_EQ(parse_hex_digit('a'), 10);
	CHECK_EQ(parse_hex_digit('F'), 15);
	CHECK_EQ(parse_hex_digit('g'), -EINVAL);
	CHECK_EQ(parse_hex_digit('\0'), -EINVAL);
	/* Exactly 22 of the 256 byte values are digits, each with its value. */
	for (int c = -128; c < 128; c++) {
		int v = parse_hex_digit((char)c);

		if (v >= 0)
			digits++;
		if (v >= 0 &&
		    !((c >= '0' && c <= '9' && v == c - '0') || (c >= 'a' && c <= 'f' && v == c - 'a' + 10) ||
		      (c >= 'A' && c <= 'F' && v == c - 'A' + 10)))
			wrong++;
		if (v < 0 && v != -EINVAL)
			wrong++;
	}
	CHECK_EQ(digits, 22);
	CHECK_EQ(wrong, 0);
}

static void test_mac(void)
{
	static const uint8_t want[6] = {0x00, 0x16, 0x3e, 0x0a, 0xbc, 0xff};
	static const char *const bad[] = {
	        "",                     /* empty */
	        "00:16:3e:0a:bc",       /* short: five groups */
	        "00:16:3e:0a:bc:f",     /* short: the last group one digit */
	        "00:16:3e:0a:bc:ff:",   /* long: a trailing separator */
	        "00:16:3e:0a:bc:ff:00", /* long: seven groups */
	        "00:16:3e:0a:bc:ff0",   /* long: a three-digit group */
	        "00:16:3e:0a:bc:ff ",   /* trailing space */
	        " 00:16:3e:0a:bc:ff",   /* leading space */
	        "0:16:3e:0a:bc:ff",     /* a one-digit group */
	        "00:16:3e:0g:bc:ff",    /* not a hex digit */
	        "00:16:3e:0a:bc:fx",    /* not a hex digit, last */
	        "-0:16:3e:0a:bc:ff",    /* a sign */
	        "00-16-3e-0a-bc-ff",    /* dashes */
	        "00.16.3e.0a.bc.ff",    /* dots */
	        "00:16:3e-0a:bc:ff",    /* one wrong separator */
	        "0016:3e0a:bcff",       /* grouped by four */
	        "00163e0abcff",         /* no separators */
	        "00::16:3e:0a:bc",      /* an empty group */
	};
	uint8_t mac[6];

	CHECK_EQ(parse_mac("00:16:3e:0a:Bc:FF", mac), 0);
	CHECK(memcmp(mac, want, 6) == 0);
	/* Multicast and all-zero are well formed: the caller judges the address. */
	CHECK_EQ(parse_mac("01:00:5e:00:00:01", mac), 0);
	CHECK(mac[0] == 0x01 && mac[2] == 0x5e && mac[5] == 0x01);
	CHECK_EQ(parse_mac("00:00:00:00:00:00", mac), 0);
	CHECK_EQ(parse_mac("ff:ff:ff:ff:ff:ff", mac), 0);
	CHECK(mac[0] == 0xff && mac[5] == 0xff);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(mac, want, 6);
		if (parse_mac(bad[i], mac) != -EINVAL || memcmp(mac, want, 6) != 0) {
			fprintf(stderr, "parse_mac(\"%s\") was not refused cleanly\n", bad[i]);
			CHECK(0);
		} else {
			CHECK(1);
		}
	}
}

static void test_size(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
	        {"0", 0},
	        {"4096", 4096},
	        {"512K", 512 << 10},
	        {"512k", 512 << 10},
	        {"8M", 8 << 20},
	        {"1g", 1ull << 30},
	        {"0008m", 8 << 20},
	        {"9223372036854775808", 1ull << 63},
	        {"8589934592G", 1ull << 63},
	};
	static const char *const bad[] = {"",     "K",  "-1",   "+1",   " 1",  "1 ", "1KB",
	                                  "1KiB", "1T", "1.5M", "0x10", "1MM", "12a"};
	static const char *const too_big[] = {"9223372036854775809", "99999999999999999999", "8589934593G",
	                                      "9007199254740993K"};
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 7;
		CHECK_EQ(parse_size(good[i].s, &v), 0);
		CHECK(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = 7;
		CHECK(parse_size(bad[i], &v) == -EINVAL && v == 7);
	}
	for (size_t i = 0; i < sizeof(too_big) / sizeof(too_big[0]); i++) {
		v = 7;
		CHECK(parse_size(too_big[i], &v) == -ERANGE && v == 7);
	}
}

int main(void)
{
	test_hex_digit();
	test_mac();
	test_size();
	return check_report();
}
