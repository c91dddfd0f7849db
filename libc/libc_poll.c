/* SPDX-License-Identifier: MIT */
/* libc_poll.c: poll() and select() over every kind of descriptor. A call with one kind waits in
 * that kind's own poll; a call that mixes kinds (Redis: its sockets and its module pipe) looks at
 * each kind without waiting and then sleeps until any kind signals readiness (libc_poll_notify),
 * so no kind is polled on a timer. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>

#include <hal/cpu.h>
#include <hal/time.h>
#include <mote/panic.h>
#include <mote/thread.h>

#include <mote/fdtable.h>

/* Every mixed-kind poll in progress sleeps here. `notify_count` changes with each notify, so a
 * poll that looked at its descriptors before a notify and would sleep after it sees that it
 * must look again (the wake-up would otherwise be lost between the look and the sleep). Both
 * only with interrupts off (one CPU). */
static struct waitq notify_waiters;
static unsigned long notify_count;

void libc_poll_notify(void)
{
	hal_irq_state_t s = hal_irq_save();

	notify_count++;
	waitq_wake_all(&notify_waiters);
	hal_irq_restore(s);
}

static unsigned long notify_seen(void)
{
	hal_irq_state_t s = hal_irq_save();
	unsigned long n = notify_count;

	hal_irq_restore(s);
	return n;
}

/* Sleep until a notify after `seen` or until deadline. */
static void notify_wait(unsigned long seen, uint64_t deadline)
{
	hal_irq_state_t s = hal_irq_save();

	if (notify_count == seen)
		waitq_wait(&notify_waiters, "poll", deadline);
	hal_irq_restore(s);
}

struct group {
	const struct libc_fd_ops *ops;
	nfds_t n;
	struct pollfd *fds; /* this kind's handles */
	nfds_t *index;      /* where each came from in the caller's array */
};

/* A kind without poll (regular files, directories) is always ready to read and write. */
static int poll_always(struct pollfd *fds, nfds_t nfds)
{
	for (nfds_t i = 0; i < nfds; i++)
		fds[i].revents = fds[i].events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
	return (int)nfds;
}

static int poll_groups(struct group *g, int ngroups, struct pollfd *fds, int timeout_ms)
{
	uint64_t deadline =
	        timeout_ms < 0 ? UINT64_MAX : hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;

	for (;;) {
		/* Read before looking: a descriptor that becomes ready during the look has its
		 * notify counted after this, and the wait below then does not sleep. */
		unsigned long seen = notify_seen();
		int nready = 0;

		for (int k = 0; k < ngroups; k++) {
			int rc;

			/* One kind alone waits in its own poll, which wakes only for its descriptors. */
			rc = g[k].ops->poll != NULL
			             ? g[k].ops->poll(g[k].fds, g[k].n, ngroups == 1 ? timeout_ms : 0)
			             : poll_always(g[k].fds, g[k].n);
			if (rc < 0)
				return rc;
			for (nfds_t i = 0; i < g[k].n; i++) {
				fds[g[k].index[i]].revents = g[k].fds[i].revents;
				nready += g[k].fds[i].revents != 0;
			}
		}
		if (nready > 0 || ngroups <= 1 || timeout_ms == 0 || hal_clock_monotonic_ns() >= deadline)
			return nready;
		notify_wait(seen, deadline);
	}
}

#define KINDS_MAX 8 /* console, socket, file, dir ... */

/* One of the caller's descriptors, held for the call. */
struct entry {
	struct libc_fd_file *file; /* NULL: negative or closed descriptor */
	int kind;                  /* its group */
	int handle;
};

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct group g[KINDS_MAX];
	nfds_t count[KINDS_MAX] = {0}, start = 0;
	int ngroups = 0, nready = 0, rc = 0;
	struct entry *e;
	struct pollfd *sub;
	nfds_t *index;

	if (nfds > LIBC_FD_MAX * 4) {
		errno = EINVAL;
		return -1;
	}
	e = malloc(nfds * (sizeof(*e) + sizeof(*sub) + sizeof(*index)) + 1);
	if (e == NULL) {
		errno = ENOMEM;
		return -1;
	}
	sub = (struct pollfd *)(e + nfds);
	index = (nfds_t *)(sub + nfds);
	/* First pass: hold each descriptor's description for the whole call (a close() meanwhile
	 * does not close what is being waited on), and count the kinds present. A closed
	 * descriptor is POLLNVAL, which counts as ready, and a negative one is skipped, as POSIX
	 * says. */
	for (nfds_t i = 0; i < nfds; i++) {
		const struct libc_fd_ops *ops;
		int k;

		fds[i].revents = 0;
		e[i].file = NULL;
		if (fds[i].fd < 0)
			continue;
		e[i].file = libc_fd_hold(fds[i].fd, &ops, &e[i].handle);
		if (e[i].file == NULL) {
			fds[i].revents = POLLNVAL;
			nready++;
			continue;
		}
		for (k = 0; k < ngroups && g[k].ops != ops; k++)
			;
		if (k == ngroups) {
			if (ngroups == KINDS_MAX)
				panic("poll: more descriptor kinds than KINDS_MAX");
			g[ngroups++] = (struct group){.ops = ops};
		}
		count[k]++;
		e[i].kind = k;
	}
	/* Second pass: each kind's descriptors side by side in sub, as that kind's handles. */
	for (int k = 0; k < ngroups; k++) {
		g[k].fds = sub + start;
		g[k].index = index + start;
		start += count[k];
	}
	for (nfds_t i = 0; i < nfds; i++) {
		struct group *gk = &g[e[i].kind];

		if (e[i].file == NULL)
			continue;
		gk->fds[gk->n] = (struct pollfd){.fd = e[i].handle, .events = fds[i].events};
		gk->index[gk->n++] = i;
	}
	if (ngroups > 0) /* the others are looked at even when one is already invalid */
		rc = poll_groups(g, ngroups, fds, nready > 0 ? 0 : timeout_ms);
	else if (nready == 0 && timeout_ms > 0)
		thread_sleep_until(hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u);
	for (nfds_t i = 0; i < nfds; i++) {
		if (e[i].file != NULL)
			libc_fd_put(e[i].file);
	}
	free(e);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return nready + rc;
}

_Static_assert(FD_SETSIZE >= LIBC_FD_MAX, "select() must be able to name every descriptor");

/* select() is poll() over the descriptors named in the sets. Their pollfds are on the heap: a
 * full set's would take 2 KiB of the calling thread's stack. */
int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
	struct pollfd *pfd;
	int n = 0, timeout_ms = -1, rc, count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	if (timeout != NULL && (timeout->tv_sec < 0 || timeout->tv_usec < 0)) {
		errno = EINVAL;
		return -1;
	}
	pfd = malloc(sizeof(*pfd) * (size_t)nfds + 1);
	if (pfd == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (int fd = 0; fd < nfds; fd++) {
		short events = 0;

		if (rd && FD_ISSET(fd, rd))
			events |= POLLIN;
		if (wr && FD_ISSET(fd, wr))
			events |= POLLOUT;
		if (ex && FD_ISSET(fd, ex))
			events |= POLLPRI;
		if (events)
			pfd[n++] = (struct pollfd){.fd = fd, .events = events};
	}
	if (timeout != NULL)
		timeout_ms = (int)(timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000);
	rc = poll(pfd, (nfds_t)n, timeout_ms);
	for (int i = 0; rc >= 0 && i < n; i++) {
		if (pfd[i].revents & POLLNVAL) {
			errno = EBADF;
			rc = -1;
		}
	}
	if (rc < 0) {
		free(pfd);
		return -1;
	}
	if (rd)
		FD_ZERO(rd);
	if (wr)
		FD_ZERO(wr);
	if (ex)
		FD_ZERO(ex);
	for (int i = 0; i < n; i++) {
		short r = pfd[i].revents;

		if (rd && (r & (POLLIN | POLLHUP | POLLERR)) && (pfd[i].events & POLLIN)) {
			FD_SET(pfd[i].fd, rd);
			count++;
		}
		if (wr && (r & (POLLOUT | POLLERR)) && (pfd[i].events & POLLOUT)) {
			FD_SET(pfd[i].fd, wr);
			count++;
		}
		if (ex && (r & POLLPRI)) {
			FD_SET(pfd[i].fd, ex);
			count++;
		}
	}
	free(pfd);
	return count;
}
