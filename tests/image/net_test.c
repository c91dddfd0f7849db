/* SPDX-License-Identifier: MIT */
/* net_test.c: the socket layer over loopback, from inside an image: a TCP server and client in
 * two threads (IPv4 and IPv6), UDP, poll and select over sockets with the console or a pipe,
 * getaddrinfo of numeric hosts, address conversions and the errors POSIX names. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

#define BULK_BYTES (256 * 1024)

static uint8_t pattern(size_t i) { return (uint8_t)(i * 7 + (i >> 9)); }

/* Accept one connection on the listening socket and echo it until the peer shuts down. */
static void *echo_server(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	char buf[4096];
	ssize_t n;
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		return (void *)(intptr_t)errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));
			if (w <= 0)
				return (void *)-1;
			off += w;
		}
	}
	close(fd);
	return NULL;
}

static int listener(int family, const char *addr, uint16_t *port)
{
	struct sockaddr_storage ss = {0};
	socklen_t len;
	int fd = socket(family, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 4) < 0)
		return -1;
	len = sizeof(ss);
	getsockname(fd, (struct sockaddr *)&ss, &len);
	*port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
	                                : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static int connect_to(int family, const char *host, uint16_t port)
{
	struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST};
	struct addrinfo *res;
	char service[8];
	int fd;

	snprintf(service, sizeof(service), "%u", port);
	if (getaddrinfo(host, service, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Send BULK_BYTES through the echo server and check every byte that comes back. */
static void tcp_round_trip(int family, const char *host)
{
	uint16_t port;
	int lfd = listener(family, host, &port);
	pthread_t server;
	void *result = (void *)1;
	uint8_t *back = malloc(BULK_BYTES);
	size_t sent = 0, got = 0;
	int fd, one = 1;
	bool same = true;

	CHECK(lfd >= 0);
	CHECK(pthread_create(&server, NULL, echo_server, (void *)(intptr_t)lfd) == 0);
	fd = connect_to(family, host, port);
	CHECK(fd >= 3); /* the console keeps 0-2 of the shared table */
	CHECK(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) == 0);
	/* Interleave writing and reading so neither side's window fills up. */
	while (got < BULK_BYTES && back != NULL && fd >= 0) {
		if (sent < BULK_BYTES) {
			uint8_t chunk[3000];
			size_t n = BULK_BYTES - sent < sizeof(chunk) ? BULK_BYTES - sent : sizeof(chunk);
			for (size_t i = 0; i < n; i++)
				chunk[i] = pattern(sent + i);
			ssize_t w = send(fd, chunk, n, 0);
			if (w <= 0)
				break;
			sent += (size_t)w;
		}
		struct pollfd p = {.fd = fd, .events = POLLIN};
		while (got < sent && poll(&p, 1, sent < BULK_BYTES ? 0 : 5000) > 0) {
			ssize_t r = recv(fd, back + got, BULK_BYTES - got, 0);
			if (r <= 0)
				break;
			got += (size_t)r;
		}
	}
	for (size_t i = 0; i < got; i++)
		same &= back[i] == pattern(i);
	printf("net_test: %s TCP echoed %zu of %d bytes\n", family == AF_INET ? "IPv4" : "IPv6", got,
	       BULK_BYTES);
	CHECK(got == BULK_BYTES);
	CHECK(same);
	CHECK(shutdown(fd, SHUT_WR) == 0);
	{
		char c;
		CHECK(recv(fd, &c, 1, 0) == 0); /* the server saw the end and closed */
	}
	CHECK(pthread_join(server, &result) == 0);
	CHECK(result == NULL);
	CHECK(close(fd) == 0);
	CHECK(close(lfd) == 0);
	free(back);
}

static void test_udp(void)
{
	int a = socket(AF_INET, SOCK_DGRAM, 0), b = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_in from;
	socklen_t len = sizeof(sa), fromlen = sizeof(from);
	char buf[64];
	struct pollfd p;

	CHECK(a >= 0 && b >= 0);
	CHECK(bind(b, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(getsockname(b, (struct sockaddr *)&sa, &len) == 0);
	CHECK(sa.sin_port != 0);
	p = (struct pollfd){.fd = b, .events = POLLIN};
	CHECK(poll(&p, 1, 0) == 0);
	CHECK(sendto(a, "datagram", 8, 0, (struct sockaddr *)&sa, sizeof(sa)) == 8);
	CHECK(poll(&p, 1, 5000) == 1 && (p.revents & POLLIN));
	CHECK(recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen) == 8);
	CHECK(memcmp(buf, "datagram", 8) == 0);
	CHECK(from.sin_family == AF_INET && from.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
	/* Reply to the sender's address, as an echo server does. */
	CHECK(sendto(b, "reply", 5, 0, (struct sockaddr *)&from, fromlen) == 5);
	CHECK(recv(a, buf, sizeof(buf), 0) == 5 && memcmp(buf, "reply", 5) == 0);
	close(a);
	close(b);
}

static void test_poll_select(void)
{
	uint16_t port;
	int lfd = listener(AF_INET, "127.0.0.1", &port), c, s;
	struct pollfd p[2] = {{.fd = lfd, .events = POLLIN}, {.fd = 1, .events = POLLOUT}};
	fd_set rd, wr;
	struct timeval tv = {0, 0};

	CHECK(lfd >= 0);
	/* Mixed kinds: the console is writable, nothing waits on the listener yet. */
	CHECK(poll(p, 2, 0) == 1);
	CHECK(p[0].revents == 0 && (p[1].revents & POLLOUT));
	c = connect_to(AF_INET, "127.0.0.1", port);
	CHECK(c >= 0);
	CHECK(poll(p, 1, 5000) == 1 && (p[0].revents & POLLIN));
	s = accept(lfd, NULL, NULL);
	CHECK(s >= 0);
	FD_ZERO(&rd);
	FD_SET(s, &rd);
	CHECK(select(s + 1, &rd, NULL, NULL, &tv) == 0);
	CHECK(write(c, "x", 1) == 1);
	FD_ZERO(&rd);
	FD_SET(s, &rd);
	FD_ZERO(&wr);
	FD_SET(1, &wr);
	tv = (struct timeval){5, 0};
	CHECK(select(s + 1, &rd, &wr, NULL, &tv) == 2);
	CHECK(FD_ISSET(s, &rd) && FD_ISSET(1, &wr));
	/* A closed descriptor in poll is POLLNVAL, in select EBADF. */
	p[0] = (struct pollfd){.fd = 60, .events = POLLIN};
	CHECK(poll(p, 1, 0) == 1 && p[0].revents == POLLNVAL);
	FD_ZERO(&rd);
	FD_SET(60, &rd);
	errno = 0;
	CHECK(select(61, &rd, NULL, NULL, &tv) == -1 && errno == EBADF);
	close(s);
	close(c);
	close(lfd);
}

/* For test_poll_mixed: after a pause (so the poll is asleep by then), write one byte to the
 * descriptor given. */
static void *write_later(void *arg)
{
	usleep(50 * 1000);
	return write((int)(intptr_t)arg, "w", 1) == 1 ? NULL : (void *)-1;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* poll and select over two kinds at once, a pipe and a TCP socket (Redis's select() over its
 * clients and its module pipe): nothing ready waits out the timeout; a byte written to either
 * from another thread wakes a wait without a timeout, and only that descriptor is ready. */
static void test_poll_mixed(void)
{
	uint16_t port;
	int lfd = listener(AF_INET, "127.0.0.1", &port), c, s, pfd[2];
	struct pollfd p[2];
	pthread_t writer;
	void *result;
	fd_set rd;
	struct timeval tv = {5, 0};
	uint64_t t0;
	char ch;

	CHECK(lfd >= 0 && pipe(pfd) == 0);
	c = connect_to(AF_INET, "127.0.0.1", port);
	s = accept(lfd, NULL, NULL);
	CHECK(c >= 0 && s >= 0);
	p[0] = (struct pollfd){.fd = pfd[0], .events = POLLIN};
	p[1] = (struct pollfd){.fd = s, .events = POLLIN};
	t0 = now_ms();
	CHECK(poll(p, 2, 100) == 0);
	CHECK(now_ms() - t0 >= 100);
	/* The socket becomes ready while the poll sleeps. */
	CHECK(pthread_create(&writer, NULL, write_later, (void *)(intptr_t)c) == 0);
	CHECK(poll(p, 2, -1) == 1);
	CHECK(p[0].revents == 0 && (p[1].revents & POLLIN));
	CHECK(pthread_join(writer, &result) == 0 && result == NULL);
	CHECK(read(s, &ch, 1) == 1);
	/* Then the pipe. */
	CHECK(pthread_create(&writer, NULL, write_later, (void *)(intptr_t)pfd[1]) == 0);
	CHECK(poll(p, 2, -1) == 1);
	CHECK((p[0].revents & POLLIN) && p[1].revents == 0);
	CHECK(pthread_join(writer, &result) == 0 && result == NULL);
	CHECK(read(pfd[0], &ch, 1) == 1);
	/* select() over both, the socket ready meanwhile. */
	CHECK(pthread_create(&writer, NULL, write_later, (void *)(intptr_t)c) == 0);
	FD_ZERO(&rd);
	FD_SET(pfd[0], &rd);
	FD_SET(s, &rd);
	CHECK(select((s > pfd[0] ? s : pfd[0]) + 1, &rd, NULL, NULL, &tv) == 1);
	CHECK(FD_ISSET(s, &rd) && !FD_ISSET(pfd[0], &rd));
	CHECK(pthread_join(writer, &result) == 0 && result == NULL);
	close(pfd[0]);
	close(pfd[1]);
	close(s);
	close(c);
	close(lfd);
}

static void test_addresses(void)
{
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	struct in_addr a4;
	struct in6_addr a6;
	char text[INET6_ADDRSTRLEN];

	CHECK(getaddrinfo("10.0.2.15", "8080", &hints, &res) == 0);
	CHECK(res != NULL && res->ai_family == AF_INET && res->ai_next == NULL);
	if (res != NULL) {
		struct sockaddr_in *sin = (struct sockaddr_in *)res->ai_addr;
		CHECK(ntohs(sin->sin_port) == 8080 && sin->sin_addr.s_addr == inet_addr("10.0.2.15"));
		freeaddrinfo(res);
	}
	hints = (struct addrinfo){.ai_family = AF_INET6};
	CHECK(getaddrinfo("fe80::1", NULL, &hints, &res) == 0);
	CHECK(res != NULL && res->ai_family == AF_INET6 && res->ai_next != NULL); /* stream and dgram */
	if (res != NULL)
		freeaddrinfo(res);
	hints = (struct addrinfo){.ai_flags = AI_PASSIVE, .ai_socktype = SOCK_DGRAM};
	CHECK(getaddrinfo(NULL, "7", &hints, &res) == 0);
	CHECK(res != NULL && ((struct sockaddr_in *)res->ai_addr)->sin_addr.s_addr == INADDR_ANY);
	if (res != NULL)
		freeaddrinfo(res);
	hints = (struct addrinfo){.ai_flags = AI_NUMERICHOST};
	CHECK(getaddrinfo("example.org", "80", &hints, &res) == EAI_NONAME);
	CHECK(getaddrinfo("1.2.3.4", "http", NULL, &res) == EAI_SERVICE);
	hints = (struct addrinfo){.ai_family = 99};
	CHECK(getaddrinfo("1.2.3.4", NULL, &hints, &res) == EAI_FAMILY);
	CHECK(strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);

	CHECK(inet_pton(AF_INET, "192.168.1.254", &a4) == 1 && ntohl(a4.s_addr) == 0xc0a801fe);
	CHECK(inet_pton(AF_INET, "192.168.1", &a4) == 0);
	CHECK(inet_pton(AF_INET6, "2001:db8::ff00:42:8329", &a6) == 1 && a6.s6_addr[15] == 0x29);
	CHECK(inet_ntop(AF_INET6, &a6, text, sizeof(text)) != NULL &&
	      strcmp(text, "2001:db8::ff00:42:8329") == 0);
	CHECK(inet_ntop(AF_INET, &a4, text, sizeof(text)) != NULL && strcmp(text, "192.168.1.254") == 0);
	errno = 0;
	CHECK(inet_ntop(AF_INET, &a4, text, 4) == NULL && errno == ENOSPC);
	errno = 0;
	CHECK(inet_pton(12345, "1.2.3.4", &a4) == -1 && errno == EAFNOSUPPORT);
}

static void test_errors(void)
{
	struct sockaddr_in sa = {
	        .sin_family = AF_INET, .sin_port = htons(1), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), fd2, type = 0, err = -1;
	char c;
	struct stat st;
	uint16_t port;

	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode));
	CHECK(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_STREAM);
	errno = 0;
	CHECK(getpeername(fd, (struct sockaddr *)&sa, &len) == -1 && errno == ENOTCONN);
	errno = 0;
	CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 && errno == ECONNREFUSED);
	len = sizeof(err);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
	close(fd);
	errno = 0;
	CHECK(send(fd, "x", 1, 0) == -1 && errno == EBADF);
	errno = 0;
	CHECK(close(fd) == -1 && errno == EBADF);
	errno = 0;
	CHECK(read(200, &c, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK(recv(1, &c, 1, 0) == -1 && errno == ENOTSOCK);
	errno = 0;
	CHECK(socket(AF_INET, 99, 0) == -1 && errno != 0);

	/* Two listeners on one port: the second is refused. */
	fd = listener(AF_INET, "127.0.0.1", &port);
	fd2 = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_port = htons(port);
	errno = 0;
	CHECK(bind(fd2, (struct sockaddr *)&sa, sizeof(sa)) == -1 && errno == EADDRINUSE);
	close(fd2);
	/* Non-blocking accept with nobody connecting. */
	CHECK(fcntl(fd, F_SETFL, O_NONBLOCK) == 0);
	CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	errno = 0;
	CHECK(accept(fd, NULL, NULL) == -1 && (errno == EWOULDBLOCK || errno == EAGAIN));
	close(fd);
}

/* The descriptor table is shared and bounded: sockets run out with EMFILE, then come back. */
static void test_fd_exhaustion(void)
{
	int fds[300], n = 0;

	for (; n < 300; n++) {
		fds[n] = socket(AF_INET, SOCK_DGRAM, 0);
		if (fds[n] < 0)
			break;
	}
	CHECK(n < 300 && n > 200); /* 256 descriptors, less the console and a few open */
	CHECK(errno == EMFILE || errno == ENFILE);
	for (int i = 0; i < n; i++)
		close(fds[i]);
	n = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(n >= 3);
	close(n);
}

int main(void)
{
	tcp_round_trip(AF_INET, "127.0.0.1");
	tcp_round_trip(AF_INET6, "::1");
	test_udp();
	test_poll_select();
	test_poll_mixed();
	test_addresses();
	test_errors();
	test_fd_exhaustion();
	return check_report();
}
