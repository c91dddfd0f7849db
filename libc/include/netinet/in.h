/* SPDX-License-Identifier: MIT */
/* netinet/in.h: Internet address families (POSIX), which newlib lacks. */
#ifndef MOTE_NETINET_IN_H
#define MOTE_NETINET_IN_H

#include <stdint.h>
#include <sys/socket.h>

typedef uint16_t in_port_t;
typedef uint32_t in_addr_t;

struct in_addr {
	in_addr_t s_addr; /* network byte order */
};

struct in6_addr {
	union {
		uint8_t __u6_addr8[16];
		uint16_t __u6_addr16[8];
		uint32_t __u6_addr32[4];
	} __in6_u;
};
#define s6_addr __in6_u.__u6_addr8

struct sockaddr_in {
	sa_family_t sin_family;
	in_port_t sin_port;
	struct in_addr sin_addr;
	unsigned char sin_zero[8];
};

struct sockaddr_in6 {
	sa_family_t sin6_family;
	in_port_t sin6_port;
	uint32_t sin6_flowinfo;
	struct in6_addr sin6_addr;
	uint32_t sin6_scope_id;
};

struct ipv6_mreq {
	struct in6_addr ipv6mr_multiaddr;
	unsigned ipv6mr_interface;
};

struct in_pktinfo {
	unsigned ipi_ifindex;
	struct in_addr ipi_addr;
};

#define IPPROTO_IP      0
#define IPPROTO_ICMP    1
#define IPPROTO_TCP     6
#define IPPROTO_UDP     17
#define IPPROTO_IPV6    41
#define IPPROTO_ICMPV6  58
#define IPPROTO_UDPLITE 136
#define IPPROTO_RAW     255

#define INADDR_ANY       ((in_addr_t)0x00000000)
#define INADDR_BROADCAST ((in_addr_t)0xffffffff)
#define INADDR_NONE      ((in_addr_t)0xffffffff)
#define INADDR_LOOPBACK  ((in_addr_t)0x7f000001) /* host byte order, as in POSIX */

#define INET_ADDRSTRLEN  16
#define INET6_ADDRSTRLEN 46

#define IN6ADDR_ANY_INIT          \
	{                         \
		{                 \
			{         \
				0 \
			}         \
		}                 \
	}
#define IN6ADDR_LOOPBACK_INIT                                                  \
	{                                                                      \
		{                                                              \
			{                                                      \
				0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 \
			}                                                      \
		}                                                              \
	}
extern const struct in6_addr in6addr_any;
extern const struct in6_addr in6addr_loopback;

/* Options for IPPROTO_IP and IPPROTO_IPV6. */
#define IP_TOS               1
#define IP_TTL               2
#define IP_PKTINFO           8
#define IP_MULTICAST_IF      32
#define IP_MULTICAST_TTL     33
#define IP_MULTICAST_LOOP    34
#define IPV6_CHECKSUM        7
#define IPV6_JOIN_GROUP      20
#define IPV6_LEAVE_GROUP     21
#define IPV6_ADD_MEMBERSHIP  IPV6_JOIN_GROUP
#define IPV6_DROP_MEMBERSHIP IPV6_LEAVE_GROUP
#define IPV6_V6ONLY          26

#define IN6_IS_ADDR_UNSPECIFIED(a)                                               \
	((a)->__in6_u.__u6_addr32[0] == 0 && (a)->__in6_u.__u6_addr32[1] == 0 && \
	 (a)->__in6_u.__u6_addr32[2] == 0 && (a)->__in6_u.__u6_addr32[3] == 0)
#define IN6_IS_ADDR_LINKLOCAL(a) ((a)->s6_addr[0] == 0xfe && ((a)->s6_addr[1] & 0xc0) == 0x80)
#define IN6_IS_ADDR_V4MAPPED(a)                                                  \
	((a)->__in6_u.__u6_addr32[0] == 0 && (a)->__in6_u.__u6_addr32[1] == 0 && \
	 (a)->__in6_u.__u6_addr16[4] == 0 && (a)->__in6_u.__u6_addr16[5] == 0xffff)

uint32_t htonl(uint32_t v);
uint16_t htons(uint16_t v);
uint32_t ntohl(uint32_t v);
uint16_t ntohs(uint16_t v);
/* x86_64 is little-endian: the calls are byte swaps, done inline. */
#define htonl(v) ((uint32_t)__builtin_bswap32((uint32_t)(v)))
#define htons(v) ((uint16_t)__builtin_bswap16((uint16_t)(v)))
#define ntohl(v) ((uint32_t)__builtin_bswap32((uint32_t)(v)))
#define ntohs(v) ((uint16_t)__builtin_bswap16((uint16_t)(v)))

#endif
