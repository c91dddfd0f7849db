/* SPDX-License-Identifier: MIT */
/* acpi/acpi.h: finding the ACPI tables and what they say about powering the machine off and
 * resetting it. The parsers read memory only through a caller's map callback, so they run on
 * the host too; acpi_poweroff() and acpi_reset() touch the hardware. */
#ifndef ACPI_ACPI_H
#define ACPI_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tables longer than this are refused as corrupt (QEMU's largest DSDT is about 8 KiB). */
#define ACPI_TABLE_MAX (1u << 20)

/* Give read access to `len` bytes of physical memory at `pa`: return a pointer to them, or
 * NULL when any byte of the range is not readable. The parsers read nothing outside what it
 * grants. The kernel's callback returns the identity-mapped address; tests serve a buffer. */
typedef const void *(*acpi_map_fn)(uint64_t pa, size_t len, void *ctx);

/* ACPI 6.5 §5.2.5.3 Root System Description Pointer; revision 2 and later add the fields
 * from `length` on. */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;  /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length;
	uint64_t xsdt_address;
	uint8_t extended_checksum; /* over `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));

/* ACPI 6.5 §5.2.6: the header every System Description Table starts with. */
struct acpi_sdt_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* the whole table sums to 0 mod 256 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

/* ACPI 6.5 §5.2.3.2 Generic Address Structure. */
struct acpi_gas {
	uint8_t space_id; /* ACPI_GAS_MEMORY, ACPI_GAS_IO, ... */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));

#define ACPI_GAS_MEMORY 0
#define ACPI_GAS_IO     1

/* ACPI 6.5 §5.2.9 Fixed ACPI Description Table, as far as revision 6. Older tables are
 * shorter: a field past the table's length is absent. */
struct acpi_fadt {
	struct acpi_sdt_header header; /* "FACP" */
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable;
	uint8_t acpi_disable;
	uint8_t s4bios_req;
	uint8_t pstate_cnt;
	uint32_t pm1a_evt_blk;
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;
	uint32_t gpe0_blk;
	uint32_t gpe1_blk;
	uint8_t pm1_evt_len;
	uint8_t pm1_cnt_len;
	uint8_t pm2_cnt_len;
	uint8_t pm_tmr_len;
	uint8_t gpe0_blk_len;
	uint8_t gpe1_blk_len;
	uint8_t gpe1_base;
	uint8_t cst_cnt;
	uint16_t p_lvl2_lat;
	uint16_t p_lvl3_lat;
	uint16_t flush_size;
	uint16_t flush_stride;
	uint8_t duty_offset;
	uint8_t duty_width;
	uint8_t day_alrm;
	uint8_t mon_alrm;
	uint8_t century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags; /* ACPI_FADT_* */
	/* ACPI 1.0 ends here, at 116 bytes. */
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;
	uint64_t x_dsdt;
	struct acpi_gas x_pm1a_evt_blk;
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;
	struct acpi_gas x_gpe0_blk;
	struct acpi_gas x_gpe1_blk;
	/* ACPI 5.0 (hardware-reduced platforms) */
	struct acpi_gas sleep_control_reg;
	struct acpi_gas sleep_status_reg;
	/* ACPI 6.0 */
	uint64_t hypervisor_vendor_id;
} __attribute__((packed));

/* The layouts above are the firmware's, byte for byte. */
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(offsetof(struct acpi_rsdp, length) == 20, "RSDP v2 fields start at 20");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP XSDT address");
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_gas) == 12, "generic address layout");
_Static_assert(offsetof(struct acpi_fadt, smi_cmd) == 48, "FADT SMI_CMD");
_Static_assert(offsetof(struct acpi_fadt, pm1a_cnt_blk) == 64, "FADT PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, reset_value) == 128, "FADT RESET_VALUE");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm1a_cnt_blk) == 172, "FADT X_PM1a_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, x_pm1b_cnt_blk) == 184, "FADT X_PM1b_CNT_BLK");
_Static_assert(offsetof(struct acpi_fadt, sleep_control_reg) == 244, "FADT SLEEP_CONTROL_REG");
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout (revision 6)");

/* IA-PC HPET specification 1.0a §3.2.4: the HPET description table. */
struct acpi_hpet {
	struct acpi_sdt_header header; /* "HPET" */
	uint32_t event_timer_block_id;
	struct acpi_gas base_address; /* the register block, SystemMemory */
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __attribute__((packed));

_Static_assert(offsetof(struct acpi_hpet, base_address) == 40, "HPET base address");
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET table layout");

#define ACPI_FADT_V1_LEN          116u
#define ACPI_FADT_TMR_VAL_EXT     (1u << 8)
#define ACPI_FADT_RESET_REG_SUP   (1u << 10)
#define ACPI_FADT_HW_REDUCED_ACPI (1u << 20)

/* Where a register lives once parsed: nowhere, an I/O port or a physical address. */
enum acpi_reg_space {
	ACPI_REG_NONE = 0,
	ACPI_REG_IO,
	ACPI_REG_MEM,
};

struct acpi_reg {
	enum acpi_reg_space space;
	uint64_t address; /* a port (at most 0xffff) for ACPI_REG_IO */
};

/* What acpi_power_parse() found. Zero (and ACPI_REG_NONE) means absent. */
struct acpi_power_info {
	/* Fixed-hardware PM1 control blocks (ACPI 6.5 §4.8.3.2): I/O ports. */
	uint16_t pm1a_cnt;
	uint16_t pm1b_cnt;
	/* SMI command port and the value that makes firmware hand the PM registers to the OS
	 * (ACPI 6.5 §16.3.1); 0 when the machine is always in ACPI mode. */
	uint16_t smi_cmd;
	uint8_t acpi_enable;
	/* HW_REDUCED_ACPI: no PM1 blocks, sleep through sleep_ctl (QEMU microvm's GED). */
	bool hw_reduced;
	/* ACPI 5 Sleep Control Register (ACPI 6.5 §4.8.3.7), 8 bits wide. */
	struct acpi_reg sleep_ctl;
	/* SLP_TYPa and SLP_TYPb for S5 from \_S5_, valid when s5_found. */
	bool s5_found;
	uint8_t slp_typa;
	uint8_t slp_typb;
	/* The FADT's RESET_REG and RESET_VALUE, when RESET_REG_SUP says they work. */
	struct acpi_reg reset_reg;
	uint8_t reset_value;
};

/* Find the RSDP: search the first KiB of the EBDA (segment at 0x40e) and 0xe0000-0xfffff on
 * 16-byte boundaries for a valid one (checksums included). Regions `map` refuses are
 * skipped. Returns 0 and its address in *rsdp_pa, or -ENOENT. `why` may be NULL; when not,
 * it receives a string saying what went wrong, naming the table. For this and every parser
 * below the string is static and lasts until the next call into them: print it first. */
int acpi_find_rsdp(acpi_map_fn map, void *ctx, uint64_t *rsdp_pa, const char **why);

/* Find the first valid table with signature `sig` (4 characters) through the XSDT (or the
 * RSDT when the RSDP has no usable XSDT). `rsdp_pa` is the RSDP's address, or 0 to search for
 * it. On success returns 0 with the table's address and length (header included, checksum
 * verified). Returns -ENOENT when there is no RSDP or no such table, -EINVAL when the RSDP,
 * the root table or every table with that signature is malformed; *why says which. */
int acpi_find_table(acpi_map_fn map, void *ctx, uint64_t rsdp_pa, const char sig[4], uint64_t *table_pa,
                    uint32_t *table_len, const char **why);

/* Read the FADT and the DSDT's \_S5_ object into *info. `rsdp_pa` as for acpi_find_table().
 * Returns 0 when *info is complete enough for acpi_poweroff(), else -ENOENT (a table or
 * \_S5_ missing) or -EINVAL (something malformed), with *why saying what. On failure *info
 * still holds what was read before the problem (the FADT's reset register in particular),
 * everything else zero, so acpi_reset() can use it either way. */
int acpi_power_parse(acpi_map_fn map, void *ctx, uint64_t rsdp_pa, struct acpi_power_info *info,
                     const char **why);

/* The FADT half of acpi_power_parse(), on a table already read and checksummed: `fadt` is
 * the whole table, `len` bytes. Fills in *info from it (the S5 fields cleared) and returns
 * the DSDT's address in *dsdt_pa. 0, -EINVAL or -ENOENT with *why. */
int acpi_fadt_parse(const void *fadt, size_t len, struct acpi_power_info *info, uint64_t *dsdt_pa,
                    const char **why);

/* Find `Name (_S5_, Package () {SLP_TYPa, SLP_TYPb, ...})` in a block of AML (a DSDT or SSDT
 * after its header) and return the two values, each at most 7. A one-element package holds
 * SLP_TYPa in bits 0-7 and SLP_TYPb in bits 8-15. Returns 0, -ENOENT when there is no _S5_
 * or -EINVAL when it is not such a package, with *why. Reads only aml[0, len). */
int acpi_aml_find_s5(const void *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb, const char **why);

/* The HPET's register block from an HPET table already read and checksummed (`len` bytes):
 * 0 with its physical address, 1 KiB aligned, in *base; -EINVAL with *why when the table is
 * short or the block is not a usable SystemMemory address. */
int acpi_hpet_parse(const void *hpet, size_t len, uint64_t *base, const char **why);

/* The ACPI PM timer (ACPI 6.5 §4.8.3.3): a counter at 3.579545 MHz, 24 bits wide or, with
 * TMR_VAL_EXT, 32. */
#define ACPI_PM_TIMER_HZ 3579545u

struct acpi_pm_timer {
	uint16_t port; /* I/O port of the 32-bit counter register */
	unsigned bits; /* 24 or 32 */
};

/* The PM timer from a FADT already read and checksummed: X_PM_TMR_BLK when it is a nonzero
 * SystemIO address, else PM_TMR_BLK with PM_TMR_LEN 4. Returns 0, -ENOENT when the machine
 * has none (hardware-reduced, or both blocks zero) or -EINVAL when the FADT is short or the
 * block is not a port Mote can read, with *why. */
int acpi_fadt_pm_timer(const void *fadt, size_t len, struct acpi_pm_timer *pmt, const char **why);

/* Enter S5 through the PM1 control blocks, or through the sleep control register on a
 * hardware-reduced machine, first asking firmware for ACPI mode if SCI_EN is clear. A
 * SystemMemory sleep register is written at its physical address, so the caller must have
 * that page mapped at va == pa (QEMU microvm's GED sits at 0xfea00000, above RAM). Returns
 * -ENODEV when *info has no way to power off, or -EIO if the machine is still running
 * about a second after the write. Usable from panic paths: no allocation, no locks, no interrupts
 * needed. kvm and baremetal only (port I/O). */
int acpi_poweroff(const struct acpi_power_info *info);

/* Reset the machine through the FADT reset register (ACPI 6.5 §4.8.3.6). Returns -ENODEV
 * when *info has none (info may be NULL), or -EIO if the machine is still running about a
 * second after the write. A SystemMemory register must be mapped at va == pa. Same context
 * rules as acpi_poweroff(). */
int acpi_reset(const struct acpi_power_info *info);

#endif
