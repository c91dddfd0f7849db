# SPDX-License-Identifier: MIT
# fs/fat's pure format logic: BPB checks, FAT entry packing, chains, directory entries, long
# and short names, timestamps (label fs too).
mote_unit_test(fat_format ${MOTE_SOURCE_DIR}/fs/fat/fat_format.c ${CMAKE_CURRENT_SOURCE_DIR}/test_fat_format.c)
target_include_directories(unit_fat_format PRIVATE ${MOTE_SOURCE_DIR}/fs/fat)
set_tests_properties(unit.fat_format PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "^121 passed, 0 failed")
# fs/fat's directory index: hashing, finding, removal, free slot runs (label fs too).
mote_unit_test(fat_index ${MOTE_SOURCE_DIR}/fs/fat/fat_index.c ${MOTE_SOURCE_DIR}/fs/fat/fat_format.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_fat_index.c)
target_include_directories(unit_fat_index PRIVATE ${MOTE_SOURCE_DIR}/fs/fat)
set_tests_properties(unit.fat_index PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "^52 passed, 0 failed")
