/* SPDX-License-Identifier: MIT */
/* strcspn and strspn with a 256-bit set of the accepted or rejected bytes, replacing newlib's,
 * which scans the whole set again for every byte of the string (SQLite's LIKE calls strcspn for
 * each candidate position, so that rescan was 3% of speedtest1's instructions). */
#include <stdint.h>
#include <string.h>

/* bits: one bit per byte value in set, and the terminator's bit when with_nul. */
static void byte_set(uint64_t bits[4], const char *set, int with_nul)
{
	bits[0] = with_nul ? 1 : 0;
	bits[1] = bits[2] = bits[3] = 0;
	for (const unsigned char *p = (const unsigned char *)set; *p; p++)
		bits[*p >> 6] |= 1ull << (*p & 63);
}

static int in_set(const uint64_t bits[4], unsigned char c) { return (bits[c >> 6] >> (c & 63)) & 1; }

size_t strcspn(const char *s, const char *reject)
{
	uint64_t bits[4];
	const unsigned char *p = (const unsigned char *)s;

	byte_set(bits, reject, 1); /* the terminator stops the scan like a rejected byte */
	while (!in_set(bits, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

size_t strspn(const char *s, const char *accept)
{
	uint64_t bits[4];
	const unsigned char *p = (const unsigned char *)s;

	byte_set(bits, accept, 0); /* the terminator is never accepted */
	while (in_set(bits, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}
