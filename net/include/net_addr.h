/* SPDX-License-Identifier: MIT */
/* net_addr.h: the strict IPv4 and IPv6 address parsers of net/net_config.c, public to the
 * layer above the stack: libc's inet_pton reads addresses exactly as the net.* boot options do. */
#ifndef MOTE_NET_ADDR_H
#define MOTE_NET_ADDR_H

#include <stdint.h>

/* Each parses the whole of `s` (NUL-terminated) and returns 0, or -EINVAL leaving *out
 * unchanged. */
int net_parse_ip4(const char *s, uint8_t out[4]);
int net_parse_ip6(const char *s, uint8_t out[16]);

#endif
