# SPDX-License-Identifier: MIT
# Device-layer boot tests (labels kvm and net): tests/image/netdev_test.c drives the first netdev
# with raw frames against QEMU user networking (ARP for the gateway 10.0.2.2, a DHCP
# DISCOVER answered with 10.0.2.15, a burst that fills the transmit ring) and reads the
# entropy source, over each transport: virtio-pci modern with MSI-X, modern with INTx only,
# legacy (disable-modern=on), and virtio-mmio version 1 and 2. microvm lists its virtio-mmio
# devices on the command line only with ACPI off (with ACPI on, QEMU describes them in the DSDT
# instead, which Mote does not read).

# mote_netdev_test(NAME MACHINES m... QEMU_ARGS "..." [EXPECT ...] [STATUS n] [PASSED n] [ARGS ...])
# PASSED defaults to the full run's count; "-- none" runs check 2 things, a refused boot none.
function(mote_netdev_test name)
  cmake_parse_arguments(N "" "QEMU_ARGS;STATUS;PASSED" "MACHINES;EXPECT;REJECT;ARGS" ${ARGN})
  if(NOT DEFINED N_STATUS)
    set(N_STATUS 0)
  endif()
  if(NOT N_ARGS)
    set(N_ARGS mote.log=debug --)
  endif()
  set(passed)
  if(N_PASSED)
    set(passed PASSED ${N_PASSED})
  endif()
  mote_boot_test(${name} IMAGE netdev_test STATUS ${N_STATUS} MACHINES ${N_MACHINES} ${passed}
    KVM_ONLY "QEMU virtio devices" QEMU_ARGS "${N_QEMU_ARGS}" ARGS ${N_ARGS}
    EXPECT ${N_EXPECT} REJECT "FAIL" ${N_REJECT})
  foreach(machine ${N_MACHINES})
    if(TEST ${MOTE_IMAGE_SUFFIX}.${name}.${machine})
      set_property(TEST ${MOTE_IMAGE_SUFFIX}.${name}.${machine} APPEND PROPERTY LABELS net)
    endif()
  endforeach()
endfunction()

set(net_user "-netdev user,id=n0")
set(net_ok "ARP reply: 10.0.2.2 is at 52:55:0a:00:02:02" "DHCP offer of 10.0.2.15"
  "300 ARP requests sent, 300 replies" "netdev_test: entropy [0-9a-f]{8}")
# Every check of netdev_test.c's full run (device, ARP, DHCP, burst, link, entropy).
set(net_all PASSED 29)

mote_netdev_test(virtio-pci MACHINES q35 pc ${net_all}
  QEMU_ARGS "${net_user} -device virtio-net-pci,netdev=n0 -device virtio-rng-pci"
  EXPECT ${net_ok} "virtio-net0: virtio 1.x, mergeable rx buffers, event idx" "pci 00:0[0-9].0: MSI-X")
mote_netdev_test(virtio-pci-intx MACHINES q35 ${net_all}
  QEMU_ARGS "${net_user} -device virtio-net-pci,netdev=n0,vectors=0 -device virtio-rng-pci,vectors=0"
  EXPECT ${net_ok} "virtio-net0: virtio 1.x" "INTx on line 1[01]" REJECT "MSI-X")
mote_netdev_test(virtio-pci-legacy MACHINES q35 ${net_all}
  QEMU_ARGS "${net_user} -device virtio-net-pci,netdev=n0,disable-modern=on -device virtio-rng-pci,disable-modern=on"
  EXPECT ${net_ok} "virtio-net0: legacy, mergeable rx buffers" "INTx on line")
mote_netdev_test(virtio-mmio-legacy MACHINES microvm ${net_all}
  QEMU_ARGS "${net_user} -device virtio-net-device,netdev=n0 -device virtio-rng-device -machine acpi=off"
  EXPECT ${net_ok} "virtio-net0: legacy, mergeable rx buffers" "virtio-rng0: mmio 0x")
mote_netdev_test(virtio-mmio MACHINES microvm ${net_all}
  QEMU_ARGS "${net_user} -device virtio-net-device,netdev=n0 -device virtio-rng-device -global virtio-mmio.force-legacy=false -machine acpi=off"
  EXPECT ${net_ok} "virtio-net0: virtio 1.x, mergeable rx buffers, event idx")

# Devices that lie are reported and dropped; boot goes on without them.
mote_netdev_test(virtio-bad-mtu MACHINES q35 ARGS -- none
  QEMU_ARGS "${net_user} -device virtio-net-pci,netdev=n0,host_mtu=60"
  EXPECT "bogus MTU 60 in the configuration" "virtio-net failed .-5., device ignored" PASSED 2)
mote_netdev_test(virtio-bad-mac MACHINES q35 ARGS -- none
  QEMU_ARGS "${net_user} -device virtio-net-pci,netdev=n0,mac=01:00:5e:00:00:01"
  EXPECT "bogus MAC address 01:00:5e:00:00:01" PASSED 2)

# Intel NICs (drivers/e1000): a multicast MAC is refused at probe. netdev_test's full run is not
# used with them: its 300-request burst overruns the receive ring while the sending thread holds
# the lock the receive callback needs, and an e1000 drops frames on overrun (counted, MPC)
# where QEMU holds frames back from a full virtio-net ring. httpd and echo (net_stack.cmake)
# cover the data path.
mote_netdev_test(e1000-bad-mac MACHINES q35 ARGS -- none
  QEMU_ARGS "${net_user} -device e1000,netdev=n0,mac=01:00:5e:00:00:01"
  EXPECT "bogus MAC address 01:00:5e:00:00:01" "e1000 driver failed .-5., device ignored" PASSED 2)
mote_netdev_test(virtio-mmio-absent MACHINES microvm ARGS virtio_mmio.device=4K@0xd0000000:5 -- none
  QEMU_ARGS "-machine acpi=off"
  EXPECT "mmio 0xd0000000: no virtio-mmio device" PASSED 2)
mote_netdev_test(virtio-mmio-cmdline MACHINES q35 ARGS virtio_mmio.device=512@0xfeb00000 -- none STATUS 121
  EXPECT "bad value for 'virtio_mmio.device': '512@0xfeb00000': bad address" REJECT "passed")

# Link status through the configuration interrupt: link_flap.py takes the NIC's link down and
# up over QMP while the image waits for both changes (MSI-X configuration vector, the legacy
# ISR bit over INTx, virtio-mmio's InterruptStatus; e1000's link-change cause, LSC, over INTx
# and the 82574L's "other" MSI-X cause).
if(MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  foreach(variant "q35;virtio-net-pci;pci" "q35;virtio-net-pci,disable-modern=on;pci-legacy"
                  "microvm;virtio-net-device;mmio" "pc;e1000;e1000" "q35;e1000e;e1000e")
    list(GET variant 0 machine)
    list(GET variant 1 device)
    list(GET variant 2 suffix)
    set(extra "")
    if(machine STREQUAL "microvm")
      set(extra " -machine acpi=off")
    endif()
    set(test kvm.virtio-link-${suffix}.${machine})
    if(suffix MATCHES "^e1000")
      set(test kvm.${suffix}-link.${machine})
    endif()
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/link_flap.py n0 --
        ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/boot_test.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine}
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log --status 0 --memory 64M
        "--qemu-arg=-netdev user,id=n0 -device ${device},netdev=n0${extra}"
        --expect "netdev_test: link went down yes, came back yes" --passed 4
        --reject FAIL
        $<TARGET_FILE:netdev_test.kvm> -- link)
    set_tests_properties(${test} PROPERTIES LABELS "kvm;net" TIMEOUT 180)
  endforeach()
endif()
