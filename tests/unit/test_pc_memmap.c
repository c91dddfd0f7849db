/* SPDX-License-Identifier: MIT */
/* test_pc_memmap.c: usable RAM from PVH memory maps like QEMU's pc, q35 and microvm give,
 * and from malformed ones. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include <pc/pc_memmap.h>

#define KiB 1024ull
#define MiB (1024ull * KiB)

static int build(const struct pc_memmap_entry *m, unsigned n, const struct pc_region *res, unsigned nres,
                 struct hal_mem_range *out, uint64_t *top)
{
	return pc_memmap_build(m, n, res, nres, out, HAL_BOOT_MAX_RANGES, top);
}

int main(void)
{
	struct hal_mem_range out[HAL_BOOT_MAX_RANGES];
	uint64_t top = 0;

	/* QEMU pc with -m 2M: low RAM, the EBDA and BIOS reserved, 1 MiB-2 MiB RAM; the image at
	 * 1 MiB and page 0 reserved. */
	const struct pc_memmap_entry pc[] = {
	        {0, 0x9fc00, 1},         {0x9fc00, 0x400, 2},      {0xf0000, 0x10000, 2},
	        {0x100000, 0x100000, 1}, {0xfffc0000, 0x40000, 2},
	};
	const struct pc_region res[] = {{0, 4096}, {0x100000, 0x100000 + 70 * KiB + 10}};
	int n = build(pc, 5, res, 2, out, &top);
	CHECK_EQ(n, 2);
	CHECK_EQ(out[0].va, 0x1000);
	CHECK_EQ(out[0].len, 0x9f000 - 0x1000);   /* 0x9fc00 rounded down to a page */
	CHECK_EQ(out[1].va, 0x100000 + 72 * KiB); /* the reservation rounded up to a page */
	CHECK_EQ(out[1].va + out[1].len, 0x200000);
	CHECK_EQ(top, 0x200000); /* reserved entries do not count */

	/* A reservation in the middle splits a range; one covering a range removes it. */
	const struct pc_memmap_entry one[] = {{0x100000, 16 * MiB, 1}};
	const struct pc_region mid[] = {{0x400000, 0x401000}, {0x100000, 0x200000}};
	n = build(one, 1, mid, 2, out, &top);
	CHECK_EQ(n, 2);
	CHECK_EQ(out[0].va, 0x200000);
	CHECK_EQ(out[0].len, 0x200000);
	CHECK_EQ(out[1].va, 0x401000);
	const struct pc_region all[] = {{0, 64 * MiB}};
	CHECK_EQ(build(one, 1, all, 1, out, &top), 0);

	/* Overlapping and adjacent RAM entries merge; out-of-order entries sort. */
	const struct pc_memmap_entry messy[] = {
	        {0x300000, 0x100000, 1},
	        {0x100000, 0x180000, 1},
	        {0x200000, 0x100000, 1},
	        {0x500000, 0x1000, 1},
	};
	n = build(messy, 4, NULL, 0, out, &top);
	CHECK_EQ(n, 2);
	CHECK_EQ(out[0].va, 0x100000);
	CHECK_EQ(out[0].len, 0x300000);
	CHECK_EQ(out[1].va, 0x500000);
	CHECK_EQ(top, 0x501000);

	/* A non-RAM entry overlapping RAM wins; ACPI entries raise the top but are not usable. */
	const struct pc_memmap_entry acpi[] = {
	        {0x100000, 0x700000, 1}, {0x7e0000, 0x20000, 3}, {0x7f0000, 0x20000, 2}};
	n = build(acpi, 3, NULL, 0, out, &top);
	CHECK_EQ(n, 1);
	CHECK_EQ(out[0].va + out[0].len, 0x7e0000);
	CHECK_EQ(top, 0x800000);

	/* Garbage: zero sizes, wrapping entries, unaligned slivers smaller than a page. */
	const struct pc_memmap_entry bad[] = {
	        {0x100000, 0, 1},
	        {0xfffffffffffff000ull, 0x2000, 1},
	        {0x10010, 0x100, 1},
	        {0x200000, 0x1000, 1},
	};
	n = build(bad, 4, NULL, 0, out, &top);
	CHECK_EQ(n, 1);
	CHECK_EQ(out[0].va, 0x200000);

	/* More fragments than fit: -ENOSPC, never an overflow. */
	struct pc_memmap_entry many[80];
	for (unsigned i = 0; i < 80; i++)
		many[i] = (struct pc_memmap_entry){i * 0x10000ull, 0x1000, 1};
	CHECK_EQ(build(many, 80, NULL, 0, out, &top), -ENOSPC);
	CHECK_EQ(pc_memmap_build(many, 4, NULL, 0, out, 2, &top), -ENOSPC);
	return check_report();
}
