/* SPDX-License-Identifier: MIT */
/* timer_test.c: sleeping on the one-shot timer: every sleep lasts at least what was asked
 * (never less; TCG makes "how much more" meaningless, so that is not checked), bad arguments
 * are refused, and the clocks move on while the CPU is halted. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "image_check.h"

static uint64_t now_ns(int clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(void)
{
	static const long asks_ns[] = {1, 1000, 100000, 1000000, 10000000, 50000000};

	for (unsigned i = 0; i < sizeof(asks_ns) / sizeof(asks_ns[0]); i++) {
		struct timespec req = {0, asks_ns[i]}, rem = {1, 1};
		uint64_t start = now_ns(CLOCK_MONOTONIC);

		CHECK(nanosleep(&req, &rem) == 0);
		uint64_t slept = now_ns(CLOCK_MONOTONIC) - start;

		CHECK(slept >= (uint64_t)asks_ns[i]);
		CHECK(rem.tv_sec == 0 && rem.tv_nsec == 0);
		printf("timer_test: asked %ld ns, slept %llu ns\n", asks_ns[i], (unsigned long long)slept);
	}

	uint64_t start = now_ns(CLOCK_MONOTONIC), wall = now_ns(CLOCK_REALTIME);
	for (int i = 0; i < 20; i++)
		CHECK(usleep(500) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - start >= 20 * 500000ull);
	CHECK(now_ns(CLOCK_REALTIME) - wall >= 20 * 500000ull);

	start = now_ns(CLOCK_MONOTONIC);
	CHECK(sleep(1) == 0);
	CHECK(now_ns(CLOCK_MONOTONIC) - start >= 1000000000ull);

	struct timespec bad[] = {{0, -1}, {0, 1000000000}, {-1, 0}};
	for (unsigned i = 0; i < 3; i++) {
		errno = 0;
		CHECK(nanosleep(&bad[i], NULL) == -1 && errno == EINVAL);
	}
	CHECK(sleep(0) == 0);
	return check_report();
}
