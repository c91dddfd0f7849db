/* SPDX-License-Identifier: MIT */
/* idle_test.c: sleeps for the seconds given (default 5) with nothing else to run, so the CPU
 * idles; tests/boot/promises.py measures how much host CPU QEMU spends between the lines
 * before and after the sleep. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	unsigned seconds = argc > 1 ? (unsigned)atoi(argv[1]) : 5;
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	printf("idle_test: sleeping %u s\n", seconds);
	fflush(stdout);
	sleep(seconds);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("idle_test: awake after %lld ms\n",
	       (long long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000);
	fflush(stdout);
	/* QEMU must still run when the host reads its CPU time at the line above. */
	sleep(1);
	return 0;
}
