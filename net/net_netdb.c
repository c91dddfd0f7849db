/* SPDX-License-Identifier: MIT */
/* net_netdb.c: getaddrinfo over lwIP's DNS client, and the address conversions (strict POSIX
 * forms, shared with the boot options' parsers in net_config.c): libc's netdb.h calls, supplied
 * by the network library that only images using the network link. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "net_addr.h"
#include "net_socket_headers.h"

#include "lwip/api.h"
#include "lwip/ip_addr.h"

/* One result: the entry, its address and the canonical name, freed together. */
struct gai_result {
	struct addrinfo ai;
	struct sockaddr_storage addr;
};

static int parse_service(const char *service, int flags, uint16_t *port)
{
	unsigned long v = 0;

	*port = 0;
	if (service == NULL)
		return 0;
	if (*service == '\0')
		return EAI_SERVICE;
	for (const char *p = service; *p != '\0'; p++) {
		/* No services database: names like "http" are not known. */
		if (*p < '0' || *p > '9' || (v = v * 10 + (unsigned long)(*p - '0')) > 65535)
			return flags & AI_NUMERICSERV ? EAI_NONAME : EAI_SERVICE;
	}
	*port = (uint16_t)v;
	return 0;
}

/* The address for node: numeric forms first, then DNS unless AI_NUMERICHOST. */
static int resolve(const char *node, int family, int flags, ip_addr_t *addr)
{
	struct in6_addr a6;
	struct in_addr a4;
	u8_t dns_type;

	if (node == NULL) {
		if (family == AF_INET6)
			*addr = (flags & AI_PASSIVE) ? *IP6_ADDR_ANY
			                             : (ip_addr_t)IPADDR6_INIT_HOST(0, 0, 0, 1);
		else
			*addr = (flags & AI_PASSIVE) ? *IP4_ADDR_ANY
			                             : (ip_addr_t)IPADDR4_INIT_BYTES(127, 0, 0, 1);
		return 0;
	}
	if (family != AF_INET6 && inet_pton(AF_INET, node, &a4) == 1) {
		ip_addr_set_ip4_u32_val(*addr, a4.s_addr);
		return 0;
	}
	if (family != AF_INET && inet_pton(AF_INET6, node, &a6) == 1) {
		IP_ADDR6(addr, a6.__in6_u.__u6_addr32[0], a6.__in6_u.__u6_addr32[1],
		         a6.__in6_u.__u6_addr32[2], a6.__in6_u.__u6_addr32[3]);
		return 0;
	}
	if (flags & AI_NUMERICHOST)
		return EAI_NONAME;
	dns_type = family == AF_INET    ? NETCONN_DNS_IPV4
	           : family == AF_INET6 ? NETCONN_DNS_IPV6
	                                : NETCONN_DNS_DEFAULT;
	switch (netconn_gethostbyname_addrtype(node, addr, dns_type)) {
	case ERR_OK:
		return 0;
	case ERR_MEM:
		return EAI_MEMORY;
	case ERR_ARG:
	case ERR_VAL:
		return EAI_NONAME; /* not a host name lwIP accepts (too long) */
	default:
		return EAI_NONAME;
	}
}

static struct addrinfo *make_entry(const ip_addr_t *addr, uint16_t port, int socktype)
{
	struct gai_result *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if (IP_IS_V6(addr)) {
		struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&r->addr;

		sa->sin6_family = AF_INET6;
		sa->sin6_port = htons(port);
		memcpy(&sa->sin6_addr, ip_2_ip6(addr)->addr, 16);
		sa->sin6_scope_id = ip6_addr_zone(ip_2_ip6(addr));
		r->ai.ai_family = AF_INET6;
		r->ai.ai_addrlen = sizeof(*sa);
	} else {
		struct sockaddr_in *sa = (struct sockaddr_in *)&r->addr;

		sa->sin_family = AF_INET;
		sa->sin_port = htons(port);
		sa->sin_addr.s_addr = ip4_addr_get_u32(ip_2_ip4(addr));
		r->ai.ai_family = AF_INET;
		r->ai.ai_addrlen = sizeof(*sa);
	}
	r->ai.ai_socktype = socktype;
	r->ai.ai_protocol = socktype == SOCK_DGRAM ? IPPROTO_UDP : IPPROTO_TCP;
	r->ai.ai_addr = (struct sockaddr *)&r->addr;
	return &r->ai;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
	int family = AF_UNSPEC, socktype = 0, flags = 0, rc;
	struct addrinfo *first = NULL, **tail = &first;
	uint16_t port;
	ip_addr_t addr;

	if (res == NULL || (node == NULL && service == NULL))
		return EAI_NONAME;
	if (hints != NULL) {
		family = hints->ai_family;
		socktype = hints->ai_socktype;
		flags = hints->ai_flags;
	}
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
		return EAI_FAMILY;
	if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM)
		return EAI_SOCKTYPE;
	if (flags & ~(AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL | AI_ADDRCONFIG |
	              AI_NUMERICSERV))
		return EAI_BADFLAGS;
	rc = parse_service(service, flags, &port);
	if (rc == 0)
		rc = resolve(node, family, flags, &addr);
	if (rc != 0)
		return rc;
	/* Without a socket type, one entry for each, as other C libraries give. */
	for (int t = SOCK_STREAM; t <= SOCK_DGRAM; t++) {
		if (socktype != 0 && t != socktype)
			continue;
		*tail = make_entry(&addr, port, t);
		if (*tail == NULL) {
			freeaddrinfo(first);
			return EAI_MEMORY;
		}
		tail = &(*tail)->ai_next;
	}
	*res = first;
	return 0;
}

/* Each entry is one allocation (struct gai_result) starting with the addrinfo. */
void freeaddrinfo(struct addrinfo *ai)
{
	while (ai != NULL) {
		struct addrinfo *next = ai->ai_next;

		free(ai);
		ai = next;
	}
}

const char *gai_strerror(int err)
{
	switch (err) {
	case 0:
		return "Success";
	case EAI_BADFLAGS:
		return "Invalid value for ai_flags";
	case EAI_NONAME:
		return "Name or service not known";
	case EAI_AGAIN:
		return "Temporary failure in name resolution";
	case EAI_FAIL:
		return "Non-recoverable failure in name resolution";
	case EAI_FAMILY:
		return "ai_family not supported";
	case EAI_SOCKTYPE:
		return "ai_socktype not supported";
	case EAI_SERVICE:
		return "Service not supported for ai_socktype";
	case EAI_MEMORY:
		return "Memory allocation failure";
	case EAI_SYSTEM:
		return "System error";
	case EAI_OVERFLOW:
		return "Argument buffer overflow";
	default:
		return "Unknown error";
	}
}

int inet_pton(int af, const char *src, void *dst)
{
	if (af == AF_INET)
		return net_parse_ip4(src, dst) == 0;
	if (af == AF_INET6)
		return net_parse_ip6(src, dst) == 0;
	errno = EAFNOSUPPORT;
	return -1;
}

/* RFC 5952 §4: lower-case hex without leading zeros, the longest run of two or more zero
 * groups (the first of equals) as "::", and IPv4-mapped addresses with a dotted quad. */
static void format_ip6(const uint8_t *b, char *out)
{
	uint16_t g[8];
	int best = -1, best_len = 1;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(b[2 * i] << 8 | b[2 * i + 1]);
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && g[j] == 0)
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j == i ? i + 1 : j;
	}
	if (best == 0 && best_len == 5 && g[5] == 0xffff) {
		sprintf(out, "::ffff:%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			out += sprintf(out, "::");
			i += best_len - 1;
			continue;
		}
		out += sprintf(out, "%s%x", i > 0 && i != best + best_len ? ":" : "", g[i]);
	}
	*out = '\0';
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
	char text[INET6_ADDRSTRLEN];
	const uint8_t *b = src;

	if (af == AF_INET) {
		snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	} else if (af == AF_INET6) {
		format_ip6(b, text);
	} else {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	if (strlen(text) >= size) {
		errno = ENOSPC;
		return NULL;
	}
	strcpy(dst, text);
	return dst;
}

int inet_aton(const char *cp, struct in_addr *addr)
{
	ip4_addr_t a;

	if (!ip4addr_aton(cp, &a))
		return 0;
	if (addr != NULL)
		addr->s_addr = ip4_addr_get_u32(&a);
	return 1;
}

in_addr_t inet_addr(const char *cp)
{
	struct in_addr a;

	return inet_aton(cp, &a) ? a.s_addr : INADDR_NONE;
}

char *inet_ntoa(struct in_addr addr)
{
	ip4_addr_t a;

	ip4_addr_set_u32(&a, addr.s_addr);
	return ip4addr_ntoa(&a);
}

const struct in6_addr in6addr_loopback = IN6ADDR_LOOPBACK_INIT;

#undef htonl
#undef htons
#undef ntohl
#undef ntohs
uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
uint16_t htons(uint16_t v) { return __builtin_bswap16(v); }
uint32_t ntohl(uint32_t v) { return __builtin_bswap32(v); }
uint16_t ntohs(uint16_t v) { return __builtin_bswap16(v); }
