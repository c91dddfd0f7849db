/* SPDX-License-Identifier: MIT */
/* mksyms.c: mote-mksyms, the host tool that makes the symbol blob (core/private/mote/ksym.h)
 * from the first link of an image, and checks after the second link that the blob embedded in
 * .ksyms still describes the final image, so a layout shift fails the build, not a backtrace. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf64_read.h"
#include "seal.h"

/* The blob's layout, restated here because a host tool does not include kernel headers; the
 * kernel side is core/private/mote/ksym.h and the two must agree. */
#define KSYM_MAGIC       0x3559534bu
#define KSYM_HEADER_SIZE 32
#define KSYM_ULEB_MAX    5              /* an entry's two numbers: ULEB128, at most 32 bits */
#define KSYM_SIZE_MAX    0x100000000ull /* a larger function is recorded with size 0 (unknown) */
#define KSYM_PAIRS_MAX   128
#define KSYM_DEPTH_MAX   16

static const char *prog = "mote-mksyms";

struct msym {
	uint64_t addr;
	uint64_t size;
	const char *name;
	int rank; /* which of several symbols at one address names it: higher wins */
};

struct msym_list {
	struct msym *v;
	size_t n, cap;
};

static void die(const char *path, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* Messages quote names from the input file: control bytes in a corrupt one are masked, so the
 * message cannot garble the terminal or the build log. */
static void die(const char *path, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *c = msg; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	fprintf(stderr, "%s: %s: %s\n", prog, path, msg);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p) {
		fprintf(stderr, "%s: out of memory\n", prog);
		exit(1);
	}
	return p;
}

static unsigned char *read_file(const char *path, size_t *size)
{
	unsigned char *buf = NULL;
	size_t len = 0, cap = 0, got;
	FILE *fp = fopen(path, "rb");

	if (!fp)
		die(path, "cannot open: %s", strerror(errno));
	do {
		if (len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			buf = xrealloc(buf, cap);
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	if (ferror(fp))
		die(path, "read error: %s", strerror(errno));
	fclose(fp);
	*size = len;
	return buf;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* v as ULEB128 at p (when p is not NULL); returns its length in bytes. */
static size_t put_uleb(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		unsigned char b = v & 0x7f;

		v >>= 7;
		if (p)
			p[n] = b | (v ? 0x80 : 0);
		n++;
	} while (v);
	return n;
}

static void put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A ULEB128 number at *p before end, as the kernel reads it; advances *p. -1 when it runs past
 * end, is longer than KSYM_ULEB_MAX bytes or exceeds 32 bits. */
static int get_uleb(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < KSYM_ULEB_MAX; i++) {
		if (*p == end)
			return -1;
		unsigned char b = *(*p)++;

		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return x > UINT32_MAX ? -1 : 0;
		}
	}
	return -1;
}

static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

/* A function's name beats a bare label's; then a global name beats a weak one beats a local
 * one, since the global is what the programmer called the code. */
static int rank_of(const struct elf64_sym *s)
{
	int bind = s->bind == ELF64_STB_GLOBAL ? 2 : s->bind == ELF64_STB_WEAK ? 1 : 0;

	return (s->type == ELF64_STT_FUNC ? 4 : 0) + bind;
}

/* Leading underscores mark the linker script's and the C library's own names (__text_start
 * beside pvh_entry): among otherwise equal names, the one with fewer is the programmer's. */
static size_t underscores(const char *name) { return strspn(name, "_"); }

/* Sorted by address, the preferred name of each address first; ties broken on every field so
 * the blob does not depend on qsort's order, and two builds of one image give the same bytes. */
static int msym_cmp(const void *a, const void *b)
{
	const struct msym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (underscores(x->name) != underscores(y->name))
		return underscores(x->name) < underscores(y->name) ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The code symbols of `f`, one per address, sorted: exactly what the blob will list. */
static void collect(struct elf64_file *f, const char *path, struct msym_list *out)
{
	struct elf64_symtab st;
	struct elf64_section sec;
	struct elf64_sym s;
	size_t i, j, k;

	memset(out, 0, sizeof(*out));
	if (elf64_symtab(f, &st))
		die(path, "%s", f->err);

	for (i = 1; i < st.count; i++) {
		if (elf64_symbol(f, &st, i, &s))
			die(path, "%s", f->err);
		if (s.type != ELF64_STT_FUNC && s.type != ELF64_STT_NOTYPE)
			continue;
		if (s.name[0] == '\0' || s.shndx == ELF64_SHN_UNDEF || s.shndx >= ELF64_SHN_LORESERVE)
			continue;
		if (s.shndx >= f->shnum)
			die(path, "symbol %s is in section %u, but the file has only %zu sections", s.name,
			    s.shndx, f->shnum);
		if (elf64_section(f, s.shndx, &sec))
			die(path, "%s", f->err);
		if (!(sec.flags & ELF64_SHF_ALLOC))
			continue;
		/* Only symbols on bytes of their section. A linker-defined marker past the end of one
		 * (__bss_start, _edata, _etext) names no code, and which section the linker pins it
		 * to can change once .ksyms has contents: it would make every pass 2 fail --verify. */
		if (s.value < sec.addr || s.value - sec.addr >= sec.size)
			continue;
		/* Bare labels count only in code, and not the assembler's local ones. */
		if (s.type == ELF64_STT_NOTYPE &&
		    (!(sec.flags & ELF64_SHF_EXECINSTR) || strncmp(s.name, ".L", 2) == 0))
			continue;
		/* The linker script's bounds of the blob itself would move between the passes. */
		if (strcmp(sec.name, ".ksyms") == 0)
			continue;
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 256;
			out->v = xrealloc(out->v, out->cap * sizeof(*out->v));
		}
		out->v[out->n++] = (struct msym){s.value, s.size, s.name, rank_of(&s)};
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), msym_cmp);

	/* Keep the first (preferred) symbol of each address. A bare label that names code a
	 * function symbol also covers takes that function's size: the bytes are the same. */
	for (i = 0, k = 0; i < out->n; i = j) {
		struct msym keep = out->v[i];

		for (j = i + 1; j < out->n && out->v[j].addr == keep.addr; j++)
			if (keep.size == 0 && out->v[j].size > keep.size)
				keep.size = out->v[j].size;
		/* Too long for the entry's 32 bits: recorded as of unknown size, so it still names
		 * every address up to the next symbol. */
		if (keep.size >= KSYM_SIZE_MAX)
			keep.size = 0;
		out->v[k++] = keep;
	}
	out->n = k;
}

/* The pair table: code 0x80 + i stands for pair[i][0] then pair[i][1]. */
struct pair_table {
	unsigned char pair[KSYM_PAIRS_MAX][2];
	unsigned n;
};

/* Byte-pair encoding: while codes are left, the adjacent pair of codes that occurs most often
 * across all names becomes a new code, which pays when it occurs 3 or more times (the table
 * entry costs 2 bytes). Each pair names only lower codes, and nests at most KSYM_DEPTH_MAX
 * deep, as the kernel's expander requires. Ties go to the lowest pair, so the output depends
 * on the input alone. names[i] (NUL-terminated, bytes 1-0x7f) are rewritten in place. */
static void compress_names(unsigned char **names, size_t n, struct pair_table *t)
{
	static uint32_t count[256 * 256];
	unsigned char depth[256] = {0};

	t->n = 0;
	while (t->n < KSYM_PAIRS_MAX) {
		uint32_t best = 0, best_count = 2;
		unsigned code = 0x80 + t->n;

		memset(count, 0, sizeof(count));
		for (size_t i = 0; i < n; i++)
			for (unsigned char *s = names[i]; s[0] && s[1]; s++)
				count[s[0] << 8 | s[1]]++;
		for (uint32_t p = 0; p < 256 * 256; p++) {
			unsigned d = (depth[p >> 8] > depth[p & 0xff] ? depth[p >> 8] : depth[p & 0xff]) + 1;

			if (count[p] > best_count && d <= KSYM_DEPTH_MAX) {
				best = p;
				best_count = count[p];
			}
		}
		if (best_count <= 2)
			break;
		t->pair[t->n][0] = (unsigned char)(best >> 8);
		t->pair[t->n][1] = (unsigned char)best;
		depth[code] =
		        (depth[best >> 8] > depth[best & 0xff] ? depth[best >> 8] : depth[best & 0xff]) + 1;
		t->n++;
		for (size_t i = 0; i < n; i++) {
			unsigned char *r = names[i], *w = names[i];

			while (*r) {
				if (r[1] && (r[0] << 8 | r[1]) == (int)best) {
					*w++ = (unsigned char)code;
					r += 2;
				} else {
					*w++ = *r++;
				}
			}
			*w = '\0';
		}
	}
}

/* The inverse, for --verify: codes at s into out (cap bytes); -1 when the table is broken or
 * the name does not fit. */
static int expand_name(const unsigned char *s, const unsigned char *pairs, unsigned npairs, char *out,
                       size_t cap)
{
	size_t n = 0;

	for (; *s; s++) {
		unsigned char stack[KSYM_DEPTH_MAX + 1];
		unsigned sp = 0;

		stack[sp++] = *s;
		while (sp > 0) {
			unsigned c = stack[--sp], i = c - 0x80u;

			if (c < 0x80) {
				if (n + 1 >= cap)
					return -1;
				out[n++] = (char)c;
				continue;
			}
			if (i >= npairs || pairs[2 * i] >= c || pairs[2 * i + 1] >= c || pairs[2 * i] == 0 ||
			    pairs[2 * i + 1] == 0 || sp + 2 > sizeof(stack))
				return -1;
			stack[sp++] = pairs[2 * i + 1];
			stack[sp++] = pairs[2 * i];
		}
	}
	out[n] = '\0';
	return 0;
}

static unsigned char *build_blob(const struct msym_list *l, const char *path, size_t *len)
{
	uint64_t strtab_off = KSYM_HEADER_SIZE, strtab_len = 0, total, base = l->n ? l->v[0].addr : 0;
	uint64_t pairs_off;
	unsigned char *blob, *e, **names = xrealloc(NULL, (l->n ? l->n : 1) * sizeof(*names));
	struct pair_table t;
	size_t i, str;

	for (i = 0; i < l->n; i++) {
		for (const unsigned char *s = (const unsigned char *)l->v[i].name; *s; s++)
			if (*s >= 0x80)
				die(path, "symbol %s has a byte above 0x7f, which a ksym name cannot hold",
				    l->v[i].name);
		names[i] = (unsigned char *)strdup(l->v[i].name);
		if (!names[i])
			die(path, "out of memory");
	}
	compress_names(names, l->n, &t);
	/* Each entry: its distance from the one before (the first: from base), then its size. */
	for (i = 0; i < l->n; i++) {
		uint64_t delta = l->v[i].addr - (i ? l->v[i - 1].addr : base);

		if (delta > UINT32_MAX)
			die(path,
			    "%s lies %#llx bytes after the function before it, more than the 4 GiB a ksym "
			    "entry can say",
			    l->v[i].name, (unsigned long long)delta);
		strtab_off += put_uleb(NULL, delta) + put_uleb(NULL, l->v[i].size);
	}
	for (i = 0; i < l->n; i++)
		strtab_len += strlen((const char *)names[i]) + 1;
	pairs_off = strtab_off + strtab_len;
	total = pairs_off + 2 * t.n;
	if (l->n > UINT32_MAX || total > UINT32_MAX)
		die(path, "%zu symbols with %llu bytes of names do not fit the 32-bit fields of a ksym blob",
		    l->n, (unsigned long long)strtab_len);

	blob = xrealloc(NULL, (size_t)total);
	put32(blob, KSYM_MAGIC);
	put32(blob + 4, (uint32_t)l->n);
	put32(blob + 8, (uint32_t)strtab_off);
	put32(blob + 12, (uint32_t)strtab_len);
	put64(blob + 16, base);
	put32(blob + 24, (uint32_t)pairs_off);
	put32(blob + 28, t.n);
	e = blob + KSYM_HEADER_SIZE;
	for (i = 0, str = 0; i < l->n; i++) {
		size_t n = strlen((const char *)names[i]) + 1;

		e += put_uleb(e, l->v[i].addr - (i ? l->v[i - 1].addr : base));
		e += put_uleb(e, l->v[i].size);
		memcpy(blob + strtab_off + str, names[i], n);
		str += n;
		free(names[i]);
	}
	memcpy(blob + pairs_off, t.pair, 2 * t.n);
	free(names);
	*len = (size_t)total;
	return blob;
}

/* Written under a temporary name and renamed, so a failed run never leaves a partial blob
 * that a build system would take as up to date. */
static void write_file(const char *path, const unsigned char *data, size_t len)
{
	size_t n = strlen(path) + 5;
	char *tmp = xrealloc(NULL, n);
	FILE *fp;

	snprintf(tmp, n, "%s.tmp", path);
	fp = fopen(tmp, "wb");
	if (!fp)
		die(tmp, "cannot create: %s", strerror(errno));
	if (fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		int err = errno;

		remove(tmp);
		die(tmp, "write error: %s", strerror(err));
	}
	if (rename(tmp, path) != 0) {
		int err = errno;

		remove(tmp);
		die(path, "cannot rename %s into place: %s", tmp, strerror(err));
	}
	free(tmp);
}

static void open_image(struct elf64_file *f, const char *path, const unsigned char *data, size_t size)
{
	if (elf64_open(f, data, size))
		die(path, "%s", f->err);
	if (f->type != ELF64_ET_EXEC && f->type != ELF64_ET_DYN)
		die(path, "not a linked image (ELF type %u): symbol addresses would be meaningless", f->type);
}

static int make(const char *in, const char *out)
{
	struct elf64_file f;
	struct msym_list l;
	unsigned char *data, *blob;
	size_t size, len;

	data = read_file(in, &size);
	open_image(&f, in, data, size);
	collect(&f, in, &l);
	blob = build_blob(&l, in, &len);
	write_file(out, blob, len);
	free(blob);
	free(l.v);
	free(data);
	return 0;
}

/* Compare the blob in the image's .ksyms section with what the image's own symbol table says
 * now; the first difference is reported, since everything after it usually shifted with it. */
static int verify(const char *path)
{
	struct elf64_file f;
	struct elf64_section sec;
	struct msym_list l;
	const unsigned char *b;
	unsigned char *data;
	size_t size, i, count, strtab_off, strtab_len, pairs_off, npairs, name_off = 0;
	uint64_t base, addr;
	const unsigned char *e, *entries_end;
	static char name[4096];
	int rc;

	data = read_file(path, &size);
	open_image(&f, path, data, size);
	rc = elf64_find_section(&f, ".ksyms", &sec, NULL);
	if (rc == -ENOENT)
		die(path, "no .ksyms section: the image was not linked with its symbol table");
	if (rc)
		die(path, "%s", f.err);
	if (sec.type == ELF64_SHT_NOBITS || sec.size == 0)
		die(path, "the .ksyms section is empty: this is a first-pass link, not a final image");
	b = sec.data;
	if (sec.size < KSYM_HEADER_SIZE || get32(b) != KSYM_MAGIC)
		die(path, "the .ksyms section does not start with a ksym header (magic %#x expected)",
		    KSYM_MAGIC);
	count = get32(b + 4);
	strtab_off = get32(b + 8);
	strtab_len = get32(b + 12);
	base = get64(b + 16);
	pairs_off = get32(b + 24);
	npairs = get32(b + 28);
	if (npairs > KSYM_PAIRS_MAX || pairs_off > sec.size || 2 * npairs > sec.size - pairs_off)
		die(path, ".ksyms pair table (offset %zu, %zu pairs) lies outside the section", pairs_off,
		    npairs);
	if (strtab_off < KSYM_HEADER_SIZE || strtab_off > sec.size || strtab_len > sec.size - strtab_off)
		die(path, ".ksyms string table (offset %zu, %zu bytes) lies outside the section (%llu bytes)",
		    strtab_off, strtab_len, (unsigned long long)sec.size);

	collect(&f, path, &l);
	e = b + KSYM_HEADER_SIZE;
	entries_end = b + strtab_off;
	addr = base;
	for (i = 0; i < count || i < l.n; i++) {
		uint64_t delta, esize;
		const unsigned char *codes;

		if (i >= count)
			die(path,
			    "verify failed: the image has function %s at %#llx, but .ksyms ends after %zu "
			    "entries (the code changed between the two link passes)",
			    l.v[i].name, (unsigned long long)l.v[i].addr, count);
		if (get_uleb(&e, entries_end, &delta) < 0 || get_uleb(&e, entries_end, &esize) < 0)
			die(path, ".ksyms entry %zu is not two ULEB128 numbers before the string table", i);
		addr += delta;
		/* The names follow the entries, one after another. */
		if (name_off >= strtab_len || !memchr(b + strtab_off + name_off, '\0', strtab_len - name_off))
			die(path, ".ksyms entry %zu has no name left in its string table", i);
		codes = b + strtab_off + name_off;
		name_off += strlen((const char *)codes) + 1;
		if (expand_name(codes, b + pairs_off, (unsigned)npairs, name, sizeof(name)) < 0)
			die(path, ".ksyms entry %zu's name does not expand: a broken pair table", i);
		if (i >= l.n)
			die(path,
			    "verify failed: .ksyms entry %zu is %s at %#llx, which is not in the image's "
			    "symbol table (the code changed between the two link passes)",
			    i, name, (unsigned long long)addr);
		if (addr != l.v[i].addr || strcmp(name, l.v[i].name) != 0 || esize != l.v[i].size)
			die(path,
			    "verify failed: .ksyms entry %zu is %s at %#llx (size %llu), but the image has "
			    "%s at %#llx (size %llu): the layout moved between the two link passes",
			    i, name, (unsigned long long)addr, (unsigned long long)esize, l.v[i].name,
			    (unsigned long long)l.v[i].addr, (unsigned long long)l.v[i].size);
	}
	if (e != entries_end)
		die(path, ".ksyms entries end %zu bytes before the string table", (size_t)(entries_end - e));
	free(l.v);
	free(data);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
	        "usage: %s IN.elf OUT.bin      write the symbol blob of a first-pass image\n"
	        "       %s --verify IMAGE.elf  check the blob in a final image's .ksyms section\n"
	        "       %s --seal IMAGE.elf    set the word that lets the image check it loaded intact\n",
	        prog, prog, prog);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--verify") == 0)
		return verify(argv[2]);
	if (argc == 3 && strcmp(argv[1], "--seal") == 0)
		return seal_image(prog, argv[2]);
	if (argc == 3 && argv[1][0] != '-')
		return make(argv[1], argv[2]);
	usage();
}
