/* SPDX-License-Identifier: MIT */
/* test_net_chksum.c: net_chksum (net/net_chksum.c) against a byte-at-a-time RFC 1071 sum over
 * every length and start offset that exercises its 32-, 8- and 0-7-byte steps, and carries. */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "net_chksum.h"

/* The plain definition: big-endian 16-bit words, the odd last byte as a high-order byte. */
static uint16_t reference(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* net_chksum's result is in memory order, as lwIP stores it into a header. */
static int same(const uint8_t *p, size_t n) { return ntohs(net_chksum(p, (int)n)) == reference(p, n); }

int main(void)
{
	static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	static uint8_t buf[4096 + 8];
	uint32_t x = 12345;
	int bad = 0;

	/* RFC 1071 §3's worked example: the sum is 0xddf2. */
	CHECK_EQ(ntohs(net_chksum(rfc1071, 8)), 0xddf2);
	CHECK_EQ(net_chksum(buf, 0), 0);
	CHECK_EQ(net_chksum(buf, -5), 0);

	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n <= 300; n++)
			bad += !same(buf + off, n);
	CHECK_EQ(bad, 0);
	CHECK(same(buf + 3, 1500));
	CHECK(same(buf, 4096));

	/* All ones: every 64-bit addition carries. */
	memset(buf, 0xff, sizeof(buf));
	bad = 0;
	for (size_t n = 0; n <= 200; n++)
		bad += !same(buf + (n & 7), n);
	CHECK_EQ(bad, 0);
	CHECK(same(buf, 4096 + 8));
	/* 0xff.. then 0x00 01: the sum wraps past 0xffff exactly. */
	buf[0] = 0x00;
	buf[1] = 0x01;
	CHECK(same(buf, 64));

	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed != 0;
}
