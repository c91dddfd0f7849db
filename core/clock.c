/* SPDX-License-Identifier: MIT */
/* clock.c: waiting for a point in monotonic time: the calling thread blocks and the CPU runs
 * others, or halts when there are none, until the one-shot timer says the time has come. */
#include <mote/clock.h>
#include <mote/thread.h>

void clock_sleep_until(uint64_t deadline_ns) { thread_sleep_until(deadline_ns); }
