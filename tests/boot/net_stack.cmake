# SPDX-License-Identifier: MIT
# Network stack boot tests (label net, with kvm or xen): the socket layer over loopback and the
# netif glue over two fake netdevs (tests/image), then httpd and echo under QEMU user
# networking, checked from this machine's loopback by net_stack.py with curl and sockets, and
# two Mote machines on one QEMU socket network.
mote_boot_test(net-sockets IMAGE net_test STATUS 0 MACHINES ${all_machines} PASSED 102
  EXPECT "IPv4 TCP echoed 262144 of 262144 bytes" "IPv6 TCP echoed 262144 of 262144 bytes"
  REJECT "FAIL")
mote_boot_test(net-netif IMAGE netif_test STATUS 0 MACHINES q35 microvm
  KVM_ONLY "the fake netdevs' bus is not probed on xen yet" PASSED 12
  EXPECT "1048576 bytes over the fake link, all equal" REJECT "FAIL")
foreach(t net-sockets.pc net-sockets.q35 net-sockets.microvm net-sockets.dom0 net-netif.q35 net-netif.microvm)
  if(TEST ${MOTE_IMAGE_SUFFIX}.${t})
    set_property(TEST ${MOTE_IMAGE_SUFFIX}.${t} APPEND PROPERTY LABELS net)
  endif()
endforeach()

# mote_net_test(NAME IMAGE target MODE httpd|echo MACHINES m... [STATIC] [MEMORY 64M]
#               [NIC e1000|e1000e] [EXPECT regex...] [ARGS cmdline words...])
# STATIC: the command line in ARGS sets net.ip=10.0.2.15/24 and the test expects no DHCP.
# NIC: that QEMU model instead of virtio-net; EXPECT: lines the console must also show.
function(mote_net_test name)
  cmake_parse_arguments(T "STATIC" "IMAGE;MODE;MEMORY;NIC" "MACHINES;ARGS;EXPECT" ${ARGN})
  set(opts)
  if(T_MEMORY)
    list(APPEND opts --memory ${T_MEMORY})
  endif()
  if(T_STATIC)
    list(APPEND opts --static)
  endif()
  if(T_NIC)
    list(APPEND opts --nic ${T_NIC})
  endif()
  foreach(e ${T_EXPECT})
    list(APPEND opts --expect ${e})
  endforeach()
  foreach(machine ${T_MACHINES})
    set(test ${MOTE_IMAGE_SUFFIX}.${name}.${machine})
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/net_stack.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine} --mode ${T_MODE}
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log ${opts} $<TARGET_FILE:${T_IMAGE}> ${T_ARGS})
    set_tests_properties(${test} PROPERTIES LABELS "${MOTE_IMAGE_SUFFIX};net" TIMEOUT 240)
  endforeach()
endfunction()

if(MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  mote_net_test(net-httpd IMAGE httpd.kvm MODE httpd MACHINES q35 microvm)
  mote_net_test(net-echo IMAGE echo.kvm MODE echo MACHINES q35 microvm)
  mote_net_test(net-httpd-static IMAGE httpd.kvm MODE httpd MACHINES q35 STATIC
    ARGS net.ip=10.0.2.15/24 net.gw=10.0.2.2 net.dns=10.0.2.3 -- -p 80)
  # Two Mote machines on one QEMU socket network: echo on one, tests/image/net_peer.c on the other.
  foreach(machine q35 microvm)
    set(test ${MOTE_IMAGE_SUFFIX}.net-pair.${machine})
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/net_stack.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine} --mode pair
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log --peer $<TARGET_FILE:net_peer.kvm>
        $<TARGET_FILE:echo.kvm>)
    set_tests_properties(${test} PROPERTIES LABELS "${MOTE_IMAGE_SUFFIX};net" TIMEOUT 240)
  endforeach()
  # The whole httpd check, 50 concurrent clients included, in 4 MiB of RAM.
  mote_net_test(net-httpd-4M IMAGE httpd.kvm MODE httpd MACHINES microvm MEMORY 4M)
  # Intel NICs (drivers/e1000): the 82540EM (e1000) on pc and q35 over INTx, the 82574L (e1000e)
  # on q35 over MSI-X: the whole httpd check (50 concurrent clients included) and 1 MiB echoed.
  foreach(variant "e1000;pc;INTx on line" "e1000;q35;INTx on line" "e1000e;q35;MSI-X")
    list(GET variant 0 nic)
    list(GET variant 1 machine)
    list(GET variant 2 irq)
    set(expect "${nic}-0: pci [0-9a-f:.]+ (82540EM|82574L), ${irq}")
    mote_net_test(net-httpd-${nic} IMAGE httpd.kvm MODE httpd MACHINES ${machine} NIC ${nic} EXPECT ${expect})
    mote_net_test(net-echo-${nic} IMAGE echo.kvm MODE echo MACHINES ${machine} NIC ${nic} EXPECT ${expect})
  endforeach()
endif()

# Malformed net.* options stop boot with status 121 and say what was expected.
mote_boot_test(net-bad-ip IMAGE httpd STATUS 121 MACHINES q35 KVM_ONLY "checked once"
  ARGS net.ip=10.0.2.15 -- EXPECT "bad value for 'net.ip': '10.0.2.15' is not dhcp or an address/prefix like 10.0.2.15/24"
  REJECT "httpd: serving")
mote_boot_test(net-bad-dns IMAGE httpd STATUS 121 MACHINES q35 KVM_ONLY "checked once"
  ARGS net.dns=10.0.2.3,not-an-address -- EXPECT "bad value for 'net.dns': '10.0.2.3,not-an-address' is not a comma-separated list"
  REJECT "httpd: serving")
foreach(t net-bad-ip.q35 net-bad-dns.q35)
  if(TEST ${MOTE_IMAGE_SUFFIX}.${t})
    set_property(TEST ${MOTE_IMAGE_SUFFIX}.${t} APPEND PROPERTY LABELS net)
  endif()
endforeach()
