# SPDX-License-Identifier: MIT
# Host unit test of the buddy page allocator (core/buddy.c), with malloc'd arenas as RAM.
mote_unit_test(buddy ${MOTE_SOURCE_DIR}/core/buddy.c ${CMAKE_CURRENT_SOURCE_DIR}/test_buddy.c)
target_include_directories(unit_buddy PRIVATE ${MOTE_SOURCE_DIR}/core/private) # core's own header
