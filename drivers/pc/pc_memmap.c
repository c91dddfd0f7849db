/* SPDX-License-Identifier: MIT */
/* pc_memmap.c: usable RAM from a firmware (e820-style) memory map, minus what the image and the boot data
 * occupy. */
#include <errno.h>
#include <string.h>

#include <pc/pc_memmap.h>

#define PAGE      4096ull
#define TYPE_RAM  1
#define TYPE_ACPI 3
#define TYPE_NVS  4

/* Make room at r[i] (the caller has checked there is), or take r[i] out, keeping the order. */
static void open_gap(struct pc_region *r, unsigned *n, unsigned i)
{
	memmove(&r[i + 1], &r[i], (*n - i) * sizeof(*r));
	(*n)++;
}

static void drop(struct pc_region *r, unsigned *n, unsigned i)
{
	(*n)--;
	memmove(&r[i], &r[i + 1], (*n - i) * sizeof(*r));
}

/* Insert [start, end) keeping `r` sorted; adjacent or overlapping ranges merge. */
static int add_region(struct pc_region *r, unsigned *n, unsigned max, uint64_t start, uint64_t end)
{
	unsigned i = 0;

	while (i < *n && r[i].end < start)
		i++;
	if (i < *n && r[i].start <= end) { /* overlaps or touches r[i]: merge forward */
		if (start < r[i].start)
			r[i].start = start;
		if (end > r[i].end)
			r[i].end = end;
		while (i + 1 < *n && r[i + 1].start <= r[i].end) {
			if (r[i + 1].end > r[i].end)
				r[i].end = r[i + 1].end;
			drop(r, n, i + 1);
		}
		return 0;
	}
	if (*n == max)
		return -ENOSPC;
	open_gap(r, n, i);
	r[i] = (struct pc_region){start, end};
	return 0;
}

/* Remove [start, end) from the sorted set, splitting a region when the hole is inside it. */
static int cut_region(struct pc_region *r, unsigned *n, unsigned max, uint64_t start, uint64_t end)
{
	for (unsigned i = 0; i < *n; i++) {
		if (r[i].end <= start || r[i].start >= end)
			continue;
		if (r[i].start < start && r[i].end > end) { /* split in two */
			if (*n == max)
				return -ENOSPC;
			open_gap(r, n, i + 1);
			r[i + 1] = (struct pc_region){end, r[i].end};
			r[i].end = start;
			return 0;
		}
		if (r[i].start < start) {
			r[i].end = start;
		} else if (r[i].end > end) {
			r[i].start = end;
		} else { /* wholly covered */
			drop(r, n, i);
			i--;
		}
	}
	return 0;
}

int pc_memmap_build(const struct pc_memmap_entry *map, unsigned n, const struct pc_region *reserved,
                    unsigned nreserved, struct hal_mem_range *out, unsigned max, uint64_t *ram_top)
{
	struct pc_region r[HAL_BOOT_MAX_RANGES];
	unsigned nr = 0;
	uint64_t top = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t start = map[i].addr, end = map[i].addr + map[i].size;

		if (map[i].size == 0 || end < start)
			continue;
		if (map[i].type == TYPE_RAM || map[i].type == TYPE_ACPI || map[i].type == TYPE_NVS)
			top = end > top ? end : top;
		if (map[i].type != TYPE_RAM)
			continue;
		start = (start + PAGE - 1) & ~(PAGE - 1);
		end &= ~(PAGE - 1);
		if (start < end && add_region(r, &nr, HAL_BOOT_MAX_RANGES, start, end) < 0)
			return -ENOSPC;
	}
	/* Non-RAM entries may overlap RAM ones in a sloppy map: never hand out what any of them
	 * claims. */
	for (unsigned i = 0; i < n; i++) {
		uint64_t end = map[i].addr + map[i].size;

		if (map[i].type != TYPE_RAM && map[i].size && end > map[i].addr &&
		    cut_region(r, &nr, HAL_BOOT_MAX_RANGES, map[i].addr & ~(PAGE - 1),
		               (end + PAGE - 1) & ~(PAGE - 1)) < 0)
			return -ENOSPC;
	}
	for (unsigned i = 0; i < nreserved; i++) {
		uint64_t start = reserved[i].start & ~(PAGE - 1);
		uint64_t end = (reserved[i].end + PAGE - 1) & ~(PAGE - 1);

		if (end > start && cut_region(r, &nr, HAL_BOOT_MAX_RANGES, start, end) < 0)
			return -ENOSPC;
	}
	if (nr > max)
		return -ENOSPC;
	for (unsigned i = 0; i < nr; i++)
		out[i] = (struct hal_mem_range){(uintptr_t)r[i].start, (size_t)(r[i].end - r[i].start)};
	*ram_top = top;
	return (int)nr;
}
