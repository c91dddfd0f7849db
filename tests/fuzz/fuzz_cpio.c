/* SPDX-License-Identifier: MIT */
/* fuzz_cpio.c: the initrd's cpio reader (fs/initrd/cpio.c) on any bytes: every entry it
 * accepts lies wholly inside the input, names end in their NUL, and the walk always ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../fs/initrd/cpio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpio_entry e;
	size_t off = 0, prev;
	int rc;

	do {
		prev = off;
		rc = cpio_next(data, size, &off, &e);
		if (rc == 1) {
			const uint8_t *name = (const uint8_t *)e.name;

			if (name < data || name + e.namelen + 1 > data + size || e.name[e.namelen] != '\0' ||
			    strlen(e.name) != e.namelen)
				abort();
			if (e.data < data || e.size > size || e.data > data + size - e.size)
				abort();
			if (off <= prev || off > size)
				abort(); /* no progress would loop forever */
		}
	} while (rc == 1);
	return 0;
}
