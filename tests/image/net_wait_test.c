/* SPDX-License-Identifier: MIT */
/* net_wait_test.c: what main() sees of the network at its first line (net.wait, docs/net.md):
 * the monotonic time, and with a port argument the address the stack gives a TCP connection
 * to the host (10.0.2.2:PORT under QEMU user networking), which exists only with a lease. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct timespec ts;
	struct sockaddr_in peer = {.sin_family = AF_INET}, self;
	socklen_t len = sizeof(self);
	int fd;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("net_wait_test: main() at %lld ms\n", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	if (argc < 2)
		return 0;
	/* The stack chooses the source address only when it has one: no lease, no connection. */
	peer.sin_port = htons((unsigned short)atoi(argv[1]));
	peer.sin_addr.s_addr = inet_addr("10.0.2.2");
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&peer, sizeof(peer)) != 0) {
		printf("net_wait_test: no connection to the host: %s\n", strerror(errno));
		return 1;
	}
	if (getsockname(fd, (struct sockaddr *)&self, &len) != 0) {
		printf("net_wait_test: getsockname: %s\n", strerror(errno));
		return 1;
	}
	printf("net_wait_test: my address is %s\n", inet_ntoa(self.sin_addr));
	close(fd);
	return 0;
}
