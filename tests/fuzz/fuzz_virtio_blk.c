/* SPDX-License-Identifier: MIT */
/* fuzz_virtio_blk.c: what a virtio-blk device writes or reports, as arbitrary bytes
 * (drivers/virtio/virtio_blk_req.c over virtq.c): used-ring entries and status bytes for
 * read, write and flush chains as the driver builds them; the configuration the limits come
 * from; and bus-address layouts for the descriptor builder. The first byte picks which. The
 * driver must never complete a request twice or one it did not add, accept a completion that
 * did not write its data and status, or get limits that overrun the ring. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/blkdev.h>
#include <virtio/virtio_blk_req.h>
#include <virtio/virtq.h>

#define QSIZE 16

struct req {
	uint32_t expect_len;
	uint8_t status;
	bool in_flight;
};

static void fuzz_completions(const uint8_t *d, size_t n)
{
	static uint8_t mem[8192] __attribute__((aligned(4096)));
	static struct req reqs[QSIZE];
	struct virtq vq;

	memset(mem, 0, sizeof(mem));
	memset(reqs, 0, sizeof(reqs));
	if (virtq_mem_size(QSIZE, n & 1) > sizeof(mem) ||
	    virtq_init(&vq, 0, QSIZE, mem, 0x100000, n & 1, n & 2) < 0)
		abort();
	/* Per step: the driver adds a read (header, 1-2 data, status), write or flush chain; the
	 * device writes a used element (id, len), a status byte, and moves its index by 0-3. */
	for (size_t i = 0; i + 8 <= n; i += 8) {
		unsigned t = d[i] % QSIZE, kind = d[i + 1] % 3, nbufs = 0;
		struct virtq_buf b[4];
		uint32_t data = 512u * (1 + d[i + 1] / 3 % 8);

		b[nbufs++] = (struct virtq_buf){0x1000, 16, false};
		if (kind == 0) {
			b[nbufs++] = (struct virtq_buf){0x2000, data / 2, true};
			b[nbufs++] = (struct virtq_buf){0x4000, data - data / 2, true};
		} else if (kind == 1) {
			b[nbufs++] = (struct virtq_buf){0x2000, data, false};
		}
		b[nbufs++] = (struct virtq_buf){0x8000, 1, true};
		if (!reqs[t].in_flight && virtq_add(&vq, b, nbufs, &reqs[t]) == 0) {
			reqs[t].in_flight = true;
			reqs[t].expect_len = (kind == 0 ? data : 0) + 1;
		}
		virtq_kick_prepare(&vq);
		uint16_t idx = vq.used[1];
		volatile uint32_t *elem = (volatile uint32_t *)(vq.used + 2) + 2 * (idx & (QSIZE - 1));

		elem[0] = d[i + 2] | (uint32_t)(d[i + 3] & 0x3f) << 8;
		elem[1] = d[i + 4] | (uint32_t)d[i + 5] << 8;
		reqs[d[i + 6] % QSIZE].status = d[i + 7];
		vq.used[1] = (uint16_t)(idx + (d[i + 3] >> 6));
		void *tok;
		uint32_t len;
		int r;

		while ((r = virtq_get_used(&vq, &tok, &len)) == 1) {
			struct req *q = tok;
			const char *why = NULL;
			int result = 1;

			if (q < reqs || q >= reqs + QSIZE || !q->in_flight)
				abort(); /* a request never added, or completed twice */
			q->in_flight = false;
			if (vblk_completion(len, q->expect_len, q->status, &result, &why) < 0) {
				if (!why)
					abort();
				return; /* the driver drops the device here */
			}
			if ((result != 0 && result != -EIO) || len != q->expect_len || q->status > 2)
				abort();
		}
		if (r < 0)
			return;
		virtq_enable_interrupts(&vq);
	}
}

static uint32_t u32(const uint8_t *d)
{
	return d[0] | (uint32_t)d[1] << 8 | (uint32_t)d[2] << 16 | (uint32_t)d[3] << 24;
}

static void fuzz_limits(const uint8_t *d, size_t n)
{
	uint8_t raw[24] = {0};
	struct vblk_limits l;
	const char *why = NULL;

	memcpy(raw, d, n < sizeof(raw) ? n : sizeof(raw));
	struct vblk_config c = {.capacity = (uint64_t)u32(raw) << 16 | u32(raw + 4) >> 16,
	                        .size_max = u32(raw + 8),
	                        .seg_max = u32(raw + 12),
	                        .blk_size = u32(raw + 16)};
	uint64_t features = (uint64_t)raw[20] << 1;
	uint16_t ring = (uint16_t)(raw[21] | raw[22] << 8);

	if (vblk_limits_from_config(&c, features, ring, &l, &why) < 0) {
		if (!why)
			abort();
		return;
	}
	if (l.sector_size < 512 || (l.sector_size & (l.sector_size - 1)) || l.sectors == 0 ||
	    l.max_sectors < 8 || l.seg_max == 0 || l.seg_max > VBLK_SEGS_MAX || l.seg_max + 2u > ring ||
	    (uint64_t)l.max_sectors * l.sector_size > (uint64_t)l.seg_max * l.size_max ||
	    l.sectors * (l.sector_size / 512) > c.capacity)
		abort();
}

static const uint8_t *map;
static size_t map_len;

/* Each 4 KiB page of the fake buffer goes where the input's bytes say (or nowhere). */
static uint64_t fuzz_dma(const void *va)
{
	size_t page = ((uintptr_t)va - 0x100000) / 4096;
	uint8_t m = page < map_len ? map[page] : 0;

	return m == 0xff ? UINT64_MAX : 0x10000000ull + (uint64_t)(m % 8) * 4096 + ((uintptr_t)va & 4095);
}

static void fuzz_segments(const uint8_t *d, size_t n)
{
	struct virtq_buf out[VBLK_SEGS_MAX];

	if (n < 6)
		return;
	size_t off = d[0] | (d[1] & 0xf) << 8, len = 1 + (d[2] | (size_t)(d[3] & 0x3) << 8) * 128;
	uint32_t size_max = 512u * (1 + d[4] % 64);
	unsigned max_segs = 1 + d[5] % VBLK_SEGS_MAX;

	map = d + 6;
	map_len = n - 6;
	int k = vblk_segments((const void *)(uintptr_t)(0x100000 + off), len, fuzz_dma, size_max, max_segs,
	                      d[1] & 0x80, out);

	if (k == -EFAULT || k == -E2BIG)
		return;
	if (k <= 0 || (unsigned)k > max_segs)
		abort();
	size_t total = 0;

	for (int i = 0; i < k; i++) {
		if (out[i].len == 0 || out[i].len > size_max)
			abort();
		total += out[i].len;
	}
	if (total != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fuzz_completions(data + 1, size - 1);
		break;
	case 1:
		fuzz_limits(data + 1, size - 1);
		break;
	default:
		fuzz_segments(data + 1, size - 1);
		break;
	}
	return 0;
}
