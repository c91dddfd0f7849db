# SPDX-License-Identifier: MIT
# Host unit test of the baremetal platform's Multiboot2 boot information parser.
mote_unit_test(mb2_info ${MOTE_SOURCE_DIR}/platforms/baremetal/mb2_info.c ${CMAKE_CURRENT_SOURCE_DIR}/test_mb2_info.c)
target_include_directories(unit_mb2_info PRIVATE ${MOTE_SOURCE_DIR}/platforms/baremetal)
