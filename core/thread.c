/* SPDX-License-Identifier: MIT */
/* thread.c: creating, joining and ending threads. Each thread's memory is one block of pages:
 * an unmapped guard page, the stack, and the struct thread at the top, so creating a thread
 * never touches the heap. A few blocks of the default size are kept when threads end, guard
 * page still unmapped, so a create after a join costs no page-table change and no zeroing. */
#include <errno.h>
#include <string.h>

#include <arch/context.h>
#include <arch/tls.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <mote/app.h>
#include <mote/fmt.h>
#include <mote/mm.h>
#include <mote/panic.h>
#include <mote/sched_impl.h>

#define STACK_CACHE_MAX 4

static struct thread *exited_detached; /* freed by the next thread that runs */

/* Blocks of cache_order pages, each linked through its first word after the guard page. */
static void *stack_cache;
static unsigned stack_cache_count, cache_order;

static void release_block(void *mem, unsigned order)
{
	/* Map the guard page again before the pages go back to the allocator. */
	if (hal_mem_protect((uintptr_t)mem, HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		panic("release_block: cannot unprotect a stack guard page at %p", mem);
	mm_free_pages(mem, order);
}

/* Interrupts disabled (mm's reclaimer, or the callers below). */
static void stack_cache_drain(void)
{
	while (stack_cache) {
		void *mem = stack_cache;

		stack_cache = *(void **)((uint8_t *)mem + HAL_PAGE_SIZE);
		stack_cache_count--;
		release_block(mem, cache_order);
	}
}

static void *stack_cache_take(unsigned order)
{
	hal_irq_state_t s = hal_irq_save();
	void *mem = order == cache_order ? stack_cache : NULL;

	if (mem) {
		stack_cache = *(void **)((uint8_t *)mem + HAL_PAGE_SIZE);
		stack_cache_count--;
	}
	hal_irq_restore(s);
	return mem;
}

static void free_thread(struct thread *t)
{
	hal_irq_state_t s = hal_irq_save();

	if (t->stack_order == cache_order && stack_cache_count < STACK_CACHE_MAX) {
		*(void **)((uint8_t *)t->stack + HAL_PAGE_SIZE) = stack_cache;
		stack_cache = t->stack;
		stack_cache_count++;
		hal_irq_restore(s);
		return;
	}
	hal_irq_restore(s);
	release_block(t->stack, t->stack_order);
}

void sched_reap(void)
{
	while (exited_detached) {
		struct thread *t = exited_detached;

		exited_detached = t->wait_next;
		free_thread(t);
	}
}

/* A bounded copy: this runs on every create, where a formatted print would cost more than
 * the rest of the create put together. */
static void thread_set_name(struct thread *t, const char *name)
{
	size_t i = 0;

	for (; i < sizeof(t->name) - 1 && name[i]; i++)
		t->name[i] = name[i];
	t->name[i] = '\0';
}

static void thread_entry(void *arg)
{
	struct thread *t = arg;

	sched_reap();
	hal_irq_enable(); /* switched to with interrupts off */
	thread_exit(t->fn(t->arg));
}

struct thread *thread_create(const char *name, int prio, void *(*fn)(void *), void *arg, size_t stack_size)
{
	size_t need;
	unsigned order = 0;

	if (prio < THREAD_PRIO_IDLE || prio > THREAD_PRIO_MAX || !fn) {
		errno = EINVAL;
		return NULL;
	}
	if (stack_size == 0)
		stack_size = THREAD_STACK_DEFAULT;
	size_t tls_size = arch_tls_area_size();

	size_t app_size = (mote_app_thread_area_size + 63) & ~(size_t)63;

	need = HAL_PAGE_SIZE + stack_size + sizeof(struct thread) + tls_size + app_size + 64 +
	       ARCH_CONTEXT_FRAME;
	while ((HAL_PAGE_SIZE << order) < need)
		order++;
	if (stack_size == THREAD_STACK_DEFAULT && cache_order == 0) {
		cache_order = order; /* the size most threads have is the one worth keeping */
		mm_set_reclaimer(stack_cache_drain);
	}
	uint8_t *mem = stack_cache_take(order);

	if (!mem) {
		mem = mm_alloc_pages(order);
		if (!mem) {
			errno = ENOMEM;
			return NULL;
		}
		if (hal_mem_protect((uintptr_t)mem, HAL_PAGE_SIZE, HAL_PROT_NONE) < 0) {
			mm_free_pages(mem, order);
			errno = ENOMEM;
			return NULL;
		}
	}
	size_t total = HAL_PAGE_SIZE << order;
	struct thread *t =
	        (struct thread *)((uintptr_t)(mem + total - sizeof(struct thread)) & ~(uintptr_t)63);

	memset(t, 0, sizeof(*t));
	runq_node_init(&t->rq, prio);
	timerq_entry_init(&t->timer.entry);
	/* The TLS block sits just below the struct, the runtime's area below it, then the stack. */
	uintptr_t top = ((uintptr_t)t - tls_size) & ~(uintptr_t)63;

	if (tls_size)
		t->tls = arch_tls_init((void *)top);
	top -= app_size;
	t->app_area = app_size ? (void *)top : NULL;
	t->stack = mem;
	t->stack_order = order;
	t->stack_size = top - (uintptr_t)(mem + HAL_PAGE_SIZE);
	t->fn = fn;
	t->arg = arg;
	thread_set_name(t, name ? name : "thread");
	t->sp = arch_context_init(top, thread_entry, t);

	hal_irq_state_t s = hal_irq_save();

	sched_link_thread(t);
	sched_make_runnable(t);
	sched_maybe_preempt();
	hal_irq_restore(s);
	return t;
}

void thread_exit(void *result)
{
	struct thread *self = sched_current;

	if (self->stack_order != 0)
		mote_app_thread_exit(); /* in this thread's context, before it is gone */
	hal_irq_save();
	if (self->stack_order == 0)
		panic("thread_exit: the main thread ends with exit(), not thread_exit()");
	self->result = result;
	self->state = THREAD_DEAD;
	sched_unlink_thread(self);
	if (self->detached) {
		self->wait_next = exited_detached;
		exited_detached = self;
	} else {
		waitq_wake_all(&self->joiners);
	}
	sched_switch();
	panic("thread_exit: a dead thread ran again");
}

void *thread_app_area(void) { return sched_current ? sched_current->app_area : NULL; }

int thread_join(struct thread *t, void **result)
{
	hal_irq_state_t s;

	if (t == sched_current)
		return -EDEADLK;
	s = hal_irq_save();
	if (t->detached || t->joined) {
		hal_irq_restore(s);
		return -EINVAL;
	}
	t->joined = 1;
	while (t->state != THREAD_DEAD)
		waitq_wait(&t->joiners, "join", UINT64_MAX);
	hal_irq_restore(s);
	if (result)
		*result = t->result;
	free_thread(t);
	return 0;
}

int thread_detach(struct thread *t)
{
	hal_irq_state_t s = hal_irq_save();
	int err = 0;

	if (t->detached || t->joined) {
		err = -EINVAL;
	} else if (t->state == THREAD_DEAD) {
		free_thread(t); /* exited already: nobody else will free it */
	} else {
		t->detached = 1;
	}
	hal_irq_restore(s);
	return err;
}

/* For the fault diagnostic: the stack bounds and name of the running thread. */
void sched_current_stack(uintptr_t *lo, uintptr_t *hi, const char **name)
{
	struct thread *t = sched_current;

	if (!t) {
		*lo = *hi = 0;
		*name = NULL;
		return;
	}
	*name = t->name;
	if (t->stack_order) {
		*lo = (uintptr_t)t->stack + HAL_PAGE_SIZE;
		*hi = *lo + t->stack_size;
	} else { /* the boot thread */
		*lo = (uintptr_t)t->stack;
		*hi = (uintptr_t)t->stack + t->stack_size;
	}
}
