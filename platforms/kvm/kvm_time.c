/* SPDX-License-Identifier: MIT */
/* kvm_time.c: hal/time.h from the TSC. Its frequency comes from CPUID where the CPU or the
 * hypervisor states it, else from a 10 ms measurement against the PIT, taken on first use so
 * images that never read the clock boot without it. Wall time is the CMOS RTC read once. */
#include <arch/io.h>
#include <arch/x86.h>
#include <hal/time.h>
#include <rtc/cmos_rtc.h>

#include "kvm_platform.h"

#define PIT_HZ        1193182u
#define PIT_CAL_TICKS (PIT_HZ / 100) /* 10 ms */

static uint64_t tsc_hz, tsc_base;
static uint64_t wall_base_ns, wall_base_mono; /* wall time at monotonic time wall_base_mono */
static int wall_read;

static uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t max_hv = cpuid(0x40000000, 0).eax;

	/* The hypervisor timing leaf (QEMU/KVM with vmware-cpuid-freq, VMware): TSC kHz in eax. */
	if (max_hv >= 0x40000010 && max_hv < 0x40000100) {
		uint32_t khz = cpuid(0x40000010, 0).eax;

		if (khz)
			return (uint64_t)khz * 1000;
	}
	uint32_t max = cpuid(0, 0).eax;

	if (max >= 0x15) { /* TSC/crystal ratio and crystal frequency */
		struct cpuid_regs r = cpuid(0x15, 0);

		if (r.eax && r.ebx && r.ecx)
			return (uint64_t)r.ecx * r.ebx / r.eax;
	}
	if (max >= 0x16) { /* processor base frequency in MHz: close to the TSC on modern parts */
		uint32_t mhz = cpuid(0x16, 0).eax & 0xffff;

		if (mhz)
			return (uint64_t)mhz * 1000000;
	}
	return 0;
}

/* Count TSC cycles while PIT channel 2 counts down 10 ms (gate through port 0x61). */
static uint64_t tsc_hz_from_pit(void)
{
	uint8_t ctl = inb(0x61);

	outb(0x61, (ctl & ~0x02) | 0x01); /* speaker off, gate on */
	outb(0x43, 0xb0);                 /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(0x42, PIT_CAL_TICKS & 0xff);
	outb(0x42, PIT_CAL_TICKS >> 8);
	uint64_t start = rdtsc(), end = start;

	/* Output goes high at terminal count. Bounded in case there is no PIT (some microvms). */
	for (unsigned long spins = 0; spins < 200000000ul; spins++) {
		if (inb(0x61) & 0x20) {
			end = rdtsc();
			break;
		}
	}
	outb(0x61, ctl);
	return end > start ? (end - start) * 100 : 0;
}

uint64_t hal_cycles(void) { return rdtsc(); }

static void tsc_calibrate(void)
{
	uint64_t hz = tsc_hz_from_cpuid();

	if (!hz)
		hz = tsc_hz_from_pit();
	if (!hz)
		hz = 1000000000ull; /* no source at all: assume 1 GHz rather than stop */
	tsc_base = kvm_tsc_at_entry();
	tsc_hz = hz;
}

uint64_t hal_clock_monotonic_ns(void)
{
	if (!tsc_hz)
		tsc_calibrate();
	uint64_t cycles = rdtsc() - tsc_base;

	/* Whole seconds and the remainder apart: cycles * 1e9 would overflow 64 bits after a few
	 * seconds, and the remainder (< tsc_hz < 2^34) times 1e9 stays below 2^64. */
	return cycles / tsc_hz * 1000000000u + cycles % tsc_hz * 1000000000u / tsc_hz;
}

uint64_t hal_clock_wall_ns(void)
{
	if (!wall_read) {
		int64_t secs = cmos_rtc_read_epoch();

		wall_base_mono = hal_clock_monotonic_ns();
		wall_base_ns = secs > 0 ? (uint64_t)secs * 1000000000u : 0;
		wall_read = 1;
	}
	if (!wall_base_ns)
		return 0;
	return wall_base_ns + (hal_clock_monotonic_ns() - wall_base_mono);
}
