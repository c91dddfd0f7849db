# SPDX-License-Identifier: MIT
# Network promises with a test each (labels kvm and net): DNS resolution against the project's
# own DNS server in a private network namespace, IPv6 over the NIC to this machine's ::1, and a
# thread woken by a device interrupt preempting a spinning lower-priority one.
if(NOT MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  return() # xen has no NIC yet
endif()

# mote_promise_test(NAME SCRIPT file.py IMAGE target MACHINES m... PASSED n [ARGS ...])
# PASSED is the image's exact count of passed checks ("N passed, 0 failed").
function(mote_promise_test name)
  cmake_parse_arguments(T "" "SCRIPT;IMAGE;PASSED" "MACHINES;ARGS" ${ARGN})
  foreach(machine ${T_MACHINES})
    set(test kvm.${name}.${machine})
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/${T_SCRIPT}
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine}
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log --passed ${T_PASSED} ${T_ARGS}
        $<TARGET_FILE:${T_IMAGE}.kvm>)
    set_tests_properties(${test} PROPERTIES LABELS "kvm;net" TIMEOUT 240)
  endforeach()
endfunction()

# getaddrinfo() for a name the test picks (A and AAAA), an AAAA-only name and a missing one
# (NXDOMAIN), against tests/boot/dns_server.py at 10.0.2.2:53 (root, or user namespaces).
mote_promise_test(net-dns SCRIPT net_dns.py IMAGE net_dns_test MACHINES q35 PASSED 55)

# TCP over IPv6 from the image's SLAAC address to fec0::2 (this machine's ::1), both streams
# checked at the ends and in a capture of the NIC's frames (QEMU filter-dump).
mote_promise_test(net-ipv6 SCRIPT net_ipv6.py IMAGE net_ipv6_test MACHINES q35 PASSED 27)

# A receiver woken through the NIC's interrupt preempts a spinner that never yields: MSI-X on
# q35, an IOAPIC line from virtio-mmio on microvm.
mote_promise_test(net-irq-preempt SCRIPT net_irq_preempt.py IMAGE irq_preempt_test MACHINES q35 microvm
  PASSED 32)
