/* SPDX-License-Identifier: MIT */
/* hal/boot.h: what a platform tells core about the machine before core_main() runs. */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define HAL_BOOT_MAX_RANGES  32
#define HAL_BOOT_MAX_MODULES 8
#define HAL_BOOT_CMDLINE_MAX 4096

/* A range of usable RAM, already mapped read-write and non-executable at `va`. The platform
 * has removed from these ranges everything it still uses (image, page tables, boot data). */
struct hal_mem_range {
	uintptr_t va;
	size_t len;
};

/* A boot module (an initrd), mapped read-only at `va` and excluded from the RAM ranges. */
struct hal_boot_module {
	uintptr_t va;
	size_t len;
	const char *cmdline; /* the module's own string, "" when none */
};

struct hal_boot_info {
	const char *platform; /* "kvm", "xen", "baremetal" */
	struct hal_mem_range ram[HAL_BOOT_MAX_RANGES];
	unsigned nram;
	size_t ram_total; /* bytes of RAM the machine has, usable or not */
	struct hal_boot_module modules[HAL_BOOT_MAX_MODULES];
	unsigned nmodules;
	/* NUL-terminated copy of the boot command line, owned by the platform. */
	char cmdline[HAL_BOOT_CMDLINE_MAX];
	/* 0, or the most bytes of command line the platform takes when the boot loader's line was
	 * longer (or may have been cut to fit): cmdline[] is then empty and core stops the boot
	 * with MOTE_STATUS_BAD_CMDLINE rather than run on a truncated line. */
	size_t cmdline_too_long;
	/* A window of virtual address space nothing is mapped in, which core may map pages into
	 * with hal_mem_map() (the heap lives there). */
	uintptr_t vspace_base;
	size_t vspace_len;
	/* Bounds of the stack core_main() runs on, so faults can tell an overflow. */
	uintptr_t boot_stack_lo, boot_stack_hi;
	/* Physical address of the ACPI RSDP, 0 when the platform has none or does not know. */
	uint64_t acpi_rsdp;
	/* Timestamp counter read at the platform's first instruction, for boot-time figures. */
	uint64_t tsc_at_entry;
};

/* Core's entry point. The platform calls it once, on the boot stack, with interrupts off,
 * exceptions routed to arch_trap(), the console usable and `info` filled in. Never returns. */
void core_main(struct hal_boot_info *info) __attribute__((noreturn));

#endif
