/* SPDX-License-Identifier: MIT */
/* test_acpi_timers.c: the clock's reference timers in ACPI: the HPET table and the FADT's PM
 * timer, synthetic and on QEMU 7.2's own tables. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <acpi/acpi.h>

#include "acpi_sim.h"
#include "check.h"

/* The HPET table and the FADT's PM timer, synthetic: every field the readers check. */
static void test_timers(void)
{
	struct acpi_hpet h;
	struct acpi_fadt f;
	struct acpi_pm_timer pmt;
	const char *why;
	uint64_t base = 0;

	memset(&h, 0, sizeof(h));
	memcpy(h.header.signature, "HPET", 4);
	h.base_address = (struct acpi_gas){ACPI_GAS_MEMORY, 64, 0, 0, 0xfed00000};
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), 0);
	CHECK_EQ(base, 0xfed00000);
	why = NULL;
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h) - 1, &base, &why), -EINVAL);
	CHECK_STR(why, "HPET table is shorter than its 56 bytes");
	h.base_address.space_id = ACPI_GAS_IO;
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), -EINVAL);
	CHECK_STR(why, "HPET registers are not in memory space");
	h.base_address.space_id = ACPI_GAS_MEMORY;
	h.base_address.address = 0xfed00200; /* not 1 KiB aligned */
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), -EINVAL);
	CHECK_STR(why, "HPET register block address is out of range or misaligned");
	h.base_address.address = 0;
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), -EINVAL);
	h.base_address.address = 1ull << 52; /* beyond any physical address */
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), -EINVAL);
	h.base_address.address = UINT64_MAX & ~1023ull;
	CHECK_EQ(acpi_hpet_parse(&h, sizeof(h), &base, &why), -EINVAL);

	/* ACPI 1.0 FADT: the 32-bit block, PM_TMR_LEN 4, 24 bits without TMR_VAL_EXT. */
	memset(&f, 0, sizeof(f));
	f.pm_tmr_blk = 0x608;
	f.pm_tmr_len = 4;
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN, &pmt, &why), 0);
	CHECK_EQ(pmt.port, 0x608);
	CHECK_EQ(pmt.bits, 24);
	f.flags = ACPI_FADT_TMR_VAL_EXT;
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN, &pmt, &why), 0);
	CHECK_EQ(pmt.bits, 32);
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN - 1, &pmt, &why), -EINVAL);
	f.pm_tmr_len = 2;
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN, &pmt, &why), -EINVAL);
	CHECK_STR(why, "FADT PM_TMR_LEN is not 4");
	f.pm_tmr_len = 4;
	f.pm_tmr_blk = 0x1fffe; /* past the port space */
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN, &pmt, &why), -EINVAL);
	f.pm_tmr_blk = 0;
	CHECK_EQ(acpi_fadt_pm_timer(&f, ACPI_FADT_V1_LEN, &pmt, &why), -ENOENT);
	CHECK_STR(why, "FADT has no PM timer");
	/* X_PM_TMR_BLK supersedes the 32-bit block, but only a table long enough has it. */
	f.pm_tmr_blk = 0x608;
	f.x_pm_tmr_blk = (struct acpi_gas){ACPI_GAS_IO, 32, 0, 3, 0xb008};
	CHECK_EQ(acpi_fadt_pm_timer(&f, sizeof(f), &pmt, &why), 0);
	CHECK_EQ(pmt.port, 0xb008);
	CHECK_EQ(acpi_fadt_pm_timer(&f, offsetof(struct acpi_fadt, x_pm_tmr_blk) + 11, &pmt, &why), 0);
	CHECK_EQ(pmt.port, 0x608);
	f.x_pm_tmr_blk.space_id = ACPI_GAS_MEMORY;
	CHECK_EQ(acpi_fadt_pm_timer(&f, sizeof(f), &pmt, &why), -EINVAL);
	CHECK_STR(why, "FADT X_PM_TMR_BLK is not an I/O port");
	f.x_pm_tmr_blk = (struct acpi_gas){ACPI_GAS_IO, 32, 0, 3, 0xfffe};
	CHECK_EQ(acpi_fadt_pm_timer(&f, sizeof(f), &pmt, &why), -EINVAL);
	f.flags = ACPI_FADT_HW_REDUCED_ACPI;
	CHECK_EQ(acpi_fadt_pm_timer(&f, sizeof(f), &pmt, &why), -ENOENT);
	CHECK_STR(why, "hardware-reduced ACPI: no PM timer");
}

/* The same readers on QEMU's own tables: the HPET at 0xfed00000 on pc and q35, the PM timer
 * in the chipset's ACPI block (PIIX4 at 0x608, ICH9 at 0x608 too), none on microvm. */
static void test_qemu_timers(void)
{
	static const char *const pcs[] = {"qemu-pc.bin", "qemu-q35.bin"};
	struct acpi_pm_timer pmt;
	const char *why;
	const void *t;
	uint64_t pa, base;
	uint32_t len;

	for (unsigned i = 0; i < 2; i++) {
		CHECK(load_fixture(pcs[i]) > 0);
		CHECK_EQ(acpi_find_table(test_map, NULL, 0, "HPET", &pa, &len, &why), 0);
		t = test_map(pa, len, NULL);
		CHECK(t != NULL);
		CHECK_EQ(t ? acpi_hpet_parse(t, len, &base, &why) : -1, 0);
		CHECK_EQ(base, 0xfed00000);
		CHECK_EQ(acpi_find_table(test_map, NULL, 0, "FACP", &pa, &len, &why), 0);
		t = test_map(pa, len, NULL);
		CHECK_EQ(t ? acpi_fadt_pm_timer(t, len, &pmt, &why) : -1, 0);
		CHECK_EQ(pmt.port, 0x608);
		CHECK_EQ(pmt.bits, 24);
	}
	CHECK(load_fixture("qemu-microvm.bin") > 0);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "HPET", &pa, &len, &why), -ENOENT);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "FACP", &pa, &len, &why), 0);
	t = test_map(pa, len, NULL);
	CHECK_EQ(t ? acpi_fadt_pm_timer(t, len, &pmt, &why) : -1, -ENOENT);
}

int main(void)
{
	acpi_sim_init();
	test_timers();
	test_qemu_timers();
	acpi_sim_free();
	return check_report();
}
