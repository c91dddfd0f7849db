/* SPDX-License-Identifier: MIT */
/* mm.c: the kernel's physical pages (a buddy allocator over the boot RAM ranges) and the heap:
 * a window of virtual addresses that grows page by page as malloc asks for more. Running out
 * is an error the caller sees (NULL, ENOMEM), never a hang. */
#include <errno.h>
#include <string.h>

#include <hal/boot.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/buddy.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/panic.h>

static struct buddy pages;
static uintptr_t heap_brk, heap_mapped, heap_start, heap_limit;

void buddy_bad_free(const char *why, const void *block) { panic("mm: %s (block %p)", why, block); }

static void *page_for_tables(void) { return mm_alloc_pages(0); }

void mm_init(const struct hal_boot_info *info)
{
	buddy_init(&pages);
	for (unsigned i = 0; i < info->nram; i++)
		if (buddy_add_range(&pages, info->ram[i].va, info->ram[i].len) < 0)
			log_warn("mm: %zu KiB of RAM at %p left unused", info->ram[i].len >> 10,
			         (void *)info->ram[i].va);
	hal_mem_set_page_source(page_for_tables);
	heap_start = heap_brk = heap_mapped = info->vspace_base;
	heap_limit = info->vspace_base + info->vspace_len;
}

static void (*reclaimer)(void);

void mm_set_reclaimer(void (*reclaim)(void)) { reclaimer = reclaim; }

void *mm_alloc_pages(unsigned order)
{
	hal_irq_state_t s = hal_irq_save();
	void *p = buddy_alloc(&pages, order);

	if (!p && reclaimer) { /* give back what is only kept for speed, then try once more */
		reclaimer();
		p = buddy_alloc(&pages, order);
	}
	hal_irq_restore(s);
	if (p)
		memset(p, 0, HAL_PAGE_SIZE << order);
	return p;
}

void mm_free_pages(void *p, unsigned order)
{
	hal_irq_state_t s = hal_irq_save();

	buddy_free(&pages, p, order);
	hal_irq_restore(s);
}

void *mm_alloc_run(size_t npages)
{
	hal_irq_state_t s = hal_irq_save();
	void *p = buddy_alloc_run(&pages, npages);

	if (!p && reclaimer) {
		reclaimer();
		p = buddy_alloc_run(&pages, npages);
	}
	hal_irq_restore(s);
	if (p)
		memset(p, 0, npages * HAL_PAGE_SIZE);
	return p;
}

void mm_free_run(void *p, size_t npages)
{
	hal_irq_state_t s = hal_irq_save();

	buddy_free_run(&pages, p, npages);
	hal_irq_restore(s);
}

size_t mm_free_bytes(void) { return buddy_free_pages(&pages) * HAL_PAGE_SIZE; }
size_t mm_total_bytes(void) { return pages.total_pages * HAL_PAGE_SIZE; }

void *mm_heap_sbrk(intptr_t incr, int *err)
{
	uintptr_t old = heap_brk;

	if (incr < 0) {
		/* Pages stay mapped: the next growth reuses them (malloc seldom trims). */
		if ((uintptr_t)-incr > heap_brk - heap_start) {
			*err = -EINVAL;
			return (void *)-1;
		}
		heap_brk += incr;
		return (void *)old;
	}
	if ((uintptr_t)incr > heap_limit - heap_brk) {
		*err = -ENOMEM;
		return (void *)-1;
	}
	while (heap_mapped < heap_brk + (uintptr_t)incr) {
		void *page = mm_alloc_pages(0);

		if (!page || hal_mem_map(heap_mapped, (uintptr_t)page, HAL_PAGE_SIZE,
		                         HAL_PROT_READ | HAL_PROT_WRITE) < 0) {
			if (page)
				mm_free_pages(page, 0);
			*err = -ENOMEM;
			return (void *)-1;
		}
		heap_mapped += HAL_PAGE_SIZE;
	}
	heap_brk += incr;
	return (void *)old;
}
