/* SPDX-License-Identifier: MIT */
/* xen_mm.c: page tables for Xen PV and hal/mem.h on top of them. A PV guest's tables hold
 * machine frames and are read-only to it: every change goes through HYPERVISOR_mmu_update
 * (public/xen.h, MMU_NORMAL_PT_UPDATE), which validates it, and a page becomes a table only
 * once no writable mapping of it is left. Virtual address = pseudo-physical address for RAM. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <hal/mem.h>
#include <mote/panic.h>

#include "xen_hypercall.h"
#include "xen_platform.h"

#define PTE_P       (1ull << 0)
#define PTE_W       (1ull << 1)
#define PTE_U       (1ull << 2)
#define PTE_A       (1ull << 5)
#define PTE_D       (1ull << 6)
#define PTE_NX      (1ull << 63)
#define PTE_ADDR    0x000ffffffffff000ull
#define PAGE        4096ull
#define TABLE_FLAGS (PTE_P | PTE_W | PTE_U | PTE_A)

extern char __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __boot_stack_guard[], __image_end[];

static hal_page_source_fn page_source;
static uint64_t nr_ram_pages;

/* Pending mmu_update requests, applied together (one hypercall for many entries). */
static mmu_update_t batch[128];
static unsigned nbatch;

uint64_t xen_pfn_to_mfn(uint64_t pfn) { return ((const uint64_t *)xen_start_info->mfn_list)[pfn]; }

uint64_t xen_mfn_to_pfn(uint64_t mfn) { return ((const volatile uint64_t *)MACH2PHYS_VIRT_START)[mfn]; }

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(xen_mfn_to_pfn((entry & PTE_ADDR) >> 12) << 12);
}

/* The machine address of an entry in a table that lives in our RAM. */
static uint64_t entry_machine_addr(const uint64_t *entry)
{
	uintptr_t va = (uintptr_t)entry;

	return (xen_pfn_to_mfn(va >> 12) << 12) | (va & (PAGE - 1));
}

static int flush(void)
{
	long err = 0;

	if (nbatch)
		err = xen_mmu_update(batch, nbatch);
	nbatch = 0;
	if (err < 0)
		return -EIO;
	struct mmuext_op op = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};

	return xen_mmuext_op(&op, 1) < 0 ? -EIO : 0;
}

static int queue(uint64_t *entry, uint64_t val)
{
	batch[nbatch].ptr = entry_machine_addr(entry) | MMU_NORMAL_PT_UPDATE;
	batch[nbatch].val = val;
	if (++nbatch == sizeof(batch) / sizeof(batch[0])) {
		long err = xen_mmu_update(batch, nbatch);

		nbatch = 0;
		if (err < 0)
			return -EIO;
	}
	return 0;
}

static uint64_t leaf_flags(unsigned prot)
{
	uint64_t f = PTE_P | PTE_U | PTE_A;

	if (prot & HAL_PROT_WRITE)
		f |= PTE_W | PTE_D;
	if (!(prot & HAL_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

/* A zeroed page made read-only so Xen accepts it as a page table; returns its machine frame. */
static int new_table(uint64_t *mfn)
{
	void *page;

	/* The page may be one whose mapping is still queued (early boot takes table pages from RAM
	 * it is mapping). */
	if (nbatch && flush() < 0)
		return -EIO;
	page = page_source ? page_source() : NULL;
	if (!page)
		return -ENOMEM;
	memset(page, 0, PAGE);
	uint64_t pfn = (uintptr_t)page >> 12;

	*mfn = xen_pfn_to_mfn(pfn);
	if (xen_update_va_mapping((uintptr_t)page, (*mfn << 12) | PTE_P | PTE_U | PTE_A | PTE_NX,
	                          UVMF_INVLPG) < 0)
		return -EIO;
	return 0;
}

/* The entry for `va` in the table `depth` levels below the root (3: the L1 entry, 2: the L2
 * entry), creating missing tables on the way when `create`; NULL with *err set when a table is
 * missing (-EINVAL), or cannot be made (-ENOMEM, -EIO). */
static uint64_t *entry_of(uintptr_t va, unsigned depth, int create, int *err)
{
	uint64_t *table = (uint64_t *)xen_start_info->pt_base;
	static const unsigned shifts[4] = {39, 30, 21, 12};

	for (unsigned level = 0; level < depth; level++) {
		uint64_t *e = &table[(va >> shifts[level]) & 511];

		if (!(*e & PTE_P)) {
			uint64_t mfn;

			if (!create) {
				*err = -EINVAL;
				return NULL;
			}
			*err = new_table(&mfn);
			if (*err < 0)
				return NULL;
			/* The parent must point at it before the walk goes on through it. */
			if (queue(e, (mfn << 12) | TABLE_FLAGS) < 0 || flush() < 0) {
				*err = -EIO;
				return NULL;
			}
		}
		table = table_of(*e);
	}
	return &table[(va >> shifts[depth]) & 511];
}

static uint64_t *pte_of(uintptr_t va, int create, int *err) { return entry_of(va, 3, create, err); }

/* Map the RAM pages of the 2 MiB block at `va` whose L1 table does not exist yet: the table is
 * filled while still an ordinary writable page, then made read-only and hooked into the L2
 * entry, so Xen validates its 512 entries in one go when it becomes a table instead of one
 * mmu_update request each (that was nearly all of dom0's boot time). None of the block is
 * mapped yet, so no table page, which must be mapped to be zeroed, lies in it. */
static int map_ram_block(uintptr_t va, uint64_t *pde)
{
	void *page;

	if (nbatch && flush() < 0)
		return -EIO;
	page = page_source ? page_source() : NULL;
	if (!page)
		return -ENOMEM;
	uint64_t *l1 = page;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t pfn = (va >> 12) + i;

		l1[i] = pfn == 0 || pfn >= nr_ram_pages
		                ? 0
		                : (xen_pfn_to_mfn(pfn) << 12) | leaf_flags(HAL_PROT_READ | HAL_PROT_WRITE);
	}
	uint64_t mfn = xen_pfn_to_mfn((uintptr_t)page >> 12);

	if (xen_update_va_mapping((uintptr_t)page, (mfn << 12) | PTE_P | PTE_U | PTE_A | PTE_NX,
	                          UVMF_INVLPG) < 0)
		return -EIO;
	return queue(pde, (mfn << 12) | TABLE_FLAGS);
}

static int check_args(uintptr_t va, size_t len, unsigned prot)
{
	if ((va | len) & (PAGE - 1))
		return -EINVAL;
	if ((prot & HAL_PROT_WRITE) && (prot & HAL_PROT_EXEC))
		return -EINVAL; /* W^X */
	if (va + len < va || va + len > (1ull << 47))
		return -EINVAL; /* lower canonical half only; Xen owns the upper one */
	return 0;
}

void hal_mem_set_page_source(hal_page_source_fn alloc_page) { page_source = alloc_page; }

static int map_frames(uintptr_t va, uint64_t first_mfn, size_t len, unsigned prot, int contiguous_ram)
{
	int err = check_args(va, len, prot);

	if (err)
		return err;
	for (size_t off = 0; off < len; off += PAGE) {
		uint64_t *pte = pte_of(va + off, 1, &err);
		uint64_t mfn = contiguous_ram ? xen_pfn_to_mfn((first_mfn + off) >> 12) : first_mfn;

		if (!pte)
			return err;
		if (queue(pte, prot == HAL_PROT_NONE ? 0 : (mfn << 12) | leaf_flags(prot)) < 0)
			return -EIO;
	}
	return flush();
}

int hal_mem_map(uintptr_t va, uintptr_t ram_va, size_t len, unsigned prot)
{
	if ((ram_va & (PAGE - 1)) || (ram_va + len) / PAGE > nr_ram_pages)
		return -EINVAL;
	return map_frames(va, ram_va, len, prot, 1);
}

int xen_mm_map_mfn(uintptr_t va, uint64_t mfn, unsigned prot) { return map_frames(va, mfn, PAGE, prot, 0); }

int hal_mem_protect(uintptr_t va, size_t len, unsigned prot)
{
	int err = check_args(va, len, prot);

	if (err)
		return err;
	for (size_t off = 0; off < len; off += PAGE) {
		uint64_t *pte = pte_of(va + off, 0, &err);

		if (!pte)
			return err;
		if ((*pte & PTE_ADDR) == 0 && va + off != 0)
			return -EINVAL; /* never mapped: there is no frame to protect */
		/* Keep the frame when unmapping so a later protect can map it again. */
		if (queue(pte, (*pte & PTE_ADDR) | (prot == HAL_PROT_NONE ? 0 : leaf_flags(prot))) < 0)
			return -EIO;
	}
	return flush();
}

static unsigned image_page_prot(uintptr_t va)
{
	if (va >= (uintptr_t)__boot_stack_guard && va < (uintptr_t)__boot_stack_guard + PAGE)
		return HAL_PROT_NONE;
	if (va >= (uintptr_t)__text_start && va < (uintptr_t)__text_end)
		return HAL_PROT_READ | HAL_PROT_EXEC;
	if (va >= (uintptr_t)__rodata_start && va < (uintptr_t)__rodata_end)
		return HAL_PROT_READ;
	return HAL_PROT_READ | HAL_PROT_WRITE;
}

static int in_image(uintptr_t va) { return va >= (uintptr_t)__image_start && va < (uintptr_t)__image_end; }

int xen_mm_init(uint64_t nr_pages, void *(*alloc_page)(void))
{
	int err;

	page_source = alloc_page;
	nr_ram_pages = nr_pages;
	/* Xen maps only its bootstrap region: map the rest of RAM, read-write, not executable. */
	for (uint64_t pfn = 1; pfn < nr_pages; pfn++) {
		uint64_t *pde = entry_of(pfn << 12, 2, 1, &err);

		if (!pde)
			return err;
		if (!(*pde & PTE_P)) {
			err = map_ram_block((pfn << 12) & ~(512 * PAGE - 1), pde);
			if (err < 0)
				return err;
			pfn |= 511; /* the whole block is done */
			continue;
		}
		uint64_t *pte = pte_of(pfn << 12, 1, &err);

		if (!pte)
			return err;
		if (!(*pte & PTE_P)) {
			if (queue(pte, (xen_pfn_to_mfn(pfn) << 12) |
			                       leaf_flags(HAL_PROT_READ | HAL_PROT_WRITE)) < 0)
				return -EIO;
		} else if (!(*pte & PTE_NX) && !in_image(pfn << 12) && queue(pte, *pte | PTE_NX) < 0) {
			/* Xen maps its bootstrap region executable; the part past the image becomes free
			 * RAM (thread stacks, heap pages) and must not be. The image gets W^X below. */
			return -EIO;
		}
	}
	/* The image: W^X page by page, its stack guard unmapped; then page 0. */
	for (uintptr_t va = (uintptr_t)__image_start; va < (uintptr_t)__image_end; va += PAGE) {
		uint64_t *pte = pte_of(va, 0, &err);
		unsigned prot = image_page_prot(va);

		if (!pte)
			return err;
		if (queue(pte, (*pte & PTE_ADDR) | (prot == HAL_PROT_NONE ? 0 : leaf_flags(prot))) < 0)
			return -EIO;
	}
	uint64_t *zero = pte_of(0, 0, &err);

	if (zero && queue(zero, 0) < 0)
		return -EIO;
	return flush();
}

int xen_mm_is_mapped(uintptr_t va)
{
	int err;
	uint64_t *pte = pte_of(va, 0, &err);

	return pte && (*pte & PTE_P);
}

/* A PV guest reaches no device registers by physical address: its devices are split drivers
 * over shared rings (and dom0's real hardware is out of Mote's scope). */
volatile void *hal_mem_map_io(uint64_t pa, size_t len)
{
	(void)pa, (void)len;
	return NULL;
}

/* Backends reach a PV guest's memory through grant references, never bus addresses, and the
 * machine frames behind a block of pseudo-physical pages are not contiguous anyway. */
uint64_t hal_mem_dma_addr(const void *va)
{
	(void)va;
	return HAL_DMA_INVALID;
}
