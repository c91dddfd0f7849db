/* SPDX-License-Identifier: MIT */
/* rtc_time.c: calendar time to Unix time, without a C library (proleptic Gregorian, UTC). */
#include <rtc/cmos_rtc.h>

static int leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t rtc_time_to_epoch(const struct rtc_time *t)
{
	static const int days_before[12] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (t->year < 1970 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 || t->hour < 0 ||
	    t->hour > 23 || t->minute < 0 || t->minute > 59 || t->second < 0 || t->second > 60)
		return -1;
	if (t->day > mdays[t->month - 1] + (t->month == 2 && leap(t->year)))
		return -1;

	int64_t y = t->year - 1;
	/* days from 0001-01-01 to the start of this year, minus those to 1970-01-01 (719162) */
	int64_t days = y * 365 + y / 4 - y / 100 + y / 400 - 719162;

	days += days_before[t->month - 1] + (t->month > 2 && leap(t->year)) + t->day - 1;
	return days * 86400 + t->hour * 3600 + t->minute * 60 + t->second;
}
