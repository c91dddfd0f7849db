# SPDX-License-Identifier: MIT
# Unit tests for core's text handling: the kernel formatter and the boot command-line parser.
mote_unit_test(fmt ${MOTE_SOURCE_DIR}/core/fmt.c ${CMAKE_CURRENT_SOURCE_DIR}/test_fmt.c)
mote_unit_test(cmdline ${MOTE_SOURCE_DIR}/core/cmdline.c ${CMAKE_CURRENT_SOURCE_DIR}/test_cmdline.c)
# libc's printf engine: core's formatter with libc's floating-point conversions, against glibc.
mote_unit_test(printf_float ${MOTE_SOURCE_DIR}/core/fmt.c ${MOTE_SOURCE_DIR}/libc/libc_fmt_float.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_printf_float.c)
target_link_libraries(unit_printf_float PRIVATE m)
set_tests_properties(unit.printf_float PROPERTIES PASS_REGULAR_EXPRESSION "(^|\n)9699 passed, 0 failed\n")
