/* SPDX-License-Identifier: MIT */
/* test_acpi_tables.c: the ACPI table parser (RSDP search, RSDT/XSDT, FADT) against synthetic
 * tables written into simulated memory (good ones, then corrupted ones) and against QEMU 7.2's
 * own tables for pc, q35 and microvm. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <acpi/acpi.h>

#include "acpi_sim.h"
#include "check.h"

static uint8_t sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static void put_rsdp(uint64_t at, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r;

	memset(&r, 0, sizeof(r));
	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, "MOTE  ", 6);
	r.revision = rev;
	r.rsdt_address = rsdt;
	if (rev >= 2) {
		r.length = sizeof(r);
		r.xsdt_address = xsdt;
	}
	r.checksum = (uint8_t)-sum(&r, 20);
	if (rev >= 2)
		r.extended_checksum = (uint8_t)-sum(&r, sizeof(r));
	memcpy(mem + at, &r, rev >= 2 ? sizeof(r) : 20);
}

/* Recompute the checksum of the table at `at` over the length its header states. */
static void sdt_fix(uint64_t at)
{
	struct acpi_sdt_header *h = (struct acpi_sdt_header *)(mem + at);

	h->checksum = 0;
	h->checksum = (uint8_t)-sum(h, h->length);
}

static void sdt_put(uint64_t at, const char *sig, const void *body, uint32_t body_len)
{
	struct acpi_sdt_header h;

	memset(&h, 0, sizeof(h));
	memcpy(h.signature, sig, 4);
	h.length = sizeof(h) + body_len;
	h.revision = 1;
	memcpy(h.oem_id, "MOTE  ", 6);
	memcpy(mem + at, &h, sizeof(h));
	memcpy(mem + at + sizeof(h), body, body_len);
	sdt_fix(at);
}

/* An RSDT (4-byte entries) or XSDT (8-byte entries) listing `n` tables. */
static void put_root(uint64_t at, const char *sig, const uint64_t *entries, unsigned n)
{
	uint8_t body[64];
	unsigned es = sig[0] == 'X' ? 8 : 4, i;

	for (i = 0; i < n; i++)
		memcpy(body + i * es, &entries[i], es);
	sdt_put(at, sig, body, n * es);
}

/* The first `len` bytes of `f`, header filled in, as a FADT at `at`. */
static void put_fadt(uint64_t at, const struct acpi_fadt *f, uint32_t len)
{
	struct acpi_fadt copy = *f;

	memcpy(copy.header.signature, "FACP", 4);
	copy.header.length = len;
	memcpy(mem + at, &copy, len < sizeof(copy) ? len : sizeof(copy));
	sdt_fix(at);
}

/* A DSDT whose AML is a few unrelated bytes, then `s5` (e.g. the \_S5_ object), then more. */
static void put_dsdt(uint64_t at, const uint8_t *s5, size_t s5_len)
{
	static const uint8_t before[] = {0x10, 0x05, '_', 'S', 'B', '_', 0x00,
	                                 0x0d, '_',  'S', '5', '_', 0x00};
	static const uint8_t after[] = {0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
	uint8_t body[512];
	size_t n = 0;

	memcpy(body, before, sizeof(before));
	n += sizeof(before);
	memcpy(body + n, s5, s5_len);
	n += s5_len;
	memcpy(body + n, after, sizeof(after));
	n += sizeof(after);
	sdt_put(at, "DSDT", body, (uint32_t)n);
}

static const uint8_t s5_qemu_pc[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
static const uint8_t s5_byte_word[] = {0x08, '\\', '_',  'S',  '5',  '_',  0x12,
                                       0x07, 0x02, 0x0a, 0x05, 0x0b, 0x07, 0x00};

/* The ACPI 1.0 machine SeaBIOS describes for -M pc: RSDP v1 in the BIOS area, RSDT, a
 * 116-byte FADT, PM1a at 0x604. */
static void scene_v1(void)
{
	uint64_t entries[] = {APIC_PA, FADT_PA};
	struct acpi_fadt f;
	uint8_t apic[8] = {0};

	mem_reset();
	put_rsdp(BIOS_RSDP, 0, RSDT_PA, 0);
	put_root(RSDT_PA, "RSDT", entries, 2);
	sdt_put(APIC_PA, "APIC", apic, sizeof(apic));
	memset(&f, 0, sizeof(f));
	f.dsdt = DSDT_PA;
	f.smi_cmd = 0xb2;
	f.acpi_enable = 0xf1;
	f.pm1a_cnt_blk = 0x604;
	f.flags = ACPI_FADT_RESET_REG_SUP; /* ignored: a v1 FADT has no RESET_REG */
	put_fadt(FADT_PA, &f, ACPI_FADT_V1_LEN);
	put_dsdt(DSDT_PA, s5_qemu_pc, sizeof(s5_qemu_pc));
}

/* An ACPI 6 machine: RSDP v2 in the EBDA, XSDT only, full FADT with X_ blocks. */
static void fadt_v6(struct acpi_fadt *f)
{
	memset(f, 0, sizeof(*f));
	f->header.revision = 6;
	f->dsdt = 0xdead0000; /* superseded by X_DSDT */
	f->x_dsdt = DSDT_PA;
	f->pm1a_cnt_blk = 0x604;
	f->x_pm1a_cnt_blk = (struct acpi_gas){ACPI_GAS_IO, 16, 0, 2, 0xb004};
	f->x_pm1b_cnt_blk = (struct acpi_gas){ACPI_GAS_IO, 16, 0, 2, 0xb104};
	f->flags = ACPI_FADT_RESET_REG_SUP;
	f->reset_reg = (struct acpi_gas){ACPI_GAS_IO, 8, 0, 1, 0xcf9};
	f->reset_value = 0x06;
}

static void scene_v2(void)
{
	uint64_t entries[] = {APIC_PA, FADT_PA};
	struct acpi_fadt f;
	uint8_t apic[8] = {0};
	uint16_t seg = EBDA >> 4;

	mem_reset();
	memcpy(mem + 0x40e, &seg, 2);
	put_rsdp(EBDA + 0x10, 2, 0, XSDT_PA);
	put_root(XSDT_PA, "XSDT", entries, 2);
	sdt_put(APIC_PA, "APIC", apic, sizeof(apic));
	fadt_v6(&f);
	put_fadt(FADT_PA, &f, sizeof(f));
	put_dsdt(DSDT_PA, s5_byte_word, sizeof(s5_byte_word));
}

/* QEMU microvm: hardware-reduced, sleep and reset through the GED's MMIO registers. */
static void scene_hw_reduced(void)
{
	static const uint8_t s5[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x07,
	                             0x04, 0x0a, 0x05, 0x00, 0x00, 0x00};
	uint64_t entries[] = {FADT_PA};
	struct acpi_fadt f;

	mem_reset();
	put_rsdp(BIOS_RSDP, 2, 0, XSDT_PA);
	put_root(XSDT_PA, "XSDT", entries, 1);
	memset(&f, 0, sizeof(f));
	f.header.revision = 5;
	f.x_dsdt = DSDT_PA;
	f.flags = ACPI_FADT_HW_REDUCED_ACPI | ACPI_FADT_RESET_REG_SUP;
	f.reset_reg = (struct acpi_gas){ACPI_GAS_MEMORY, 8, 0, 0, 0xfea00202};
	f.reset_value = 0x42;
	f.sleep_control_reg = (struct acpi_gas){ACPI_GAS_MEMORY, 8, 0, 0, 0xfea00200};
	f.sleep_status_reg = (struct acpi_gas){ACPI_GAS_MEMORY, 8, 0, 0, 0xfea00201};
	put_fadt(FADT_PA, &f, 268);
	put_dsdt(DSDT_PA, s5, sizeof(s5));
}

static int parse(uint64_t hint, struct acpi_power_info *info, const char **why)
{
	*why = NULL;
	return acpi_power_parse(test_map, NULL, hint, info, why);
}

/* What SeaBIOS's -M pc tables say, in scene_v1() and in QEMU's own (test_qemu()). */
static void check_seabios_pc(const struct acpi_power_info *info)
{
	CHECK_EQ(info->pm1a_cnt, 0x604);
	CHECK_EQ(info->pm1b_cnt, 0);
	CHECK_EQ(info->smi_cmd, 0xb2);
	CHECK_EQ(info->acpi_enable, 0xf1);
	CHECK(info->s5_found);
	CHECK_EQ(info->slp_typa, 0);
	CHECK_EQ(info->slp_typb, 0);
	CHECK(!info->hw_reduced);
	CHECK_EQ(info->reset_reg.space, ACPI_REG_NONE);
}

static void test_v1(void)
{
	struct acpi_power_info info;
	const char *why;
	uint64_t pa = 0;
	uint32_t len = 0;

	scene_v1();
	CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), 0);
	CHECK_EQ(pa, BIOS_RSDP);
	CHECK_EQ(parse(0, &info, &why), 0);
	check_seabios_pc(&info);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_NONE);

	CHECK_EQ(parse(BIOS_RSDP, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "APIC", &pa, &len, &why), 0);
	CHECK_EQ(pa, APIC_PA);
	CHECK_EQ(len, 44);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "HPET", &pa, &len, &why), -ENOENT);
	CHECK_STR(why, "no HPET in the root table"); /* the reason names the table asked for */
	mem[APIC_PA + 40] ^= 1;
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "APIC", &pa, &len, &why), -EINVAL);
	CHECK_STR(why, "APIC checksum mismatch");
	mem[APIC_PA + 40] ^= 1;
	/* The 32-bit DSDT field serves when X_DSDT is absent; MEM_SIZE bounds every grant. */
	CHECK(longest_grant < 0x10000);
}

static void test_v2(void)
{
	struct acpi_power_info info;
	const char *why;
	uint64_t pa = 0;

	scene_v2();
	CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), 0);
	CHECK_EQ(pa, EBDA + 0x10);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0xb004); /* X_PM1a_CNT_BLK over PM1a_CNT_BLK */
	CHECK_EQ(info.pm1b_cnt, 0xb104);
	CHECK_EQ(info.slp_typa, 5);
	CHECK_EQ(info.slp_typb, 7);
	CHECK_EQ(info.reset_reg.space, ACPI_REG_IO);
	CHECK_EQ(info.reset_reg.address, 0xcf9);
	CHECK_EQ(info.reset_value, 0x06);
	CHECK_EQ(info.smi_cmd, 0);

	/* An RSDP in the BIOS area too: the EBDA is searched first. */
	put_rsdp(BIOS_RSDP, 0, RSDT_PA, 0);
	CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), 0);
	CHECK_EQ(pa, EBDA + 0x10);
	/* The EBDA refused: the search goes on in the BIOS area. */
	refuse_lo = EBDA;
	refuse_hi = EBDA + 0x400;
	CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), 0);
	CHECK_EQ(pa, BIOS_RSDP);
}

/* XSDT and RSDT both present and pointing at different FADTs. */
static void test_xsdt_preferred(void)
{
	uint64_t x_entries[] = {FADT_PA}, r_entries[] = {FADT2_PA};
	struct acpi_power_info info;
	struct acpi_fadt f;
	const char *why;

	scene_v2();
	put_rsdp(EBDA + 0x10, 2, RSDT_PA, XSDT_PA);
	put_root(XSDT_PA, "XSDT", x_entries, 1);
	put_root(RSDT_PA, "RSDT", r_entries, 1);
	memset(&f, 0, sizeof(f));
	f.dsdt = DSDT_PA;
	f.pm1a_cnt_blk = 0x404;
	put_fadt(FADT2_PA, &f, ACPI_FADT_V1_LEN);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0xb004);

	/* A broken XSDT: the RSDT serves. */
	mem[XSDT_PA + 20] ^= 1;
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0x404);

	/* Both broken: the RSDT's problem is reported. */
	mem[RSDT_PA + 20] ^= 1;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDT checksum mismatch");

	/* An XSDT with nothing to fall back on. */
	put_rsdp(EBDA + 0x10, 2, 0, XSDT_PA);
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "XSDT checksum mismatch");
}

static void test_hw_reduced(void)
{
	struct acpi_power_info info;
	struct acpi_fadt f;
	const char *why;

	scene_hw_reduced();
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK(info.hw_reduced);
	CHECK_EQ(info.pm1a_cnt, 0);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_MEM);
	CHECK_EQ(info.sleep_ctl.address, 0xfea00200);
	CHECK_EQ(info.reset_reg.space, ACPI_REG_MEM);
	CHECK_EQ(info.reset_reg.address, 0xfea00202);
	CHECK_EQ(info.reset_value, 0x42);
	CHECK_EQ(info.slp_typa, 5);
	CHECK(info.s5_found);

	/* Hardware-reduced without a sleep register: no poweroff, but the reset register stays. */
	memcpy(&f, mem + FADT_PA, 268);
	memset(&f.sleep_control_reg, 0, sizeof(f.sleep_control_reg));
	put_fadt(FADT_PA, &f, 268);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "hardware-reduced FADT without a usable SLEEP_CONTROL_REG");
	CHECK_EQ(info.reset_reg.space, ACPI_REG_MEM);
	CHECK_EQ(info.reset_value, 0x42);
	CHECK(!info.s5_found);

	/* A sleep register in PCI configuration space is not one Mote can write. */
	f.sleep_control_reg = (struct acpi_gas){2, 8, 0, 1, 0x1234};
	put_fadt(FADT_PA, &f, 268);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);

	/* SystemIO works too. */
	f.sleep_control_reg = (struct acpi_gas){ACPI_GAS_IO, 8, 0, 1, 0x5000};
	put_fadt(FADT_PA, &f, 268);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_IO);
	CHECK_EQ(info.sleep_ctl.address, 0x5000);

	/* A FADT cut before SLEEP_CONTROL_REG ends cannot have one. */
	put_fadt(FADT_PA, &f, 250);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
}

static void test_fadt_fields(void)
{
	struct acpi_power_info info;
	struct acpi_fadt f;
	const char *why;

	/* X_ block in memory space with a 32-bit fallback: the fallback. */
	scene_v2();
	fadt_v6(&f);
	f.x_pm1a_cnt_blk.space_id = ACPI_GAS_MEMORY;
	put_fadt(FADT_PA, &f, sizeof(f));
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0x604);

	/* ... and without one. */
	f.pm1a_cnt_blk = 0;
	put_fadt(FADT_PA, &f, sizeof(f));
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "FADT PM1a_CNT_BLK is not an I/O port");

	/* A 32-bit block beyond the port space. */
	fadt_v6(&f);
	memset(&f.x_pm1a_cnt_blk, 0, sizeof(f.x_pm1a_cnt_blk));
	f.pm1a_cnt_blk = 0x10000;
	put_fadt(FADT_PA, &f, sizeof(f));
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	/* The reset register was read before the failure. */
	CHECK_EQ(info.reset_reg.space, ACPI_REG_IO);

	/* No PM1a at all. */
	f.pm1a_cnt_blk = 0;
	put_fadt(FADT_PA, &f, sizeof(f));
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "FADT has no PM1a_CNT_BLK");

	/* RESET_REG without RESET_REG_SUP is not to be trusted. */
	fadt_v6(&f);
	f.flags = 0;
	put_fadt(FADT_PA, &f, sizeof(f));
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.reset_reg.space, ACPI_REG_NONE);

	/* A revision-3 FADT (244 bytes, QEMU q35's) has X_ fields but no sleep register. */
	fadt_v6(&f);
	f.sleep_control_reg = (struct acpi_gas){ACPI_GAS_IO, 8, 0, 1, 0x5000};
	put_fadt(FADT_PA, &f, 244);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0xb004);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_NONE);

	/* X_DSDT cut in half by the table's length: the 32-bit DSDT field is used. */
	fadt_v6(&f);
	f.dsdt = DSDT_PA;
	f.x_dsdt = 0xdead0000;
	put_fadt(FADT_PA, &f, 144);
	CHECK_EQ(parse(0, &info, &why), 0);

	/* No DSDT. */
	f.dsdt = 0;
	put_fadt(FADT_PA, &f, 144);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "FADT points to no DSDT");

	/* Too short to be a FADT. */
	put_fadt(FADT_PA, &f, 100);
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "FADT is shorter than ACPI 1.0's 116 bytes");

	/* The direct entry point agrees. */
	fadt_v6(&f);
	{
		uint64_t dsdt = 0;

		CHECK_EQ(acpi_fadt_parse(&f, sizeof(f), &info, &dsdt, &why), 0);
		CHECK_EQ(dsdt, DSDT_PA);
		CHECK_EQ(info.pm1b_cnt, 0xb104);
		CHECK_EQ(acpi_fadt_parse(&f, 115, &info, &dsdt, &why), -EINVAL);
	}
}

static void test_corrupt(void)
{
	struct acpi_power_info info;
	struct acpi_fadt f;
	const char *why;
	uint64_t pa;
	uint32_t len;

	/* RSDP checksum broken: the search finds nothing. */
	scene_v1();
	mem[BIOS_RSDP + 9] ^= 0x40;
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "no RSDP in the EBDA or the BIOS area");
	/* ... and given as a hint it is reported. */
	CHECK_EQ(parse(BIOS_RSDP, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDP checksum mismatch");
	CHECK_EQ(parse(BIOS_RSDP + 16, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDP has the wrong signature");
	CHECK_EQ(parse(MEM_SIZE - 8, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDP is not readable");
	CHECK_EQ(parse(UINT64_MAX - 3, &info, &why), -EINVAL);

	/* No RSDP anywhere. */
	mem_reset();
	CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), -ENOENT);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "FACP", &pa, &len, &why), -ENOENT);

	/* An RSDP not on a 16-byte boundary is not one. */
	scene_v1();
	memmove(mem + BIOS_RSDP + 8, mem + BIOS_RSDP, 20);
	memset(mem + BIOS_RSDP, 0, 8);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);

	/* The map callback refusing the BIOS area, or only the page holding the RSDP. */
	scene_v1();
	refuse_lo = 0xe0000;
	refuse_hi = 0x100000;
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	refuse_lo = BIOS_RSDP + 8;
	refuse_hi = BIOS_RSDP + 9;
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	/* Part of the page refused, the RSDP's bytes not: it is still found. */
	refuse_lo = BIOS_RSDP & ~0xfffu;
	refuse_hi = refuse_lo + 1;
	CHECK_EQ(parse(0, &info, &why), 0);

	/* Refusing each table in turn. */
	refuse_lo = RSDT_PA + 40;
	refuse_hi = RSDT_PA + 41;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDT is not readable");
	refuse_lo = DSDT_PA;
	refuse_hi = DSDT_PA + 1;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT is not readable");
	CHECK_EQ(info.pm1a_cnt, 0x604); /* the FADT had been read */
	refuse_lo = FADT_PA + 100;
	refuse_hi = FADT_PA + 101;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "FADT is not readable");
	/* A FADT whose header cannot even be read is skipped as if absent. */
	refuse_lo = FADT_PA;
	refuse_hi = FADT_PA + 1;
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "no FADT in the root table");
	refuse_lo = refuse_hi = 0;

	/* Bad checksums. */
	scene_v1();
	mem[FADT_PA + 60] ^= 1;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "FADT checksum mismatch");
	scene_v1();
	mem[DSDT_PA + 40] ^= 1;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT checksum mismatch");
	scene_v1();
	mem[RSDT_PA + 36] ^= 1;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDT checksum mismatch");
	scene_v2();
	mem[EBDA + 0x10 + 33] ^= 1; /* a reserved byte covered only by the extended checksum */
	CHECK_EQ(parse(EBDA + 0x10, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDP v2 checksum mismatch");

	/* A v2 RSDP claiming to be shorter than itself. */
	scene_v2();
	{
		struct acpi_rsdp *r = (struct acpi_rsdp *)(mem + EBDA + 0x10);

		r->length = 20;
		r->extended_checksum = 0;
		r->extended_checksum = (uint8_t)-sum(r, sizeof(*r));
		CHECK_EQ(parse(EBDA + 0x10, &info, &why), -EINVAL);
		CHECK_STR(why, "RSDP v2 length is out of range");
		r->length = 0xffffffff;
		r->extended_checksum = 0;
		r->extended_checksum = (uint8_t)-sum(r, sizeof(*r));
		CHECK_EQ(parse(EBDA + 0x10, &info, &why), -EINVAL);
		CHECK_STR(why, "RSDP v2 length is out of range");
	}

	/* A v2 RSDP whose first 20 bytes are good and the rest unreadable; then its first 20
	 * bytes good but the v1 checksum over them broken, the v2 one fixed up to hide it. */
	scene_v2();
	refuse_lo = EBDA + 0x10 + 30;
	refuse_hi = refuse_lo + 1;
	CHECK_EQ(parse(EBDA + 0x10, &info, &why), -EINVAL);
	CHECK_STR(why, "RSDP v2 is not readable");
	refuse_lo = refuse_hi = 0;
	{
		struct acpi_rsdp *r = (struct acpi_rsdp *)(mem + EBDA + 0x10);

		r->checksum += 1;
		r->extended_checksum -= 1;
		CHECK_EQ(sum(r, sizeof(*r)), 0);
		CHECK_EQ(parse(EBDA + 0x10, &info, &why), -EINVAL);
		CHECK_STR(why, "RSDP checksum mismatch");
	}

	/* Lengths: too short for a header, huge, past the end of memory. */
	scene_v1();
	((struct acpi_sdt_header *)(mem + DSDT_PA))->length = 35;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT length is out of range");
	((struct acpi_sdt_header *)(mem + DSDT_PA))->length = ACPI_TABLE_MAX + 1;
	longest_grant = 0;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT length is out of range");
	CHECK(longest_grant <= 0x10000);
	((struct acpi_sdt_header *)(mem + DSDT_PA))->length = 0xffffffff;
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	/* Truncated: the table runs off the end of readable memory. */
	sdt_put(MEM_SIZE - 64, "DSDT", s5_qemu_pc, sizeof(s5_qemu_pc));
	((struct acpi_sdt_header *)(mem + MEM_SIZE - 64))->length = 200;
	memcpy(&f, mem + FADT_PA, ACPI_FADT_V1_LEN);
	f.dsdt = MEM_SIZE - 64;
	put_fadt(FADT_PA, &f, ACPI_FADT_V1_LEN);
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT is not readable");

	/* A DSDT pointer to something else. */
	scene_v1();
	memcpy(&f, mem + FADT_PA, ACPI_FADT_V1_LEN);
	f.dsdt = APIC_PA;
	put_fadt(FADT_PA, &f, ACPI_FADT_V1_LEN);
	CHECK_EQ(parse(0, &info, &why), -EINVAL);
	CHECK_STR(why, "DSDT has the wrong signature");

	/* A DSDT without \_S5_. */
	scene_v1();
	put_dsdt(DSDT_PA, (const uint8_t *)"\x08_S3_\x0a\x01", 7);
	CHECK_EQ(parse(0, &info, &why), -ENOENT);
	CHECK_STR(why, "no _S5_ object in the DSDT");
	CHECK(!info.s5_found);
	CHECK_EQ(info.pm1a_cnt, 0x604);

	/* No FADT in the root table. */
	scene_v1();
	{
		uint64_t entries[] = {APIC_PA, 0};

		put_root(RSDT_PA, "RSDT", entries, 2);
		CHECK_EQ(parse(0, &info, &why), -ENOENT);
		CHECK_STR(why, "no FADT in the root table");
	}

	/* Root entries pointing nowhere, or wrapping around the address space, are skipped;
	 * a valid FADT after them is found. */
	scene_v2();
	{
		uint64_t entries[] = {UINT64_MAX - 7, MEM_SIZE - 2, 0x1234567890ull, FADT_PA};

		put_root(XSDT_PA, "XSDT", entries, 4);
		CHECK_EQ(parse(0, &info, &why), 0);
		CHECK_EQ(info.pm1a_cnt, 0xb004);
	}

	/* A root table whose length leaves half an entry: the stub is ignored. */
	scene_v1();
	((struct acpi_sdt_header *)(mem + RSDT_PA))->length = 36 + 4 + 4 + 2;
	sdt_fix(RSDT_PA);
	CHECK_EQ(parse(0, &info, &why), 0);

	/* A FADT with a bad checksum before a good one: the good one is used; alone, the broken
	 * one's problem is reported. */
	scene_v1();
	{
		uint64_t entries[] = {FADT2_PA, FADT_PA};

		sdt_put(FADT2_PA, "FACP", "x", 1);
		mem[FADT2_PA + 36] ^= 1;
		put_root(RSDT_PA, "RSDT", entries, 2);
		CHECK_EQ(parse(0, &info, &why), 0);
		CHECK_EQ(info.pm1a_cnt, 0x604);
		entries[1] = APIC_PA;
		put_root(RSDT_PA, "RSDT", entries, 2);
		CHECK_EQ(parse(0, &info, &why), -EINVAL);
		CHECK_STR(why, "FADT checksum mismatch");
		sdt_put(FADT2_PA, "FACP", "x", 1);
		CHECK_EQ(parse(0, &info, &why), -EINVAL);
		CHECK_STR(why, "FADT is shorter than ACPI 1.0's 116 bytes");
	}

	/* Two broken copies: the first one's problem is told, not the last one's. */
	scene_v1();
	{
		uint64_t entries[] = {FADT2_PA, FADT_PA};

		sdt_put(FADT2_PA, "FACP", "x", 1);
		mem[FADT2_PA + 36] ^= 1;
		((struct acpi_sdt_header *)(mem + FADT_PA))->length = 35;
		put_root(RSDT_PA, "RSDT", entries, 2);
		CHECK_EQ(parse(0, &info, &why), -EINVAL);
		CHECK_STR(why, "FADT checksum mismatch");
		entries[0] = FADT_PA;
		entries[1] = FADT2_PA;
		put_root(RSDT_PA, "RSDT", entries, 2);
		CHECK_EQ(parse(0, &info, &why), -EINVAL);
		CHECK_STR(why, "FADT length is out of range");
	}

	/* The EBDA pointer aimed at the top of conventional memory: not searched past 0xa0000. */
	scene_v1();
	{
		uint16_t seg = 0x9fe0;

		memcpy(mem + 0x40e, &seg, 2);
		put_rsdp(0x9fe00, 0, RSDT_PA, 0);
		CHECK_EQ(acpi_find_rsdp(test_map, NULL, &pa, &why), 0);
		CHECK_EQ(pa, BIOS_RSDP);
	}
}

/* QEMU 7.2's tables, as SeaBIOS (pc, q35) and qboot (microvm) leave them in memory, dumped
 * with the monitor's pmemsave and repacked to start at 0xe0000 (pointers and the checksums
 * covering them adjusted, contents untouched). They are also the fuzz target's seeds. */
static void test_qemu(void)
{
	struct acpi_power_info info;
	const char *why;
	uint64_t pa;
	uint32_t len;

	CHECK(load_fixture("qemu-pc.bin") > 0);
	CHECK_EQ(parse(0, &info, &why), 0);
	check_seabios_pc(&info);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "HPET", &pa, &len, &why), 0);
	CHECK_EQ(len, 56);

	CHECK(load_fixture("qemu-q35.bin") > 0);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK_EQ(info.pm1a_cnt, 0x604);
	CHECK_EQ(info.smi_cmd, 0xb2);
	CHECK_EQ(info.acpi_enable, 0x02);
	CHECK_EQ(info.slp_typa, 0);
	CHECK_EQ(info.reset_reg.space, ACPI_REG_IO);
	CHECK_EQ(info.reset_reg.address, 0xcf9);
	CHECK_EQ(info.reset_value, 0x0f);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_NONE);
	CHECK_EQ(acpi_find_table(test_map, NULL, 0, "MCFG", &pa, &len, &why), 0);

	CHECK(load_fixture("qemu-microvm.bin") > 0);
	CHECK_EQ(parse(0, &info, &why), 0);
	CHECK(info.hw_reduced);
	CHECK_EQ(info.pm1a_cnt, 0);
	CHECK_EQ(info.sleep_ctl.space, ACPI_REG_MEM);
	CHECK_EQ(info.sleep_ctl.address, 0xfea00200);
	CHECK_EQ(info.slp_typa, 5);
	CHECK_EQ(info.reset_reg.space, ACPI_REG_MEM);
	CHECK_EQ(info.reset_reg.address, 0xfea00202);
	CHECK_EQ(info.reset_value, 0x42);
	CHECK_EQ(parse(0xe0000, &info, &why), 0);
}

int main(void)
{
	acpi_sim_init();
	test_v1();
	test_v2();
	test_xsdt_preferred();
	test_hw_reduced();
	test_fadt_fields();
	test_corrupt();
	test_qemu();
	acpi_sim_free();
	return check_report();
}
