# SPDX-License-Identifier: MIT
# libc's SSE2 string functions (libc/libc_string.S) and strcspn/strspn (libc_strspn.c) against
# byte-at-a-time references: lengths, alignments, overlap, guard bytes, a page boundary, fuzz.
# Both are built with their names prefixed (mote_memcpy ...) so the test keeps the host's libc.
mote_unit_test(string ${MOTE_SOURCE_DIR}/libc/libc_string.S ${MOTE_SOURCE_DIR}/libc/libc_strspn.c ${CMAKE_CURRENT_SOURCE_DIR}/test_string.c)
set_source_files_properties(${MOTE_SOURCE_DIR}/libc/libc_string.S TARGET_DIRECTORY unit_string
  PROPERTIES COMPILE_DEFINITIONS "memcpy=mote_memcpy;memmove=mote_memmove;memset=mote_memset;memcmp=mote_memcmp;strlen=mote_strlen")
set_tests_properties(unit.string PROPERTIES PASS_REGULAR_EXPRESSION "^27 passed, 0 failed")
# memmove's size-class table holds absolute addresses, as in the images (linked at a fixed address).
target_compile_options(unit_string PRIVATE -fno-pie)
target_link_options(unit_string PRIVATE -no-pie)
set_source_files_properties(${MOTE_SOURCE_DIR}/libc/libc_strspn.c TARGET_DIRECTORY unit_string
  PROPERTIES COMPILE_DEFINITIONS "strcspn=mote_strcspn;strspn=mote_strspn")
