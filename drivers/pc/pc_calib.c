/* SPDX-License-Identifier: MIT */
/* pc_calib.c: the arithmetic of TSC calibration (pc/pc_calib.h), kept apart from the port and
 * register reads of pc_time.c so the host unit tests run it. */
#include <stdint.h>

#include <pc/pc_calib.h>

#define NS_PER_S  1000000000ull
#define FS_PER_NS 1000000ull

uint64_t pc_calib_muldiv(uint64_t a, uint64_t b, uint64_t c)
{
	/* (a / c) * b + (a % c) * b / c: the remainder is below c, so its product stays below
	 * c * b. */
	return a / c * b + a % c * b / c;
}

uint64_t pc_calib_delta(uint64_t start, uint64_t end, unsigned bits)
{
	uint64_t mask = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;

	return (end - start) & mask;
}

uint64_t pc_calib_ticks_ns_hz(uint64_t ticks, uint64_t hz)
{
	return hz ? pc_calib_muldiv(ticks, NS_PER_S, hz) : 0;
}

uint64_t pc_calib_ticks_ns_fs(uint64_t ticks, uint64_t period_fs)
{
	return pc_calib_muldiv(ticks, period_fs, FS_PER_NS);
}

uint64_t pc_calib_ns_ticks_hz(uint64_t ns, uint64_t hz) { return pc_calib_muldiv(ns, hz, NS_PER_S); }

uint64_t pc_calib_ns_ticks_fs(uint64_t ns, uint64_t period_fs)
{
	return period_fs ? pc_calib_muldiv(ns, FS_PER_NS, period_fs) : 0;
}

uint64_t pc_calib_hz(uint64_t tsc_ticks, uint64_t ns)
{
	uint64_t hz;

	/* ns * 1e9 must stay below 2^64 for the product to be exact: windows of up to 18 s. */
	if (ns == 0 || ns > UINT64_MAX / NS_PER_S)
		return 0;
	hz = pc_calib_muldiv(tsc_ticks, NS_PER_S, ns);
	return hz >= PC_CALIB_HZ_MIN && hz <= PC_CALIB_HZ_MAX ? hz : 0;
}

uint64_t pc_calib_median(uint64_t *v, unsigned n)
{
	for (unsigned i = 1; i < n; i++) /* insertion sort: n is a handful */
		for (unsigned j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return v[n / 2];
}

uint64_t pc_calib_cpuid_hz(uint32_t eax15, uint32_t ebx15, uint32_t ecx15, uint32_t eax16)
{
	uint64_t crystal = ecx15;

	if (!eax15 || !ebx15)
		return 0;
	if (!crystal) {
		/* Intel SDM vol. 3 §18.7.3: the nominal TSC frequency is the crystal times
		 * ebx/eax; with the crystal left out, leaf 0x16's base frequency is that
		 * product, so crystal = base * eax / ebx. */
		uint64_t base_hz = (uint64_t)(eax16 & 0xffff) * 1000000u;

		crystal = pc_calib_muldiv(base_hz, eax15, ebx15);
	}
	if (!crystal)
		return 0;
	return pc_calib_muldiv(crystal, ebx15, eax15);
}
