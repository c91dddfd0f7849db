/* SPDX-License-Identifier: MIT */
/* netfront_wire.c: netfront's checks on what the backend writes (public/io/netif.h), its ring
 * index arithmetic (public/io/ring.h, written for Mote), frame assembly and checksums. Pure:
 * compiled into the kernel, the host unit test and the fuzz target. */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <mote/netdev.h>
#include <mote/parse.h>

#include "netfront_wire.h"

_Static_assert(
        offsetof(struct netif_tx_sring, req_prod) == offsetof(struct netfront_sring, req_prod) &&
                offsetof(struct netif_tx_sring, req_event) == offsetof(struct netfront_sring, req_event) &&
                offsetof(struct netif_tx_sring, rsp_prod) == offsetof(struct netfront_sring, rsp_prod) &&
                offsetof(struct netif_tx_sring, rsp_event) == offsetof(struct netfront_sring, rsp_event),
        "the ring header is public/io/ring.h's");
_Static_assert(offsetof(struct netif_rx_sring, rsp_event) == offsetof(struct netfront_sring, rsp_event),
               "the ring header is public/io/ring.h's");
_Static_assert(offsetof(struct netif_tx_sring, ring) == 64 && offsetof(struct netif_rx_sring, ring) == 64,
               "ring entries after a 64-byte header");
_Static_assert(sizeof(union netif_tx_sring_entry) == 12 && sizeof(union netif_rx_sring_entry) == 8,
               "netif.h's slot sizes");
_Static_assert(NETFRONT_RING_SIZE <= (NETFRONT_PAGE_SIZE - 64) / 12 &&
                       2 * NETFRONT_RING_SIZE > (NETFRONT_PAGE_SIZE - 64) / 12 &&
                       2 * NETFRONT_RING_SIZE > (NETFRONT_PAGE_SIZE - 64) / 8,
               "256 is the power of two ring.h rounds both rings down to");

#define ETH_HLEN       14u
#define ETH_P_IPV4     0x0800
#define ETH_P_IPV6     0x86dd
#define ETH_P_VLAN     0x8100
#define IPPROTO_TCP_   6
#define IPPROTO_UDP_   17
#define RX_KNOWN_FLAGS (NETRXF_data_validated | NETRXF_csum_blank | NETRXF_more_data)

bool netfront_ring_push(volatile struct netfront_sring *s, uint32_t new_prod)
{
	uint32_t old = s->req_prod;

	/* The backend must see the requests before the index that publishes them... */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	s->req_prod = new_prod;
	/* ...and we must read req_event after it sees the index, or both could wait. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(new_prod - s->req_event) < (uint32_t)(new_prod - old);
}

int netfront_ring_pending(volatile struct netfront_sring *s, uint32_t rsp_cons, uint32_t req_prod)
{
	uint32_t prod = s->rsp_prod;

	/* The entries up to prod are read after prod itself. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	uint32_t n = prod - rsp_cons;

	/* A ring never holds more than its size: anything past that is made up too. */
	if (n > (uint32_t)(req_prod - rsp_cons) || n > NETFRONT_RING_SIZE)
		return -EPROTO;
	return (int)n;
}

int netfront_ring_final_check(volatile struct netfront_sring *s, uint32_t rsp_cons, uint32_t req_prod)
{
	int n = netfront_ring_pending(s, rsp_cons, req_prod);

	if (n != 0)
		return n;
	s->rsp_event = rsp_cons + 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return netfront_ring_pending(s, rsp_cons, req_prod);
}

int netfront_tx_check(const struct netif_tx_response *rsp, const bool *in_flight, unsigned nslots)
{
	if (rsp->id >= nslots || !in_flight[rsp->id])
		return -EPROTO;
	switch (rsp->status) {
	case NETIF_RSP_OKAY:
		return 0;
	case NETIF_RSP_ERROR:
	case NETIF_RSP_DROPPED:
		return 1;
	default: /* NETIF_RSP_NULL answers extra-info slots, and we send none */
		return -EPROTO;
	}
}

int netfront_rx_add(struct netfront_rx *rx, const struct netif_rx_response *rsp, uint16_t expected_id,
                    const uint8_t *page)
{
	if (rsp->id != expected_id || (rsp->flags & ~RX_KNOWN_FLAGS))
		return -EPROTO;
	if (rsp->status < 0 && rsp->status != NETIF_RSP_ERROR && rsp->status != NETIF_RSP_DROPPED)
		return -EPROTO;
	if (rsp->status >= 0 && (uint32_t)rsp->offset + (uint32_t)rsp->status > NETFRONT_PAGE_SIZE)
		return -EPROTO;
	if (!rx->in_frame) {
		rx->len = 0;
		rx->flags = rsp->flags;
		rx->overflow = false;
		rx->failed = false;
		rx->slots = 0;
		rx->in_frame = true;
	}
	rx->slots++;
	if (rsp->status < 0) {
		rx->failed = true;
	} else if (!rx->overflow) {
		size_t n = (size_t)rsp->status;

		if (n > rx->cap - rx->len)
			rx->overflow = true;
		else {
			memcpy(rx->frame + rx->len, page + rsp->offset, n);
			rx->len += n;
		}
	}
	if (rsp->flags & NETRXF_more_data)
		return 0;
	rx->in_frame = false;
	return 1;
}

int netfront_rx_finish(struct netfront_rx *rx, unsigned *netdev_flags)
{
	*netdev_flags = 0;
	rx->in_frame = false;
	if (rx->failed)
		return -EIO;
	if (rx->overflow || rx->len < ETH_HLEN)
		return -EMSGSIZE;
	if (rx->flags & NETRXF_csum_blank) {
		/* The backend left the checksum to us (netif.h "hardware offload"): the frame came
		 * from dom0 or another guest without one. */
		if (netfront_csum_fill(rx->frame, rx->len) < 0)
			return -EPROTO;
		*netdev_flags = NETDEV_RX_CSUM_OK;
	} else if (rx->flags & NETRXF_data_validated) {
		*netdev_flags = NETDEV_RX_CSUM_OK;
	}
	return (int)rx->len;
}

static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	uint64_t s = sum;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

int netfront_ethertype(const uint8_t *frame, size_t len)
{
	if (len < ETH_HLEN)
		return -EPROTO;
	unsigned type = (unsigned)frame[12] << 8 | frame[13];

	if (type == ETH_P_VLAN) {
		if (len < ETH_HLEN + 4)
			return -EPROTO;
		type = (unsigned)frame[16] << 8 | frame[17];
	}
	return (int)type;
}

int netfront_csum_fill(uint8_t *frame, size_t len)
{
	int type = netfront_ethertype(frame, len);
	size_t l3 = ETH_HLEN, l4, l4_len;
	unsigned proto;
	uint32_t sum;

	if (type < 0)
		return -EPROTO;
	if (frame[12] == 0x81 && frame[13] == 0x00)
		l3 += 4;
	if (type == ETH_P_IPV4) {
		if (len < l3 + 20 || (frame[l3] >> 4) != 4)
			return -EPROTO;
		size_t ihl = (size_t)(frame[l3] & 0xf) * 4;
		size_t total = (size_t)frame[l3 + 2] << 8 | frame[l3 + 3];

		/* A fragment's checksum covers the whole datagram, which we do not have. */
		if (ihl < 20 || total < ihl || l3 + total > len || (frame[l3 + 6] & 0x3f) || frame[l3 + 7])
			return -EPROTO;
		proto = frame[l3 + 9];
		l4 = l3 + ihl;
		l4_len = total - ihl;
		sum = sum16(frame + l3 + 12, 8, 0); /* source and destination */
	} else if (type == ETH_P_IPV6) {
		if (len < l3 + 40 || (frame[l3] >> 4) != 6)
			return -EPROTO;
		size_t payload = (size_t)frame[l3 + 4] << 8 | frame[l3 + 5];

		if (l3 + 40 + payload > len)
			return -EPROTO;
		proto = frame[l3 + 6];
		l4 = l3 + 40;
		l4_len = payload;
		sum = sum16(frame + l3 + 8, 32, 0);
	} else {
		return -EPROTO;
	}
	size_t field;

	if (proto == IPPROTO_TCP_ && l4_len >= 20)
		field = l4 + 16;
	else if (proto == IPPROTO_UDP_ && l4_len >= 8)
		field = l4 + 6;
	else
		return -EPROTO;
	/* Pseudo-header: addresses (above), protocol, L4 length. */
	sum += proto + (uint32_t)(l4_len & 0xffff) + (uint32_t)(l4_len >> 16);
	frame[field] = frame[field + 1] = 0;
	uint16_t c = (uint16_t)~sum16(frame + l4, l4_len, sum);

	/* 0 and 0xffff are the same in ones' complement, but UDP reads 0 as "none". */
	if (c == 0 && proto == IPPROTO_UDP_)
		c = 0xffff;
	frame[field] = (uint8_t)(c >> 8);
	frame[field + 1] = (uint8_t)c;
	return 0;
}

int netfront_csum_at(uint8_t *frame, size_t len, size_t csum_start, size_t csum_offset)
{
	size_t at = csum_start + csum_offset;

	if (csum_start < ETH_HLEN || at < csum_start || at + 2 > len)
		return -EINVAL;
	uint16_t c = (uint16_t)~sum16(frame + csum_start, len - csum_start, 0);

	if (c == 0)
		c = 0xffff;
	frame[at] = (uint8_t)(c >> 8);
	frame[at + 1] = (uint8_t)c;
	return 0;
}

int netfront_parse_mac(const char *s, uint8_t mac[6])
{
	uint8_t m[6];

	if (parse_mac(s, m) < 0)
		return -EINVAL;
	if ((m[0] & 1) || (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) == 0)
		return -EINVAL; /* a multicast or all-zero address is no interface's own */
	memcpy(mac, m, 6);
	return 0;
}

int netfront_parse_mtu(const char *s, unsigned *mtu)
{
	unsigned long v = 0;

	if (*s == '\0')
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > 65535)
			return -EINVAL;
	}
	if (v < NETFRONT_MTU_MIN)
		return -EINVAL;
	*mtu = (unsigned)v;
	return 0;
}
