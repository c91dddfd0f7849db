# SPDX-License-Identifier: MIT
mote_unit_test(pc_memmap ${MOTE_SOURCE_DIR}/drivers/pc/pc_memmap.c ${CMAKE_CURRENT_SOURCE_DIR}/test_pc_memmap.c)
