/* SPDX-License-Identifier: MIT */
/* libc_reent.c: newlib's per-thread state (errno, stdio streams, strtok, dtoa buffers). newlib
 * is built with __DYNAMIC_REENT__, so every access goes through __getreent(). main() uses the
 * global state, so exit() flushes what it printed; every other thread gets its own, kept in
 * the area core reserves in each thread's pages (mote/app.h), set up on first use and flushed
 * and released when the thread exits. Not a __thread variable: TLS is zeroed at every thread
 * create, and most of this 1 KiB would be zeroed again by its set-up.
 * The global state is defined here, not by newlib's impure.c: there it is an initialized
 * struct of 1.9 KB in .data, written out in every image file; here it is zeroed .bss that the
 * first init hook completes (issue 15). */
#include <reent.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h> /* memset, which newlib's _REENT_INIT_PTR calls undeclared */

#include <mote/app.h>
#include <mote/init.h>
#include <mote/thread.h>

#include "libc_threads.h"

static struct _reent global_reent;
struct _reent *_impure_ptr = &global_reent;
struct _reent *const _global_impure_ptr = &global_reent;

/* What newlib's static initializer would have set beyond zeroes (the standard streams' places,
 * the rand() and rand48() seeds). In the first init level, before the network stack's threads
 * (which use this state until main() starts) or main() can touch it; nothing earlier in boot
 * uses newlib's streams or random numbers, and errno needs no set-up. */
static void global_reent_init(void) { _REENT_INIT_PTR_ZEROED(&global_reent); }
INIT_HOOK(libc_reent, "newlib state", INIT_LEVEL_DEVICES, global_reent_init);

static struct thread *main_thread;
static __thread int thread_reent_ready;

const unsigned long mote_app_thread_area_size = sizeof(struct _reent);

void libc_reent_set_main(void) { main_thread = thread_self(); }
struct thread *libc_main_thread(void) { return main_thread; }

struct _reent *__getreent(void)
{
	struct thread *self = thread_self();

	/* Before the scheduler (self is NULL) there is one thread and no TLS block yet. */
	if (!self || self == main_thread || !main_thread)
		return _impure_ptr;
	struct _reent *r = thread_app_area();

	if (!thread_reent_ready) {
		_REENT_INIT_PTR(r);
		thread_reent_ready = 1;
	}
	return r;
}

void mote_app_thread_exit(void)
{
	libc_pthread_thread_exit(); /* key destructors may still print or free */
	if (thread_reent_ready) {
		struct _reent *r = thread_app_area();

		/* Its stdin, stdout and stderr are the thread's streams on the program's descriptors
		 * 0-2: closing the streams must not close the descriptors (which may be files put
		 * there with dup2) under the threads still running. */
		if (r->__sdidinit) {
			r->_stdin->_close = NULL;
			r->_stdout->_close = NULL;
			r->_stderr->_close = NULL;
		}
		_reclaim_reent(r); /* flushes and closes its streams, frees its buffers */
		thread_reent_ready = 0;
	}
}
