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

/* Lay out `n` symbols at `out` (which must be large enough); returns the blob's length. */
static size_t build(unsigned char *out, const struct sym *syms, size_t n)
{
	struct ksym_header h = {KSYM_MAGIC, (uint32_t)n, 0, 0, n ? syms[0].addr : 0};
	size_t str = 0, i;
	char *strtab;

	h.strtab_off = (uint32_t)(sizeof(h) + n * sizeof(struct ksym_entry));
	strtab = (char *)out + h.strtab_off;
	for (i = 0; i < n; i++) {
		struct ksym_entry e = {(uint32_t)(syms[i].addr - h.base), syms[i].size};

		memcpy(out + sizeof(h) + i * sizeof(e), &e, sizeof(e));
		memcpy(strtab + str, syms[i].name, strlen(syms[i].name) + 1);
		str += strlen(syms[i].name) + 1;
	}
	h.strtab_len = (uint32_t)str;
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

static int look(const void *blob, size_t len, uintptr_t addr, const char **name, uintptr_t *off)
{
	*name = NULL;
	*off = 12345;
	return ksym_lookup_blob(blob, len, addr, name, off);
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
	static unsigned char blob[sizeof(struct ksym_header) + N * sizeof(struct ksym_entry) + N * 12];
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
		int rc = ksym_lookup_blob(blob, len, addr, &name, &off), want_rc = -ENOENT;

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

	/* More entries than the blob holds, including counts whose byte size would overflow. */
	memcpy(blob, good, len);
	get_header(blob, &h);
	h.count = 6 + (uint32_t)(len / sizeof(struct ksym_entry));
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	h.count = UINT32_MAX;
	set_header(blob, &h);
	CHECK_EQ(look(blob, len, 0x1000, &name, &off), -EINVAL);
	CHECK(name == NULL);

	/* Truncated: the entries end past the bytes given. */
	CHECK_EQ(look(good, sizeof(struct ksym_header) + 3 * sizeof(struct ksym_entry), 0x1000, &name, &off),
	         -EINVAL);

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
	h.strtab_off = 24;
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

int main(void)
{
	test_lookups();
	test_single_and_empty();
	test_many();
	test_misaligned();
	test_malformed();
	return check_report();
}
