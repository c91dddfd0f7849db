/* SPDX-License-Identifier: MIT */
/* libc_locks.c: newlib's retargetable locks (malloc, stdio streams, atexit, environment ...) as
 * core mutexes, so a thread that sleeps while holding one (a FILE lock over a disk read, or
 * getchar() waiting for input) blocks only the threads that want the same lock. newlib's lock.o
 * defines all of these or none, so all are here; and flockfile() and its kin on them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/lock.h>

#include <mote/sync.h>
#include <mote/thread.h>

struct __lock {
	struct mutex m;
	bool allocated; /* by __retarget_lock_init*: freed at close; the named ones are static */
};

/* The named locks; the _recursive ones are taken again by the thread holding them. */
#define NAMED_LOCK(name, rec) struct __lock name = {.m = {.recursive = rec}}
NAMED_LOCK(__lock___sinit_recursive_mutex, true);
NAMED_LOCK(__lock___sfp_recursive_mutex, true);
NAMED_LOCK(__lock___atexit_recursive_mutex, true);
NAMED_LOCK(__lock___at_quick_exit_mutex, false);
NAMED_LOCK(__lock___malloc_recursive_mutex, true);
NAMED_LOCK(__lock___env_recursive_mutex, true);
NAMED_LOCK(__lock___tz_mutex, false);
NAMED_LOCK(__lock___dd_hash_mutex, false);
NAMED_LOCK(__lock___arc4random_mutex, false);

/* What a lock whose allocation failed shares with every other such lock: still a lock, only a
 * coarser one. */
static NAMED_LOCK(fallback_lock, true);

/* Before the scheduler runs there is one thread and nothing to wait for: locks do nothing.
 * Interrupt handlers never call into newlib (hal/irq.h), so thread_self() tells the two apart. */
static bool scheduling(void) { return thread_self() != NULL; }

/* A lock of its own for each stream (newlib makes one per FILE) and each other dynamic user. */
static void lock_new(_LOCK_T *lock, bool recursive)
{
	struct __lock *l = malloc(sizeof(*l));

	if (l == NULL) {
		*lock = &fallback_lock;
		return;
	}
	mutex_init(&l->m, recursive);
	l->allocated = true;
	*lock = l;
}

void __retarget_lock_init(_LOCK_T *lock) { lock_new(lock, false); }
void __retarget_lock_init_recursive(_LOCK_T *lock) { lock_new(lock, true); }

void __retarget_lock_close(_LOCK_T lock)
{
	if (lock != NULL && lock->allocated)
		free(lock);
}

void __retarget_lock_close_recursive(_LOCK_T lock) { __retarget_lock_close(lock); }

void __retarget_lock_acquire(_LOCK_T lock)
{
	if (scheduling())
		mutex_lock(&lock->m, SYNC_FOREVER);
}

void __retarget_lock_acquire_recursive(_LOCK_T lock) { __retarget_lock_acquire(lock); }

/* A lock taken before the scheduler started (never, in practice) is not held by anyone, and
 * mutex_unlock() refuses it harmlessly. */
void __retarget_lock_release(_LOCK_T lock)
{
	if (scheduling())
		mutex_unlock(&lock->m);
}

void __retarget_lock_release_recursive(_LOCK_T lock) { __retarget_lock_release(lock); }

/* 0 when taken, as pthread_mutex_trylock and the other ports of these locks say; EBUSY not. */
int __retarget_lock_try_acquire(_LOCK_T lock)
{
	return !scheduling() || mutex_trylock(&lock->m) == 0 ? 0 : EBUSY;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock) { return __retarget_lock_try_acquire(lock); }

/* newlib's malloc lock, which libc_malloc.c takes around every call into the allocator, is a
 * preemption-off section rather than the mutex above: on one CPU that excludes every other
 * thread, and costs a counter increment instead of a mutex's cmpxchg pair and its _REENT
 * lookups. It is safe because nothing under malloc blocks or sleeps: malloc calls only _sbrk_r,
 * whose mm_heap_sbrk() maps pages from the page allocator with interrupts off (mm_lock) and
 * never waits, not even for the stack-cache reclaimer. These definitions replace newlib's
 * mlock.o (the kernel is linked whole-archive before libc.a), so
 * __lock___malloc_recursive_mutex above is no longer taken. The rule is in docs/architecture.md
 * ("malloc's lock") and docs/libc.md. */
void __malloc_lock(struct _reent *r)
{
	(void)r;
	sched_preempt_disable();
}

void __malloc_unlock(struct _reent *r)
{
	(void)r;
	sched_preempt_enable();
}

/* POSIX's explicit stream locks, which newlib declares but builds only for Linux: the stream's
 * own lock, as every stdio call on it takes. Strings (sprintf's) have no lock. */
void __sinit(struct _reent *r); /* newlib's lazy set-up of a thread's stdio (stdio/local.h) */

static _LOCK_T stream_lock(FILE *fp)
{
	if (!_REENT->__sdidinit)
		__sinit(_REENT); /* stdin, stdout and stderr get their locks on first use */
	return (fp->_flags & __SSTR) ? NULL : fp->_lock;
}

void flockfile(FILE *fp)
{
	_LOCK_T lock = stream_lock(fp);

	if (lock != NULL)
		__retarget_lock_acquire_recursive(lock);
}

int ftrylockfile(FILE *fp)
{
	_LOCK_T lock = stream_lock(fp);

	return lock != NULL ? __retarget_lock_try_acquire_recursive(lock) : 0;
}

void funlockfile(FILE *fp)
{
	_LOCK_T lock = stream_lock(fp);

	if (lock != NULL)
		__retarget_lock_release_recursive(lock);
}
