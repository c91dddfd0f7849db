# SPDX-License-Identifier: MIT
# Symbol lookups must survive any .ksyms contents; mksyms's ELF reader any input file.
mote_fuzz_target(ksym core/ksym.c tests/fuzz/fuzz_ksym.c)
mote_fuzz_target(elf64 tools/mksyms/elf64_read.c tests/fuzz/fuzz_elf64.c)
