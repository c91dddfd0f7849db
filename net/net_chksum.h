/* SPDX-License-Identifier: MIT */
/* net_chksum.h: the Internet checksum lwIP calls as LWIP_CHKSUM (net_chksum.c). */
#ifndef NET_CHKSUM_H
#define NET_CHKSUM_H

#include <stdint.h>

/* The ones'-complement sum (RFC 1071), not complemented, of len bytes at data as lwIP's
 * lwip_standard_chksum returns it: folded to 16 bits, in the memory's byte order. len <= 0
 * gives 0. Any alignment. */
uint16_t net_chksum(const void *data, int len);

#endif
