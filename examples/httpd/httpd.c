/* SPDX-License-Identifier: MIT */
/* httpd.c: a static HTTP/1.1 server: the files of www/ (embedded at build time) for GET and
 * HEAD, persistent connections, one thread per connection. Usage: httpd [-p PORT] */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_request.h"
#include "www_files.h"

#define RECV_BUF (HTTP_HEAD_MAX + 1024)

static unsigned long served, refused;

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

/* Serve requests on one connection until the client closes, asks to, or sends garbage. */
static void *connection(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(RECV_BUF);
	size_t have = 0;
	bool open = buf != NULL;

	while (open) {
		struct http_request req;
		int head = http_parse_request(buf, have, &req);

		if (head == 0) {
			ssize_t n;
			if (have == RECV_BUF)
				break;
			n = recv(fd, buf + have, RECV_BUF - have, 0);
			if (n <= 0)
				break;
			have += (size_t)n;
			continue;
		}
		if (head < 0) {
			/* The stream cannot be resynchronized after a bad head: answer and close. */
			if (head == -E2BIG)
				respond_error(fd, 431, "Request Header Fields Too Large", false, false);
			else if (head == -ENOSYS)
				respond_error(fd, 501, "Not Implemented", false, false);
			else
				respond_error(fd, 400, "Bad Request", false, false);
			__atomic_add_fetch(&refused, 1, __ATOMIC_RELAXED);
			break;
		}
		/* Skip a request body (GET and HEAD have none in practice). */
		size_t consumed = (size_t)head;
		size_t body = req.content_length;
		size_t in_buf = have - consumed < body ? have - consumed : body;
		consumed += in_buf;
		body -= in_buf;
		while (body > 0 && open) {
			char sink[1024];
			ssize_t n = recv(fd, sink, body < sizeof(sink) ? body : sizeof(sink), 0);
			if (n <= 0)
				open = false;
			else
				body -= (size_t)n;
		}
		memmove(buf, buf + consumed, have - consumed);
		have -= consumed;
		if (!open)
			break;

		const struct www_file *f = req.method == HTTP_OTHER ? NULL : find_file(req.path);
		bool head_only = req.method == HTTP_HEAD;
		int rc;
		if (req.method == HTTP_OTHER)
			rc = respond_error(fd, 405, "Method Not Allowed", false, req.keep_alive);
		else if (f == NULL)
			rc = respond_error(fd, 404, "Not Found", head_only, req.keep_alive);
		else
			rc = respond(fd, 200, "OK", content_type(f->path), f->data, f->size, head_only,
			             req.keep_alive);
		__atomic_add_fetch(&served, 1, __ATOMIC_RELAXED);
		open = rc == 0 && req.keep_alive;
	}
	free(buf);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in6 addr = {.sin6_family = AF_INET6, .sin6_port = htons(80)};
	int lfd, one = 1;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-p") == 0 && i + 1 < argc) {
			char *end;
			long port = strtol(argv[++i], &end, 10);
			if (*end != '\0' || port < 1 || port > 65535) {
				fprintf(stderr, "httpd: bad port '%s'\n", argv[i]);
				return 2;
			}
			addr.sin6_port = htons((uint16_t)port);
		} else {
			fprintf(stderr, "usage: httpd [-p PORT]\n");
			return 2;
		}
	}
	/* One IPv6 socket serves IPv4 clients too (lwIP's dual-stack any address). */
	lfd = socket(AF_INET6, SOCK_STREAM, 0);
	if (lfd < 0 || setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, SOMAXCONN) < 0) {
		fprintf(stderr, "httpd: cannot listen on port %u: %s\n", ntohs(addr.sin6_port),
		        strerror(errno));
		return 1;
	}
	printf("httpd: serving %zu files on port %u\n", www_file_count, ntohs(addr.sin6_port));
	fflush(stdout);
	for (;;) {
		pthread_t t;
		pthread_attr_t attr;
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			/* Out of descriptors or memory: wait for a connection to end. */
			usleep(10000);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, 32 * 1024);
		if (pthread_create(&t, &attr, connection, (void *)(intptr_t)fd) != 0) {
			respond_error(fd, 503, "Service Unavailable", false, false);
			close(fd);
		}
		pthread_attr_destroy(&attr);
	}
}
