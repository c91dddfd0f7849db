/* SPDX-License-Identifier: MIT */
/* libc_threads.h: what libc's thread-aware files tell each other (main's identity, the
 * per-thread clean-up at exit); private to libc/. */
#ifndef LIBC_THREADS_H
#define LIBC_THREADS_H

struct thread;

/* Called once by the startup code from the thread that runs main(). */
void libc_reent_set_main(void);

/* The thread running main(), which keeps newlib's global state. */
struct thread *libc_main_thread(void);

/* pthread keys' destructors for the calling thread (libc_pthread.c), run before its newlib
 * state is released. */
void libc_pthread_thread_exit(void);

#endif
