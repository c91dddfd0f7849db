/* SPDX-License-Identifier: MIT */
/* xen_time.c: hal/time.h clocks for Xen PV. Monotonic time is Xen's system time from the vCPU's
 * PV clock (vcpu_time_info: a TSC stamp, the system time then, and the scale to extrapolate),
 * counted from the image's entry; wall time is the shared info page's wall clock plus it. */
#include <arch/pvclock.h>
#include <arch/x86.h>
#include <hal/time.h>

#include "xen_platform.h"

static uint64_t boot_system_time;

uint64_t xen_system_time_ns(void)
{
	/* Xen's vcpu_time_info is the record arch/pvclock.h reads. */
	_Static_assert(sizeof(struct vcpu_time_info) == sizeof(struct pvclock_time_info), "pvclock ABI");
	return pvclock_read_ns((const volatile struct pvclock_time_info *)&xen_vcpu()->time);
}

/* Called once by xen_boot.c, as early as the shared info page is mapped. */
void xen_time_init(void) { boot_system_time = xen_system_time_ns(); }

uint64_t hal_clock_monotonic_ns(void)
{
	static uint64_t last;
	uint64_t now = xen_system_time_ns() - boot_system_time;
	uint64_t prev = __atomic_load_n(&last, __ATOMIC_RELAXED);

	/* Xen's update of the PV clock record can land behind the previous extrapolation (under
	 * QEMU's TCG the TSC rate Xen calibrated drifts): never show time going back, also when
	 * an event's handler reads the clock between a thread's read and its update of `last`. */
	do {
		if (now <= prev)
			return prev;
	} while (!__atomic_compare_exchange_n(&last, &prev, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return now;
}

uint64_t hal_clock_wall_ns(void)
{
	const volatile struct shared_info *s = xen_shared_info;
	uint32_t version;
	uint64_t sec, nsec;

	do {
		version = s->wc_version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		sec = ((uint64_t)s->xen_wc_sec_hi << 32) | s->wc_sec;
		nsec = s->wc_nsec;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != s->wc_version);
	if (sec == 0 && nsec == 0)
		return 0; /* the toolstack never set it */
	/* The wall clock is the time at system time 0. */
	return sec * 1000000000u + nsec + xen_system_time_ns();
}

uint64_t hal_cycles(void) { return rdtsc(); }

/* For xen_timer.c: monotonic time back to Xen system time. */
uint64_t xen_monotonic_to_system(uint64_t ns) { return ns + boot_system_time; }
