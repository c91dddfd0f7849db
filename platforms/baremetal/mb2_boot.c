/* SPDX-License-Identifier: MIT */
/* mb2_boot.c: the baremetal platform's C entry. Reads the Multiboot2 boot information the entry
 * copied into the image, finishes the CPU and page-table set-up with the PC code (drivers/pc),
 * and hands core a filled struct hal_boot_info. */
#include <stddef.h>
#include <string.h>

#include <arch/native.h>
#include <hal/boot.h>
#include <hal/console.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <mote/log.h>
#include <mote/status.h>
#include <pc/pc.h>
#include <pc/pc_memmap.h>
#include <pc/pc_paging.h>
#include <screen/screen.h>

#include "mb2_info.h"
#include "mb2_layout.h"

_Static_assert(MB2_LOADER_MAGIC == MB2_BOOTLOADER_MAGIC, "loader magic");
_Static_assert(MB2_MODULES_MAX == HAL_BOOT_MAX_MODULES, "modules the parser keeps");

extern char __image_start[], __image_end[], __bss_start[], __boot_stack_lo[], __boot_stack_hi[];
extern uint64_t mb2_tsc_at_entry;
extern uint8_t mb2_info_copy[MB2_INFO_MAX];

static struct hal_boot_info boot_info;
static struct mb2_info mbi;

static void boot_error(const char *msg, int status) __attribute__((noreturn));
static void boot_error(const char *msg, int status)
{
	hal_console_write("mote: baremetal: ", 17);
	hal_console_write(msg, strlen(msg));
	hal_console_write("\n", 1);
	hal_crash(status);
}

/* The line is inside the copied information, NUL-terminated (the parser checked). */
static void copy_cmdline(const char *src)
{
	size_t n;

	if (!src)
		return;
	n = strlen(src);
	if (n >= HAL_BOOT_CMDLINE_MAX) {
		boot_info.cmdline_too_long = HAL_BOOT_CMDLINE_MAX - 1;
		return;
	}
	memcpy(boot_info.cmdline, src, n + 1);
}

/* Whether [start, end) overlaps what the kernel writes: .bss and the boot stack. GRUB puts
 * nothing on the loaded segments, but may use the gaps between them, which is harmless. */
static int on_writable_image(uint64_t start, uint64_t end)
{
	return start < (uintptr_t)__image_end && end > (uintptr_t)__bss_start;
}

/* The screen is device memory outside RAM (a framebuffer is often above 1 GiB), reachable at
 * va == pa once mapped; core's page allocator does not exist yet, so the tables come from the
 * boot pool. */
static volatile void *map_screen(uint64_t pa, size_t len)
{
	if (pc_paging_identity_boot(&boot_info, pa, len, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		return NULL;
	return (volatile void *)(uintptr_t)pa;
}

/* The screen console, beside COM1: the mode GRUB describes (tag 8), or with no tag VGA text
 * mode as a BIOS leaves it; under UEFI without a tag there is no screen to write to. */
static void screen_setup(void)
{
	const struct mb2_framebuffer *f = &mbi.fb;
	struct screen_mode m = {
	        .kind = SCREEN_VGA_TEXT, .addr = 0xb8000, .pitch = 160, .width = 80, .height = 25};
	const char *why;

	if (mbi.has_fb) {
		if (f->type != 1 && f->type != 2) {
			log_warn("baremetal: no screen console: an indexed-colour framebuffer");
			return;
		}
		m = (struct screen_mode){.kind = f->type == 2 ? SCREEN_VGA_TEXT : SCREEN_RGB,
		                         .addr = f->addr,
		                         .pitch = f->pitch,
		                         .width = f->width,
		                         .height = f->height,
		                         .bpp = f->bpp,
		                         .red_pos = f->red_pos,
		                         .red_size = f->red_size,
		                         .green_pos = f->green_pos,
		                         .green_size = f->green_size,
		                         .blue_pos = f->blue_pos,
		                         .blue_size = f->blue_size};
	} else if (mbi.efi) {
		return;
	}
	if (screen_init(&m, map_screen, &why) < 0) {
		log_warn("baremetal: no screen console: %s", why);
		return;
	}
	pc_console_mirror(screen_write);
	if (m.kind == SCREEN_VGA_TEXT)
		log_debug("baremetal: screen console: VGA text %ux%u", m.width, m.height);
	else
		log_debug("baremetal: screen console: framebuffer %ux%u, %u bits a pixel, at 0x%llx", m.width,
		          m.height, m.bpp, (unsigned long long)m.addr);
}

void mb2_main(void) __attribute__((noreturn));
void mb2_main(void)
{
	struct pc_region reserved[2 + HAL_BOOT_MAX_MODULES];
	unsigned nres = 0;
	const char *why;
	uint64_t ram_top;

	pc_console_init();
	pc_clock_init(mb2_tsc_at_entry);
	native_desc_init();
	native_fpu_init();
	pc_pic_disable();
	if (mb2_info_parse(mb2_info_copy, sizeof(mb2_info_copy), &mbi, &why) < 0)
		boot_error(why, MOTE_STATUS_PANIC);
	if (mbi.nmemmap == 0)
		boot_error("the boot loader passed no memory map", MOTE_STATUS_PANIC);

	boot_info.platform = "baremetal";
	boot_info.tsc_at_entry = mb2_tsc_at_entry;
	/* The tag holds a copy of the RSDP, in the image and so identity-mapped: its address is
	 * the physical address the ACPI code reads it from. */
	boot_info.acpi_rsdp = (uintptr_t)mbi.rsdp;
	copy_cmdline(mbi.cmdline);

	/* Keep out of the RAM ranges: page 0 (never mapped), the image with its stack and the
	 * copied boot information, and the modules. */
	reserved[nres++] = (struct pc_region){0, 4096};
	reserved[nres++] = (struct pc_region){(uintptr_t)__image_start, (uintptr_t)__image_end};
	for (unsigned i = 0; i < mbi.nmodules; i++) {
		const struct mb2_module *m = &mbi.modules[i];

		if (on_writable_image(m->start, m->end))
			boot_error("the boot loader put a module on the image", MOTE_STATUS_PANIC);
		reserved[nres++] = (struct pc_region){m->start, m->end};
		boot_info.modules[boot_info.nmodules++] = (struct hal_boot_module){
		        .va = (uintptr_t)m->start, .len = m->end - m->start, .cmdline = m->cmdline};
	}
	for (unsigned i = 0; i < mbi.nmemmap; i++)
		boot_info.ram_total += mbi.memmap[i].type == 1 ? mbi.memmap[i].size : 0;
	int nram = pc_memmap_build(mbi.memmap, mbi.nmemmap, reserved, nres, boot_info.ram,
	                           HAL_BOOT_MAX_RANGES, &ram_top);

	if (nram <= 0)
		boot_error("no usable RAM beside the image", MOTE_STATUS_NO_MEMORY);
	boot_info.nram = (unsigned)nram;

	if (pc_paging_init(pc_early_pml4, pc_early_pd, ram_top, &boot_info) < 0)
		boot_error("no RAM left for page tables", MOTE_STATUS_NO_MEMORY);
	screen_setup();

	pc_acpi_init(boot_info.acpi_rsdp);
	boot_info.boot_stack_lo = (uintptr_t)__boot_stack_lo;
	boot_info.boot_stack_hi = (uintptr_t)__boot_stack_hi;
	log_debug("baremetal: memory map from %s, %u module(s)%s",
	          mbi.memmap_from_efi ? "EFI (tag 17)" : "BIOS (tag 6)", mbi.nmodules,
	          mbi.has_fb ? ", framebuffer present" : "");
	core_main(&boot_info);
}
