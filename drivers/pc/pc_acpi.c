/* SPDX-License-Identifier: MIT */
/* pc_acpi.c: reaching the firmware's ACPI tables from the PC code: the RSDP the boot loader
 * gave (or a search of the BIOS area) and an identity mapping of each range read. */
#include <stddef.h>
#include <stdint.h>

#include <acpi/acpi.h>
#include <hal/mem.h>

#include <pc/pc.h>
#include <pc/pc_paging.h>
#include "pc_acpi.h"

static uint64_t rsdp_hint;

void pc_acpi_init(uint64_t rsdp) { rsdp_hint = rsdp; }

uint64_t pc_acpi_rsdp(void) { return rsdp_hint; }

/* Firmware tables are read where they are: make each range reachable at va == pa first. Page 0
 * stays unmapped (the null-pointer guard: pc_paging_identity leaves it out), so a range in it,
 * the BIOS data area's EBDA pointer, is unreadable here and the RSDP search goes on to the BIOS
 * area; the boot loader's RSDP (PVH, Multiboot2 tags 14/15) makes that search rare. */
const void *pc_acpi_map(uint64_t pa, size_t len, void *ctx)
{
	(void)ctx;
	if (len == 0 || pa + len < pa || pa < HAL_PAGE_SIZE || pc_paging_identity(pa, len, HAL_PROT_READ) < 0)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

const void *pc_acpi_table(const char sig[4], uint32_t *len, const char **why)
{
	uint64_t pa;

	if (acpi_find_table(pc_acpi_map, NULL, rsdp_hint, sig, &pa, len, why) < 0)
		return NULL;
	return pc_acpi_map(pa, *len, NULL);
}
