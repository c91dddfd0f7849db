/* SPDX-License-Identifier: MIT */
/* waitq.c: FIFO queues of blocked threads, the one blocking primitive every other (join,
 * mutex, condition variable, semaphore) is built from. */
#include <errno.h>

#include <hal/cpu.h>
#include <mote/sched_impl.h>

void waitq_remove(struct waitq *wq, struct thread *t)
{
	struct thread *prev = NULL;

	for (struct thread *c = wq->head; c; prev = c, c = c->wait_next) {
		if (c != t)
			continue;
		if (prev)
			prev->wait_next = c->wait_next;
		else
			wq->head = c->wait_next;
		if (wq->tail == c)
			wq->tail = prev;
		break;
	}
	t->wait_next = NULL;
	t->waiting_on = NULL;
}

int waitq_wait(struct waitq *wq, const char *reason, uint64_t deadline_ns)
{
	struct thread *self = sched_current;

	waitq_push(wq, self);
	sched_block(self, reason, deadline_ns);
	return self->timed_out ? -ETIMEDOUT : 0;
}

int waitq_wake_locked(struct waitq *wq)
{
	struct thread *t = waitq_pop(wq);

	if (!t)
		return 0;
	sched_cancel_timer(t);
	sched_make_runnable(t);
	return 1;
}

int waitq_wake_one(struct waitq *wq)
{
	hal_irq_state_t s = hal_irq_save();
	int n = waitq_wake_locked(wq);

	sched_maybe_preempt();
	hal_irq_restore(s);
	return n;
}

int waitq_wake_all(struct waitq *wq)
{
	hal_irq_state_t s = hal_irq_save();
	int n = 0;

	for (struct thread *t; (t = waitq_pop(wq));) {
		sched_cancel_timer(t);
		sched_make_runnable(t);
		n++;
	}
	sched_maybe_preempt();
	hal_irq_restore(s);
	return n;
}
