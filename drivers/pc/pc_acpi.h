/* SPDX-License-Identifier: MIT */
/* pc_acpi.h: the firmware's ACPI tables as the PC code reads them, where they are (identity
 * mapped on demand). Private to drivers/pc: poweroff and reset (pc_power.c) and the clock's
 * reference timers (pc_time.c). */
#ifndef PC_ACPI_H
#define PC_ACPI_H

#include <stddef.h>
#include <stdint.h>

#include <acpi/acpi.h>

/* acpi_map_fn for the kernel: maps [pa, pa + len) at va == pa (read-only where it was not
 * mapped) and returns pa as a pointer, or NULL. */
const void *pc_acpi_map(uint64_t pa, size_t len, void *ctx);

/* The RSDP the platform passed to pc_acpi_init(), 0 to search the BIOS area. */
uint64_t pc_acpi_rsdp(void);

/* The first valid table with signature `sig`, mapped, with its length (header included) in
 * *len; NULL with *why saying what when there is none. */
const void *pc_acpi_table(const char sig[4], uint32_t *len, const char **why);

#endif
