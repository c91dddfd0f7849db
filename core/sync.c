/* SPDX-License-Identifier: MIT */
/* sync.c: mutexes, condition variables, semaphores and once, each a small state machine over a
 * wait queue, with interrupts disabled around the check-then-block (one CPU: that is atomic).
 * An uncontended mutex is taken and released by one atomic instruction each (mutex_word.h). */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <mote/mutex_word.h>
#include <mote/sched_impl.h>
#include <mote/sync.h>

void mutex_init(struct mutex *m, bool recursive)
{
	memset(m, 0, sizeof(*m));
	m->recursive = recursive;
}

/* The lock rule (docs/architecture.md, "The mutex rule"): the fast paths change the lock word
 * only by one lock cmpxchg, with interrupts on; everything else about a mutex (the waiters
 * bit, the queue, the depth of another thread's hold, the handover) changes only with
 * interrupts off. On one CPU nothing runs inside either, so each is atomic against the
 * other and against preemption. Interrupt handlers never take a mutex; they may wake a thread
 * that then does, which is just another thread. */

static __attribute__((noinline)) int mutex_lock_slow(struct mutex *m, uint64_t deadline_ns)
{
	uintptr_t self = (uintptr_t)sched_current;
	hal_irq_state_t s = hal_irq_save();
	uintptr_t word = m->word;
	int err = 0;

	if (word == 0) {
		/* Released between the fast path's attempt and here. */
		m->word = self;
		hal_irq_restore(s);
		return 0;
	}
	if (mutex_word_owner(word) == self) {
		if (m->recursive)
			m->depth++;
		else
			err = -EDEADLK;
		hal_irq_restore(s);
		return err;
	}
	/* Contended: mark the word so that the owner's unlock takes the slow path, and wait in
	 * line. The unlocker hands the mutex to the first waiter (mutex_release), so a thread that
	 * keeps releasing and retaking it cannot starve the others, as it could when a woken waiter
	 * had to race for it and lost its place. */
	m->word = word | MUTEX_WORD_WAITERS;
	while (mutex_word_owner(m->word) != self && err == 0)
		err = waitq_wait(&m->waiters, "mutex", deadline_ns);
	if (mutex_word_owner(m->word) == self)
		err = 0; /* handed over as the deadline passed: it is ours */
	else if (!m->waiters.head)
		m->word = mutex_word_owner(m->word); /* timed out, the last waiter: unmark */
	hal_irq_restore(s);
	return err;
}

int mutex_lock(struct mutex *m, uint64_t deadline_ns)
{
	if (mutex_word_try_lock(&m->word, (uintptr_t)sched_current))
		return 0;
	return mutex_lock_slow(m, deadline_ns);
}

/* No interrupts-off section: when the word names the caller, only the caller can change which
 * thread it names, and the depth is the owner's alone. */
int mutex_trylock(struct mutex *m)
{
	uintptr_t self = (uintptr_t)sched_current;

	if (mutex_word_try_lock(&m->word, self))
		return 0;
	if (mutex_word_owner(__atomic_load_n(&m->word, __ATOMIC_RELAXED)) == self && m->recursive) {
		m->depth++;
		return 0;
	}
	return -EBUSY;
}

/* Hand m (held by the caller) to its first waiter and make that thread runnable, without
 * switching yet; with no waiter, m is free. The waiter leaves the queue and its timer is
 * cancelled in the same interrupts-off section, so it cannot also time out. */
static void mutex_release(struct mutex *m)
{
	struct thread *next = m->waiters.head;

	m->depth = 0;
	__atomic_store_n(&m->word, mutex_word_handoff((uintptr_t)next, next && next->wait_next),
	                 __ATOMIC_RELEASE);
	waitq_wake_locked(&m->waiters);
}

/* Out of line, so that the fast path in mutex_unlock() needs no stack frame. */
static __attribute__((noinline)) int mutex_unlock_slow(struct mutex *m)
{
	hal_irq_state_t s = hal_irq_save();

	if (mutex_word_owner(m->word) != (uintptr_t)sched_current) {
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

int mutex_unlock(struct mutex *m)
{
	/* A non-owner may read another's depth here: if it is 0, the cmpxchg still fails, since
	 * the word names the owner; either way the slow path answers EPERM. */
	if (m->depth == 0 && mutex_word_try_unlock(&m->word, (uintptr_t)sched_current))
		return 0;
	return mutex_unlock_slow(m);
}

int mutex_destroy(struct mutex *m) { return m->word ? -EBUSY : 0; }

struct thread *mutex_owner(const struct mutex *m)
{
	return (struct thread *)mutex_word_owner(__atomic_load_n(&m->word, __ATOMIC_RELAXED));
}

int cond_wait(struct cond *c, struct mutex *m, uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	unsigned depth = m->depth;
	int err;

	if (mutex_word_owner(m->word) != (uintptr_t)sched_current) {
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
