/* SPDX-License-Identifier: MIT */
/* acpi_power.c: S5 (soft off) and reset through the registers acpi_power_parse() found. Port
 * I/O: kvm and baremetal only, never Xen PV. The PC's legacy reset paths are drivers/pc's. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <acpi/acpi.h>
#include <arch/io.h>
#include <arch/x86.h>

/* PM1 control register bits, ACPI 6.5 §4.8.3.2.1. */
#define PM1_SCI_EN        (1u << 0)
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_TYP_MASK  (7u << PM1_SLP_TYP_SHIFT)
#define PM1_SLP_EN        (1u << 13)

/* Sleep control register bits, ACPI 6.5 §4.8.3.7. */
#define SLEEP_CTL_SLP_TYP_SHIFT 2
#define SLEEP_CTL_SLP_EN        (1u << 5)

/* No clock is calibrated on the paths that call these (panic included), but every x86 Mote
 * runs on counts TSC ticks at 1 GHz or more, TCG too (it follows the host's), so 1e9 ticks
 * are a second at most. */
#define TICKS_SETTLE      1000000000ull /* for the machine to stop after a request */
#define TICKS_ACPI_ENABLE 3000000000ull /* for firmware to set SCI_EN, as long as Linux waits */

static void settle(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		__asm__ volatile("pause");
}

static void reg_write8(const struct acpi_reg *reg, uint8_t v)
{
	if (reg->space == ACPI_REG_IO)
		outb((uint16_t)reg->address, v);
	else if (reg->space == ACPI_REG_MEM)
		*(volatile uint8_t *)(uintptr_t)reg->address = v;
}

/* On a machine booted in legacy mode the PM registers belong to SMM firmware until the OS
 * asks for them through SMI_CMD (ACPI 6.5 §16.3.1); a sleep request before that may be
 * ignored. The hypervisors Mote runs on do not care, real firmware may. */
static void acpi_mode_enable(const struct acpi_power_info *info)
{
	uint64_t t0;

	if (!info->smi_cmd || !info->acpi_enable || (inw(info->pm1a_cnt) & PM1_SCI_EN))
		return;
	outb(info->smi_cmd, info->acpi_enable);
	t0 = rdtsc();
	while (!(inw(info->pm1a_cnt) & PM1_SCI_EN) && rdtsc() - t0 < TICKS_ACPI_ENABLE)
		__asm__ volatile("pause");
}

static uint16_t pm1_with_typ(uint16_t port, uint8_t slp_typ)
{
	uint16_t v = inw(port) & ~(PM1_SLP_TYP_MASK | PM1_SLP_EN);

	return v | (uint16_t)((slp_typ & 7u) << PM1_SLP_TYP_SHIFT);
}

/* ACPI 6.5 §7.4.2.6 (\_S5): SLP_TYP is written first and SLP_EN after, to both blocks, the
 * other bits of the registers (SCI_EN among them) kept as they are. */
static void pm1_sleep(const struct acpi_power_info *info)
{
	uint16_t a, b = 0;

	acpi_mode_enable(info);
	a = pm1_with_typ(info->pm1a_cnt, info->slp_typa);
	if (info->pm1b_cnt)
		b = pm1_with_typ(info->pm1b_cnt, info->slp_typb);
	outw(info->pm1a_cnt, a);
	if (info->pm1b_cnt)
		outw(info->pm1b_cnt, b);
	outw(info->pm1a_cnt, a | PM1_SLP_EN);
	if (info->pm1b_cnt)
		outw(info->pm1b_cnt, b | PM1_SLP_EN);
}

int acpi_poweroff(const struct acpi_power_info *info)
{
	bool use_sleep_ctl;

	if (!info || !info->s5_found)
		return -ENODEV;
	use_sleep_ctl = info->sleep_ctl.space != ACPI_REG_NONE && (info->hw_reduced || !info->pm1a_cnt);
	if (use_sleep_ctl) {
		/* Hardware-reduced sleep uses SLP_TYPa only (ACPI 6.5 §4.8.3.7). QEMU microvm's
		 * GED powers off on SLP_TYP 5 with SLP_EN. */
		reg_write8(&info->sleep_ctl,
		           (uint8_t)(((info->slp_typa & 7u) << SLEEP_CTL_SLP_TYP_SHIFT) | SLEEP_CTL_SLP_EN));
	} else if (info->pm1a_cnt) {
		pm1_sleep(info);
	} else {
		return -ENODEV;
	}
	/* The hypervisor or the chipset takes a moment to act on the request. */
	settle(TICKS_SETTLE);
	return -EIO;
}

int acpi_reset(const struct acpi_power_info *info)
{
	if (!info || info->reset_reg.space == ACPI_REG_NONE)
		return -ENODEV;
	reg_write8(&info->reset_reg, info->reset_value);
	settle(TICKS_SETTLE);
	return -EIO;
}
