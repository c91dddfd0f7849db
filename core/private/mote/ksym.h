/* SPDX-License-Identifier: MIT */
/* mote/ksym.h: the symbol table embedded in every image (section .ksyms, made at link time by
 * tools/mksyms from the first link of the same image), and lookups of code addresses in it. */
#ifndef MOTE_KSYM_H
#define MOTE_KSYM_H

#include <stddef.h>
#include <stdint.h>

#define KSYM_MAGIC 0x3559534bu /* "KSY5": the compact layout below, names compressed */

/* The blob: a header, `count` entries sorted by address, the string table (the entries' names
 * in the entries' order, each a run of codes ended by a 0), then the pair table. An entry is
 * two ULEB128 numbers (7 bits a byte, low first, at most KSYM_ULEB_MAX bytes, at most
 * UINT32_MAX): how far its address lies past the entry before (the first: past `base`), and its
 * size in bytes of code (0 when unknown: it names every address up to the next entry). Most
 * entries take 2 or 3 bytes; a lookup, which runs only on a fault, walks them from the first
 * and then the names to the one it found (issue 15 made these choices for size).
 * A name's code below 0x80 is that ASCII byte; code 0x80 + i stands for the two codes of pair
 * i, each lower than 0x80 + i, so expanding always ends; at most KSYM_DEPTH_MAX pairs nest.
 * tools/mksyms picks the pairs that shorten the names most (byte-pair encoding): about half
 * the names' bytes. All offsets are from the start of the blob; little-endian as on the target. */
struct ksym_header {
	uint32_t magic;
	uint32_t count;
	uint32_t strtab_off; /* the entries fill the bytes from the header's end to here */
	uint32_t strtab_len;
	uint64_t base;      /* the address the first entry's distance counts from */
	uint32_t pairs_off; /* npairs pairs of codes, 2 bytes each */
	uint32_t npairs;    /* at most KSYM_PAIRS_MAX */
};

#define KSYM_PAIRS_MAX 128
#define KSYM_DEPTH_MAX 16
#define KSYM_ULEB_MAX  5 /* bytes of one number: 32 bits */

_Static_assert(sizeof(struct ksym_header) == 32, "ksym header layout");

/* A buffer that holds any name mksyms writes; a longer one is cut to fit, still terminated. */
#define KSYM_NAME_MAX 128

/* Find the function containing `addr` in `blob`: the entry with the largest address <= addr,
 * within its size when the size is known. Checks the blob's bounds as it goes. Returns 0, with
 * the name expanded into name[0..namelen) (namelen >= 1) and *offset set, or -ENOENT (no
 * symbol) or -EINVAL (a malformed blob). Allocates nothing: safe in fault handlers. */
int ksym_lookup_blob(const void *blob, size_t len, uintptr_t addr, char *name, size_t namelen,
                     uintptr_t *offset);

/* The same in this image's own .ksyms section. */
int ksym_lookup(uintptr_t addr, char *name, size_t namelen, uintptr_t *offset);

#endif
