/* SPDX-License-Identifier: MIT */
/* hal/time.h: clocks. The monotonic clock is the time base of everything in core. */
#ifndef HAL_TIME_H
#define HAL_TIME_H

#include <stdint.h>

/* Nanoseconds since an arbitrary point at or before boot; never goes backwards. The first call
 * may take a short calibration (a few milliseconds at most) when the platform has no better
 * source of the counter's frequency; later calls are cheap. Safe in interrupt context after
 * the first call. */
uint64_t hal_clock_monotonic_ns(void);

/* Nanoseconds since 1970-01-01T00:00:00Z, UTC, as the machine's clock says (the CMOS RTC at
 * boot plus monotonic time since, on kvm). 0 if the platform cannot tell. */
uint64_t hal_clock_wall_ns(void);

/* The raw cycle counter (TSC) for fine-grained cost measurements in benchmarks. */
uint64_t hal_cycles(void);

#endif
