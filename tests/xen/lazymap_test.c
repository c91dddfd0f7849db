/* SPDX-License-Identifier: MIT */
/* lazymap_test.c: the Xen PV map of RAM that is filled in on first touch (platforms/xen/xen_mm.c),
 * as dom0: RAM that boot did not use is not mapped at main(), a read of it maps its whole 2 MiB
 * block, a protection change on a page never touched works, a large block from the page
 * allocator holds what is written to every page, and page 0 and guard pages stay unmapped. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <hal/mem.h>
#include <mote/mm.h>

#include "image_check.h"
#include "xen_platform.h"

#define BLOCK (512 * HAL_PAGE_SIZE)

extern char __text_start[];

/* The highest 2 MiB block of RAM below `below` whose first and last pages are both unmapped,
 * or 0. Nothing in such a block was ever touched, so no free-list link of the page allocator
 * lies in it (the allocator writes one into the first page of every free block). */
static uintptr_t untouched_block(uintptr_t below)
{
	for (uintptr_t b = (below & ~(BLOCK - 1)) - BLOCK; b >= BLOCK; b -= BLOCK)
		if (!xen_mm_is_mapped(b) && !xen_mm_is_mapped(b + BLOCK - HAL_PAGE_SIZE))
			return b;
	return 0;
}

int main(void)
{
	uintptr_t ram_end = xen_start_info->nr_pages * HAL_PAGE_SIZE;
	uintptr_t a = untouched_block(ram_end);

	/* A read of a never-touched block maps all of it, read-write. */
	CHECK(a != 0);
	if (a) {
		CHECK(*(volatile uint64_t *)(a + 5 * HAL_PAGE_SIZE) ==
		      *(volatile uint64_t *)(a + 5 * HAL_PAGE_SIZE));
		CHECK(xen_mm_is_mapped(a));
		CHECK(xen_mm_is_mapped(a + BLOCK - HAL_PAGE_SIZE));
	}

	/* Protecting a page of another never-touched block maps the block first. */
	uintptr_t b = a ? untouched_block(a) : 0;

	CHECK(b != 0);
	if (b) {
		uintptr_t p = b + 3 * HAL_PAGE_SIZE;

		CHECK(hal_mem_protect(p, HAL_PAGE_SIZE, HAL_PROT_READ) == 0);
		CHECK(xen_mm_is_mapped(p));
		CHECK(xen_mm_fault(p, 0) == -EFAULT); /* mapped: nothing for the fault path to do */
		CHECK(hal_mem_protect(p, HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) == 0);
		*(volatile uint64_t *)p = 0x5a5a5a5a12345678ull;
		CHECK(*(volatile uint64_t *)p == 0x5a5a5a5a12345678ull);
	}

	/* 16 MiB in one block: every page holds its own pattern, first and last word. */
	unsigned order = 12;
	uint64_t *big = mm_alloc_pages(order);
	size_t pages = (size_t)1 << order, bad = 0;

	CHECK(big != NULL);
	if (big) {
		for (size_t i = 0; i < pages; i++) {
			big[i * 512] = 0x1000000ull + i;
			big[i * 512 + 511] = ~(0x1000000ull + i);
		}
		for (size_t i = 0; i < pages; i++)
			bad += big[i * 512] != 0x1000000ull + i || big[i * 512 + 511] != ~(0x1000000ull + i);
		CHECK(bad == 0);
		mm_free_pages(big, order);
	}

	/* What must never be filled in: page 0, a guard page (unmapped, its frame kept), the image,
	 * addresses past RAM, and a protection fault on a mapped page. */
	CHECK(!xen_mm_is_mapped(0));
	CHECK(xen_mm_fault(0, 0) == -EFAULT);
	void *guard = mm_alloc_pages(0);

	CHECK(guard && hal_mem_protect((uintptr_t)guard, HAL_PAGE_SIZE, HAL_PROT_NONE) == 0);
	if (guard) {
		CHECK(xen_mm_fault((uintptr_t)guard, 2) == -EFAULT);
		CHECK(!xen_mm_is_mapped((uintptr_t)guard));
		CHECK(hal_mem_protect((uintptr_t)guard, HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) == 0);
		mm_free_pages(guard, 0);
	}
	CHECK(xen_mm_fault((uintptr_t)__text_start, 0) == -EFAULT);
	CHECK(xen_mm_fault(ram_end, 0) == -EFAULT);
	CHECK(xen_mm_fault(a ? a : ram_end, 1) == -EFAULT);
	printf("lazymap_test: blocks at %#lx and %#lx filled in on first touch\n", (unsigned long)a,
	       (unsigned long)b);
	return check_report();
}
