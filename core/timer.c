/* SPDX-License-Identifier: MIT */
/* timer.c: core timers (mote/timer.h): the deadline heap they share, its growth beyond the
 * boot-time array, and the expiry loop the platform's one-shot timer interrupt runs. */
#include <errno.h>
#include <string.h>

#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/mm.h>
#include <mote/sched_impl.h>
#include <mote/timer.h>

#define TIMER_SLOTS_BOOT 64

static struct timerq_entry *slots_boot[TIMER_SLOTS_BOOT];
static struct timerq queue = {.heap = slots_boot, .capacity = TIMER_SLOTS_BOOT};
static unsigned slots_order = (unsigned)-1; /* pages of the current array, once grown */

#define timer_of(e) ((struct timer *)((char *)(e)-offsetof(struct timer, entry)))

void timer_init(struct timer *t, void (*fn)(void *arg), void *arg)
{
	timerq_entry_init(&t->entry);
	t->period_ns = 0;
	t->fn = fn;
	t->arg = arg;
}

/* Double the array (it starts in .bss), copying the heap as it is: positions stay valid.
 * Thread context, interrupts disabled: interrupt handlers never allocate, so the page
 * allocator is not in use below us. */
static int grow(void)
{
	size_t bytes = queue.capacity * 2 * sizeof(*queue.heap);
	unsigned order = 0;

	while ((HAL_PAGE_SIZE << order) < bytes)
		order++;
	struct timerq_entry **bigger = mm_alloc_pages(order);

	if (!bigger)
		return -ENOMEM;
	memcpy(bigger, queue.heap, queue.count * sizeof(*queue.heap));
	if (queue.heap != slots_boot)
		mm_free_pages(queue.heap, slots_order);
	queue.heap = bigger;
	queue.capacity = (HAL_PAGE_SIZE << order) / sizeof(*queue.heap);
	slots_order = order;
	return 0;
}

int timer_start(struct timer *t, uint64_t deadline_ns, uint64_t period_ns)
{
	if (period_ns && deadline_ns > UINT64_MAX - period_ns)
		return -EINVAL;
	hal_irq_state_t s = hal_irq_save();
	int err = timer_active(t) ? -EINVAL : 0;

	if (!err) {
		t->period_ns = period_ns;
		err = timerq_add(&queue, &t->entry, deadline_ns);
		if (err == -ENOSPC)
			err = sched_in_interrupt() ? -ENOMEM : grow();
		if (!err && !timer_active(t))
			err = timerq_add(&queue, &t->entry, deadline_ns);
		if (!err)
			sched_timers_changed();
	}
	hal_irq_restore(s);
	return err;
}

int timer_stop(struct timer *t)
{
	hal_irq_state_t s = hal_irq_save();
	int err = timerq_cancel(&queue, &t->entry);

	if (!err)
		sched_timers_changed();
	hal_irq_restore(s);
	return err;
}

uint64_t timer_next_deadline(void) { return timerq_next_deadline(&queue); }
size_t timer_count(void) { return timerq_count(&queue); }

void timer_run_expired(uint64_t now)
{
	struct timerq_entry *e;

	while ((e = timerq_pop_expired(&queue, now)) != NULL) {
		struct timer *t = timer_of(e);

		/* Re-queued before the callback, so the callback can stop it. The slot it just
		 * left is free: this add cannot fail for want of space. */
		if (t->period_ns && e->deadline <= UINT64_MAX - t->period_ns)
			timerq_add(&queue, e, e->deadline + t->period_ns);
		t->fn(t->arg);
	}
}
