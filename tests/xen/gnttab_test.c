/* SPDX-License-Identifier: MIT */
/* gnttab_test.c: the grant table from inside, as dom0: set-up, a page granted to ourselves and
 * copied through its reference by Xen (GNTTABOP_copy), withdrawal, and filling the table, which
 * grows past its first 4 frames up to its maximum. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/mm.h>

#include "image_check.h"
#include <mote/xen/gnttab.h>
#include "xen_hypercall.h"
#include "xen_platform.h"

#define MAX_REFS 65536 /* more than any table Mote grows to (64 frames of 512) */

static int refs[MAX_REFS];

int main(void)
{
	CHECK(xen_is_dom0());
	CHECK(xen_gnttab_init() == 0);

	/* Grants name RAM by machine frame: pages from the page allocator, not the heap window. */
	unsigned char *src = mm_alloc_pages(0), *dst = mm_alloc_pages(0);

	CHECK(src && dst);
	for (unsigned i = 0; i < 4096; i++)
		src[i] = (unsigned char)(i * 7 + 1);
	memset(dst, 0, 4096);
	int ref = xen_gnttab_grant(0, src, 1); /* dom0 is domain 0 */

	CHECK(ref >= 8);
	gnttab_copy_t copy = {
	        .source = {.u.ref = (grant_ref_t)ref, .domid = DOMID_SELF},
	        .dest = {.u.gmfn = xen_pfn_to_mfn((uintptr_t)dst >> 12), .domid = DOMID_SELF},
	        .len = 4096,
	        .flags = GNTCOPY_source_gref,
	};
	CHECK(xen_grant_table_op(GNTTABOP_copy, &copy, 1) == 0);
	CHECK(copy.status == GNTST_okay);
	CHECK(memcmp(src, dst, 4096) == 0);
	if (copy.status == GNTST_okay && memcmp(src, dst, 4096) == 0)
		printf("gnttab_test: copied a page through grant %d\n", ref);
	CHECK(xen_gnttab_end(ref) == 0);
	CHECK(xen_gnttab_end(ref) == -EINVAL); /* already withdrawn */
	CHECK(xen_gnttab_end(3) == -EINVAL);   /* reserved */

	/* A withdrawn grant no longer lets Xen copy. */
	copy.status = 0;
	CHECK(xen_grant_table_op(GNTTABOP_copy, &copy, 1) == 0 && copy.status != GNTST_okay);
	CHECK(xen_gnttab_grant(0, src + 1, 0) == -EINVAL); /* not page-aligned */

	unsigned n = 0;
	int r;

	while (n < MAX_REFS && (r = xen_gnttab_grant(0, src, 1)) > 0)
		refs[n++] = r;
	CHECK(r == -ENOSPC);
	CHECK(n > 0);
	/* The boot test reads this line as "the table filled up": say it only when it did. */
	if (r == -ENOSPC && n > 0)
		printf("gnttab_test: %u references handed out before the table was full\n", n);
	/* It grew past its first 4 frames to the most it may have, every reference but the 8
	 * reserved ones used, and Xen saw it grow. */
	unsigned max = 0, frames = xen_gnttab_frames(&max);
	struct gnttab_query_size q = {.dom = DOMID_SELF};

	CHECK(frames > 4 && frames == max && n == frames * 512 - 8);
	CHECK(xen_grant_table_op(GNTTABOP_query_size, &q, 1) == 0 && q.status == GNTST_okay &&
	      q.nr_frames == frames);
	printf("gnttab_test: the table grew from 4 to %u frames (Xen's maximum %u)\n", frames,
	       q.max_nr_frames);
	/* A reference in the last frame added works like the first. */
	memset(dst, 0, 4096);
	copy.source.u.ref = (grant_ref_t)refs[n - 1];
	copy.status = 0;
	CHECK(refs[n - 1] >= (int)(frames - 1) * 512 && xen_grant_table_op(GNTTABOP_copy, &copy, 1) == 0 &&
	      copy.status == GNTST_okay && memcmp(src, dst, 4096) == 0);
	/* One check for all of them: how many references fit depends on Xen's table size, and the
	 * count of checks must not (tests/xen/CMakeLists.txt pins it). */
	unsigned ended = 0;

	for (unsigned i = 0; i < n; i++)
		ended += xen_gnttab_end(refs[i]) == 0;
	CHECK(ended == n);
	CHECK(xen_gnttab_grant(0, src, 1) > 0);
	mm_free_pages(src, 0);
	mm_free_pages(dst, 0);
	return check_report();
}
