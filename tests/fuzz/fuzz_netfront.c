/* SPDX-License-Identifier: MIT */
/* fuzz_netfront.c: netfront's checks (platforms/xen/netfront/netfront_wire.c) on anything a
 * backend could write: a run of receive responses over a page of arbitrary bytes, transmit
 * responses, ring indices, and xenstore's mac and mtu strings. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <mote/netdev.h>

#include "netfront_wire.h"

static uint8_t page[NETFRONT_PAGE_SIZE];
static uint8_t frame[1518];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netfront_rx rx = {.frame = frame, .cap = sizeof(frame)};
	struct netfront_sring s;
	bool in_flight[64];
	unsigned flags, mtu;
	uint8_t mac[6];
	char str[32];

	if (size < sizeof(s) + 8)
		return 0;
	memcpy(&s, data, sizeof(s));
	data += sizeof(s);
	size -= sizeof(s);
	uint32_t cons, prod;

	memcpy(&cons, data, 4);
	memcpy(&prod, data + 4, 4);
	data += 8;
	size -= 8;
	int n = netfront_ring_pending(&s, cons, prod);

	if (n != -EPROTO && (n < 0 || (uint32_t)n > prod - cons))
		__builtin_trap();
	for (unsigned i = 0; i < 64; i++)
		in_flight[i] = (i * 7 + size) % 3 != 0;
	size_t fill = size < sizeof(page) ? size : sizeof(page);

	memcpy(page, data, fill);
	/* Each 8 bytes: a receive response in slot (i % 256), and the same bytes as a transmit one. */
	for (size_t off = 0, i = 0; off + 8 <= size; off += 8, i++) {
		struct netif_rx_response r;
		struct netif_tx_response t;

		memcpy(&r, data + off, sizeof(r));
		memcpy(&t, data + off, sizeof(t));
		int tr = netfront_tx_check(&t, in_flight, 64);

		if (tr != 0 && tr != 1 && tr != -EPROTO)
			__builtin_trap();
		if (tr >= 0 && (t.id >= 64 || !in_flight[t.id]))
			__builtin_trap();
		int rr = netfront_rx_add(&rx, &r, (uint16_t)(i % NETFRONT_RING_SIZE), page);

		if (rr == -EPROTO) {
			rx.in_frame = false;
			continue;
		}
		if (rr != 0 && rr != 1)
			__builtin_trap();
		if (rx.len > rx.cap)
			__builtin_trap();
		if (rr == 1) {
			int len = netfront_rx_finish(&rx, &flags);

			if (len > (int)sizeof(frame) || (len < 0 && flags != 0) ||
			    (flags & ~(unsigned)NETDEV_RX_CSUM_OK))
				__builtin_trap();
		}
	}
	/* The same bytes as a frame to checksum, and as xenstore strings. */
	size_t flen = size < sizeof(frame) ? size : sizeof(frame);

	memcpy(frame, data, flen);
	netfront_csum_fill(frame, flen);
	if (flen >= 4)
		netfront_csum_at(frame, flen, data[0] | (size_t)data[1] << 8, data[2] | (size_t)data[3] << 8);
	size_t slen = size < sizeof(str) - 1 ? size : sizeof(str) - 1;

	memcpy(str, data, slen);
	str[slen] = '\0';
	if (netfront_parse_mac(str, mac) == 0 && ((mac[0] & 1) || strlen(str) != 17))
		__builtin_trap();
	if (netfront_parse_mtu(str, &mtu) == 0 && (mtu < NETFRONT_MTU_MIN || mtu > 65535))
		__builtin_trap();
	return 0;
}
