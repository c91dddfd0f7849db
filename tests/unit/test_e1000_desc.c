/* SPDX-License-Identifier: MIT */
/* test_e1000_desc.c: the checks on what an e1000/e1000e writes back into its descriptors
 * (drivers/e1000/e1000_desc.c): how far the device got, done bits out of order or in slots it
 * was never given, and receive descriptors no correct device writes. */
#include <errno.h>
#include <string.h>

#include <e1000/e1000_desc.h>

#include "check.h"

#define N 16

static struct e1000_rx_desc ring[N];

static void set_done(unsigned first, unsigned count)
{
	for (unsigned k = 0; k < count; k++)
		ring[(first + k) % N].status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
}

static void test_ring_done(void)
{
	memset(ring, 0, sizeof(ring));
	/* Device owns [0, 15): nothing done yet, then 3, then all 15. */
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), 0);
	set_done(0, 3);
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), 3);
	set_done(0, 15);
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), 15);
	/* Across the wrap: the device owns [12, 4) (8 slots), 6 done. */
	memset(ring, 0, sizeof(ring));
	set_done(12, 6);
	CHECK_EQ(e1000_ring_done(ring, N, 12, 4), 6);
	set_done(12, 8);
	CHECK_EQ(e1000_ring_done(ring, N, 12, 4), 8);
	/* Empty window (transmit ring with nothing in flight). */
	memset(ring, 0, sizeof(ring));
	CHECK_EQ(e1000_ring_done(ring, N, 5, 5), 0);
}

static void test_ring_bad(void)
{
	/* A done descriptor after one not done: out of order. */
	memset(ring, 0, sizeof(ring));
	set_done(0, 2);
	set_done(4, 1);
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), -EIO);
	/* Done in the slot the driver kept back (the device's tail). */
	memset(ring, 0, sizeof(ring));
	set_done(15, 1);
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), -EIO);
	/* Done in a free transmit slot with nothing in flight. */
	memset(ring, 0, sizeof(ring));
	set_done(9, 1);
	CHECK_EQ(e1000_ring_done(ring, N, 5, 5), -EIO);
	/* Done beyond the owned window across the wrap: owned [12, 4), slot 4 done. */
	memset(ring, 0, sizeof(ring));
	set_done(12, 8);
	set_done(4, 1);
	CHECK_EQ(e1000_ring_done(ring, N, 12, 4), -EIO);
	/* Only the DD bit counts: other status bits in the driver's slots are not an error. */
	memset(ring, 0, sizeof(ring));
	ring[15].status = E1000_RXD_STAT_EOP;
	CHECK_EQ(e1000_ring_done(ring, N, 0, 15), 0);
	/* Bad ring parameters. */
	CHECK_EQ(e1000_ring_done(ring, 12, 0, 5), -EINVAL);
	CHECK_EQ(e1000_ring_done(ring, N, N, 0), -EINVAL);
	CHECK_EQ(e1000_ring_done(ring, N, 0, N), -EINVAL);
	CHECK_EQ(e1000_ring_done(ring, 0, 0, 0), -EINVAL);
}

static void test_rx_check(void)
{
	struct e1000_rx_desc d = {.length = 60, .status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP};
	const char *why = NULL;

	CHECK_EQ(e1000_rx_check(&d, 2048, &why), 60);
	d.length = 2048;
	CHECK_EQ(e1000_rx_check(&d, 2048, &why), 2048);
	d.length = 14;
	CHECK_EQ(e1000_rx_check(&d, 2048, &why), 14);
	CHECK(why == NULL);
	/* A runt is dropped, the device kept. */
	d.length = 13;
	CHECK_EQ(e1000_rx_check(&d, 2048, &why), -EMSGSIZE);
	CHECK(why == NULL);
	/* A length past the buffer. */
	d.length = 2049;
	CHECK_EQ(e1000_rx_check(&d, 2048, &why), -EIO);
	CHECK_STR(why, "receive length past the buffer");
	/* No end of packet: a frame spread over buffers that each hold a whole frame. */
	d.length = 100;
	d.status = E1000_RXD_STAT_DD;
	why = NULL;
	CHECK_EQ(e1000_rx_check(&d, 2048, &why), -EIO);
	CHECK_STR(why, "receive descriptor without end of packet");
	/* Any error bit: frames with errors are never stored with RCTL.SBP off. */
	for (unsigned bit = 0; bit < 8; bit++) {
		d.status = E1000_RXD_STAT_DD | E1000_RXD_STAT_EOP;
		d.errors = (uint8_t)(1u << bit);
		why = NULL;
		CHECK_EQ(e1000_rx_check(&d, 2048, &why), -EIO);
		CHECK_STR(why, "receive descriptor with error bits");
	}
}

int main(void)
{
	test_ring_done();
	test_ring_bad();
	test_rx_check();
	return check_report();
}
