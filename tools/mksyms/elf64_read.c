/* SPDX-License-Identifier: MIT */
/* elf64_read.c: parsing little-endian ELF64 from a memory buffer for mote-mksyms. Fields are
 * decoded byte by byte, so the result does not depend on the host's byte order or alignment,
 * and no offset from the file is followed before it is checked against the buffer's size. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "elf64_read.h"

#define EHDR_SIZE 64
#define SHDR_SIZE 64
#define SYM_SIZE  24

static uint16_t rd16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const unsigned char *p) { return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int fail(struct elf64_file *f, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(struct elf64_file *f, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, sizeof(f->err), fmt, ap);
	va_end(ap);
	return err;
}

/* True when [off, off+len) lies inside the buffer, without overflowing. */
static int in_file(const struct elf64_file *f, uint64_t off, uint64_t len)
{
	return off <= f->size && len <= f->size - off;
}

/* The NUL-terminated string at `off` in a string table, or NULL if it leaves the table. */
static const char *str_at(const char *tab, size_t tabsize, uint64_t off)
{
	if (off >= tabsize || !memchr(tab + off, '\0', tabsize - off))
		return NULL;
	return tab + off;
}

/* Section header `idx` without its name: the name table is itself a section. */
static int read_shdr(struct elf64_file *f, size_t idx, struct elf64_section *sec)
{
	const unsigned char *p;

	if (idx >= f->shnum)
		return fail(f, -EINVAL, "section index %zu out of range (the file has %zu sections)", idx,
		            f->shnum);
	p = f->data + f->shoff + idx * SHDR_SIZE;
	memset(sec, 0, sizeof(*sec));
	sec->name = "";
	sec->type = rd32(p + 4);
	sec->flags = rd64(p + 8);
	sec->addr = rd64(p + 16);
	sec->offset = rd64(p + 24);
	sec->size = rd64(p + 32);
	sec->link = rd32(p + 40);
	sec->info = rd32(p + 44);
	sec->entsize = rd64(p + 56);
	if (sec->type != ELF64_SHT_NOBITS && idx != 0) {
		if (!in_file(f, sec->offset, sec->size))
			return fail(f, -EINVAL,
			            "section %zu (offset %#llx, size %#llx) extends past the end of the file "
			            "(%zu bytes): truncated?",
			            idx, (unsigned long long)sec->offset, (unsigned long long)sec->size,
			            f->size);
		sec->data = f->data + sec->offset;
	}
	return 0;
}

int elf64_open(struct elf64_file *f, const void *data, size_t size)
{
	const unsigned char *p = data;
	struct elf64_section s0, names;
	uint16_t shentsize, shnum16, shstrndx16;
	int rc;

	memset(f, 0, sizeof(*f));
	f->data = p;
	f->size = size;
	if (size < 4 || memcmp(p, "\177ELF", 4) != 0)
		return fail(f, -EINVAL, "not an ELF file (bad magic)");
	if (size < EHDR_SIZE)
		return fail(f, -EINVAL, "truncated ELF header (%zu bytes, need %d)", size, EHDR_SIZE);
	if (p[4] != 2)
		return fail(f, -EINVAL, "not a 64-bit ELF file (class %u)", p[4]);
	if (p[5] != 1)
		return fail(f, -EINVAL, "not a little-endian ELF file (data encoding %u)", p[5]);
	if (p[6] != 1)
		return fail(f, -EINVAL, "unknown ELF version %u", p[6]);

	f->type = rd16(p + 16);
	f->machine = rd16(p + 18);
	f->shoff = rd64(p + 40);
	shentsize = rd16(p + 58);
	shnum16 = rd16(p + 60);
	shstrndx16 = rd16(p + 62);

	/* No section header table at all: a valid but, for our purposes, empty file. */
	if (f->shoff == 0)
		return 0;
	if (shentsize != SHDR_SIZE)
		return fail(f, -EINVAL, "section header size is %u, expected %d", shentsize, SHDR_SIZE);
	if (!in_file(f, f->shoff, SHDR_SIZE))
		return fail(f, -EINVAL,
		            "section header table at %#llx is past the end of the file (%zu bytes)",
		            (unsigned long long)f->shoff, size);

	/* Files with 0xff00 sections or more keep the real counts in section 0 (gABI, "Sections"). */
	f->shnum = 1;
	rc = read_shdr(f, 0, &s0);
	if (rc)
		return rc;
	f->shnum = shnum16 ? shnum16 : s0.size;
	if (f->shnum > (size - f->shoff) / SHDR_SIZE)
		return fail(f, -EINVAL, "%zu section headers at %#llx do not fit in the file (%zu bytes)",
		            f->shnum, (unsigned long long)f->shoff, size);
	f->shstrndx = shstrndx16 == ELF64_SHN_XINDEX ? s0.link : shstrndx16;
	if (f->shstrndx == ELF64_SHN_UNDEF)
		return 0;
	if (f->shstrndx >= f->shnum)
		return fail(f, -EINVAL, "section name table index %zu out of range (%zu sections)",
		            f->shstrndx, f->shnum);
	rc = read_shdr(f, f->shstrndx, &names);
	if (rc)
		return rc;
	if (names.type != ELF64_SHT_STRTAB)
		return fail(f, -EINVAL, "section name table (section %zu) is not a string table",
		            f->shstrndx);
	return 0;
}

int elf64_section(struct elf64_file *f, size_t idx, struct elf64_section *sec)
{
	struct elf64_section names;
	uint32_t name_off;
	int rc;

	rc = read_shdr(f, idx, sec);
	if (rc || f->shstrndx == ELF64_SHN_UNDEF)
		return rc;
	rc = read_shdr(f, f->shstrndx, &names);
	if (rc)
		return rc;
	name_off = rd32(f->data + f->shoff + idx * SHDR_SIZE);
	sec->name = str_at((const char *)names.data, names.size, name_off);
	if (!sec->name)
		return fail(f, -EINVAL, "section %zu has a name offset (%u) outside the name table", idx,
		            name_off);
	return 0;
}

int elf64_find_section(struct elf64_file *f, const char *name, struct elf64_section *sec, size_t *idx)
{
	size_t i;
	int rc;

	for (i = 1; i < f->shnum; i++) {
		rc = elf64_section(f, i, sec);
		if (rc)
			return rc;
		if (strcmp(sec->name, name) == 0) {
			if (idx)
				*idx = i;
			return 0;
		}
	}
	return fail(f, -ENOENT, "no section named %s", name);
}

int elf64_symtab(struct elf64_file *f, struct elf64_symtab *st)
{
	struct elf64_section sec, strs;
	size_t i;
	int rc;

	for (i = 1; i < f->shnum; i++) {
		rc = read_shdr(f, i, &sec);
		if (rc)
			return rc;
		if (sec.type == ELF64_SHT_SYMTAB)
			break;
	}
	if (i >= f->shnum)
		return fail(f, -ENOENT, "no symbol table (was the file stripped?)");
	if (sec.entsize != SYM_SIZE)
		return fail(f, -EINVAL, "symbol table entry size is %llu, expected %d",
		            (unsigned long long)sec.entsize, SYM_SIZE);
	if (sec.size % SYM_SIZE != 0)
		return fail(f, -EINVAL, "symbol table size %llu is not a multiple of %d",
		            (unsigned long long)sec.size, SYM_SIZE);
	if (sec.link == ELF64_SHN_UNDEF || sec.link >= f->shnum)
		return fail(f, -EINVAL, "symbol table links to section %u, which does not exist", sec.link);
	rc = read_shdr(f, sec.link, &strs);
	if (rc)
		return rc;
	if (strs.type != ELF64_SHT_STRTAB)
		return fail(f, -EINVAL, "symbol table links to section %u, which is not a string table",
		            sec.link);

	st->syms = sec.data;
	st->count = sec.size / SYM_SIZE;
	st->strs = (const char *)strs.data;
	st->strsize = strs.size;
	return 0;
}

int elf64_symbol(struct elf64_file *f, const struct elf64_symtab *st, size_t idx, struct elf64_sym *sym)
{
	const unsigned char *p;
	uint32_t name_off;

	if (idx >= st->count)
		return fail(f, -EINVAL, "symbol index %zu out of range (%zu symbols)", idx, st->count);
	p = st->syms + idx * SYM_SIZE;
	name_off = rd32(p);
	sym->name = str_at(st->strs, st->strsize, name_off);
	if (!sym->name)
		return fail(f, -EINVAL, "symbol %zu has a name offset (%u) outside the string table", idx,
		            name_off);
	sym->bind = p[4] >> 4;
	sym->type = p[4] & 0xf;
	sym->shndx = rd16(p + 6);
	sym->value = rd64(p + 8);
	sym->size = rd64(p + 16);
	return 0;
}
