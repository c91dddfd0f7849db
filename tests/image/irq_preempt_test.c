/* SPDX-License-Identifier: MIT */
/* irq_preempt_test.c: a thread woken by a device interrupt preempts a less urgent thread that
 * never yields. A spinner at the applications' priority counts and stamps the time in a loop;
 * a more urgent thread waits in recv() on a UDP socket; the host sends one datagram a round
 * (tests/boot/net_irq_preempt.py). The interrupt wakes the NIC's receive thread, which hands
 * the frame to the stack's thread, which wakes the receiver: all above the spinner, so each
 * switch happens on the way out of an interrupt or at a wake-up, never because the spinner let
 * go. The wake-up latency printed is from the spinner's last time stamp (the interrupt took the
 * CPU from it right after) to the receiver running. Usage: irq_preempt_test PORT ROUNDS */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <mote/thread.h>

#include "image_check.h"

#define MAX_ROUNDS       20
/* The spinner gives up after this long: without preemption the receiver would run only then,
 * find the spinner finished and fail, instead of hanging. The test boots with a time slice
 * longer than this (mote.timeslice=100000), so the slice timer cannot rescue the receiver
 * either: only the switch on the way out of the interrupt can. */
#define SPIN_BUDGET_NS   (30ull * 1000000000u)
/* A hang check, not a speed target: a wake-up that waited for something else (a slice, the
 * spinner's budget) takes tens of seconds here; one that came with the interrupt took 0.1 to
 * 30 ms under TCG on a loaded two-core host. A whole second leaves room for worse stalls. */
#define LATENCY_LIMIT_NS (1000000000ull)

/* As applications: below the NIC's receive thread and lwIP's thread (17), which must run
 * before the receiver can be woken. At 17 it would share time slices with them; above, starve them. */
#define PRIO_SPINNER  THREAD_PRIO_DEFAULT
#define PRIO_RECEIVER (THREAD_PRIO_DEFAULT + 4) /* above everything the datagram passes through */

/* A pause in the spinner's loop longer than this counts as losing the CPU (one turn of the
 * loop takes well under a microsecond). */
#define GAP_NS 20000

static volatile uint64_t spin_count, spin_last_ns, spin_gaps, spin_longest_gap;
static volatile int spin_stop, spin_done, spin_budget_spent;
static uint64_t spin_start_ns;
static int sock = -1, rounds;
static uint64_t latency[MAX_ROUNDS];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Never blocks, never yields: only preemption takes the CPU from it. */
static void *spin(void *arg)
{
	uint64_t start = now_ns();

	(void)arg;
	spin_start_ns = start;
	while (!spin_stop) {
		uint64_t t = now_ns();

		/* Context for the latency figure: how often and how long the spinner lost the CPU
		 * anyway (the network stack's timers, and under TCG the host stalling QEMU). */
		if (t - spin_last_ns > GAP_NS && spin_count > 0) {
			spin_gaps++;
			if (t - spin_last_ns > spin_longest_gap)
				spin_longest_gap = t - spin_last_ns;
		}
		spin_last_ns = t;
		spin_count++;
		if (t - start > SPIN_BUDGET_NS) {
			spin_budget_spent = 1;
			break;
		}
	}
	spin_done = 1;
	return NULL;
}

static void sleep_ms(unsigned ms) { thread_sleep_until(now_ns() + ms * 1000000ull); }

static void *receive(void *arg)
{
	(void)arg;
	for (int i = 1; i <= rounds; i++) {
		char want[32], buf[64];

		/* Sleep, so the spinner runs and is running when the datagram comes. */
		sleep_ms(20);
		uint64_t before = spin_count;

		printf("irq_preempt_test: round %d: waiting, spinner at %llu\n", i,
		       (unsigned long long)before);
		ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);
		uint64_t woke = now_ns(), at_wake = spin_count, last = spin_last_ns;
		int done_at_wake = spin_done;

		if (n < 0) {
			printf("irq_preempt_test: round %d: recv failed: %s\n", i, strerror(errno));
			CHECK(n >= 0);
			break;
		}
		buf[n] = '\0';
		snprintf(want, sizeof(want), "round %d", i);
		latency[i - 1] = woke - last;
		/* Give the CPU back for a while: a spinner that was only preempted goes on counting. */
		sleep_ms(20);
		uint64_t later = spin_count;

		printf("irq_preempt_test: round %d: woke %llu ns after the spinner last ran; spinner at %llu "
		       "when woken, %llu later, %s\n",
		       i, (unsigned long long)latency[i - 1], (unsigned long long)at_wake,
		       (unsigned long long)later, done_at_wake ? "finished" : "still spinning");
		CHECK(strcmp(buf, want) == 0);
		CHECK(!done_at_wake);    /* woken while the spinner still spun */
		CHECK(at_wake > before); /* the spinner ran between the wait and the datagram */
		CHECK(later > at_wake);  /* and went on afterwards: preempted, not finished */
		CHECK(latency[i - 1] < LATENCY_LIMIT_NS);
	}
	/* From here: main, the spinner's equal, would wait for the spinner's long slice. */
	spin_stop = 1;
	return NULL;
}

static int compare(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
	struct timeval timeout = {.tv_sec = 60};

	if (argc != 3 || (rounds = atoi(argv[2])) < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: irq_preempt_test PORT ROUNDS (1-%d)\n", MAX_ROUNDS);
		return 2;
	}
	addr.sin_port = htons((uint16_t)atoi(argv[1]));
	sock = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(sock >= 0);
	CHECK(bind(sock, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	/* A lost datagram fails the round after a minute rather than hanging the test. */
	CHECK(setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)) == 0);

	struct thread *spinner = thread_create("spinner", PRIO_SPINNER, spin, NULL, 0);
	struct thread *receiver = thread_create("receiver", PRIO_RECEIVER, receive, NULL, 0);

	CHECK(spinner != NULL && receiver != NULL);
	if (!spinner || !receiver)
		return check_report();
	CHECK(thread_join(receiver, NULL) == 0);
	CHECK(thread_join(spinner, NULL) == 0);
	CHECK(!spin_budget_spent);

	uint64_t sorted[MAX_ROUNDS];

	memcpy(sorted, latency, sizeof(uint64_t) * (size_t)rounds);
	qsort(sorted, (size_t)rounds, sizeof(uint64_t), compare);
	printf("irq_preempt_test: wake-up latency over %d rounds: min %llu ns, median %llu ns, max %llu ns\n",
	       rounds, (unsigned long long)sorted[0], (unsigned long long)sorted[rounds / 2],
	       (unsigned long long)sorted[rounds - 1]);
	printf("irq_preempt_test: the spinner counted to %llu in %llu ms and lost the CPU %llu times for "
	       "over "
	       "%u us (longest %llu ns)\n",
	       (unsigned long long)spin_count, (unsigned long long)(spin_last_ns - spin_start_ns) / 1000000u,
	       (unsigned long long)spin_gaps, GAP_NS / 1000, (unsigned long long)spin_longest_gap);
	close(sock);
	return check_report();
}
