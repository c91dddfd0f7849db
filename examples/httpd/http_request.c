/* SPDX-License-Identifier: MIT */
/* http_request.c: parses a request line and header fields strictly: anything outside the
 * grammar is a 400, never a guess, since the bytes come from any client on the network. */
#include <errno.h>
#include <string.h>

#include "http_request.h"

/* RFC 9110 §5.6.2 tchar. */
static bool is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool equal_nocase(const char *a, size_t alen, const char *b)
{
	if (alen != strlen(b))
		return false;
	for (size_t i = 0; i < alen; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x - 'A' + 'a');
		if (x != y)
			return false;
	}
	return true;
}

/* origin-form target (RFC 9112 §3.2.1): decode %XX, drop the query, refuse NUL, control
 * characters and any ".." segment, which could name a file above the root. */
static int parse_target(const char *t, size_t len, char *path)
{
	size_t out = 0;

	if (len == 0 || t[0] != '/')
		return -EINVAL;
	for (size_t i = 0; i < len && t[i] != '?'; i++) {
		char c = t[i];

		if (c == '%') {
			int hi, lo;
			if (i + 2 >= len || (hi = hex_value(t[i + 1])) < 0 || (lo = hex_value(t[i + 2])) < 0)
				return -EINVAL;
			c = (char)(hi * 16 + lo);
			i += 2;
		}
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (out + 1 >= HTTP_PATH_MAX)
			return -EINVAL;
		path[out++] = c;
	}
	path[out] = '\0';
	for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2) {
		if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
			return -EINVAL;
	}
	return 0;
}

static int parse_request_line(const char *line, size_t len, struct http_request *req)
{
	const char *sp1 = memchr(line, ' ', len), *sp2;
	size_t mlen;

	if (sp1 == NULL || sp1 == line)
		return -EINVAL;
	mlen = (size_t)(sp1 - line);
	for (size_t i = 0; i < mlen; i++) {
		if (!is_tchar(line[i]))
			return -EINVAL;
	}
	sp2 = memchr(sp1 + 1, ' ', len - mlen - 1);
	if (sp2 == NULL || line + len - (sp2 + 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) != 0)
		return -EINVAL;
	if (sp2[8] != '0' && sp2[8] != '1')
		return -EINVAL;
	req->minor = sp2[8] - '0';
	if (mlen == 3 && memcmp(line, "GET", 3) == 0)
		req->method = HTTP_GET;
	else if (mlen == 4 && memcmp(line, "HEAD", 4) == 0)
		req->method = HTTP_HEAD;
	else
		req->method = HTTP_OTHER;
	return parse_target(sp1 + 1, (size_t)(sp2 - sp1 - 1), req->path);
}

static int parse_field(const char *line, size_t len, struct http_request *req, bool *seen_length)
{
	const char *colon = memchr(line, ':', len);
	const char *v, *end = line + len;
	size_t nlen;

	if (colon == NULL || colon == line)
		return -EINVAL;
	nlen = (size_t)(colon - line);
	for (size_t i = 0; i < nlen; i++) {
		if (!is_tchar(line[i]))
			return -EINVAL; /* includes whitespace before the colon (RFC 9112 §5.1) */
	}
	for (v = colon + 1; v < end && (*v == ' ' || *v == '\t'); v++)
		;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	for (const char *p = v; p < end; p++) {
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return -EINVAL;
	}
	if (equal_nocase(line, nlen, "connection")) {
		if (equal_nocase(v, (size_t)(end - v), "close"))
			req->keep_alive = false;
		else if (equal_nocase(v, (size_t)(end - v), "keep-alive"))
			req->keep_alive = true;
	} else if (equal_nocase(line, nlen, "content-length")) {
		size_t n = 0;

		if (v == end || *seen_length)
			return -EINVAL;
		for (const char *p = v; p < end; p++) {
			if (*p < '0' || *p > '9' || n > (size_t)1 << 40)
				return -EINVAL;
			n = n * 10 + (size_t)(*p - '0');
		}
		req->content_length = n;
		*seen_length = true;
	} else if (equal_nocase(line, nlen, "transfer-encoding")) {
		return -ENOSYS;
	}
	return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
	size_t pos = 0;
	bool first = true, seen_length = false;
	int rc;

	memset(req, 0, sizeof(*req));
	for (;;) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t line_len;

		if (nl == NULL)
			return len >= HTTP_HEAD_MAX ? -E2BIG : 0;
		if ((size_t)(nl - buf) + 1 > HTTP_HEAD_MAX)
			return -E2BIG;
		line_len = (size_t)(nl - (buf + pos));
		/* Lines end in CRLF; a bare LF or a CR inside a line is malformed. */
		if (line_len == 0 || buf[pos + line_len - 1] != '\r' ||
		    memchr(buf + pos, '\r', line_len - 1) != NULL)
			return -EINVAL;
		line_len--;
		if (first) {
			rc = parse_request_line(buf + pos, line_len, req);
			if (rc < 0)
				return rc;
			req->keep_alive = req->minor == 1;
			first = false;
		} else if (line_len == 0) {
			return (int)(nl - buf) + 1;
		} else {
			if (buf[pos] == ' ' || buf[pos] == '\t')
				return -EINVAL; /* obsolete line folding (RFC 9112 §5.2) */
			rc = parse_field(buf + pos, line_len, req, &seen_length);
			if (rc < 0)
				return rc;
		}
		pos = (size_t)(nl - buf) + 1;
	}
}
