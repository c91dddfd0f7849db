/* SPDX-License-Identifier: MIT */
/* xen_gnttab.c: grant table version 1 (public/grant_table.h). Xen gives the table's frames
 * (GNTTABOP_setup_table); they are mapped in a window of their own and entries are filled with
 * the machine frame (a PV guest's "GFN") and handed out from a free list. The table starts
 * with 4 frames and grows, a frame at a time, when a grant finds no free reference, up to the
 * maximum Xen reports (GNTTABOP_query_size) or MAX_FRAMES. */
#include <errno.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/sync.h>

#include <mote/xen/gnttab.h>
#include "xen_hypercall.h"
#include "xen_platform.h"

#define GNTTAB_FRAMES     4  /* at first: 2048 references, enough for a netfront and a blkfront */
#define MAX_FRAMES        64 /* Xen 4.17's default gnttab_max_frames; references fit 16 bits */
#define GNTTAB_VA         ((512ull + 256) << 30) /* after core's window (xen_boot.c) */
#define ENTRIES_PER_FRAME (HAL_PAGE_SIZE / sizeof(grant_entry_v1_t))

static volatile grant_entry_v1_t *table;
static unsigned nr_entries, nr_frames, max_frames;
static struct mutex grow_lock; /* one grower at a time; the free list itself is under irq_save */
static uint16_t free_next[MAX_FRAMES * ENTRIES_PER_FRAME];
static unsigned free_head; /* 0: none free (references 0-7 are reserved, never on the list) */
static struct once init_once = ONCE_INIT;
static int init_error;

/* Ask Xen for `n` frames in all (it keeps the ones we have and adds the rest), map the new
 * ones and put their references on the free list. 0 or a negative errno. */
static int grow_to(unsigned n)
{
	static xen_pfn_t frames[MAX_FRAMES]; /* under grow_lock, or in setup() before anyone grants */
	struct gnttab_setup_table s = {.dom = DOMID_SELF, .nr_frames = n};

	set_xen_guest_handle(s.frame_list, frames);
	if (xen_grant_table_op(GNTTABOP_setup_table, &s, 1) < 0 || s.status != GNTST_okay)
		return -EIO;
	for (unsigned i = nr_frames; i < n; i++) {
		int err = xen_mm_map_mfn(GNTTAB_VA + i * HAL_PAGE_SIZE, frames[i],
		                         HAL_PROT_READ | HAL_PROT_WRITE);

		if (err)
			return err;
	}
	unsigned first = nr_frames * ENTRIES_PER_FRAME, end = n * ENTRIES_PER_FRAME;

	if (first < GNTTAB_NR_RESERVED_ENTRIES)
		first = GNTTAB_NR_RESERVED_ENTRIES;
	hal_irq_state_t st = hal_irq_save();

	for (unsigned ref = end - 1; ref >= first; ref--) {
		free_next[ref] = (uint16_t)free_head;
		free_head = ref;
	}
	nr_frames = n;
	nr_entries = end;
	hal_irq_restore(st);
	return 0;
}

static void setup(void)
{
	struct gnttab_query_size q = {.dom = DOMID_SELF};

	mutex_init(&grow_lock, false);
	if (xen_grant_table_op(GNTTABOP_query_size, &q, 1) < 0 || q.status != GNTST_okay ||
	    q.max_nr_frames == 0) {
		init_error = -EIO;
		return;
	}
	max_frames = q.max_nr_frames < MAX_FRAMES ? q.max_nr_frames : MAX_FRAMES;
	table = (volatile grant_entry_v1_t *)GNTTAB_VA;
	init_error = grow_to(GNTTAB_FRAMES < max_frames ? GNTTAB_FRAMES : max_frames);
}

/* Take a free reference, 0 when none is left. */
static unsigned take_ref(void)
{
	hal_irq_state_t s = hal_irq_save();
	unsigned ref = free_head;

	if (ref)
		free_head = free_next[ref];
	hal_irq_restore(s);
	return ref;
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
	unsigned ref = take_ref();

	while (!ref) {
		/* Full: one more frame, unless another thread grew the table meanwhile. */
		mutex_lock(&grow_lock, SYNC_FOREVER);
		ref = take_ref();
		if (!ref && nr_frames < max_frames)
			err = grow_to(nr_frames + 1);
		else if (!ref)
			err = -ENOSPC;
		mutex_unlock(&grow_lock);
		if (err)
			return err;
		if (!ref)
			ref = take_ref();
	}
	table[ref].domid = domid;
	table[ref].frame = (uint32_t)xen_pfn_to_mfn((uintptr_t)page >> 12);
	/* The other fields must be visible before the entry becomes valid. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	table[ref].flags = (uint16_t)(GTF_permit_access | (readonly ? GTF_readonly : 0));
	return (int)ref;
}

unsigned xen_gnttab_frames(unsigned *max)
{
	if (max)
		*max = max_frames;
	return nr_frames;
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
