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

/* One ULEB128 number at *p, before end; advances *p. -EINVAL when it runs past end, is longer
 * than KSYM_ULEB_MAX bytes or exceeds 32 bits. Byte-wise, so the blob may sit at any alignment
 * (a fuzzer or a test hands us arbitrary buffers). */
static int read_uleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < KSYM_ULEB_MAX; i++) {
		if (*p == end)
			return -EINVAL;
		unsigned char b = *(*p)++;

		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return x > UINT32_MAX ? -EINVAL : 0;
		}
	}
	return -EINVAL;
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
	const unsigned char *base = blob, *p, *end;
	struct ksym_header h;
	uint64_t at = 0, delta, size, found_at = 0, found_size = 0;
	const char *s;
	size_t found = 0, i, left;

	/* The first link of every image carries an empty section: no symbols, not an error. */
	if (len == 0)
		return -ENOENT;
	if (!blob || len < sizeof(h))
		return -EINVAL;
	memcpy(&h, base, sizeof(h));
	if (h.magic != KSYM_MAGIC)
		return -EINVAL;
	if (h.strtab_off < sizeof(h) || h.strtab_off > len || h.strtab_len > len - h.strtab_off)
		return -EINVAL;
	if (h.count > (h.strtab_off - sizeof(h)) / 2) /* an entry is at least 2 bytes */
		return -EINVAL;
	if (h.npairs > KSYM_PAIRS_MAX || h.pairs_off > len || 2 * h.npairs > len - h.pairs_off)
		return -EINVAL;
	if (!name || namelen == 0)
		return -EINVAL;

	if (addr < h.base)
		return -ENOENT;
	addr -= (uintptr_t)h.base; /* from here on, an offset from base, as the entries count */

	/* The last entry at or below addr is the candidate; found counts the entries up to it. At
	 * most count steps of at most 2^32 each: `at` cannot wrap. */
	p = base + sizeof(h);
	end = base + h.strtab_off;
	for (i = 0; i < h.count; i++) {
		if (read_uleb(&p, end, &delta) < 0 || read_uleb(&p, end, &size) < 0)
			return -EINVAL;
		at += delta;
		if (at > addr)
			break;
		found = i + 1;
		found_at = at;
		found_size = size;
	}
	if (found == 0)
		return -ENOENT;
	if (found_size != 0 && addr - found_at >= found_size)
		return -ENOENT;

	/* The names follow the entries' order: skip found - 1 of them, each checked for its NUL. */
	s = (const char *)base + h.strtab_off;
	left = h.strtab_len;
	for (i = 0;; i++) {
		size_t n = 0; /* a plain loop, not memchr: newlib's (0.2 KB) is linked by no other caller */

		while (n < left && s[n])
			n++;
		if (n == left)
			return -EINVAL;
		if (i == found - 1)
			break;
		left -= n + 1;
		s += n + 1;
	}
	if (expand((const unsigned char *)s, base + h.pairs_off, h.npairs, name, namelen) < 0)
		return -EINVAL;
	*offset = addr - (uintptr_t)found_at;
	return 0;
}
