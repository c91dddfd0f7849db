/* SPDX-License-Identifier: MIT */
/* ksym.c: finding the function that contains a code address in a symbol blob made by
 * tools/mksyms, and expanding its compressed name. It runs in fault handlers, so it allocates
 * nothing, takes no lock and trusts nothing in the blob: every offset is checked before it is
 * followed. */
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

/* Expand the codes at s (ended by a 0) into out[0..cap), cut to fit and terminated. Pairs only
 * name lower codes and nest at most KSYM_DEPTH_MAX deep: a blob that breaks either rule is
 * refused, so a corrupt table cannot loop or overrun the stack. */
static int expand(const unsigned char *s, const unsigned char *pairs, uint32_t npairs, char *out, size_t cap)
{
	unsigned char stack[KSYM_DEPTH_MAX + 1];
	size_t n = 0;

	for (; *s; s++) {
		unsigned sp = 0;

		stack[sp++] = *s;
		while (sp > 0) {
			unsigned c = stack[--sp], i = c - 0x80u;

			if (c < 0x80) {
				if (n + 1 < cap)
					out[n++] = (char)c;
				continue;
			}
			if (i >= npairs || pairs[2 * i] >= c || pairs[2 * i + 1] >= c || pairs[2 * i] == 0 ||
			    pairs[2 * i + 1] == 0 || sp + 2 > sizeof(stack))
				return -EINVAL;
			stack[sp++] = pairs[2 * i + 1];
			stack[sp++] = pairs[2 * i];
		}
	}
	out[n] = '\0';
	return 0;
}

int ksym_lookup_blob(const void *blob, size_t len, uintptr_t addr, char *name, size_t namelen,
                     uintptr_t *offset)
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
	if (h.npairs > KSYM_PAIRS_MAX || h.pairs_off > len || 2 * h.npairs > len - h.pairs_off)
		return -EINVAL;
	if (!name || namelen == 0)
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
		size_t n = 0; /* a plain loop, not memchr: newlib's (0.2 KB) is linked by no other caller */

		while (n < left && s[n])
			n++;
		if (n == left)
			return -EINVAL;
		if (i == lo - 1)
			break;
		left -= n + 1;
		s += n + 1;
	}
	if (expand((const unsigned char *)s, base + h.pairs_off, h.npairs, name, namelen) < 0)
		return -EINVAL;
	*offset = addr - (uintptr_t)e.addr;
	return 0;
}
