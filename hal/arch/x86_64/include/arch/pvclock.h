/* SPDX-License-Identifier: MIT */
/* arch/pvclock.h: the paravirtual clock both KVM (kvmclock) and Xen (vcpu_time_info) publish:
 * the hypervisor's nanosecond clock at a TSC reading, plus the TSC's rate as a 32.32
 * fixed-point multiplier and a power-of-two shift. One ABI, one reader for both platforms. */
#ifndef ARCH_PVCLOCK_H
#define ARCH_PVCLOCK_H

#include <stdint.h>

/* The shared-memory record (KVM's pvclock_vcpu_time_info; Xen's struct vcpu_time_info, same
 * layout). The hypervisor makes `version` odd while it rewrites the rest. */
struct pvclock_time_info {
	uint32_t version;
	uint32_t pad0;
	uint64_t tsc_timestamp; /* TSC when system_time was taken */
	uint64_t system_time;   /* ns */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};
_Static_assert(sizeof(struct pvclock_time_info) == 32, "pvclock ABI is 32 bytes");

#define PVCLOCK_TSC_STABLE 0x1u /* flags: the TSC is synchronized and constant-rate */

/* Nanoseconds in `tsc_delta` cycles at the record's rate: ((delta << shift) * mul) >> 32,
 * shifting right for a negative shift, without overflow for any delta. Pure. */
uint64_t pvclock_scale(uint64_t tsc_delta, uint32_t mul, int8_t shift);

/* The TSC frequency in Hz the multiplier and shift describe (0 for a zero multiplier). */
uint64_t pvclock_tsc_hz(uint32_t mul, int8_t shift);

/* The hypervisor clock now, in ns, from a record the hypervisor may update at any moment
 * (retries while version is odd or changes). Any context. */
uint64_t pvclock_read_ns(const volatile struct pvclock_time_info *info);

#endif
