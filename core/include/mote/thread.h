/* SPDX-License-Identifier: MIT */
/* mote/thread.h: kernel threads and the preemptive priority round-robin scheduler. The
 * application's main() runs in the first thread; libc's pthreads map onto these. */
#ifndef MOTE_THREAD_H
#define MOTE_THREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/runq.h>
#include <mote/timer.h>

#define THREAD_NAME_MAX      16
#define THREAD_PRIO_IDLE     0
#define THREAD_PRIO_DEFAULT  16
#define THREAD_PRIO_MAX      (RUNQ_PRIORITIES - 1)
#define THREAD_STACK_DEFAULT (64 * 1024)

enum thread_state { THREAD_RUNNABLE, THREAD_RUNNING, THREAD_BLOCKED, THREAD_DEAD };

struct waitq {
	struct thread *head, *tail;
};

struct thread {
	struct runq_node rq; /* in the run queue while runnable */
	uintptr_t sp;        /* saved stack pointer while not running */
	enum thread_state state;
	const char *wait_reason;  /* what a blocked thread waits for, for the deadlock report */
	struct thread *wait_next; /* in a wait queue */
	struct waitq *waiting_on;
	struct timer timer; /* a sleep or a timed wait */
	bool timed_out;
	unsigned preempt_count; /* sched_preempt_disable() nesting */
	uint64_t slice_epoch;   /* the slice timer's epoch when it was switched in (sched.c) */
	uintptr_t tls;          /* thread pointer for __thread variables, 0 when the image has none */
	void *app_area;         /* mote_app_thread_area_size bytes for libc (mote/app.h), NULL in main */
	void *stack;            /* guard page first, then the stack; the boot stack's start for main
	                         * until thread_run_main() moves it */
	size_t stack_size;
	size_t stack_pages; /* the block's pages (mm_alloc_run), guard page included; 0 for the boot stack */
	bool main_thread;   /* main ends with exit(), never thread_exit() */
	size_t stack_asked; /* the size asked when mote.stack_max capped it, else 0 */
	void *(*fn)(void *);
	void *arg, *result;
	bool detached;
	bool service; /* a kernel service thread: thread_wait_alone() does not wait for it */
	bool joined;  /* a joiner has claimed it */
	struct waitq joiners;
	struct thread *all_next; /* every live thread, for the deadlock report */
	char name[THREAD_NAME_MAX];
};

/* Start the scheduler: the caller becomes the thread "main" at THREAD_PRIO_DEFAULT, running
 * on the boot stack [stack_lo, stack_hi). Called once by core_main(). */
void sched_init(uintptr_t stack_lo, uintptr_t stack_hi);

/* A stack size from a boot option (mote.main_stack=, mote.stack_max=): bytes, or with K, M or
 * G, from THREAD_STACK_OPTION_MIN to _MAX. 0, or -EINVAL with the reason in err. */
#define THREAD_STACK_OPTION_MIN (16 * 1024ul)
#define THREAD_STACK_OPTION_MAX (1024ul * 1024 * 1024)
int thread_stack_option(const char *value, size_t *out, char *err, size_t errlen);

/* Move main (the caller, on the boot stack) onto a stack of its own of `stack_size` bytes (a
 * page multiple at least), above an unmapped guard page like every other thread's, and run
 * entry(arg) there with interrupts disabled and a clean FPU state; entry must not return.
 * Stops the machine with MOTE_STATUS_NO_MEMORY when RAM is too small. Called once by
 * core_main(). Never returns. */
void thread_run_main(size_t stack_size, void (*entry)(void *), void *arg) __attribute__((noreturn));

/* A new runnable thread running fn(arg), with a stack of `stack_size` bytes (0: default)
 * above an unmapped guard page. Returns NULL when memory is exhausted or prio is out of
 * range. It may run before this returns if it is more urgent than the caller. */
struct thread *thread_create(const char *name, int prio, void *(*fn)(void *), void *arg, size_t stack_size);

/* Wait for t to exit and free it; its result goes to *result. -EINVAL if t is detached or is
 * the caller, -EDEADLK when joining itself. */
int thread_join(struct thread *t, void **result);

/* t's resources are freed as soon as it exits; nobody may join it. */
int thread_detach(struct thread *t);

void thread_exit(void *result) __attribute__((noreturn));
struct thread *thread_self(void);

/* Let other runnable threads of the same priority run first. */
void thread_yield(void);

/* The calling thread's area for the C runtime (mote/app.h), or NULL in main and before the
 * scheduler starts. Contents are whatever the runtime left there; uninitialized at first. */
void *thread_app_area(void);

/* Block until every other application thread has ended (the idle thread and service threads
 * aside): what main does after pthread_exit(), since the program ends with its last thread.
 * Thread context. */
void thread_wait_alone(void);

/* Mark t as a kernel service thread (a driver's receive thread, the network stack's thread):
 * it runs for the whole boot, and the program's end does not wait for it. */
void thread_set_service(struct thread *t);

/* Block until monotonic time deadline_ns. */
void thread_sleep_until(uint64_t deadline_ns);

/* Wait queues. The caller disables interrupts around checking its condition and calling
 * waitq_wait(), which blocks and returns with them disabled again. Returns 0 when woken,
 * -ETIMEDOUT when `deadline_ns` (UINT64_MAX: none) passed first. */
int waitq_wait(struct waitq *wq, const char *reason, uint64_t deadline_ns);
/* Wake the first waiter or all of them; any context, interrupts included. Returns how many. */
int waitq_wake_one(struct waitq *wq);
int waitq_wake_all(struct waitq *wq);

/* The time slice, in ns (mote.timeslice=MS on the command line, default 10 ms). */
uint64_t sched_timeslice_ns(void);

/* Preemption off and on around short critical sections; nests. */
void sched_preempt_disable(void);
void sched_preempt_enable(void);

#endif
