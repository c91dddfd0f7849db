/* SPDX-License-Identifier: MIT */
/* acpi_sim.h: simulated physical memory for the ACPI unit tests (test_acpi_*.c): the map
 * callback the parsers read through, and QEMU 7.2's own tables loaded into it. */
#ifndef TESTS_UNIT_ACPI_SIM_H
#define TESTS_UNIT_ACPI_SIM_H

#include <stddef.h>
#include <stdint.h>

/* Simulated physical memory [0, MEM_SIZE): the BDA, the EBDA, the BIOS area and room above
 * 1 MiB for tables. Each grant of the map callback is a fresh heap copy of exactly the bytes
 * granted, so ASan reports any read past what the parser asked for. */
#define MEM_SIZE  (2u << 20)
#define EBDA      0x9fc00u
#define BIOS_RSDP 0xf0010u
#define RSDT_PA   0x100000u
#define XSDT_PA   0x101000u
#define FADT_PA   0x102000u
#define FADT2_PA  0x103000u
#define DSDT_PA   0x104000u
#define APIC_PA   0x105000u

extern uint8_t *mem;
extern uint64_t refuse_lo, refuse_hi; /* the callback refuses ranges touching [lo, hi) */
extern uint64_t mem_end;              /* and anything past this */
extern size_t longest_grant;          /* the longest range the callback granted */

/* The acpi_map_fn the parsers get: a fresh heap copy of exactly the bytes asked for. */
const void *test_map(uint64_t pa, size_t len, void *ctx);
/* Zeroed memory, nothing refused, earlier grants freed. */
void mem_reset(void);
/* A dump of QEMU's tables (tests/fuzz/corpus/acpi/NAME) at 0xe0000, nothing readable past its
 * end; its size, 0 when it cannot be read. */
size_t load_fixture(const char *name);
/* Allocate the memory (at the start of main(); exits when there is none) and free it all. */
void acpi_sim_init(void);
void acpi_sim_free(void);

#endif
