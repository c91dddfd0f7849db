/* SPDX-License-Identifier: MIT */
/* pc_time.c: hal/time.h on a PC. Under KVM the clock is kvmclock (the hypervisor's own ns clock,
 * kept right across host TSC changes and migration); elsewhere the TSC, its frequency from
 * CPUID where the CPU or hypervisor states it, else measured against a counter of known
 * frequency: the HPET, else the ACPI PM timer, else the PIT (the median of three 5 ms windows
 * each). pc.clocksource= forces one. The source is chosen on first use, so images that never
 * read the clock boot without it. Wall time is the CMOS RTC read once. */
#include <errno.h>
#include <string.h>

#include <acpi/acpi.h>
#include <arch/io.h>
#include <arch/pvclock.h>
#include <arch/x86.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>
#include <rtc/cmos_rtc.h>

#include <pc/pc.h>
#include <pc/pc_calib.h>
#include <pc/pc_paging.h>
#include "pc_acpi.h"

#define PIT_HZ        1193182u
#define CAL_WINDOW    5000000u /* ns: 5 ms */
#define CAL_RUNS      3        /* the median of three */
#define CAL_TRIES     10
/* A window that has not closed after this many TSC ticks (a second at 1 GHz or more, which
 * every TSC Mote runs on counts) has a reference that does not count. */
#define CAL_TSC_LIMIT 1000000000ull

#define KVM_CPUID_SIGNATURE   0x40000000u
#define KVM_CPUID_FEATURES    0x40000001u
#define KVM_FEATURE_CLOCKSRC2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME   0x4b564d01u /* the "new" kvmclock MSR: bit 0 enables */

/* HPET registers (IA-PC HPET 1.0a §2.3). */
#define HPET_GCAP_ID         0x000
#define HPET_GCAP_COUNT_SIZE (1ull << 13) /* 64-bit main counter */
#define HPET_GEN_CONF        0x010
#define HPET_GEN_CONF_ENABLE 1u
#define HPET_MAIN_COUNTER    0x0f0
#define HPET_BLOCK_LEN       1024u

enum clocksource { SRC_AUTO, SRC_KVMCLOCK, SRC_CPUID, SRC_HPET, SRC_PMTIMER, SRC_PIT };

static const char *const source_names[] = {"auto", "kvmclock", "cpuid", "hpet", "pmtimer", "pit"};
static enum clocksource forced;

MOTE_BOOT_ONLY static int set_clocksource(const char *value, char *err, size_t errlen)
{
	for (unsigned i = 0; value && i < sizeof(source_names) / sizeof(source_names[0]); i++)
		if (strcmp(value, source_names[i]) == 0) {
			forced = (enum clocksource)i;
			return 0;
		}
	fmt_snprintf(err, errlen, "unknown clock source");
	return -EINVAL;
}
CMDLINE_OPTION(pc_clocksource, "pc.clocksource", set_clocksource,
               "pc.clocksource=auto|kvmclock|cpuid|hpet|pmtimer|pit");

static uint64_t tsc_hz, tsc_base, tsc_at_entry;

void pc_clock_init(uint64_t tsc) { tsc_at_entry = tsc; }

uint64_t pc_tsc_at_entry(void) { return tsc_at_entry; }

/* kvmclock: the record KVM keeps up to date (in the image, so identity mapped: its address is
 * its physical address), and its reading that corresponds to tsc_base. */
static volatile struct pvclock_time_info kvmclock __attribute__((aligned(64)));
static uint64_t kvmclock_base_ns;
static int use_kvmclock;

MOTE_BOOT_ONLY static void tsc_calibrate(void);
static uint64_t wall_base_ns, wall_base_mono; /* wall time at monotonic time wall_base_mono */
static int wall_read;

MOTE_BOOT_ONLY static uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t max_hv = cpuid(0x40000000, 0).eax;

	/* The hypervisor timing leaf (QEMU/KVM with vmware-cpuid-freq, VMware): TSC kHz in eax. */
	if (max_hv >= 0x40000010 && max_hv < 0x40000100) {
		uint32_t khz = cpuid(0x40000010, 0).eax;

		if (khz)
			return (uint64_t)khz * 1000;
	}
	uint32_t max = cpuid(0, 0).eax;

	if (max < 0x15)
		return 0;
	struct cpuid_regs r = cpuid(0x15, 0);

	return pc_calib_cpuid_hz(r.eax, r.ebx, r.ecx, max >= 0x16 ? cpuid(0x16, 0).eax : 0);
}

/* A reference counter: how to read it, its width, and its rate (hz, or fs a tick). */
struct ref {
	uint64_t (*read)(void);
	unsigned bits;
	uint64_t hz, period_fs;
};

static uint64_t ref_ns(const struct ref *ref, uint64_t ticks)
{
	return ref->hz ? pc_calib_ticks_ns_hz(ticks, ref->hz) : pc_calib_ticks_ns_fs(ticks, ref->period_fs);
}

/* TSC ticks while the reference counts CAL_WINDOW ns, as Hz; 0 when it did not count. Each
 * end reads the reference first and the TSC right after, so the read costs cancel. */
MOTE_BOOT_ONLY static uint64_t measure_once(const struct ref *ref, int *dead)
{
	uint64_t target = ref->hz ? pc_calib_ns_ticks_hz(CAL_WINDOW, ref->hz)
	                          : pc_calib_ns_ticks_fs(CAL_WINDOW, ref->period_fs);
	uint64_t r0 = ref->read(), t0 = rdtsc(), moved, t1;

	for (;;) {
		moved = pc_calib_delta(r0, ref->read(), ref->bits);
		t1 = rdtsc();
		if (moved >= target)
			break;
		if (t1 - t0 > CAL_TSC_LIMIT) {
			*dead = 1;
			return 0;
		}
	}
	return pc_calib_hz(t1 - t0, ref_ns(ref, moved));
}

/* A virtual CPU can be descheduled by its host in the middle of a window, which stretches or
 * loses it: the median of three good windows, up to CAL_TRIES tries. A reference that does
 * not count at all is given up at once, so a machine without it does not boot slower. */
MOTE_BOOT_ONLY static uint64_t measure(const struct ref *ref)
{
	uint64_t runs[CAL_RUNS];
	unsigned good = 0;
	int dead = 0;

	for (unsigned tries = 0; tries < CAL_TRIES && good < CAL_RUNS && !dead; tries++) {
		uint64_t hz = measure_once(ref, &dead);

		if (hz)
			runs[good++] = hz;
	}
	return good ? pc_calib_median(runs, good) : 0;
}

static volatile uint64_t *hpet;

static uint64_t hpet_read(void) { return hpet[HPET_MAIN_COUNTER / 8]; }

/* The HPET's main counter (the ACPI HPET table says where), enabled for the measurement if
 * firmware left it stopped, and left as it was found. */
MOTE_BOOT_ONLY static uint64_t tsc_hz_from_hpet(const char **why)
{
	uint32_t len;
	uint64_t base, hz;
	const void *table = pc_acpi_table("HPET", &len, why);

	if (!table || acpi_hpet_parse(table, len, &base, why) < 0)
		return 0;
	if (pc_paging_identity(base, HPET_BLOCK_LEN, HAL_PROT_READ | HAL_PROT_WRITE) < 0) {
		*why = "cannot map the HPET registers";
		return 0;
	}
	hpet = (volatile uint64_t *)(uintptr_t)base;
	uint64_t cap = hpet[HPET_GCAP_ID / 8], conf = hpet[HPET_GEN_CONF / 8];
	struct ref ref = {hpet_read, (cap & HPET_GCAP_COUNT_SIZE) ? 64 : 32, 0, cap >> 32};

	if (ref.period_fs == 0 || ref.period_fs > PC_CALIB_HPET_PERIOD_MAX) {
		*why = "the HPET's period is out of range";
		return 0;
	}
	if (!(conf & HPET_GEN_CONF_ENABLE))
		hpet[HPET_GEN_CONF / 8] = conf | HPET_GEN_CONF_ENABLE;
	hz = measure(&ref);
	if (!(conf & HPET_GEN_CONF_ENABLE))
		hpet[HPET_GEN_CONF / 8] = conf;
	if (!hz)
		*why = "the HPET does not count";
	return hz;
}

static uint16_t pm_timer_port;

static uint64_t pm_timer_read(void) { return inl(pm_timer_port); }

/* The ACPI PM timer, at the port the FADT names. */
MOTE_BOOT_ONLY static uint64_t tsc_hz_from_pm_timer(const char **why)
{
	struct acpi_pm_timer pmt;
	uint32_t len;
	uint64_t hz;
	const void *fadt = pc_acpi_table("FACP", &len, why);

	if (!fadt || acpi_fadt_pm_timer(fadt, len, &pmt, why) < 0)
		return 0;
	pm_timer_port = pmt.port;
	struct ref ref = {pm_timer_read, pmt.bits, ACPI_PM_TIMER_HZ, 0};

	hz = measure(&ref);
	if (!hz)
		*why = "the PM timer does not count";
	return hz;
}

/* PIT channel 0 as a rate generator counting down from 0x10000 over and over, read through
 * its latch; inverted, pc_calib_delta() takes it as a 16-bit up-counter. Its IRQ 0 is masked at
 * the PIC and not routed at the I/O APIC, so the terminal counts raise nothing. Port 0x61's
 * channel 2 gate is not used: it does not exist on microvm. */
static uint64_t pit_read(void)
{
	uint8_t lo, hi;

	outb(0x43, 0x00); /* latch channel 0's count */
	lo = inb(0x40);
	hi = inb(0x40);
	return (uint16_t) ~(lo | hi << 8);
}

MOTE_BOOT_ONLY static uint64_t tsc_hz_from_pit(const char **why)
{
	struct ref ref = {pit_read, 16, PIT_HZ, 0};
	uint64_t hz;

	outb(0x43, 0x34); /* channel 0, lobyte/hibyte, mode 2 (rate generator), binary */
	outb(0x40, 0x00); /* reload 0x10000: a 55 ms period, longer than a window */
	outb(0x40, 0x00);
	hz = measure(&ref);
	outb(0x43, 0x30); /* back to mode 0, one terminal count and then quiet */
	outb(0x40, 0x00);
	outb(0x40, 0x00);
	if (!hz)
		*why = "no PIT answers";
	return hz;
}

uint64_t hal_cycles(void) { return rdtsc(); }

uint64_t pc_tsc_hz(void)
{
	if (!tsc_hz)
		tsc_calibrate();
	return tsc_hz;
}

/* Whether the hypervisor is KVM with kvmclock; registers the record if so. */
MOTE_BOOT_ONLY static int kvmclock_start(void)
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

/* The kvmclock source: the TSC's rate from the hypervisor's scale factors, time from its
 * record. */
MOTE_BOOT_ONLY static uint64_t kvmclock_source(const char **why)
{
	if (!kvmclock_start()) {
		*why = "not KVM, or no kvmclock";
		return 0;
	}
	uint64_t tsc_now = rdtsc();

	/* Monotonic time counts from entry, like the TSC clock: kvmclock now, less the time
	 * since entry at its rate. */
	kvmclock_base_ns =
	        pvclock_read_ns(&kvmclock) -
	        pvclock_scale(tsc_now - pc_tsc_at_entry(), kvmclock.tsc_to_system_mul, kvmclock.tsc_shift);
	use_kvmclock = 1;
	return pvclock_tsc_hz(kvmclock.tsc_to_system_mul, kvmclock.tsc_shift);
}

MOTE_BOOT_ONLY static uint64_t cpuid_source(const char **why)
{
	uint64_t hz = tsc_hz_from_cpuid();

	if (!hz)
		*why = "no CPUID leaf states the TSC frequency";
	return hz;
}

static const struct {
	enum clocksource id;
	const char *label; /* as logged: "TSC at N Hz from <label>" */
	uint64_t (*hz)(const char **why);
} sources[] = {
        {SRC_KVMCLOCK, "kvmclock", kvmclock_source},
        {SRC_CPUID, "CPUID", cpuid_source},
        {SRC_HPET, "HPET calibration", tsc_hz_from_hpet},
        {SRC_PMTIMER, "ACPI PM timer calibration", tsc_hz_from_pm_timer},
        {SRC_PIT, "PIT calibration", tsc_hz_from_pit},
};

#define NSOURCES (sizeof(sources) / sizeof(sources[0]))

/* The forced source if it works, else the first that does in the order above. Logged at info
 * level: on a real PC the figure and where it came from are what to check first when time
 * runs wrong. */
MOTE_BOOT_ONLY static void tsc_calibrate(void)
{
	const char *source = NULL, *why;
	uint64_t hz = 0;

	for (unsigned pass = forced == SRC_AUTO; pass < 2 && !hz; pass++)
		for (unsigned i = 0; i < NSOURCES && !hz; i++) {
			if ((pass == 0) != (sources[i].id == forced))
				continue; /* pass 0: the forced source alone; pass 1: the others */
			why = "";
			hz = sources[i].hz(&why);
			if (hz)
				source = sources[i].label;
			else if (pass == 0)
				log_warn("pc: clock source %s does not work here (%s); trying the others",
				         source_names[forced], why);
			else if (sources[i].id >= SRC_HPET) /* kvmclock and CPUID are often absent */
				log_debug("pc: clock source %s: %s", source_names[sources[i].id], why);
		}
	tsc_base = pc_tsc_at_entry();
	if (hz) {
		log_info("pc: TSC at %llu Hz from %s", (unsigned long long)hz, source);
	} else {
		hz = 1000000000ull; /* no source at all: assume 1 GHz rather than stop */
		log_warn("pc: TSC at %llu Hz, a guess: no clock source worked", (unsigned long long)hz);
	}
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
