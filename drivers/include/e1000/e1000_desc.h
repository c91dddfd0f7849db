/* SPDX-License-Identifier: MIT */
/* e1000/e1000_desc.h: the legacy receive and transmit descriptors of the Intel 8254x/8257x
 * (82540EM and 82574L manuals, "Legacy Receive/Transmit Descriptor Format"), and the checks
 * on what the device writes back into them: pure, shared by the driver, the host unit test
 * and the fuzz target. */
#ifndef E1000_E1000_DESC_H
#define E1000_E1000_DESC_H

#include <stdint.h>

/* Receive descriptor: the driver writes addr, the device the rest. */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
};

/* Transmit descriptor: the driver writes everything but status, which the device sets. */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};

_Static_assert(sizeof(struct e1000_rx_desc) == 16 && sizeof(struct e1000_tx_desc) == 16,
               "descriptors are 16 bytes");
/* Both keep their status byte at the same place, which e1000_ring_done() reads. */
#define E1000_DESC_STATUS_OFF 12

#define E1000_RXD_STAT_DD  0x01u /* descriptor done */
#define E1000_RXD_STAT_EOP 0x02u /* last descriptor of the frame */
#define E1000_TXD_STAT_DD  0x01u
#define E1000_TXD_CMD_EOP  0x01u
#define E1000_TXD_CMD_IFCS 0x02u /* the device appends the Ethernet CRC */
#define E1000_TXD_CMD_RS   0x08u /* report status: set DD when sent */

#define E1000_ETH_MIN 14u /* an Ethernet header, the least a frame can be */

/* How many descriptors from `next` the device has finished, given that it owns the slots
 * [next, tail) of a ring of `size` (a power of two, at most 4096) and must mark them done
 * (DD) in order; the other slots are the driver's and must stay not done. Reads the status
 * bytes from the far end back to `next`, so a device writing while we read cannot make a
 * correct ring look wrong (a later slot seen done before an earlier one seen not done was
 * really written first). Returns 0..(tail - next) mod size, or -EIO for a done descriptor out
 * of order or in a slot the device does not own. */
int e1000_ring_done(const volatile void *ring, unsigned size, unsigned next, unsigned tail);

/* Check a receive descriptor the device marked done, into a buffer of `buf_size` bytes with
 * a whole frame per buffer (no frame may span descriptors). Returns the frame's length;
 * -EMSGSIZE for a frame too short to carry an Ethernet header (dropped and counted); -EIO
 * with *why set for what no correct device writes: no end of packet, a length past the
 * buffer, error bits (frames with errors are never stored: RCTL.SBP is off). */
int e1000_rx_check(const struct e1000_rx_desc *d, uint32_t buf_size, const char **why);

#endif
