/* SPDX-License-Identifier: MIT */
/* mote/xen/gnttab.h: the grant table (public/grant_table.h, version 1): letting another domain (a
 * device backend) map or copy pages of ours, for the split-driver frontends. Thread context. */
#ifndef MOTE_XEN_GNTTAB_H
#define MOTE_XEN_GNTTAB_H

#include <stdint.h>

/* Set the table up (GNTTABOP_setup_table) and map its frames; also done by the first grant.
 * 0 or a negative errno. */
int xen_gnttab_init(void);

/* Let domain `domid` access the page at `page` (page-aligned RAM), read-only when `readonly`.
 * Returns the grant reference (> 0), -ENOSPC when the table is full, or another -errno. */
int xen_gnttab_grant(uint16_t domid, const void *page, int readonly);

/* Withdraw grant `ref`. 0, or -EBUSY while the other domain still has it mapped (retry later),
 * -EINVAL for a reference not granted. */
int xen_gnttab_end(int ref);

#endif
