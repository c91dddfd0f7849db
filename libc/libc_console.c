/* SPDX-License-Identifier: MIT */
/* libc_console.c: the console as a descriptor kind (0, 1 and 2). A reader of descriptor 0 that
 * finds no input sleeps on a wait queue that the console's input interrupt wakes
 * (hal_console_input_notify), so the CPU goes to other threads meanwhile. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/log.h>
#include <mote/sync.h>
#include <mote/thread.h>

#include "libc_fd.h"

/* Where the platform cannot announce input, a waiting reader looks again this often. */
#define POLL_INTERVAL_NS 1000000u

/* One byte read ahead by poll() to learn whether input is pending: the console can only be
 * read, not peeked. -1 when empty. Touched with interrupts off (one CPU). */
static int lookahead = -1;
static struct waitq input_waiters;
static bool input_interrupt; /* hal_console_input_notify() succeeded */
static struct once notify_once = ONCE_INIT;
static bool nonblock[3]; /* O_NONBLOCK on each console description, by handle */

static void input_arrived(void *arg)
{
	waitq_wake_all(&input_waiters);
	libc_poll_notify(); /* a poll() over the console and other kinds (mote/fdtable.h) */
}

/* Asked for on the first wait, not at boot: an image that never reads its console keeps no
 * interrupt source, so a real deadlock there is still reported as one. */
static void ask_notify(void)
{
	int err = hal_console_input_notify(input_arrived, NULL);

	input_interrupt = err == 0;
	if (err < 0)
		log_warn("console: no input interrupt (error %d): input is looked for every %u ms", err,
		         (unsigned)(POLL_INTERVAL_NS / 1000000u));
}

/* Interrupts off. */
static long take(char *buf, size_t len)
{
	long n;

	if (lookahead < 0)
		return hal_console_read(buf, len);
	buf[0] = (char)lookahead;
	lookahead = -1;
	if (len == 1)
		return 1;
	n = hal_console_read(buf + 1, len - 1);
	return n < 0 ? 1 : n + 1;
}

/* Interrupts off: whether input is pending, reading one byte ahead to find out. */
static bool input_pending(void)
{
	char c;

	if (lookahead < 0 && hal_console_read(&c, 1) == 1)
		lookahead = (unsigned char)c;
	return lookahead >= 0;
}

/* Sleep until input may have arrived or deadline_ns; called with interrupts off (state s),
 * returns with them off. -ETIMEDOUT once the deadline has passed. */
static int wait_input(hal_irq_state_t *s, uint64_t deadline_ns)
{
	uint64_t next;

	if (input_interrupt)
		return waitq_wait(&input_waiters, "console input", deadline_ns);
	/* No interrupt: sleep a little, then look again. */
	next = hal_clock_monotonic_ns() + POLL_INTERVAL_NS;
	hal_irq_restore(*s);
	thread_sleep_until(next < deadline_ns ? next : deadline_ns);
	*s = hal_irq_save();
	return hal_clock_monotonic_ns() >= deadline_ns ? -ETIMEDOUT : 0;
}

static ssize_t console_read(int handle, void *buf, size_t len)
{
	hal_irq_state_t s;
	long n;

	if (handle != STDIN_FILENO)
		return -EBADF;
	if (len == 0)
		return 0;
	once_run(&notify_once, ask_notify);
	s = hal_irq_save();
	/* Checking and joining the wait queue with interrupts off: input that arrives between
	 * the two still wakes us (mote/thread.h). */
	while ((n = take(buf, len)) == 0 && !nonblock[handle])
		wait_input(&s, UINT64_MAX);
	hal_irq_restore(s);
	return n == 0 ? -EAGAIN : n;
}

static ssize_t console_write(int handle, const void *buf, size_t len)
{
	if (handle == STDIN_FILENO)
		return -EBADF;
	hal_console_write(buf, len);
	return (ssize_t)len;
}

static int console_close(int handle) { return 0; }

static int console_fstat(int handle, struct stat *st)
{
	*st = (struct stat){.st_mode = S_IFCHR | 0620, .st_blksize = 0};
	return 0;
}

static int console_fcntl(int handle, int cmd, int arg)
{
	switch (cmd) {
	case F_GETFL:
		return (handle == STDIN_FILENO ? O_RDONLY : O_WRONLY) | (nonblock[handle] ? O_NONBLOCK : 0);
	case F_SETFL:
		nonblock[handle] = (arg & O_NONBLOCK) != 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Interrupts off. */
static short console_ready(int handle, short events)
{
	short ready = 0;

	if (handle == STDIN_FILENO && (events & POLLIN) && input_pending())
		ready |= POLLIN;
	if (handle != STDIN_FILENO)
		ready |= events & POLLOUT;
	return ready;
}

static int console_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	uint64_t deadline =
	        timeout_ms < 0 ? UINT64_MAX : hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	hal_irq_state_t s;
	int nready;

	/* Also for a look without waiting: a poll() over the console and other kinds looks at
	 * each kind that way and then waits for input_arrived's libc_poll_notify(). */
	once_run(&notify_once, ask_notify);
	s = hal_irq_save();
	for (;;) {
		nready = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents = console_ready(fds[i].fd, fds[i].events);
			nready += fds[i].revents != 0;
		}
		if (nready > 0 || timeout_ms == 0 || hal_clock_monotonic_ns() >= deadline)
			break;
		wait_input(&s, deadline);
	}
	hal_irq_restore(s);
	return nready;
}

const struct libc_fd_ops libc_console_ops = {
        .kind = "console",
        .read = console_read,
        .write = console_write,
        .close = console_close,
        .fstat = console_fstat,
        .fcntl = console_fcntl,
        .poll = console_poll,
};
