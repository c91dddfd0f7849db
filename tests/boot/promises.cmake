# SPDX-License-Identifier: MIT
# Documented promises that had no test: the time slice option, mote.boottime, net.wait, tickless
# idle, console input, and the refusals of the fault diagnostics (#GP, W^X on rodata, heap and
# stack). Included from tests/boot/CMakeLists.txt, so mote_boot_test() and fault_common are set.

# mote.timeslice=MS: two spinning threads of equal priority take turns once per slice or two;
# the image checks the turns counted in 1.5 s against the slice it is told it booted with.
# 2 ms allows up to 752 turns and needs at least 46; 250 ms allows at most 8, where the default
# 10 ms slice would give 75 or more.
mote_boot_test(timeslice-small IMAGE timeslice_test STATUS 0 MACHINES q35
  ARGS mote.timeslice=2 -- 2
  EXPECT "timeslice_test: [0-9]+ turns in 1500 ms with a 2 ms slice" PASSED 6 REJECT "FAIL")
mote_boot_test(timeslice-large IMAGE timeslice_test STATUS 0 MACHINES q35
  ARGS mote.timeslice=250 -- 250
  EXPECT "timeslice_test: [0-9]+ turns in 1500 ms with a 250 ms slice" PASSED 6 REJECT "FAIL")
mote_boot_test(timeslice-malformed IMAGE timeslice_test STATUS 121 MACHINES q35
  ARGS mote.timeslice=10ms -- 10
  EXPECT "bad boot command line: .*mote.timeslice.*expected milliseconds, 1 to 100000"
  REJECT "timeslice_test:")
mote_boot_test(timeslice-zero IMAGE timeslice_test STATUS 121 MACHINES q35
  ARGS mote.timeslice=0 -- 10
  EXPECT "bad boot command line: .*mote.timeslice.*expected milliseconds, 1 to 100000"
  REJECT "timeslice_test:")

# The fault diagnostics that had no test. Each refusal must come from the page tables (W^X on
# .rodata, the heap and the stack) or the CPU (#GP), named, symbolized, with status 123.
mote_boot_test(fault-general-protection IMAGE fault STATUS 123 MACHINES q35 ARGS -- general-protection
  EXPECT "fatal: general protection fault \\(vector 13\\) at 0x[0-9a-f]+ \\(non_canonical_access\\+0x"
    "error code 0x0" ${fault_common} "stopping with status 123")
mote_boot_test(fault-write-rodata IMAGE fault STATUS 123 MACHINES q35 ARGS -- write-rodata
  EXPECT "fatal: page fault \\(vector 14\\) at 0x[0-9a-f]+ \\(write_to_rodata\\+0x"
    "address 0x[0-9a-f]+: write to a read-only page" ${fault_common} "stopping with status 123")
mote_boot_test(fault-exec-heap IMAGE fault STATUS 123 MACHINES q35 ARGS -- exec-heap
  EXPECT "fatal: page fault \\(vector 14\\)" "instruction fetch from a non-executable page"
    "#0  0x[0-9a-f]+ \\?" ${fault_common} "stopping with status 123")
mote_boot_test(fault-exec-stack IMAGE fault STATUS 123 MACHINES q35 ARGS -- exec-stack
  EXPECT "fatal: page fault \\(vector 14\\)" "instruction fetch from a non-executable page"
    "#0  0x[0-9a-f]+ \\?" "#1 +0x[0-9a-f]+ execute_stack\\+0x" "#2 +0x[0-9a-f]+ main\\+0x"
    "registers:" "backtrace:" "stopping with status 123")
mote_boot_test(fault-exec-thread-stack IMAGE fault STATUS 123 MACHINES q35 ARGS -- exec-thread-stack
  EXPECT "fatal: page fault \\(vector 14\\)" "in thread 'pthread'" "instruction fetch from a non-executable page"
    "#0  0x[0-9a-f]+ \\?" "#1 +0x[0-9a-f]+ execute_stack\\+0x" "#2 +0x[0-9a-f]+ execute_stack_thread\\+0x"
    "registers:" "backtrace:" "stopping with status 123")

# The tests below need more than output patterns: tests/boot/promises.py runs them, on xen as
# dom0 under Xen in QEMU (the machine given is then ignored).
function(mote_promise_test name)
  cmake_parse_arguments(T "" "MACHINE" "COMMAND" ${ARGN})
  set(runner_opts --machine ${T_MACHINE})
  if(MOTE_IMAGE_SUFFIX STREQUAL "xen")
    set(T_MACHINE dom0)
    set(runner_opts --machine dom0 --runner-arg=--xen-cache=${MOTE_XEN_CACHE})
  endif()
  set(label ${MOTE_IMAGE_SUFFIX})
  if(PLATFORM STREQUAL "baremetal")
    set(label baremetal) # the ISO through SeaBIOS and GRUB
  endif()
  set(test ${label}.${name}.${T_MACHINE})
  add_test(NAME ${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/promises.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log
      ${runner_opts} ${T_COMMAND})
  set_tests_properties(${test} PROPERTIES LABELS ${label} TIMEOUT 300)
  if(MOTE_IMAGE_SUFFIX STREQUAL "xen")
    set_tests_properties(${test} PROPERTIES FIXTURES_REQUIRED xen-hypervisor)
  endif()
endfunction()

foreach(app hello idle_test console_test console_thread_test)
  mote_test_image(image_${app} ${app}) # NAME.kvm, NAME.xen or NAME.iso (baremetal.cmake)
endforeach()

# mote.boottime: entry and main() cycle counts, entry first, printed before main() runs.
mote_promise_test(boottime MACHINE q35 COMMAND boottime ${image_hello})
# Tickless idle: QEMU's CPU time while the guest sleeps 5 s stays under a quarter of it (about
# 1% on kvm, 11-16% on xen, where Xen's own housekeeping runs under TCG; a polling idle: 100%).
mote_promise_test(idle-cpu MACHINE q35 COMMAND idle --seconds 5 ${image_idle_test})

# Console input: poll() times out with nothing typed, reports POLLIN when a line arrives, and
# read() returns the lines (fed through a terminal, as a user would type them; on xen, Xen
# passes its serial input to dom0).
mote_promise_test(console-input MACHINE q35 COMMAND console --count 7 ${image_console_test})
# A thread blocked in getchar() (stdin's FILE lock held, no input for a second) while main keeps
# computing, printing and allocating; main asks for the input only after its second of work.
mote_promise_test(console-input-thread MACHINE q35 COMMAND console --count 7
  --expect "worker did [0-9]+ rounds in 1000 ms while the reader waited"
  ${image_console_thread_test})

if(MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  # net.wait (kvm only: QEMU's virtio-net and user networking): with QEMU's DHCP, main() starts
  # with its address; with a NIC on an empty hub (no DHCP server, no traffic anywhere), main()
  # starts after net.wait with the documented warning.
  mote_promise_test(net-wait-dhcp MACHINE q35 COMMAND
    "--runner-arg=--qemu-arg=-netdev user,id=n0 -device virtio-net-pci,netdev=n0"
    net-wait --dhcp --wait-ms 30000 $<TARGET_FILE:net_wait_test.kvm>)
  mote_promise_test(net-wait-no-dhcp MACHINE q35 COMMAND
    "--runner-arg=--qemu-arg=-netdev hubport,id=n0,hubid=0 -device virtio-net-pci,netdev=n0"
    net-wait --wait-ms 1500 $<TARGET_FILE:net_wait_test.kvm>)
  set_tests_properties(kvm.net-wait-dhcp.q35 kvm.net-wait-no-dhcp.q35 PROPERTIES LABELS "kvm;net")
endif()
