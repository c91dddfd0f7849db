/* SPDX-License-Identifier: MIT */
/* net_chksum.c: the Internet checksum (RFC 1071) lwIP uses for every TCP and UDP byte it sends
 * or receives (LWIP_CHKSUM in lwipopts.h), eight bytes per step instead of lwIP's two: with no
 * checksum offload behind QEMU's user networking it is one of the passes over bulk data. Pure. */
#include <stddef.h>
#include <stdint.h>

#include "net_chksum.h"

uint16_t net_chksum(const void *data, int len)
{
	const uint8_t *p = data;
	uint64_t sum = 0, w;
	size_t n = len > 0 ? (size_t)len : 0;

	/* Native-order words summed in ones' complement give the sum of the big-endian 16-bit
	 * words byte-swapped, which stored natively is the checksum's bytes in network order, as
	 * lwIP expects; the carry out of each 64-bit addition is added back at once. Loads
	 * need no alignment on x86_64; __builtin_memcpy makes each one load, where -ffreestanding
	 * would otherwise call memcpy for eight bytes. */
	for (; n >= 32; n -= 32, p += 32) {
		uint64_t a, b, c, d;

		__builtin_memcpy(&a, p, 8);
		__builtin_memcpy(&b, p + 8, 8);
		__builtin_memcpy(&c, p + 16, 8);
		__builtin_memcpy(&d, p + 24, 8);
		sum += a;
		sum += sum < a;
		sum += b;
		sum += sum < b;
		sum += c;
		sum += sum < c;
		sum += d;
		sum += sum < d;
	}
	for (; n >= 8; n -= 8, p += 8) {
		__builtin_memcpy(&w, p, 8);
		sum += w;
		sum += sum < w;
	}
	/* The last 0-7 bytes, zero-padded to a word: an odd last byte is the high-order byte of
	 * its big-endian 16-bit word, the low one in memory order. */
	w = 0;
	for (size_t i = 0; i < n; i++)
		w |= (uint64_t)p[i] << (8 * i);
	sum += w;
	sum += sum < w;
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffffffffu) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}
