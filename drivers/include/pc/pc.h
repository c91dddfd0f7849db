/* SPDX-License-Identifier: MIT */
/* pc/pc.h: the PC code that every platform running on a PC-like machine shares (kvm's PVH guest,
 * baremetal's Multiboot2 boot): local APIC and its timer, 8259 PICs, I/O APICs, interrupt
 * dispatch, TSC clock, serial console, poweroff. A platform's entry calls these in order:
 * pc_console_init(), pc_pic_disable(), pc_clock_init(), then the page tables (pc_paging.h). */
#ifndef PC_H
#define PC_H

#include <stddef.h>
#include <stdint.h>

/* The serial console on COM1, as the firmware or boot loader left the port. */
void pc_console_init(void);

/* Also send all console output to `write` (the screen console), which must be as safe from
 * interrupt and panic context as the serial port. One mirror; set once at boot. */
void pc_console_mirror(void (*write)(const char *buf, size_t len));

/* Remap the 8259 PICs above the exception vectors and mask them: done before anything enables
 * interrupts, so a legacy timer tick left on by firmware cannot look like a CPU exception. */
void pc_pic_disable(void);

/* The TSC value read by the first instruction of the platform's entry: monotonic time 0. The
 * clock is not usable before this is called. */
void pc_clock_init(uint64_t tsc_at_entry);
uint64_t pc_tsc_at_entry(void);

/* The TSC's frequency in Hz, calibrated on first use. */
uint64_t pc_tsc_hz(void);

/* Where the ACPI tables are (the RSDP at `rsdp`, or found by searching the BIOS area when 0),
 * for poweroff, reset and the clock's reference timers. Before the clock's first use. */
void pc_acpi_init(uint64_t rsdp);

/* Write `status` to QEMU's isa-debug-exit device (port 0xf4), which ends QEMU with exit status
 * status * 2 + 1 (docs/exit-status.md). Returns when the device is not there, as on a real PC. */
void pc_debug_exit(int status);

/* Enable the local APIC (idempotent; the timer and device interrupts both need it) and read
 * its ID, the destination of every routed interrupt. */
void pc_apic_init(void);
unsigned pc_apic_id(void);

#endif
