/* SPDX-License-Identifier: MIT */
/* xen_platform.h: what the Xen platform's files share among themselves. */
#ifndef XEN_PLATFORM_H
#define XEN_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

#include <xen/xen.h>

#include <mote/xen/evtchn.h>

/* The start_info page Xen passed at entry (mapped in the boot region, kept for the whole run). */
extern const struct start_info *xen_start_info;

/* The shared info page, mapped by xen_boot.c before anything reads it. */
extern struct shared_info *xen_shared_info;

/* vCPU 0's part of the shared info page: event mask and pending flags, PV clock, cr2. */
static inline struct vcpu_info *xen_vcpu(void) { return &xen_shared_info->vcpu_info[0]; }

/* True when Mote is the hardware domain (dom0): console through console_io, exit status also
 * through QEMU's isa-debug-exit in the tests. */
int xen_is_dom0(void);

/* The cycle counter read by the first instruction of xen_entry. */
extern uint64_t xen_tsc_at_entry;

/* Register the trap table and the event and failsafe callbacks. */
void xen_traps_init(void);

/* Machine frame of pseudo-physical frame `pfn`, and back (through Xen's read-only M2P table). */
uint64_t xen_pfn_to_mfn(uint64_t pfn);
uint64_t xen_mfn_to_pfn(uint64_t mfn);

/* Page tables: set up the direct map of RAM (pseudo-physical frames [1, nr_pages) at va == pa,
 * read-write, not executable), filled in lazily 2 MiB at a time by xen_mm_fault(), and give the
 * image its protections (text R+X, rodata R, the rest RW+NX, page 0 and the boot stack's guard
 * unmapped). Its tables are reserved from *free_start (page aligned, just past Xen's bootstrap
 * region, whose first 512 KiB past it Xen maps), which it moves past them. Returns 0 or
 * -ENOMEM/-EIO. */
int xen_mm_init(uint64_t nr_pages, uintptr_t *free_start);

/* A page fault at `va` with the CPU's `error_code`: 0 when it was a first touch of the direct
 * map, now mapped (the access can be retried), or a negative errno when the fault is real.
 * Called by the trap handler with events masked. */
int xen_mm_fault(uintptr_t va, uint64_t error_code);

/* Map machine frame `mfn` at `va` (page aligned) with HAL_PROT_* `prot`, creating tables from
 * the page source. For the shared info page, grant table frames and foreign rings.
 * Returns 0 or a negative errno. */
int xen_mm_map_mfn(uintptr_t va, uint64_t mfn, unsigned prot);

/* Is `va` mapped (present)? */
int xen_mm_is_mapped(uintptr_t va);

/* Mask every channel: nothing is bound at boot. */
void xen_evtchn_init(void);

/* Called by the upcall entry stub with events masked. */
void xen_evtchn_upcall(void);

/* Xen system time (ns since the hypervisor booted), from the PV clock. */
uint64_t xen_system_time_ns(void);

/* Start the monotonic clock at zero (xen_boot.c, once the shared info page is mapped). */
void xen_time_init(void);

/* Monotonic nanoseconds (hal/time.h) as Xen system time, for the timer hypercalls. */
uint64_t xen_monotonic_to_system(uint64_t ns);

/* Watch events whose token starts with XEN_XS_BUS_TOKEN belong to the xenbus bus (xenbus.c):
 * they are not queued for xen_xs_read_watch() but counted, and xen_xs_bus_wait() waits for the
 * count to move past `seen` (a xen_xs_bus_events() value read before the caller looked at the
 * states), reading the store ring meanwhile. 0, -ETIMEDOUT at deadline_ns, or -ENODEV. */
#define XEN_XS_BUS_TOKEN "xenbus/"
unsigned long xen_xs_bus_events(void);
int xen_xs_bus_wait(unsigned long seen, uint64_t deadline_ns);

/* The grant table's frames in use, and the most it may grow to in *max (if not NULL). */
unsigned xen_gnttab_frames(unsigned *max);

/* Console: set up the output path (console_io for dom0, the ring for a domU). */
void xen_console_init(void);

#endif
