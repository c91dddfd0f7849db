/* SPDX-License-Identifier: MIT */
/* cmos_rtc.c: reading the MC146818-compatible RTC through ports 0x70/0x71. */
#include <arch/io.h>
#include <rtc/cmos_rtc.h>

#define REG_A_UPDATE_IN_PROGRESS 0x80
#define REG_B_24H                0x02
#define REG_B_BINARY             0x04

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static int bcd(uint8_t v) { return (v >> 4) * 10 + (v & 0xf); }

static void read_raw(uint8_t r[7])
{
	/* An update takes under 2 ms after the flag rises; bounded so a missing RTC cannot hang. */
	for (unsigned spins = 0; spins < 1000000 && (cmos(0x0a) & REG_A_UPDATE_IN_PROGRESS); spins++)
		__asm__ volatile("pause");
	r[0] = cmos(0x00); /* seconds */
	r[1] = cmos(0x02); /* minutes */
	r[2] = cmos(0x04); /* hours */
	r[3] = cmos(0x07); /* day of month */
	r[4] = cmos(0x08); /* month */
	r[5] = cmos(0x09); /* year in century */
	r[6] = cmos(0x32); /* century (the ACPI FADT names it; 0x32 on PCs and QEMU) */
}

int64_t cmos_rtc_read_epoch(void)
{
	uint8_t a[7], b[7];
	int same = 0;

	/* Read until two reads agree, so no field was caught mid-update. */
	read_raw(a);
	for (int tries = 0; tries < 5 && !same; tries++) {
		read_raw(b);
		same = 1;
		for (int i = 0; i < 7; i++)
			if (a[i] != b[i])
				same = 0;
		for (int i = 0; i < 7; i++)
			a[i] = b[i];
	}

	uint8_t regb = cmos(0x0b);
	int pm = a[2] & 0x80;
	int (*dec)(uint8_t) = regb & REG_B_BINARY ? 0 : bcd;
	int v[7];

	a[2] &= 0x7f;
	for (int i = 0; i < 7; i++)
		v[i] = dec ? dec(a[i]) : a[i];
	if (!(regb & REG_B_24H)) /* 12-hour clock: 12 AM is 0, 12 PM is 12 */
		v[2] = (v[2] % 12) + (pm ? 12 : 0);

	struct rtc_time t = {
	        .year = (v[6] >= 19 && v[6] <= 99 ? v[6] : 20) * 100 + v[5],
	        .month = v[4],
	        .day = v[3],
	        .hour = v[2],
	        .minute = v[1],
	        .second = v[0],
	};
	return rtc_time_to_epoch(&t);
}
