# SPDX-License-Identifier: MIT
# The buffer cache (fs/bcache) on a fake block device; core's services are stubbed in the test.
mote_unit_test(bcache ${MOTE_SOURCE_DIR}/fs/bcache/bcache.c ${CMAKE_CURRENT_SOURCE_DIR}/test_bcache.c)
target_include_directories(unit_bcache PRIVATE ${MOTE_SOURCE_DIR}/fs/include)
set_property(TEST unit.bcache APPEND PROPERTY LABELS fs)
set_tests_properties(unit.bcache PROPERTIES PASS_REGULAR_EXPRESSION "(^|\n)216 passed, 0 failed\n")
