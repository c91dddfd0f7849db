/* SPDX-License-Identifier: MIT */
/* mote/timer.h: core timers, one-shot and periodic, on the monotonic clock. All of them share
 * one deadline heap (mote/timerq.h) and the platform's one-shot timer, which is programmed for
 * the earliest only (tickless). Thread sleeps and timed waits are core timers too. */
#ifndef MOTE_TIMER_H
#define MOTE_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include <mote/timerq.h>

struct timer {
	struct timerq_entry entry; /* the queue's; deadline is the next expiry */
	uint64_t period_ns;        /* 0: one-shot */
	void (*fn)(void *arg);
	void *arg;
};

/* Set up an inactive timer that calls fn(arg) when it expires. fn runs in interrupt context
 * with interrupts disabled: it must be short and must not block; it may wake threads, start
 * or stop timers (its own included) and post semaphores. */
void timer_init(struct timer *t, void (*fn)(void *arg), void *arg);

/* Arm t to expire at monotonic time `deadline_ns` (a past deadline expires at once), then
 * every `period_ns` after that when period_ns is not 0. A periodic timer that falls behind
 * fires once per missed period, so counts stay exact. Returns 0, -EINVAL if t is already
 * active or deadline + period overflows, or -ENOMEM when the queue cannot grow (only from
 * interrupt context, where it cannot allocate, and when memory is exhausted). Any context. */
int timer_start(struct timer *t, uint64_t deadline_ns, uint64_t period_ns);

/* Disarm t. Returns 0, or -ENOENT if it was not active (it already expired, one-shot, or was
 * never started); the callback never runs after this returns, unless it is running now on
 * the interrupted stack below the caller. Any context. */
int timer_stop(struct timer *t);

/* Whether t is armed. */
static inline bool timer_active(const struct timer *t) { return timerq_entry_queued(&t->entry); }

#endif
