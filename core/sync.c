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
 * only by one lock cmpxchg, with interrupts on; everything else about a mutex (the slow bit, the
 * queue, the depth of a recursive hold, the handover) changes only with interrupts off. On one
 * CPU nothing runs inside either, so each is atomic against the other and against preemption.
 * Interrupt handlers never take a mutex; they may wake a thread that then does, which is just
 * another thread.
 *
 * The contended paths are written for few instructions (bench-core's mutex handoff): they work
 * on the wait queue with waitq_push()/waitq_pop() inline rather than through waitq_wait() and
 * waitq_wake_locked(), and the rare ends of a wait are out of line, so that the usual one keeps
 * fewer registers. */

/* A contended lock that did not end with the handover: the deadline passed, or (should a
 * thread ever be woken from a mutex's queue by anything else) woken without the mutex. Loops
 * until it holds m or has timed out. Interrupts are off. */
static __attribute__((noinline)) int mutex_wait_again(struct mutex *m, uint64_t deadline_ns)
{
	struct thread *self = sched_current;

	if (self->waiting_on) /* woken but still queued: off the queue before anything else */
		waitq_remove(self->waiting_on, self);
	for (;;) {
		uintptr_t word = m->word;

		if (word == 0) {
			/* Free: only when nobody waits (a release hands it to the first waiter). */
			m->word = (uintptr_t)self;
			return 0;
		}
		if (mutex_word_owner(word) == (uintptr_t)self)
			return 0; /* handed over as the deadline passed: it is ours */
		if (self->timed_out) {
			/* Off the queue (the timer took it off): the last waiter unmarks the word,
			 * unless the owner's recursion still needs the slow bit. */
			if (!m->waiters.head)
				m->word = mutex_word_make(mutex_word_owner(word), m->depth != 0);
			return -ETIMEDOUT;
		}
		m->word = word | MUTEX_WORD_SLOW;
		waitq_push(&m->waiters, self);
		sched_block(self, "mutex", deadline_ns);
	}
}

static __attribute__((noinline)) int mutex_lock_slow(struct mutex *m, uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();
	struct thread *self = sched_current;
	uintptr_t word = m->word;
	int err = 0;

	if (word == 0) {
		/* Released between the fast path's attempt and here. */
		m->word = (uintptr_t)self;
	} else if (mutex_word_owner(word) != (uintptr_t)self) {
		/* Contended: mark the word so that the owner's unlock takes the slow path, and wait
		 * in line. The unlocker hands the mutex to the first waiter (mutex_release), so a
		 * thread that keeps releasing and retaking it cannot starve the others, as it could
		 * when a woken waiter had to race for it and lost its place. */
		m->word = word | MUTEX_WORD_SLOW;
		waitq_push(&m->waiters, self);
		sched_block(self, "mutex", deadline_ns);
		/* sched_current is self again; read rather than kept, which would cost a register. */
		if (mutex_word_owner(m->word) == (uintptr_t)sched_current) {
			hal_irq_restore(s); /* the usual end: the unlocker handed it over */
			return 0;
		}
		err = mutex_wait_again(m, deadline_ns);
	} else if (m->recursive) {
		m->depth++;
		m->word = word | MUTEX_WORD_SLOW; /* so that the owner's unlocks count down */
	} else {
		err = -EDEADLK;
	}
	hal_irq_restore(s);
	return err;
}

int mutex_lock(struct mutex *m, uint64_t deadline_ns)
{
	if (mutex_word_try_lock(&m->word, (uintptr_t)sched_current))
		return 0;
	return mutex_lock_slow(m, deadline_ns);
}

/* A recursive hold changes the depth and the slow bit, hence interrupts off; a first hold is
 * the fast path's cmpxchg. */
int mutex_trylock(struct mutex *m)
{
	hal_irq_state_t s;
	int err = -EBUSY;

	if (mutex_word_try_lock(&m->word, (uintptr_t)sched_current))
		return 0;
	if (!m->recursive)
		return -EBUSY;
	s = hal_irq_save();
	if (mutex_word_owner(m->word) == (uintptr_t)sched_current) {
		m->depth++;
		m->word |= MUTEX_WORD_SLOW;
		err = 0;
	}
	hal_irq_restore(s);
	return err;
}

/* Hand m (held by the caller, its depth 0) to its first waiter and make that thread runnable,
 * without switching yet; with no waiter, m is free. The waiter leaves the queue and its timer
 * is cancelled in the same interrupts-off section, so it cannot also time out. */
static inline __attribute__((always_inline)) void mutex_release(struct mutex *m)
{
	struct thread *next = m->waiters.head;
	bool more = next && next->wait_next;

	if (next)
		waitq_pop(&m->waiters);
	__atomic_store_n(&m->word, mutex_word_make((uintptr_t)next, more), __ATOMIC_RELEASE);
	if (next) {
		sched_cancel_timer(next);
		sched_make_runnable(next);
	}
}

/* Out of line, so that the fast path in mutex_unlock() needs no stack frame. */
static __attribute__((noinline)) int mutex_unlock_slow(struct mutex *m)
{
	hal_irq_state_t s = hal_irq_save();
	uintptr_t self = (uintptr_t)sched_current;

	if (mutex_word_owner(m->word) != self) {
		hal_irq_restore(s);
		return -EPERM;
	}
	if (m->depth) {
		m->depth--;
		m->word = mutex_word_make(self, m->depth || m->waiters.head);
	} else {
		mutex_release(m);
		sched_maybe_preempt();
	}
	hal_irq_restore(s);
	return 0;
}

/* The word alone decides: a non-owner's or a recursive hold's cmpxchg fails into the slow path,
 * which answers EPERM or counts the hold down. */
int mutex_unlock(struct mutex *m)
{
	if (mutex_word_try_unlock(&m->word, (uintptr_t)sched_current))
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
	m->depth = 0;
	mutex_release(m);
	err = waitq_wait(&c->waiters, "condition variable", deadline_ns);
	hal_irq_restore(s);
	mutex_lock(m, SYNC_FOREVER);
	if (depth) {
		/* Held recursively again: the bit sends the owner's unlocks to the slow path. */
		s = hal_irq_save();
		m->depth = depth;
		m->word |= MUTEX_WORD_SLOW;
		hal_irq_restore(s);
	}
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
