/* SPDX-License-Identifier: MIT */
/* pc_power.c: hal/power.h on a PC. The exit status goes to QEMU's isa-debug-exit device at
 * port 0xf4 when it is there (QEMU then exits with status * 2 + 1, see docs/exit-status.md);
 * otherwise ACPI S5 powers off (status lost, printed on the console), and as a last resort
 * the CPU halts with interrupts off. A reset tries the ACPI reset register, the chipset's
 * 0xcf9, the keyboard controller and a triple fault, in that order. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <acpi/acpi.h>
#include <arch/io.h>
#include <arch/x86.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/log.h>

#include <pc/pc_paging.h>
#include <pc/pc.h>
#include "pc_acpi.h"

static int acpi_info(struct acpi_power_info *info)
{
	const char *why = "";
	int err = acpi_power_parse(pc_acpi_map, NULL, pc_acpi_rsdp(), info, &why);

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

/* The ways to reset a PC, tried in this order; pc.reset= starts at one of them, so a test
 * shows that each works on its own. */
enum reset_way { RESET_ACPI, RESET_CF9, RESET_KBC, RESET_TRIPLE };

static const char *const reset_names[] = {"acpi", "cf9", "kbc", "triple"};
static enum reset_way reset_first;

static int set_reset(const char *value, char *err, size_t errlen)
{
	for (unsigned i = 0; value && i < sizeof(reset_names) / sizeof(reset_names[0]); i++)
		if (strcmp(value, reset_names[i]) == 0) {
			reset_first = (enum reset_way)i;
			return 0;
		}
	fmt_snprintf(err, errlen, "unknown reset method");
	return -EINVAL;
}
CMDLINE_OPTION(pc_reset, "pc.reset", set_reset,
               "pc.reset=acpi|cf9|kbc|triple: the first reset method tried, the later ones behind it");

/* No clock may be calibrated here (panic paths), but every TSC Mote runs on counts at 1 GHz
 * or more, so 1e9 ticks are a second at most. */
#define TICKS_SETTLE  1000000000ull /* for the machine to stop after a request */
#define TICKS_RST_CNT 100000ull     /* between the two 0xcf9 writes, tens of us */
#define TICKS_KBC     100000000ull  /* for the 8042 to take a command */

/* Reset control register of PIIX/ICH chipsets: SYS_RST picks a full reset, RST_CPU starts it. */
#define RST_CNT_PORT    0xcf9
#define RST_CNT_SYS_RST 0x02
#define RST_CNT_RST_CPU 0x04

/* 8042 keyboard controller: command 0xfe pulses the CPU reset line. */
#define KBC_STATUS_PORT 0x64
#define KBC_STATUS_IBF  0x02
#define KBC_CMD_RESET   0xfe

static void settle(uint64_t ticks)
{
	uint64_t t0 = rdtsc();

	while (rdtsc() - t0 < ticks)
		__asm__ volatile("pause");
}

static void reset_acpi(void)
{
	struct acpi_power_info info;

	acpi_info(&info); /* on failure info still holds the reset register, if it was read */
	if (info.reset_reg.space == ACPI_REG_MEM &&
	    pc_paging_identity(info.reset_reg.address, 1, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		info.reset_reg.space = ACPI_REG_NONE;
	if (acpi_reset(&info) == -ENODEV)
		log_debug("pc: no ACPI reset register");
}

static void reset_cf9(void)
{
	outb(RST_CNT_PORT, RST_CNT_SYS_RST);
	settle(TICKS_RST_CNT);
	outb(RST_CNT_PORT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
	settle(TICKS_SETTLE);
}

static void reset_kbc(void)
{
	/* Bounded: with no controller the status port reads 0xff, input buffer forever full. */
	uint64_t t0 = rdtsc();

	while ((inb(KBC_STATUS_PORT) & KBC_STATUS_IBF) && rdtsc() - t0 < TICKS_KBC)
		__asm__ volatile("pause");
	outb(KBC_STATUS_PORT, KBC_CMD_RESET);
	settle(TICKS_SETTLE);
}

/* The last resort: with an empty IDT the breakpoint cannot be delivered, nor the double fault
 * that follows, and the CPU shuts down (Intel SDM vol. 3 §6.15, interrupt 8), which a PC's
 * chipset turns into a reset. */
static void reset_triple(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) no_idt = {0, 0};

	__asm__ volatile("cli; lidt %0; int3" ::"m"(no_idt));
	settle(TICKS_SETTLE);
}

void hal_reboot(void)
{
	static void (*const ways[])(void) = {reset_acpi, reset_cf9, reset_kbc, reset_triple};

	log_info("pc: resetting the machine, from %s on", reset_names[reset_first]);
	for (unsigned i = reset_first; i < sizeof(ways) / sizeof(ways[0]); i++) {
		ways[i]();
		if (i + 1 < sizeof(ways) / sizeof(ways[0]))
			log_warn("pc: reset through %s did not take; trying %s", reset_names[i],
			         reset_names[i + 1]);
	}
	log_err("pc: could not reset; halted");
	halt_forever();
}
