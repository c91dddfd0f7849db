# SPDX-License-Identifier: MIT
# Block-layer boot tests (labels fs and kvm): tests/image/blk_test.c on two virtio-blk disks
# that blk_disk.py makes and checks afterwards, over each transport: virtio-pci modern (q35),
# legacy (pc, disable-modern=on), virtio-mmio (microvm), 4096-byte logical blocks, and a
# 16-entry ring (QEMU then offers seg_max 14: 5 requests in flight, descriptors running out), and
# a disk whose reads at 2 MiB fail (QEMU's blkdebug): -EIO for that request, the device stays.
if(NOT MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  return()
endif()

# Every check of blk_test.c.
set(blk_passed 34)

# mote_blk_test(NAME MACHINE m DEVICE d [DEVICE_OPTS ",k=v"] [QEMU_EXTRA "..."] [SECTOR_SIZE n]
#               [QUEUE_DEPTH n] [IOERR_BYTE offset] [EXPECT re...])
function(mote_blk_test name)
  cmake_parse_arguments(T "" "MACHINE;DEVICE;DEVICE_OPTS;QEMU_EXTRA;SECTOR_SIZE;QUEUE_DEPTH;IOERR_BYTE" "EXPECT" ${ARGN})
  if(NOT T_SECTOR_SIZE)
    set(T_SECTOR_SIZE 512)
  endif()
  if(NOT T_QUEUE_DEPTH)
    set(T_QUEUE_DEPTH 32) # QEMU's 256-entry ring: a third of it, at most 32
  endif()
  set(test ${MOTE_IMAGE_SUFFIX}.${name}.${T_MACHINE})
  set(extra --passed ${blk_passed})
  if(T_IOERR_BYTE)
    math(EXPR passed "${blk_passed} + 3") # blk_test's checks of the failing read
    set(extra --passed ${passed} --ioerr-byte ${T_IOERR_BYTE})
  endif()
  set(expects)
  foreach(re ${T_EXPECT})
    list(APPEND expects --expect ${re})
  endforeach()
  add_test(NAME ${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/blk_disk.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run --boot-test ${CMAKE_CURRENT_SOURCE_DIR}/boot_test.py
      --machine ${T_MACHINE} --device ${T_DEVICE} "--device-opts=${T_DEVICE_OPTS}"
      "--qemu-extra=${T_QEMU_EXTRA}" --sector-size ${T_SECTOR_SIZE} --queue-depth ${T_QUEUE_DEPTH} ${extra}
      --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log --workdir ${CMAKE_CURRENT_BINARY_DIR}/disks/${test}
      ${expects} $<TARGET_FILE:blk_test.kvm>)
  set_tests_properties(${test} PROPERTIES LABELS "fs;kvm" TIMEOUT 240)
endfunction()

mote_blk_test(blk-virtio-pci MACHINE q35 DEVICE virtio-blk-pci
  EXPECT "blkdev: blk0 \\(virtio-blk0\\) 16384 sectors of 512 bytes" "blkdev: blk1 \\(virtio-blk1\\) 2048 sectors of 512 bytes \\(1024 KiB\\), read-only"
    "virtio-blk0: pci .*virtio 1.x")
mote_blk_test(blk-virtio-pci-legacy MACHINE pc DEVICE virtio-blk-pci DEVICE_OPTS ",disable-modern=on"
  EXPECT "virtio-blk0: pci .*legacy")
mote_blk_test(blk-virtio-mmio MACHINE microvm DEVICE virtio-blk-device QEMU_EXTRA "-machine acpi=off"
  EXPECT "virtio-blk0: mmio ")
mote_blk_test(blk-virtio-pci-4k MACHINE q35 DEVICE virtio-blk-pci SECTOR_SIZE 4096
  DEVICE_OPTS ",logical_block_size=4096,physical_block_size=4096"
  EXPECT "blkdev: blk0 \\(virtio-blk0\\) 2048 sectors of 4096 bytes")
mote_blk_test(blk-virtio-pci-small-queue MACHINE q35 DEVICE virtio-blk-pci DEVICE_OPTS ",queue-size=16"
  QUEUE_DEPTH 5 EXPECT "virtio-blk0: pci .*queue 16, 5 in flight, 256 sectors per request \\(14 segments")

mote_blk_test(blk-virtio-pci-ioerr MACHINE q35 DEVICE virtio-blk-pci IOERR_BYTE 2097152)

# The buffer cache (fs/bcache) on one disk: get/dirty/put/sync, twice the pool's worth of blocks
# (eviction, write-back for room), every buffer pinned, direct transfers coherent with the cache.
add_test(NAME kvm.bcache.q35
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/blk_disk.py --mode bcache
    --runner ${MOTE_SOURCE_DIR}/tools/mote-run --boot-test ${CMAKE_CURRENT_SOURCE_DIR}/boot_test.py
    --machine q35 --device virtio-blk-pci --passed 35
    --expect "bcache: a pool of [0-9]+ KiB for block buffers \\(1/16 of [0-9]+ KiB free"
    --log ${CMAKE_CURRENT_BINARY_DIR}/logs/kvm.bcache.q35.log --workdir ${CMAKE_CURRENT_BINARY_DIR}/disks/kvm.bcache.q35
    $<TARGET_FILE:bcache_test.kvm>)
set_tests_properties(kvm.bcache.q35 PROPERTIES LABELS "fs;kvm" TIMEOUT 300)
