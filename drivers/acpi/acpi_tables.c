/* SPDX-License-Identifier: MIT */
/* acpi_tables.c: finds the RSDP, walks the XSDT or RSDT to the FADT and the DSDT, and reads what
 * powering off and resetting need. Pure: firmware memory is read only through the caller's
 * map callback, and every length in it is checked before it is believed. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <acpi/acpi.h>

#define RSDP_SIG     "RSD PTR "
#define RSDP_V1_LEN  20u
#define RSDP_V2_LEN  36u
#define RSDP_MAX_LEN 4096u /* a v2 RSDP is 36 bytes: anything much larger is garbage */

/* ACPI 6.5 §5.2.5.1: where to look on a PC without UEFI. */
#define EBDA_SEG_PTR    0x40eu
#define EBDA_SEARCH_LEN 1024u
#define EBDA_LO         0x400u
#define EBDA_HI         0xa0000u /* the EBDA lies below the legacy video hole */
#define BIOS_AREA_LO    0xe0000u
#define BIOS_AREA_HI    0x100000u
#define SEARCH_CHUNK    4096u /* map page by page so one refused page does not end the search */

#define SDT_HDR_LEN ((uint32_t)sizeof(struct acpi_sdt_header))

/* AML opcodes (ACPI 6.5 §20.2) the \_S5_ reader understands. */
#define AML_ZERO_OP      0x00
#define AML_ONE_OP       0x01
#define AML_NAME_OP      0x08
#define AML_BYTE_PREFIX  0x0a
#define AML_WORD_PREFIX  0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP   0x12
#define AML_ROOT_CHAR    0x5c
#define AML_ONES_OP      0xff

#define SLP_TYP_MAX 7 /* a 3-bit field in PM1_CNT and the sleep control register */

struct mem {
	acpi_map_fn map;
	void *ctx;
};

/* What to say when a table is bad: one template per reason, '@' standing for the table's
 * name, so the reason names the table without a copy of each message per table. */
#define WHY_MISSING    "no @ in the root table"
#define WHY_UNREADABLE "@ is not readable"
#define WHY_SIGNATURE  "@ has the wrong signature"
#define WHY_LENGTH     "@ length is out of range"
#define WHY_CHECKSUM   "@ checksum mismatch"
_Static_assert(sizeof(WHY_SIGNATURE) >= sizeof(WHY_MISSING) &&
                       sizeof(WHY_SIGNATURE) >= sizeof(WHY_UNREADABLE) &&
                       sizeof(WHY_SIGNATURE) >= sizeof(WHY_LENGTH) &&
                       sizeof(WHY_SIGNATURE) >= sizeof(WHY_CHECKSUM),
               "fail_table's buffer is sized for WHY_SIGNATURE, the longest template");

#define FADT_HAS(len, field) \
	((len) >= offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field))

static int fail(const char **why, int err, const char *reason)
{
	if (why)
		*why = reason;
	return err;
}

/* A reason built from a WHY_ template and a name of at most WHY_NAME_MAX characters from Mote's
 * own code, never from firmware. It lives in a static buffer: the parsers run at boot and on
 * the way down, one caller at a time, and each caller prints the reason before it calls again. */
#define WHY_NAME_MAX 7 /* "RSDP v2" */
static int fail_table(const char **why, int err, const char *name, const char *tmpl)
{
	static char buf[sizeof(WHY_SIGNATURE) + WHY_NAME_MAX]; /* the longest template */
	char *o = buf;
	const char *n;

	if (!why)
		return err;
	for (; *tmpl; tmpl++) {
		if (*tmpl == '@') {
			for (n = name; *n && n < name + WHY_NAME_MAX;)
				*o++ = *n++;
		} else {
			*o++ = *tmpl;
		}
	}
	*o = '\0';
	*why = buf;
	return err;
}

/* The callback, refusing ranges that wrap around the address space before it sees them. */
static const uint8_t *mem_get(const struct mem *m, uint64_t pa, size_t len)
{
	if (len == 0 || pa > UINT64_MAX - len)
		return NULL;
	return m->map(pa, len, m->ctx);
}

static uint8_t sum8(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* Read a checksummed structure at `pa` whole once its start is believable: `sig_len` bytes
 * of signature, then the 32-bit length at `len_off` between `hdr` and `max` (a `len_off` of
 * 0: there is none, the structure is `hdr` bytes), then a zero sum over that length. The
 * RSDP is two of these (ACPI 1.0's 20 bytes, then revision 2's whole), every table one. */
static int checked_get(const struct mem *m, uint64_t pa, const char *sig, size_t sig_len, uint32_t hdr,
                       size_t len_off, uint32_t max, const char *name, const uint8_t **out, uint32_t *out_len,
                       const char **why)
{
	const uint8_t *p = mem_get(m, pa, hdr);
	uint32_t len = hdr;

	if (!p)
		return fail_table(why, -EINVAL, name, WHY_UNREADABLE);
	if (memcmp(p, sig, sig_len) != 0)
		return fail_table(why, -EINVAL, name, WHY_SIGNATURE);
	if (len_off) {
		memcpy(&len, p + len_off, sizeof(len));
		if (len < hdr || len > max)
			return fail_table(why, -EINVAL, name, WHY_LENGTH);
		p = mem_get(m, pa, len);
		if (!p)
			return fail_table(why, -EINVAL, name, WHY_UNREADABLE);
	}
	if (sum8(p, len) != 0)
		return fail_table(why, -EINVAL, name, WHY_CHECKSUM);
	*out = p;
	*out_len = len;
	return 0;
}

/* An SDT (ACPI 6.5 §5.2.6): signature `sig`, its length after it, at most ACPI_TABLE_MAX.
 * `name` is what a refusal calls it (the FADT's signature is "FACP"). */
static int table_get(const struct mem *m, uint64_t pa, const char *sig, const char *name,
                     const uint8_t **table, uint32_t *table_len, const char **why)
{
	return checked_get(m, pa, sig, 4, SDT_HDR_LEN, offsetof(struct acpi_sdt_header, length),
	                   ACPI_TABLE_MAX, name, table, table_len, why);
}

/* ACPI 6.5 §5.2.5.3: the first 20 bytes sum to zero; from revision 2 on, `length` bytes too. */
static int rsdp_read(const struct mem *m, uint64_t pa, struct acpi_rsdp *rsdp, const char **why)
{
	const uint8_t *p;
	uint32_t len;
	int err;

	err = checked_get(m, pa, RSDP_SIG, 8, RSDP_V1_LEN, 0, 0, "RSDP", &p, &len, why);
	if (err)
		return err;
	memset(rsdp, 0, sizeof(*rsdp));
	memcpy(rsdp, p, RSDP_V1_LEN);
	if (rsdp->revision < 2)
		return 0;
	err = checked_get(m, pa, RSDP_SIG, 8, RSDP_V2_LEN, offsetof(struct acpi_rsdp, length), RSDP_MAX_LEN,
	                  "RSDP v2", &p, &len, why);
	if (err)
		return err;
	memcpy(rsdp, p, RSDP_V2_LEN);
	return 0;
}

static bool rsdp_at(const struct mem *m, const uint8_t *p, uint64_t pa)
{
	struct acpi_rsdp rsdp;

	return memcmp(p, RSDP_SIG, 8) == 0 && rsdp_read(m, pa, &rsdp, NULL) == 0;
}

/* Look for a valid RSDP on the 16-byte boundaries of [lo, hi), both multiples of 16. A page
 * the callback refuses whole is probed slot by slot, in case only part of it is readable. */
static bool rsdp_scan(const struct mem *m, uint64_t lo, uint64_t hi, uint64_t *found)
{
	uint64_t at, end, off;
	const uint8_t *p;

	for (at = lo; at < hi; at = end) {
		end = (at & ~(uint64_t)(SEARCH_CHUNK - 1)) + SEARCH_CHUNK;
		if (end > hi)
			end = hi;
		p = mem_get(m, at, end - at);
		for (off = 0; off + 8 <= end - at; off += 16) {
			const uint8_t *slot = p ? p + off : mem_get(m, at + off, 8);

			if (slot && rsdp_at(m, slot, at + off)) {
				*found = at + off;
				return true;
			}
		}
	}
	return false;
}

int acpi_find_rsdp(acpi_map_fn map, void *ctx, uint64_t *rsdp_pa, const char **why)
{
	const struct mem m = {map, ctx};
	const uint8_t *seg = mem_get(&m, EBDA_SEG_PTR, 2);

	if (seg) {
		uint64_t ebda = (uint64_t)(seg[0] | seg[1] << 8) << 4;

		if (ebda >= EBDA_LO && ebda + EBDA_SEARCH_LEN <= EBDA_HI &&
		    rsdp_scan(&m, ebda, ebda + EBDA_SEARCH_LEN, rsdp_pa))
			return 0;
	}
	if (rsdp_scan(&m, BIOS_AREA_LO, BIOS_AREA_HI, rsdp_pa))
		return 0;
	return fail(why, -ENOENT, "no RSDP in the EBDA or the BIOS area");
}

/* The root table: the XSDT when the RSDP has one, else the RSDT. A broken XSDT beside a
 * usable RSDT is a known firmware bug, so the RSDT is tried before giving up. */
static int root_get(const struct mem *m, uint64_t rsdp_pa, const uint8_t **root, uint32_t *len,
                    unsigned *entry_size, const char **why)
{
	struct acpi_rsdp rsdp;
	int err;

	if (!rsdp_pa) {
		err = acpi_find_rsdp(m->map, m->ctx, &rsdp_pa, why);
		if (err)
			return err;
	}
	err = rsdp_read(m, rsdp_pa, &rsdp, why);
	if (err)
		return err;
	if (rsdp.revision >= 2 && rsdp.xsdt_address) {
		*entry_size = 8;
		err = table_get(m, rsdp.xsdt_address, "XSDT", "XSDT", root, len, why);
		if (!err || !rsdp.rsdt_address)
			return err;
	}
	if (!rsdp.rsdt_address)
		return fail(why, -ENOENT, "RSDP points to neither an XSDT nor an RSDT");
	*entry_size = 4;
	return table_get(m, rsdp.rsdt_address, "RSDT", "RSDT", root, len, why);
}

static int find_table(const struct mem *m, uint64_t rsdp_pa, const char *sig, const char *name,
                      uint64_t *table_pa, const uint8_t **table, uint32_t *table_len, const char **why)
{
	const uint8_t *root, *hdr;
	uint32_t root_len, i, n;
	unsigned esize;
	uint64_t pa;
	const char *bad_why = NULL;
	int err, bad = 0;

	err = root_get(m, rsdp_pa, &root, &root_len, &esize, why);
	if (err)
		return err;
	/* A length that is not a whole number of entries leaves a stub, which is ignored. */
	n = (root_len - SDT_HDR_LEN) / esize;
	for (i = 0; i < n; i++) {
		pa = 0;
		memcpy(&pa, root + SDT_HDR_LEN + i * esize, esize); /* little-endian, as is x86 */
		if (!pa)
			continue;
		hdr = mem_get(m, pa, 4);
		if (!hdr || memcmp(hdr, sig, 4) != 0)
			continue;
		/* Go on after a bad copy: a later one may be good. If none is, the first problem is
		 * the one told, so later ones are not asked to build a reason over it. */
		err = table_get(m, pa, sig, name, table, table_len, bad ? NULL : &bad_why);
		if (!err) {
			*table_pa = pa;
			return 0;
		}
		if (!bad)
			bad = err;
	}
	if (bad)
		return fail(why, bad, bad_why);
	return fail_table(why, -ENOENT, name, WHY_MISSING);
}

int acpi_find_table(acpi_map_fn map, void *ctx, uint64_t rsdp_pa, const char sig[4], uint64_t *table_pa,
                    uint32_t *table_len, const char **why)
{
	const struct mem m = {map, ctx};
	const uint8_t *table;
	char name[5] = {sig[0], sig[1], sig[2], sig[3], '\0'}; /* sig need not end in a NUL */

	return find_table(&m, rsdp_pa, sig, name, table_pa, &table, table_len, why);
}

/* A generic address as a register Mote can write: SystemIO inside the 16-bit port space or
 * SystemMemory. Other spaces (PCI configuration, embedded controller...) read as absent. */
static struct acpi_reg gas_reg(struct acpi_gas gas)
{
	struct acpi_reg reg = {ACPI_REG_NONE, 0};

	if (!gas.address)
		return reg;
	if (gas.space_id == ACPI_GAS_IO && gas.address <= 0xffff)
		reg.space = ACPI_REG_IO;
	else if (gas.space_id == ACPI_GAS_MEMORY)
		reg.space = ACPI_REG_MEM;
	else
		return reg;
	reg.address = gas.address;
	return reg;
}

/* PM1x_CNT as a port: the X_ block when it is a nonzero SystemIO address (the 64-bit field
 * supersedes the 32-bit one, ACPI 6.5 §5.2.9), else the 32-bit block. */
static int pm1_port(uint32_t blk, const struct acpi_gas *x, uint16_t *port)
{
	struct acpi_reg reg = x ? gas_reg(*x) : (struct acpi_reg){ACPI_REG_NONE, 0};

	if (reg.space == ACPI_REG_IO) {
		*port = (uint16_t)reg.address;
		return 0;
	}
	if (x && x->address && !blk)
		return -EINVAL; /* only a block Mote cannot drive */
	if (blk > 0xffff)
		return -EINVAL;
	*port = (uint16_t)blk;
	return 0;
}

int acpi_fadt_parse(const void *fadt, size_t len, struct acpi_power_info *info, uint64_t *dsdt_pa,
                    const char **why)
{
	struct acpi_fadt f;
	struct acpi_gas xa, xb;

	memset(info, 0, sizeof(*info));
	if (len < ACPI_FADT_V1_LEN)
		return fail(why, -EINVAL, "FADT is shorter than ACPI 1.0's 116 bytes");
	/* Fields past the table's end stay zero; FADT_HAS() tells them from real zeroes. */
	memset(&f, 0, sizeof(f));
	memcpy(&f, fadt, len < sizeof(f) ? len : sizeof(f));

	info->hw_reduced = (f.flags & ACPI_FADT_HW_REDUCED_ACPI) != 0;
	/* The reset register first: a caller may still use it if the rest fails. */
	if ((f.flags & ACPI_FADT_RESET_REG_SUP) && FADT_HAS(len, reset_value)) {
		info->reset_reg = gas_reg(f.reset_reg);
		info->reset_value = f.reset_value;
	}
	if (FADT_HAS(len, sleep_control_reg))
		info->sleep_ctl = gas_reg(f.sleep_control_reg);

	if (info->hw_reduced) {
		/* No fixed hardware: the PM1 and SMI fields are meaningless (ACPI 6.5 §4.1). */
		if (info->sleep_ctl.space == ACPI_REG_NONE)
			return fail(why, -ENOENT, "hardware-reduced FADT without a usable SLEEP_CONTROL_REG");
	} else {
		xa = f.x_pm1a_cnt_blk;
		xb = f.x_pm1b_cnt_blk;
		if (pm1_port(f.pm1a_cnt_blk, FADT_HAS(len, x_pm1a_cnt_blk) ? &xa : NULL, &info->pm1a_cnt))
			return fail(why, -EINVAL, "FADT PM1a_CNT_BLK is not an I/O port");
		if (pm1_port(f.pm1b_cnt_blk, FADT_HAS(len, x_pm1b_cnt_blk) ? &xb : NULL, &info->pm1b_cnt))
			return fail(why, -EINVAL, "FADT PM1b_CNT_BLK is not an I/O port");
		if (!info->pm1a_cnt && info->sleep_ctl.space == ACPI_REG_NONE)
			return fail(why, -ENOENT, "FADT has no PM1a_CNT_BLK");
		if (f.smi_cmd <= 0xffff && f.acpi_enable) {
			info->smi_cmd = (uint16_t)f.smi_cmd;
			info->acpi_enable = f.acpi_enable;
		}
	}

	*dsdt_pa = FADT_HAS(len, x_dsdt) && f.x_dsdt ? f.x_dsdt : f.dsdt;
	if (!*dsdt_pa)
		return fail(why, -ENOENT, "FADT points to no DSDT");
	return 0;
}

/* An AML integer constant at aml[*at], not reaching past `end`. */
static int aml_integer(const uint8_t *aml, size_t *at, size_t end, uint64_t *value)
{
	/* Bytes after BytePrefix, WordPrefix, DWordPrefix, (StringPrefix: none), QWordPrefix. */
	static const uint8_t prefix_size[] = {1, 2, 4, 0, 8};
	size_t size = 0;
	uint8_t op;

	if (*at >= end)
		return -EINVAL;
	op = aml[(*at)++];
	if (op == AML_ZERO_OP || op == AML_ONE_OP) {
		*value = op;
		return 0;
	}
	if (op == AML_ONES_OP) {
		*value = UINT64_MAX;
		return 0;
	}
	if (op >= AML_BYTE_PREFIX && op <= AML_QWORD_PREFIX)
		size = prefix_size[op - AML_BYTE_PREFIX];
	if (size == 0 || end - *at < size)
		return -EINVAL;
	*value = 0;
	memcpy(value, aml + *at, size); /* AML is little-endian, like the CPU */
	*at += size;
	return 0;
}

/* The package after `_S5_` at aml[at]: PackageOp PkgLength NumElements then integer
 * elements (ACPI 6.5 §20.2.5.4, §20.2.4 for PkgLength). */
static int s5_package(const uint8_t *aml, size_t len, size_t at, uint8_t *typa, uint8_t *typb,
                      const char **why)
{
	size_t nbytes, pkg_len, end, i;
	uint64_t a, b = 0;
	uint8_t lead, count;

	if (at >= len || aml[at] != AML_PACKAGE_OP)
		return fail(why, -EINVAL, "_S5_ is not a package");
	at++;
	if (at >= len)
		return fail(why, -EINVAL, "_S5_ package is truncated");
	lead = aml[at];
	/* Bits 7-6 of the lead byte count the bytes that follow; with any, bits 5-4 are zero. */
	nbytes = lead >> 6;
	if (nbytes == 0) {
		pkg_len = lead & 0x3f;
	} else {
		if (lead & 0x30)
			return fail(why, -EINVAL, "_S5_ package length is malformed");
		if (len - at <= nbytes)
			return fail(why, -EINVAL, "_S5_ package is truncated");
		pkg_len = lead & 0x0f;
		for (i = 0; i < nbytes; i++)
			pkg_len |= (size_t)aml[at + 1 + i] << (4 + 8 * i);
	}
	/* PkgLength counts itself, so the package ends pkg_len bytes from its first byte. */
	if (pkg_len < nbytes + 2 || pkg_len > len - at)
		return fail(why, -EINVAL, "_S5_ package length is out of range");
	end = at + pkg_len;
	at += nbytes + 1;
	count = aml[at++];
	if (count == 0)
		return fail(why, -EINVAL, "_S5_ package is empty");
	if (aml_integer(aml, &at, end, &a))
		return fail(why, -EINVAL, "_S5_ SLP_TYPa is not an integer constant");
	if (count == 1) {
		b = a >> 8;
		a &= 0xff;
	} else if (aml_integer(aml, &at, end, &b)) {
		return fail(why, -EINVAL, "_S5_ SLP_TYPb is not an integer constant");
	}
	if (a > SLP_TYP_MAX || b > SLP_TYP_MAX)
		return fail(why, -EINVAL, "_S5_ value does not fit SLP_TYP");
	*typa = (uint8_t)a;
	*typb = (uint8_t)b;
	return 0;
}

int acpi_aml_find_s5(const void *aml_v, size_t len, uint8_t *slp_typa, uint8_t *slp_typb, const char **why)
{
	const uint8_t *aml = aml_v;
	const char *bad_why = NULL;
	size_t i;
	bool named;

	/* Not an AML interpreter: the bytes "_S5_" preceded by NameOp, with or without the root
	 * prefix, are the object. The same bytes elsewhere (a string, a reference inside a
	 * method) are skipped; a matching NameOp with a bad package is reported if nothing
	 * better follows. */
	for (i = 0; len >= 4 && i <= len - 4; i++) {
		if (memcmp(aml + i, "_S5_", 4) != 0)
			continue;
		named = (i >= 1 && aml[i - 1] == AML_NAME_OP) ||
		        (i >= 2 && aml[i - 1] == AML_ROOT_CHAR && aml[i - 2] == AML_NAME_OP);
		if (!named)
			continue;
		if (s5_package(aml, len, i + 4, slp_typa, slp_typb, bad_why ? NULL : &bad_why) == 0)
			return 0;
	}
	if (bad_why)
		return fail(why, -EINVAL, bad_why);
	return fail(why, -ENOENT, "no _S5_ object in the DSDT");
}

int acpi_power_parse(acpi_map_fn map, void *ctx, uint64_t rsdp_pa, struct acpi_power_info *info,
                     const char **why)
{
	const struct mem m = {map, ctx};
	const uint8_t *fadt, *dsdt;
	uint32_t fadt_len, dsdt_len;
	uint64_t fadt_pa, dsdt_pa;
	int err;

	memset(info, 0, sizeof(*info));
	err = find_table(&m, rsdp_pa, "FACP", "FADT", &fadt_pa, &fadt, &fadt_len, why);
	if (err)
		return err;
	err = acpi_fadt_parse(fadt, fadt_len, info, &dsdt_pa, why);
	if (err)
		return err;
	err = table_get(&m, dsdt_pa, "DSDT", "DSDT", &dsdt, &dsdt_len, why);
	if (err)
		return err;
	err = acpi_aml_find_s5(dsdt + SDT_HDR_LEN, dsdt_len - SDT_HDR_LEN, &info->slp_typa, &info->slp_typb,
	                       why);
	if (err)
		return err;
	info->s5_found = true;
	return 0;
}
