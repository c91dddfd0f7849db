/* SPDX-License-Identifier: MIT */
/* net_ipv6_test.c: TCP over IPv6 through the NIC. Connects from its SLAAC address to HOST
 * (QEMU user networking's fec0::2, which is the host's ::1), sends SIZE bytes of a stream
 * seeded with SEED and checks the SIZE bytes the host answers (tests/boot/net_ipv6.py, which
 * also checks both streams in a capture of the NIC's frames). Usage: net_ipv6_test HOST PORT
 * SEED SIZE */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

/* The byte stream both ends generate: xorshift32 (Marsaglia 2003), the low byte of each step.
 * net_ipv6.py has the same generator; the host's answer uses the seed's complement. */
struct stream {
	uint32_t x;
};

static uint8_t next_byte(struct stream *s)
{
	s->x ^= s->x << 13;
	s->x ^= s->x >> 17;
	s->x ^= s->x << 5;
	return (uint8_t)s->x;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One connection to `to`, retried for up to 30 s: SLAAC needs a router advertisement and
 * duplicate address detection first. Until the global address is valid there is either no
 * source address at all (EHOSTUNREACH) or only the link-local one, which RFC 6724 rule 2
 * allows as a last resort; such a connection is closed and made again, so the bytes go from
 * the SLAAC address. */
static int connect_from_global(const struct sockaddr_in6 *to, struct sockaddr_in6 *self)
{
	uint64_t deadline = now_ms() + 30000;
	int last = 0;

	while (now_ms() < deadline) {
		int fd = socket(AF_INET6, SOCK_STREAM, 0);
		socklen_t len = sizeof(*self);

		if (fd < 0)
			return -1;
		if (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == 0) {
			if (getsockname(fd, (struct sockaddr *)self, &len) < 0 ||
			    self->sin6_family != AF_INET6) {
				close(fd);
				return -1;
			}
			if (!IN6_IS_ADDR_LINKLOCAL(&self->sin6_addr))
				return fd;
			printf("net_ipv6_test: connected from the link-local address: SLAAC not done yet, "
			       "again\n");
		} else if (errno != last) {
			printf("net_ipv6_test: connect: %s, trying again\n", strerror(errno));
			last = errno;
		}
		close(fd);
		usleep(200000);
	}
	return -1;
}

int main(int argc, char **argv)
{
	static uint8_t buf[8192];
	struct sockaddr_in6 to = {.sin6_family = AF_INET6}, self, peer;
	socklen_t len;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (argc != 5) {
		fprintf(stderr, "usage: net_ipv6_test HOST PORT SEED SIZE\n");
		return 2;
	}
	unsigned long port = strtoul(argv[2], NULL, 10), size = strtoul(argv[4], NULL, 10);
	struct stream out = {(uint32_t)strtoul(argv[3], NULL, 0)}, in;

	in.x = ~out.x;

	CHECK(inet_pton(AF_INET6, argv[1], &to.sin6_addr) == 1);
	CHECK(port > 0 && port < 65536 && size > 0 && out.x != 0 && in.x != 0);
	to.sin6_port = htons((uint16_t)port);
	int fd = connect_from_global(&to, &self);

	CHECK(fd >= 0);
	if (fd < 0)
		return check_report();

	/* The connection's ends. */
	len = sizeof(peer);
	CHECK(getpeername(fd, (struct sockaddr *)&peer, &len) == 0 && peer.sin6_family == AF_INET6);
	CHECK(memcmp(&peer.sin6_addr, &to.sin6_addr, 16) == 0 && peer.sin6_port == to.sin6_port);
	/* An address in HOST's /64, which only SLAAC can have given. */
	CHECK(memcmp(&self.sin6_addr, &to.sin6_addr, 8) == 0);
	printf("net_ipv6_test: connected from [%s]:%u to [%s]:%u\n",
	       inet_ntop(AF_INET6, &self.sin6_addr, a, sizeof(a)), ntohs(self.sin6_port),
	       inet_ntop(AF_INET6, &peer.sin6_addr, b, sizeof(b)), ntohs(peer.sin6_port));

	/* All of ours, then all of theirs: the host reads everything before it answers. */
	unsigned long sent = 0, got = 0, bad = 0;

	while (sent < size) {
		size_t n = size - sent < sizeof(buf) ? size - sent : sizeof(buf);

		for (size_t i = 0; i < n; i++)
			buf[i] = next_byte(&out);
		ssize_t w = send(fd, buf, n, 0);

		CHECK(w == (ssize_t)n); /* a blocking send takes it all */
		if (w != (ssize_t)n)
			break;
		sent += n;
	}
	CHECK(shutdown(fd, SHUT_WR) == 0);
	for (;;) {
		ssize_t r = recv(fd, buf, sizeof(buf), 0);

		if (r <= 0) {
			CHECK(r == 0);
			break;
		}
		for (ssize_t i = 0; i < r; i++)
			bad += buf[i] != next_byte(&in);
		got += (unsigned long)r;
	}
	close(fd);
	printf("net_ipv6_test: sent %lu bytes, received %lu, %lu differ\n", sent, got, bad);
	CHECK(sent == size);
	CHECK(got == size);
	CHECK(bad == 0);
	return check_report();
}
