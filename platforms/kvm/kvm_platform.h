/* SPDX-License-Identifier: MIT */
/* kvm_platform.h: what the kvm platform's files share among themselves. */
#ifndef KVM_PLATFORM_H
#define KVM_PLATFORM_H

#include <stdint.h>

struct hal_boot_info;

void kvm_console_init(void);

/* Remap the 8259 PICs above the exception vectors and mask them: done before anything enables
 * interrupts, so a legacy timer tick left on by firmware cannot look like a CPU exception. */
void kvm_pic_disable(void);

/* The TSC value read by the first instruction of pvh_entry: monotonic time 0. */
uint64_t kvm_tsc_at_entry(void);

/* The TSC's frequency in Hz, calibrated on first use. */
uint64_t kvm_tsc_hz(void);

/* Find the ACPI tables (at `rsdp`, or by searching the BIOS area when 0) for poweroff. */
void kvm_power_init(uint64_t rsdp);

/* Enable the local APIC (idempotent; the timer and device interrupts both need it) and read
 * its ID, the destination of every routed interrupt. */
void kvm_apic_init(void);
unsigned kvm_apic_id(void);

#endif
