/* SPDX-License-Identifier: MIT */
/* net_client.c: the clients tier 2 runs in the Linux dom0 against Mote domUs over the bridge
 * (built for the host, statically, and copied into dom0's initramfs by tools/xen_tier2_net.py).
 *   net_client echo HOST PORT BYTES   random bytes over TCP, echoed back byte for byte
 *   net_client udp HOST PORT          one datagram there and back
 *   net_client http-bad HOST PORT     a malformed request must get "HTTP/1.1 400"
 *   net_client http-many HOST PORT N  N connections open at once, each GET / answered 200
 * Prints one line saying what it saw; exit status 0 only when all of it was right. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define WAIT_MS 30000 /* a hang is a failure, not a stuck test */

static struct sockaddr_in addr;

static int open_to(int type)
{
	int fd = socket(AF_INET, type, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror("net_client: connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int wait_for(int fd, short events)
{
	struct pollfd p = {.fd = fd, .events = events};

	return poll(&p, 1, WAIT_MS) == 1 ? 0 : -1;
}

/* Read until the peer closes or WAIT_MS pass without data; returns the byte count. */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap && wait_for(fd, POLLIN) == 0) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

static int echo(size_t bytes)
{
	unsigned char *out = malloc(bytes), *in = malloc(bytes);
	FILE *r = fopen("/dev/urandom", "rb");
	int fd = open_to(SOCK_STREAM);
	size_t sent = 0, got = 0;

	if (!out || !in || !r || fread(out, 1, bytes, r) != bytes || fd < 0)
		return 1;
	fclose(r);
	/* Send and receive together: the echo's window would fill if we only sent. */
	while (got < bytes) {
		struct pollfd p = {.fd = fd, .events = POLLIN | (sent < bytes ? POLLOUT : 0)};

		if (poll(&p, 1, WAIT_MS) != 1) {
			fprintf(stderr, "net_client: echo stalled at %zu sent, %zu received\n", sent, got);
			return 1;
		}
		if ((p.revents & POLLOUT) && sent < bytes) {
			ssize_t n = write(fd, out + sent, bytes - sent < 65536 ? bytes - sent : 65536);

			if (n < 0 && errno != EAGAIN)
				return 1;
			sent += n > 0 ? (size_t)n : 0;
		}
		if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
			ssize_t n = read(fd, in + got, bytes - got);

			if (n <= 0) {
				fprintf(stderr, "net_client: echo closed at %zu of %zu\n", got, bytes);
				return 1;
			}
			got += (size_t)n;
		}
	}
	close(fd);
	size_t differ = 0;

	for (size_t i = 0; i < bytes; i++)
		differ += out[i] != in[i];
	printf("net_client: echo: %zu random bytes sent, %zu received, %zu differ\n", bytes, got, differ);
	return differ != 0;
}

static int udp(void)
{
	int fd = open_to(SOCK_DGRAM);
	char msg[64], back[64];

	if (fd < 0)
		return 1;
	int len = snprintf(msg, sizeof(msg), "tier2 datagram %ld", (long)getpid());

	/* UDP may drop the first datagram while ARP resolves: a few tries. */
	for (int attempt = 0; attempt < 5; attempt++) {
		if (write(fd, msg, (size_t)len) != len)
			return 1;
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 2000) == 1) {
			ssize_t n = read(fd, back, sizeof(back));

			printf("net_client: udp: %d bytes out, %zd back, %s\n", len, n,
			       n == len && memcmp(msg, back, (size_t)len) == 0 ? "equal" : "different");
			return !(n == len && memcmp(msg, back, (size_t)len) == 0);
		}
	}
	printf("net_client: udp: no answer to 5 datagrams\n");
	return 1;
}

static int http_bad(void)
{
	static const char req[] = "BLAH\x01 / NOTHTTP\r\n\r\n";
	char buf[4096];
	int fd = open_to(SOCK_STREAM);

	if (fd < 0 || write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1)
		return 1;
	size_t n = read_all(fd, buf, sizeof(buf) - 1);

	buf[n] = '\0';
	close(fd);
	char *eol = strpbrk(buf, "\r\n");

	if (eol)
		*eol = '\0';
	printf("net_client: malformed request answered \"%s\"\n", buf);
	return strncmp(buf, "HTTP/1.1 400", 12) != 0;
}

static int http_many(int n)
{
	int *fds = calloc((size_t)n, sizeof(int));
	static const char req[] = "GET / HTTP/1.1\r\nHost: mote\r\nConnection: close\r\n\r\n";
	char buf[65536];
	int ok = 0;

	/* All connected first, then all asked: the server holds n connections at once. */
	for (int i = 0; i < n; i++)
		if ((fds[i] = open_to(SOCK_STREAM)) < 0)
			return 1;
	for (int i = 0; i < n; i++)
		if (write(fds[i], req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1)
			return 1;
	for (int i = 0; i < n; i++) {
		size_t got = read_all(fds[i], buf, sizeof(buf));

		if (got >= 12 && strncmp(buf, "HTTP/1.1 200", 12) == 0)
			ok++;
		close(fds[i]);
	}
	printf("net_client: %d of %d concurrent clients answered 200\n", ok, n);
	return ok != n;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: net_client echo|udp|http-bad|http-many HOST PORT [BYTES|N]\n");
		return 2;
	}
	addr.sin_family = AF_INET;
	addr.sin_port = htons((unsigned short)atoi(argv[3]));
	if (inet_pton(AF_INET, argv[2], &addr.sin_addr) != 1) {
		fprintf(stderr, "net_client: bad address %s\n", argv[2]);
		return 2;
	}
	if (strcmp(argv[1], "echo") == 0 && argc == 5)
		return echo((size_t)strtoul(argv[4], NULL, 10));
	if (strcmp(argv[1], "udp") == 0)
		return udp();
	if (strcmp(argv[1], "http-bad") == 0)
		return http_bad();
	if (strcmp(argv[1], "http-many") == 0 && argc == 5)
		return http_many(atoi(argv[4]));
	fprintf(stderr, "net_client: unknown command %s\n", argv[1]);
	return 2;
}
