/* SPDX-License-Identifier: MIT */
/* echo.c: the echo service (RFC 862) over TCP and UDP on one port: every byte or datagram
 * received is sent back. One thread per TCP connection, one for UDP. Usage: echo [-p PORT] */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void *tcp_connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char buf[8192];
	ssize_t n;

	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = send(fd, buf + off, (size_t)(n - off), 0);
			if (w < 0)
				goto out;
			off += w;
		}
	}
out:
	close(fd);
	return NULL;
}

static void *udp_echo(void *arg)
{
	int fd = (int)(intptr_t)arg;
	static char buf[65536];
	struct sockaddr_storage from;

	for (;;) {
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);

		if (n >= 0)
			sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
	}
	return NULL;
}

static int open_socket(int type, uint16_t port)
{
	struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
	int fd = socket(AF_INET6, type, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    (type == SOCK_STREAM && listen(fd, SOMAXCONN) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	long port = 7;
	int tfd, ufd;
	pthread_t udp;

	if (argc == 3 && strcmp(argv[1], "-p") == 0) {
		char *end;
		port = strtol(argv[2], &end, 10);
		if (*end != '\0' || port < 1 || port > 65535) {
			fprintf(stderr, "echo: bad port '%s'\n", argv[2]);
			return 2;
		}
	} else if (argc != 1) {
		fprintf(stderr, "usage: echo [-p PORT]\n");
		return 2;
	}
	tfd = open_socket(SOCK_STREAM, (uint16_t)port);
	ufd = open_socket(SOCK_DGRAM, (uint16_t)port);
	if (tfd < 0 || ufd < 0) {
		fprintf(stderr, "echo: cannot bind port %ld: %s\n", port, strerror(errno));
		return 1;
	}
	if (pthread_create(&udp, NULL, udp_echo, (void *)(intptr_t)ufd) != 0) {
		fprintf(stderr, "echo: cannot start the UDP thread\n");
		return 1;
	}
	printf("echo: TCP and UDP on port %ld\n", port);
	fflush(stdout);
	for (;;) {
		pthread_t t;
		int fd = accept(tfd, NULL, NULL);

		if (fd < 0) {
			usleep(10000);
			continue;
		}
		if (pthread_create(&t, NULL, tcp_connection, (void *)(intptr_t)fd) != 0)
			close(fd);
		else
			pthread_detach(t);
	}
}
