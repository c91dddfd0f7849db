# SPDX-License-Identifier: MIT
# The baremetal label: which of this folder's boot tests run from the ISO and on which firmware,
# and the tests only a baremetal tree has (the ISO as a USB stick; httpd and echo over e1000,
# e1000e and virtio-net-pci). docs/baremetal.md says what runs where and why.

# The image file a test boots: NAME.kvm or NAME.xen, on baremetal NAME.iso beside NAME.elf.
function(mote_test_image var name)
  if(PLATFORM STREQUAL "baremetal")
    set(${var} $<TARGET_FILE_DIR:${name}.elf>/${name}.iso PARENT_SCOPE)
  else()
    set(${var} $<TARGET_FILE:${name}.${MOTE_IMAGE_SUFFIX}> PARENT_SCOPE)
  endif()
endfunction()

if(NOT PLATFORM STREQUAL "baremetal")
  return()
endif()

# mote_boot_test() runs these from the ISO under SeaBIOS on the machines each names, microvm
# left out (it has no firmware that boots a CD): every test of this folder that is not about a
# kvm or Xen machine, a boot module (GRUB's module2 line: bmscreen's slice) or a raw QEMU
# command line (GRUB parses its line itself). pc runs the tests that name it (boot, libc, timer,
# threads, sockets, virtio-net), q35 all of them.
set(MOTE_BAREMETAL_BOOT_TESTS
  # boot, exit status, the command line
  hello hello-status hello-status-range cmdline-unknown cmdline-bad-value cmdline-no-separator
  log-quiet
  # faults, the stack overflow included, and their refusals (promises.cmake)
  fault-null fault-write-text fault-exec-data fault-stack-overflow fault-abort fault-assert
  fault-divide fault-invalid-opcode fault-stack-smash malloc-exhaust fault-general-protection
  fault-write-rodata fault-exec-heap fault-exec-stack fault-exec-thread-stack
  # the in-image suites
  libc timer threads mutex-stress pthreads stdio-locks fd-table pthread-exit-main pthread-exit-main-netdev
  thread-stack-overflow lazystack lazystack-overflow lazystack-oom deadlock timeslice-small timeslice-large timeslice-malformed
  # devices and the network stack (netdev.cmake, net_stack.cmake)
  virtio-pci virtio-pci-intx virtio-pci-legacy virtio-bad-mtu virtio-bad-mac e1000-bad-mac
  virtio-mmio-cmdline net-sockets net-netif net-bad-ip net-bad-dns
  # the filesystems in the image (fs.cmake): ramfs, the built-in root, fs.mount errors
  fs-tmp fs-mount-no-path fs-mount-relative fs-mount-bad-flag fs-mount-empty
  fs-mount-missing-device fs-rootfs fs-hooks fd-files
  # boot modules through GRUB: given at boot (fs.cmake), built into the ISO (screen.cmake)
  fs-initrd fs-initrd-builtin)
# Also on q35 with OVMF: a representative subset, as each OVMF boot costs about twice a SeaBIOS
# one under TCG (its own start before GRUB's): boot, faults, the timer (HPET/PM timer/PIT
# calibration differs under UEFI), threads, libc, sockets, the virtio-net device.
set(MOTE_BAREMETAL_UEFI_TESTS hello hello-status fault-null fault-stack-overflow libc timer
  pthreads net-sockets virtio-pci fs-initrd)

# Registered after the folder's own tests (tests/boot/CMakeLists.txt calls it where a kvm tree
# includes its suites): the suites whose mote_boot_test() calls the lists above choose from,
# then the baremetal-only tests.
macro(mote_baremetal_suites)
  include(${CMAKE_CURRENT_SOURCE_DIR}/netdev.cmake)
  include(${CMAKE_CURRENT_SOURCE_DIR}/net_stack.cmake)
  include(${CMAKE_CURRENT_SOURCE_DIR}/promises.cmake)
  include(${CMAKE_CURRENT_SOURCE_DIR}/fs.cmake)

  # The ISO as a USB stick (mote-run --boot usb: usb-storage on qemu-xhci, no CD drive): only
  # the hybrid image's MBR (SeaBIOS) or its EFI system partition (OVMF) can boot it. The ISO is
  # the one the build made, unchanged (no command-line words, so mote-run does not remake it).
  foreach(firmware bios uefi)
    set(test baremetal.usb-boot.q35-${firmware})
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/boot_test.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine q35 --firmware ${firmware} --boot usb
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log --status 0
        --expect "Hello from Mote!" --expect "argv\\[0\\] = \"hello\"" --expect "mote: exit status 0"
        --reject "argv\\[1\\]"
        $<TARGET_FILE_DIR:hello.elf>/hello.iso)
    set_tests_properties(${test} PROPERTIES LABELS baremetal TIMEOUT 180)
  endforeach()

  # httpd (curl, 50 concurrent clients) and echo (1 MiB over TCP, UDP) through net_stack.py, as
  # kvm's net-httpd-* tests: the 82540EM (e1000) on pc over INTx, the 82574L (e1000e) on q35 over
  # MSI-X, virtio-net-pci on q35, and virtio-net-pci under OVMF (httpd only).
  foreach(variant "httpd;pc;e1000;INTx on line" "echo;pc;e1000;INTx on line"
                  "httpd;q35;e1000e;MSI-X" "echo;q35;e1000e;MSI-X"
                  "httpd;q35;virtio" "echo;q35;virtio" "httpd;q35-uefi;virtio")
    list(GET variant 0 mode)
    list(GET variant 1 machine)
    list(GET variant 2 nic)
    set(opts --machine q35 --firmware uefi)
    if(NOT machine STREQUAL "q35-uefi")
      set(opts --machine ${machine})
    endif()
    if(nic STREQUAL "virtio")
      set(test baremetal.net-${mode}.${machine}) # net_stack.py checks the address is on virtio-net0
    else()
      set(test baremetal.net-${mode}-${nic}.${machine})
      list(GET variant 3 irq)
      list(APPEND opts --nic ${nic} --expect "${nic}-0: pci [0-9a-f:.]+ (82540EM|82574L), ${irq}")
    endif()
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/net_stack.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --mode ${mode} ${opts}
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log $<TARGET_FILE_DIR:${mode}.elf>/${mode}.iso)
    set_tests_properties(${test} PROPERTIES LABELS "baremetal;net" TIMEOUT 240)
  endforeach()
endmacro()
