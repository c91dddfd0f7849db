/* SPDX-License-Identifier: MIT */
/* virtio/virtio_mmio.h: virtio-mmio devices named on the boot command line, as Linux reads
 * them: virtio_mmio.device=SIZE@ADDR:IRQ[:ID] (QEMU microvm and Firecracker add these). */
#ifndef VIRTIO_VIRTIO_MMIO_H
#define VIRTIO_VIRTIO_MMIO_H

#include <stddef.h>
#include <stdint.h>

#define VIRTIO_MMIO_DEVICES_MAX 16

struct virtio_mmio_spec {
	uint64_t base, size;
	unsigned irq;
};

/* Parse one entry: SIZE and ADDR are numbers (decimal, 0x hex or 0 octal) with an optional
 * K, M or G suffix; IRQ decimal; an optional trailing :ID (a platform device id) is accepted
 * and ignored. Returns 0, or -EINVAL with a reason in err. The region must be at least 0x100
 * bytes (the registers before the device configuration) and must not wrap. */
int virtio_mmio_parse(const char *s, struct virtio_mmio_spec *out, char *err, size_t errlen);

#endif
