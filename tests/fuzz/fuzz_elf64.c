/* SPDX-License-Identifier: MIT */
/* fuzz_elf64.c: mote-mksyms's ELF64 reader on arbitrary files: open, walk every section and
 * symbol, and look up the sections mksyms cares about. Any input must parse or be refused. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "../../tools/mksyms/elf64_read.h"

static void check_in(const uint8_t *data, size_t size, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;

	if (!s)
		__builtin_trap();
	/* Names point into the file, except the "" used when there is no name table. */
	if (*s != '\0' && (p < data || p >= data + size || !memchr(s, '\0', size - (size_t)(p - data))))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf64_file f;
	struct elf64_section sec;
	struct elf64_symtab st;
	struct elf64_sym sym;
	size_t i, idx;

	if (elf64_open(&f, data, size))
		return 0;
	for (i = 0; i < f.shnum; i++) {
		if (elf64_section(&f, i, &sec))
			continue;
		check_in(data, size, sec.name);
		if (sec.data && sec.size && (sec.data < data || sec.size > size - (size_t)(sec.data - data)))
			__builtin_trap();
		/* Touch the contents so ASan sees any read past the buffer. */
		if (sec.data && sec.size)
			(void)*(volatile const uint8_t *)(sec.data + sec.size - 1);
	}
	if (elf64_find_section(&f, ".ksyms", &sec, &idx) == 0 && (idx == 0 || idx >= f.shnum))
		__builtin_trap();
	if (elf64_symtab(&f, &st))
		return 0;
	for (i = 0; i < st.count; i++) {
		if (elf64_symbol(&f, &st, i, &sym))
			continue;
		check_in(data, size, sym.name);
	}
	if (elf64_symbol(&f, &st, st.count, &sym) != -EINVAL)
		__builtin_trap();
	return 0;
}
