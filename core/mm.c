/* SPDX-License-Identifier: MIT */
/* mm.c: the kernel's physical pages (a buddy allocator over the boot RAM ranges), the heap (the
 * lower half of the platform's virtual window, growing page by page as malloc asks for more)
 * and address space for thread stacks (its upper half). Running out is an error the caller
 * sees (NULL, ENOMEM), never a hang. */
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

/* Address space for stacks whose pages are committed on first touch (hal_mem_reserve): handed
 * out from vs_next upwards; given-back ranges are kept, sorted and merged, in vs_free and taken
 * again first fit. The list is bounded: a range that finds it full is dropped (its address
 * space lost, not its RAM), which takes more than VS_FREE_MAX threads with distinct stack
 * sizes alive at once, out of a window of 128 GiB. */
#define VS_FREE_MAX 64
static struct vs_range {
	uintptr_t va;
	size_t len;
} vs_free[VS_FREE_MAX];
static unsigned vs_nfree;
static uintptr_t vs_next, vs_end;

/* A thread's stack may have pages not committed yet, and a fault on one while this file holds
 * the allocator (interrupts off) would come back for a page (core_commit_page) with its lists
 * half changed. So the outermost entry touches MM_STACK_PROBE bytes below its caller's stack
 * first: everything done inside, the stack-cache reclaimer included, fits in them, and the
 * probe is less than a page below the caller's own last push, so no page in between is left
 * untouched. mm_busy is how the fault path knows the rule was broken. */
#define MM_STACK_PROBE 3072
static unsigned mm_busy;

static __attribute__((noinline)) void mm_stack_probe(void)
{
	char below[MM_STACK_PROBE];

	/* A write the compiler must make: its lowest byte, the deepest the probe reaches. */
	__asm__ volatile("movb $0, %0" : "=m"(below[0]));
}

static hal_irq_state_t mm_lock(void)
{
	if (!mm_busy)
		mm_stack_probe();
	hal_irq_state_t s = hal_irq_save();

	mm_busy++;
	return s;
}

static void mm_unlock(hal_irq_state_t s)
{
	mm_busy--;
	hal_irq_restore(s);
}

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
	heap_limit = info->vspace_base + info->vspace_len / 2;
	vs_next = heap_limit;
	vs_end = info->vspace_base + info->vspace_len;
}

static void (*reclaimer)(void);

void mm_set_reclaimer(void (*reclaim)(void)) { reclaimer = reclaim; }

void *mm_alloc_pages(unsigned order)
{
	hal_irq_state_t s = mm_lock();
	void *p = buddy_alloc(&pages, order);

	if (!p && reclaimer) { /* give back what is only kept for speed, then try once more */
		reclaimer();
		p = buddy_alloc(&pages, order);
	}
	mm_unlock(s);
	if (p)
		memset(p, 0, HAL_PAGE_SIZE << order);
	return p;
}

void mm_free_pages(void *p, unsigned order)
{
	hal_irq_state_t s = mm_lock();

	buddy_free(&pages, p, order);
	mm_unlock(s);
}

void *mm_alloc_run(size_t npages)
{
	hal_irq_state_t s = mm_lock();
	void *p = buddy_alloc_run(&pages, npages);

	if (!p && reclaimer) {
		reclaimer();
		p = buddy_alloc_run(&pages, npages);
	}
	mm_unlock(s);
	if (p)
		memset(p, 0, npages * HAL_PAGE_SIZE);
	return p;
}

void mm_free_run(void *p, size_t npages)
{
	hal_irq_state_t s = mm_lock();

	buddy_free_run(&pages, p, npages);
	mm_unlock(s);
}

void *mm_commit_page(void)
{
	void *p;

	if (mm_busy)
		panic("mm: a stack page fault inside the page allocator (MM_STACK_PROBE too small)");
	/* Not the reclaimer: the stack cache it drains may be what the faulting code was changing. */
	p = buddy_alloc(&pages, 0);
	if (p)
		memset(p, 0, HAL_PAGE_SIZE);
	return p;
}

uintptr_t mm_vspace_alloc(size_t len)
{
	uintptr_t va = 0;
	hal_irq_state_t s = hal_irq_save();

	for (unsigned i = 0; i < vs_nfree; i++) {
		if (vs_free[i].len < len)
			continue;
		va = vs_free[i].va;
		vs_free[i].va += len;
		vs_free[i].len -= len;
		if (vs_free[i].len == 0) {
			memmove(&vs_free[i], &vs_free[i + 1], (vs_nfree - i - 1) * sizeof(vs_free[0]));
			vs_nfree--;
		}
		break;
	}
	if (!va && len <= vs_end - vs_next) {
		va = vs_next;
		vs_next += len;
	}
	hal_irq_restore(s);
	return va;
}

void mm_vspace_free(uintptr_t va, size_t len)
{
	hal_irq_state_t s = hal_irq_save();
	unsigned i = 0;

	while (i < vs_nfree && vs_free[i].va < va)
		i++;
	if (i > 0 && vs_free[i - 1].va + vs_free[i - 1].len == va) { /* joins the one below */
		i--;
		vs_free[i].len += len;
	} else if (vs_nfree < VS_FREE_MAX) {
		memmove(&vs_free[i + 1], &vs_free[i], (vs_nfree - i) * sizeof(vs_free[0]));
		vs_free[i] = (struct vs_range){va, len};
		vs_nfree++;
	} else {
		hal_irq_restore(s); /* full: dropped, see VS_FREE_MAX */
		return;
	}
	if (i + 1 < vs_nfree && vs_free[i].va + vs_free[i].len == vs_free[i + 1].va) {
		vs_free[i].len += vs_free[i + 1].len;
		memmove(&vs_free[i + 1], &vs_free[i + 2], (vs_nfree - i - 2) * sizeof(vs_free[0]));
		vs_nfree--;
	}
	if (vs_free[i].va + vs_free[i].len == vs_next) { /* the top one goes back to the bump */
		vs_next = vs_free[i].va;
		vs_nfree--;
	}
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
