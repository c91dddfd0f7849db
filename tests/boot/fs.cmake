# SPDX-License-Identifier: MIT
# The filesystems inside an image (tests/image/fs_test.c, label fs): the ramfs at /tmp, the
# initrd boot module (a cpio the build makes with GNU cpio from a tree fs_initrd_tree.py
# writes), the built-in ROOTFS, and fs.mount= errors.

# mote_fs_boot_test(NAME <mote_boot_test arguments>): a boot test labelled fs too.
function(mote_fs_boot_test name)
  mote_boot_test(${name} LABELS fs ${ARGN})
endfunction()

# /tmp: create, write, read, rename, unlink, mkdir, rmdir, symlinks with exact errno, ENOSPC
# when memory runs short, mount()/umount(), EMFILE; the *at calls, directory streams, umask,
# timestamps; names found after a lookup failed (create, mkdir, symlink, rename, mounts); three
# threads on files and folders at once.
mote_fs_boot_test(fs-tmp IMAGE fs_test STATUS 0 MACHINES q35 microvm PASSED 167 ARGS -- tmp more)

# A malformed fs.mount stops boot with 121, naming the option.
mote_fs_boot_test(fs-mount-no-path IMAGE fs_test STATUS 121 MACHINES q35
  ARGS fs.mount=blk0 -- tmp EXPECT "fs.mount=blk0: expected DEVICE:PATH")
mote_fs_boot_test(fs-mount-relative IMAGE fs_test STATUS 121 MACHINES q35
  ARGS fs.mount=blk0:data -- tmp EXPECT "PATH must be absolute")
mote_fs_boot_test(fs-mount-bad-flag IMAGE fs_test STATUS 121 MACHINES q35
  ARGS fs.mount=blk0:/data:rw -- tmp EXPECT "the only option is")
mote_fs_boot_test(fs-mount-empty IMAGE fs_test STATUS 121 MACHINES q35
  ARGS fs.mount= -- tmp EXPECT "fs.mount needs DEVICE:PATH")
# A mount that fails at boot (no such device) is reported and boot goes on.
mote_fs_boot_test(fs-mount-missing-device IMAGE fs_test STATUS 0 MACHINES q35 PASSED 86
  ARGS fs.mount=blk7:/data -- tmp EXPECT "fs: mount blk7 at /data: no such device")

# The initrd: a cpio made by GNU cpio from the tree fs_initrd.py writes, given as the boot
# module (QEMU's -initrd on kvm, the second multiboot module on xen's dom0, GRUB's module2 on
# baremetal).
set(fs_initrd ${CMAKE_CURRENT_BINARY_DIR}/fs_initrd.cpio)
add_custom_command(OUTPUT ${fs_initrd}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fs_initrd.py ${fs_initrd}
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/fs_initrd.py COMMENT "Test initrd (cpio newc)" VERBATIM)
add_custom_target(fs_initrd_cpio ALL DEPENDS ${fs_initrd})
mote_fs_boot_test(fs-initrd IMAGE fs_test STATUS 0 MACHINES q35 microvm MODULE ${fs_initrd}
  PASSED 116 ARGS -- initrd tmp EXPECT "fs: initrd mounted at / \\(read-only\\)")
# The built-in root: add_unikernel(ROOTFS tests/image/rootfs), no module.
mote_fs_boot_test(fs-rootfs IMAGE fs_rootfs_test STATUS 0 MACHINES q35 microvm PASSED 93
  ARGS -- rootfs tmp EXPECT "fs: initrd mounted at / \\(read-only\\)")
# A module given at boot takes the place of the built-in root.
mote_fs_boot_test(fs-rootfs-module IMAGE fs_rootfs_test STATUS 0 MACHINES q35 MODULE ${fs_initrd}
  PASSED 30 ARGS -- initrd)

# On Xen the dom0 runs above (the initrd as dom0's second multiboot module); tier 2 boots the
# same images as PV domUs of a Linux dom0: the initrd as xl's ramdisk=, the built-in root with
# no ramdisk (one dom0 boot for both).
if(MOTE_IMAGE_SUFFIX STREQUAL "xen")
  add_test(NAME xen.fs-domU
    COMMAND ${Python3_EXECUTABLE} ${MOTE_SOURCE_DIR}/tools/xen-tier2 --cache ${CMAKE_BINARY_DIR}/xen-cache/tier2
      --log ${CMAKE_CURRENT_BINARY_DIR}/logs/xen.fs-domU.log
      --file ${fs_initrd}
      --guest $<TARGET_FILE:fs_test.xen> 0 "-- initrd tmp"
      --xl fs_test "ramdisk=\"${fs_initrd}\""
      --expect fs_test "fs: initrd mounted at / \\(read-only\\)" --passed fs_test 116
      --guest $<TARGET_FILE:fs_rootfs_test.xen> 0 "-- rootfs tmp" --passed fs_rootfs_test 93)
  set_tests_properties(xen.fs-domU PROPERTIES LABELS "xen;fs" TIMEOUT 900)
endif()
# fs/'s hooks run at their levels (root before mounts, both before the network) and a clean
# exit runs the write-back (an EXIT_HOOK), seen in the debug log.
mote_fs_boot_test(fs-hooks IMAGE fs_test STATUS 0 MACHINES q35 PASSED 86 ARGS mote.log=debug -- tmp
  EXPECT "(?s)init: fs root.*init: fs mounts" "exit: fs sync")

# Descriptors on files (tests/image/fd_files_test.c): two threads writing and reading their own
# /tmp files at once, dup/dup2/dup3/fcntl on files, stdout into a file and back, EMFILE, poll
# over a file and the console.
mote_fs_boot_test(fd-files IMAGE fd_files_test STATUS 0 MACHINES q35 PASSED 299
  EXPECT "worker 0 wrote [0-9]+ chunks \\(1048576 bytes back\\), the other moved on in [1-9][0-9]* rounds, 0 errors"
    "worker 1 wrote [0-9]+ chunks \\(1048576 bytes back\\), the other moved on in [1-9][0-9]* rounds, 0 errors"
    "253 files open at EMFILE" "stdout is the console again"
  REJECT "FAIL" "into the file" "from a thread" "after the thread")
