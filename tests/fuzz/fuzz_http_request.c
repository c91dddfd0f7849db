/* SPDX-License-Identifier: MIT */
/* fuzz_http_request.c: libFuzzer target for the httpd example's request parser. Any bytes must
 * give a head length within the input, "need more", or an error; a parsed path starts with '/'
 * and holds no ".." segment. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../examples/httpd/http_request.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http_request req;
	int rc = http_parse_request((const char *)data, size, &req);

	assert(rc == 0 || rc == -EINVAL || rc == -E2BIG || rc == -ENOSYS || (rc > 0 && (size_t)rc <= size));
	if (rc > 0) {
		size_t n = strlen(req.path);
		assert(n > 0 && n < HTTP_PATH_MAX && req.path[0] == '/');
		assert(strstr(req.path, "/../") == NULL);
		assert(!(n >= 3 && strcmp(req.path + n - 3, "/..") == 0));
		assert(req.minor == 0 || req.minor == 1);
	}
	return 0;
}
