/* SPDX-License-Identifier: MIT */
/* libc_locks.c: newlib's retargetable locks (malloc, stdio, atexit, environment ...). Mote
 * runs on one CPU and newlib never blocks while holding one of these, so holding a lock means
 * not being preempted: acquiring disables preemption, releasing enables it again, and
 * recursion is the nesting of the two. newlib's lock.o defines all of them or none, so all
 * are here. */
#include <sys/lock.h>

#include <mote/thread.h>

struct __lock {
	int unused;
};

struct __lock __lock___sinit_recursive_mutex, __lock___sfp_recursive_mutex, __lock___atexit_recursive_mutex,
        __lock___at_quick_exit_mutex, __lock___malloc_recursive_mutex, __lock___env_recursive_mutex,
        __lock___tz_mutex, __lock___dd_hash_mutex, __lock___arc4random_mutex;

void __retarget_lock_init(_LOCK_T *lock) { *lock = &__lock___sinit_recursive_mutex; }
void __retarget_lock_init_recursive(_LOCK_T *lock) { *lock = &__lock___sinit_recursive_mutex; }
void __retarget_lock_close(_LOCK_T lock) { (void)lock; }
void __retarget_lock_close_recursive(_LOCK_T lock) { (void)lock; }
void __retarget_lock_acquire(_LOCK_T lock) { (void)lock, sched_preempt_disable(); }
void __retarget_lock_acquire_recursive(_LOCK_T lock) { (void)lock, sched_preempt_disable(); }
void __retarget_lock_release(_LOCK_T lock) { (void)lock, sched_preempt_enable(); }
void __retarget_lock_release_recursive(_LOCK_T lock) { (void)lock, sched_preempt_enable(); }

int __retarget_lock_try_acquire(_LOCK_T lock)
{
	__retarget_lock_acquire(lock);
	return 1;
}

int __retarget_lock_try_acquire_recursive(_LOCK_T lock)
{
	__retarget_lock_acquire_recursive(lock);
	return 1;
}
