/* SPDX-License-Identifier: MIT */
/* mote/ksym.h: the symbol table embedded in every image (section .ksyms, made at link time by
 * tools/mksyms from the first link of the same image), and lookups of code addresses in it. */
#ifndef MOTE_KSYM_H
#define MOTE_KSYM_H

#include <stddef.h>
#include <stdint.h>

#define KSYM_MAGIC 0x3259534bu /* "KSY2": the compact layout below */

/* The blob: a header, `count` entries sorted by address, then the string table: the entries'
 * names, NUL-terminated, in the entries' order. Entries hold 32-bit offsets from `base` and no
 * name offset, 8 bytes instead of 16 (issue 15: a quarter of the blob); a lookup, which runs
 * only on a fault, walks the names to the one it found. All offsets are from the start of the
 * blob; little-endian as on the target. */
struct ksym_header {
	uint32_t magic;
	uint32_t count;
	uint32_t strtab_off;
	uint32_t strtab_len;
	uint64_t base; /* the lowest entry's address */
};

struct ksym_entry {
	uint32_t addr; /* - base */
	uint32_t size; /* bytes of code; 0 when the symbol table did not say */
};

_Static_assert(sizeof(struct ksym_header) == 24, "ksym header layout");
_Static_assert(sizeof(struct ksym_entry) == 8, "ksym entry layout");

/* Find the function containing `addr` in `blob`: the entry with the largest address <= addr,
 * within its size when the size is known. Checks the blob's bounds as it goes. Returns 0 and
 * sets *name and *offset, or -ENOENT (no symbol) or -EINVAL (a malformed blob). */
int ksym_lookup_blob(const void *blob, size_t len, uintptr_t addr, const char **name, uintptr_t *offset);

/* The same in this image's own .ksyms section. */
int ksym_lookup(uintptr_t addr, const char **name, uintptr_t *offset);

#endif
