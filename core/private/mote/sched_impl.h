/* SPDX-License-Identifier: MIT */
/* mote/sched_impl.h: what the scheduler's own files (sched.c, thread.c, waitq.c, timer.c) share. Not
 * for other users: they use mote/thread.h. All of it runs with interrupts disabled. */
#ifndef MOTE_SCHED_IMPL_H
#define MOTE_SCHED_IMPL_H

#include <mote/thread.h>

extern struct thread *sched_current;

/* Put t at the tail of its priority level, and ask for a switch if it beats the runner. */
void sched_make_runnable(struct thread *t);

/* Run the most urgent runnable thread (or idle); the caller has queued or parked the current
 * one. Returns when the current thread runs again. */
void sched_switch(void);

/* Switch now if a more urgent thread (or an expired slice) asks for it and preemption is on. */
void sched_maybe_preempt(void);

/* Park t (the current thread) as blocked for `reason` until woken or until deadline_ns
 * (UINT64_MAX: no deadline; t->timed_out tells which). */
void sched_block(struct thread *t, const char *reason, uint64_t deadline_ns);
void sched_cancel_timer(struct thread *t);

/* Free the stacks of detached threads that have exited; called after every switch. */
void sched_reap(void);

void sched_link_thread(struct thread *t);
/* The running thread's stack bounds and name (for fault diagnostics); 0 and NULL before
 * sched_init(). */
void sched_current_stack(uintptr_t *lo, uintptr_t *hi, const char **name);
void sched_unlink_thread(struct thread *t);
/* The live thread whose block of pages (guard, stack, top) holds va, or NULL. For reports. */
struct thread *sched_thread_of_stack(uintptr_t va);

/* The timer queue changed (core/timer.c): re-arm the one-shot timer for its new earliest. */
void sched_timers_changed(void);

/* Whether the caller runs inside an interrupt handler (between core_irq_enter and exit). */
bool sched_in_interrupt(void);

/* The shared timer queue (core/timer.c), for the scheduler: the earliest deadline
 * (UINT64_MAX: none), how many timers are armed, and the expiry loop. Interrupts disabled. */
uint64_t timer_next_deadline(void);
size_t timer_count(void);
void timer_run_expired(uint64_t now);

/* Append t (the current thread, about to block) to wq. Only the queue's links: the caller
 * blocks it. Inline, like waitq_pop(), so that the mutex handover (core/sync.c) costs no call
 * for its queue step; waitq.c uses both too, so there is one queue discipline. */
static inline void waitq_push(struct waitq *wq, struct thread *t)
{
	t->wait_next = NULL;
	t->waiting_on = wq;
	if (wq->tail)
		wq->tail->wait_next = t;
	else
		wq->head = t;
	wq->tail = t;
}

/* Take wq's first thread off it and return it, or NULL when wq is empty. Only the queue's
 * links: the caller cancels its timer and makes it runnable (waitq_wake_locked()). */
static inline struct thread *waitq_pop(struct waitq *wq)
{
	struct thread *t = wq->head;

	if (t) {
		wq->head = t->wait_next;
		if (!wq->head)
			wq->tail = NULL;
		t->wait_next = NULL;
		t->waiting_on = NULL;
	}
	return t;
}

/* Take t off wq (a timed wait that expired). */
void waitq_remove(struct waitq *wq, struct thread *t);

/* Make wq's first waiter runnable without switching to it yet (the caller holds interrupts
 * off and finishes its own state change first). Returns how many it woke, 0 or 1. */
int waitq_wake_locked(struct waitq *wq);

#endif
