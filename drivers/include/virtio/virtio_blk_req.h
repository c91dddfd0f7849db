/* SPDX-License-Identifier: MIT */
/* virtio/virtio_blk_req.h: the pure parts of the virtio-blk driver (virtio 1.2 §5.2): limits
 * from the device configuration, checking a request against them, laying a buffer out as
 * descriptors, and judging what the device wrote back. Host unit tests and a fuzzer reach them. */
#ifndef VIRTIO_VIRTIO_BLK_REQ_H
#define VIRTIO_VIRTIO_BLK_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <virtio/virtq.h>

struct blk_request;

/* Feature bits, §5.2.3. */
#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX  (1ull << 2)
#define VIRTIO_BLK_F_RO       (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH    (1ull << 9)

/* struct virtio_blk_req's header and status values, §5.2.6. */
struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector; /* always in 512-byte units, whatever the logical block size */
};
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio 1.2 §5.2.6");

#define VIRTIO_BLK_T_IN     0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VBLK_XFER_MAX (128u * 1024) /* bytes one request carries at most (our choice) */
#define VBLK_SEGS_MAX 34u           /* data descriptors one request uses at most */

/* The fields of struct virtio_blk_config (§5.2.4) the driver reads; a field whose feature was
 * not negotiated is left 0. */
struct vblk_config {
	uint64_t capacity; /* in 512-byte sectors */
	uint32_t size_max; /* VIRTIO_BLK_F_SIZE_MAX: bytes in one data descriptor */
	uint32_t seg_max;  /* VIRTIO_BLK_F_SEG_MAX: data descriptors in one request */
	uint32_t blk_size; /* VIRTIO_BLK_F_BLK_SIZE: the logical block size */
};

struct vblk_limits {
	uint64_t sectors;     /* capacity in sector_size units */
	uint32_t sector_size; /* the logical block size */
	uint32_t max_sectors; /* sectors one request carries at most */
	uint32_t size_max;    /* bytes one data descriptor carries at most */
	uint16_t seg_max;     /* data descriptors one request uses at most */
	bool read_only;
};

/* Limits from the configuration, the negotiated features and the request queue's size. 0, or
 * -EINVAL with *why set for a configuration no usable device has (a block size that is not a
 * power of two between 512 and 64 KiB, a capacity of 0 or not a whole number of blocks, a
 * size_max below the block size, limits too small for 8 blocks per request). */
int vblk_limits_from_config(const struct vblk_config *cfg, uint64_t features, uint16_t ring_size,
                            struct vblk_limits *out, const char **why);

/* A request the device may be given: 0, -EROFS for a write to a read-only device, -EINVAL for
 * an unknown op, a count of 0 or above max_sectors, a range past the end, a NULL buffer. */
int vblk_check_request(const struct vblk_limits *lim, const struct blk_request *req);

/* Lay out `len` bytes at `buf` as at most `max_segs` descriptors of at most `size_max` bytes,
 * merging pages whose bus addresses (from dma(), per 4 KiB page) follow each other. Returns
 * the number of descriptors, -EFAULT when a page has no bus address, -E2BIG when more than
 * max_segs are needed (the caller then bounces through contiguous memory). */
int vblk_segments(const void *buf, size_t len, uint64_t (*dma)(const void *va), uint32_t size_max,
                  unsigned max_segs, bool device_writes, struct virtq_buf *out);

/* What a completion says: `used_len` is the used element's length, `expect_len` the chain's
 * device-writable bytes (read data plus the status byte), `status` the status byte. Returns 0
 * with *result 0 (VIRTIO_BLK_S_OK) or -EIO (IOERR, UNSUPP); -EPROTO with *why set when the
 * device broke the protocol (a length other than expect_len, an unknown status): the driver
 * drops the device. */
int vblk_completion(uint32_t used_len, uint32_t expect_len, uint8_t status, int *result, const char **why);

#endif
