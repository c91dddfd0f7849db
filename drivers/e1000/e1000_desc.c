/* SPDX-License-Identifier: MIT */
/* e1000_desc.c: checks on the descriptors an e1000/e1000e device writes back (see
 * e1000/e1000_desc.h). Pure: compiled into the kernel, the host unit test and the fuzz
 * target. */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <e1000/e1000_desc.h>

static uint8_t status_at(const volatile void *ring, unsigned i)
{
	return ((const volatile uint8_t *)ring)[(size_t)i * 16 + E1000_DESC_STATUS_OFF];
}

int e1000_ring_done(const volatile void *ring, unsigned size, unsigned next, unsigned tail)
{
	if (size == 0 || size > 4096 || (size & (size - 1)) || next >= size || tail >= size)
		return -EINVAL;
	unsigned owned = (tail - next) & (size - 1), done = 0;
	bool later_done = false;

	/* The driver's slots first (after the device's in ring order), then the device's from the
	 * far end back. */
	for (unsigned k = size; k-- > 0;) {
		bool dd = status_at(ring, (next + k) & (size - 1)) & E1000_RXD_STAT_DD;

		if (k >= owned) {
			if (dd)
				return -EIO; /* the device wrote a slot it was never given */
			continue;
		}
		if (dd) {
			if (!later_done)
				done = k + 1;
			later_done = true;
		} else if (later_done) {
			return -EIO; /* done after one not done: out of order */
		}
	}
	return (int)done;
}

int e1000_rx_check(const struct e1000_rx_desc *d, uint32_t buf_size, const char **why)
{
	if (d->errors) {
		*why = "receive descriptor with error bits";
		return -EIO;
	}
	if (!(d->status & E1000_RXD_STAT_EOP)) {
		*why = "receive descriptor without end of packet";
		return -EIO;
	}
	if (d->length > buf_size) {
		*why = "receive length past the buffer";
		return -EIO;
	}
	if (d->length < E1000_ETH_MIN)
		return -EMSGSIZE;
	return d->length;
}
