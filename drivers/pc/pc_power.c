/* SPDX-License-Identifier: MIT */
/* pc_power.c: hal/power.h on a PC. The exit status goes to QEMU's isa-debug-exit device at
 * port 0xf4 when it is there (QEMU then exits with status * 2 + 1, see docs/exit-status.md);
 * otherwise ACPI S5 powers off (status lost, printed on the console), and as a last resort
 * the CPU halts with interrupts off. */
#include <stddef.h>

#include <acpi/acpi.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <mote/log.h>

#include <pc/pc_paging.h>
#include <pc/pc.h>

static uint64_t rsdp_hint;

void pc_power_init(uint64_t rsdp) { rsdp_hint = rsdp; }

/* Firmware tables are read where they are: make each range reachable at va == pa first. */
static const void *map_identity(uint64_t pa, size_t len, void *ctx)
{
	(void)ctx;
	if (len == 0 || pa + len < pa || pc_paging_identity(pa, len, HAL_PROT_READ) < 0)
		return NULL;
	return (const void *)(uintptr_t)pa;
}

static int acpi_info(struct acpi_power_info *info)
{
	const char *why = "";
	int err = acpi_power_parse(map_identity, NULL, rsdp_hint, info, &why);

	if (err < 0)
		log_warn("pc: no ACPI poweroff: %s", why);
	return err;
}

static void halt_forever(void) __attribute__((noreturn));
static void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}

void hal_poweroff(int status)
{
	struct acpi_power_info info;

	pc_debug_exit(status);
	/* Still running: no debug-exit device. */
	if (acpi_info(&info) == 0) {
		if (info.sleep_ctl.space == ACPI_REG_MEM)
			pc_paging_identity(info.sleep_ctl.address, 1, HAL_PROT_READ | HAL_PROT_WRITE);
		acpi_poweroff(&info);
	}
	log_err("pc: could not power off; halted with status %d", status);
	halt_forever();
}

void hal_crash(int status) { hal_poweroff(status); }

void hal_reboot(void)
{
	struct acpi_power_info info;

	acpi_info(&info); /* on failure info still holds the reset register, if it was read */
	if (info.reset_reg.space == ACPI_REG_MEM &&
	    pc_paging_identity(info.reset_reg.address, 1, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		info.reset_reg.space = ACPI_REG_NONE;
	acpi_reset(&info);
	log_err("pc: could not reset; halted");
	halt_forever();
}
