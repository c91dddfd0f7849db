/* SPDX-License-Identifier: MIT */
/* fuzz_mb2_info.c: arbitrary bytes as the Multiboot2 boot information a loader hands over. The
 * input is copied to a heap buffer of exactly its size, so ASan catches any read past it; every
 * string the parser returns must end inside the buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mb2_info.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mb2_info mi;
	const char *why;
	uint8_t *buf = malloc(size ? size : 1);

	memcpy(buf, data, size);
	if (mb2_info_parse(buf, size, &mi, &why) == 0) {
		if (mi.cmdline && strlen(mi.cmdline) >= size)
			abort();
		for (unsigned i = 0; i < mi.nmodules; i++)
			if (strlen(mi.modules[i].cmdline) >= size)
				abort();
		if (mi.rsdp &&
		    ((const uint8_t *)mi.rsdp < buf || (const uint8_t *)mi.rsdp + mi.rsdp_len > buf + size))
			abort();
	} else if (!why || !*why) {
		abort(); /* a refusal always says why */
	}
	free(buf);
	return 0;
}
