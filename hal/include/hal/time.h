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

#define HAL_TIMER_OFF UINT64_MAX

/* Program the one-shot timer for monotonic time `deadline_ns`, replacing any earlier
 * programming; HAL_TIMER_OFF disarms it. A deadline already past fires at once. The timer is
 * tickless: nothing fires but the deadline asked for. It may fire early when the hardware
 * cannot count that far; core re-checks the time and programs it again. The expiry arrives
 * as a call to core_timer_expired() in interrupt context. Call with interrupts disabled. */
void hal_timer_oneshot(uint64_t deadline_ns);

/* Core's handler for the one-shot timer: interrupt context, interrupts disabled, short. */
void core_timer_expired(void);

#endif
