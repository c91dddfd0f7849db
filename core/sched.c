/* SPDX-License-Identifier: MIT */
/* sched.c: the preemptive priority round-robin scheduler. The most urgent runnable thread runs;
 * equals take turns in time slices. Tickless: the one-shot timer is programmed for the next
 * core timer only, and the slice timer runs only while a thread of the running one's priority
 * is waiting. Interrupt handlers make threads runnable; the switch happens on the way out of
 * the interrupt (core_irq_exit). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <arch/context.h>
#include <arch/tls.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/panic.h>
#include <mote/sched_impl.h>
#include <mote/status.h>
#include <mote/thread.h>

static struct runq runq;
static struct thread boot_thread;
struct thread *sched_current;
static struct thread *idle_thread;
static struct thread *all_threads;
static unsigned preempt_count_boot; /* before sched_init() there is no current thread */

/* Per thread: a thread that blocks with preemption disabled must not leave it disabled for
 * the others. */
static unsigned *preempt_count(void)
{
	return sched_current ? &sched_current->preempt_count : &preempt_count_boot;
}
static int need_resched;
static unsigned irq_depth;
static uint64_t timeslice_ns = 10000000;

#define thread_of(ptr, member) ((struct thread *)((char *)(ptr)-offsetof(struct thread, member)))

void runq_bug(const char *why) { panic("%s", why); }

uint64_t sched_timeslice_ns(void) { return timeslice_ns; }

static int set_timeslice(const char *value, char *err, size_t errlen)
{
	unsigned long ms = 0;
	const char *p = value;

	for (; p && *p >= '0' && *p <= '9' && ms <= 100000; p++)
		ms = ms * 10 + (unsigned long)(*p - '0');
	if (!value || p == value || *p || ms == 0 || ms > 100000) {
		fmt_snprintf(err, errlen, "expected milliseconds, 1 to 100000");
		return -EINVAL;
	}
	timeslice_ns = ms * 1000000ull;
	return 0;
}
CMDLINE_OPTION(timeslice, "mote.timeslice", set_timeslice, "scheduler time slice in ms (default 10)");

/* What the one-shot timer is armed for (UINT64_MAX: nothing). */
static uint64_t armed_deadline = UINT64_MAX;

/* Arm the one-shot timer for the earliest core timer. The hardware is touched only to bring
 * the expiry forward: after a timer is stopped, the earlier expiry stays armed, fires early,
 * finds nothing due and arms the real one, which costs less than a timer write (a VM exit
 * under real hypervisors) each time a sleep ends early or a timed wait is satisfied. */
static void program_timer(void)
{
	uint64_t deadline = timer_next_deadline();

	if (deadline >= armed_deadline)
		return;
	armed_deadline = deadline;
	hal_timer_oneshot(deadline);
}

/* Time slices without a clock read on the switch path: while a thread of the running one's
 * priority waits, a periodic slice timer ticks every timeslice_ns and counts epochs; a thread
 * records the epoch it was switched in at, and a tick preempts it once it has run through a
 * whole epoch. So each thread runs between one and two slices before an equal gets the CPU,
 * and a ping-pong of yields or wake-ups never touches the clock or the timer. */
static struct timer slice_timer;
static uint64_t slice_epoch;

static bool equal_waiting(const struct thread *cur)
{
	return cur != idle_thread && runq_highest_priority(&runq) >= cur->rq.prio;
}

/* The slice timer's callback (interrupt context). */
static void slice_tick(void *arg)
{
	struct thread *cur = sched_current;

	(void)arg;
	slice_epoch++;
	if (!equal_waiting(cur)) {
		timer_stop(&slice_timer); /* nobody to share with: tickless again */
		return;
	}
	if (cur->slice_epoch + 1 < slice_epoch)
		need_resched = 1;
}

/* Start the slice timer when an equal of the running thread is waiting. */
static void slice_check(void)
{
	if (!timer_active(&slice_timer) && equal_waiting(sched_current)) {
		uint64_t now = hal_clock_monotonic_ns();

		timer_start(&slice_timer, now + timeslice_ns, timeslice_ns);
	}
}

void sched_make_runnable(struct thread *t)
{
	t->state = THREAD_RUNNABLE;
	runq_push_back(&runq, &t->rq);
	if (t->rq.prio > sched_current->rq.prio || sched_current == idle_thread)
		need_resched = 1;
	else
		slice_check();
}

/* Switch to the most urgent runnable thread. The caller has disabled interrupts and has put
 * the current thread where it belongs (the run queue, a wait queue, or nowhere when dead). */
void sched_switch(void)
{
	struct runq_node *n = runq_pop_highest(&runq);
	struct thread *prev = sched_current, *next = n ? thread_of(n, rq) : idle_thread;

	need_resched = 0;
	next->state = THREAD_RUNNING;
	if (next == prev)
		return;
	sched_current = next;
	next->slice_epoch = slice_epoch; /* a fresh slice */
	slice_check();
	if (next->tls != prev->tls)
		hal_tls_set_base(next->tls);
	arch_context_switch(&prev->sp, next->sp);
	sched_reap(); /* back in prev: free threads that exited detached meanwhile */
}

void sched_maybe_preempt(void)
{
	struct thread *cur = sched_current;

	/* A thread on its way to block or exit switches by itself in a moment. */
	if (!need_resched || *preempt_count() || irq_depth || !cur || cur->state != THREAD_RUNNING)
		return;
	if (cur != idle_thread) {
		/* Preempted with slice left: first of its level again; else last. */
		cur->state = THREAD_RUNNABLE;
		if (cur->slice_epoch + 1 >= slice_epoch)
			runq_push_front(&runq, &cur->rq);
		else
			runq_push_back(&runq, &cur->rq);
	}
	sched_switch();
}

void core_irq_enter(void) { irq_depth++; }

void core_irq_exit(void)
{
	if (--irq_depth == 0)
		sched_maybe_preempt();
}

void sched_timers_changed(void)
{
	if (sched_current)
		program_timer();
}

bool sched_in_interrupt(void) { return irq_depth != 0; }

/* A sleep or timed wait ran out (a core timer's callback, interrupt context). */
static void thread_timed_out(void *arg)
{
	struct thread *t = arg;

	t->timed_out = 1;
	if (t->waiting_on)
		waitq_remove(t->waiting_on, t);
	sched_make_runnable(t);
}

void core_timer_expired(void)
{
	uint64_t now = hal_clock_monotonic_ns();
	struct thread *cur = sched_current;

	armed_deadline = UINT64_MAX; /* it fired: nothing is armed until program_timer() below */
	timer_run_expired(now);
	if (cur)
		program_timer();
}

void sched_block(struct thread *t, const char *reason, uint64_t deadline_ns)
{
	t->state = THREAD_BLOCKED;
	t->wait_reason = reason;
	t->timed_out = 0;
	if (deadline_ns != UINT64_MAX) {
		timer_init(&t->timer, thread_timed_out, t);
		if (timer_start(&t->timer, deadline_ns, 0) < 0)
			panic("sched_block: no memory for %zu timers", timer_count() + 1);
	}
	sched_switch();
	sched_cancel_timer(t);
}

void sched_cancel_timer(struct thread *t)
{
	if (timer_active(&t->timer))
		timer_stop(&t->timer);
}

void thread_yield(void)
{
	hal_irq_state_t s = hal_irq_save();

	if (!runq_empty(&runq)) {
		sched_current->state = THREAD_RUNNABLE;
		runq_push_back(&runq, &sched_current->rq);
		sched_switch();
	}
	hal_irq_restore(s);
}

void thread_sleep_until(uint64_t deadline_ns)
{
	hal_irq_state_t s = hal_irq_save();

	while (hal_clock_monotonic_ns() < deadline_ns)
		sched_block(sched_current, "sleep", deadline_ns);
	hal_irq_restore(s);
}

void sched_preempt_disable(void) { ++*preempt_count(); }

void sched_preempt_enable(void)
{
	if (*preempt_count() == 0)
		panic("sched_preempt_enable: not disabled");
	if (--*preempt_count() == 0 && need_resched) {
		hal_irq_state_t s = hal_irq_save();

		sched_maybe_preempt();
		hal_irq_restore(s);
	}
}

struct thread *thread_self(void) { return sched_current; }

void sched_link_thread(struct thread *t)
{
	t->all_next = all_threads;
	all_threads = t;
}

struct thread *sched_thread_of_stack(uintptr_t va)
{
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t->stack_pages && va >= (uintptr_t)t->stack &&
		    va - (uintptr_t)t->stack < t->stack_pages * HAL_PAGE_SIZE)
			return t;
	return NULL;
}

static struct waitq alone_waiters; /* thread_wait_alone() */

void sched_unlink_thread(struct thread *t)
{
	for (struct thread **p = &all_threads; *p; p = &(*p)->all_next) {
		if (*p == t) {
			*p = t->all_next;
			break;
		}
	}
	waitq_wake_locked(&alone_waiters);
}

void thread_set_service(struct thread *t) { t->service = true; }

void thread_wait_alone(void)
{
	hal_irq_state_t s = hal_irq_save();

	for (;;) {
		int others = 0;

		for (struct thread *t = all_threads; t; t = t->all_next)
			others += t != idle_thread && t != sched_current && !t->service;
		if (!others)
			break;
		waitq_wait(&alone_waiters, "waiting for every other thread to end", UINT64_MAX);
	}
	hal_irq_restore(s);
}

/* Nothing can ever run again: every thread waits for another thread and no timer is set. */
static void deadlock_report(void) __attribute__((noreturn));
static void deadlock_report(void)
{
	log_err("deadlock: all threads blocked");
	for (struct thread *t = all_threads; t; t = t->all_next)
		if (t != idle_thread)
			log_err("  thread '%s' (priority %d): %s", t->name, t->rq.prio,
			        t->state == THREAD_BLOCKED ? t->wait_reason : "not blocked");
	fatal_stop(MOTE_STATUS_DEADLOCK, "stopped: deadlock");
}

/* Set once a device interrupt can wake threads (hal/irq.h). */
static bool device_irq_sources;

void core_irq_source_attached(void) { device_irq_sources = true; }

static void *idle_main(void *arg)
{
	(void)arg;
	hal_irq_save();
	for (;;) {
		if (!runq_empty(&runq)) {
			sched_switch();
			continue;
		}
		/* With no timer set and no device that can interrupt, nothing can wake anyone. Once
		 * a device interrupt is attached, a thread waiting for it cannot be told from a
		 * deadlocked one, so the report is left to images without devices. */
		if (timer_count() == 0 && !device_irq_sources)
			deadlock_report();
		program_timer();
		hal_cpu_idle(); /* the interrupt's exit path switches away from here when it should */
	}
	return NULL;
}

MOTE_BOOT_ONLY void sched_init(uintptr_t stack_lo, uintptr_t stack_hi)
{
	runq_init(&runq);
	timer_init(&slice_timer, slice_tick, NULL);
	runq_node_init(&boot_thread.rq, THREAD_PRIO_DEFAULT);
	timer_init(&boot_thread.timer, thread_timed_out, &boot_thread);
	boot_thread.state = THREAD_RUNNING;
	boot_thread.stack_size = stack_hi - stack_lo;
	boot_thread.stack = (void *)stack_lo; /* not freed: the boot stack is part of the image */
	boot_thread.main_thread = true;
	fmt_snprintf(boot_thread.name, sizeof(boot_thread.name), "main");
	sched_link_thread(&boot_thread);
	sched_current = &boot_thread;
	size_t tls_size = arch_tls_area_size();

	if (tls_size) { /* main's __thread block, from the page allocator like every other */
		unsigned order = 0;

		while ((HAL_PAGE_SIZE << order) < tls_size)
			order++;
		void *area = mm_alloc_pages(order);

		if (!area)
			fatal_stop(MOTE_STATUS_NO_MEMORY,
			           "the image does not fit in RAM: no memory for main's "
			           "thread-local storage: give the machine more memory");
		boot_thread.tls = arch_tls_init(area);
		hal_tls_set_base(boot_thread.tls);
	}
	idle_thread = thread_create("idle", THREAD_PRIO_IDLE, idle_main, NULL, 16384);
	if (!idle_thread) /* RAM too small to boot is the host's error, not a kernel bug */
		fatal_stop(MOTE_STATUS_NO_MEMORY, "the image does not fit in RAM: no memory for the idle "
		                                  "thread: give the machine more memory");
	/* The idle thread never sits in the run queue: it runs when the queue is empty. */
	hal_irq_state_t s = hal_irq_save();
	runq_remove(&runq, &idle_thread->rq);
	need_resched = 0;
	hal_irq_restore(s);
	/* From here on the timer can preempt main() like any other thread. */
	hal_irq_enable();
}
