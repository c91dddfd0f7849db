/* SPDX-License-Identifier: MIT */
/* cmos_rtc.h: the PC's battery-backed real-time clock (MC146818 compatible), read once at boot
 * for the wall clock. */
#ifndef CMOS_RTC_H
#define CMOS_RTC_H

#include <stdint.h>

struct rtc_time {
	int year, month, day, hour, minute, second; /* month 1-12, day 1-31 */
};

/* Seconds since 1970-01-01T00:00:00Z for a UTC calendar time, or -1 if a field is out of
 * range (the RTC is outside input: a broken battery gives garbage). Pure. */
int64_t rtc_time_to_epoch(const struct rtc_time *t);

/* Read the RTC (waiting out an update in progress, decoding BCD and 12-hour modes) and
 * convert it; -1 when the values make no sense. */
int64_t cmos_rtc_read_epoch(void);

#endif
