/* SPDX-License-Identifier: MIT */
/* seal.c: mote-mksyms --seal, which lets an image check at its first instruction that it was
 * loaded intact. An image that defines `mote_seal_ranges` ((start, end) address pairs, 4-byte
 * aligned, inside loaded segments) and the 32-bit word `mote_seal` gets that word set so the
 * little-endian words of all the ranges sum to 0 (mod 2^32); platforms/kvm/pvh_entry.S sums
 * them again before it trusts the image. Images without the symbols are left alone. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "elf64_read.h"
#include "seal.h"

#define PT_LOAD    1
#define PHDR_SIZE  56
#define MAX_RANGES 16

static uint64_t rd64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The file offset of [addr, addr + len) when a PT_LOAD segment loads it from the file
 * (within p_filesz), else -1: a range in .bss or across segments cannot be summed. */
static long file_offset(const unsigned char *img, size_t size, uint64_t addr, uint64_t len)
{
	uint64_t phoff = rd64(img + 0x20);
	unsigned phentsize = img[0x36] | img[0x37] << 8, phnum = img[0x38] | img[0x39] << 8;

	if (phentsize != PHDR_SIZE || phoff > size || (uint64_t)phnum * PHDR_SIZE > size - phoff)
		return -1;
	for (unsigned i = 0; i < phnum; i++) {
		const unsigned char *ph = img + phoff + (size_t)i * PHDR_SIZE;
		uint64_t off = rd64(ph + 8), vaddr = rd64(ph + 16), filesz = rd64(ph + 32);

		if (rd32(ph) != PT_LOAD || addr < vaddr || addr - vaddr > filesz ||
		    len > filesz - (addr - vaddr))
			continue;
		if (off > size || filesz > size - off)
			return -1;
		return (long)(off + (addr - vaddr));
	}
	return -1;
}

static int find_symbol(struct elf64_file *f, const char *name, struct elf64_sym *out)
{
	struct elf64_symtab st;

	if (elf64_symtab(f, &st) < 0)
		return -ENOENT;
	for (size_t i = 1; i < st.count; i++) {
		if (elf64_symbol(f, &st, i, out) == 0 && strcmp(out->name, name) == 0)
			return 0;
	}
	return -ENOENT;
}

int seal_image(const char *prog, const char *path)
{
	FILE *fp = fopen(path, "r+b");
	unsigned char *img = NULL;
	long size;
	int rc = 1;

	if (!fp || fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0x40 || fseek(fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: %s: cannot read the image\n", prog, path);
		goto out;
	}
	img = malloc((size_t)size);
	if (!img || fread(img, 1, (size_t)size, fp) != (size_t)size) {
		fprintf(stderr, "%s: %s: cannot read the image\n", prog, path);
		goto out;
	}

	struct elf64_file f;
	struct elf64_sym ranges, seal;

	if (elf64_open(&f, img, (size_t)size) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, f.err);
		goto out;
	}
	if (find_symbol(&f, "mote_seal_ranges", &ranges) < 0 || find_symbol(&f, "mote_seal", &seal) < 0) {
		rc = 0; /* this platform's images do not check themselves */
		goto out;
	}
	long roff = file_offset(img, (size_t)size, ranges.value, ranges.size);
	long soff = file_offset(img, (size_t)size, seal.value, 4);
	unsigned n = (unsigned)(ranges.size / 16);

	if (roff < 0 || soff < 0 || seal.size != 4 || ranges.size % 16 || n == 0 || n > MAX_RANGES) {
		fprintf(stderr, "%s: %s: mote_seal_ranges or mote_seal is not a loaded table\n", prog, path);
		goto out;
	}
	memset(img + soff, 0, 4);
	uint32_t sum = 0;
	int sealed = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t start = rd64(img + roff + 16 * i), end = rd64(img + roff + 16 * i + 8);
		long off = end >= start ? file_offset(img, (size_t)size, start, end - start) : -1;

		if (off < 0 || start % 4 || end % 4) {
			fprintf(stderr,
			        "%s: %s: seal range %#llx-%#llx is not 4-byte aligned within a loaded "
			        "segment\n",
			        prog, path, (unsigned long long)start, (unsigned long long)end);
			goto out;
		}
		for (uint64_t a = 0; a < end - start; a += 4)
			sum += rd32(img + off + a);
		sealed |= seal.value >= start && seal.value + 4 <= end;
	}
	if (!sealed) {
		fprintf(stderr, "%s: %s: mote_seal is outside the ranges it seals\n", prog, path);
		goto out;
	}
	uint32_t word = -sum;
	unsigned char le[4] = {word & 0xff, word >> 8 & 0xff, word >> 16 & 0xff, word >> 24};

	if (fseek(fp, soff, SEEK_SET) != 0 || fwrite(le, 1, 4, fp) != 4 || fflush(fp) != 0) {
		fprintf(stderr, "%s: %s: cannot write the seal\n", prog, path);
		goto out;
	}
	rc = 0;
out:
	free(img);
	if (fp && fclose(fp) != 0 && rc == 0) {
		fprintf(stderr, "%s: %s: cannot write the seal\n", prog, path);
		rc = 1;
	}
	return rc;
}
