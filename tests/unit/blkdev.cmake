# SPDX-License-Identifier: MIT
# core's block device class against a fake driver (kernel services stubbed in the test).
mote_unit_test(blkdev ${MOTE_SOURCE_DIR}/core/blkdev.c ${CMAKE_CURRENT_SOURCE_DIR}/test_blkdev.c)
set_tests_properties(unit.blkdev PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "^28 passed, 0 failed")
