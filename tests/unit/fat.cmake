# SPDX-License-Identifier: MIT
# fs/fat's pure format logic: BPB checks, FAT entry packing, chains, directory entries, long
# and short names, timestamps (label fs too).
mote_unit_test(fat_format ${MOTE_SOURCE_DIR}/fs/fat/fat_format.c ${CMAKE_CURRENT_SOURCE_DIR}/test_fat_format.c)
target_include_directories(unit_fat_format PRIVATE ${MOTE_SOURCE_DIR}/fs/fat)
set_tests_properties(unit.fat_format PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "^121 passed, 0 failed")
