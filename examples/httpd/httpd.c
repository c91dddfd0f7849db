/* SPDX-License-Identifier: MIT */
/* httpd.c: a static HTTP/1.1 server: the files of www/ (embedded at build time), or of a
 * folder given with --root, for GET and HEAD, persistent connections, one thread per connection, time limits
 * on slow and idle clients and room made for new ones (docs/net.md). Usage: see USAGE below. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conn_table.h"
#include "http_request.h"
#include "www_files.h"
#include "www_root.h"

#define USAGE                                                                               \
	"usage: httpd [-p PORT] [--idle-timeout S] [--header-timeout S] [--body-timeout S]" \
	" [--max-conns N] [--root DIR]\n"

#define RECV_BUF     (HTTP_HEAD_MAX + 1024)
/* A larger body is refused (413) unread: this server only serves files, so a body is dropped
 * at best, and a client announcing gigabytes would hold a thread for as long as it liked. */
#define BODY_MAX     8192
/* A file from --root goes out in pieces of this size (from the heap: small thread stacks). */
#define FILE_CHUNK   (16 * 1024)
/* After an error reply the client's remaining bytes are read and dropped for this long (or
 * until its EOF), so that closing with unread data (a reset) does not destroy the reply. */
#define LINGER_MS    2000
#define LINGER_BYTES (64 * 1024)
/* A connection thread's stack: with its guard page and the thread's own records it fits a
 * 32 KiB block of pages, where a 32 KiB stack took a 64 KiB block. */
#define CONN_STACK   (24 * 1024)
/* The most connections at once, and the default: Mote's descriptor table (FD_SETSIZE entries)
 * also holds the console's three and the listening socket. */
#define CONNS_MAX    ((FD_SETSIZE < CONN_TABLE_MAX ? FD_SETSIZE : CONN_TABLE_MAX) - 4)
/* How long the accept loop waits for an evicted connection's thread to free its slot. */
#define ROOM_WAIT_MS 1000
/* How soon it looks again when no connection could be evicted. */
#define RETRY_MS     50

#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

/* Time limits in ns (the options in seconds). */
static uint64_t idle_timeout = 15 * NS_PER_S, header_timeout = 10 * NS_PER_S, body_timeout = 10 * NS_PER_S;

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_freed = PTHREAD_COND_INITIALIZER;
static struct conn_table table; /* under table_lock */

static unsigned long served, refused, timed_out, evicted;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static const char *content_type(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot == NULL)
		return "application/octet-stream";
	if (strcmp(dot, ".html") == 0)
		return "text/html; charset=utf-8";
	if (strcmp(dot, ".txt") == 0)
		return "text/plain; charset=utf-8";
	if (strcmp(dot, ".css") == 0)
		return "text/css";
	if (strcmp(dot, ".js") == 0)
		return "text/javascript";
	if (strcmp(dot, ".json") == 0)
		return "application/json";
	return "application/octet-stream";
}

static const struct www_file *find_file(const char *path)
{
	if (strcmp(path, "/") == 0)
		path = "/index.html";
	for (size_t i = 0; i < www_file_count; i++) {
		if (strcmp(www_files[i].path, path) == 0)
			return &www_files[i];
	}
	return NULL;
}

static int send_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int respond(int fd, int status, const char *reason, const char *type, const void *body, size_t len,
                   bool head_only, bool keep_alive)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 %d %s\r\nServer: Mote httpd\r\nContent-Type: %s\r\n"
	                 "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
	                 status, reason, type, len, keep_alive ? "keep-alive" : "close");

	if (send_all(fd, head, (size_t)n) < 0)
		return -1;
	if (!head_only && len > 0 && send_all(fd, body, len) < 0)
		return -1;
	return 0;
}

static int respond_error(int fd, int status, const char *reason, bool head_only, bool keep_alive)
{
	char body[96];
	int n = snprintf(body, sizeof(body), "%d %s\n", status, reason);

	return respond(fd, status, reason, "text/plain; charset=utf-8", body, (size_t)n, head_only,
	               keep_alive);
}

/* Answer a GET or HEAD from the --root folder: 404, 403, or the file, read and sent in pieces.
 * Returns -1 when the connection must close (the file ended before its size: the client sees
 * a short body rather than wrong bytes). */
static int respond_root(int fd, const struct http_request *req, bool head_only)
{
	char name[HTTP_PATH_MAX], head[256];
	off_t size, sent = 0;
	int file, rc = www_root_open(req->path, &file, &size, name, sizeof(name));
	char *buf;

	if (rc == -ENOENT)
		return respond_error(fd, 404, "Not Found", head_only, req->keep_alive);
	if (rc == -EACCES)
		return respond_error(fd, 403, "Forbidden", head_only, req->keep_alive);
	if (rc < 0)
		return respond_error(fd, 500, "Internal Server Error", head_only, req->keep_alive);
	buf = head_only ? NULL : malloc(FILE_CHUNK);
	if (!head_only && buf == NULL) {
		close(file);
		return respond_error(fd, 503, "Service Unavailable", false, req->keep_alive);
	}
	rc = snprintf(head, sizeof(head),
	              "HTTP/1.1 200 OK\r\nServer: Mote httpd\r\nContent-Type: %s\r\n"
	              "Content-Length: %lld\r\nConnection: %s\r\n\r\n",
	              content_type(name), (long long)size, req->keep_alive ? "keep-alive" : "close");
	rc = send_all(fd, head, (size_t)rc);
	while (rc == 0 && !head_only && sent < size) {
		ssize_t n = read(file, buf, size - sent < FILE_CHUNK ? (size_t)(size - sent) : FILE_CHUNK);

		if (n <= 0)
			rc = -1;
		else if ((rc = send_all(fd, buf, (size_t)n)) == 0)
			sent += n;
	}
	free(buf);
	close(file);
	return rc;
}

static void set_phase(int i, enum conn_phase phase)
{
	pthread_mutex_lock(&table_lock);
	conn_table_set_phase(&table, i, phase, now_ns());
	pthread_mutex_unlock(&table_lock);
}

/* Wait until slot i's socket has input or the deadline passes: 1 when it has input (or an
 * error or EOF, which recv reports), 0 at the deadline, -ECONNABORTED when the accept loop
 * evicted the connection. Only here may another thread shut the socket down: lwIP's
 * shutdown frees the receive mailbox, so no thread of ours may be inside recv() or send()
 * on it meanwhile, while a poll() is woken by it. */
static int wait_input(int i, uint64_t deadline)
{
	struct pollfd p = {.fd = table.slot[i].fd, .events = POLLIN};
	bool gone;
	int rc;

	for (;;) {
		uint64_t now = now_ns(), left_ms;
		int ms;

		if (now >= deadline)
			return 0;
		/* Rounded up, so a wake-up a little early does not turn into a busy loop. */
		left_ms = (deadline - now + NS_PER_MS - 1) / NS_PER_MS;
		ms = left_ms > 60000 ? 60000 : (int)left_ms;
		pthread_mutex_lock(&table_lock);
		gone = table.slot[i].evicted;
		table.slot[i].waiting = !gone;
		pthread_mutex_unlock(&table_lock);
		if (gone)
			return -ECONNABORTED;
		rc = poll(&p, 1, ms);
		pthread_mutex_lock(&table_lock);
		table.slot[i].waiting = false;
		gone = table.slot[i].evicted;
		pthread_mutex_unlock(&table_lock);
		if (gone)
			return -ECONNABORTED;
		if (rc > 0)
			return 1;
		if (rc < 0 && errno != EINTR)
			return 1; /* let recv() report it */
	}
}

/* Bytes from slot i's socket once wait_input() saw input: the count, 0 at EOF, or -1. Does
 * not block, so a connection is never stuck outside wait_input(). */
static ssize_t recv_input(int i, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = recv(table.slot[i].fd, buf, len, MSG_DONTWAIT);

		if (n >= 0 || errno != EINTR)
			return n;
	}
}

/* After an error reply: send our EOF, then read and drop what the client still sends until its
 * EOF, LINGER_MS or LINGER_BYTES, whichever comes first. */
static void linger(int i)
{
	uint64_t deadline = now_ns() + LINGER_MS * NS_PER_MS;
	size_t dropped = 0;
	char sink[512];

	set_phase(i, CONN_LINGER);
	shutdown(table.slot[i].fd, SHUT_WR);
	while (dropped < LINGER_BYTES && wait_input(i, deadline) == 1) {
		ssize_t n = recv_input(i, sink, sizeof(sink));

		if (n == 0 || (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN))
			break;
		if (n > 0)
			dropped += (size_t)n;
	}
}

static void count(unsigned long *counter) { __atomic_add_fetch(counter, 1, __ATOMIC_RELAXED); }

/* Read up to the end of the request head into buf (have bytes already there). Returns the
 * head's length (req filled in), 0 when the connection is to be closed without a reply, or a
 * negative errno from the parser (the reply is an error). */
static int read_head(int i, char *buf, size_t *have, struct http_request *req)
{
	uint64_t deadline = table.slot[i].since_ns + idle_timeout;
	bool started = false;

	for (;;) {
		int head = http_parse_request(buf, *have, req);
		ssize_t n;
		int rc;

		if (head != 0)
			return head;
		if (*have == RECV_BUF)
			return -E2BIG;
		if (*have > 0 && !started) {
			/* The first byte of a request: the head must now be complete in time. */
			started = true;
			set_phase(i, CONN_HEAD);
			deadline = now_ns() + header_timeout;
		}
		rc = wait_input(i, deadline);
		if (rc == 0) {
			count(&timed_out);
			return started ? -ETIMEDOUT : 0;
		}
		if (rc < 0)
			return 0;
		n = recv_input(i, buf + *have, RECV_BUF - *have);
		if (n == 0 || (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN))
			return 0;
		if (n > 0)
			*have += (size_t)n;
	}
}

/* Drop a request body of len bytes (at most BODY_MAX), first those already in buf. 0 when
 * it has all arrived, -ETIMEDOUT when it has not within the body timeout, or -ECONNRESET. */
static int skip_body(int i, char *buf, size_t *have, size_t consumed, size_t len)
{
	size_t in_buf = *have - consumed < len ? *have - consumed : len;
	uint64_t deadline = now_ns() + body_timeout;

	consumed += in_buf;
	len -= in_buf;
	memmove(buf, buf + consumed, *have - consumed);
	*have -= consumed;
	if (len > 0)
		set_phase(i, CONN_BODY);
	while (len > 0) {
		char sink[1024];
		int rc = wait_input(i, deadline);
		ssize_t n;

		if (rc == 0) {
			count(&timed_out);
			return -ETIMEDOUT;
		}
		if (rc < 0)
			return -ECONNRESET;
		n = recv_input(i, sink, len < sizeof(sink) ? len : sizeof(sink));
		if (n == 0 || (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN))
			return -ECONNRESET;
		if (n > 0)
			len -= (size_t)n;
	}
	return 0;
}

/* Serve requests on connection slot i until the client closes, asks to, sends garbage, is too
 * slow, or is evicted; then close it and free the slot. */
static void *connection(void *arg)
{
	int i = (int)(intptr_t)arg;
	int fd = table.slot[i].fd;
	char *buf = table.slot[i].buf;
	size_t have = 0;

	for (;;) {
		struct http_request req;
		int head = read_head(i, buf, &have, &req);
		const struct www_file *f;
		bool head_only;
		int rc;

		if (head == 0)
			break;
		if (head < 0) {
			/* The stream cannot be resynchronized after a bad head: answer and close. */
			if (head == -ETIMEDOUT)
				respond_error(fd, 408, "Request Timeout", false, false);
			else if (head == -E2BIG)
				respond_error(fd, 431, "Request Header Fields Too Large", false, false);
			else if (head == -ENOSYS)
				respond_error(fd, 501, "Not Implemented", false, false);
			else
				respond_error(fd, 400, "Bad Request", false, false);
			count(&refused);
			linger(i);
			break;
		}
		if (req.content_length > BODY_MAX) {
			respond_error(fd, 413, "Content Too Large", false, false);
			count(&refused);
			linger(i);
			break;
		}
		rc = skip_body(i, buf, &have, (size_t)head, req.content_length);
		if (rc == -ETIMEDOUT) {
			respond_error(fd, 408, "Request Timeout", false, false);
			linger(i);
			break;
		}
		if (rc < 0)
			break;

		set_phase(i, CONN_BUSY);
		f = req.method == HTTP_OTHER || www_root() ? NULL : find_file(req.path);
		head_only = req.method == HTTP_HEAD;
		if (req.method == HTTP_OTHER)
			rc = respond_error(fd, 405, "Method Not Allowed", false, req.keep_alive);
		else if (www_root())
			rc = respond_root(fd, &req, head_only);
		else if (f == NULL)
			rc = respond_error(fd, 404, "Not Found", head_only, req.keep_alive);
		else
			rc = respond(fd, 200, "OK", content_type(f->path), f->data, f->size, head_only,
			             req.keep_alive);
		count(&served);
		if (rc != 0 || !req.keep_alive)
			break;
		/* A pipelined request already in buf starts its head (and its header timeout) now. */
		set_phase(i, CONN_IDLE);
	}
	/* CLOSING keeps the slot, so its descriptor number is not shut down by the accept loop
	 * after close() has given it to a new connection. */
	set_phase(i, CONN_CLOSING);
	close(fd);
	free(buf);
	pthread_mutex_lock(&table_lock);
	conn_table_remove(&table, i);
	pthread_cond_signal(&slot_freed);
	pthread_mutex_unlock(&table_lock);
	return NULL;
}

/* Shut down the connection conn_table_victim() names, if any, so that its thread wakes from
 * poll() and closes it. Caller holds table_lock. Returns 0, or -ENOENT with none to close. */
static int evict_locked(void)
{
	int v = conn_table_victim(&table);

	if (v < 0)
		return v;
	table.slot[v].evicted = true;
	shutdown(table.slot[v].fd, SHUT_RDWR);
	count(&evicted);
	return 0;
}

/* Wait up to ms for a connection to end. Caller holds table_lock. */
static void wait_slot_locked(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000L;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	pthread_cond_timedwait(&slot_freed, &table_lock, &ts);
}

/* Return once a connection may be accepted: at the cap, wait for a client to arrive and close
 * the connection conn_table_victim() names to make room for it. */
static void make_room(int lfd)
{
	pthread_mutex_lock(&table_lock);
	while (table.used >= table.cap) {
		struct pollfd p = {.fd = lfd, .events = POLLIN};
		int rc;

		/* Evict only for a client that is really there, queued by the stack. */
		pthread_mutex_unlock(&table_lock);
		rc = poll(&p, 1, ROOM_WAIT_MS);
		pthread_mutex_lock(&table_lock);
		/* After an eviction the thread frees its slot at once; with none to evict (every
		 * connection is answering, or a new one has not reached poll() yet), look again
		 * soon rather than leave the client queued for long. */
		if (table.used >= table.cap)
			wait_slot_locked(rc > 0 && evict_locked() == 0 ? ROOM_WAIT_MS : RETRY_MS);
	}
	pthread_mutex_unlock(&table_lock);
}

/* Evict one connection and wait for its slot, after accept() or a thread ran out of memory or
 * descriptors. Returns 0 when one was closed, -ENOENT when none could be. */
static int make_room_now(void)
{
	int rc;

	pthread_mutex_lock(&table_lock);
	rc = evict_locked();
	if (rc == 0)
		wait_slot_locked(ROOM_WAIT_MS);
	pthread_mutex_unlock(&table_lock);
	return rc;
}

/* Give a thread to the accepted connection fd, making room if memory is short. */
static void start_connection(int fd)
{
	static const int one = 1;
	struct timeval send_limit = {.tv_sec = (time_t)(body_timeout / NS_PER_S),
	                             .tv_usec = (long)(body_timeout % NS_PER_S / 1000)};

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A client that stops reading our reply cannot hold the thread in send(). */
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_limit, sizeof(send_limit));
	/* One more try after closing another connection: when that does not free enough memory,
	 * closing more would only lose clients. */
	for (int attempt = 0; attempt < 2; attempt++) {
		pthread_attr_t attr;
		char *buf = malloc(RECV_BUF);
		int i = -ENOSPC, rc = ENOMEM;

		if (buf != NULL) {
			pthread_mutex_lock(&table_lock);
			i = conn_table_add(&table, fd, buf, now_ns());
			pthread_mutex_unlock(&table_lock);
		}
		if (i >= 0) {
			pthread_attr_init(&attr);
			pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
			pthread_attr_setstacksize(&attr, CONN_STACK);
			rc = pthread_create(&(pthread_t){0}, &attr, connection, (void *)(intptr_t)i);
			pthread_attr_destroy(&attr);
			if (rc == 0)
				return;
			pthread_mutex_lock(&table_lock);
			conn_table_remove(&table, i);
			pthread_mutex_unlock(&table_lock);
		}
		free(buf);
		/* Out of memory (a thread's stack, the buffer): close another connection. */
		if (attempt == 0 && make_room_now() < 0)
			break;
	}
	respond_error(fd, 503, "Service Unavailable", false, false);
	close(fd);
}

/* A whole number of seconds, 1 to 86400, into *ns. */
static int parse_seconds(const char *opt, const char *s, uint64_t *ns)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 1 || v > 86400) {
		fprintf(stderr, "httpd: bad value '%s' for %s: seconds from 1 to 86400\n", s, opt);
		return -EINVAL;
	}
	*ns = (uint64_t)v * NS_PER_S;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons(80)};
	int lfd, one = 1, max_conns = CONNS_MAX;

	for (int i = 1; i < argc; i++) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
		char *end;
		long v;

		if (val == NULL) {
			fprintf(stderr, USAGE);
			return 2;
		}
		i++;
		if (strcmp(opt, "-p") == 0) {
			v = strtol(val, &end, 10);
			if (*val == '\0' || *end != '\0' || v < 1 || v > 65535) {
				fprintf(stderr, "httpd: bad port '%s'\n", val);
				return 2;
			}
			addr.sin6_port = htons((uint16_t)v);
		} else if (strcmp(opt, "--idle-timeout") == 0) {
			if (parse_seconds(opt, val, &idle_timeout) < 0)
				return 2;
		} else if (strcmp(opt, "--header-timeout") == 0) {
			if (parse_seconds(opt, val, &header_timeout) < 0)
				return 2;
		} else if (strcmp(opt, "--body-timeout") == 0) {
			if (parse_seconds(opt, val, &body_timeout) < 0)
				return 2;
		} else if (strcmp(opt, "--max-conns") == 0) {
			v = strtol(val, &end, 10);
			if (*val == '\0' || *end != '\0' || v < 1 || v > CONNS_MAX) {
				fprintf(stderr, "httpd: bad value '%s' for --max-conns: 1 to %d\n", val,
				        CONNS_MAX);
				return 2;
			}
			max_conns = (int)v;
		} else if (strcmp(opt, "--root") == 0) {
			int rc = www_root_set(val);
			if (rc < 0) {
				fprintf(stderr, "httpd: cannot serve '%s': %s\n", val, strerror(-rc));
				return 2;
			}
		} else {
			fprintf(stderr, USAGE);
			return 2;
		}
	}
	conn_table_init(&table, max_conns);
	/* One IPv6 socket serves IPv4 clients too (lwIP's dual-stack any address). */
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, SOMAXCONN) < 0) {
		fprintf(stderr, "httpd: cannot listen on port %u: %s\n", ntohs(addr.sin6_port),
		        strerror(errno));
		return 1;
	}
	if (www_root())
		printf("httpd: serving the folder %s", www_root());
	else
		printf("httpd: serving %zu files", www_file_count);
	printf(" on port %u (idle %llu s, header %llu s, body %llu s, "
	       "%d connections)\n",
	       ntohs(addr.sin6_port), (unsigned long long)(idle_timeout / NS_PER_S),
	       (unsigned long long)(header_timeout / NS_PER_S), (unsigned long long)(body_timeout / NS_PER_S),
	       max_conns);
	fflush(stdout);
	for (;;) {
		int fd;

		make_room(lfd);
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			/* Out of descriptors or memory: close a waiting connection, or wait for one
			 * to end. Other errors concern only the connection that failed. */
			if ((errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS) &&
			    make_room_now() < 0)
				usleep(10000);
			continue;
		}
		start_connection(fd);
	}
}
