/* SPDX-License-Identifier: MIT */
/* test_pvclock.c: the pvclock scaling (TSC cycles to ns through a 32.32 multiplier and a
 * shift) and the frequency it implies, checked against exact 128-bit arithmetic for the
 * multipliers hypervisors derive from real TSC rates, and a live record read back. */
#include <stdint.h>
#include <string.h>

#include <arch/pvclock.h>
#include <arch/x86.h>

#include "check.h"

/* What a hypervisor publishes for a TSC of `hz`: the shift that brings 1e9/hz * 2^32 into
 * 32 bits with the most precision (as Xen's and Linux's set_time_scale do). */
static void scale_for(uint64_t hz, uint32_t *mul, int8_t *shift)
{
	uint64_t tps = hz, ns = 1000000000ull;
	int s = 0;

	while (tps > ns * 2 && tps > 0xffffffffull) {
		tps >>= 1;
		s--;
	}
	while (tps > ns * 2) {
		tps >>= 1;
		s--;
	}
	while (tps <= ns) {
		tps <<= 1;
		s++;
	}
	*mul = (uint32_t)(((unsigned __int128)ns << 32) / tps);
	*shift = (int8_t)s;
}

static uint64_t reference(uint64_t delta, uint32_t mul, int8_t shift)
{
	unsigned __int128 d = shift < 0 ? delta >> -shift : (unsigned __int128)delta << shift;

	return (uint64_t)((d * mul) >> 32);
}

int main(void)
{
	static const uint64_t rates[] = {1000000ull,    100000000ull,  999999999ull,
	                                 1000000000ull, 1600000000ull, 2500000000ull,
	                                 3700000000ull, 4200000000ull, 5000000000ull};
	uint64_t x = 88172645463325252ull; /* xorshift state */

	for (unsigned r = 0; r < sizeof(rates) / sizeof(rates[0]); r++) {
		uint32_t mul;
		int8_t shift;

		scale_for(rates[r], &mul, &shift);
		/* The implied frequency is the rate to within the multiplier's precision (2^-31). */
		uint64_t hz = pvclock_tsc_hz(mul, shift);
		uint64_t err = hz > rates[r] ? hz - rates[r] : rates[r] - hz;

		CHECK(err <= rates[r] / 1000000 + 1);
		/* One second of cycles is one second, to within a ppm. */
		uint64_t one_s = pvclock_scale(rates[r], mul, shift);

		CHECK(one_s > 999999000ull && one_s < 1000001000ull);
		/* Exact against 128-bit arithmetic, for deltas up to a day of cycles. */
		for (int i = 0; i < 20000; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			uint64_t delta = x % (rates[r] * 86400);

			if (pvclock_scale(delta, mul, shift) != reference(delta, mul, shift)) {
				CHECK_EQ(pvclock_scale(delta, mul, shift), reference(delta, mul, shift));
				break;
			}
		}
		CHECK(pvclock_scale(0, mul, shift) == 0);
	}
	CHECK(pvclock_tsc_hz(0, 0) == 0);
	CHECK(pvclock_scale(1ull << 40, 0x80000000u, 0) == 1ull << 39); /* x 0.5 */
	CHECK(pvclock_scale(1ull << 40, 0x80000000u, -1) == 1ull << 38);
	CHECK(pvclock_scale(1ull << 40, 0x80000000u, 2) == 1ull << 41);

	/* A record taken "now" reads back as its system time plus the few cycles since. */
	struct pvclock_time_info info;

	memset(&info, 0, sizeof(info));
	scale_for(1000000000ull, &info.tsc_to_system_mul, &info.tsc_shift);
	info.version = 2;
	info.system_time = 5000000000ull;
	info.tsc_timestamp = rdtsc();
	uint64_t ns = pvclock_read_ns(&info);

	CHECK(ns >= 5000000000ull && ns < 5000000000ull + 60000000000ull);
	return check_report();
}
