# SPDX-License-Identifier: MIT
# Hostile boots (labels hostile and kvm): far too little RAM, command lines far too long, an
# image changed after the build. Every boot must end cleanly within 10 s: hello runs, or the
# boot stops with the documented status and message (docs/exit-status.md). hostile_boot.py
# prints one line per boot and "N passed, 0 failed"; --expect is the exact number of boots.
if(NOT MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  return()
endif()

set(hostile_driver ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/hostile_boot.py
  --runner ${MOTE_SOURCE_DIR}/tools/mote-run)

# RAM from 1 MiB to 2 MiB in 8 KiB steps (QEMU's own granularity): 129 boots per machine, two
# at a time. pc stands for pc and q35 (the same SeaBIOS and PVH option ROM); microvm has qboot.
foreach(machine microvm pc)
  add_test(NAME kvm.hostile-memory.${machine}
    COMMAND ${hostile_driver} memory --machines ${machine} --from-kib 1024 --to-kib 2048 --step-kib 8
      --jobs 2 --expect 129 $<TARGET_FILE:hello.kvm>)
  set_tests_properties(kvm.hostile-memory.${machine} PROPERTIES LABELS "hostile;kvm" TIMEOUT 600)
endforeach()

# The longest line the image takes (4095 bytes) boots whole; lines of 4-64 KiB go through
# mote-run (refused before QEMU starts, status 121) and straight to QEMU's -append (the image
# stops with 121). On pc and q35 QEMU's PVH option ROM
# copies the line into a 4 KiB buffer without a bound; 8 and 16 KiB overwrite the start_info
# after it (the image then asks fw_cfg for the line's size), while 32 KiB and more reach the
# option ROM's own stack and it jumps into the line's bytes before the image is entered, so
# those go through mote-run only (docs/exit-status.md).
add_test(NAME kvm.hostile-cmdline
  COMMAND ${hostile_driver} cmdline --machines microvm,pc,q35 --sizes-kib 4,8,16,32,64
    --raw-max-kib pc=16 --raw-max-kib q35=16 --jobs 2 --expect 29 $<TARGET_FILE:hello.kvm>)
set_tests_properties(kvm.hostile-cmdline PROPERTIES LABELS "hostile;kvm" TIMEOUT 300)

# An image with one byte changed after mote-mksyms --seal (the entry's sum catches it), and on
# microvm a boot module that QEMU places over the image.
add_test(NAME kvm.hostile-damaged-image
  COMMAND ${hostile_driver} damaged --machines q35,microvm --jobs 2 --expect 5
    --workdir ${CMAKE_CURRENT_BINARY_DIR} $<TARGET_FILE:hello.kvm>)
set_tests_properties(kvm.hostile-damaged-image PROPERTIES LABELS "hostile;kvm" TIMEOUT 120)
