/* SPDX-License-Identifier: MIT */
/* libc_poll.c: poll() and select() over every kind of descriptor. Each kind waits on its own
 * descriptors with its ops' poll; a call that mixes kinds looks at each in turn. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/time.h>

#include <hal/time.h>
#include <mote/panic.h>
#include <mote/thread.h>

#include <mote/fdtable.h>

/* How long one kind is waited on while another also has descriptors in the call: the console
 * is polled anyway, and a socket that becomes ready meanwhile is seen within this. */
#define MIXED_SLICE_MS 2

struct group {
	const struct libc_fd_ops *ops;
	nfds_t n;
	struct pollfd *fds; /* this kind's handles */
	nfds_t *index;      /* where each came from in the caller's array */
};

static int poll_groups(struct group *g, int ngroups, struct pollfd *fds, int timeout_ms)
{
	uint64_t deadline =
	        timeout_ms < 0 ? UINT64_MAX : hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u;

	for (;;) {
		int nready = 0;

		for (int k = 0; k < ngroups; k++) {
			int wait = 0;
			int rc;

			if (ngroups == 1)
				wait = timeout_ms;
			rc = g[k].ops->poll(g[k].fds, g[k].n, wait);
			if (rc < 0)
				return rc;
			for (nfds_t i = 0; i < g[k].n; i++) {
				fds[g[k].index[i]].revents = g[k].fds[i].revents;
				nready += g[k].fds[i].revents != 0;
			}
		}
		if (nready > 0 || ngroups <= 1)
			return nready;
		if (hal_clock_monotonic_ns() >= deadline)
			return 0;
		thread_sleep_until(hal_clock_monotonic_ns() + MIXED_SLICE_MS * 1000000u);
	}
}

#define KINDS_MAX 4 /* console, socket; files later */

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	struct group g[KINDS_MAX];
	nfds_t count[KINDS_MAX] = {0}, start = 0;
	int ngroups = 0, nready = 0, rc = 0;
	struct pollfd *sub;
	nfds_t *index;

	if (nfds > LIBC_FD_MAX * 4) {
		errno = EINVAL;
		return -1;
	}
	sub = malloc(nfds * (sizeof(*sub) + sizeof(*index)) + 1);
	if (sub == NULL) {
		errno = ENOMEM;
		return -1;
	}
	index = (nfds_t *)(sub + nfds);
	/* First pass: the kinds present and how many of each; a closed descriptor is POLLNVAL,
	 * which counts as ready, and a negative one is skipped, as POSIX says. */
	for (nfds_t i = 0; i < nfds; i++) {
		const struct libc_fd_ops *ops;
		int handle, k;

		fds[i].revents = 0;
		if (fds[i].fd < 0)
			continue;
		ops = libc_fd_get(fds[i].fd, &handle);
		if (ops == NULL) {
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
	}
	/* Second pass: each kind's descriptors side by side in sub, as that kind's handles. */
	for (int k = 0; k < ngroups; k++) {
		g[k].fds = sub + start;
		g[k].index = index + start;
		start += count[k];
	}
	for (nfds_t i = 0; i < nfds; i++) {
		const struct libc_fd_ops *ops;
		int handle, k;

		if (fds[i].fd < 0 || fds[i].revents == POLLNVAL ||
		    (ops = libc_fd_get(fds[i].fd, &handle)) == NULL)
			continue;
		/* A descriptor closed or reopened by another thread meanwhile is left out. */
		for (k = 0; k < ngroups && g[k].ops != ops; k++)
			;
		if (k == ngroups || g[k].n == count[k])
			continue;
		g[k].fds[g[k].n] = (struct pollfd){.fd = handle, .events = fds[i].events};
		g[k].index[g[k].n++] = i;
	}
	if (nready == 0 && ngroups > 0)
		rc = poll_groups(g, ngroups, fds, timeout_ms);
	else if (nready == 0 && timeout_ms > 0)
		thread_sleep_until(hal_clock_monotonic_ns() + (uint64_t)timeout_ms * 1000000u);
	free(sub);
	if (rc < 0) {
		errno = -rc;
		return -1;
	}
	return nready + rc;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *timeout)
{
	struct pollfd pfd[FD_SETSIZE];
	int n = 0, timeout_ms = -1, rc, count = 0;

	if (nfds < 0 || nfds > FD_SETSIZE) {
		errno = EINVAL;
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
	if (timeout != NULL) {
		if (timeout->tv_sec < 0 || timeout->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		timeout_ms = (int)(timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000);
	}
	rc = poll(pfd, (nfds_t)n, timeout_ms);
	if (rc < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		if (pfd[i].revents & POLLNVAL) {
			errno = EBADF;
			return -1;
		}
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
	return count;
}
