/* SPDX-License-Identifier: MIT */
/* ksym_image.c: symbol lookups in this image's own .ksyms section. Kept apart from ksym.c
 * because the section's bounds exist only in a linked image, never in a host unit test. */
#include <stddef.h>
#include <stdint.h>

#include <mote/ksym.h>

/* Defined by the linker script around the .ksyms output section. */
extern const char __ksyms_start[], __ksyms_end[];

/* May be called from any context, faults included: it only reads the section. */
int ksym_lookup(uintptr_t addr, char *name, size_t namelen, uintptr_t *offset)
{
	/* Compared as integers: the two symbols are distinct objects to the compiler. */
	size_t len = (size_t)((uintptr_t)__ksyms_end - (uintptr_t)__ksyms_start);

	return ksym_lookup_blob(__ksyms_start, len, addr, name, namelen, offset);
}
