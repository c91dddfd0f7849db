/* SPDX-License-Identifier: MIT */
/* xen_mm.c: page tables for Xen PV and hal/mem.h on top of them. A PV guest's tables hold
 * machine frames and are read-only to it: every change goes through HYPERVISOR_mmu_update
 * (public/xen.h, MMU_NORMAL_PT_UPDATE), which validates it, and a page becomes a table only
 * once no writable mapping of it is left. Virtual address = pseudo-physical address for RAM.
 * That direct map of RAM is filled in lazily, 2 MiB at a time on first touch (a page fault), so
 * boot does not wait for Xen to validate tables for RAM nobody has used yet. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <hal/cpu.h>
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

#define BLOCK      (512 * PAGE) /* what one L1 table maps */
#define FILL_GROUP 16           /* pages mapped together in a block whose L1 table Xen made */

static hal_page_source_fn page_source;
static uint64_t nr_ram_pages;

/* The lazily filled direct map. Blocks [0, xen_blocks) are the ones Xen's bootstrap tables
 * already cover; every later block b of RAM has its L1 table reserved at l1_reserve + b * PAGE
 * (pages kept out of core's RAM) and hooked into its L2 entry on first touch. */
static uintptr_t l1_reserve;
static uint64_t xen_blocks, nr_blocks;
static int lazy_ready;

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

static int in_image(uintptr_t va) { return va >= (uintptr_t)__image_start && va < (uintptr_t)__image_end; }

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

/* Is the reserved L1 table page of block k in use as a table, or about to be as block `b`'s?
 * Its own mapping must then be read-only: Xen refuses a table that is mapped writable. */
static int reserved_table_live(uint64_t k, uint64_t b)
{
	int err;

	if (k == b)
		return 1;
	if (k < xen_blocks)
		return 0; /* Xen's tables serve that block: its reserved page stays an ordinary page */
	uint64_t *pde = entry_of(k * BLOCK, 2, 0, &err);

	return pde && (*pde & PTE_P);
}

/* Map the 2 MiB block `b` of the direct map through its reserved L1 table: the table is filled
 * by plain writes while it is still an ordinary page, then made read-only and hooked into the
 * L2 entry `pde` with one mmu_update, so Xen validates its 512 entries in one pass (one request
 * per entry costs about twice as much). The table page must already be mapped (checked, so a
 * broken layout is an error, never a fault inside the fault handler). Events masked. */
static int hook_block(uint64_t b, uint64_t *pde)
{
	uint64_t *l1 = (uint64_t *)(l1_reserve + b * PAGE);
	uint64_t reserve_pfn = l1_reserve >> 12;
	int err;
	uint64_t *own = entry_of((uintptr_t)l1, 3, 0, &err);

	if (b >= nr_blocks || !own || !(*own & PTE_P))
		return -EIO;
	for (unsigned i = 0; i < 512; i++) {
		uint64_t pfn = b * 512 + i;
		unsigned prot = HAL_PROT_READ | HAL_PROT_WRITE;

		if (pfn >= reserve_pfn && pfn < reserve_pfn + nr_blocks &&
		    reserved_table_live(pfn - reserve_pfn, b))
			prot = HAL_PROT_READ;
		l1[i] = pfn == 0 || pfn >= nr_ram_pages ? 0 : (xen_pfn_to_mfn(pfn) << 12) | leaf_flags(prot);
	}
	uint64_t mfn = xen_pfn_to_mfn((uintptr_t)l1 >> 12);
	mmu_update_t req = {
	        .ptr = entry_machine_addr(pde) | MMU_NORMAL_PT_UPDATE,
	        .val = (mfn << 12) | TABLE_FLAGS,
	};

	if (xen_update_va_mapping((uintptr_t)l1, (mfn << 12) | PTE_P | PTE_U | PTE_A | PTE_NX, UVMF_INVLPG) <
	            0 ||
	    xen_mmu_update(&req, 1) < 0)
		return -EIO;
	return 0;
}

/* In a block whose L1 table Xen made (its bootstrap region starts at the image, so the pages
 * below it have empty entries), map the never-mapped RAM pages of the FILL_GROUP-page group
 * holding `va`, one mmu_update for the group. -EFAULT when va's own entry is not empty: it is
 * mapped, or unmapped on purpose (a guard page keeps its frame, page 0 is never filled). */
static int fill_group(uintptr_t va, uint64_t *l1)
{
	mmu_update_t req[FILL_GROUP];
	unsigned n = 0;
	uintptr_t first = va & ~(FILL_GROUP * PAGE - 1);

	if (l1[(va >> 12) & 511])
		return -EFAULT;
	for (uintptr_t p = first; p < first + FILL_GROUP * PAGE; p += PAGE) {
		uint64_t *pte = &l1[(p >> 12) & 511];

		if (*pte || p < PAGE || p >= nr_ram_pages * PAGE || in_image(p))
			continue;
		req[n].ptr = entry_machine_addr(pte) | MMU_NORMAL_PT_UPDATE;
		req[n].val = (xen_pfn_to_mfn(p >> 12) << 12) | leaf_flags(HAL_PROT_READ | HAL_PROT_WRITE);
		n++;
	}
	return xen_mmu_update(req, n) < 0 ? -EIO : 0;
}

/* Map the direct-map page `va` if it has never been mapped. 0 when it now is; -EFAULT when it
 * is not a page of the lazily filled map (outside RAM, the image, page 0, already mapped or
 * unmapped on purpose); -EIO when Xen refused. Any context: it takes no memory from core (the
 * tables were reserved at boot) and touches no state an interrupted caller may be changing. */
static int populate(uintptr_t va)
{
	int err = -EFAULT;

	if (!lazy_ready || va < PAGE || va >= nr_ram_pages * PAGE || in_image(va))
		return -EFAULT;
	hal_irq_state_t s = hal_irq_save();
	uint64_t *pde = entry_of(va, 2, 0, &err);

	if (!pde)
		err = -EFAULT;
	else if (!(*pde & PTE_P))
		err = (va >> 21) >= xen_blocks ? hook_block(va >> 21, pde) : -EFAULT;
	else
		err = fill_group(va, table_of(*pde));
	hal_irq_restore(s);
	return err;
}

int xen_mm_fault(uintptr_t va, uint64_t error_code)
{
	if (error_code & 1)
		return -EFAULT; /* a protection fault: the page is mapped */
	return populate(va);
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
		/* A page of the lazily filled map gets its block's own table first. */
		if (populate(va + off) == -EIO)
			return -EIO;
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
		if (populate(va + off) == -EIO)
			return -EIO;
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

/* Pages for the L2 and L3 tables xen_mm_init() makes, taken after the L1 reserve. */
static uintptr_t init_next, init_end;

static void *init_page(void)
{
	if (init_next + PAGE > init_end)
		return NULL;
	init_next += PAGE;
	return (void *)(init_next - PAGE);
}

int xen_mm_init(uint64_t nr_pages, uintptr_t *free_start)
{
	uint64_t gib = (nr_pages * PAGE + (1ull << 30) - 1) >> 30;
	int err;

	nr_ram_pages = nr_pages;
	nr_blocks = (nr_pages + 511) / 512;
	for (xen_blocks = 0; xen_blocks < nr_blocks; xen_blocks++) {
		uint64_t *pde = entry_of(xen_blocks * BLOCK, 2, 0, &err);

		if (!pde || !(*pde & PTE_P))
			break;
	}
	/* The table area: an L1 table for every block (those of Xen's blocks go unused, which keeps
	 * the index simple), then room for an L2 table per GiB of RAM and an L3 per 512 GiB. It must
	 * lie in the first GiB, under the L2 table Xen made for its bootstrap region. */
	l1_reserve = *free_start;
	init_next = l1_reserve + nr_blocks * PAGE;
	init_end = init_next + (gib + (gib + 511) / 512) * PAGE;
	if (init_end > nr_pages * PAGE || init_end > (1ull << 30))
		return -ENOMEM;
	lazy_ready = 1;
	/* Map the table area now, lowest page first. Xen maps at least 512 KiB past its bootstrap
	 * region, which holds the L1 tables of the area's own blocks (their index is small), so each
	 * block's table is mapped before the block is hooked; hook_block checks it. */
	for (uintptr_t va = l1_reserve; va < init_end; va += PAGE) {
		err = populate(va);
		if (err < 0 && err != -EFAULT)
			return err;
	}
	/* Every GiB of RAM gets its L2 table now, so populate() never needs a page from core. */
	page_source = init_page;
	for (uint64_t g = 0; g < gib; g++)
		if (!entry_of(g << 30, 2, 1, &err))
			return err;
	page_source = NULL;

	/* Xen maps its bootstrap region executable; the part past the image becomes free RAM
	 * (thread stacks, heap pages) and must not be. Entries Xen left empty are filled lazily. */
	for (uint64_t pfn = 1; pfn < xen_blocks * 512 && pfn < nr_pages; pfn++) {
		uint64_t *pte = pte_of(pfn << 12, 0, &err);

		if (!pte)
			return err;
		if ((*pte & PTE_P) && !(*pte & PTE_NX) && !in_image(pfn << 12) &&
		    queue(pte, *pte | PTE_NX) < 0)
			return -EIO;
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

	if (zero && *zero && queue(zero, 0) < 0)
		return -EIO;
	*free_start = init_end;
	return flush();
}

int xen_mm_is_mapped(uintptr_t va)
{
	int err;
	uint64_t *pte = pte_of(va, 0, &err);

	return pte && (*pte & PTE_P);
}

/* Xen delivers a fault on the stack the guest kernel is running on: a thread stack with a page
 * still missing may be the very place Xen has to write the exception frame, and Xen then
 * crashes the domain instead. Core commits every page of a stack up front here. */
int hal_mem_commit_on_touch(void) { return 0; }

int hal_mem_reserve(uintptr_t va, size_t len)
{
	(void)va, (void)len;
	return -ENOSYS;
}

int hal_mem_release(uintptr_t va, size_t len, void (*give_back)(uintptr_t ram_va))
{
	(void)va, (void)len, (void)give_back;
	return -ENOSYS;
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
