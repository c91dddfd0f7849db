/* SPDX-License-Identifier: MIT */
/* fuzz_virtio.c: what devices write, as arbitrary bytes: used-ring entries and indices
 * (drivers/virtio/virtq.c), virtio-net receive buffers with mergeable headers
 * (virtio_net_rx.c), PCI configuration space for the capability walker (pci_cap.c) and
 * virtio-mmio command-line entries (virtio_mmio_parse.c). The first byte picks which. The
 * driver must never hand back a token it did not add, overrun a buffer or loop. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pci.h>
#include <virtio/virtio_mmio.h>
#include <virtio/virtio_net_rx.h>
#include <virtio/virtq.h>

#define QSIZE 16

static void fuzz_used_ring(const uint8_t *d, size_t n)
{
	static uint8_t mem[8192] __attribute__((aligned(4096)));
	static int tokens[QSIZE];
	struct virtq vq;
	bool in_flight[QSIZE] = {0};

	memset(mem, 0, sizeof(mem));
	if (virtq_mem_size(QSIZE, n & 1) > sizeof(mem) ||
	    virtq_init(&vq, 0, QSIZE, mem, 0x100000, n & 1, n & 2) < 0)
		abort();
	/* The driver adds chains of 1-3 buffers, the device answers with the input's bytes. */
	for (size_t i = 0; i + 6 <= n; i += 6) {
		unsigned chain = 1 + d[i] % 3, t = d[i + 1] % QSIZE;
		struct virtq_buf b[3] = {{0x1000, 100, false}, {0x2000, 200, true}, {0x3000, 300, true}};

		if (!in_flight[t] && virtq_add(&vq, b, chain, &tokens[t]) == 0)
			in_flight[t] = true;
		virtq_kick_prepare(&vq);
		/* The device writes an element and moves its index by 0-3. */
		uint16_t idx = vq.used[1];
		volatile uint32_t *elem = (volatile uint32_t *)(vq.used + 2) + 2 * (idx & (QSIZE - 1));

		elem[0] = d[i + 2] | (uint32_t)d[i + 3] << 8;
		elem[1] = d[i + 4] | (uint32_t)(d[i + 5] & 3) << 8;
		vq.used[1] = (uint16_t)(idx + (d[i + 5] >> 6));
		void *tok;
		uint32_t len;
		int r;

		while ((r = virtq_get_used(&vq, &tok, &len)) == 1) {
			int k = (int)((int *)tok - tokens);

			if (k < 0 || k >= QSIZE || !in_flight[k] || len > 500)
				abort(); /* a token never added, or one returned twice */
			in_flight[k] = false;
		}
		if (r < 0)
			return; /* the driver would drop the device here */
		virtq_enable_interrupts(&vq);
		if (vq.num_free > QSIZE)
			abort();
	}
}

static void fuzz_rx(const uint8_t *d, size_t n)
{
	static uint8_t frame[1518];
	struct vnet_rx rx = {.frame = frame, .cap = sizeof(frame)};
	bool mergeable = n > 0 && (d[0] & 1);
	size_t hdr_len = n > 0 && (d[0] & 2) ? 10 : 12;
	bool in_frame = false;
	unsigned flags;

	if (n == 0)
		return;
	d++, n--;
	/* Buffers: a 2-byte length then that many bytes, as the device filled them. */
	while (n >= 2) {
		size_t len = (size_t)(d[0] | d[1] << 8) % 2049;

		d += 2, n -= 2;
		if (len > n)
			len = n;
		if (!in_frame) {
			if (vnet_rx_first(&rx, d, (uint32_t)len, hdr_len, mergeable, 64) < 0)
				return;
			in_frame = true;
		} else {
			vnet_rx_append(&rx, d, (uint32_t)len);
			rx.remaining--;
		}
		if (rx.remaining == 0) {
			in_frame = false;
			int r = vnet_rx_finish(&rx, &flags);

			if (r > (int)sizeof(frame))
				abort();
		}
		d += len, n -= len;
	}
}

static uint8_t cfg_space[256];

static uint32_t cfg_read32(void *ctx, unsigned off)
{
	const uint8_t *s = ctx;

	if (off > 252 || (off & 3))
		abort(); /* the walker must stay inside, aligned */
	return (uint32_t)s[off] | (uint32_t)s[off + 1] << 8 | (uint32_t)s[off + 2] << 16 |
	       (uint32_t)s[off + 3] << 24;
}

static void fuzz_pci(const uint8_t *d, size_t n)
{
	struct pci_cfg_reader cfg = {.read32 = cfg_read32, .ctx = cfg_space};

	memset(cfg_space, 0, sizeof(cfg_space));
	memcpy(cfg_space, d, n < sizeof(cfg_space) ? n : sizeof(cfg_space));
	for (unsigned id = 0; id < 0x20; id += 7) {
		int at = 0, steps = 0;

		while ((at = pci_cap_find(&cfg, (uint8_t)id, at)) > 0)
			if (++steps > 64)
				abort(); /* a walk that never ends */
	}
}

static void fuzz_mmio(const uint8_t *d, size_t n)
{
	char s[128], err[160];
	struct virtio_mmio_spec o;

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = '\0';
	if (virtio_mmio_parse(s, &o, err, sizeof(err)) == 0 && (o.size < 0x100 || o.base + o.size < o.base))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	switch (data[0] % 4) {
	case 0:
		fuzz_used_ring(data + 1, size - 1);
		break;
	case 1:
		fuzz_rx(data + 1, size - 1);
		break;
	case 2:
		fuzz_pci(data + 1, size - 1);
		break;
	default:
		fuzz_mmio(data + 1, size - 1);
		break;
	}
	return 0;
}
