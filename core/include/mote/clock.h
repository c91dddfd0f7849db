/* SPDX-License-Identifier: MIT */
/* mote/clock.h: waiting for a point in monotonic time. */
#ifndef MOTE_CLOCK_H
#define MOTE_CLOCK_H

#include <stdint.h>

/* Return no earlier than monotonic time `deadline_ns`; the calling thread blocks meanwhile
 * (other threads run, or the CPU halts). Not from interrupt context. */
void clock_sleep_until(uint64_t deadline_ns);

#endif
