# SPDX-License-Identifier: MIT
# Host test of Mote's allocator (libc/libc_alloc.c): random operations against a shadow record
# with heap walks, merging, in-place realloc, growth failure and the misuse reports.
mote_unit_test(alloc ${MOTE_SOURCE_DIR}/libc/libc_alloc.c ${CMAKE_CURRENT_SOURCE_DIR}/test_alloc.c)
target_include_directories(unit_alloc PRIVATE ${MOTE_SOURCE_DIR}/libc)
set_tests_properties(unit.alloc PROPERTIES PASS_REGULAR_EXPRESSION "[0-9]+ passed, 0 failed")
