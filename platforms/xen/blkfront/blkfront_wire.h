/* SPDX-License-Identifier: MIT */
/* blkfront_wire.h: the pure parts of blkfront (Xen's public/io/blkif.h): the disk's limits from
 * what the backend wrote in xenstore, request checks and segment layout, and the checks on each
 * ring response. No kernel services, so host unit tests and a fuzzer reach them. */
#ifndef BLKFRONT_WIRE_H
#define BLKFRONT_WIRE_H

#include <stdbool.h>
#include <stdint.h>

/* ring.h leaves the barriers to the includer. x86 keeps stores in order and loads in order,
 * so only the store-then-load of the notification checks needs a fence. */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __asm__ volatile("" ::: "memory")
#define xen_wmb() __asm__ volatile("" ::: "memory")

#include <xen/grant_table.h>
#include <xen/io/blkif.h>

struct blk_request;

#define BLKFRONT_PAGE          4096u
#define BLKFRONT_INDIRECT_SEGS 32u /* data pages of an indirect request (128 KiB): our choice */
#define BLKFRONT_SEGS_MAX      BLKFRONT_INDIRECT_SEGS
#define BLKFRONT_SLOTS         16u /* requests in flight; below the 32 entries of a one-page ring */

_Static_assert(sizeof(struct blkif_request_indirect) <= sizeof(struct blkif_request),
               "an indirect request fits a ring entry");
_Static_assert(BLKFRONT_INDIRECT_SEGS <= BLKFRONT_PAGE / sizeof(struct blkif_request_segment),
               "one indirect page per request");

/* What the backend wrote under its node, as read (numbers already range-checked by the bus's
 * reader). A key that was absent has its documented default: sector_size 512, info 0,
 * max_indirect 0, flush false. */
struct blkfront_backend {
	uint64_t sectors;      /* "sectors": in 512-byte units, as Linux's blkback writes it */
	uint64_t sector_size;  /* "sector-size" */
	uint64_t info;         /* "info": VDISK_* bits */
	uint64_t max_indirect; /* "feature-max-indirect-segments" */
	bool flush;            /* "feature-flush-cache" = 1 */
	bool mode_ro;          /* the toolstack's "mode" is "r" */
};

struct blkfront_limits {
	uint64_t sectors;     /* capacity in sector_size units */
	uint32_t sector_size; /* the logical block size: 512 ... 4096 */
	uint32_t max_sectors; /* sectors one request carries at most */
	uint16_t segs_max;    /* data pages one request uses at most */
	bool indirect;        /* requests go as BLKIF_OP_INDIRECT */
	bool read_only;
	bool can_flush;
};

/* Limits from the backend's values. 0, or -EINVAL with *why set for values no usable disk has
 * (a sector size that is not a power of two between 512 and 4096, fewer sectors than one
 * block). Indirect requests are used when the backend takes at least BLKIF_MAX_SEGMENTS_PER_
 * REQUEST segments that way; they then carry up to BLKFRONT_INDIRECT_SEGS pages. */
int blkfront_limits(const struct blkfront_backend *be, struct blkfront_limits *out, const char **why);

/* A request the disk may be given: 0, -EROFS for a write to a read-only disk, -EINVAL for an
 * unknown op, a count of 0 or above max_sectors, a range past the end, a NULL buffer. */
int blkfront_check_request(const struct blkfront_limits *lim, const struct blk_request *req);

/* Describe `bytes` of data (a whole number of sectors, at most segs_max pages) that sit at the
 * start of consecutive granted pages grefs[0], grefs[1] ...: every page whole but the last.
 * Returns the number of segments written to out. */
unsigned blkfront_segments(uint32_t bytes, const grant_ref_t *grefs, struct blkif_request_segment *out);

/* What the driver expects back for one request slot. */
struct blkfront_expect {
	bool busy;        /* a request is in flight in this slot */
	uint8_t op;       /* the ring request's operation (BLKIF_OP_INDIRECT for indirect ones) */
	uint8_t inner_op; /* the operation proper (indirect_op), == op otherwise */
};

/* How many responses the backend's producer index claims, given ours: at most the requests
 * not yet answered (req_prod - rsp_cons), else -EPROTO with *why set. */
int blkfront_responses(uint32_t rsp_prod, uint32_t rsp_cons, uint32_t req_prod, const char **why);

/* Check one response against the slots. Returns 0 with *slot and *result (0, or -EIO for
 * BLKIF_RSP_ERROR and BLKIF_RSP_EOPNOTSUPP), or -EPROTO with *why set when the backend broke
 * the protocol: an id that is no request in flight, an operation other than the request's (the
 * request's own or, for an indirect one, its inner operation), an unknown status. */
int blkfront_response(const struct blkif_response *rsp, const struct blkfront_expect *slots, unsigned nslots,
                      unsigned *slot, int *result, const char **why);

#endif
