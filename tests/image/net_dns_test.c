/* SPDX-License-Identifier: MIT */
/* net_dns_test.c: getaddrinfo() against a real DNS server (tests/boot/net_dns.py runs its own,
 * dns_server.py, and boots this with net.dns pointing at it). Usage: net_dns_test NAME V6NAME
 * MISSING, where NAME has an A and an AAAA record, V6NAME only an AAAA, MISSING none. Prints
 * each address found for the host to compare with what its server holds, then "N passed". */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "image_check.h"

/* The text form of an entry's address. */
static const char *addr_text(const struct addrinfo *ai, char *buf, size_t len)
{
	const void *a = ai->ai_family == AF_INET6
	                        ? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
	                        : (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;

	return inet_ntop(ai->ai_family, a, buf, (socklen_t)len) ? buf : "?";
}

static unsigned port_of(const struct addrinfo *ai)
{
	return ntohs(ai->ai_family == AF_INET6 ? ((struct sockaddr_in6 *)ai->ai_addr)->sin6_port
	                                       : ((struct sockaddr_in *)ai->ai_addr)->sin_port);
}

/* Resolve `name` with port 80 for `family` (the label says which) and print what came back:
 * "net_dns_test: NAME LABEL ADDRESS" or "net_dns_test: NAME LABEL error N (text)". Without a
 * socket type every answer is two entries, a stream and a datagram one, for one address, which
 * is checked here. Returns the family found, or 0 on an error. */
static int lookup(const char *name, const char *label, int family, int want_error)
{
	struct addrinfo hints = {.ai_family = family}, *res = NULL;
	char text[INET6_ADDRSTRLEN], second[INET6_ADDRSTRLEN];
	int rc = getaddrinfo(name, "80", &hints, &res);

	if (rc != 0) {
		printf("net_dns_test: %s %s error %d (%s)\n", name, label, rc, gai_strerror(rc));
		CHECK(rc == want_error);
		CHECK(res == NULL);
		return 0;
	}
	CHECK(want_error == 0);
	CHECK(res != NULL && res->ai_next != NULL && res->ai_next->ai_next == NULL);
	if (res == NULL || res->ai_next == NULL)
		return 0;
	const struct addrinfo *s = res, *d = res->ai_next;

	printf("net_dns_test: %s %s %s\n", name, label, addr_text(s, text, sizeof(text)));
	CHECK(family == AF_UNSPEC || s->ai_family == family);
	CHECK(s->ai_family == AF_INET || s->ai_family == AF_INET6);
	CHECK(s->ai_addrlen ==
	      (s->ai_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)));
	CHECK(s->ai_socktype == SOCK_STREAM && d->ai_socktype == SOCK_DGRAM);
	CHECK(d->ai_family == s->ai_family && strcmp(addr_text(d, second, sizeof(second)), text) == 0);
	CHECK(port_of(s) == 80 && port_of(d) == 80);
	rc = s->ai_family;
	freeaddrinfo(res);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: net_dns_test NAME V6NAME MISSING\n");
		return 2;
	}
	const char *name = argv[1], *v6name = argv[2], *missing = argv[3];

	/* Either family: lwIP asks for A first (LWIP_DNS_ADDRTYPE_DEFAULT). First, while lwIP's
	 * cache is empty: a cached AAAA answer would also satisfy it. */
	CHECK(lookup(name, "any", AF_UNSPEC, 0) == AF_INET);
	CHECK(lookup(name, "A", AF_INET, 0) == AF_INET);
	CHECK(lookup(name, "AAAA", AF_INET6, 0) == AF_INET6);
	/* No A record: the answer is empty, so lwIP asks again for AAAA. */
	CHECK(lookup(v6name, "any", AF_UNSPEC, 0) == AF_INET6);
	CHECK(lookup(v6name, "A", AF_INET, EAI_NONAME) == 0);
	/* NXDOMAIN ends the lookup at the first answer (the host counts the queries). */
	CHECK(lookup(missing, "A", AF_INET, EAI_NONAME) == 0);
	CHECK(lookup(missing, "AAAA", AF_INET6, EAI_NONAME) == 0);
	/* Numeric hosts never reach the server. */
	CHECK(lookup("10.0.2.2", "numeric", AF_UNSPEC, 0) == AF_INET);
	{
		struct addrinfo hints = {.ai_flags = AI_NUMERICHOST}, *res = NULL;

		CHECK(getaddrinfo(name, "80", &hints, &res) == EAI_NONAME && res == NULL);
	}
	return check_report();
}
