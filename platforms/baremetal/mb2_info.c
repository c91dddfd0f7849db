/* SPDX-License-Identifier: MIT */
/* mb2_info.c: reads the Multiboot2 boot information a loader (GRUB) hands over: memory map (BIOS
 * e820 tag 6 or the EFI map, tag 17), command line, modules, ACPI RSDP, framebuffer. Everything
 * in it is checked against its bounds: it comes from outside. */
#include <errno.h>
#include <string.h>

#include "mb2_info.h"

#define EFI_LOADER_CODE        1
#define EFI_BOOT_SERVICES_DATA 4
#define EFI_CONVENTIONAL       7
#define EFI_ACPI_RECLAIM       9
#define EFI_ACPI_NVS           10
#define EFI_PAGE               4096ull

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static int fail(const char **why, const char *msg)
{
	*why = msg;
	return -EINVAL;
}

/* A string that must end with its NUL within [p, p + n). */
static const char *string_in(const uint8_t *p, size_t n)
{
	return n > 0 && memchr(p, 0, n) ? (const char *)p : NULL;
}

/* Tag 6: entry_size, entry_version, then entries of base, length, type (§3.6.8). */
static int parse_mmap(const uint8_t *t, uint32_t size, struct mb2_info *out, const char **why)
{
	if (size < 16)
		return fail(why, "memory-map tag too short");
	uint32_t esize = rd32(t + 8);

	if (esize < 24 || esize % 8)
		return fail(why, "memory-map entry size is not a multiple of 8 of at least 24");
	out->nmemmap = 0;
	out->memmap_from_efi = 0;
	for (uint32_t off = 16; off + esize <= size && out->nmemmap < MB2_MEMMAP_MAX; off += esize)
		out->memmap[out->nmemmap++] =
		        (struct pc_memmap_entry){rd64(t + off), rd64(t + off + 8), rd32(t + off + 16)};
	return 0;
}

/* The e820 type of an EFI memory type: what the loader and boot services used is free once
 * boot services have ended (GRUB ends them before the entry). */
static uint32_t efi_type(uint32_t type)
{
	if ((type >= EFI_LOADER_CODE && type <= EFI_BOOT_SERVICES_DATA) || type == EFI_CONVENTIONAL)
		return 1;
	if (type == EFI_ACPI_RECLAIM)
		return 3;
	if (type == EFI_ACPI_NVS)
		return 4;
	return 2;
}

/* Tag 17: descriptor_size, descriptor_version, then UEFI EFI_MEMORY_DESCRIPTORs (UEFI 2.10
 * §7.2.3: type, pad, physical start, virtual start, number of 4 KiB pages, attributes). */
static int parse_efi_mmap(const uint8_t *t, uint32_t size, struct mb2_info *out, const char **why)
{
	if (size < 16)
		return fail(why, "EFI memory-map tag too short");
	uint32_t dsize = rd32(t + 8);

	if (dsize < 40 || dsize % 8)
		return fail(why, "EFI memory descriptor size is not a multiple of 8 of at least 40");
	out->nmemmap = 0;
	out->memmap_from_efi = 1;
	for (uint32_t off = 16; off + dsize <= size && out->nmemmap < MB2_MEMMAP_MAX; off += dsize) {
		uint64_t pages = rd64(t + off + 24);

		if (pages > UINT64_MAX / EFI_PAGE)
			return fail(why, "EFI memory descriptor larger than the address space");
		out->memmap[out->nmemmap++] = (struct pc_memmap_entry){rd64(t + off + 8), pages * EFI_PAGE,
		                                                       efi_type(rd32(t + off))};
	}
	return 0;
}

int mb2_info_parse(const void *buf, size_t len, struct mb2_info *out, const char **why)
{
	const uint8_t *b = buf;
	int have_bios_map = 0, have_acpi_new = 0;

	memset(out, 0, sizeof(*out));
	*why = "";
	if (len < 8)
		return fail(why, "boot information shorter than its header");
	uint32_t total = rd32(b);

	if (total < 16 || total > len)
		return fail(why, "boot information total_size out of bounds");
	for (uint64_t off = 8;;) {
		if (off + 8 > total)
			return fail(why, "boot information has no end tag");
		const uint8_t *t = b + off;
		uint32_t type = rd32(t), size = rd32(t + 4);

		if (size < 8 || size > total - off)
			return fail(why, "a tag's size runs past the boot information");
		if (type == MB2_TAG_END)
			break;
		switch (type) {
		case MB2_TAG_CMDLINE:
			out->cmdline = string_in(t + 8, size - 8);
			if (!out->cmdline)
				return fail(why, "command-line tag without its NUL");
			break;
		case MB2_TAG_MODULE:
			if (size < 17)
				return fail(why, "module tag too short");
			if (rd32(t + 12) < rd32(t + 8))
				return fail(why, "module ends before it starts");
			if (out->nmodules < MB2_MODULES_MAX) {
				const char *s = string_in(t + 16, size - 16);

				if (!s)
					return fail(why, "module string without its NUL");
				out->modules[out->nmodules++] =
				        (struct mb2_module){rd32(t + 8), rd32(t + 12), s};
			}
			break;
		case MB2_TAG_MMAP:
			if (parse_mmap(t, size, out, why) < 0)
				return -EINVAL;
			have_bios_map = 1;
			break;
		case MB2_TAG_EFI_MMAP:
			/* GRUB gives both on UEFI, tag 6 made from this one; either will do, and tag 6
			 * is the one the BIOS path tests too. */
			if (!have_bios_map && parse_efi_mmap(t, size, out, why) < 0)
				return -EINVAL;
			break;
		case MB2_TAG_FRAMEBUFFER:
			if (size < 31)
				return fail(why, "framebuffer tag too short");
			out->fb = (struct mb2_framebuffer){.addr = rd64(t + 8),
			                                   .pitch = rd32(t + 16),
			                                   .width = rd32(t + 20),
			                                   .height = rd32(t + 24),
			                                   .bpp = t[28],
			                                   .type = t[29]};
			/* The colour fields follow the common part, which GRUB lays out with a 16-bit
			 * reserved field (32 bytes; the specification's text says 8 bits). */
			if (out->fb.type == 1) {
				if (size < 38)
					return fail(why, "RGB framebuffer tag too short");
				out->fb.red_pos = t[32];
				out->fb.red_size = t[33];
				out->fb.green_pos = t[34];
				out->fb.green_size = t[35];
				out->fb.blue_pos = t[36];
				out->fb.blue_size = t[37];
			}
			out->has_fb = 1;
			break;
		case MB2_TAG_EFI32:
		case MB2_TAG_EFI64:
			out->efi = 1;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* The tag holds a copy of the RSDP itself (20 bytes for ACPI 1.0, 36 after). */
			if (size - 8 < 20)
				return fail(why, "ACPI RSDP tag too short");
			if (type == MB2_TAG_ACPI_NEW || !have_acpi_new) {
				out->rsdp = t + 8;
				out->rsdp_len = size - 8;
				have_acpi_new = type == MB2_TAG_ACPI_NEW;
			}
			break;
		default:
			break;
		}
		off += ((uint64_t)size + 7) & ~7ull; /* tags start 8-byte aligned */
	}
	return 0;
}
