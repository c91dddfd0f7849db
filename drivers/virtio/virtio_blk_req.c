/* SPDX-License-Identifier: MIT */
/* virtio_blk_req.c: the virtio-blk driver's pure logic (virtio 1.2 §5.2): limits from the
 * configuration, request checks, descriptor layout and completion checks. Compiled into the
 * kernel, the host unit tests and the fuzz target. */
#include <errno.h>

#include <mote/blkdev.h>
#include <virtio/virtio_blk_req.h>

#define PAGE       4096u
#define NO_DMA     UINT64_MAX /* HAL_DMA_INVALID, which the host builds do not see */
#define MIN_BLOCKS 8u         /* what mote/blkdev.h promises a request may carry at least */

int vblk_limits_from_config(const struct vblk_config *cfg, uint64_t features, uint16_t ring_size,
                            struct vblk_limits *out, const char **why)
{
	uint32_t ss = (features & VIRTIO_BLK_F_BLK_SIZE) ? cfg->blk_size : 512;
	uint64_t size_max = (features & VIRTIO_BLK_F_SIZE_MAX) ? cfg->size_max : UINT32_MAX;
	uint64_t seg_max = (features & VIRTIO_BLK_F_SEG_MAX) ? cfg->seg_max : VBLK_SEGS_MAX;

	if (ss < 512 || ss > 65536 || (ss & (ss - 1)) != 0) {
		*why = "block size is not a power of two between 512 and 65536";
		return -EINVAL;
	}
	out->sectors = cfg->capacity / (ss / 512); /* a partial last block is left unused */
	if (out->sectors == 0) {
		*why = "capacity is less than one block";
		return -EINVAL;
	}
	if (size_max < 512) {
		*why = "size_max is below 512 bytes";
		return -EINVAL;
	}
	/* A request is a header, the data and a status byte, each a descriptor of its own. */
	if (seg_max > VBLK_SEGS_MAX)
		seg_max = VBLK_SEGS_MAX;
	if (ring_size < 3) {
		*why = "request queue of fewer than 3 entries";
		return -EINVAL;
	}
	if (seg_max > (uint64_t)ring_size - 2)
		seg_max = ring_size - 2u;
	if (seg_max == 0) {
		*why = "seg_max is 0";
		return -EINVAL;
	}
	uint64_t xfer = VBLK_XFER_MAX > MIN_BLOCKS * ss ? VBLK_XFER_MAX : MIN_BLOCKS * ss;

	if (size_max > xfer)
		size_max = xfer;
	/* Contiguous (bounced) data needs ceil(bytes / size_max) descriptors. */
	if (xfer > seg_max * size_max)
		xfer = seg_max * size_max;
	out->max_sectors = (uint32_t)(xfer / ss);
	if (out->max_sectors < MIN_BLOCKS) {
		*why = "seg_max and size_max allow fewer than 8 blocks per request";
		return -EINVAL;
	}
	out->sector_size = ss;
	out->size_max = (uint32_t)size_max;
	out->seg_max = (uint16_t)seg_max;
	out->read_only = (features & VIRTIO_BLK_F_RO) != 0;
	return 0;
}

int vblk_check_request(const struct vblk_limits *lim, const struct blk_request *req)
{
	return blk_request_check(lim->sectors, lim->max_sectors, lim->read_only, req);
}

int vblk_segments(const void *buf, size_t len, uint64_t (*dma)(const void *va), uint32_t size_max,
                  unsigned max_segs, bool device_writes, struct virtq_buf *out)
{
	const char *p = buf;
	unsigned n = 0;

	while (len > 0) {
		size_t piece = PAGE - ((uintptr_t)p & (PAGE - 1));

		if (piece > len)
			piece = len;
		uint64_t pa = dma(p);

		if (pa == NO_DMA)
			return -EFAULT;
		p += piece;
		len -= piece;
		/* Continue the last descriptor while the bus addresses follow on. */
		if (n > 0 && out[n - 1].addr + out[n - 1].len == pa && out[n - 1].len < size_max) {
			uint32_t take = size_max - out[n - 1].len;

			if (take > piece)
				take = (uint32_t)piece;
			out[n - 1].len += take;
			pa += take;
			piece -= take;
		}
		while (piece > 0) {
			uint32_t take = piece > size_max ? size_max : (uint32_t)piece;

			if (n == max_segs)
				return -E2BIG;
			out[n++] = (struct virtq_buf){pa, take, device_writes};
			pa += take;
			piece -= take;
		}
	}
	return (int)n;
}

int vblk_completion(uint32_t used_len, uint32_t expect_len, uint8_t status, int *result, const char **why)
{
	/* §2.7.8: len is what the device wrote; it writes the data it read and then the status,
	 * the chain's last byte, so a correct device reports the whole writable length (QEMU
	 * does). Less means the data or the status was never written. */
	if (used_len != expect_len) {
		*why = "used length does not match the request";
		return -EPROTO;
	}
	switch (status) {
	case VIRTIO_BLK_S_OK:
		*result = 0;
		return 0;
	case VIRTIO_BLK_S_IOERR:
	case VIRTIO_BLK_S_UNSUPP:
		*result = -EIO;
		return 0;
	}
	*why = "unknown status byte";
	return -EPROTO;
}
