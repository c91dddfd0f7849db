/* SPDX-License-Identifier: MIT */
/* libc_reent.c: newlib's per-thread state (errno, stdio streams, strtok, dtoa buffers). newlib
 * is built with __DYNAMIC_REENT__, so every access goes through __getreent(). main() uses the
 * global state, so exit() flushes what it printed; every other thread gets its own, kept in
 * the area core reserves in each thread's pages (mote/app.h), set up on first use and flushed
 * and released when the thread exits. Not a __thread variable: TLS is zeroed at every thread
 * create, and most of this 1 KiB would be zeroed again by its set-up. */
#include <reent.h>
#include <stdio.h>
#include <stddef.h>

#include <mote/app.h>
#include <mote/thread.h>

#include "libc_threads.h"

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
