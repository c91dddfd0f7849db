/* SPDX-License-Identifier: MIT */
/* mote/sync.h: mutexes, condition variables, semaphores and once-only initialization for
 * threads, built on wait queues. libc's pthread_mutex_*, pthread_cond_*, sem_* and
 * pthread_once map onto them. None may be used from interrupt context except sem_post. */
#ifndef MOTE_SYNC_H
#define MOTE_SYNC_H

#include <stdbool.h>
#include <stdint.h>

#include <mote/thread.h>

#define SYNC_FOREVER UINT64_MAX /* a deadline that never comes */

struct mutex {
	uintptr_t word; /* the owner's address and a slow bit (core/private/mote/mutex_word.h) */
	unsigned depth; /* extra locks by the owner of a recursive mutex */
	bool recursive;
	struct waitq waiters;
};

#define MUTEX_INIT \
	{          \
		0  \
	}

void mutex_init(struct mutex *m, bool recursive);
/* Lock, waiting until monotonic time deadline_ns at most. 0, -ETIMEDOUT, or -EDEADLK when the
 * caller already holds a non-recursive m. */
int mutex_lock(struct mutex *m, uint64_t deadline_ns);
/* 0 or -EBUSY, never waits. */
int mutex_trylock(struct mutex *m);
/* 0, or -EPERM when the caller does not hold m. */
int mutex_unlock(struct mutex *m);
/* 0, or -EBUSY while m is held. */
int mutex_destroy(struct mutex *m);
/* The thread holding m, or NULL. */
struct thread *mutex_owner(const struct mutex *m);

struct cond {
	struct waitq waiters;
};

/* Release m (which the caller holds), wait for a signal or deadline_ns, and hold m again
 * before returning: 0, -ETIMEDOUT, or -EPERM if the caller did not hold m. Spurious wakeups are
 * allowed, as in POSIX: callers re-check their condition. */
int cond_wait(struct cond *c, struct mutex *m, uint64_t deadline_ns);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

struct semaphore {
	unsigned value;
	struct waitq waiters;
};

void sem_init_value(struct semaphore *s, unsigned value);
/* Take one unit, waiting until deadline_ns at most: 0 or -ETIMEDOUT. */
int semaphore_wait(struct semaphore *s, uint64_t deadline_ns);
/* 0 or -EAGAIN when the value is 0. */
int semaphore_trywait(struct semaphore *s);
/* 0, or -EOVERFLOW at UINT32_MAX. May be called from interrupt context. */
int semaphore_post(struct semaphore *s);

struct once {
	int state; /* 0: not run, 1: running, 2: done */
	struct waitq waiters;
};

#define ONCE_INIT \
	{         \
		0 \
	}

/* Run fn exactly once across all callers of the same o; the others wait until it has run. */
void once_run(struct once *o, void (*fn)(void));

#endif
