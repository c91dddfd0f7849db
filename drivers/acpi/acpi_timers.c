/* SPDX-License-Identifier: MIT */
/* acpi_timers.c: where the tables say the HPET and the ACPI PM timer are, the two counters of
 * known frequency the TSC is calibrated against on a PC. Pure: the caller reads the tables
 * (acpi_find_table()), these only check and decode them, believing no field unchecked. */

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <acpi/acpi.h>

#define HPET_BLOCK_ALIGN 1024u              /* IA-PC HPET 1.0a §2.3: a 1 KiB register block */
#define PHYS_ADDR_MAX    ((1ull << 52) - 1) /* x86_64's widest physical address */
#define PM_TMR_LEN       4u                 /* ACPI 6.5 §5.2.9: PM_TMR_LEN is 4 when supported */

static int fail(const char **why, int err, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

int acpi_hpet_parse(const void *hpet, size_t len, uint64_t *base, const char **why)
{
	struct acpi_hpet h;

	if (len < sizeof(h))
		return fail(why, -EINVAL, "HPET table is shorter than its 56 bytes");
	memcpy(&h, hpet, sizeof(h));
	if (h.base_address.space_id != ACPI_GAS_MEMORY)
		return fail(why, -EINVAL, "HPET registers are not in memory space");
	if (h.base_address.address == 0 || h.base_address.address > PHYS_ADDR_MAX - HPET_BLOCK_ALIGN ||
	    h.base_address.address % HPET_BLOCK_ALIGN)
		return fail(why, -EINVAL, "HPET register block address is out of range or misaligned");
	*base = h.base_address.address;
	return 0;
}

#define FADT_HAS(len, field) \
	((len) >= offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field))

int acpi_fadt_pm_timer(const void *fadt, size_t len, struct acpi_pm_timer *pmt, const char **why)
{
	struct acpi_fadt f;

	if (len < ACPI_FADT_V1_LEN)
		return fail(why, -EINVAL, "FADT is shorter than ACPI 1.0's 116 bytes");
	memset(&f, 0, sizeof(f));
	memcpy(&f, fadt, len < sizeof(f) ? len : sizeof(f));
	if (f.flags & ACPI_FADT_HW_REDUCED_ACPI)
		return fail(why, -ENOENT, "hardware-reduced ACPI: no PM timer");
	pmt->bits = (f.flags & ACPI_FADT_TMR_VAL_EXT) ? 32 : 24;
	/* The 64-bit field supersedes the 32-bit one when set (ACPI 6.5 §5.2.9). */
	if (FADT_HAS(len, x_pm_tmr_blk) && f.x_pm_tmr_blk.address) {
		if (f.x_pm_tmr_blk.space_id != ACPI_GAS_IO || f.x_pm_tmr_blk.address > 0xffff - 3)
			return fail(why, -EINVAL, "FADT X_PM_TMR_BLK is not an I/O port");
		pmt->port = (uint16_t)f.x_pm_tmr_blk.address;
		return 0;
	}
	if (!f.pm_tmr_blk)
		return fail(why, -ENOENT, "FADT has no PM timer");
	if (f.pm_tmr_len != PM_TMR_LEN)
		return fail(why, -EINVAL, "FADT PM_TMR_LEN is not 4");
	if (f.pm_tmr_blk > 0xffff - 3)
		return fail(why, -EINVAL, "FADT PM_TMR_BLK is not an I/O port");
	pmt->port = (uint16_t)f.pm_tmr_blk;
	return 0;
}
