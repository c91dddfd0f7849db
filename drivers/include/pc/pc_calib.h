/* SPDX-License-Identifier: MIT */
/* pc/pc_calib.h: the arithmetic of calibrating the TSC against a counter of known frequency
 * (HPET, ACPI PM timer, PIT). Pure, so the host unit tests run it; pc_time.c reads the
 * hardware. */
#ifndef PC_CALIB_H
#define PC_CALIB_H

#include <stdint.h>

/* The HPET's period may be at most 100 ns, 10^8 fs (IA-PC HPET 1.0a §2.3.9.1). */
#define PC_CALIB_HPET_PERIOD_MAX 100000000u

/* A calibrated TSC below 100 MHz or above 100 GHz is a broken reference, not a CPU. */
#define PC_CALIB_HZ_MIN 100000000ull
#define PC_CALIB_HZ_MAX 100000000000ull

/* a * b / c without a 128-bit product; exact when c * b < 2^64 and the result fits. c > 0. */
uint64_t pc_calib_muldiv(uint64_t a, uint64_t b, uint64_t c);

/* How far a counter `bits` wide (1-64) moved from `start` to `end`, across one wrap. */
uint64_t pc_calib_delta(uint64_t start, uint64_t end, unsigned bits);

/* Nanoseconds in `ticks` of a counter at `hz` Hz, or of `period_fs` femtoseconds a tick. */
uint64_t pc_calib_ticks_ns_hz(uint64_t ticks, uint64_t hz);
uint64_t pc_calib_ticks_ns_fs(uint64_t ticks, uint64_t period_fs);

/* Ticks of a counter at `hz` (or of `period_fs` a tick) in `ns`: a window's target. */
uint64_t pc_calib_ns_ticks_hz(uint64_t ns, uint64_t hz);
uint64_t pc_calib_ns_ticks_fs(uint64_t ns, uint64_t period_fs);

/* The TSC's frequency from `tsc_ticks` counted over `ns` nanoseconds of the reference, or 0
 * when ns is 0 or the result is outside [PC_CALIB_HZ_MIN, PC_CALIB_HZ_MAX]. */
uint64_t pc_calib_hz(uint64_t tsc_ticks, uint64_t ns);

/* The median of the n (1 or more) values, which it sorts in place. */
uint64_t pc_calib_median(uint64_t *v, unsigned n);

/* The TSC frequency CPUID leaf 0x15 states (TSC/crystal ratio ebx/eax, crystal ecx Hz), with
 * the crystal taken from leaf 0x16's base frequency in MHz when ecx is 0, as on parts that
 * leave it out; 0 when the leaves do not give it. */
uint64_t pc_calib_cpuid_hz(uint32_t eax15, uint32_t ebx15, uint32_t ecx15, uint32_t eax16);

#endif
