/* SPDX-License-Identifier: MIT */
/* fuzz_xen_xs.c: the xenstore reply decoders (platforms/xen/xen_xs_wire.c) on arbitrary
 * messages: a header, then its payload as the client would hand it over. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../platforms/xen/xen_xs_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xen_xs_header h;
	const char *parts[8];
	uint32_t v;

	if (size < XEN_XS_HEADER_LEN)
		return 0;
	if (xen_xs_parse_header(data, &h) != 0) {
		if (h.len <= XEN_XS_PAYLOAD_MAX)
			__builtin_trap();
		return 0;
	}
	const char *payload = (const char *)data + XEN_XS_HEADER_LEN;
	size_t len = size - XEN_XS_HEADER_LEN;

	if (h.len < len)
		len = h.len;
	int n = xen_xs_split(payload, len, parts, 8);

	if ((n < 0 && n != -EPROTO && n != -E2BIG) || n > 8)
		__builtin_trap();
	for (int i = 0; i < n; i++)
		if (parts[i] < payload || parts[i] >= payload + len ||
		    !memchr(parts[i], '\0', (size_t)(payload + len - parts[i])))
			__builtin_trap();
	if (xen_xs_error_errno(payload, len) >= 0)
		__builtin_trap();
	if (xen_xs_parse_u32(payload, len, &v) != 0 && xen_xs_parse_u32(payload, len, &v) != -EPROTO)
		__builtin_trap();
	return 0;
}
