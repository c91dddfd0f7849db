/* SPDX-License-Identifier: MIT */
/* http_request.h: the HTTP/1.x request-head parser of the httpd example (RFC 9112 §2-3, §9.3):
 * pure code, unit-tested and fuzzed on the host. */
#ifndef HTTP_REQUEST_H
#define HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_PATH_MAX 256
#define HTTP_HEAD_MAX 8192 /* a longer head is refused (431) */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
	enum http_method method;
	char path[HTTP_PATH_MAX]; /* percent-decoded, without the query; starts with '/' */
	int minor;                /* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;          /* the connection may carry another request */
	size_t content_length;    /* body bytes that follow the head */
};

/* Parse the request head at the start of buf[0, len). Returns the head's length (through the
 * empty line) when it is complete and valid, 0 when more bytes are needed, -EINVAL when it is
 * malformed (400), -E2BIG when the head exceeds HTTP_HEAD_MAX (431) and -ENOSYS for a
 * transfer coding the server does not read (501). */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

#endif
