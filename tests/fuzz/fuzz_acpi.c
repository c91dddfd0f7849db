/* SPDX-License-Identifier: MIT */
/* fuzz_acpi.c: arbitrary bytes as the BIOS area (physical 0xe0000 on), searched for an RSDP
 * and walked to the FADT, the DSDT and the HPET table; the same bytes also go straight to the
 * FADT, AML, HPET and PM timer readers, which checksums would otherwise shield from most
 * mutations. */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <acpi/acpi.h>

#define WINDOW_PA  0xe0000u
#define WINDOW_MAX 0x20000u

struct window {
	const uint8_t *data;
	size_t len;
	void *grants[4096];
	size_t ngrants;
};

/* Every grant is a heap copy of exactly the bytes asked for, so ASan catches a read past
 * what the parser was given, not merely past the input. */
static const void *window_map(uint64_t pa, size_t len, void *ctx)
{
	struct window *w = ctx;
	void *copy;

	if (len > ACPI_TABLE_MAX)
		abort(); /* a length the parser should have refused before asking */
	if (pa < WINDOW_PA || pa - WINDOW_PA > w->len || len > w->len - (pa - WINDOW_PA))
		return NULL;
	if (w->ngrants == sizeof(w->grants) / sizeof(w->grants[0]))
		return NULL;
	copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, w->data + (pa - WINDOW_PA), len);
	w->grants[w->ngrants++] = copy;
	return copy;
}

static void check_reg(const struct acpi_reg *reg)
{
	if (reg->space == ACPI_REG_IO && reg->address > 0xffff)
		abort();
	if (reg->space != ACPI_REG_NONE && reg->address == 0)
		abort();
	if (reg->space != ACPI_REG_NONE && reg->space != ACPI_REG_IO && reg->space != ACPI_REG_MEM)
		abort();
}

/* What any FADT read must leave: a way to sleep, consistent with HW_REDUCED_ACPI. */
static void check_fadt_fields(const struct acpi_power_info *info)
{
	if (info->hw_reduced && (info->sleep_ctl.space == ACPI_REG_NONE || info->pm1a_cnt))
		abort();
	if (!info->pm1a_cnt && info->sleep_ctl.space == ACPI_REG_NONE)
		abort();
}

static void check_error(int err, const char *why)
{
	if ((err != -EINVAL && err != -ENOENT) || !why)
		abort();
}

static void check_result(int err, const char *why, const struct acpi_power_info *info)
{
	check_reg(&info->reset_reg);
	check_reg(&info->sleep_ctl);
	if (err) {
		check_error(err, why);
		if (info->s5_found)
			abort();
		return;
	}
	if (!info->s5_found || info->slp_typa > 7 || info->slp_typb > 7)
		abort();
	check_fadt_fields(info);
}

/* The HPET reader gives a 1 KiB-aligned memory address below 2^52, or an error. */
static void check_hpet(const void *table, size_t len)
{
	const char *why = NULL;
	uint64_t base = 0;
	int err = acpi_hpet_parse(table, len, &base, &why);

	if (err == 0 && (base == 0 || base % 1024 || base >= (1ull << 52)))
		abort();
	if (err && (err != -EINVAL || !why))
		abort();
}

/* The PM timer reader gives a whole 32-bit port and a width of 24 or 32, or an error. */
static void check_pm_timer(const void *fadt, size_t len)
{
	struct acpi_pm_timer pmt;
	const char *why = NULL;
	int err = acpi_fadt_pm_timer(fadt, len, &pmt, &why);

	if (err == 0 && (pmt.port == 0 || pmt.port > 0xfffc || (pmt.bits != 24 && pmt.bits != 32)))
		abort();
	if (err)
		check_error(err, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct window w;
	struct acpi_power_info info;
	const char *why;
	uint64_t pa, dsdt;
	uint32_t len;
	uint8_t a, b;
	int err;

	w.data = data;
	w.len = size < WINDOW_MAX ? size : WINDOW_MAX;
	w.ngrants = 0;

	why = NULL;
	err = acpi_power_parse(window_map, &w, 0, &info, &why);
	check_result(err, why, &info);
	why = NULL;
	err = acpi_power_parse(window_map, &w, WINDOW_PA, &info, &why);
	check_result(err, why, &info);

	why = NULL;
	err = acpi_find_table(window_map, &w, 0, "APIC", &pa, &len, &why);
	if (err == 0 &&
	    (len < sizeof(struct acpi_sdt_header) || pa < WINDOW_PA || pa - WINDOW_PA + len > w.len))
		abort();
	if (err)
		check_error(err, why);

	why = NULL;
	err = acpi_find_table(window_map, &w, 0, "HPET", &pa, &len, &why);
	if (err == 0) {
		const void *t = window_map(pa, len, &w);

		if (t)
			check_hpet(t, len);
	} else {
		check_error(err, why);
	}
	check_hpet(data, size);
	check_pm_timer(data, size);

	why = NULL;
	err = acpi_fadt_parse(data, size, &info, &dsdt, &why);
	check_reg(&info.reset_reg);
	check_reg(&info.sleep_ctl);
	if (err)
		check_error(err, why);
	else if (dsdt == 0 || info.s5_found)
		abort();
	else
		check_fadt_fields(&info);

	why = NULL;
	err = acpi_aml_find_s5(data, size, &a, &b, &why);
	if (err == 0 && (a > 7 || b > 7))
		abort();
	if (err)
		check_error(err, why);

	while (w.ngrants)
		free(w.grants[--w.ngrants]);
	return 0;
}
