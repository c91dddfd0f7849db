/* SPDX-License-Identifier: MIT */
/* pvclock.c: reading the paravirtual clock record KVM and Xen share (arch/pvclock.h). */
#include <arch/pvclock.h>
#include <arch/x86.h>

uint64_t pvclock_scale(uint64_t tsc_delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		tsc_delta >>= -shift;
	else
		tsc_delta <<= shift; /* hypervisors keep shift small enough that this cannot overflow */
	/* 64 x 32 bits gives at most 96: multiply the halves and keep bits 32-95. */
	uint64_t lo = (tsc_delta & 0xffffffffu) * mul, hi = (tsc_delta >> 32) * mul;

	return hi + (lo >> 32);
}

uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift)
{
	if (!mul)
		return 0;
	/* One ns is 2^32 / mul cycles after the shift: hz = 1e9 * 2^32 / mul, then undo it. */
	uint64_t hz = (1000000000ull << 32) / mul;

	return shift < 0 ? hz << -shift : hz >> shift;
}

uint64_t pvclock_read_ns(const volatile struct pvclock_time_info *info)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = info->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint64_t delta = rdtsc() - info->tsc_timestamp;

		ns = info->system_time + pvclock_scale(delta, info->tsc_to_system_mul, info->tsc_shift);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != info->version);
	return ns;
}
