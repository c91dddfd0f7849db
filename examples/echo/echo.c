/* SPDX-License-Identifier: MIT */
/* echo.c: the echo service (RFC 862) over TCP and UDP on one port: every byte or datagram
 * received is sent back. One thread per TCP connection, one for UDP; a TCP client silent (or
 * not reading) for the idle timeout is closed. Usage: echo [-p PORT] [--idle-timeout S] */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define USAGE "usage: echo [-p PORT] [--idle-timeout S]\n"

static long idle_timeout = 60; /* seconds */

/* Only this thread uses fd, so lwIP's receive and send timeouts end a silent client's recv()
 * and a non-reading client's send() with EWOULDBLOCK, and the connection is closed. */
static void *tcp_connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	struct timeval limit = {.tv_sec = idle_timeout};
	char buf[8192];
	ssize_t n;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof(limit));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof(limit));
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

	for (int i = 1; i < argc; i += 2) {
		char *end;
		long v;

		if (i + 1 == argc) {
			fprintf(stderr, USAGE);
			return 2;
		}
		v = strtol(argv[i + 1], &end, 10);
		if (strcmp(argv[i], "-p") == 0) {
			if (argv[i + 1][0] == '\0' || *end != '\0' || v < 1 || v > 65535) {
				fprintf(stderr, "echo: bad port '%s'\n", argv[i + 1]);
				return 2;
			}
			port = v;
		} else if (strcmp(argv[i], "--idle-timeout") == 0) {
			if (argv[i + 1][0] == '\0' || *end != '\0' || v < 1 || v > 86400) {
				fprintf(stderr,
				        "echo: bad value '%s' for --idle-timeout: seconds from 1 to 86400\n",
				        argv[i + 1]);
				return 2;
			}
			idle_timeout = v;
		} else {
			fprintf(stderr, USAGE);
			return 2;
		}
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
	printf("echo: TCP and UDP on port %ld (idle timeout %ld s)\n", port, idle_timeout);
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
