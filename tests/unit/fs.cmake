# SPDX-License-Identifier: MIT
# fs/'s pure parts: the VFS's path logic and the initrd's cpio reader (labels unit, fs).
mote_unit_test(vfs_path ${MOTE_SOURCE_DIR}/fs/vfs/vfs_path.c ${CMAKE_CURRENT_SOURCE_DIR}/test_vfs_path.c)
target_include_directories(unit_vfs_path PRIVATE ${MOTE_SOURCE_DIR}/fs/include ${MOTE_SOURCE_DIR}/fs/vfs)
set_tests_properties(unit.vfs_path PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "(^|\n)39 passed, 0 failed\n")

mote_unit_test(cpio ${MOTE_SOURCE_DIR}/fs/initrd/cpio.c ${CMAKE_CURRENT_SOURCE_DIR}/test_cpio.c)
target_include_directories(unit_cpio PRIVATE ${MOTE_SOURCE_DIR}/fs/initrd)
set_tests_properties(unit.cpio PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "(^|\n)37 passed, 0 failed\n")

# The VFS's name cache with vfs_inode.c's reference counting, and threads under a real mutex.
mote_unit_test(vfs_dcache ${MOTE_SOURCE_DIR}/fs/vfs/vfs_dcache.c ${MOTE_SOURCE_DIR}/fs/vfs/vfs_inode.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_vfs_dcache.c)
target_include_directories(unit_vfs_dcache PRIVATE ${MOTE_SOURCE_DIR}/fs/include ${MOTE_SOURCE_DIR}/fs/vfs)
target_link_libraries(unit_vfs_dcache PRIVATE pthread)
set_tests_properties(unit.vfs_dcache PROPERTIES LABELS "unit;fs" PASS_REGULAR_EXPRESSION "(^|\n)96 passed, 0 failed\n")
