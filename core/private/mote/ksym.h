/* SPDX-License-Identifier: MIT */
/* mote/ksym.h: the symbol table embedded in every image (section .ksyms, made at link time by
 * tools/mksyms from the first link of the same image), and lookups of code addresses in it. */
#ifndef MOTE_KSYM_H
#define MOTE_KSYM_H

#include <stddef.h>
#include <stdint.h>

#define KSYM_MAGIC 0x4d59534bu /* "KSYM" */

/* The blob: a header, `count` entries sorted by address, then the string table.
 * All offsets are from the start of the blob; little-endian as on the target. */
struct ksym_header {
	uint32_t magic;
	uint32_t count;
	uint32_t strtab_off;
	uint32_t strtab_len;
};

struct ksym_entry {
	uint64_t addr;
	uint32_t size;     /* bytes of code; 0 when the symbol table did not say */
	uint32_t name_off; /* into the string table, NUL-terminated */
};

_Static_assert(sizeof(struct ksym_header) == 16, "ksym header layout");
_Static_assert(sizeof(struct ksym_entry) == 16, "ksym entry layout");

/* Find the function containing `addr` in `blob`: the entry with the largest address <= addr,
 * within its size when the size is known. Checks the blob's bounds as it goes. Returns 0 and
 * sets *name and *offset, or -ENOENT (no symbol) or -EINVAL (a malformed blob). */
int ksym_lookup_blob(const void *blob, size_t len, uintptr_t addr, const char **name, uintptr_t *offset);

/* The same in this image's own .ksyms section. */
int ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset);

#endif
