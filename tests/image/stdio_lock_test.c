/* SPDX-License-Identifier: MIT */
/* stdio_lock_test.c: newlib's locks are real mutexes. A thread inside a stream call (its FILE
 * lock held) whose device read takes long, busy or asleep, must not stop the other threads,
 * and they must not get into the same stream meanwhile; each stream's own lock is freed with
 * it. The stream is an fopencookie() one, whose read is this test's slow device. */
#define _GNU_SOURCE /* fopencookie */
#include <pthread.h>
#include <semaphore.h>
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

/* The slow device: each read spins (a polled device) or sleeps for `ms`, then gives 'A'+n. */
static volatile int inside;  /* a read is in progress */
static volatile int reads;   /* reads finished */
static volatile long others; /* progress of the other thread, sampled by the reader */
static int spin;             /* 1: busy-wait, 0: sleep */

static ssize_t slow_read(void *cookie, char *buf, size_t len)
{
	long long t0 = now_ms();
	long seen = others;

	inside = 1;
	if (spin) {
		while (now_ms() - t0 < 300)
			;
	} else {
		struct timespec ts = {0, 300 * 1000000};

		nanosleep(&ts, NULL);
	}
	/* How far the other thread got while this read held the stream: it must have run. */
	*(long *)cookie = others - seen;
	inside = 0;
	buf[0] = (char)('A' + reads);
	reads++;
	return 1;
}

static FILE *slow_open(long *progress)
{
	cookie_io_functions_t io = {.read = slow_read};
	FILE *f = fopencookie(progress, "r", io);

	if (f != NULL)
		setvbuf(f, NULL, _IONBF, 0); /* every getc() goes to the device */
	return f;
}

static FILE *stream;
static int got[2];

static void *reader(void *arg)
{
	got[(long)arg] = fgetc(stream);
	return NULL;
}

/* A thread spinning (spin=1) or sleeping (spin=0) in a device read under the stream's lock. */
static void blocked_stream(int spin_mode)
{
	long progress = -1;
	pthread_t a, b;
	int trylock_while_inside = -1, waited_turn;

	spin = spin_mode;
	reads = 0;
	stream = slow_open(&progress);
	CHECK(stream != NULL);
	if (stream == NULL)
		return;
	CHECK(pthread_create(&a, NULL, reader, (void *)0) == 0);
	/* main keeps running: count, and look at the stream while the reader is in it. */
	long long t0 = now_ms();

	while (!inside && now_ms() - t0 < 5000)
		others++;
	while (inside) {
		others++;
		if (trylock_while_inside < 0)
			trylock_while_inside = ftrylockfile(stream);
	}
	printf("stdio_lock_test: %s read: main ran %ld rounds meanwhile, ftrylockfile gave %d\n",
	       spin_mode ? "spinning" : "sleeping", progress, trylock_while_inside);
	CHECK(progress > 0);              /* main ran while the reader held the lock */
	CHECK(trylock_while_inside != 0); /* ...and could not take it */
	CHECK(pthread_join(a, NULL) == 0);
	CHECK(got[0] == 'A');

	/* A second reader waits its turn behind main's own hold of the lock. */
	flockfile(stream);
	CHECK(pthread_create(&b, NULL, reader, (void *)1) == 0);
	struct timespec ts = {0, 50 * 1000000};
	nanosleep(&ts, NULL);
	waited_turn = reads == 1; /* b is blocked on the lock, not reading */
	CHECK(waited_turn);
	funlockfile(stream);
	CHECK(pthread_join(b, NULL) == 0);
	CHECK(got[1] == 'B');
	CHECK(fclose(stream) == 0);
}

/* Every stream gets a lock of its own, freed by fclose(): 100000 streams opened and closed do
 * not move the heap's end (a lock left behind each time would take megabytes). */
static void stream_locks_freed(void)
{
	long progress;
	char *before, *after;
	int ok = 0;

	for (int i = 0; i < 100; i++) /* a first round pays for what newlib keeps (its stream table) */
		fclose(slow_open(&progress));
	before = sbrk(0);
	for (int i = 0; i < 100000; i++) {
		FILE *f = slow_open(&progress);

		if (f == NULL || fclose(f) != 0)
			break;
		ok++;
	}
	after = sbrk(0);
	printf("stdio_lock_test: %d streams opened and closed, heap end moved by %ld bytes\n", ok,
	       (long)(after - before));
	CHECK(ok == 100000);
	CHECK(after == before);
}

/* The named locks are recursive where newlib takes them again (a stream locked twice by its
 * holder, malloc from inside a locked stream's work). */
static void recursion(void)
{
	flockfile(stdout);
	flockfile(stdout);
	printf("stdio_lock_test: stdout locked twice, printing\n");
	funlockfile(stdout);
	CHECK(ftrylockfile(stdout) == 0); /* the holder takes it again */
	funlockfile(stdout);
	funlockfile(stdout);
}

int main(void)
{
	blocked_stream(1);
	blocked_stream(0);
	stream_locks_freed();
	recursion();
	return check_report();
}
