/* SPDX-License-Identifier: MIT */
/* test_mb2_info.c: the Multiboot2 boot information parser on information laid out as GRUB lays
 * it out on BIOS (e820 map) and on UEFI (EFI map, ACPI 2.0 RSDP), and on malformed information:
 * every bad size or missing terminator is an error, never a read past the buffer. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "mb2_info.h"

/* An information block under construction: 8-byte aligned tags after the 8-byte header. */
struct builder {
	uint64_t words[1024];
	size_t len;
};

static uint8_t *bytes(struct builder *b) { return (uint8_t *)b->words; }

static void put32(struct builder *b, size_t off, uint32_t v) { memcpy(bytes(b) + off, &v, 4); }
static void put64(struct builder *b, size_t off, uint64_t v) { memcpy(bytes(b) + off, &v, 8); }

static void begin(struct builder *b)
{
	memset(b, 0, sizeof(*b));
	b->len = 8;
}

/* A tag of `type` with `payload` bytes after its 8-byte head; returns the payload's offset. */
static size_t tag(struct builder *b, uint32_t type, const void *payload, uint32_t n)
{
	size_t off = b->len;

	put32(b, off, type);
	put32(b, off + 4, 8 + n);
	if (payload)
		memcpy(bytes(b) + off + 8, payload, n);
	b->len = (off + 8 + n + 7) & ~(size_t)7;
	return off + 8;
}

static void end(struct builder *b)
{
	tag(b, MB2_TAG_END, NULL, 0);
	put32(b, 0, (uint32_t)b->len);
}

static int parse(struct builder *b, struct mb2_info *mi, const char **why)
{
	return mb2_info_parse(b->words, b->len, mi, why);
}

static size_t mmap_tag(struct builder *b, unsigned n)
{
	uint8_t buf[8 + 24 * 8] = {0};
	size_t off;

	memcpy(buf, &(uint32_t){24}, 4);
	off = tag(b, MB2_TAG_MMAP, buf, 8 + 24 * n);
	return off + 8;
}

static void test_bios(void)
{
	struct builder b;
	struct mb2_info mi;
	const char *why;
	uint8_t rsdp[20] = "RSD PTR ";

	begin(&b);
	tag(&b, MB2_TAG_CMDLINE, "mote.log=debug -- a", 20);
	size_t m = tag(&b, MB2_TAG_MODULE, NULL, 8 + 7);
	put32(&b, m, 0x200000);
	put32(&b, m + 4, 0x201000);
	memcpy(bytes(&b) + m + 8, "initrd", 7);
	size_t e = mmap_tag(&b, 3);
	put64(&b, e, 0);
	put64(&b, e + 8, 0x9fc00);
	put32(&b, e + 16, 1);
	put64(&b, e + 24, 0xf0000);
	put64(&b, e + 32, 0x10000);
	put32(&b, e + 40, 2);
	put64(&b, e + 48, 0x100000);
	put64(&b, e + 56, 0x7ee0000);
	put32(&b, e + 64, 1);
	tag(&b, MB2_TAG_ACPI_OLD, rsdp, sizeof(rsdp));
	uint8_t fb[23] = {0};
	memcpy(fb, &(uint64_t){0xb8000}, 8);
	memcpy(fb + 8, &(uint32_t){160}, 4);
	memcpy(fb + 12, &(uint32_t){80}, 4);
	memcpy(fb + 16, &(uint32_t){25}, 4);
	fb[20] = 16;
	fb[21] = 2;
	tag(&b, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	tag(&b, 2, "GRUB 2.06", 10); /* boot loader name: skipped */
	end(&b);

	CHECK_EQ(parse(&b, &mi, &why), 0);
	CHECK_STR(mi.cmdline, "mote.log=debug -- a");
	CHECK_EQ(mi.nmodules, 1);
	CHECK_EQ(mi.modules[0].start, 0x200000);
	CHECK_EQ(mi.modules[0].end, 0x201000);
	CHECK_STR(mi.modules[0].cmdline, "initrd");
	CHECK_EQ(mi.nmemmap, 3);
	CHECK_EQ(mi.memmap_from_efi, 0);
	CHECK_EQ(mi.memmap[2].addr, 0x100000);
	CHECK_EQ(mi.memmap[2].size, 0x7ee0000);
	CHECK_EQ(mi.memmap[1].type, 2);
	CHECK(mi.rsdp != NULL && memcmp(mi.rsdp, "RSD PTR ", 8) == 0);
	CHECK_EQ(mi.rsdp_len, 20);
	CHECK_EQ(mi.has_fb, 1);
	CHECK_EQ(mi.fb.addr, 0xb8000);
	CHECK_EQ(mi.fb.width, 80);
	CHECK_EQ(mi.fb.type, 2);
	CHECK_EQ(mi.efi, 0);
}

/* A direct-colour framebuffer (GRUB with gfxpayload, or UEFI's GOP): the colour fields come
 * after GRUB's 32-byte common part; an RGB tag without them is refused. */
static void test_rgb_framebuffer(void)
{
	struct builder b;
	struct mb2_info mi;
	const char *why;
	uint8_t fb[30] = {0};

	memcpy(fb, &(uint64_t){0xfd000000}, 8);
	memcpy(fb + 8, &(uint32_t){3072}, 4);
	memcpy(fb + 12, &(uint32_t){1024}, 4);
	memcpy(fb + 16, &(uint32_t){768}, 4);
	fb[20] = 24;
	fb[21] = 1;
	memcpy(fb + 24, (uint8_t[]){16, 8, 8, 8, 0, 8}, 6);
	begin(&b);
	tag(&b, MB2_TAG_FRAMEBUFFER, fb, sizeof(fb));
	tag(&b, MB2_TAG_EFI64, (uint8_t[8]){0}, 8);
	end(&b);
	CHECK_EQ(parse(&b, &mi, &why), 0);
	CHECK_EQ(mi.has_fb, 1);
	CHECK_EQ(mi.fb.addr, 0xfd000000);
	CHECK_EQ(mi.fb.pitch, 3072);
	CHECK_EQ(mi.fb.height, 768);
	CHECK_EQ(mi.fb.bpp, 24);
	CHECK_EQ(mi.fb.red_pos, 16);
	CHECK_EQ(mi.fb.green_size, 8);
	CHECK_EQ(mi.fb.blue_pos, 0);
	CHECK_EQ(mi.efi, 1);

	begin(&b);
	tag(&b, MB2_TAG_FRAMEBUFFER, fb, 24); /* the common part only */
	end(&b);
	CHECK_EQ(parse(&b, &mi, &why), -EINVAL);
	CHECK_STR(why, "RGB framebuffer tag too short");
}

/* UEFI: only an EFI map (loader and boot-services memory is free after ExitBootServices), and
 * both RSDP tags, of which the ACPI 2.0 one wins whatever the order. */
static void test_uefi(void)
{
	struct builder b;
	struct mb2_info mi;
	const char *why;
	uint8_t old_rsdp[20] = "RSD PTR old", new_rsdp[36] = "RSD PTR new";
	static const uint32_t types[] = {7, 2, 4, 9, 10, 11, 0};
	uint8_t map[8 + 48 * 7] = {0};

	memcpy(map, &(uint32_t){48}, 4);
	memcpy(map + 4, &(uint32_t){1}, 4);
	for (unsigned i = 0; i < 7; i++) {
		uint8_t *d = map + 8 + 48 * i;

		memcpy(d, &types[i], 4);
		memcpy(d + 8, &(uint64_t){0x100000ull * (i + 1)}, 8);
		memcpy(d + 24, &(uint64_t){16}, 8);
	}
	begin(&b);
	tag(&b, MB2_TAG_ACPI_NEW, new_rsdp, sizeof(new_rsdp));
	tag(&b, MB2_TAG_ACPI_OLD, old_rsdp, sizeof(old_rsdp));
	tag(&b, MB2_TAG_EFI_MMAP, map, sizeof(map));
	end(&b);

	CHECK_EQ(parse(&b, &mi, &why), 0);
	CHECK(mi.cmdline == NULL);
	CHECK_EQ(mi.memmap_from_efi, 1);
	CHECK_EQ(mi.nmemmap, 7);
	CHECK_EQ(mi.memmap[0].type, 1); /* conventional */
	CHECK_EQ(mi.memmap[1].type, 1); /* loader data */
	CHECK_EQ(mi.memmap[2].type, 1); /* boot services data */
	CHECK_EQ(mi.memmap[3].type, 3); /* ACPI reclaim */
	CHECK_EQ(mi.memmap[4].type, 4); /* ACPI NVS */
	CHECK_EQ(mi.memmap[5].type, 2); /* MMIO */
	CHECK_EQ(mi.memmap[6].type, 2); /* reserved */
	CHECK_EQ(mi.memmap[3].addr, 0x400000);
	CHECK_EQ(mi.memmap[3].size, 16 * 4096);
	CHECK(mi.rsdp != NULL && memcmp(mi.rsdp, "RSD PTR new", 11) == 0);
	CHECK_EQ(mi.rsdp_len, 36);

	/* With tag 6 as well (GRUB gives both on UEFI), tag 6 is the map, in either order. */
	begin(&b);
	size_t e = mmap_tag(&b, 1);
	put64(&b, e + 8, 0x1000);
	put32(&b, e + 16, 1);
	tag(&b, MB2_TAG_EFI_MMAP, map, sizeof(map));
	end(&b);
	CHECK_EQ(parse(&b, &mi, &why), 0);
	CHECK_EQ(mi.memmap_from_efi, 0);
	CHECK_EQ(mi.nmemmap, 1);
}

static void expect_bad(struct builder *b, const char *what)
{
	struct mb2_info mi;
	const char *why = NULL;

	CHECK_EQ(parse(b, &mi, &why), -EINVAL);
	CHECK(why != NULL && strstr(why, what) != NULL);
}

static void test_malformed(void)
{
	struct builder b;
	struct mb2_info mi;
	const char *why;

	begin(&b);
	end(&b);
	CHECK_EQ(parse(&b, &mi, &why), 0); /* empty but well formed */
	CHECK_EQ(mb2_info_parse(b.words, 4, &mi, &why), -EINVAL);
	CHECK_EQ(mb2_info_parse(b.words, 15, &mi, &why), -EINVAL); /* total_size beyond the buffer */

	begin(&b); /* no end tag */
	tag(&b, 2, "x", 2);
	put32(&b, 0, (uint32_t)b.len);
	expect_bad(&b, "no end tag");

	begin(&b); /* a tag running past total_size */
	size_t off = b.len;
	tag(&b, 2, "x", 2);
	end(&b);
	put32(&b, off + 4, 4096);
	expect_bad(&b, "runs past");

	begin(&b); /* a tag size below its head (would loop forever) */
	off = b.len;
	tag(&b, 2, "x", 2);
	end(&b);
	put32(&b, off + 4, 0);
	expect_bad(&b, "runs past");

	begin(&b); /* command line without its NUL */
	tag(&b, MB2_TAG_CMDLINE, "abcdefgh", 8);
	end(&b);
	expect_bad(&b, "command-line");

	begin(&b); /* module string without its NUL */
	off = tag(&b, MB2_TAG_MODULE, "\0\0\0\0\0\0\0\0abcd", 12);
	end(&b);
	expect_bad(&b, "module");

	begin(&b); /* module ending before it starts */
	off = tag(&b, MB2_TAG_MODULE, NULL, 9);
	put32(&b, off, 0x2000);
	put32(&b, off + 4, 0x1000);
	end(&b);
	expect_bad(&b, "module ends");

	begin(&b); /* memory-map entry size 0 (would loop forever) */
	off = mmap_tag(&b, 1);
	put32(&b, off - 8, 0);
	end(&b);
	expect_bad(&b, "entry size");

	begin(&b); /* RSDP tag too short for an RSDP */
	tag(&b, MB2_TAG_ACPI_OLD, "RSD PTR ", 8);
	end(&b);
	expect_bad(&b, "RSDP");

	begin(&b); /* EFI descriptor of 2^60 pages */
	uint8_t map[8 + 48] = {0};
	memcpy(map, &(uint32_t){48}, 4);
	memcpy(map + 8 + 24, &(uint64_t){1ull << 60}, 8);
	tag(&b, MB2_TAG_EFI_MMAP, map, sizeof(map));
	end(&b);
	expect_bad(&b, "larger than the address space");
}

/* More entries than the parser keeps: the first MB2_MEMMAP_MAX, no overflow. */
static void test_limits(void)
{
	struct builder b;
	struct mb2_info mi;
	const char *why;

	begin(&b);
	size_t off = b.len;
	put32(&b, off, MB2_TAG_MMAP);
	put32(&b, off + 4, 16 + 24 * (MB2_MEMMAP_MAX + 10));
	put32(&b, off + 8, 24);
	for (unsigned i = 0; i < MB2_MEMMAP_MAX + 10; i++)
		put64(&b, off + 16 + 24 * i, i);
	b.len = off + 16 + 24 * (MB2_MEMMAP_MAX + 10);
	for (unsigned i = 0; i < MB2_MODULES_MAX + 2; i++) {
		size_t m = tag(&b, MB2_TAG_MODULE, NULL, 9);

		put32(&b, m + 4, i);
	}
	end(&b);
	CHECK_EQ(parse(&b, &mi, &why), 0);
	CHECK_EQ(mi.nmemmap, MB2_MEMMAP_MAX);
	CHECK_EQ(mi.memmap[MB2_MEMMAP_MAX - 1].addr, MB2_MEMMAP_MAX - 1);
	CHECK_EQ(mi.nmodules, MB2_MODULES_MAX);
}

int main(void)
{
	test_bios();
	test_uefi();
	test_rgb_framebuffer();
	test_malformed();
	test_limits();
	return check_report();
}
