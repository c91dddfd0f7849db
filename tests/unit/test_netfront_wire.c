/* SPDX-License-Identifier: MIT */
/* test_netfront_wire.c: netfront's pure half: when a push must notify, response counts a
 * backend cannot have produced, transmit and receive responses with bad ids, flags, statuses
 * and offsets, multi-slot frames, checksums filled in, and the MAC and MTU from xenstore. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/netdev.h>

#include "check.h"
#include "netfront_wire.h"

static void test_push(void)
{
	struct netfront_sring s = {0};

	/* req_event 1 (a fresh ring): the first request notifies, the next ones do not. */
	s.req_event = 1;
	CHECK(netfront_ring_push(&s, 1));
	CHECK_EQ(s.req_prod, 1);
	CHECK(!netfront_ring_push(&s, 3));
	/* The backend asks for the event at index 5: pushing 3 -> 4 no, 4 -> 6 yes. */
	s.req_event = 5;
	CHECK(!netfront_ring_push(&s, 4));
	CHECK(netfront_ring_push(&s, 6));
	/* An event index already passed does not notify again. */
	CHECK(!netfront_ring_push(&s, 7));
	/* Across the 32-bit wrap. */
	s.req_prod = 0xfffffffeu;
	s.req_event = 0xffffffffu;
	CHECK(netfront_ring_push(&s, 2));
	s.req_event = 3;
	CHECK(!netfront_ring_push(&s, 2));
	CHECK(netfront_ring_push(&s, 3));
}

static void test_pending(void)
{
	struct netfront_sring s = {0};

	s.rsp_prod = 4;
	CHECK_EQ(netfront_ring_pending(&s, 0, 4), 4);
	CHECK_EQ(netfront_ring_pending(&s, 2, 10), 2);
	/* More responses than published requests: the backend made them up. */
	CHECK_EQ(netfront_ring_pending(&s, 0, 3), -EPROTO);
	/* rsp_prod moved backwards (a huge unsigned distance). */
	CHECK_EQ(netfront_ring_pending(&s, 5, 9), -EPROTO);
	s.rsp_prod = 2;
	CHECK_EQ(netfront_ring_pending(&s, 0xfffffffeu, 4), 4);
	/* More than a ring holds, even if our own indices were that far apart. */
	s.rsp_prod = 0x80000003u;
	CHECK_EQ(netfront_ring_pending(&s, 3, 0x90000000u), -EPROTO);
	s.rsp_prod = 3 + NETFRONT_RING_SIZE;
	CHECK_EQ(netfront_ring_pending(&s, 3, 3 + NETFRONT_RING_SIZE), (int)NETFRONT_RING_SIZE);
	/* Nothing pending: the final check asks for the next response's event. */
	s.rsp_prod = 7;
	s.rsp_event = 0;
	CHECK_EQ(netfront_ring_final_check(&s, 7, 9), 0);
	CHECK_EQ(s.rsp_event, 8);
	s.rsp_event = 0;
	CHECK_EQ(netfront_ring_final_check(&s, 6, 9), 1);
	CHECK_EQ(s.rsp_event, 0); /* work pending: the event index is left alone */
}

static void test_tx(void)
{
	bool in_flight[4] = {true, false, true, true};
	struct netif_tx_response r = {.id = 0, .status = NETIF_RSP_OKAY};

	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), 0);
	r.status = NETIF_RSP_ERROR;
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), 1);
	r.status = NETIF_RSP_DROPPED;
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), 1);
	r.status = NETIF_RSP_NULL; /* we send no extra-info slots */
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), -EPROTO);
	r.status = -7;
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), -EPROTO);
	r.status = NETIF_RSP_OKAY;
	r.id = 1; /* not in flight: answered twice, or never asked */
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), -EPROTO);
	r.id = 4; /* out of range */
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), -EPROTO);
	r.id = 0xffff;
	CHECK_EQ(netfront_tx_check(&r, in_flight, 4), -EPROTO);
}

static uint8_t page[NETFRONT_PAGE_SIZE];

static void test_rx(void)
{
	uint8_t frame[100];
	struct netfront_rx rx = {.frame = frame, .cap = sizeof(frame)};
	struct netif_rx_response r = {.id = 3, .offset = 10, .flags = 0, .status = 60};
	unsigned flags = 99;

	for (unsigned i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)i;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), 60);
	CHECK_EQ(flags, 0);
	CHECK(frame[0] == 10 && frame[59] == 69);
	/* The id must be the slot's. */
	CHECK_EQ(netfront_rx_add(&rx, &r, 4, page), -EPROTO);
	/* Flags we did not negotiate, or unknown. */
	r.flags = NETRXF_extra_info;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	r.flags = NETRXF_gso_prefix;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	r.flags = 0x100;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	/* Offset + size past the page. */
	r.flags = 0;
	r.offset = 4090;
	r.status = 7;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	r.offset = 4089;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), -EMSGSIZE); /* 7 bytes: shorter than a header */
	r.offset = 0xffff;
	r.status = 0x7fff;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	/* A status that is neither a size nor a known error. */
	r.offset = 0;
	r.status = -3;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), -EPROTO);
	/* An error status is a dropped frame, not a broken backend. */
	r.status = NETIF_RSP_ERROR;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), -EIO);
	/* Three slots: 40 + 30 + 20 bytes, flags from the first. */
	struct netif_rx_response a = {
	        .id = 0, .offset = 0, .flags = NETRXF_more_data | NETRXF_data_validated, .status = 40};
	struct netif_rx_response b = {.id = 1, .offset = 100, .flags = NETRXF_more_data, .status = 30};
	struct netif_rx_response c = {.id = 2, .offset = 200, .flags = 0, .status = 20};

	CHECK_EQ(netfront_rx_add(&rx, &a, 0, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &b, 1, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &c, 2, page), 1);
	CHECK_EQ(rx.slots, 3);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), 90);
	CHECK_EQ(flags, NETDEV_RX_CSUM_OK);
	CHECK(frame[39] == 39 && frame[40] == 100 && frame[70] == 200 && frame[89] == 219);
	/* Longer than the frame buffer: dropped when it ends, and the next frame is whole. */
	a.status = 80;
	CHECK_EQ(netfront_rx_add(&rx, &a, 0, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &b, 1, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &c, 2, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), -EMSGSIZE);
	r.status = 50;
	r.offset = 0;
	r.flags = 0;
	CHECK_EQ(netfront_rx_add(&rx, &r, 3, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), 50);
	/* An error in the middle of a frame drops the whole frame. */
	b.status = NETIF_RSP_DROPPED;
	a.status = 40;
	CHECK_EQ(netfront_rx_add(&rx, &a, 0, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &b, 1, page), 0);
	CHECK_EQ(netfront_rx_add(&rx, &c, 2, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), -EIO);
}

/* The ones'-complement sum of a TCP/UDP segment and its pseudo-header: 0xffff when right. */
static unsigned verify(const uint8_t *f, size_t l3, bool v6, unsigned proto, size_t l4, size_t l4_len)
{
	unsigned long s = 0;
	const uint8_t *addr = f + l3 + (v6 ? 8 : 12);

	for (unsigned i = 0; i < (v6 ? 32u : 8u); i += 2)
		s += (unsigned)addr[i] << 8 | addr[i + 1];
	s += proto + l4_len;
	for (size_t i = 0; i < l4_len; i += 2)
		s += (unsigned)f[l4 + i] << 8 | (i + 1 < l4_len ? f[l4 + i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (unsigned)s;
}

static size_t ipv4_udp(uint8_t *f, size_t payload)
{
	memset(f, 0, 14 + 20 + 8 + payload);
	f[12] = 0x08;
	f[14] = 0x45;
	size_t total = 20 + 8 + payload;

	f[16] = (uint8_t)(total >> 8), f[17] = (uint8_t)total;
	f[22] = 64, f[23] = 17;
	uint8_t src[4] = {10, 0, 0, 1}, dst[4] = {10, 0, 0, 2};

	memcpy(f + 26, src, 4), memcpy(f + 30, dst, 4);
	f[34] = 0x12, f[35] = 0x34, f[36] = 0x00, f[37] = 0x07;
	f[38] = (uint8_t)((8 + payload) >> 8), f[39] = (uint8_t)(8 + payload);
	f[40] = 0xde, f[41] = 0xad; /* garbage in the field: a partial sum or anything */
	for (size_t i = 0; i < payload; i++)
		f[42 + i] = (uint8_t)(i * 7 + 3);
	return 14 + total;
}

static void test_csum(void)
{
	uint8_t f[200];
	size_t len = ipv4_udp(f, 33);

	CHECK_EQ(netfront_csum_fill(f, len), 0);
	CHECK_EQ(verify(f, 14, false, 17, 34, 8 + 33), 0xffff);
	/* Ethernet padding after the datagram is not summed. */
	f[len] = 0x55;
	CHECK_EQ(netfront_csum_fill(f, len + 1), 0);
	CHECK_EQ(verify(f, 14, false, 17, 34, 8 + 33), 0xffff);
	/* TCP over IPv4. */
	len = ipv4_udp(f, 40);
	f[23] = 6;
	CHECK_EQ(netfront_csum_fill(f, len), 0);
	CHECK_EQ(verify(f, 14, false, 6, 34, 48), 0xffff);
	/* Fragments, truncated datagrams, other protocols, bad headers. */
	len = ipv4_udp(f, 33);
	f[20] = 0x20; /* more fragments */
	CHECK_EQ(netfront_csum_fill(f, len), -EPROTO);
	len = ipv4_udp(f, 33);
	CHECK_EQ(netfront_csum_fill(f, len - 1), -EPROTO);
	f[23] = 1;
	CHECK_EQ(netfront_csum_fill(f, len), -EPROTO);
	len = ipv4_udp(f, 33);
	f[14] = 0x44; /* IHL 16 bytes */
	CHECK_EQ(netfront_csum_fill(f, len), -EPROTO);
	f[12] = 0x08, f[13] = 0x06; /* ARP */
	CHECK_EQ(netfront_csum_fill(f, len), -EPROTO);
	CHECK_EQ(netfront_csum_fill(f, 10), -EPROTO);
	/* UDP over IPv6, behind a VLAN tag. */
	memset(f, 0, sizeof(f));
	f[12] = 0x81, f[13] = 0x00, f[16] = 0x86, f[17] = 0xdd;
	size_t l3 = 18;

	f[l3] = 0x60;
	f[l3 + 5] = 8 + 20;
	f[l3 + 6] = 17;
	for (unsigned i = 0; i < 32; i++)
		f[l3 + 8 + i] = (uint8_t)(0xf0 + i);
	for (unsigned i = 0; i < 28; i++)
		f[l3 + 40 + i] = (uint8_t)(i * 13);
	CHECK_EQ(netfront_csum_fill(f, l3 + 40 + 28), 0);
	CHECK_EQ(verify(f, l3, true, 17, l3 + 40, 28), 0xffff);
	CHECK_EQ(netfront_ethertype(f, 18), 0x86dd);
	CHECK_EQ(netfront_ethertype(f, 17), -EPROTO);
	/* A csum_blank frame is filled in on its way to the stack. */
	uint8_t frame[200];
	struct netfront_rx rx = {.frame = frame, .cap = sizeof(frame)};
	unsigned flags;

	len = ipv4_udp(page, 20);
	struct netif_rx_response r = {
	        .id = 0, .offset = 0, .flags = NETRXF_csum_blank, .status = (int16_t)len};

	CHECK_EQ(netfront_rx_add(&rx, &r, 0, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), (int)len);
	CHECK_EQ(flags, NETDEV_RX_CSUM_OK);
	CHECK_EQ(verify(frame, 14, false, 17, 34, 28), 0xffff);
	page[12] = 0x08, page[13] = 0x06; /* csum_blank on what has no checksum: dropped */
	CHECK_EQ(netfront_rx_add(&rx, &r, 0, page), 1);
	CHECK_EQ(netfront_rx_finish(&rx, &flags), -EPROTO);
	/* csum_at: the field holds the pseudo-header sum, as the stack leaves it. */
	len = ipv4_udp(f, 33);
	f[40] = f[41] = 0;
	unsigned pseudo = verify(f, 14, false, 17, 34, 0); /* addresses + proto, no length yet */
	pseudo += 41;
	while (pseudo >> 16)
		pseudo = (pseudo & 0xffff) + (pseudo >> 16);
	f[40] = (uint8_t)(pseudo >> 8), f[41] = (uint8_t)pseudo;
	CHECK_EQ(netfront_csum_at(f, len, 34, 6), 0);
	CHECK_EQ(verify(f, 14, false, 17, 34, 41), 0xffff);
	CHECK_EQ(netfront_csum_at(f, len, 34, len), -EINVAL);
	CHECK_EQ(netfront_csum_at(f, len, 10, 6), -EINVAL);
	CHECK_EQ(netfront_csum_at(f, len, 34, (size_t)-30), -EINVAL);
}

static void test_mac_mtu(void)
{
	uint8_t mac[6] = {0};
	unsigned mtu = 0;

	CHECK_EQ(netfront_parse_mac("00:16:3e:0a:Bc:ff", mac), 0);
	CHECK(mac[0] == 0 && mac[1] == 0x16 && mac[2] == 0x3e && mac[4] == 0xbc && mac[5] == 0xff);
	CHECK_EQ(netfront_parse_mac("01:16:3e:0a:bc:ff", mac), -EINVAL); /* multicast */
	CHECK_EQ(netfront_parse_mac("00:00:00:00:00:00", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("00:16:3e:0a:bc", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("00:16:3e:0a:bc:ff:", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("00-16-3e-0a-bc-ff", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("0:16:3e:0a:bc:ff", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("", mac), -EINVAL);
	CHECK_EQ(netfront_parse_mac("00:16:3e:0g:bc:ff", mac), -EINVAL);
	CHECK(mac[0] == 0 && mac[1] == 0x16); /* untouched by the failures */
	CHECK_EQ(netfront_parse_mtu("1500", &mtu), 0);
	CHECK_EQ(mtu, 1500);
	CHECK_EQ(netfront_parse_mtu("68", &mtu), 0);
	CHECK_EQ(netfront_parse_mtu("67", &mtu), -EINVAL);
	CHECK_EQ(netfront_parse_mtu("65536", &mtu), -EINVAL);
	CHECK_EQ(netfront_parse_mtu("99999999999999999999", &mtu), -EINVAL);
	CHECK_EQ(netfront_parse_mtu("", &mtu), -EINVAL);
	CHECK_EQ(netfront_parse_mtu("1500 ", &mtu), -EINVAL);
	CHECK_EQ(netfront_parse_mtu("-1", &mtu), -EINVAL);
	CHECK_EQ(mtu, 68);
}

int main(void)
{
	test_push();
	test_pending();
	test_tx();
	test_rx();
	test_csum();
	test_mac_mtu();
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
