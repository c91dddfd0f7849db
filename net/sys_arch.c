/* SPDX-License-Identifier: MIT */
/* sys_arch.c: lwIP's operating-system layer (lwIP doc/sys_arch.txt) on core's threads,
 * semaphores, mutexes and condition variables. Everything here runs in thread context. */
#include <errno.h>
#include <stdlib.h>

#include <hal/time.h>
#include <mote/panic.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "lwip/err.h"
#include "lwip/sys.h"

struct net_sem {
	struct semaphore sem;
};

struct net_mutex {
	struct mutex m;
};

/* A bounded queue of message pointers: lwIP's mailboxes (tcpip messages, received netbufs,
 * accepted connections). */
struct net_mbox {
	struct mutex lock;
	struct cond not_empty, not_full;
	unsigned head, count, size;
	void *slots[];
};

#define NS_PER_MS 1000000ull

/* lwIP's timeouts are in ms with 0 meaning "forever"; core's are absolute deadlines. */
static uint64_t deadline_after_ms(u32_t timeout_ms)
{
	if (timeout_ms == 0)
		return SYNC_FOREVER;
	return hal_clock_monotonic_ns() + (uint64_t)timeout_ms * NS_PER_MS;
}

static u32_t ms_since(uint64_t start_ns)
{
	uint64_t ms = (hal_clock_monotonic_ns() - start_ns) / NS_PER_MS;

	/* SYS_ARCH_TIMEOUT is the all-ones value: a real wait never reports it. */
	return ms >= SYS_ARCH_TIMEOUT ? SYS_ARCH_TIMEOUT - 1 : (u32_t)ms;
}

void sys_init(void) {}

u32_t sys_now(void) { return (u32_t)(hal_clock_monotonic_ns() / NS_PER_MS); }

/* lwIP's short critical sections (pbuf reference counts, memory statistics) never block and
 * are never entered from interrupt handlers, so keeping other threads off the CPU suffices. */
sys_prot_t sys_arch_protect(void)
{
	sched_preempt_disable();
	return 0;
}

void sys_arch_unprotect(sys_prot_t pval)
{
	(void)pval;
	sched_preempt_enable();
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
	struct net_sem *s = malloc(sizeof(*s));

	if (s == NULL) {
		*sem = NULL;
		return ERR_MEM;
	}
	sem_init_value(&s->sem, count);
	*sem = s;
	return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
	free(*sem);
	*sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem)
{
	if (semaphore_post(&(*sem)->sem) < 0)
		panic("sys_sem_signal: semaphore overflow");
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout)
{
	uint64_t start = hal_clock_monotonic_ns();

	if (semaphore_wait(&(*sem)->sem, deadline_after_ms(timeout)) == -ETIMEDOUT)
		return SYS_ARCH_TIMEOUT;
	return ms_since(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
	struct net_mutex *m = malloc(sizeof(*m));

	if (m == NULL) {
		*mutex = NULL;
		return ERR_MEM;
	}
	mutex_init(&m->m, false);
	*mutex = m;
	return ERR_OK;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
	free(*mutex);
	*mutex = NULL;
}

void sys_mutex_lock(sys_mutex_t *mutex)
{
	if (mutex_lock(&(*mutex)->m, SYNC_FOREVER) < 0)
		panic("sys_mutex_lock: lwIP's lock taken twice by one thread");
}

void sys_mutex_unlock(sys_mutex_t *mutex)
{
	if (mutex_unlock(&(*mutex)->m) < 0)
		panic("sys_mutex_unlock: lwIP's lock released by a thread that does not hold it");
}

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
	struct net_mbox *mb;

	if (size <= 0)
		size = 16;
	mb = calloc(1, sizeof(*mb) + (size_t)size * sizeof(void *));
	if (mb == NULL) {
		*mbox = NULL;
		return ERR_MEM;
	}
	mutex_init(&mb->lock, false);
	mb->size = (unsigned)size;
	*mbox = mb;
	return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
	/* lwIP drains a mailbox before freeing it; messages left would be leaked buffers. */
	if ((*mbox)->count != 0)
		panic("sys_mbox_free: %u messages left in the mailbox", (*mbox)->count);
	free(*mbox);
	*mbox = NULL;
}

static void mbox_put(struct net_mbox *mb, void *msg)
{
	mb->slots[(mb->head + mb->count) % mb->size] = msg;
	mb->count++;
	cond_signal(&mb->not_empty);
}

static void *mbox_take(struct net_mbox *mb)
{
	void *msg = mb->slots[mb->head];

	mb->head = (mb->head + 1) % mb->size;
	mb->count--;
	cond_signal(&mb->not_full);
	return msg;
}

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
	struct net_mbox *mb = *mbox;

	mutex_lock(&mb->lock, SYNC_FOREVER);
	while (mb->count == mb->size)
		cond_wait(&mb->not_full, &mb->lock, SYNC_FOREVER);
	mbox_put(mb, msg);
	mutex_unlock(&mb->lock);
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
	struct net_mbox *mb = *mbox;
	err_t err = ERR_MEM;

	mutex_lock(&mb->lock, SYNC_FOREVER);
	if (mb->count < mb->size) {
		mbox_put(mb, msg);
		err = ERR_OK;
	}
	mutex_unlock(&mb->lock);
	return err;
}

/* Mote's drivers deliver frames from threads, so there is no interrupt-context variant to
 * make: lwIP only calls this from tcpip_callbackmsg_trycallback_fromisr. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg) { return sys_mbox_trypost(mbox, msg); }

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout)
{
	struct net_mbox *mb = *mbox;
	uint64_t start = hal_clock_monotonic_ns();
	uint64_t deadline = deadline_after_ms(timeout);
	void *m;

	mutex_lock(&mb->lock, SYNC_FOREVER);
	while (mb->count == 0) {
		if (cond_wait(&mb->not_empty, &mb->lock, deadline) == -ETIMEDOUT && mb->count == 0) {
			mutex_unlock(&mb->lock);
			return SYS_ARCH_TIMEOUT;
		}
	}
	m = mbox_take(mb);
	mutex_unlock(&mb->lock);
	if (msg != NULL)
		*msg = m;
	return ms_since(start);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
	struct net_mbox *mb = *mbox;
	void *m;

	mutex_lock(&mb->lock, SYNC_FOREVER);
	if (mb->count == 0) {
		mutex_unlock(&mb->lock);
		return SYS_MBOX_EMPTY;
	}
	m = mbox_take(mb);
	mutex_unlock(&mb->lock);
	if (msg != NULL)
		*msg = m;
	return 0;
}

struct thread_start {
	lwip_thread_fn fn;
	void *arg;
};

static void *thread_trampoline(void *p)
{
	struct thread_start start = *(struct thread_start *)p;

	free(p);
	start.fn(start.arg);
	return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
	struct thread_start *start = malloc(sizeof(*start));
	struct thread *t = NULL;

	if (start != NULL) {
		*start = (struct thread_start){fn, arg};
		t = thread_create(name, prio, thread_trampoline, start, (size_t)stacksize);
	}
	if (t == NULL)
		panic("sys_thread_new: cannot create lwIP thread '%s': out of memory", name);
	thread_set_service(t); /* the stack's own threads live as long as the boot */
	thread_detach(t);
	return t;
}
