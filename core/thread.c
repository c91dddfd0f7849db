/* SPDX-License-Identifier: MIT */
/* thread.c: creating, joining and ending threads. Each thread's memory is one block: an
 * unmapped guard page, the stack, and the struct thread at the top, so creating a thread never
 * touches the heap. Where the platform can (hal_mem_commit_on_touch), the block is address
 * space whose stack pages get RAM on first touch, so a thread costs the stack it uses, not the
 * stack it asked for. A few blocks of the default size are kept when threads end, guard page
 * still unmapped, so a create after a join costs no page-table change and no zeroing. */
#include <errno.h>
#include <string.h>

#include <arch/context.h>
#include <arch/tls.h>
#include <hal/cpu.h>
#include <hal/fault.h>
#include <hal/mem.h>
#include <mote/app.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/parse.h>
#include <mote/panic.h>
#include <mote/sched_impl.h>
#include <mote/status.h>

#define STACK_CACHE_MAX 4

static struct thread *exited_detached; /* freed by the next thread that runs */

/* Blocks of cache_pages pages, each linked through its last word (where the struct thread
 * was: always committed, unlike the stack's first page). */
static void *stack_cache;
static unsigned stack_cache_count;
static size_t cache_pages;

static void **cache_link(void *mem) { return (void **)((uint8_t *)mem + cache_pages * HAL_PAGE_SIZE) - 1; }

static void give_back_page(uintptr_t ram_va) { mm_free_pages((void *)ram_va, 0); }

/* Interrupts may be disabled (mm's reclaimer). */
static void release_block(void *mem, size_t npages)
{
	if (hal_mem_commit_on_touch()) {
		if (hal_mem_release((uintptr_t)mem, npages * HAL_PAGE_SIZE, give_back_page) < 0)
			panic("release_block: cannot release the stack at %p", mem);
		mm_vspace_free((uintptr_t)mem, npages * HAL_PAGE_SIZE);
		return;
	}
	/* Map the guard page again before the pages go back to the allocator. */
	if (hal_mem_protect((uintptr_t)mem, HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		panic("release_block: cannot unprotect a stack guard page at %p", mem);
	mm_free_run(mem, npages);
}

/* A block of npages pages, the first an unmapped guard page, every byte of it zero when read.
 * With commit on touch: address space from mm's stack window, reserved but for the guard, and
 * only the top `eager` pages backed now (what create writes: the struct thread, TLS, the first
 * frame), so running out of RAM for them is ENOMEM here, not a fault later. Without: a run of
 * RAM, all of it backed. NULL when memory or address space is exhausted. Thread context. */
static uint8_t *alloc_block(size_t npages, size_t eager)
{
	if (!hal_mem_commit_on_touch()) {
		uint8_t *mem = mm_alloc_run(npages);

		if (mem && hal_mem_protect((uintptr_t)mem, HAL_PAGE_SIZE, HAL_PROT_NONE) < 0) {
			mm_free_run(mem, npages);
			return NULL;
		}
		return mem;
	}
	size_t len = npages * HAL_PAGE_SIZE;
	uintptr_t va = mm_vspace_alloc(len);

	if (!va)
		return NULL;
	if (hal_mem_reserve(va + HAL_PAGE_SIZE, len - HAL_PAGE_SIZE) < 0)
		goto fail;
	for (size_t i = npages - eager; i < npages; i++) {
		void *page = mm_alloc_pages(0);

		if (!page)
			goto fail;
		if (hal_mem_map(va + i * HAL_PAGE_SIZE, (uintptr_t)page, HAL_PAGE_SIZE,
		                HAL_PROT_READ | HAL_PROT_WRITE) < 0) {
			mm_free_pages(page, 0);
			goto fail;
		}
	}
	return (uint8_t *)va;
fail:
	/* Releasing what was never reserved is harmless: hal_mem_release skips missing tables. */
	if (hal_mem_release(va, len, give_back_page) < 0)
		panic("alloc_block: cannot release the stack at %p", (void *)va);
	mm_vspace_free(va, len);
	return NULL;
}

/* Interrupts disabled (mm's reclaimer, or the callers below). */
static void stack_cache_drain(void)
{
	while (stack_cache) {
		void *mem = stack_cache;

		stack_cache = *cache_link(mem);
		stack_cache_count--;
		release_block(mem, cache_pages);
	}
}

static void *stack_cache_take(size_t npages)
{
	hal_irq_state_t s = hal_irq_save();
	void *mem = npages == cache_pages ? stack_cache : NULL;

	if (mem) {
		stack_cache = *cache_link(mem);
		stack_cache_count--;
	}
	hal_irq_restore(s);
	return mem;
}

static void free_thread(struct thread *t)
{
	hal_irq_state_t s = hal_irq_save();

	if (t->stack_pages == cache_pages && stack_cache_count < STACK_CACHE_MAX) {
		void *mem = t->stack;

		*cache_link(mem) = stack_cache; /* t is dead: its last word is free */
		stack_cache = mem;
		stack_cache_count++;
		hal_irq_restore(s);
		return;
	}
	hal_irq_restore(s);
	release_block(t->stack, t->stack_pages);
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

/* mote.stack_max=: the operator's cap on any one thread's stack, 0 for none (the default). A
 * stack asked above it gets the cap instead, said in the log at creation and again in the
 * stack-overflow report should the thread reach its guard page: never silently smaller. For
 * programs that ask far more than they use (Redis's 4 MiB background threads) on small
 * machines, where every page of a stack is RAM taken at creation. */
static size_t stack_max;

int thread_stack_option(const char *value, size_t *out, char *err, size_t errlen)
{
	uint64_t size;

	if (!value || parse_size(value, &size) < 0 || size < THREAD_STACK_OPTION_MIN ||
	    size > THREAD_STACK_OPTION_MAX) {
		fmt_snprintf(err, errlen, "expected a size from 16K to 1G (bytes, or with K, M or G)");
		return -EINVAL;
	}
	*out = (size_t)size;
	return 0;
}

static int set_stack_max(const char *value, char *err, size_t errlen)
{
	return thread_stack_option(value, &stack_max, err, errlen);
}
CMDLINE_OPTION(stack_max, "mote.stack_max", set_stack_max,
               "cap every thread's stack at this size, said in the log (default: no cap)");

struct thread *thread_create(const char *name, int prio, void *(*fn)(void *), void *arg, size_t stack_size)
{
	size_t need, npages;

	if (prio < THREAD_PRIO_IDLE || prio > THREAD_PRIO_MAX || !fn) {
		errno = EINVAL;
		return NULL;
	}
	if (stack_size == 0)
		stack_size = THREAD_STACK_DEFAULT;
	size_t asked = 0;

	if (stack_max && stack_size > stack_max) {
		log_warn("thread '%s': stack of %zu KiB asked, %zu KiB given (mote.stack_max)",
		         name ? name : "thread", stack_size >> 10, stack_max >> 10);
		asked = stack_size;
		stack_size = stack_max;
	}
	size_t tls_size = arch_tls_area_size();

	size_t app_size = (mote_app_thread_area_size + 63) & ~(size_t)63;

	need = HAL_PAGE_SIZE + stack_size + sizeof(struct thread) + tls_size + app_size + 64 +
	       ARCH_CONTEXT_FRAME;
	if (stack_size > ((size_t)1 << 40)) { /* a size no machine has, and need cannot wrap */
		errno = ENOMEM;
		return NULL;
	}
	/* Whole pages, not a power of two of them: the stack gets what rounding to a page adds,
	 * never the near double that rounding to a buddy block would waste. */
	npages = (need + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
	if (stack_size == THREAD_STACK_DEFAULT && cache_pages == 0) {
		cache_pages = npages; /* the size most threads have is the one worth keeping */
		mm_set_reclaimer(stack_cache_drain);
	}
	/* The pages create writes: from the first frame of the new thread up to the block's end. */
	size_t top_bytes = sizeof(struct thread) + tls_size + app_size + 64 + ARCH_CONTEXT_FRAME;
	size_t eager = (top_bytes + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE + 1;
	uint8_t *mem = stack_cache_take(npages);

	if (eager > npages - 1)
		eager = npages - 1;
	if (!mem) {
		mem = alloc_block(npages, eager);
		if (!mem) {
			errno = ENOMEM;
			return NULL;
		}
	}
	size_t total = npages * HAL_PAGE_SIZE;
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
	t->stack_pages = npages;
	t->stack_asked = asked;
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

void thread_run_main(size_t stack_size, void (*entry)(void *), void *arg)
{
	struct thread *self = sched_current;
	size_t npages = 1 + (stack_size + HAL_PAGE_SIZE - 1) / HAL_PAGE_SIZE;
	uint8_t *mem = alloc_block(npages, 1); /* the top page takes main's first frame */
	uintptr_t boot_sp;
	char why[160];

	if (!self || !self->main_thread || self->stack_pages)
		panic("thread_run_main: not main on the boot stack");
	if (!mem) { /* the host gave too little RAM for the size asked: its error, reported */
		fmt_snprintf(why, sizeof(why),
		             "no memory for main's %zu KiB stack: give the machine more memory or "
		             "boot with a smaller mote.main_stack=",
		             stack_size >> 10);
		fatal_stop(MOTE_STATUS_NO_MEMORY, why);
	}
	hal_irq_save();
	self->stack = mem;
	self->stack_pages = npages;
	self->stack_size = (npages - 1) * HAL_PAGE_SIZE;
	/* The boot stack's context is saved and never resumed: its pages stay in the image. */
	arch_context_switch(&boot_sp, arch_context_init((uintptr_t)mem + npages * HAL_PAGE_SIZE, entry, arg));
	panic("thread_run_main: back on the boot stack");
}

void thread_exit(void *result)
{
	struct thread *self = sched_current;

	if (!self->main_thread)
		mote_app_thread_exit(); /* in this thread's context, before it is gone */
	hal_irq_save();
	if (self->main_thread)
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
	if (t->stack_pages) {
		*lo = (uintptr_t)t->stack + HAL_PAGE_SIZE;
		*hi = *lo + t->stack_size;
	} else { /* the boot thread */
		*lo = (uintptr_t)t->stack;
		*hi = (uintptr_t)t->stack + t->stack_size;
	}
}

uintptr_t core_commit_page(uintptr_t va)
{
	void *page = mm_commit_page();
	char why[200];

	if (page)
		return (uintptr_t)page;
	/* The owner by address: a thread may touch another's stack (a buffer passed to it). */
	struct thread *t = sched_thread_of_stack(va);

	fmt_snprintf(why, sizeof(why),
	             "fatal: out of memory committing a stack page of thread '%s' (address 0x%lx, in "
	             "its %zu KiB stack): no free page of RAM left",
	             t ? t->name : "?", (unsigned long)va, t ? t->stack_size >> 10 : (size_t)0);
	fatal_stop(MOTE_STATUS_NO_MEMORY, why);
}
