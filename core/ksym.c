/* SPDX-License-Identifier: MIT */
/* ksym.c: finding the function that contains a code address in a symbol blob made by
 * tools/mksyms. It runs in fault handlers, so it allocates nothing, takes no lock and trusts
 * nothing in the blob: every offset is checked before it is followed. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <mote/ksym.h>

/* Entries are copied out rather than pointed at: the blob may sit at any alignment (a fuzzer
 * or a test hands us arbitrary buffers) and a misaligned load is undefined behaviour. */
static void read_entry(const unsigned char *base, size_t i, struct ksym_entry *e)
{
	memcpy(e, base + sizeof(struct ksym_header) + i * sizeof(*e), sizeof(*e));
}

int ksym_lookup_blob(const void *blob, size_t len, uintptr_t addr, const char **name, uintptr_t *offset)
{
	const unsigned char *base = blob;
	struct ksym_header h;
	struct ksym_entry e;
	const char *s;
	size_t lo, hi, mid, i, left;

	/* The first link of every image carries an empty section: no symbols, not an error. */
	if (len == 0)
		return -ENOENT;
	if (!blob || len < sizeof(h))
		return -EINVAL;
	memcpy(&h, base, sizeof(h));
	if (h.magic != KSYM_MAGIC)
		return -EINVAL;
	if (h.count > (len - sizeof(h)) / sizeof(e))
		return -EINVAL;
	if (h.strtab_off > len || h.strtab_len > len - h.strtab_off)
		return -EINVAL;

	if (addr < h.base)
		return -ENOENT;
	addr -= (uintptr_t)h.base; /* from here on, an offset from base, as the entries hold */

	/* Find the first entry above addr; the one before it is the candidate. */
	lo = 0;
	hi = h.count;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		read_entry(base, mid, &e);
		if (e.addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -ENOENT;
	read_entry(base, lo - 1, &e);
	if (e.size != 0 && addr - e.addr >= e.size)
		return -ENOENT;

	/* The names follow the entries' order: skip lo - 1 of them, each checked for its NUL. */
	s = (const char *)base + h.strtab_off;
	left = h.strtab_len;
	for (i = 0;; i++) {
		const char *nul = memchr(s, '\0', left);

		if (!nul)
			return -EINVAL;
		if (i == lo - 1)
			break;
		left -= (size_t)(nul + 1 - s);
		s = nul + 1;
	}
	*name = s;
	*offset = addr - (uintptr_t)e.addr;
	return 0;
}
