/* SPDX-License-Identifier: MIT */
/* elf64_read.h: a small reader for little-endian ELF64 files held in memory, enough for
 * mote-mksyms: section headers, a section by name, and the symbol table. Every offset and size
 * is checked against the buffer, so any input either parses or yields an error message. */
#ifndef ELF64_READ_H
#define ELF64_READ_H

#include <stddef.h>
#include <stdint.h>

/* The ELF constants the tool needs (System V gABI, "Object Files" chapter). */
#define ELF64_ET_REL  1
#define ELF64_ET_EXEC 2
#define ELF64_ET_DYN  3

#define ELF64_SHT_SYMTAB 2
#define ELF64_SHT_STRTAB 3
#define ELF64_SHT_NOBITS 8

#define ELF64_SHF_ALLOC     0x2
#define ELF64_SHF_EXECINSTR 0x4

#define ELF64_SHN_UNDEF     0
#define ELF64_SHN_LORESERVE 0xff00
#define ELF64_SHN_XINDEX    0xffff

#define ELF64_STB_LOCAL  0
#define ELF64_STB_GLOBAL 1
#define ELF64_STB_WEAK   2

#define ELF64_STT_NOTYPE 0
#define ELF64_STT_FUNC   2

/* A parsed file. `data` is borrowed: it must outlive every name the reader hands out. */
struct elf64_file {
	const unsigned char *data;
	size_t size;
	uint16_t type;
	uint16_t machine;
	uint64_t shoff;
	size_t shnum;
	size_t shstrndx; /* 0 when the file has no section names */
	char err[200];   /* why the last call failed */
};

struct elf64_section {
	const char *name; /* NUL-terminated, inside the buffer; "" when the file has no names */
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint64_t offset;
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t entsize;
	const unsigned char *data; /* offset..offset+size, checked; NULL for SHT_NOBITS */
};

struct elf64_symtab {
	const unsigned char *syms;
	size_t count;
	const char *strs;
	size_t strsize;
};

struct elf64_sym {
	const char *name; /* NUL-terminated, inside the buffer */
	uint64_t value;
	uint64_t size;
	uint8_t bind;
	uint8_t type;
	uint16_t shndx;
};

/* Check the ELF header and the section header table of `size` bytes at `data`.
 * Returns 0, or -EINVAL with f->err saying what is wrong. */
int elf64_open(struct elf64_file *f, const void *data, size_t size);

/* Section `idx`, its name and contents checked against the buffer. Returns 0 or -EINVAL. */
int elf64_section(struct elf64_file *f, size_t idx, struct elf64_section *sec);

/* The first section called `name`. Returns 0, -ENOENT (none, f->err says so) or -EINVAL. */
int elf64_find_section(struct elf64_file *f, const char *name, struct elf64_section *sec, size_t *idx);

/* The static symbol table (SHT_SYMTAB) and its string table. Returns 0, -ENOENT (stripped
 * file) or -EINVAL. */
int elf64_symtab(struct elf64_file *f, struct elf64_symtab *st);

/* Symbol `idx` of `st` (index 0 is the null symbol). Returns 0 or -EINVAL. */
int elf64_symbol(struct elf64_file *f, const struct elf64_symtab *st, size_t idx, struct elf64_sym *sym);

#endif
