/* SPDX-License-Identifier: MIT */
/* fuzz_xenbus.c: the xenbus bus's checks of backend-written values (platforms/xen/
 * xenbus_check.c) on arbitrary strings: what they accept must really be a plain number at most
 * the maximum, or a backend path of the promised shape. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../platforms/xen/xenbus_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[160];
	uint64_t v = 0, max = 0;

	if (size < 9)
		return 0;
	memcpy(&max, data, 8);
	data += 8, size -= 8;
	if (size >= sizeof(s))
		size = sizeof(s) - 1;
	memcpy(s, data, size);
	s[size] = '\0';
	if (xenbus_parse_u64(s, max, &v) == 0) {
		char back[24];

		/* Accepted: printing the value gives the same text back, and it is in range. */
		snprintf(back, sizeof(back), "%llu", (unsigned long long)v);
		if (v > max || strcmp(back, s) != 0)
			__builtin_trap();
	}
	unsigned id = (unsigned)(max & 0xffff);

	if (xenbus_check_backend_path(s, id, 128) == 0) {
		char head[48];
		int n = snprintf(head, sizeof(head), "/local/domain/%u/backend/", id);

		if (strlen(s) >= 128 || strncmp(s, head, (size_t)n) != 0 || s[strlen(s) - 1] == '/' ||
		    strstr(s, "//") || strstr(s, "/../") || strstr(s, "/./"))
			__builtin_trap();
	}
	(void)xenbus_verdict((enum xenbus_phase)(data[0] % 5), (int)(int8_t)data[size - 1]);
	return 0;
}
