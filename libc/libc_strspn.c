/* SPDX-License-Identifier: MIT */
/* strcspn and strspn with a 256-bit set of the accepted or rejected bytes, replacing newlib's,
 * which scans the whole set again for every byte of the string (SQLite's LIKE calls strcspn for
 * each candidate position, so that rescan was 3% of speedtest1's instructions). strcspn with one
 * to four rejected bytes (LIKE's case pair) compares 16 bytes at a time with SSE2. */
#include <emmintrin.h>
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

/* strcspn for a set of 1 to 4 bytes, each broadcast into a vector (a shorter set repeats some of
 * them; with `two`, only c0 and c1 are compared, the case pair SQLite's LIKE looks for): each
 * aligned 16-byte block is compared with the terminator and every rejected byte. Aligned loads
 * never cross a page, so reading a block's bytes past the terminator cannot fault; the bytes
 * before s in the first block are shifted out of the mask. The over-read is deliberate, so the
 * host unit test's AddressSanitizer is told not to instrument it. The bytes come by value, not
 * in an array: an array would give the caller a stack canary to set and check on every call. */
__attribute__((no_sanitize_address, always_inline)) static inline size_t
cspn_small(const char *s, __m128i c0, __m128i c1, __m128i c2, __m128i c3, int two)
{
	const __m128i zero = _mm_setzero_si128();
	uintptr_t off = (uintptr_t)s & 15;
	const __m128i *blk = (const __m128i *)((uintptr_t)s - off);
	unsigned mask;

	for (;;) {
		__m128i v = _mm_load_si128(blk);
		__m128i hit = _mm_or_si128(_mm_cmpeq_epi8(v, zero),
		                           _mm_or_si128(_mm_cmpeq_epi8(v, c0), _mm_cmpeq_epi8(v, c1)));

		if (!two)
			hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(v, c2), _mm_cmpeq_epi8(v, c3)));
		mask = (unsigned)_mm_movemask_epi8(hit) >> off << off;
		if (mask)
			break;
		blk++;
		off = 0;
	}
	return (size_t)((const char *)blk + __builtin_ctz(mask) - s);
}

/* Sets of three bytes or more, out of strcspn's common path (this one has the stack array). */
__attribute__((no_sanitize_address, noinline)) static size_t cspn_more(const char *s, const char *reject)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *r = (const unsigned char *)reject;
	uint64_t bits[4];

	if (r[3] == 0 || r[4] == 0) {
		size_t n = r[3] == 0 ? 3 : 4;

		/* Repeat the set's bytes to fill four: a repeated byte matches where it did. */
		return cspn_small(s, _mm_set1_epi8((char)r[0]), _mm_set1_epi8((char)r[1]),
		                  _mm_set1_epi8((char)r[2]), _mm_set1_epi8((char)r[n - 1]), 0);
	}
	byte_set(bits, reject, 1); /* the terminator stops the scan like a rejected byte */
	while (!in_set(bits, *p))
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

__attribute__((no_sanitize_address)) size_t strcspn(const char *s, const char *reject)
{
	const unsigned char *r = (const unsigned char *)reject;

	if (r[0] == 0)
		return strlen(s);
	if (r[1] == 0 || r[2] == 0) { /* one byte (compared twice) or two */
		__m128i c0 = _mm_set1_epi8((char)r[0]), c1 = r[1] ? _mm_set1_epi8((char)r[1]) : c0;

		return cspn_small(s, c0, c1, c0, c0, 1);
	}
	return cspn_more(s, reject);
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
