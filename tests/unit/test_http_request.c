/* SPDX-License-Identifier: MIT */
/* test_http_request.c: the httpd example's request parser: valid heads, partial input and the
 * malformed requests that must give 400 rather than a guess. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "http_request.h"

static int parse(const char *s, struct http_request *req) { return http_parse_request(s, strlen(s), req); }

int main(void)
{
	struct http_request req;
	const char *get = "GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\n\r\n";
	char big[HTTP_HEAD_MAX + 64];

	CHECK_EQ(parse(get, &req), (long long)strlen(get));
	CHECK(req.method == HTTP_GET && req.minor == 1 && req.keep_alive);
	CHECK_STR(req.path, "/index.html");
	/* Pipelined: the head's length lets the caller find the next request. */
	CHECK_EQ(parse("HEAD / HTTP/1.0\r\n\r\nGET / HTTP/1.1\r\n\r\n", &req), 19);
	CHECK(req.method == HTTP_HEAD && req.minor == 0 && !req.keep_alive);
	CHECK_EQ(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &req), 42);
	CHECK(req.keep_alive);
	CHECK_EQ(parse("GET / HTTP/1.1\r\nconnection:close \r\n\r\n", &req), 37);
	CHECK(!req.keep_alive);
	CHECK_EQ(parse("POST /f HTTP/1.1\r\nContent-Length: 12\r\n\r\n", &req), 40);
	CHECK(req.method == HTTP_OTHER && req.content_length == 12);
	CHECK_EQ(parse("GET /a%20b HTTP/1.1\r\n\r\n", &req), 23);
	CHECK_STR(req.path, "/a b");
	CHECK_EQ(parse("GET /..a/b.. HTTP/1.1\r\n\r\n", &req), 25); /* dots inside names are fine */

	/* Incomplete: more bytes needed. */
	CHECK_EQ(parse("", &req), 0);
	CHECK_EQ(parse("GET / HTTP/1.1\r\nHost: a\r\n", &req), 0);
	CHECK_EQ(parse("GET / HTTP/1.1\r", &req), 0);

	/* Malformed. */
	static const char *bad[] = {
	        "GET / HTTP/1.1\n\n",
	        "GET  / HTTP/1.1\r\n\r\n",
	        "GET / HTTP/2.0\r\n\r\n",
	        "GET / HTTP/1.10\r\n\r\n",
	        "GET index.html HTTP/1.1\r\n\r\n",
	        "G(T / HTTP/1.1\r\n\r\n",
	        "GET /../etc HTTP/1.1\r\n\r\n",
	        "GET /a/%2e%2e/b HTTP/1.1\r\n\r\n",
	        "GET /%zz HTTP/1.1\r\n\r\n",
	        "GET /%00 HTTP/1.1\r\n\r\n",
	        "GET / HTTP/1.1\r\nHost : a\r\n\r\n",
	        "GET / HTTP/1.1\r\nNoColon\r\n\r\n",
	        "GET / HTTP/1.1\r\n folded\r\n\r\n",
	        "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
	        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
	        "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n",
	        "\r\n\r\n",
	        "GET /\r\n\r\n",
	        "GET / HTTP/1.1 \r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &req);
		if (rc != -EINVAL)
			fprintf(stderr, "bad[%zu] gave %d\n", i, rc);
		CHECK_EQ(rc, -EINVAL);
	}
	CHECK_EQ(parse("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", &req), -ENOSYS);
	memset(big, 'a', sizeof(big));
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	CHECK_EQ(http_parse_request(big, sizeof(big), &req), -E2BIG);

	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
