/* SPDX-License-Identifier: MIT */
/* test_rtc_time.c: calendar conversion against the host's timegm(), and rejection of the
 * garbage a dead RTC battery produces. */
#define _DEFAULT_SOURCE
#include <string.h>
#include <time.h>

#include <rtc/cmos_rtc.h>

#include "check.h"

static int64_t host(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm = {
	        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s};

	return (int64_t)timegm(&tm);
}

int main(void)
{
	struct rtc_time t = {1970, 1, 1, 0, 0, 0};

	CHECK_EQ(rtc_time_to_epoch(&t), 0);
	/* Every day from 1970 to 2100 at a varying time of day matches timegm(). */
	int ok = 1;
	for (int y = 1970; y <= 2100 && ok; y++)
		for (int m = 1; m <= 12 && ok; m++)
			for (int d = 1;
			     d <= 28 + (m != 2) * 2 + (m == 2 && ((y % 4 == 0 && y % 100) || y % 400 == 0));
			     d++) {
				struct rtc_time x = {y, m, d, d % 24, (d * 7) % 60, (d * 13) % 60};
				if (d > 30 && (m == 4 || m == 6 || m == 9 || m == 11))
					break;
				if (rtc_time_to_epoch(&x) != host(y, m, d, x.hour, x.minute, x.second)) {
					ok = 0;
					fprintf(stderr, "mismatch at %04d-%02d-%02d\n", y, m, d);
					break;
				}
			}
	CHECK(ok);
	struct rtc_time dec31 = {2024, 12, 31, 23, 59, 59};
	CHECK_EQ(rtc_time_to_epoch(&dec31), host(2024, 12, 31, 23, 59, 59));

	const struct rtc_time bad[] = {
	        {1969, 12, 31, 0, 0, 0}, {2023, 2, 29, 0, 0, 0},          {2024, 2, 30, 0, 0, 0},
	        {2024, 4, 31, 0, 0, 0},  {2024, 0, 1, 0, 0, 0},           {2024, 13, 1, 0, 0, 0},
	        {2024, 1, 0, 0, 0, 0},   {2024, 1, 1, 24, 0, 0},          {2024, 1, 1, 0, 60, 0},
	        {2024, 1, 1, 0, 0, 61},  {2165, 165, 165, 165, 165, 165},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ(rtc_time_to_epoch(&bad[i]), -1);
	struct rtc_time leap = {2000, 2, 29, 12, 0, 0};
	CHECK_EQ(rtc_time_to_epoch(&leap), host(2000, 2, 29, 12, 0, 0));
	return check_report();
}
