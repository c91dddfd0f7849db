/* SPDX-License-Identifier: MIT */
/* libc_pipe.c: pipe() and pipe2(), a descriptor kind for passing bytes between threads. Each
 * pipe is a ring of PIPE_SIZE bytes with a read end and a write end; readers and writers sleep
 * on wait queues, and poll()/select() see them like any other descriptor. State is touched
 * with interrupts off (one CPU), as waitq_wait() requires. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/thread.h>

#include "libc_fd.h"

#define PIPE_SIZE 16384
#define PIPE_MAX  32 /* pipes at once; each holds two descriptors of the 64 */

_Static_assert(PIPE_BUF <= PIPE_SIZE, "a write of PIPE_BUF bytes must fit at once");

struct pipe {
	char buf[PIPE_SIZE];
	size_t head, len; /* bytes buf[head ..] in the ring */
	int readers, writers;
	bool nonblock[2];      /* O_NONBLOCK of each end's description */
	struct waitq readable; /* readers waiting for bytes or the last writer's close */
	struct waitq writable; /* writers waiting for room or the last reader's close */
};

/* A handle is pipe number * 2 + end (0 read, 1 write). */
static struct pipe *pipes[PIPE_MAX];
/* poll() waiters, woken on any change to any pipe: simple, and pipes are few. */
static struct waitq pollers;

static struct pipe *pipe_of(int handle) { return pipes[handle / 2]; }
static bool is_write_end(int handle) { return handle & 1; }

/* Interrupts off. */
static void changed(struct pipe *p)
{
	waitq_wake_all(&p->readable);
	waitq_wake_all(&p->writable);
	waitq_wake_all(&pollers);
	libc_poll_notify(); /* a poll() over pipes and other kinds (mote/fdtable.h) */
}

static ssize_t pipe_read(int handle, void *buf, size_t len)
{
	struct pipe *p = pipe_of(handle);
	hal_irq_state_t s;
	size_t n, first;

	if (is_write_end(handle))
		return -EBADF;
	if (len == 0)
		return 0;
	s = hal_irq_save();
	while (p->len == 0 && p->writers > 0 && !p->nonblock[0])
		waitq_wait(&p->readable, "pipe read", UINT64_MAX);
	if (p->len == 0) {
		hal_irq_restore(s);
		return p->writers > 0 ? -EAGAIN : 0; /* 0: end of file, every writer gone */
	}
	n = len < p->len ? len : p->len;
	first = n < PIPE_SIZE - p->head ? n : PIPE_SIZE - p->head;
	memcpy(buf, p->buf + p->head, first);
	memcpy((char *)buf + first, p->buf, n - first);
	p->head = (p->head + n) % PIPE_SIZE;
	p->len -= n;
	changed(p);
	hal_irq_restore(s);
	return (ssize_t)n;
}

/* A write of at most PIPE_BUF bytes goes in whole or waits; a longer one goes in as room
 * appears and may interleave with others (POSIX, write() on a pipe). */
static ssize_t pipe_write(int handle, const void *buf, size_t len)
{
	struct pipe *p = pipe_of(handle);
	size_t done = 0, room, n, tail, first;
	hal_irq_state_t s;

	if (!is_write_end(handle))
		return -EBADF;
	s = hal_irq_save();
	while (done < len) {
		room = PIPE_SIZE - p->len;
		if (p->readers == 0)
			break;
		if (room == 0 || (len <= PIPE_BUF && room < len)) {
			if (p->nonblock[1])
				break;
			waitq_wait(&p->writable, "pipe write", UINT64_MAX);
			continue;
		}
		n = len - done < room ? len - done : room;
		tail = (p->head + p->len) % PIPE_SIZE;
		first = n < PIPE_SIZE - tail ? n : PIPE_SIZE - tail;
		memcpy(p->buf + tail, (const char *)buf + done, first);
		memcpy(p->buf, (const char *)buf + done + first, n - first);
		p->len += n;
		done += n;
		changed(p);
	}
	hal_irq_restore(s);
	if (done > 0)
		return (ssize_t)done;
	if (p->readers == 0) {
		/* As on any POSIX system: SIGPIPE, whose default action ends the program. */
		raise(SIGPIPE);
		return -EPIPE;
	}
	return len == 0 ? 0 : -EAGAIN;
}

static int pipe_close(int handle)
{
	struct pipe *p = pipe_of(handle);
	hal_irq_state_t s = hal_irq_save();
	bool last;

	if (is_write_end(handle))
		p->writers--;
	else
		p->readers--;
	changed(p);
	last = p->readers == 0 && p->writers == 0;
	if (last)
		pipes[handle / 2] = NULL;
	hal_irq_restore(s);
	if (last)
		free(p);
	return 0;
}

static int pipe_fstat(int handle, struct stat *st)
{
	*st = (struct stat){.st_mode = S_IFIFO | 0600, .st_blksize = PIPE_BUF};
	return 0;
}

static int pipe_fcntl(int handle, int cmd, int arg)
{
	struct pipe *p = pipe_of(handle);
	int end = is_write_end(handle);

	switch (cmd) {
	case F_GETFL:
		return (end ? O_WRONLY : O_RDONLY) | (p->nonblock[end] ? O_NONBLOCK : 0);
	case F_SETFL:
		p->nonblock[end] = (arg & O_NONBLOCK) != 0;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Interrupts off. */
static short pipe_ready(int handle, short events)
{
	struct pipe *p = pipe_of(handle);

	if (!is_write_end(handle))
		return (p->len > 0 ? events & POLLIN : 0) | (p->writers == 0 ? POLLHUP : 0);
	if (p->readers == 0)
		return POLLERR;
	return PIPE_SIZE - p->len >= PIPE_BUF ? events & POLLOUT : 0;
}

static int pipe_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	uint64_t deadline =
	        timeout_ms < 0 ? UINT64_MAX : hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;
	hal_irq_state_t s = hal_irq_save();
	int nready;

	for (;;) {
		nready = 0;
		for (nfds_t i = 0; i < nfds; i++) {
			fds[i].revents = pipe_ready(fds[i].fd, fds[i].events);
			nready += fds[i].revents != 0;
		}
		if (nready > 0 || timeout_ms == 0 || hal_clock_monotonic_ns() >= deadline)
			break;
		waitq_wait(&pollers, "pipe poll", deadline);
	}
	hal_irq_restore(s);
	return nready;
}

static const struct libc_fd_ops pipe_ops = {
        .kind = "pipe",
        .read = pipe_read,
        .write = pipe_write,
        .close = pipe_close,
        .fstat = pipe_fstat,
        .fcntl = pipe_fcntl,
        .poll = pipe_poll,
};

int pipe2(int fds[2], int flags)
{
	struct pipe *p;
	hal_irq_state_t s;
	int slot = -1, rfd, wfd;

	if (flags & ~(O_NONBLOCK | O_CLOEXEC)) {
		errno = EINVAL;
		return -1;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	p->readers = p->writers = 1;
	p->nonblock[0] = p->nonblock[1] = (flags & O_NONBLOCK) != 0;
	s = hal_irq_save();
	for (int i = 0; i < PIPE_MAX && slot < 0; i++)
		if (!pipes[i])
			slot = i;
	if (slot >= 0)
		pipes[slot] = p;
	hal_irq_restore(s);
	if (slot < 0) {
		free(p);
		errno = ENFILE; /* the system-wide table of pipes is full */
		return -1;
	}
	rfd = libc_fd_alloc(&pipe_ops, slot * 2, 0);
	wfd = rfd < 0 ? rfd : libc_fd_alloc(&pipe_ops, slot * 2 + 1, 0);
	if (wfd < 0) {
		/* The ends not yet behind a descriptor are closed here; the one that is, by close(). */
		if (rfd >= 0) {
			pipe_close(slot * 2 + 1);
			close(rfd);
		} else {
			pipes[slot] = NULL;
			free(p);
		}
		errno = -wfd;
		return -1;
	}
	if (flags & O_CLOEXEC) {
		fcntl(rfd, F_SETFD, FD_CLOEXEC);
		fcntl(wfd, F_SETFD, FD_CLOEXEC);
	}
	fds[0] = rfd;
	fds[1] = wfd;
	return 0;
}

int pipe(int fds[2]) { return pipe2(fds, 0); }
