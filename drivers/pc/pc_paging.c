/* SPDX-License-Identifier: MIT */
/* pc_paging.c: x86_64 4-level page tables of the PC platforms, and hal/mem.h on top of them.
 * Intel SDM vol. 3 §4.5 describes the formats. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <arch/native.h>
#include <arch/x86.h>
#include <hal/boot.h>
#include <hal/fault.h>
#include <hal/mem.h>

#include <pc/pc_paging.h>

#define PTE_P        (1ull << 0)
#define PTE_W        (1ull << 1)
#define PTE_PS       (1ull << 7)
/* A software bit of a non-present entry (the CPU ignores every other bit when P is clear): the
 * page is reserved by hal_mem_reserve() and gets RAM on its first touch. */
#define PTE_RESERVED (1ull << 9)
#define PTE_NX       (1ull << 63)
#define PTE_ADDR     0x000ffffffffff000ull
#define PAGE         4096ull
#define LARGE        (2ull << 20)

extern char __image_start[], __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __boot_stack_guard[], __image_end[];

static hal_page_source_fn page_source;
static uint64_t *root; /* the PML4, from pc_paging_init() */

static uint64_t *table_of(uint64_t entry) { return (uint64_t *)(uintptr_t)(entry & PTE_ADDR); }

static uint64_t leaf_flags(unsigned prot)
{
	uint64_t f = PTE_P;

	if (prot & HAL_PROT_WRITE)
		f |= PTE_W;
	if (!(prot & HAL_PROT_EXEC))
		f |= PTE_NX;
	return f;
}

/* The flags for one 4 KiB page of the first, finely mapped part of memory. */
static uint64_t image_page_flags(uintptr_t pa)
{
	if (pa == 0 || (pa >= (uintptr_t)__boot_stack_guard && pa < (uintptr_t)__boot_stack_guard + PAGE))
		return 0; /* null page and the boot-stack guard stay unmapped */
	if (pa >= (uintptr_t)__text_start && pa < (uintptr_t)__text_end)
		return PTE_P;
	if (pa >= (uintptr_t)__rodata_start && pa < (uintptr_t)__rodata_end)
		return PTE_P | PTE_NX;
	return PTE_P | PTE_W | PTE_NX;
}

static uint64_t *new_table(void)
{
	uint64_t *t = page_source ? page_source() : NULL;

	if (t)
		memset(t, 0, PAGE);
	return t;
}

/* Pages for the boot-time tables, from the front of the largest RAM range (so a small
 * low-memory range is not used up) before core sees the ranges. */
static struct hal_mem_range *early_pool;

static void *early_alloc_page(void)
{
	if (!early_pool || early_pool->len < 4096)
		return NULL;
	void *p = (void *)early_pool->va;

	early_pool->va += 4096;
	early_pool->len -= 4096;
	memset(p, 0, 4096);
	return p;
}

static int map_ram(uint64_t *pml4, uint64_t *pd0, uint64_t ram_top);

static struct hal_mem_range *largest_range(struct hal_boot_info *info)
{
	struct hal_mem_range *r = &info->ram[0];

	for (unsigned i = 1; i < info->nram; i++)
		if (info->ram[i].len > r->len)
			r = &info->ram[i];
	return r;
}

int pc_paging_init(uint64_t *pml4, uint64_t *pd0, uint64_t ram_top, struct hal_boot_info *info)
{
	int err;

	if (info->nram == 0)
		return -ENOMEM;
	early_pool = largest_range(info);
	err = map_ram(pml4, pd0, ram_top);
	early_pool = NULL;
	info->vspace_base = PC_VSPACE_BASE;
	info->vspace_len = PC_VSPACE_LEN;
	return err;
}

static int map_ram(uint64_t *pml4, uint64_t *pd0, uint64_t ram_top)
{
	uint64_t *pdpt = table_of(pml4[0]);
	uint64_t fine_end = ((uintptr_t)__image_end + LARGE - 1) & ~(LARGE - 1);
	uint64_t top = (ram_top + LARGE - 1) & ~(LARGE - 1);

	root = pml4;
	page_source = early_alloc_page;
	if (top > (512ull << 30))
		top = 512ull << 30; /* one PDPT's worth; plenty for a unikernel */
	if (top < fine_end)
		top = fine_end;
	for (uint64_t gb = 0; gb < top; gb += 1ull << 30) {
		uint64_t *pd = gb == 0 ? pd0 : new_table();

		if (!pd)
			return -ENOMEM;
		for (unsigned i = 0; i < 512; i++) {
			uint64_t va = gb + i * LARGE;

			if (va < fine_end) {
				uint64_t *pt = new_table();

				if (!pt)
					return -ENOMEM;
				for (unsigned j = 0; j < 512; j++)
					pt[j] = (va + j * PAGE) | image_page_flags(va + j * PAGE);
				pd[i] = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
			} else if (va < top) {
				pd[i] = va | PTE_P | PTE_W | PTE_PS | PTE_NX;
			} else {
				pd[i] = 0;
			}
		}
		pdpt[gb >> 30] = (uint64_t)(uintptr_t)pd | PTE_P | PTE_W;
	}
	write_cr3(read_cr3()); /* flush the temporary map's TLB entries */
	return 0;
}

void hal_mem_set_page_source(hal_page_source_fn alloc_page) { page_source = alloc_page; }

/* Where the PML4, PDPT and PD index of an address start. */
static const unsigned char shifts[3] = {39, 30, 21};

/* The PTE for `va`, creating missing tables and splitting a 2 MiB page into 4 KiB ones so the
 * caller can change a single page. NULL with *err set on failure. */
static uint64_t *pte_of(uintptr_t va, int create, int *err)
{
	uint64_t *table = root;

	for (unsigned level = 0; level < 3; level++) {
		uint64_t *e = &table[(va >> shifts[level]) & 511];

		if (level == 2 && (*e & PTE_PS)) {
			uint64_t *pt = new_table();
			uint64_t base = *e & PTE_ADDR & ~(LARGE - 1), flags = *e & (PTE_P | PTE_W | PTE_NX);

			if (!pt) {
				*err = -ENOMEM;
				return NULL;
			}
			for (unsigned j = 0; j < 512; j++)
				pt[j] = (base + j * PAGE) | flags;
			*e = (uint64_t)(uintptr_t)pt | PTE_P | PTE_W;
		} else if (!(*e & PTE_P)) {
			uint64_t *t;

			if (!create) {
				*err = -EINVAL;
				return NULL;
			}
			t = new_table();
			if (!t) {
				*err = -ENOMEM;
				return NULL;
			}
			*e = (uint64_t)(uintptr_t)t | PTE_P | PTE_W;
		}
		table = table_of(*e);
	}
	return &table[(va >> 12) & 511];
}

static int check_args(uintptr_t va, size_t len, unsigned prot)
{
	if ((va | len) & (PAGE - 1))
		return -EINVAL;
	if ((prot & HAL_PROT_WRITE) && (prot & HAL_PROT_EXEC))
		return -EINVAL; /* W^X */
	if (va + len < va || va + len > (1ull << 47))
		return -EINVAL; /* lower canonical half only */
	return 0;
}

/* The reserved range must lie in core's window, where nothing else is mapped with large
 * pages: a split there would need a table page at fault time. */
static int in_vspace(uintptr_t va, size_t len)
{
	return va >= PC_VSPACE_BASE && len <= PC_VSPACE_LEN && va - PC_VSPACE_BASE <= PC_VSPACE_LEN - len;
}

/* The four hal/mem.h range calls differ only in what they do to each page's PTE: one walk. */
enum range_op { OP_MAP, OP_PROTECT, OP_RESERVE, OP_RELEASE };

static int range_op(enum range_op op, uintptr_t va, size_t len, unsigned prot, uintptr_t ram_va,
                    void (*give_back)(uintptr_t ram_va))
{
	int err = check_args(va, len, prot);

	if (err)
		return err;
	if ((ram_va & (PAGE - 1)) || (op >= OP_RESERVE && !in_vspace(va, len)))
		return -EINVAL;
	for (size_t off = 0; off < len; off += PAGE) {
		/* Mapping and reserving make the tables they need; the others find them or not. */
		uint64_t *pte = pte_of(va + off, op == OP_MAP || op == OP_RESERVE, &err);
		uint64_t old;

		if (!pte) {
			if (op == OP_RELEASE)
				continue; /* no table: nothing was ever reserved or mapped there */
			return err;
		}
		old = *pte;
		switch (op) {
		case OP_MAP:
			/* identity map: the RAM's virtual address is its physical address */
			*pte = prot == HAL_PROT_NONE ? 0 : (ram_va + off) | leaf_flags(prot);
			break;
		case OP_PROTECT:
			if ((old & PTE_ADDR) == 0 && va + off != 0)
				return -EINVAL; /* never mapped: there is no frame to protect */
			/* Keep the frame address when unmapping so a later protect can map it again. */
			*pte = (old & PTE_ADDR) | (prot == HAL_PROT_NONE ? 0 : leaf_flags(prot));
			break;
		case OP_RESERVE:
			if (old & PTE_P)
				return -EINVAL; /* the caller's range overlaps a live mapping */
			*pte = PTE_RESERVED;
			continue; /* it was not present: nothing in the TLB */
		case OP_RELEASE:
			*pte = 0;
			invlpg(va + off);
			/* A committed page, or one hal_mem_protect() unmapped but kept the frame of
			 * (identity map: the frame is its direct-map address). */
			if ((old & PTE_ADDR) && give_back)
				give_back((uintptr_t)(old & PTE_ADDR));
			continue;
		}
		invlpg(va + off);
	}
	return 0;
}

int hal_mem_map(uintptr_t va, uintptr_t ram_va, size_t len, unsigned prot)
{
	return range_op(OP_MAP, va, len, prot, ram_va, NULL);
}

int hal_mem_protect(uintptr_t va, size_t len, unsigned prot)
{
	return range_op(OP_PROTECT, va, len, prot, 0, NULL);
}

int hal_mem_reserve(uintptr_t va, size_t len)
{
	return range_op(OP_RESERVE, va, len, HAL_PROT_NONE, 0, NULL);
}

int hal_mem_release(uintptr_t va, size_t len, void (*give_back)(uintptr_t ram_va))
{
	return range_op(OP_RELEASE, va, len, HAL_PROT_NONE, 0, give_back);
}

int pc_paging_identity_boot(struct hal_boot_info *info, uint64_t pa, size_t len, unsigned prot)
{
	int err;

	if (!root || info->nram == 0)
		return -ENOMEM;
	early_pool = largest_range(info);
	err = pc_paging_identity(pa, len, prot);
	early_pool = NULL;
	return err;
}

int pc_paging_identity(uint64_t pa, size_t len, unsigned prot)
{
	uint64_t start = pa & ~(PAGE - 1), end = (pa + len + PAGE - 1) & ~(PAGE - 1);
	int err = 0;

	if (end < start || end > (1ull << 47))
		return -EINVAL;
	for (uint64_t p = start; p < end; p += PAGE) {
		uint64_t *pte = pte_of(p, 1, &err);

		if (!pte)
			return err;
		if (!(*pte & PTE_P) && p != 0) {
			*pte = p | leaf_flags(prot);
			invlpg(p);
		}
	}
	return 0;
}

int hal_mem_commit_on_touch(void) { return 1; }

/* The walk of the page-fault path: never creates or splits a table (that would need memory). */
static uint64_t *pte_lookup(uintptr_t va)
{
	uint64_t *table = root;

	if (!root)
		return NULL;
	for (unsigned level = 0; level < 3; level++) {
		uint64_t e = table[(va >> shifts[level]) & 511];

		if (!(e & PTE_P) || (e & PTE_PS))
			return NULL;
		table = table_of(e);
	}
	return &table[(va >> 12) & 511];
}

int native_page_fault(uintptr_t va, uint64_t error_code)
{
	if (error_code & 1)
		return -EFAULT; /* a protection fault: the page is present */
	if (!in_vspace(va & ~(PAGE - 1), PAGE))
		return -EFAULT;
	uint64_t *pte = pte_lookup(va);

	if (!pte || *pte != PTE_RESERVED)
		return -EFAULT; /* unmapped on purpose (a guard page) or never reserved */
	uintptr_t page = core_commit_page(va & ~(PAGE - 1)); /* returns only with a page */

	*pte = (uint64_t)page | leaf_flags(HAL_PROT_READ | HAL_PROT_WRITE);
	invlpg(va);
	return 0;
}
