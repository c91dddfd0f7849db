/* SPDX-License-Identifier: MIT */
/* pvh_boot.c: the kvm platform's C entry. Reads the PVH hvm_start_info (Xen's public
 * arch-x86/hvm/start_info.h ABI, which QEMU, Firecracker and cloud-hypervisor implement),
 * finishes the CPU and page-table set-up, and hands core a filled struct hal_boot_info. */
#include <stddef.h>
#include <string.h>

#include <arch/native.h>
#include <arch/x86.h>
#include <hal/boot.h>
#include <hal/console.h>
#include <hal/power.h>
#include <mote/status.h>
#include <xen/arch-x86/hvm/start_info.h>

#include <pc/pc.h>
#include <pc/pc_memmap.h>
#include <pc/pc_paging.h>

#include "pvh_layout.h"

/* pvh_entry.S reads these fields by offset before any C runs. */
_Static_assert(PVH_SI_MAGIC == XEN_HVM_START_MAGIC_VALUE, "start_info magic");
_Static_assert(PVH_SI_SIZE == sizeof(struct hvm_start_info), "start_info size");
_Static_assert(PVH_SI_VERSION == offsetof(struct hvm_start_info, version), "start_info layout");
_Static_assert(PVH_SI_NR_MODULES == offsetof(struct hvm_start_info, nr_modules), "start_info layout");
_Static_assert(PVH_SI_MODLIST_PADDR == offsetof(struct hvm_start_info, modlist_paddr), "start_info layout");
_Static_assert(PVH_SI_CMDLINE_PADDR == offsetof(struct hvm_start_info, cmdline_paddr), "start_info layout");
_Static_assert(PVH_SI_MEMMAP_PADDR == offsetof(struct hvm_start_info, memmap_paddr), "start_info layout");
_Static_assert(PVH_SI_MEMMAP_ENTRIES == offsetof(struct hvm_start_info, memmap_entries), "start_info layout");
_Static_assert(PVH_MEMMAP_ENTRY_SIZE == sizeof(struct hvm_memmap_table_entry), "memmap entry size");
_Static_assert(PVH_MOD_ENTRY_SIZE == sizeof(struct hvm_modlist_entry), "modlist entry size");
_Static_assert(PVH_MOD_CMDLINE_PADDR == offsetof(struct hvm_modlist_entry, cmdline_paddr), "modlist layout");
_Static_assert(PVH_MODULES_MAX == HAL_BOOT_MAX_MODULES, "modules the entry checks");
_Static_assert(PVH_CMDLINE_MAX == HAL_BOOT_CMDLINE_MAX, "command-line bytes the entry checks");

extern char __image_start[], __image_end[], __boot_stack_lo[], __boot_stack_hi[];
extern uint64_t pvh_tsc_at_entry;

static struct hal_boot_info boot_info;

/* Too little RAM for what boot needs (`what`), in the words pvh_entry.S uses for its own such
 * stop, with the advice that goes with it. */
static void no_memory(const char *what) __attribute__((noreturn, cold));
static void no_memory(const char *what)
{
	static const char head[] = "mote: kvm: the image does not fit in RAM: ";
	static const char tail[] = ": give the machine more memory (-m)\n";

	hal_console_write(head, sizeof(head) - 1);
	hal_console_write(what, strlen(what));
	hal_console_write(tail, sizeof(tail) - 1);
	hal_crash(MOTE_STATUS_NO_MEMORY);
}

/* pvh_entry.S has checked that the line's first HAL_BOOT_CMDLINE_MAX bytes (or up to its NUL)
 * are below 4 GiB and clear of the image, so reading that far is safe; a line without its NUL
 * in them is too long, and core reports it. */
static void copy_cmdline(uint64_t pa)
{
	const char *src = (const char *)(uintptr_t)pa;
	size_t n = 0;

	if (!pa)
		return;
	while (n < HAL_BOOT_CMDLINE_MAX && src[n])
		n++;
	if (n == HAL_BOOT_CMDLINE_MAX) {
		boot_info.cmdline_too_long = HAL_BOOT_CMDLINE_MAX - 1;
		return;
	}
	memcpy(boot_info.cmdline, src, n + 1);
}

void pvh_main(uint32_t start_info_pa) __attribute__((noreturn));
void pvh_main(uint32_t start_info_pa)
{
	const struct hvm_start_info *si = (const struct hvm_start_info *)(uintptr_t)start_info_pa;
	struct pc_region reserved[4 + 2 * HAL_BOOT_MAX_MODULES];
	unsigned nres = 0;
	uint64_t ram_top;

	pc_console_init();
	pc_clock_init(pvh_tsc_at_entry);
	native_desc_init();
	native_fpu_init();
	pc_pic_disable();
	/* pvh_entry.S has stopped already, saying why, unless start_info has the right magic, is
	 * version 1 or later, and has a memory map of 1 to PVH_MEMMAP_MAX entries. */

	boot_info.platform = "kvm";
	boot_info.tsc_at_entry = pvh_tsc_at_entry;
	boot_info.acpi_rsdp = si->rsdp_paddr;
	copy_cmdline(si->cmdline_paddr);

	/* Keep out of the RAM ranges: page 0 (never mapped), the image with its stack, the boot
	 * modules with their strings, and the module list core reads through boot_info. */
	reserved[nres++] = (struct pc_region){0, 4096};
	reserved[nres++] = (struct pc_region){(uintptr_t)__image_start, (uintptr_t)__image_end};
	const struct hvm_modlist_entry *mods = (const void *)(uintptr_t)si->modlist_paddr;

	if (si->nr_modules)
		reserved[nres++] = (struct pc_region){si->modlist_paddr, si->modlist_paddr + 4096};

	for (uint32_t i = 0; i < si->nr_modules && i < HAL_BOOT_MAX_MODULES; i++) {
		reserved[nres++] = (struct pc_region){mods[i].paddr, mods[i].paddr + mods[i].size};
		if (mods[i].cmdline_paddr)
			reserved[nres++] =
			        (struct pc_region){mods[i].cmdline_paddr, mods[i].cmdline_paddr + 4096};
		boot_info.modules[boot_info.nmodules++] = (struct hal_boot_module){
		        .va = (uintptr_t)mods[i].paddr,
		        .len = (size_t)mods[i].size,
		        .cmdline =
		                mods[i].cmdline_paddr ? (const char *)(uintptr_t)mods[i].cmdline_paddr : "",
		};
	}

	struct pc_memmap_entry map[64];
	const struct hvm_memmap_table_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
	unsigned n = si->memmap_entries < 64 ? si->memmap_entries : 64;

	for (unsigned i = 0; i < n; i++) {
		map[i] = (struct pc_memmap_entry){e[i].addr, e[i].size, e[i].type};
		boot_info.ram_total += e[i].type == XEN_HVM_MEMMAP_TYPE_RAM ? e[i].size : 0;
	}
	int nram = pc_memmap_build(map, n, reserved, nres, boot_info.ram, HAL_BOOT_MAX_RANGES, &ram_top);

	if (nram <= 0)
		no_memory("no usable RAM beside it");
	boot_info.nram = (unsigned)nram;

	if (pc_paging_init(pc_early_pml4, pc_early_pd, ram_top, &boot_info) < 0)
		no_memory("none left for page tables");

	pc_acpi_init(boot_info.acpi_rsdp); /* si may be overwritten by now */
	boot_info.boot_stack_lo = (uintptr_t)__boot_stack_lo;
	boot_info.boot_stack_hi = (uintptr_t)__boot_stack_hi;
	core_main(&boot_info);
}
