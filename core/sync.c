/* SPDX-License-Identifier: MIT */
/* sync.c: mutexes, condition variables, semaphores and once, each a small state machine over a
 * wait queue, with interrupts disabled around the check-then-block (one CPU: that is atomic). */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/sched_impl.h>
#include <mote/sync.h>

void mutex_init(struct mutex *m, bool recursive)
{
	memset(m, 0, sizeof(*m));
	m->recursive = recursive;
}

int mutex_lock(struct mutex *m, uint64_t deadline_ns)
{
	struct thread *self = sched_current;
	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	if (m->owner == self) {
		if (m->recursive)
			m->depth++;
		else
			err = -EDEADLK;
		hal_irq_restore(s);
		return err;
	}
	if (!m->owner) {
		m->owner = self;
		hal_irq_restore(s);
		return 0;
	}
	/* Contended: wait in line. The unlocker hands the mutex to the first waiter
	 * (mutex_release), so a thread that keeps releasing and retaking it cannot starve the
	 * others, as it could when a woken waiter had to race for it and lost its place. */
	while (m->owner != self && err == 0)
		err = waitq_wait(&m->waiters, "mutex", deadline_ns);
	if (m->owner == self)
		err = 0; /* handed over as the deadline passed: it is ours */
	hal_irq_restore(s);
	return err;
}

int mutex_trylock(struct mutex *m)
{
	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	if (!m->owner)
		m->owner = sched_current;
	else if (m->owner == sched_current && m->recursive)
		m->depth++;
	else
		err = -EBUSY;
	hal_irq_restore(s);
	return err;
}

/* Hand m (held by the caller) to its first waiter and make that thread runnable, without
 * switching yet; with no waiter, m is free. The waiter leaves the queue and its timer is
 * cancelled in the same interrupts-off section, so it cannot also time out. */
static void mutex_release(struct mutex *m)
{
	m->owner = m->waiters.head;
	m->depth = 0;
	waitq_wake_locked(&m->waiters);
}

int mutex_unlock(struct mutex *m)
{
	hal_irq_state_t s = hal_irq_save();

	if (m->owner != sched_current) {
		hal_irq_restore(s);
		return -EPERM;
	}
	if (m->depth)
		m->depth--;
	else
		mutex_release(m);
	sched_maybe_preempt();
	hal_irq_restore(s);
	return 0;
}

int mutex_destroy(struct mutex *m) { return m->owner ? -EBUSY : 0; }

int cond_wait(struct cond *c, struct mutex *m, uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	unsigned depth = m->depth;
	int err;

	if (m->owner != sched_current) {
		hal_irq_restore(s);
		return -EPERM;
	}
	/* Releasing the mutex and joining the wait queue happen with interrupts off and no
	 * switch in between, so a signal sent after the release finds us queued. */
	mutex_release(m);
	err = waitq_wait(&c->waiters, "condition variable", deadline_ns);
	hal_irq_restore(s);
	mutex_lock(m, SYNC_FOREVER);
	m->depth = depth;
	return err;
}

void cond_signal(struct cond *c) { waitq_wake_one(&c->waiters); }
void cond_broadcast(struct cond *c) { waitq_wake_all(&c->waiters); }

void sem_init_value(struct semaphore *s, unsigned value)
{
	memset(s, 0, sizeof(*s));
	s->value = value;
}

int semaphore_wait(struct semaphore *sem, uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	while (sem->value == 0 && err == 0)
		err = waitq_wait(&sem->waiters, "semaphore", deadline_ns);
	if (sem->value) {
		sem->value--;
		err = 0;
	}
	hal_irq_restore(s);
	return err;
}

int semaphore_trywait(struct semaphore *sem)
{
	hal_irq_state_t s = hal_irq_save();
	int err = sem->value ? 0 : -EAGAIN;

	if (!err)
		sem->value--;
	hal_irq_restore(s);
	return err;
}

int semaphore_post(struct semaphore *sem)
{
	hal_irq_state_t s = hal_irq_save();

	if (sem->value == UINT32_MAX) {
		hal_irq_restore(s);
		return -EOVERFLOW;
	}
	sem->value++;
	waitq_wake_locked(&sem->waiters);
	sched_maybe_preempt();
	hal_irq_restore(s);
	return 0;
}

void once_run(struct once *o, void (*fn)(void))
{
	hal_irq_state_t s = hal_irq_save();

	if (o->state == 0) {
		o->state = 1;
		hal_irq_restore(s);
		fn();
		s = hal_irq_save();
		o->state = 2;
		waitq_wake_all(&o->waiters);
	}
	while (o->state != 2)
		waitq_wait(&o->waiters, "once", SYNC_FOREVER);
	hal_irq_restore(s);
}
