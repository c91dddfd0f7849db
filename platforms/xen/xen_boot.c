/* SPDX-License-Identifier: MIT */
/* xen_boot.c: the Xen PV platform's C entry. Maps the shared info page, wires traps and events,
 * sets up the map of RAM, reads start_info (public/xen.h: memory size, command line, boot module) and
 * hands core a filled struct hal_boot_info. */
#include <stddef.h>
#include <string.h>

#include <hal/boot.h>
#include <hal/console.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <mote/status.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

extern char __image_start[], __image_end[], __boot_stack_lo[], __boot_stack_hi[];

/* The heap and other core mappings go in the second 512 GiB of the address space, far from
 * the map of RAM at its pseudo-physical addresses. */
#define XEN_VSPACE_BASE (512ull << 30)
#define XEN_VSPACE_LEN  (256ull << 30)

const struct start_info *xen_start_info;
struct shared_info *xen_shared_info;

/* A page of the image's address space that the shared info frame is mapped over. */
static char shared_info_va[HAL_PAGE_SIZE] __attribute__((aligned(HAL_PAGE_SIZE)));

static struct hal_boot_info boot_info;

int xen_is_dom0(void) { return (xen_start_info->flags & SIF_INITDOMAIN) != 0; }

static void boot_error(const char *msg) __attribute__((noreturn));
static void boot_error(const char *msg)
{
	hal_console_write("mote: xen: ", 11);
	hal_console_write(msg, strlen(msg));
	hal_console_write("\n", 1);
	hal_crash(MOTE_STATUS_PANIC);
}

/* start_info holds MAX_GUEST_CMDLINE (1024) bytes, and Xen and its tools cut a longer line to
 * 1023 bytes and a NUL without a trace. A line that fills the buffer may have been cut, so it
 * is refused like a line with no NUL at all: core stops with MOTE_STATUS_BAD_CMDLINE rather
 * than run an application on the first part of its arguments. Lines of 1022 bytes or less are
 * whole. */
static void copy_cmdline(void)
{
	const char *src = (const char *)xen_start_info->cmd_line;
	size_t n = strnlen(src, MAX_GUEST_CMDLINE);

	_Static_assert(MAX_GUEST_CMDLINE <= HAL_BOOT_CMDLINE_MAX, "start_info's line fits boot_info's");
	if (n >= MAX_GUEST_CMDLINE - 1) {
		boot_info.cmdline_too_long = MAX_GUEST_CMDLINE - 2;
		return;
	}
	memcpy(boot_info.cmdline, src, n);
	boot_info.cmdline[n] = '\0';
}

/* Add [lo, hi) to the RAM ranges minus the pages in `skip` (each one page, sorted or not). */
static void add_ram(uintptr_t lo, uintptr_t hi, const uintptr_t *skip, unsigned nskip)
{
	for (unsigned i = 0; i < nskip; i++) {
		if (skip[i] >= lo && skip[i] < hi) {
			add_ram(lo, skip[i], skip, nskip);
			add_ram(skip[i] + HAL_PAGE_SIZE, hi, skip, nskip);
			return;
		}
	}
	if (hi > lo && boot_info.nram < HAL_BOOT_MAX_RANGES)
		boot_info.ram[boot_info.nram++] = (struct hal_mem_range){lo, hi - lo};
}

void xen_main(const struct start_info *si, uintptr_t bootstrap_end) __attribute__((noreturn));
void xen_main(const struct start_info *si, uintptr_t bootstrap_end)
{
	uintptr_t skip[4];
	unsigned nskip = 0;

	xen_start_info = si;
	if (xen_mm_map_mfn((uintptr_t)shared_info_va, si->shared_info >> 12, HAL_PROT_READ | HAL_PROT_WRITE) <
	    0)
		hal_crash(MOTE_STATUS_PANIC); /* no console without it on a domU: nothing to say */
	xen_shared_info = (struct shared_info *)shared_info_va;
	xen_vcpu()->evtchn_upcall_mask = 1; /* "interrupts off" until core enables them */
	xen_time_init();
	xen_console_init();
	xen_traps_init();
	xen_evtchn_init();
	if (strncmp(si->magic, "xen-3.0-x86_64", 14) != 0)
		boot_error("start_info is not that of a 64-bit PV guest (xen-3.0-x86_64)");

	boot_info.platform = "xen";
	boot_info.tsc_at_entry = xen_tsc_at_entry;
	boot_info.ram_total = si->nr_pages * HAL_PAGE_SIZE;
	copy_cmdline();
	if (si->mod_start && si->mod_len) {
		uintptr_t va = si->flags & SIF_MOD_START_PFN ? si->mod_start << 12 : si->mod_start;

		boot_info.modules[boot_info.nmodules++] =
		        (struct hal_boot_module){.va = va, .len = si->mod_len, .cmdline = ""};
		if (va + si->mod_len > bootstrap_end)
			boot_error("the boot module lies outside Xen's bootstrap region");
	}

	/* Set up the map of RAM and protect the image, with table pages from after the bootstrap
	 * data; RAM for core starts after them. */
	uintptr_t ram_start = (bootstrap_end + HAL_PAGE_SIZE - 1) & ~(HAL_PAGE_SIZE - 1);
	uintptr_t ram_end = si->nr_pages * HAL_PAGE_SIZE;

	if (xen_mm_init(si->nr_pages, &ram_start) < 0)
		boot_error("could not build the page tables (out of memory or refused by Xen)");

	/* A domU's xenstore and console pages are ordinary pages of its RAM: keep them out. */
	if (!xen_is_dom0()) {
		skip[nskip++] = xen_mfn_to_pfn(si->store_mfn) << 12;
		skip[nskip++] = xen_mfn_to_pfn(si->console.domU.mfn) << 12;
	}
	add_ram(HAL_PAGE_SIZE, (uintptr_t)__image_start, skip, nskip);
	add_ram(ram_start, ram_end, skip, nskip);
	if (boot_info.nram == 0)
		boot_error("no usable RAM left after the image");

	boot_info.vspace_base = XEN_VSPACE_BASE;
	boot_info.vspace_len = XEN_VSPACE_LEN;
	boot_info.boot_stack_lo = (uintptr_t)__boot_stack_lo;
	boot_info.boot_stack_hi = (uintptr_t)__boot_stack_hi;
	core_main(&boot_info);
}
