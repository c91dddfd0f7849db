/* SPDX-License-Identifier: MIT */
/* fuzz_e1000.c: what an e1000/e1000e writes back, as arbitrary bytes: a whole descriptor ring
 * with the driver's next/tail positions (e1000_ring_done) and single receive descriptors
 * (e1000_rx_check), from drivers/e1000/e1000_desc.c. A count past the device's window, a
 * length past the buffer accepted, or a done bit accepted outside the window aborts. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <e1000/e1000_desc.h>

#define RING 64

static void fuzz_ring(const uint8_t *d, size_t n)
{
	static struct e1000_rx_desc ring[RING];

	if (n < 2)
		return;
	unsigned size = 1u << (d[0] % 7), next = d[1] % size, tail = (d[1] >> 4) % size;

	d += 2, n -= 2;
	memset(ring, 0, sizeof(ring));
	memcpy(ring, d, n < sizeof(ring) ? n : sizeof(ring));
	int r = e1000_ring_done(ring, size, next, tail);
	unsigned owned = (tail - next) & (size - 1);

	if (r == -EIO)
		return;
	if (r < 0 || (unsigned)r > owned)
		abort();
	/* What was accepted: done exactly for the first r owned slots, not done everywhere else. */
	for (unsigned k = 0; k < size; k++) {
		bool dd = ring[(next + k) & (size - 1)].status & E1000_RXD_STAT_DD;

		if (dd != (k < (unsigned)r))
			abort();
	}
}

static void fuzz_rx(const uint8_t *d, size_t n)
{
	struct e1000_rx_desc desc;
	const char *why = NULL;

	if (n < sizeof(desc) + 2)
		return;
	memcpy(&desc, d, sizeof(desc));
	uint32_t buf = (uint32_t)(d[sizeof(desc)] | d[sizeof(desc) + 1] << 8);
	int r = e1000_rx_check(&desc, buf, &why);

	if (r >= 0 && ((uint32_t)r > buf || r < (int)E1000_ETH_MIN || desc.errors ||
	               !(desc.status & E1000_RXD_STAT_EOP)))
		abort();
	if (r == -EIO && !why)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		fuzz_ring(data + 1, size - 1);
	else
		fuzz_rx(data + 1, size - 1);
	return 0;
}
