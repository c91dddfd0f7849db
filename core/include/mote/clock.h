/* SPDX-License-Identifier: MIT */
/* mote/clock.h: waiting for a point in monotonic time. */
#ifndef MOTE_CLOCK_H
#define MOTE_CLOCK_H

#include <stdint.h>

/* Return no earlier than monotonic time `deadline_ns`, with the CPU halted (not spinning)
 * until the one-shot timer fires. May block; not from interrupt context. With one thread of
 * execution this halts the machine; the scheduler will run other threads instead. */
void clock_sleep_until(uint64_t deadline_ns);

#endif
