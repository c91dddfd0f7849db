/* SPDX-License-Identifier: MIT */
/* mb2_info.h: the Multiboot2 boot information (Multiboot2 specification 2.0, §3.6) as Mote reads
 * it. The parser is pure logic over a copy of the information, unit-tested and fuzzed on the host
 * (tests/unit/test_mb2_info.c, tests/fuzz/fuzz_mb2_info.c). */
#ifndef MB2_INFO_H
#define MB2_INFO_H

#include <stddef.h>
#include <stdint.h>

#include <pc/pc_memmap.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289u /* in %eax at the entry */
#define MB2_MEMMAP_MAX       128
#define MB2_MODULES_MAX      8

/* Tag types this parser reads (§3.6.1 onwards). */
enum {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_FRAMEBUFFER = 8,
	MB2_TAG_EFI32 = 11,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
	MB2_TAG_EFI_MMAP = 17,
};

struct mb2_module {
	uint32_t start, end; /* [start, end), physical */
	const char *cmdline; /* inside the information, NUL-terminated */
};

struct mb2_framebuffer {
	uint64_t addr;
	uint32_t pitch, width, height;
	uint8_t bpp, type; /* type 0 indexed, 1 RGB, 2 EGA text */
	/* type 1 only: where each colour's bits are in a pixel, and how many */
	uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct mb2_info {
	const char *cmdline; /* NULL when the loader gave none */
	struct pc_memmap_entry memmap[MB2_MEMMAP_MAX];
	unsigned nmemmap;
	int memmap_from_efi; /* 1 when the map came from tag 17, the EFI memory map */
	struct mb2_module modules[MB2_MODULES_MAX];
	unsigned nmodules;
	const void *rsdp; /* the RSDP copy inside the information (tag 15, else 14), or NULL */
	size_t rsdp_len;
	struct mb2_framebuffer fb;
	int has_fb;
	int efi; /* 1 when the loader passed the EFI system table (tag 11 or 12): booted by UEFI */
};

/* Parse the boot information at `buf` (`len` bytes available there; the information's own
 * total_size must fit in them). Pointers in `out` point into `buf`. Unknown tags are skipped;
 * modules past MB2_MODULES_MAX and map entries past MB2_MEMMAP_MAX are dropped. Returns 0, or
 * -EINVAL with `*why` saying what is malformed (a size out of bounds, no end tag, a string
 * without its NUL). */
int mb2_info_parse(const void *buf, size_t len, struct mb2_info *out, const char **why);

#endif
