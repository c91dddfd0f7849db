/* SPDX-License-Identifier: MIT */
/* fuzz_blkfront.c: what a Xen block backend writes, as arbitrary bytes, through blkfront's
 * checks (platforms/xen/blkfront/blkfront_wire.c): its xenstore values (sectors, sector-size,
 * info, indirect segments) and a ring of responses with the producer index it moves. The first
 * byte picks which. The limits must be ones a request can be built from, and a response may
 * only complete a request in flight, once, with the operation it was sent with. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/blkdev.h>

#include "blkfront_wire.h"

static uint64_t take64(const uint8_t *d, size_t n, size_t *at)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | (*at < n ? d[(*at)++] : 0);
	return v;
}

static void fuzz_limits(const uint8_t *d, size_t n)
{
	size_t at = 0;
	struct blkfront_backend be = {.sectors = take64(d, n, &at),
	                              .sector_size = take64(d, n, &at),
	                              .info = take64(d, n, &at),
	                              .max_indirect = take64(d, n, &at)};
	uint8_t flags = at < n ? d[at++] : 0;
	struct blkfront_limits lim;
	const char *why = NULL;

	be.flush = flags & 1;
	be.mode_ro = flags & 2;
	if (blkfront_limits(&be, &lim, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	/* A usable disk: requests up to max_sectors fit the slot's pages, at least 8 blocks. */
	if (lim.sectors == 0 || lim.sector_size < 512 || lim.sector_size > 4096 || lim.max_sectors < 8 ||
	    lim.segs_max == 0 || lim.segs_max > BLKFRONT_SEGS_MAX ||
	    (uint64_t)lim.max_sectors * lim.sector_size > (uint64_t)lim.segs_max * BLKFRONT_PAGE ||
	    (lim.indirect && lim.segs_max < BLKIF_MAX_SEGMENTS_PER_REQUEST) ||
	    (!lim.indirect && lim.segs_max > BLKIF_MAX_SEGMENTS_PER_REQUEST))
		abort();
	/* Requests at the end of the disk: accepted exactly when inside it. */
	uint64_t sector = take64(d, n, &at) % (lim.sectors + 2);
	uint32_t count = (uint32_t)(take64(d, n, &at) % (lim.max_sectors + 2));
	static uint8_t buf[1];
	struct blk_request req = {.op = BLK_READ, .sector = sector, .count = count, .buf = buf};
	int ok = count > 0 && count <= lim.max_sectors && sector < lim.sectors &&
	         count <= lim.sectors - sector;

	if ((blkfront_check_request(&lim, &req) == 0) != ok)
		abort();
	if (ok) {
		grant_ref_t refs[BLKFRONT_SEGS_MAX];
		struct blkif_request_segment seg[BLKFRONT_SEGS_MAX];
		uint32_t bytes = count * lim.sector_size, sum = 0;

		for (unsigned i = 0; i < BLKFRONT_SEGS_MAX; i++)
			refs[i] = 100 + i;
		unsigned nseg = blkfront_segments(bytes, refs, seg);

		if (nseg == 0 || nseg > lim.segs_max)
			abort();
		for (unsigned i = 0; i < nseg; i++) {
			if (seg[i].gref != 100 + i || seg[i].first_sect > seg[i].last_sect ||
			    seg[i].last_sect > 7)
				abort();
			sum += (seg[i].last_sect - seg[i].first_sect + 1u) * 512u;
		}
		if (sum != bytes)
			abort();
	}
}

#define SLOTS 8

static void fuzz_responses(const uint8_t *d, size_t n)
{
	struct blkfront_expect slots[SLOTS] = {0};
	uint32_t req_prod = 0, rsp_cons = 0;
	unsigned in_flight = 0;
	size_t at = 0;

	if (n >= 4) { /* start anywhere: the indexes wrap */
		req_prod = rsp_cons =
		        (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
		at = 4;
	}
	/* Per step: the driver may send requests, then the backend claims a producer index and
	 * writes one response (id, operation, status). */
	while (at + 6 <= n) {
		const uint8_t *s = d + at;

		at += 6;
		for (unsigned i = 0; i < (s[0] & 3u) && in_flight < SLOTS; i++) {
			unsigned k = 0;

			while (slots[k].busy)
				k++;
			uint8_t op = (uint8_t)(s[0] >> 2) % 4;

			slots[k] = (struct blkfront_expect){.busy = true,
			                                    .op = op == 3 ? BLKIF_OP_INDIRECT : op,
			                                    .inner_op = op == 3 ? BLKIF_OP_READ : op};
			req_prod++;
			in_flight++;
		}
		const char *why = NULL;
		int claimed = blkfront_responses(rsp_cons + (s[1] & 15u), rsp_cons, req_prod, &why);

		if (claimed < 0) {
			if (!why || (s[1] & 15u) <= in_flight)
				abort();
			return; /* the driver drops the disk */
		}
		if ((unsigned)claimed != (s[1] & 15u) || (unsigned)claimed > in_flight)
			abort();
		if (claimed == 0)
			continue;
		struct blkif_response rsp = {.id = s[2] % (SLOTS + 2),
		                             .operation = s[3] % 8,
		                             .status = (int16_t)((int8_t)s[4] % 4)};
		unsigned slot = SLOTS;
		int result = 1;
		bool expected =
		        rsp.id < SLOTS && slots[rsp.id].busy &&
		        (rsp.operation == slots[rsp.id].op || rsp.operation == slots[rsp.id].inner_op) &&
		        (rsp.status == 0 || rsp.status == -1 || rsp.status == -2);

		if (blkfront_response(&rsp, slots, SLOTS, &slot, &result, &why) < 0) {
			if (expected || !why)
				abort();
			return; /* dropped */
		}
		if (!expected || slot != rsp.id || (result != 0 && result != -EIO) ||
		    (result == 0) != (rsp.status == 0))
			abort();
		slots[slot].busy = false; /* completed: a second response for it must be refused */
		in_flight--;
		rsp_cons++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_limits(data + 1, size - 1);
	else
		fuzz_responses(data + 1, size - 1);
	return 0;
}
