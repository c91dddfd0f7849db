/* SPDX-License-Identifier: MIT */
/* libc/libc_string.S's memcpy, memmove, memset, memcmp and strlen against byte-at-a-time
 * references written here: every length 0..300 and some past 4096, every alignment of source
 * and destination, overlap both ways, guard bytes around each buffer, a string ending at the
 * last byte before an unmapped page, copies and compares ending at one, and a random fuzz run. string.cmake
 * assembles the file with its names prefixed by mote_ so the host's own functions stay in use for everything
 * else. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "check.h"

void *mote_memcpy(void *dst, const void *src, size_t n);
void *mote_memmove(void *dst, const void *src, size_t n);
void *mote_memset(void *dst, int c, size_t n);
int mote_memcmp(const void *a, const void *b, size_t n);
size_t mote_strlen(const char *s);
size_t mote_strcspn(const char *s, const char *reject);
size_t mote_strspn(const char *s, const char *accept);

#define AREA  24576
#define GUARD 64

static unsigned char got[AREA], want[AREA];

static void ref_move(unsigned char *dst, const unsigned char *src, size_t n)
{
	if (dst < src) {
		for (size_t i = 0; i < n; i++)
			dst[i] = src[i];
	} else {
		for (size_t i = n; i > 0; i--)
			dst[i - 1] = src[i - 1];
	}
}

static int ref_cmp(const unsigned char *a, const unsigned char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] - b[i];
	return 0;
}

static int sign(int v) { return (v > 0) - (v < 0); }

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static unsigned rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng >> 11);
}

static void fill(void)
{
	for (size_t i = 0; i < AREA; i++)
		got[i] = want[i] = (unsigned char)rnd();
}

/* got and want agree from lo to hi (inclusive of GUARD bytes on each side); if not, they are
 * made to agree again so that one failure does not spill into the next cases. */
static int differs(size_t lo, size_t hi)
{
	lo = lo > GUARD ? lo - GUARD : 0;
	hi = hi + GUARD < AREA ? hi + GUARD : AREA;
	if (memcmp(got + lo, want + lo, hi - lo) == 0)
		return 0;
	memcpy(got, want, AREA);
	return 1;
}

static size_t lengths[400];
static size_t nlengths;

static void make_lengths(void)
{
	static const size_t big[] = {511, 512, 513, 1023, 1024, 4095, 4096, 4097, 4160, 8191, 8192};
	for (size_t n = 0; n <= 300; n++)
		lengths[nlengths++] = n;
	for (size_t i = 0; i < sizeof(big) / sizeof(big[0]); i++)
		lengths[nlengths++] = big[i];
}

/* memcpy between separate buffers, every length and both alignments mod 16; the bytes around
 * the destination stay as they were, and the return value is the destination. */
static void test_memcpy(void)
{
	int bad = 0, badret = 0;
	for (size_t l = 0; l < nlengths; l++) {
		size_t n = lengths[l];
		for (size_t so = 0; so < 16; so++) {
			for (size_t d = 0; d < 16; d++) {
				unsigned char *src = got + GUARD + so, *dst = got + AREA / 2 + d;
				ref_move(want + AREA / 2 + d, want + GUARD + so, n);
				if (mote_memcpy(dst, src, n) != dst)
					badret++;
				bad += differs(AREA / 2 + d, AREA / 2 + d + n);
			}
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(badret, 0);
}

/* memmove (and memcpy, the same entry) inside one buffer: destination before and after the
 * source by every distance 0..70 and a few larger ones, every length. */
static void test_memmove_overlap(void)
{
	static const size_t dists[] = {0,  1,  2,  3,  7,  8,  15,  16,  17,  31,
	                               32, 33, 63, 64, 65, 70, 100, 200, 4096};
	int bad = 0, badret = 0;
	for (size_t l = 0; l < nlengths; l++) {
		size_t n = lengths[l];
		for (size_t k = 0; k < sizeof(dists) / sizeof(dists[0]); k++) {
			for (int dir = 0; dir < 2; dir++) {
				size_t base = GUARD + 5, src = dir ? base : base + dists[k],
				       dst = dir ? base + dists[k] : base;
				ref_move(want + dst, want + src, n);
				if (mote_memmove(got + dst, got + src, n) != got + dst)
					badret++;
				bad += differs(dst, dst + n);
			}
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(badret, 0);
}

/* memset with every alignment, every length and a byte value with the top bit set; only the
 * low byte of c counts. */
static void test_memset(void)
{
	int bad = 0, badret = 0;
	for (size_t l = 0; l < nlengths; l++) {
		size_t n = lengths[l];
		for (size_t d = 0; d < 16; d++) {
			for (size_t i = 0; i < n; i++)
				want[GUARD + d + i] = 0xa5;
			if (mote_memset(got + GUARD + d, 0x7a5, n) != got + GUARD + d)
				badret++;
			bad += differs(GUARD + d, GUARD + d + n);
			mote_memset(got + GUARD + d, 0x5a, n); /* the next case sees a change */
			memset(want + GUARD + d, 0x5a, n);
		}
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(badret, 0);
}

/* memcmp: equal buffers, then one byte changed at every position (up and down, across 0x80,
 * which a signed compare would get wrong); the sign must match, and the value equal the
 * difference of the first differing bytes where the 16-byte path reports it. */
static void test_memcmp(void)
{
	int bad = 0, badeq = 0;
	unsigned char *a = got + GUARD, *b = want + GUARD;
	for (size_t l = 0; l < nlengths; l++) {
		size_t n = lengths[l];
		size_t step = n > 300 ? 61 : 1;
		for (size_t o = 0; o < 4; o++) {
			fill();
			memcpy(b + o, a + o, n);
			if (mote_memcmp(a + o, b + o, n) != 0)
				badeq++;
			for (size_t i = 0; i < n; i += step) {
				unsigned char keep = b[o + i];
				b[o + i] = (unsigned char)(a[o + i] ^ 0x80);
				if (sign(mote_memcmp(a + o, b + o, n)) != sign(ref_cmp(a + o, b + o, n)) ||
				    sign(mote_memcmp(b + o, a + o, n)) != sign(ref_cmp(b + o, a + o, n)))
					bad++;
				b[o + i] = (unsigned char)(a[o + i] + 1);
				if (sign(mote_memcmp(a + o, b + o, n)) != sign(ref_cmp(a + o, b + o, n)))
					bad++;
				b[o + i] = keep;
			}
		}
	}
	CHECK_EQ(badeq, 0);
	CHECK_EQ(bad, 0);
	CHECK(mote_memcmp("\x01\xff", "\x01\x01", 2) > 0);
	CHECK(mote_memcmp("abcdefghijklmnopq\x80", "abcdefghijklmnopq\x7f", 18) > 0);
}

/* strlen from every alignment, every length; and a string whose terminator is the last byte
 * of a page followed by an unmapped one (it must not read into that page). */
static void test_strlen(void)
{
	int bad = 0;
	for (size_t l = 0; l < nlengths; l++) {
		size_t n = lengths[l];
		for (size_t d = 0; d < 16; d++) {
			memset(got, 'x', AREA);
			got[GUARD + d + n] = 0;
			if (mote_strlen((char *)got + GUARD + d) != n)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);

	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map =
	        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED);
	if (map == MAP_FAILED)
		return;
	CHECK_EQ(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	int badpage = 0;
	memset(map, 'y', (size_t)page);
	map[page - 1] = 0;
	for (size_t n = 0; n < 100; n++)
		if (mote_strlen((char *)map + page - 1 - n) != n)
			badpage++;
	CHECK_EQ(badpage, 0);
	munmap(map, (size_t)page * 2);
}

/* Two pages each followed by an unmapped one, so a load or store past a buffer that ends at its
 * page's end faults. */
static unsigned char *guarded(long page)
{
	unsigned char *map =
	        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	if (mprotect(map + page, (size_t)page, PROT_NONE) != 0) {
		munmap(map, (size_t)page * 2);
		return NULL;
	}
	return map;
}

/* memmove/memcpy and memcmp on buffers ending at (or up to 15 bytes before) an unmapped page,
 * every length 0..64 (each size class of memmove's table) and a few longer: source at the page
 * end with the destination at every alignment before it, and the other way round; memmove
 * overlapping both ways inside the last bytes of a page; memcmp equal and with the last byte
 * differing. A read or write past either page's end would crash the test. */
static void test_page_ends(void)
{
	static const size_t longer[] = {65, 80, 127, 128, 129, 200, 1000};
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *a = guarded(page), *b = guarded(page), ref[1100];
	int bad = 0, runs = 0;
	CHECK(a != NULL && b != NULL);
	if (!a || !b)
		return;
	unsigned char *aend = a + page, *bend = b + page;
	for (size_t li = 0; li < 65 + sizeof(longer) / sizeof(longer[0]); li++) {
		size_t n = li < 65 ? li : longer[li - 65];
		for (size_t j = 0; j < 16; j++) {
			for (int way = 0; way < 2; way++) {
				/* way 0: source ends at its page end; way 1: the destination does. */
				unsigned char *src = way ? aend - n - j : aend - n,
				              *dst = way ? bend - n : bend - n - j;
				for (size_t i = 0; i < n; i++) {
					src[i] = (unsigned char)rnd();
					dst[i] = (unsigned char)~src[i];
				}
				memcpy(ref, src, n);
				if (mote_memmove(dst, src, n) != dst || memcmp(dst, ref, n) != 0)
					bad++;
				if (mote_memcmp(dst, src, n) != 0)
					bad++;
				if (n > 0) {
					dst[n - 1] ^= 0x80;
					if (sign(mote_memcmp(dst, src, n)) != sign(ref_cmp(dst, src, n)) ||
					    sign(mote_memcmp(src, dst, n)) != sign(ref_cmp(src, dst, n)))
						bad++;
				}
				memset(dst, 0, n);
				if (mote_memcpy(dst, src, n) != dst || memcmp(dst, ref, n) != 0)
					bad++;
				/* Overlapping by j + 1 bytes less than n, both directions, ending at the page
				 * end. */
				unsigned char *lo = aend - n - j - 1, *hi = aend - n;
				for (size_t i = 0; i < n + j + 1; i++)
					lo[i] = (unsigned char)rnd();
				unsigned char *from = way ? lo : hi, *to = way ? hi : lo;
				memcpy(ref, from, n);
				if (mote_memmove(to, from, n) != to || memcmp(to, ref, n) != 0)
					bad++;
				runs++;
			}
		}
	}
	CHECK_EQ(runs, (65 + 7) * 16 * 2);
	CHECK_EQ(bad, 0);
	munmap(a, (size_t)page * 2);
	munmap(b, (size_t)page * 2);
}

/* Random operations on random offsets and lengths, against the references. */
static void test_fuzz(void)
{
	int bad = 0;
	fill();
	for (int it = 0; it < 200000; it++) {
		size_t n = rnd() % (it % 100 == 0 ? 5000 : 260);
		size_t a = rnd() % (AREA - 5000), b = rnd() % (AREA - 5000);
		unsigned char c = (unsigned char)rnd();
		switch (rnd() % 4) {
		case 0:
			ref_move(want + b, want + a, n);
			mote_memmove(got + b, got + a, n);
			break;
		case 1:
			memset(want + a, c, n);
			mote_memset(got + a, c, n);
			break;
		case 2:
			if (sign(mote_memcmp(got + a, got + b, n)) != sign(ref_cmp(want + a, want + b, n)))
				bad++;
			break;
		default:
			got[a + n] = want[a + n] = 0;
			if (mote_strlen((char *)got + a) != strlen((char *)want + a))
				bad++;
		}
		bad += differs(a < b ? a : b, (a > b ? a : b) + n);
	}
	CHECK_EQ(bad, 0);
}

/* strcspn and strspn (libc/libc_strspn.c) against byte-by-byte scans: empty sets, bytes
 * >= 0x80, and random strings with random sets drawn from a small alphabet. */
static size_t ref_span(const char *s, const char *set, int accept)
{
	size_t n = 0;
	for (; s[n]; n++) {
		int in = 0;
		for (const char *q = set; *q; q++)
			in |= *q == s[n];
		if (in != accept)
			break;
	}
	return n;
}

static void test_span(void)
{
	int bad = 0;
	CHECK_EQ(mote_strcspn("abc", ""), 3);
	CHECK_EQ(mote_strspn("abc", ""), 0);
	CHECK_EQ(mote_strcspn("ab\xe9z", "\xe9"), 2);
	CHECK_EQ(mote_strspn("\xff\x80\xffx", "\x80\xff"), 3);
	for (int it = 0; it < 100000; it++) {
		char s[40], set[6];
		size_t n = rnd() % 39, m = rnd() % 6;
		for (size_t i = 0; i < n; i++)
			s[i] = (char)("ab%_\x80\xff"
			              "cz"[rnd() % 8]);
		s[n] = 0;
		for (size_t i = 0; i < m; i++)
			set[i] = (char)("ab%_\x80\xff"
			                "cz"[rnd() % 8]);
		set[m] = 0;
		if (mote_strcspn(s, set) != ref_span(s, set, 0) || mote_strspn(s, set) != ref_span(s, set, 1))
			bad++;
	}
	CHECK_EQ(bad, 0);
}

/* strcspn and strspn at every alignment of strings up to 200 bytes that end at the last byte
 * before an unmapped page (strcspn's 16-byte blocks must not read into it), with sets of 1 to 5
 * bytes (5 takes the byte-set path) and the first rejected byte at every position or absent. */
static void test_span_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map =
	        mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED);
	if (map == MAP_FAILED)
		return;
	CHECK_EQ(mprotect(map + page, (size_t)page, PROT_NONE), 0);
	static const char *const sets[] = {"%", "aA", "%_[", "\x80\xff\x01z", "abcde"};
	int bad = 0, runs = 0;
	for (size_t si = 0; si < sizeof(sets) / sizeof(sets[0]); si++) {
		const char *set = sets[si];
		for (size_t n = 0; n <= 200; n++) {
			char *s = (char *)map + page - 1 - n;
			for (size_t hit = 0; hit <= n; hit++) { /* hit == n: no rejected byte */
				memset(s, 'y', n);
				s[n] = 0;
				if (hit < n)
					s[hit] = set[(n + hit) % strlen(set)];
				if (mote_strcspn(s, set) != ref_span(s, set, 0))
					bad++;
				memset(s, set[n % strlen(set)], n);
				if (hit < n)
					s[hit] = 'y';
				if (mote_strspn(s, set) != ref_span(s, set, 1))
					bad++;
				runs++;
			}
		}
	}
	CHECK_EQ(runs, 5 * 201 * 202 / 2);
	CHECK_EQ(bad, 0);
	munmap(map, (size_t)page * 2);
}

int main(void)
{
	make_lengths();
	fill();
	test_memcpy();
	test_memmove_overlap();
	test_memset();
	test_memcmp();
	test_strlen();
	test_page_ends();
	test_fuzz();
	test_span();
	test_span_page();
	return check_report();
}
