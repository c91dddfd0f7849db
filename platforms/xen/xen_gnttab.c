/* SPDX-License-Identifier: MIT */
/* xen_gnttab.c: grant table version 1 (public/grant_table.h). Xen gives the table's frames
 * (GNTTABOP_setup_table); they are mapped in a window of their own and entries are filled with
 * the machine frame (a PV guest's "GFN") and handed out from a free list. */
#include <errno.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/sync.h>

#include <mote/xen/gnttab.h>
#include "xen_hypercall.h"
#include "xen_platform.h"

#define GNTTAB_FRAMES     4                      /* 2048 references: plenty for a netfront and a blkfront */
#define GNTTAB_VA         ((512ull + 256) << 30) /* after core's window (xen_boot.c) */
#define ENTRIES_PER_FRAME (HAL_PAGE_SIZE / sizeof(grant_entry_v1_t))

static volatile grant_entry_v1_t *table;
static unsigned nr_entries;
static uint16_t free_next[GNTTAB_FRAMES * ENTRIES_PER_FRAME];
static unsigned free_head; /* 0: none free (references 0-7 are reserved, never on the list) */
static struct once init_once = ONCE_INIT;
static int init_error;

static void setup(void)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	xen_pfn_t frames[GNTTAB_FRAMES];
	unsigned n = GNTTAB_FRAMES;

	if (xen_grant_table_op(GNTTABOP_query_size, &q, 1) < 0 || q.status != GNTST_okay) {
		init_error = -EIO;
		return;
	}
	if (q.max_nr_frames < n)
		n = q.max_nr_frames;
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = n};

	set_xen_guest_handle(s.frame_list, frames);
	if (xen_grant_table_op(GNTTABOP_setup_table, &s, 1) < 0 || s.status != GNTST_okay) {
		init_error = -EIO;
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		init_error = xen_mm_map_mfn(GNTTAB_VA + i * HAL_PAGE_SIZE, frames[i],
		                            HAL_PROT_READ | HAL_PROT_WRITE);
		if (init_error)
			return;
	}
	table = (volatile grant_entry_v1_t *)GNTTAB_VA;
	nr_entries = n * ENTRIES_PER_FRAME;
	for (unsigned ref = nr_entries - 1; ref >= GNTTAB_NR_RESERVED_ENTRIES; ref--) {
		free_next[ref] = (uint16_t)free_head;
		free_head = ref;
	}
}

int xen_gnttab_init(void)
{
	once_run(&init_once, setup);
	return init_error;
}

int xen_gnttab_grant(uint16_t domid, const void *page, int readonly)
{
	int err = xen_gnttab_init();

	if (err)
		return err;
	if ((uintptr_t)page & (HAL_PAGE_SIZE - 1))
		return -EINVAL;
	hal_irq_state_t s = hal_irq_save();
	unsigned ref = free_head;

	if (ref)
		free_head = free_next[ref];
	hal_irq_restore(s);
	if (!ref)
		return -ENOSPC;
	table[ref].domid = domid;
	table[ref].frame = (uint32_t)xen_pfn_to_mfn((uintptr_t)page >> 12);
	/* The other fields must be visible before the entry becomes valid. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	table[ref].flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
	return (int)ref;
}

int xen_gnttab_end(int ref)
{
	if (ref < GNTTAB_NR_RESERVED_ENTRIES || (unsigned)ref >= nr_entries)
		return -EINVAL;
	uint16_t flags = table[ref].flags;

	/* Clear the entry only if the other side has not started using it meanwhile: Xen sets
	 * GTF_reading/GTF_writing while it is mapped or being copied. */
	do {
		if (!(flags & GTF_permit_access))
			return -EINVAL;
		if (flags & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n((uint16_t *)&table[ref].flags, &flags, 0, 0, __ATOMIC_SEQ_CST,
	                                      __ATOMIC_SEQ_CST));
	hal_irq_state_t s = hal_irq_save();

	free_next[ref] = (uint16_t)free_head;
	free_head = (unsigned)ref;
	hal_irq_restore(s);
	return 0;
}
