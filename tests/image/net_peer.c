/* SPDX-License-Identifier: MIT */
/* net_peer.c: a client for the echo example on another Mote machine (tests/boot/net_stack.py
 * joins the two QEMUs with a socket netdev): 1 MiB over TCP checked byte for byte, then UDP
 * datagrams. Usage: net_peer HOST PORT */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "image_check.h"

#define BULK (1024 * 1024)

static uint8_t pattern(size_t i) { return (uint8_t)((i * 2654435761u) >> 13); }

static int open_to(const char *host, const char *port, int type)
{
	struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = type}, *res;
	int fd = -1;

	if (getaddrinfo(host, port, &hints, &res) != 0)
		return -1;
	/* The peer's ARP answer may take a moment on a fresh link: try a few times. */
	for (int attempt = 0; attempt < 20 && fd < 0; attempt++) {
		fd = socket(res->ai_family, res->ai_socktype, 0);
		if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
			close(fd);
			fd = -1;
			usleep(100000);
		}
	}
	freeaddrinfo(res);
	return fd;
}

int main(int argc, char **argv)
{
	static uint8_t out[8192], in[8192];
	size_t sent = 0, got = 0, bad = 0;
	int fd, ufd, answered = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: net_peer HOST PORT\n");
		return 2;
	}
	fd = open_to(argv[1], argv[2], SOCK_STREAM);
	CHECK(fd >= 0);
	while (fd >= 0 && got < BULK) {
		struct pollfd p = {.fd = fd, .events = POLLIN | (sent < BULK ? POLLOUT : 0)};

		if (poll(&p, 1, 10000) <= 0)
			break;
		if ((p.revents & POLLOUT) && sent < BULK) {
			size_t len = BULK - sent < sizeof(out) ? BULK - sent : sizeof(out);
			for (size_t i = 0; i < len; i++)
				out[i] = pattern(sent + i);
			ssize_t n = send(fd, out, len, MSG_DONTWAIT);
			if (n > 0)
				sent += (size_t)n;
		}
		if (p.revents & POLLIN) {
			ssize_t n = recv(fd, in, sizeof(in), 0);
			if (n <= 0)
				break;
			for (ssize_t i = 0; i < n; i++)
				bad += in[i] != pattern(got + (size_t)i);
			got += (size_t)n;
		}
	}
	if (got == BULK && bad == 0)
		printf("net_peer: %d bytes echoed by %s, all equal\n", BULK, argv[1]);
	CHECK(got == BULK && bad == 0);
	if (fd >= 0)
		close(fd);

	ufd = open_to(argv[1], argv[2], SOCK_DGRAM);
	CHECK(ufd >= 0);
	for (int i = 0; ufd >= 0 && i < 10; i++) {
		char msg[64], reply[64];
		int len = snprintf(msg, sizeof(msg), "datagram %d", i);
		struct pollfd p = {.fd = ufd, .events = POLLIN};

		send(ufd, msg, (size_t)len, 0);
		if (poll(&p, 1, 2000) == 1 && recv(ufd, reply, sizeof(reply), 0) == len &&
		    memcmp(reply, msg, (size_t)len) == 0)
			answered++;
	}
	printf("net_peer: %d of 10 datagrams echoed\n", answered);
	CHECK(answered == 10);
	return check_report();
}
