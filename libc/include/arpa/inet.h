/* SPDX-License-Identifier: MIT */
/* arpa/inet.h: address conversions (POSIX), which newlib lacks. */
#ifndef MOTE_ARPA_INET_H
#define MOTE_ARPA_INET_H

#include <netinet/in.h>

in_addr_t inet_addr(const char *cp);
int inet_aton(const char *cp, struct in_addr *addr);
char *inet_ntoa(struct in_addr addr);
/* 1 on success, 0 when src is not an address of family af, -1 with EAFNOSUPPORT. */
int inet_pton(int af, const char *src, void *dst);
/* dst, or NULL with errno EAFNOSUPPORT or ENOSPC. */
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);

#endif
