/* SPDX-License-Identifier: MIT */
/* netfront_wire.h: the checked, pure half of netfront (public/io/netif.h, public/io/ring.h):
 * ring indices, every response the backend writes, receive-frame assembly, checksums, and the
 * MAC and MTU read from xenstore. Compiled into the kernel, the host unit test and the fuzz
 * target; nothing here trusts a value another domain wrote. */
#ifndef NETFRONT_WIRE_H
#define NETFRONT_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xen/io/netif.h>

#define NETFRONT_PAGE_SIZE 4096u
/* Slots in a one-page ring (public/io/ring.h: the entries after a 64-byte header, rounded down
 * to a power of two): tx entries are 12 bytes, rx entries 8, so both give 256. */
#define NETFRONT_RING_SIZE 256u
#define NETFRONT_MTU_MIN   68u /* RFC 791: the smallest an IPv4 link may have */

/* The four indices at the head of every shared ring (struct *_sring in public/io/ring.h). */
struct netfront_sring {
	uint32_t req_prod, req_event;
	uint32_t rsp_prod, rsp_event;
};

/* Publish our requests up to `new_prod` (after writing them) and say whether the backend asked
 * to be told: true when its req_event lies in (old req_prod, new_prod], the semantics of
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY. */
bool netfront_ring_push(volatile struct netfront_sring *s, uint32_t new_prod);

/* How many responses wait at `rsp_cons`, read once (the entries are read after it). -EPROTO
 * when the backend claims more than the `req_prod - rsp_cons` requests we have published, or
 * more than a ring holds. */
int netfront_ring_pending(volatile struct netfront_sring *s, uint32_t rsp_cons, uint32_t req_prod);

/* Nothing pending: ask for an event at the next response (rsp_event = rsp_cons + 1), then look
 * again, so a response that raced the write is not left waiting for an event that never
 * comes (RING_FINAL_CHECK_FOR_RESPONSES). Same results as netfront_ring_pending. */
int netfront_ring_final_check(volatile struct netfront_sring *s, uint32_t rsp_cons, uint32_t req_prod);

/* A transmit response. `in_flight[id]` says which ids we have outstanding. Returns 0 for a
 * frame sent, 1 for one the backend refused or dropped (NETIF_RSP_ERROR/DROPPED: count it, go
 * on), -EPROTO for an id out of range or not in flight, or any other status. */
int netfront_tx_check(const struct netif_tx_response *rsp, const bool *in_flight, unsigned nslots);

/* Receive-frame assembly from one or more slots (NETRXF_more_data). */
struct netfront_rx {
	uint8_t *frame; /* where the frame is assembled */
	size_t cap;     /* its size */
	size_t len;     /* bytes so far */
	uint16_t flags; /* the first slot's NETRXF_* */
	bool in_frame;  /* a slot with more_data came: the next continues this frame */
	bool overflow;  /* longer than cap: dropped when it ends */
	bool failed;    /* a slot had an error status: dropped when it ends */
	unsigned slots; /* slots in this frame so far */
};

/* Check response `rsp`, found in ring slot `expected_id` (netif.h: a backend answers each rx
 * request in the slot of its request, so its id must be that slot's), whose granted page is
 * `page`, and add its bytes to the frame. Returns 1 when the frame is complete (then call
 * netfront_rx_finish), 0 when more slots follow, -EPROTO for a bad response: wrong id, flags
 * we did not negotiate (extra info, GSO prefix) or unknown, an unknown negative status, or
 * offset + size past the page. */
int netfront_rx_add(struct netfront_rx *rx, const struct netif_rx_response *rsp, uint16_t expected_id,
                    const uint8_t *page);

/* The frame just completed: its length, with *netdev_flags = NETDEV_RX_CSUM_OK when the backend
 * vouched for (data_validated) or left blank (csum_blank: filled in here) its checksum. Negative
 * for a frame to drop (and count): -EMSGSIZE (too long, too short), -EIO (an error status),
 * -EPROTO (csum_blank on a frame whose TCP/UDP checksum cannot be located). Resets rx. */
int netfront_rx_finish(struct netfront_rx *rx, unsigned *netdev_flags);

/* Fill in the TCP or UDP checksum of an Ethernet frame (IPv4, or IPv6 without extension
 * headers; one VLAN tag allowed), pseudo-header included, whatever the field held. 0, or
 * -EPROTO when the frame is none of those or its lengths do not hold together. */
int netfront_csum_fill(uint8_t *frame, size_t len);

/* Fill in the checksum at csum_start + csum_offset over [csum_start, len), the field already
 * holding the pseudo-header sum (a netdev's transmit offload request). 0 or -EINVAL. */
int netfront_csum_at(uint8_t *frame, size_t len, size_t csum_start, size_t csum_offset);

/* The ethertype after the Ethernet header (and one VLAN tag), or -EPROTO when too short. */
int netfront_ethertype(const uint8_t *frame, size_t len);

/* "aa:bb:cc:dd:ee:ff" (xenstore's mac key) into mac[6]. -EINVAL for any other form, or a
 * multicast or all-zero address. */
int netfront_parse_mac(const char *s, uint8_t mac[6]);

/* A decimal MTU (xenstore's mtu key) between NETFRONT_MTU_MIN and 65535. 0 or -EINVAL. */
int netfront_parse_mtu(const char *s, unsigned *mtu);

#endif
