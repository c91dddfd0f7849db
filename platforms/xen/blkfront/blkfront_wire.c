/* SPDX-License-Identifier: MIT */
/* blkfront_wire.c: blkfront's pure logic (public/io/blkif.h): limits from the backend's xenstore
 * values, request checks, segment layout, and the checks every ring response passes. Compiled
 * into the kernel, the host unit tests and the fuzz target. */
#include <errno.h>

#include <mote/blkdev.h>

#include "blkfront_wire.h"

#define MIN_BLOCKS 8u /* what mote/blkdev.h promises a request may carry at least */

int blkfront_limits(const struct blkfront_backend *be, struct blkfront_limits *out, const char **why)
{
	uint64_t ss = be->sector_size;

	/* A sector larger than a page could not be named by a segment's first_sect/last_sect
	 * within one granted page. */
	if (ss < 512 || ss > BLKFRONT_PAGE || (ss & (ss - 1)) != 0) {
		*why = "sector-size is not a power of two between 512 and 4096";
		return -EINVAL;
	}
	out->sectors = be->sectors / (ss / 512); /* a partial last block is left unused */
	if (out->sectors == 0) {
		*why = "the disk is smaller than one sector";
		return -EINVAL;
	}
	out->sector_size = (uint32_t)ss;
	out->indirect = be->max_indirect >= BLKIF_MAX_SEGMENTS_PER_REQUEST;
	if (out->indirect)
		out->segs_max = be->max_indirect < BLKFRONT_INDIRECT_SEGS ? (uint16_t)be->max_indirect
		                                                          : (uint16_t)BLKFRONT_INDIRECT_SEGS;
	else
		out->segs_max = BLKIF_MAX_SEGMENTS_PER_REQUEST;
	/* 11 pages hold at least 11 blocks of 4 KiB: always >= MIN_BLOCKS. */
	out->max_sectors = (uint32_t)(out->segs_max * BLKFRONT_PAGE / ss);
	_Static_assert(BLKIF_MAX_SEGMENTS_PER_REQUEST >= MIN_BLOCKS, "8 blocks of 4 KiB per request");
	out->read_only = be->mode_ro || (be->info & VDISK_READONLY);
	out->can_flush = be->flush;
	return 0;
}

int blkfront_check_request(const struct blkfront_limits *lim, const struct blk_request *req)
{
	return blk_request_check(lim->sectors, lim->max_sectors, lim->read_only, req);
}

unsigned blkfront_segments(uint32_t bytes, const grant_ref_t *grefs, struct blkif_request_segment *out)
{
	unsigned n = 0;

	/* first_sect and last_sect count 512-byte units within the page, whatever the disk's
	 * sector size (blkif.h: feature-large-sector-size is not offered). */
	while (bytes > 0) {
		uint32_t piece = bytes < BLKFRONT_PAGE ? bytes : BLKFRONT_PAGE;

		out[n] = (struct blkif_request_segment){
		        .gref = grefs[n], .first_sect = 0, .last_sect = (uint8_t)(piece / 512 - 1)};
		n++;
		bytes -= piece;
	}
	return n;
}

int blkfront_responses(uint32_t rsp_prod, uint32_t rsp_cons, uint32_t req_prod, const char **why)
{
	/* Unsigned differences: the ring indexes wrap. */
	uint32_t claimed = rsp_prod - rsp_cons, outstanding = req_prod - rsp_cons;

	if (claimed > outstanding) {
		*why = "response producer index runs ahead of the requests";
		return -EPROTO;
	}
	return (int)claimed;
}

int blkfront_response(const struct blkif_response *rsp, const struct blkfront_expect *slots, unsigned nslots,
                      unsigned *slot, int *result, const char **why)
{
	uint64_t id = rsp->id;

	if (id >= nslots || !slots[id].busy) {
		*why = "response for an unknown request id";
		return -EPROTO;
	}
	if (rsp->operation != slots[id].op && rsp->operation != slots[id].inner_op) {
		*why = "response operation differs from the request's";
		return -EPROTO;
	}
	switch (rsp->status) {
	case BLKIF_RSP_OKAY:
		*result = 0;
		break;
	case BLKIF_RSP_ERROR:
	case BLKIF_RSP_EOPNOTSUPP:
		*result = -EIO;
		break;
	default:
		*why = "unknown response status";
		return -EPROTO;
	}
	*slot = (unsigned)id;
	return 0;
}
