/* SPDX-License-Identifier: MIT */
/* test_ksym.c: lookups in symbol blobs built here in memory, well-formed and broken, the way
 * tools/mksyms lays them out (header, entries sorted by address, string table). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mote/ksym.h>

#include "check.h"

struct sym {
	uint64_t addr;
	uint32_t size;
	const char *name;
};

/* v as ULEB128 at p; returns its length. Written here from the format's description, not
 * shared with tools/mksyms, so that the two cannot agree on a mistake. */
static size_t uleb(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			p[n] |= 0x80;
		n++;
	} while (v);
	return n;
}

/* An entry's two numbers, at most this long. */
#define ENTRY_MAX (2 * KSYM_ULEB_MAX)

/* Lay out `n` symbols at `out` (which must be large enough), names as plain ASCII codes and an
 * empty pair table; returns the blob's length. */
static size_t build(unsigned char *out, const struct sym *syms, size_t n)
{
	struct ksym_header h = {KSYM_MAGIC, (uint32_t)n, 0, 0, n ? syms[0].addr : 0, 0, 0};
	size_t str = 0, i, at = sizeof(h);
	char *strtab;

	for (i = 0; i < n; i++) {
		at += uleb(out + at, syms[i].addr - (i ? syms[i - 1].addr : h.base));
		at += uleb(out + at, syms[i].size);
	}
	h.strtab_off = (uint32_t)at;
	strtab = (char *)out + h.strtab_off;
	for (i = 0; i < n; i++) {
		memcpy(strtab + str, syms[i].name, strlen(syms[i].name) + 1);
		str += strlen(syms[i].name) + 1;
	}
	h.strtab_len = (uint32_t)str;
	h.pairs_off = h.strtab_off + h.strtab_len;
	memcpy(out, &h, sizeof(h));
	return h.strtab_off + str;
}

static void set_header(unsigned char *blob, const struct ksym_header *h) { memcpy(blob, h, sizeof(*h)); }

static void get_header(const unsigned char *blob, struct ksym_header *h) { memcpy(h, blob, sizeof(*h)); }

/* asm_label and last_unsized have no size: they reach up to the next symbol. */
static const struct sym basic[] = {
        {0x1000, 0x20, "first"},      {0x1020, 0x10, "second"},    {0x1040, 0, "asm_label"},
        {0x1080, 0x8, "after_label"}, {0x2000, 0, "last_unsized"},
};

/* Lookups return the name in a buffer; *name points at it when one was found, else is NULL. */
static char namebuf[KSYM_NAME_MAX];

static int look(const void *blob, size_t len, uintptr_t addr, const char **name, uintptr_t *off)
{
	int rc;

	*off = 12345;
	memset(namebuf, '#', sizeof(namebuf));
	rc = ksym_lookup_blob(blob, len, addr, namebuf, sizeof(namebuf), off);
	*name = rc == 0 ? namebuf : NULL;
	return rc;
}

static void test_lookups(void)
{
	unsigned char blob[512];
	size_t len = build(blob, basic, 5);
	const char *name;
	uintptr_t off;

	/* Exactly at a symbol's start. */
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), 0);
	CHECK_STR(name, "first");
	CHECK_EQ(off, 0);
	CHECK_EQ(look(blob, len, 0x1080, &name, &off), 0);
	CHECK_STR(name, "after_label");
	CHECK_EQ(off, 0);

	/* Inside a sized symbol, up to its last byte. */
	CHECK_EQ(look(blob, len, 0x1005, &name, &off), 0);
	CHECK_STR(name, "first");
	CHECK_EQ(off, 5);
	CHECK_EQ(look(blob, len, 0x101f, &name, &off), 0);
	CHECK_STR(name, "first");
	CHECK_EQ(off, 0x1f);
	CHECK_EQ(look(blob, len, 0x102f, &name, &off), 0);
	CHECK_STR(name, "second");
	CHECK_EQ(off, 0xf);

	/* Past the end of a sized symbol, in the gap before the next one. */
	CHECK_EQ(look(blob, len, 0x1030, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x103f, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x1088, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x1fff, &name, &off), -ENOENT);

	/* An unsized symbol covers everything up to the next symbol... */
	CHECK_EQ(look(blob, len, 0x1040, &name, &off), 0);
	CHECK_STR(name, "asm_label");
	CHECK_EQ(off, 0);
	CHECK_EQ(look(blob, len, 0x107f, &name, &off), 0);
	CHECK_STR(name, "asm_label");
	CHECK_EQ(off, 0x3f);
	/* ...and the last one everything above it. */
	CHECK_EQ(look(blob, len, 0x2000, &name, &off), 0);
	CHECK_STR(name, "last_unsized");
	CHECK_EQ(off, 0);
	CHECK_EQ(look(blob, len, UINTPTR_MAX, &name, &off), 0);
	CHECK_STR(name, "last_unsized");
	CHECK_EQ(off, UINTPTR_MAX - 0x2000);

	/* Before the first symbol. */
	CHECK_EQ(look(blob, len, 0, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0xfff, &name, &off), -ENOENT);
	CHECK(name == NULL);

	/* Trailing bytes after the string table (section padding) are allowed. */
	CHECK_EQ(look(blob, len + 7, 0x1021, &name, &off), 0);
	CHECK_STR(name, "second");
	CHECK_EQ(off, 1);
}

static void test_single_and_empty(void)
{
	static const struct sym one[] = {{0x400000, 0x10, "only"}};
	unsigned char blob[128];
	size_t len;
	const char *name;
	uintptr_t off;

	len = build(blob, one, 1);
	CHECK_EQ(look(blob, len, 0x3fffff, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x400000, &name, &off), 0);
	CHECK_STR(name, "only");
	CHECK_EQ(look(blob, len, 0x40000f, &name, &off), 0);
	CHECK_EQ(off, 0xf);
	CHECK_EQ(look(blob, len, 0x400010, &name, &off), -ENOENT);

	/* A well-formed blob with no entries, and the empty pass-1 section. */
	len = build(blob, one, 0);
	CHECK_EQ(len, sizeof(struct ksym_header));
	CHECK_EQ(look(blob, len, 0x400000, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, 0, 0x400000, &name, &off), -ENOENT);
	CHECK_EQ(look(NULL, 0, 0x400000, &name, &off), -ENOENT);
}

/* Many entries against a linear search: every boundary of the binary search gets crossed. */
static void test_many(void)
{
	enum { N = 1000 };
	static struct sym syms[N];
	static char names[N][12];
	static unsigned char blob[sizeof(struct ksym_header) + N * ENTRY_MAX + N * 12];
	size_t len, i;
	uint64_t a = 0x100000;
	int bad = 0;

	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		syms[i].addr = a;
		syms[i].size = (i % 3 == 0) ? 0 : (uint32_t)(i % 7 + 1) * 4;
		syms[i].name = names[i];
		a += (i % 7 + 1) * 4 + (i % 5 == 0 ? 8 : 0);
	}
	len = build(blob, syms, N);

	for (uint64_t addr = 0x100000 - 4; addr < a + 16; addr++) {
		const char *name = NULL, *want = NULL;
		uintptr_t off = 0, want_off = 0;
		int rc = look(blob, len, addr, &name, &off), want_rc = -ENOENT;

		for (i = N; i-- > 0;) {
			if (syms[i].addr <= addr) {
				if (syms[i].size == 0 || addr - syms[i].addr < syms[i].size) {
					want_rc = 0;
					want = syms[i].name;
					want_off = addr - syms[i].addr;
				}
				break;
			}
		}
		if (rc != want_rc || (rc == 0 && (strcmp(name, want) != 0 || off != want_off))) {
			if (bad++ < 5)
				fprintf(stderr, "addr %#llx: got %d %s+%#lx, want %d %s+%#lx\n",
				        (unsigned long long)addr, rc, rc ? "-" : name, (unsigned long)off,
				        want_rc, want ? want : "-", (unsigned long)want_off);
		}
	}
	CHECK_EQ(bad, 0);
}

/* The blob at an odd address: lookups must not rely on alignment. */
static void test_misaligned(void)
{
	unsigned char aligned[256], storage[260];
	size_t len = build(aligned, basic, 5);
	const char *name;
	uintptr_t off;

	memcpy(storage + 3, aligned, len);
	CHECK_EQ(look(storage + 3, len, 0x1044, &name, &off), 0);
	CHECK_STR(name, "asm_label");
	CHECK_EQ(off, 4);
}

static void test_malformed(void)
{
	unsigned char good[512], blob[512];
	size_t len = build(good, basic, 5);
	struct ksym_header h;
	const char *name;
	uintptr_t off;

	/* Too short to hold a header. */
	CHECK_EQ(look(good, sizeof(struct ksym_header) - 1, 0x1000, &name, &off), -EINVAL);
	CHECK_EQ(look(good, 1, 0x1000, &name, &off), -EINVAL);

	/* Wrong magic, e.g. the bytes of some other section. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.magic = 0x4d59534b; /* "KSYM": the 16-byte-entry layout before issue 15 */
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	h.magic = 0x3259534b; /* "KSY2": uncompressed names, a 24-byte header */
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	h.magic = 0x3459534b; /* "KSY4": 6-byte entries of a 32-bit offset and a 16-bit size */
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);

	/* More entries than the blob holds, including counts whose byte size would overflow. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.count = 6 + (uint32_t)(len / 2); /* an entry takes 2 bytes at least */
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	h.count = UINT32_MAX;
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	CHECK(name == NULL);

	/* Truncated: the entries end past the bytes given. */
	CHECK_EQ(look(good, sizeof(struct ksym_header) + 3, 0x1000, &name, &off), -EINVAL);

	/* String table outside the blob, or wrapping around. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.strtab_off = (uint32_t)len + 1;
	h.strtab_len = 0;
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	get_header(good, &h);
	h.strtab_len += 1;
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	h.strtab_off = 32;
	h.strtab_len = UINT32_MAX - 16; /* off + len wraps a 32-bit sum */
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	/* Truncating the string table away is caught the same way. */
	CHECK_EQ(look(good, len - 1, 0x1000, &name, &off), -EINVAL);

	/* Fewer names than entries: the string table ends after the third name. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.strtab_len = (uint32_t)(strlen("first") + strlen("second") + strlen("asm_label") + 3);
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1080, &name, &off), -EINVAL);
	CHECK_EQ(look(blob, len, 0x2000, &name, &off), -EINVAL);
	/* The earlier entries are still readable: the damage is local to the names it took. */
	CHECK_EQ(look(blob, len, 0x1020, &name, &off), 0);
	CHECK_STR(name, "second");
	CHECK_EQ(look(blob, len, 0x1044, &name, &off), 0);
	CHECK_STR(name, "asm_label");

	/* Addresses below the base (the first entry) find nothing, whatever the entries say. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.base = 0x1001;
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x1001, &name, &off), 0);
	CHECK_STR(name, "first");

	/* A name that runs off the end of the string table without a NUL. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	blob[h.strtab_off + h.strtab_len - 1] = 'X'; /* "last_unsized" loses its terminator */
	blob[len] = '\0';                            /* a NUL just outside must not count */
	CHECK_EQ(look(blob, len, 0x2000, &name, &off), -EINVAL);
	CHECK(name == NULL);
}

/* Numbers of one to five bytes: a 70,001-byte function (beyond the old 16-bit sizes) and one
 * that starts the largest distance an entry can say (2^32 - 1) after the one before. */
static void test_numbers(void)
{
	static const struct sym big[] = {
	        {0x1000, 0x7f, "one_byte"},
	        {0x107f, 0x80, "two_bytes"},
	        {0x10ff, 70001, "huge"},
	        {0x10ff + 0xffffffffull, 1, "far"},
	};
	unsigned char blob[256];
	size_t len = build(blob, big, 4);
	const char *name;
	uintptr_t off;

	CHECK_EQ(len, sizeof(struct ksym_header) + (1 + 1) + (1 + 2) + (2 + 3) + (5 + 1) + 28);
	CHECK_EQ(look(blob, len, 0x107e, &name, &off), 0);
	CHECK_STR(name, "one_byte");
	CHECK_EQ(look(blob, len, 0x10fe, &name, &off), 0);
	CHECK_STR(name, "two_bytes");
	CHECK_EQ(look(blob, len, 0x10ff + 70000, &name, &off), 0);
	CHECK_STR(name, "huge");
	CHECK_EQ(off, 70000);
	CHECK_EQ(look(blob, len, 0x10ff + 70001, &name, &off), -ENOENT);
	CHECK_EQ(look(blob, len, 0x10ff + 0xffffffffull, &name, &off), 0);
	CHECK_STR(name, "far");
	CHECK_EQ(off, 0);
}

/* One entry given as raw bytes, named "x"; returns the blob's length. */
static size_t build_raw(unsigned char *out, const unsigned char *entry, size_t n)
{
	struct ksym_header h = {KSYM_MAGIC, 1, (uint32_t)(sizeof(h) + n), 2, 0x1000, 0, 0};

	h.pairs_off = h.strtab_off + h.strtab_len;
	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), entry, n);
	memcpy(out + h.strtab_off, "x", 2);
	return h.pairs_off;
}

/* Numbers that are too long, too large or cut off by the string table are refused. */
static void test_bad_numbers(void)
{
	static const unsigned char ok[] = {0x80, 0x00, 0x04}; /* 0 in two bytes, size 4 */
	static const unsigned char six[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x04};
	static const unsigned char wide[] = {0x00, 0xff, 0xff, 0xff, 0xff, 0x1f}; /* size 2^35 - 1 */
	static const unsigned char cut[] = {0x00, 0x84};                          /* size continues past */
	static const unsigned char nosize[] = {0x00};
	unsigned char blob[64];
	size_t len;
	const char *name;
	uintptr_t off;

	len = build_raw(blob, ok, sizeof(ok));
	CHECK_EQ(look(blob, len, 0x1003, &name, &off), 0);
	CHECK_STR(name, "x");
	CHECK_EQ(look(blob, len, 0x1004, &name, &off), -ENOENT);
	len = build_raw(blob, six, sizeof(six));
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	len = build_raw(blob, wide, sizeof(wide));
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	len = build_raw(blob, cut, sizeof(cut));
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	len = build_raw(blob, nosize, sizeof(nosize));
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	CHECK(name == NULL);
}

/* A blob with a pair table, laid out by hand: three entries whose names use pairs, nested
 * pairs and plain codes. Returns its length; *pairs_at is where the table starts. */
static size_t build_pairs(unsigned char *out, const unsigned char *pairs, uint32_t npairs,
                          const unsigned char *strtab, size_t strtab_len, size_t *pairs_at)
{
	static const uint32_t addrs[3] = {0x0, 0x40, 0x80};
	struct ksym_header h = {KSYM_MAGIC, 3, 0, (uint32_t)strtab_len, 0x5000, 0, npairs};

	size_t at = sizeof(h);

	for (int i = 0; i < 3; i++) {
		at += uleb(out + at, addrs[i] - (i ? addrs[i - 1] : 0));
		at += uleb(out + at, 0x40);
	}
	h.strtab_off = (uint32_t)at;
	h.pairs_off = h.strtab_off + h.strtab_len;
	memcpy(out + h.strtab_off, strtab, strtab_len);
	memcpy(out + h.pairs_off, pairs, 2 * npairs);
	memcpy(out, &h, sizeof(h));
	*pairs_at = h.pairs_off;
	return h.pairs_off + 2 * npairs;
}

static void test_pairs(void)
{
	/* 0x80 = "se", 0x81 = 0x80 "c" = "sec", 0x82 = "_l", 0x83 = 0x82 "a" = "_la" */
	static const unsigned char pairs[] = {'s', 'e', 0x80, 'c', '_', 'l', 0x82, 'a'};
	static const unsigned char strtab[] = {0x81, 'o',  'n',  'd',  0,                 /* second */
	                                       'a',  's',  'm',  0x83, 'b',  'e', 'l', 0, /* asm_label */
	                                       0x80, 0x80, 0x81, 0x82, 0x83, 0};          /* sesesec_l_la */
	unsigned char blob[256], bad[256];
	size_t len, pairs_at;
	const char *name;
	uintptr_t off;
	char small[5];

	len = build_pairs(blob, pairs, 4, strtab, sizeof(strtab), &pairs_at);
	CHECK_EQ(look(blob, len, 0x5000, &name, &off), 0);
	CHECK_STR(name, "second");
	CHECK_EQ(look(blob, len, 0x5041, &name, &off), 0);
	CHECK_STR(name, "asm_label");
	CHECK_EQ(off, 1);
	CHECK_EQ(look(blob, len, 0x50bf, &name, &off), 0);
	CHECK_STR(name, "sesesec_l_la");
	CHECK_EQ(off, 0x3f);

	/* A buffer too small: the name is cut to fit and terminated; nothing past it is written. */
	memset(small, 'Z', sizeof(small));
	CHECK_EQ(ksym_lookup_blob(blob, len, 0x5000, small, 4, &off), 0);
	CHECK_STR(small, "sec");
	CHECK_EQ(small[4], 'Z');
	CHECK_EQ(ksym_lookup_blob(blob, len, 0x5000, small, 1, &off), 0);
	CHECK_STR(small, "");
	CHECK_EQ(ksym_lookup_blob(blob, len, 0x5000, small, 0, &off), -EINVAL);
	CHECK_EQ(ksym_lookup_blob(blob, len, 0x5000, NULL, 8, &off), -EINVAL);

	/* A code past the table: 0x83 with only three pairs. */
	len = build_pairs(bad, pairs, 3, strtab, sizeof(strtab), &pairs_at);
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), 0); /* "second" needs only 0x80, 0x81 */
	CHECK_EQ(look(bad, len, 0x5040, &name, &off), -EINVAL);

	/* A pair that names itself or a later code would loop: refused. */
	len = build_pairs(bad, pairs, 4, strtab, sizeof(strtab), &pairs_at);
	bad[pairs_at + 2] = 0x81; /* 0x81 = 0x81 "c" */
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), -EINVAL);
	bad[pairs_at + 2] = 0x83; /* 0x81 = 0x83 "c" */
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), -EINVAL);
	bad[pairs_at + 2] = 0; /* a 0 inside a name */
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), -EINVAL);
	bad[pairs_at + 2] = 's';
	bad[pairs_at + 3] = 0x81; /* 0x81 = "s" 0x81: the stack never grows, only the check stops it */
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), -EINVAL);

	/* More pairs than the format allows, a table outside the blob or running past its end. */
	struct ksym_header h;

	len = build_pairs(bad, pairs, 4, strtab, sizeof(strtab), &pairs_at);
	get_header(bad, &h);
	h.npairs = KSYM_PAIRS_MAX + 1;
	set_header(bad, &h);
	CHECK_EQ(look(bad, len + 2 * KSYM_PAIRS_MAX, 0x5000, &name, &off), -EINVAL);
	h.npairs = 4;
	h.pairs_off = (uint32_t)len + 1;
	set_header(bad, &h);
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), -EINVAL);
	h.pairs_off = (uint32_t)pairs_at;
	set_header(bad, &h);
	CHECK_EQ(look(bad, len - 1, 0x5000, &name, &off), -EINVAL);
	CHECK_EQ(look(bad, len, 0x5000, &name, &off), 0);
}

/* Pairs nest at most KSYM_DEPTH_MAX deep: a chain one deeper is refused, not expanded on an
 * unbounded stack. Pair 0 is "ab"; pair i is pair i-1 then 'x'. */
static void test_depth(void)
{
	unsigned char pairs[2 * (KSYM_DEPTH_MAX + 1)], blob[256], strtab[6];
	char want[KSYM_DEPTH_MAX + 2];
	size_t len, pairs_at;
	const char *name;
	uintptr_t off;

	pairs[0] = 'a';
	pairs[1] = 'b';
	for (int i = 1; i <= KSYM_DEPTH_MAX; i++) {
		pairs[2 * i] = (unsigned char)(0x80 + i - 1);
		pairs[2 * i + 1] = 'x';
	}
	/* Entry 0: the deepest allowed (depth KSYM_DEPTH_MAX); 1: one deeper; 2: "q". */
	strtab[0] = 0x80 + KSYM_DEPTH_MAX - 1;
	strtab[1] = 0;
	strtab[2] = 0x80 + KSYM_DEPTH_MAX;
	strtab[3] = 0;
	strtab[4] = 'q';
	strtab[5] = 0;
	len = build_pairs(blob, pairs, KSYM_DEPTH_MAX + 1, strtab, sizeof(strtab), &pairs_at);
	memset(want, 'x', sizeof(want));
	want[0] = 'a';
	want[1] = 'b';
	want[KSYM_DEPTH_MAX + 1] = '\0';
	CHECK_EQ(look(blob, len, 0x5000, &name, &off), 0);
	CHECK_STR(name, want);
	CHECK_EQ(look(blob, len, 0x5040, &name, &off), -EINVAL);
	CHECK_EQ(look(blob, len, 0x5080, &name, &off), 0);
	CHECK_STR(name, "q");
}

int main(void)
{
	test_lookups();
	test_single_and_empty();
	test_many();
	test_misaligned();
	test_malformed();
	test_numbers();
	test_bad_numbers();
	test_pairs();
	test_depth();
	return check_report();
}
