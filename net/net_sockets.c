/* SPDX-License-Identifier: MIT */
/* net_sockets.c: the BSD socket calls, as descriptors of the kind "socket" in libc's one table
 * (mote/fdtable.h). Each is lwIP's socket of the same meaning (lwIP api/sockets.c); lwIP sets
 * errno. Part of the network library, so only images that use the stack have sockets. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <mote/fdtable.h>
#include "lwip/api.h"
#include "lwip/if_api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/tcpip.h"
#include "net_socket_headers.h"

static ssize_t sock_read(int s, void *buf, size_t len)
{
	ssize_t n = lwip_read(s, buf, len);

	return n < 0 ? -errno : n;
}

static ssize_t sock_write(int s, const void *buf, size_t len)
{
	ssize_t n = lwip_write(s, buf, len);

	return n < 0 ? -errno : n;
}

static int sock_close(int s) { return lwip_close(s) < 0 ? -errno : 0; }

static int sock_fstat(int s, struct stat *st)
{
	*st = (struct stat){.st_mode = S_IFSOCK | 0777};
	return 0;
}

static int sock_fcntl(int s, int cmd, int arg)
{
	int rc = lwip_fcntl(s, cmd, arg);

	return rc < 0 ? -errno : rc;
}

static int sock_ioctl(int s, unsigned long req, void *arg)
{
	int rc;

	/* lwIP takes FIONBIO's argument as a u32 flag and FIONREAD's as an int count: both
	 * are ints in POSIX programs. */
	if (req == FIONBIO) {
		rc = lwip_fcntl(s, F_SETFL, *(int *)arg ? O_NONBLOCK : 0);
		return rc < 0 ? -errno : 0;
	}
	rc = lwip_ioctl(s, (long)req, arg);
	return rc < 0 ? -errno : rc;
}

static int sock_poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	int rc = lwip_poll(fds, nfds, timeout_ms);

	return rc < 0 ? -errno : rc;
}

static const struct libc_fd_ops socket_ops = {
        .kind = "socket",
        .read = sock_read,
        .write = sock_write,
        .close = sock_close,
        .fstat = sock_fstat,
        .fcntl = sock_fcntl,
        .ioctl = sock_ioctl,
        .poll = sock_poll,
};

/* lwIP's own socket event callback (api/sockets.c's event_callback, static there), which
 * sock_event passes every event to first. */
static netconn_callback lwip_event;

/* Every event lwIP's sockets see (data or a connection in, room to send, an error) also goes to
 * libc, so that a poll() over sockets and another kind of descriptor (Redis's select() over its
 * clients and its module pipe) wakes on it instead of looking again on a timer. Runs in the
 * stack's thread with its core lock held, after lwIP has counted the event. */
static void sock_event(struct netconn *conn, enum netconn_evt evt, u16_t len)
{
	lwip_event(conn, evt, len);
	libc_poll_notify();
}

/* Put sock_event in front of lwIP's callback on a new socket s. A listening socket's
 * connections are made with its callback (api_msg.c, accept_function), so they have it too. */
static void sock_hook_events(int s)
{
	struct lwip_sock *ls = lwip_socket_dbg_get_socket(s);

	if (ls == NULL || ls->conn == NULL)
		return;
	LOCK_TCPIP_CORE();
	if (ls->conn->callback != sock_event) {
		lwip_event = ls->conn->callback;
		ls->conn->callback = sock_event;
	}
	UNLOCK_TCPIP_CORE();
}

/* The lwIP socket behind fd, held for one call (*held, for sock_done), or -1 with EBADF
 * (ENOTSOCK for another kind). */
static int sock_of(int fd, struct libc_fd_file **held)
{
	const struct libc_fd_ops *ops;
	int handle;

	*held = libc_fd_hold(fd, &ops, &handle);
	if (*held == NULL) {
		errno = EBADF;
		return -1;
	}
	if (ops != &socket_ops) {
		libc_fd_put(*held);
		errno = ENOTSOCK;
		return -1;
	}
	return handle;
}

/* Let go of the socket held by sock_of, keeping the call's result and errno. */
static long sock_done(struct libc_fd_file *held, long rc)
{
	int err = errno;

	libc_fd_put(held);
	errno = err;
	return rc;
}

/* Give a new lwIP socket a descriptor, or close it when the table is full. */
static int sock_install(int s)
{
	int fd;

	if (s < 0)
		return -1;
	fd = libc_fd_alloc(&socket_ops, s, 0);
	if (fd < 0) {
		lwip_close(s);
		errno = -fd;
		return -1;
	}
	return fd;
}

/* lwIP reads any domain other than AF_INET6 as IPv4, so another (AF_UNIX) is refused here
 * rather than quietly becoming an Internet socket. */
int socket(int domain, int type, int protocol)
{
	if (domain != AF_INET && domain != AF_INET6) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	int s = lwip_socket(domain, type, protocol);

	if (s >= 0)
		sock_hook_events(s);
	return sock_install(s);
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct libc_fd_file *held;
	int s = sock_of(fd, &held);

	return s < 0 ? -1 : sock_install((int)sock_done(held, lwip_accept(s, addr, len)));
}

#define SOCK_CALL(fd, call)                            \
	do {                                           \
		struct libc_fd_file *held_;            \
		int s_ = sock_of(fd, &held_);          \
		if (s_ < 0)                            \
			return -1;                     \
		return sock_done(held_, (long)(call)); \
	} while (0)

int connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct libc_fd_file *held;
	int s = sock_of(fd, &held), rc;

	if (s < 0)
		return -1;
	rc = (int)sock_done(held, lwip_connect(s, addr, len));
	/* lwIP reports a reset in answer to the SYN as ECONNRESET; POSIX calls that refused. */
	if (rc < 0 && errno == ECONNRESET)
		errno = ECONNREFUSED;
	return rc;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) { SOCK_CALL(fd, lwip_bind(s_, addr, len)); }
int listen(int fd, int backlog) { SOCK_CALL(fd, lwip_listen(s_, backlog)); }
ssize_t send(int fd, const void *buf, size_t len, int flags)
{
	SOCK_CALL(fd, lwip_send(s_, buf, len, flags));
}
ssize_t recv(int fd, void *buf, size_t len, int flags) { SOCK_CALL(fd, lwip_recv(s_, buf, len, flags)); }
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) { SOCK_CALL(fd, lwip_sendmsg(s_, msg, flags)); }
ssize_t recvmsg(int fd, struct msghdr *msg, int flags) { SOCK_CALL(fd, lwip_recvmsg(s_, msg, flags)); }
int shutdown(int fd, int how) { SOCK_CALL(fd, lwip_shutdown(s_, how)); }

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	SOCK_CALL(fd, lwip_sendto(s_, buf, len, flags, to, tolen));
}

ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	SOCK_CALL(fd, lwip_recvfrom(s_, buf, len, flags, from, fromlen));
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	SOCK_CALL(fd, lwip_setsockopt(s_, level, name, val, len));
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	SOCK_CALL(fd, lwip_getsockopt(s_, level, name, val, len));
}

int getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	SOCK_CALL(fd, lwip_getpeername(s_, addr, len));
}
int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	SOCK_CALL(fd, lwip_getsockname(s_, addr, len));
}

unsigned if_nametoindex(const char *name) { return lwip_if_nametoindex(name); }
char *if_indextoname(unsigned index, char *name) { return lwip_if_indextoname(index, name); }
