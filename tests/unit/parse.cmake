# SPDX-License-Identifier: MIT
# core's shared text parsers (core/parse.c: hex digits, MAC addresses), bad input included.
mote_unit_test(parse ${MOTE_SOURCE_DIR}/core/parse.c ${CMAKE_CURRENT_SOURCE_DIR}/test_parse.c)
set_tests_properties(unit.parse PROPERTIES PASS_REGULAR_EXPRESSION "^68 passed, 0 failed")
