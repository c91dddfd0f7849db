/* SPDX-License-Identifier: MIT */
/* libc_pthread.c: POSIX threads, semaphores and clock_nanosleep on core's threads and sync
 * objects (mote/thread.h, mote/sync.h). The pthread types (libc/include/sys/_pthreadtypes.h)
 * are opaque storage for the core objects; all-zero storage is an unlocked default mutex,
 * an idle condition variable and a not-yet-run once. Errors are returned, as POSIX says. */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hal/time.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "libc_threads.h"
#include "libc_unsupported.h"

#define PTHREAD_STACK_MINIMUM 16384
#define KEYS_MAX              64
#define DESTRUCTOR_ROUNDS     4

struct pmutex {
	struct mutex m;
};

struct pcond {
	struct cond c;
	int monotonic; /* pthread_condattr_setclock(CLOCK_MONOTONIC); 0 (the default) is REALTIME */
};

_Static_assert(sizeof(struct pmutex) <= sizeof(pthread_mutex_t), "pthread_mutex_t too small");
_Static_assert(sizeof(struct pcond) <= sizeof(pthread_cond_t), "pthread_cond_t too small");
_Static_assert(sizeof(struct once) <= sizeof(pthread_once_t), "pthread_once_t too small");
_Static_assert(sizeof(struct semaphore) <= sizeof(sem_t), "sem_t too small");

/* An absolute time on `clock` as a monotonic deadline. Past times give "now". */
static int deadline_of(const struct timespec *abs, int monotonic, uint64_t *deadline)
{
	if (!abs || abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)
		return EINVAL;
	uint64_t t = abs->tv_sec < 0 ? 0 : (uint64_t)abs->tv_sec * 1000000000u + (uint64_t)abs->tv_nsec;

	if (monotonic) {
		*deadline = t;
	} else {
		/* Wall time first: the monotonic reading after it is no earlier, so the deadline
		 * is never early by the time between the two reads. */
		uint64_t real = hal_clock_wall_ns(), now = hal_clock_monotonic_ns();

		*deadline = t <= real ? now : now + (t - real);
	}
	return 0;
}

/* Threads */

int pthread_attr_init(pthread_attr_t *a)
{
	*a = (pthread_attr_t){.is_initialized = 1, .stacksize = 0, .detachstate = PTHREAD_CREATE_JOINABLE};
	return 0;
}

int pthread_attr_destroy(pthread_attr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
	if (size < PTHREAD_STACK_MINIMUM)
		return EINVAL;
	a->stacksize = size;
	return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size)
{
	*size = a->stacksize ? a->stacksize : THREAD_STACK_DEFAULT;
	return 0;
}

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
	if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED)
		return EINVAL;
	a->detachstate = state;
	return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state)
{
	*state = a->detachstate;
	return 0;
}

int pthread_create(pthread_t *tid, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	size_t stack = attr && attr->is_initialized ? attr->stacksize : 0;
	struct thread *t = thread_create("pthread", THREAD_PRIO_DEFAULT, fn, arg, stack);

	if (!t)
		return EAGAIN;
	*tid = (pthread_t)t;
	if (attr && attr->is_initialized && attr->detachstate == PTHREAD_CREATE_DETACHED)
		thread_detach(t);
	return 0;
}

int pthread_join(pthread_t tid, void **result) { return -thread_join((struct thread *)tid, result); }
int pthread_detach(pthread_t tid) { return -thread_detach((struct thread *)tid); }
pthread_t pthread_self(void) { return (pthread_t)thread_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

void pthread_exit(void *result)
{
	/* POSIX: the program goes on until its last thread ends, then exits with status 0. The
	 * main thread runs on the boot stack and owns the global newlib state, so it stays and
	 * waits for that moment instead of ending. */
	if (thread_self() == libc_main_thread()) {
		libc_pthread_thread_exit();
		thread_wait_alone();
		exit(0);
	}
	thread_exit(result);
}

int sched_yield(void)
{
	thread_yield();
	return 0;
}

/* Mutexes */

int pthread_mutexattr_init(pthread_mutexattr_t *a)
{
	*a = (pthread_mutexattr_t){.is_initialized = 1, .type = PTHREAD_MUTEX_DEFAULT};
	return 0;
}

int pthread_mutexattr_destroy(pthread_mutexattr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
	if (type < PTHREAD_MUTEX_NORMAL || type > PTHREAD_MUTEX_DEFAULT)
		return EINVAL;
	a->type = type;
	return 0;
}

int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type)
{
	*type = a->type;
	return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
	memset(m, 0, sizeof(*m));
	/* Every kind reports misuse (EDEADLK, EPERM): "normal" and "default" may, and do. */
	mutex_init(&((struct pmutex *)m)->m, a && a->is_initialized && a->type == PTHREAD_MUTEX_RECURSIVE);
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return -mutex_destroy(&((struct pmutex *)m)->m); }
int pthread_mutex_lock(pthread_mutex_t *m) { return -mutex_lock(&((struct pmutex *)m)->m, SYNC_FOREVER); }
int pthread_mutex_trylock(pthread_mutex_t *m) { return -mutex_trylock(&((struct pmutex *)m)->m); }
int pthread_mutex_unlock(pthread_mutex_t *m) { return -mutex_unlock(&((struct pmutex *)m)->m); }

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abstime)
{
	uint64_t deadline;
	int err = deadline_of(abstime, 0, &deadline);

	return err ? err : -mutex_lock(&((struct pmutex *)m)->m, deadline);
}

/* Condition variables */

int pthread_condattr_init(pthread_condattr_t *a)
{
	*a = (pthread_condattr_t){.is_initialized = 1, .clock = CLOCK_REALTIME};
	return 0;
}

int pthread_condattr_destroy(pthread_condattr_t *a)
{
	a->is_initialized = 0;
	return 0;
}

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t clock)
{
	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	a->clock = (unsigned long)clock;
	return 0;
}

int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *clock)
{
	*clock = (clockid_t)a->clock;
	return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
	memset(c, 0, sizeof(*c));
	((struct pcond *)c)->monotonic = a && a->is_initialized && a->clock == (unsigned long)CLOCK_MONOTONIC;
	return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { return ((struct pcond *)c)->c.waiters.head ? EBUSY : 0; }

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	return -cond_wait(&((struct pcond *)c)->c, &((struct pmutex *)m)->m, SYNC_FOREVER);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime)
{
	uint64_t deadline;
	int err = deadline_of(abstime, ((struct pcond *)c)->monotonic, &deadline);

	return err ? err : -cond_wait(&((struct pcond *)c)->c, &((struct pmutex *)m)->m, deadline);
}

int pthread_cond_signal(pthread_cond_t *c)
{
	cond_signal(&((struct pcond *)c)->c);
	return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
	cond_broadcast(&((struct pcond *)c)->c);
	return 0;
}

/* Once and thread-specific data */

int pthread_once(pthread_once_t *o, void (*fn)(void))
{
	once_run((struct once *)o, fn);
	return 0;
}

static struct {
	int used;
	void (*destructor)(void *);
} keys[KEYS_MAX];
/* A thread's values, allocated on its first pthread_setspecific(): most threads never use
 * keys, and a thread's TLS block is zeroed at every create. */
static __thread void **key_values;

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
	int err = EAGAIN;

	sched_preempt_disable();
	for (unsigned k = 0; k < KEYS_MAX; k++) {
		if (!keys[k].used) {
			keys[k].used = 1;
			keys[k].destructor = destructor;
			*key = k;
			err = 0;
			break;
		}
	}
	sched_preempt_enable();
	return err;
}

int pthread_key_delete(pthread_key_t key)
{
	if (key >= KEYS_MAX || !keys[key].used)
		return EINVAL;
	keys[key].used = 0;
	return 0;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
	if (key >= KEYS_MAX || !keys[key].used)
		return EINVAL;
	if (!key_values) {
		key_values = calloc(KEYS_MAX, sizeof(void *));
		if (!key_values)
			return ENOMEM;
	}
	key_values[key] = (void *)value;
	return 0;
}

void *pthread_getspecific(pthread_key_t key) { return key < KEYS_MAX && key_values ? key_values[key] : NULL; }

/* At thread exit: destructors of non-NULL values, repeated while they set new ones. */
void libc_pthread_thread_exit(void)
{
	if (!key_values)
		return;
	for (int round = 0; round < DESTRUCTOR_ROUNDS; round++) {
		int called = 0;

		for (unsigned k = 0; k < KEYS_MAX; k++) {
			void *v = key_values[k];

			if (v && keys[k].used && keys[k].destructor) {
				key_values[k] = NULL;
				keys[k].destructor(v);
				called = 1;
			}
		}
		if (!called)
			break;
	}
	free(key_values);
	key_values = NULL;
}

/* Semaphores */

int sem_init(sem_t *s, int pshared, unsigned value)
{
	(void)pshared; /* one process: shared or not is the same */
	if (value > SEM_VALUE_MAX) {
		errno = EINVAL;
		return -1;
	}
	sem_init_value((struct semaphore *)s, value);
	return 0;
}

int sem_destroy(sem_t *s)
{
	if (((struct semaphore *)s)->waiters.head) {
		errno = EBUSY;
		return -1;
	}
	return 0;
}

static int sem_result(int err)
{
	if (!err)
		return 0;
	errno = -err;
	return -1;
}

int sem_wait(sem_t *s) { return sem_result(semaphore_wait((struct semaphore *)s, SYNC_FOREVER)); }
int sem_trywait(sem_t *s) { return sem_result(semaphore_trywait((struct semaphore *)s)); }
int sem_post(sem_t *s) { return sem_result(semaphore_post((struct semaphore *)s)); }

int sem_timedwait(sem_t *s, const struct timespec *abstime)
{
	uint64_t deadline;
	int err = deadline_of(abstime, 0, &deadline);

	if (err) {
		errno = err;
		return -1;
	}
	return sem_result(semaphore_wait((struct semaphore *)s, deadline));
}

int sem_getvalue(sem_t *s, int *value)
{
	*value = (int)((struct semaphore *)s)->value;
	return 0;
}

/* clock_nanosleep: returns the error instead of setting errno. */
int clock_nanosleep(clockid_t clock, int flags, const struct timespec *req, struct timespec *rem)
{
	uint64_t deadline;

	if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
		return EINVAL;
	if (!(flags & TIMER_ABSTIME))
		return nanosleep(req, rem) == 0 ? 0 : errno;
	int err = deadline_of(req, clock == CLOCK_MONOTONIC, &deadline);

	if (err)
		return err;
	thread_sleep_until(deadline);
	return 0;
}

/* There is no fork(): handlers registered for it can never run, and registering them is all
 * pthread_atfork() promises. */
int pthread_atfork(void (*prepare)(void), void (*parent)(void), void (*child)(void)) { return 0; }

/* The calling thread's cancelability, which it may set and read back; as no cancellation is
 * ever delivered (pthread_cancel below), it changes nothing else. */
static __thread unsigned char cancel_disabled, cancel_async;

int pthread_setcancelstate(int state, int *old)
{
	if (state != PTHREAD_CANCEL_ENABLE && state != PTHREAD_CANCEL_DISABLE)
		return EINVAL;
	if (old != NULL)
		*old = cancel_disabled ? PTHREAD_CANCEL_DISABLE : PTHREAD_CANCEL_ENABLE;
	cancel_disabled = state == PTHREAD_CANCEL_DISABLE;
	return 0;
}

int pthread_setcanceltype(int type, int *old)
{
	if (type != PTHREAD_CANCEL_DEFERRED && type != PTHREAD_CANCEL_ASYNCHRONOUS)
		return EINVAL;
	if (old != NULL)
		*old = cancel_async ? PTHREAD_CANCEL_ASYNCHRONOUS : PTHREAD_CANCEL_DEFERRED;
	cancel_async = type == PTHREAD_CANCEL_ASYNCHRONOUS;
	return 0;
}

/* Cancellation would need cancellation points in every blocking call; not provided. */
int pthread_cancel(pthread_t thread)
{
	static int logged;

	if (!logged) {
		logged = 1;
		libc_unsupported_log("pthread_cancel");
	}
	return ENOSYS;
}
