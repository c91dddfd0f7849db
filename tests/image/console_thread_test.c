/* SPDX-License-Identifier: MIT */
/* console_thread_test.c: a thread blocked in getchar() (inside stdin's FILE lock, with no input
 * for a while) must not stop the others. main starts the reader, then works for a second
 * (computing, printing, allocating) and only then asks the host (tests/boot/promises.py) to
 * type two lines, which the reader returns. When waiting for input held the CPU, main never
 * got to ask and the host's time ran out. */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image_check.h"

static sem_t reader_started;
static volatile int reader_returned; /* the reader's getchar() has come back */
static char lines[2][64];

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Two lines, character by character through getchar(): stdin's lock is held in each. A
 * terminal may end lines with "\r", "\n" or both: empty lines are skipped. */
static void *reader(void *arg)
{
	size_t n = 0;
	int i = 0, c;

	sem_post(&reader_started);
	while (i < 2 && (c = getchar()) != EOF) {
		reader_returned = 1;
		if (c == '\n' || c == '\r') {
			if (n > 0) {
				lines[i++][n] = '\0';
				n = 0;
			}
			continue;
		}
		if (n + 1 < sizeof(lines[i]))
			lines[i][n++] = (char)c;
	}
	return NULL;
}

int main(void)
{
	pthread_t t;
	long long t0, rounds = 0;
	volatile double x = 1.0;

	sem_init(&reader_started, 0, 0);
	CHECK(pthread_create(&t, NULL, reader, NULL) == 0);
	CHECK(sem_wait(&reader_started) == 0);
	/* Let the reader get into getchar() and block there. */
	struct timespec pause = {0, 100 * 1000000};
	nanosleep(&pause, NULL);

	/* A second of work while the reader waits: each round computes, allocates and prints. */
	t0 = now_ms();
	while (now_ms() - t0 < 1000) {
		char *p = malloc(4096);

		for (int i = 0; i < 10000; i++)
			x = x * 1.0000001 + 0.5;
		memset(p, (int)rounds, 4096);
		free(p);
		if (++rounds % 2000 == 0)
			printf("console_thread_test: worker round %lld\n", rounds);
	}
	printf("console_thread_test: worker did %lld rounds in 1000 ms while the reader waited\n", rounds);
	CHECK(rounds > 10);
	CHECK(reader_returned == 0); /* no input yet: the reader is still inside getchar() */

	printf("console_test: send\n");
	fflush(stdout);
	CHECK(pthread_join(t, NULL) == 0);
	printf("console_thread_test: got '%s'\n", lines[0]);
	printf("console_thread_test: got '%s'\n", lines[1]);
	CHECK(strcmp(lines[0], "hello mote") == 0);
	CHECK(strcmp(lines[1], "second line") == 0);
	return check_report();
}
