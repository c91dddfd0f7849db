/* SPDX-License-Identifier: MIT */
/* console_test.c: console input through poll() and read() on descriptor 0. poll() must time
 * out while nothing is typed, then report POLLIN once the host (tests/boot/promises.py) sends
 * two lines, which read() returns and the program echoes back. */
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line from descriptor 0, without its newline; read() may return less than a line. */
static int read_line(char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t got = read(STDIN_FILENO, buf + n, 1);

		if (got != 1)
			return -1;
		if (buf[n] == '\n' || buf[n] == '\r')
			break;
		n++;
	}
	buf[n] = '\0';
	return (int)n;
}

int main(void)
{
	struct pollfd pfd = {.fd = STDIN_FILENO, .events = POLLIN};
	char line[128];
	long long t0, waited;
	int n;

	/* Nothing has been sent yet: the host waits for the "send" line below. */
	t0 = now_ms();
	n = poll(&pfd, 1, 500);
	waited = now_ms() - t0;
	printf("console_test: poll with no input returned %d after %lld ms\n", n, waited);
	CHECK(n == 0);
	CHECK(pfd.revents == 0);
	CHECK(waited >= 500);

	printf("console_test: send\n");
	fflush(stdout);
	n = poll(&pfd, 1, 30000);
	printf("console_test: poll returned %d, revents %#x%s\n", n, pfd.revents,
	       pfd.revents & POLLIN ? " (POLLIN)" : "");
	CHECK(n == 1);
	CHECK(pfd.revents & POLLIN);

	for (int i = 0; i < 2; i++) {
		n = read_line(line, sizeof(line));
		CHECK(n >= 0);
		printf("console_test: got '%s'\n", n >= 0 ? line : "");
	}
	return check_report();
}
