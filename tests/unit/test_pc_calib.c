/* SPDX-License-Identifier: MIT */
/* test_pc_calib.c: the arithmetic of TSC calibration (drivers/pc/pc_calib.c) against 128-bit
 * references, with the rates of real references: QEMU's 100 MHz HPET, a PC's 14.318 MHz one,
 * the 3.579545 MHz PM timer, the 1.193182 MHz PIT, and counters that wrap mid-window. */

#include <stdint.h>
#include <stdio.h>

#include <pc/pc_calib.h>

#include "check.h"

typedef unsigned __int128 u128;

static void test_muldiv(void)
{
	/* Cases inside the precondition (c * b < 2^64), checked against a 128-bit product. */
	static const uint64_t cases[][3] = {
	        {0, 1000000000, 3579545},
	        {3579545, 1000000000, 3579545},
	        {UINT64_MAX / 1000000000, 1000000000, 1193182},
	        {123456789012345ull, 69841279, 1000000},
	        {UINT64_MAX, 1, 1},
	        {UINT64_MAX, 3, 7},
	        {987654321987ull, 1000000000, 4999999},
	        {18000000000ull, 1000000000, 18000000000ull},
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t a = cases[i][0], b = cases[i][1], c = cases[i][2];
		u128 want = (u128)a * b / c;

		if (want <= UINT64_MAX)
			CHECK_EQ(pc_calib_muldiv(a, b, c), (uint64_t)want);
	}
	/* A pseudo-random sweep. */
	uint64_t x = 88172645463325252ull;
	unsigned bad = 0;

	for (unsigned i = 0; i < 100000; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		uint64_t c = (x >> 40) + 1, b = (x & 0xffffff) + 1, a = x >> (x & 31);
		u128 want = (u128)a * b / c;

		if (want <= UINT64_MAX && pc_calib_muldiv(a, b, c) != (uint64_t)want)
			bad++;
	}
	CHECK_EQ(bad, 0);
}

static void test_delta(void)
{
	CHECK_EQ(pc_calib_delta(100, 250, 24), 150);
	CHECK_EQ(pc_calib_delta(0xfffff0, 0x10, 24), 0x20); /* a 24-bit PM timer wrapped */
	CHECK_EQ(pc_calib_delta(0xfffffff0u, 0x10, 32), 0x20);
	CHECK_EQ(pc_calib_delta(0xfff0, 0x0010, 16), 0x20); /* the PIT read as an up-counter */
	CHECK_EQ(pc_calib_delta(UINT64_MAX - 1, 3, 64), 5);
	CHECK_EQ(pc_calib_delta(7, 7, 32), 0);
	/* Bits above the width (a 24-bit timer read through a 32-bit port) do not count. */
	CHECK_EQ(pc_calib_delta(0xff000010u, 0x00000020u, 24), 0x10);
}

static void test_conversions(void)
{
	CHECK_EQ(pc_calib_ticks_ns_hz(3579545, 3579545), 1000000000);
	CHECK_EQ(pc_calib_ticks_ns_hz(1193182, 1193182), 1000000000);
	CHECK_EQ(pc_calib_ticks_ns_hz(17898, 3579545), (uint64_t)((u128)17898 * 1000000000 / 3579545));
	CHECK_EQ(pc_calib_ticks_ns_hz(5, 0), 0);
	CHECK_EQ(pc_calib_ticks_ns_fs(500000, 10000000), 5000000); /* QEMU: 10 ns a tick */
	CHECK_EQ(pc_calib_ticks_ns_fs(71591, 69841279), (uint64_t)((u128)71591 * 69841279 / 1000000));
	CHECK_EQ(pc_calib_ns_ticks_hz(5000000, 3579545), 17897); /* 5 ms of PM timer */
	CHECK_EQ(pc_calib_ns_ticks_hz(5000000, 1193182), 5965);
	CHECK_EQ(pc_calib_ns_ticks_fs(5000000, 10000000), 500000);
	CHECK_EQ(pc_calib_ns_ticks_fs(5000000, 69841279), 71590);
	CHECK_EQ(pc_calib_ns_ticks_fs(5000000, 0), 0);
	/* A long HPET window (an hour of a 14.318 MHz HPET) does not overflow. */
	uint64_t ticks = 3600ull * 14318180;
	CHECK_EQ(pc_calib_ticks_ns_fs(ticks, 69841279), (uint64_t)((u128)ticks * 69841279 / 1000000));
}

static void test_hz(void)
{
	CHECK_EQ(pc_calib_hz(30000000, 5000000), 6000000000ull);
	CHECK_EQ(pc_calib_hz(12000000, 5000000), 2400000000ull);
	CHECK_EQ(pc_calib_hz(12000000, 0), 0);
	CHECK_EQ(pc_calib_hz(100000, 5000000), 0);          /* 20 MHz: a broken reference */
	CHECK_EQ(pc_calib_hz(600000000000ull, 5000000), 0); /* 120 THz */
	CHECK_EQ(pc_calib_hz(500000, 5000000), PC_CALIB_HZ_MIN);
	CHECK_EQ(pc_calib_hz(1, UINT64_MAX), 0); /* a window too long to scale exactly */
}

/* A TSC at `tsc_hz` measured over one window of a reference at `ref_hz` (or `period_fs`): what
 * pc_time.c's measure_once() computes, exactly, with the window starting at `start` so that
 * a narrow counter wraps inside it. */
static uint64_t simulate(uint64_t tsc_hz, uint64_t ref_hz, uint64_t period_fs, unsigned bits, uint64_t start)
{
	uint64_t target =
	        ref_hz ? pc_calib_ns_ticks_hz(5000000, ref_hz) : pc_calib_ns_ticks_fs(5000000, period_fs);
	uint64_t mask = bits == 64 ? UINT64_MAX : (1ull << bits) - 1;
	uint64_t r0 = start & mask, r1 = (start + target) & mask;
	uint64_t moved = pc_calib_delta(r0, r1, bits);
	uint64_t ns = ref_hz ? pc_calib_ticks_ns_hz(moved, ref_hz) : pc_calib_ticks_ns_fs(moved, period_fs);
	/* The TSC ticks in exactly that time, as the hardware would count them. */
	uint64_t tsc = (uint64_t)((u128)ns * tsc_hz / 1000000000u);

	return pc_calib_hz(tsc, ns);
}

static int within_ppm(uint64_t got, uint64_t want, uint64_t ppm)
{
	uint64_t diff = got > want ? got - want : want - got;

	return (u128)diff * 1000000 <= (u128)want * ppm;
}

static void test_simulated(void)
{
	CHECK(within_ppm(simulate(2400000000ull, 0, 10000000, 64, 0), 2400000000ull, 1));
	CHECK(within_ppm(simulate(2400000000ull, 0, 69841279, 32, 0xfffff000u), 2400000000ull, 1));
	CHECK(within_ppm(simulate(3000000000ull, 3579545, 0, 24, 0xffff00), 3000000000ull, 1));
	CHECK(within_ppm(simulate(3000000000ull, 3579545, 0, 32, 0xffffff00u), 3000000000ull, 1));
	CHECK(within_ppm(simulate(1000000000ull, 1193182, 0, 16, 0xff00), 1000000000ull, 1));
	CHECK(within_ppm(simulate(6674165400ull, 1193182, 0, 16, 12345), 6674165400ull, 1));
}

static void test_median(void)
{
	uint64_t a[] = {5, 1, 3}, b[] = {2}, c[] = {4, 4, 1}, d[] = {9, 7}, e[] = {3, 2, 1, 5, 4};

	CHECK_EQ(pc_calib_median(a, 3), 3);
	CHECK_EQ(pc_calib_median(b, 1), 2);
	CHECK_EQ(pc_calib_median(c, 3), 4);
	CHECK_EQ(pc_calib_median(d, 2), 9);
	CHECK_EQ(pc_calib_median(e, 5), 3);
	CHECK(e[0] == 1 && e[4] == 5);
}

static void test_cpuid(void)
{
	/* Leaf 0x15 complete: a 24 MHz crystal times 166/2. */
	CHECK_EQ(pc_calib_cpuid_hz(2, 166, 24000000, 0), 1992000000ull);
	/* The crystal left out: from leaf 0x16's 2000 MHz base. */
	CHECK_EQ(pc_calib_cpuid_hz(2, 166, 0, 2000), (uint64_t)2000000000ull * 2 / 166 * 166 / 2);
	CHECK(within_ppm(pc_calib_cpuid_hz(2, 166, 0, 2000), 2000000000ull, 1));
	/* Only the low 16 bits of leaf 0x16's eax are the frequency. */
	CHECK_EQ(pc_calib_cpuid_hz(2, 166, 0, 0xffff0000u | 2000), pc_calib_cpuid_hz(2, 166, 0, 2000));
	CHECK_EQ(pc_calib_cpuid_hz(0, 166, 24000000, 2000), 0);
	CHECK_EQ(pc_calib_cpuid_hz(2, 0, 24000000, 2000), 0);
	CHECK_EQ(pc_calib_cpuid_hz(2, 166, 0, 0), 0);
	CHECK_EQ(pc_calib_cpuid_hz(UINT32_MAX, UINT32_MAX, UINT32_MAX, 0), UINT32_MAX);
}

int main(void)
{
	test_muldiv();
	test_delta();
	test_conversions();
	test_hz();
	test_simulated();
	test_median();
	test_cpuid();
	return check_report();
}
