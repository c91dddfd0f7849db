/* SPDX-License-Identifier: MIT */
/* pc_time.c: hal/time.h on a PC. Under KVM the clock is kvmclock (the hypervisor's own ns clock, kept
 * right across host TSC changes and migration); elsewhere the TSC, its frequency from CPUID
 * where the CPU or hypervisor states it, else from three 5 ms measurements against the PIT. The
 * source is chosen on first use, so images that never read the clock boot without it. Wall
 * time is the CMOS RTC read once. */
#include <arch/io.h>
#include <arch/pvclock.h>
#include <arch/x86.h>
#include <hal/time.h>
#include <mote/log.h>
#include <rtc/cmos_rtc.h>

#include <pc/pc.h>

#define PIT_HZ        1193182u
#define PIT_CAL_TICKS (PIT_HZ / 200) /* 5 ms */
#define PIT_CAL_RUNS  3              /* the median of three */

#define KVM_CPUID_SIGNATURE   0x40000000u
#define KVM_CPUID_FEATURES    0x40000001u
#define KVM_FEATURE_CLOCKSRC2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME   0x4b564d01u /* the "new" kvmclock MSR: bit 0 enables */

static uint64_t tsc_hz, tsc_base, tsc_at_entry;

void pc_clock_init(uint64_t tsc) { tsc_at_entry = tsc; }

uint64_t pc_tsc_at_entry(void) { return tsc_at_entry; }

/* kvmclock: the record KVM keeps up to date (in the image, so identity mapped: its address is
 * its physical address), and its reading that corresponds to tsc_base. */
static volatile struct pvclock_time_info kvmclock __attribute__((aligned(64)));
static uint64_t kvmclock_base_ns;
static int use_kvmclock;

static void tsc_calibrate(void);
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

/* Count TSC cycles while PIT channel 0 counts down 5 ms in mode 0, watching its output pin
 * through the read-back command (port 0x61's channel 2 gate does not exist on microvm).
 * 0 when no PIT answers or the window was lost. The PIC is masked and interrupts are off, so
 * the terminal count's IRQ 0 is never delivered. */
static uint64_t tsc_hz_from_pit_once(void)
{
	const uint8_t status_ch0 = 0xe2; /* read-back: latch channel 0's status only */
	uint64_t start, end = 0;

	outb(0x43, 0x30); /* channel 0, lobyte/hibyte, mode 0, binary */
	outb(0x40, PIT_CAL_TICKS & 0xff);
	outb(0x40, PIT_CAL_TICKS >> 8);
	start = rdtsc();
	outb(0x43, status_ch0);
	if (inb(0x40) & 0x80) /* output already high (or 0xff: nothing there) */
		return 0;
	for (unsigned long spins = 0; spins < 100000000ul; spins++) {
		outb(0x43, status_ch0);
		if (inb(0x40) & 0x80) {
			end = rdtsc();
			break;
		}
	}
	return end > start ? (end - start) * 200 : 0;
}

/* A virtual CPU can be descheduled by its host in the middle of a window, which stretches or
 * loses it: the median of three good windows, up to ten tries. */
static uint64_t tsc_hz_from_pit(void)
{
	uint64_t runs[PIT_CAL_RUNS];
	unsigned good = 0;

	for (unsigned tries = 0; tries < 10 && good < PIT_CAL_RUNS; tries++) {
		uint64_t hz = tsc_hz_from_pit_once();

		if (hz)
			runs[good++] = hz;
	}
	if (good == 0)
		return 0;
	for (unsigned i = 1; i < good; i++) /* insertion sort of at most three */
		for (unsigned j = i; j > 0 && runs[j - 1] > runs[j]; j--) {
			uint64_t t = runs[j];

			runs[j] = runs[j - 1];
			runs[j - 1] = t;
		}
	return runs[good / 2];
}

uint64_t hal_cycles(void) { return rdtsc(); }

uint64_t pc_tsc_hz(void)
{
	if (!tsc_hz)
		tsc_calibrate();
	return tsc_hz;
}

/* Whether the hypervisor is KVM with kvmclock; registers the record if so. */
static int kvmclock_start(void)
{
	struct cpuid_regs sig = cpuid(KVM_CPUID_SIGNATURE, 0);

	if (!(cpuid(1, 0).ecx & (1u << 31)) || sig.ebx != 0x4b4d564b || sig.ecx != 0x564b4d56 ||
	    sig.edx != 0x4d || sig.eax < KVM_CPUID_FEATURES) /* "KVMKVMKVM\0\0\0" */
		return 0;
	if (!(cpuid(KVM_CPUID_FEATURES, 0).eax & KVM_FEATURE_CLOCKSRC2))
		return 0;
	wrmsr(MSR_KVM_SYSTEM_TIME, (uint64_t)(uintptr_t)&kvmclock | 1);
	for (unsigned spins = 0; kvmclock.tsc_to_system_mul == 0; spins++)
		if (spins > 1000000) { /* KVM fills it in during the wrmsr exit: it never came */
			wrmsr(MSR_KVM_SYSTEM_TIME, 0);
			return 0;
		}
	return 1;
}

static void tsc_calibrate(void)
{
	if (kvmclock_start()) {
		uint64_t tsc_now = rdtsc();

		tsc_base = pc_tsc_at_entry();
		/* Monotonic time counts from entry, like the TSC clock: kvmclock now, less the
		 * time since entry at its rate. */
		kvmclock_base_ns =
		        pvclock_read_ns(&kvmclock) -
		        pvclock_scale(tsc_now - tsc_base, kvmclock.tsc_to_system_mul, kvmclock.tsc_shift);
		tsc_hz = pvclock_tsc_hz(kvmclock.tsc_to_system_mul, kvmclock.tsc_shift);
		use_kvmclock = 1;
		log_debug("pc: kvmclock, TSC at %llu Hz", (unsigned long long)tsc_hz);
		return;
	}
	uint64_t hz = tsc_hz_from_cpuid();

	const char *source = "CPUID";
	enum log_level level = LOG_DEBUG;

	if (!hz) {
		hz = tsc_hz_from_pit();
		source = "PIT calibration";
	}
	if (!hz) {
		hz = 1000000000ull; /* no source at all: assume 1 GHz rather than stop */
		source = "a guess (no CPUID leaf, no PIT)";
		level = LOG_WARN;
	}
	log_printf(level, "pc: TSC at %llu Hz from %s", (unsigned long long)hz, source);
	tsc_base = pc_tsc_at_entry();
	tsc_hz = hz;
}

uint64_t hal_clock_monotonic_ns(void)
{
	if (!tsc_hz)
		tsc_calibrate();
	if (use_kvmclock)
		return pvclock_read_ns(&kvmclock) - kvmclock_base_ns;
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
