# SPDX-License-Identifier: MIT
# Hostile network clients against httpd and echo under QEMU user networking (label hostile, with
# kvm and net), driven from this machine's loopback by hostile_net.py; and net.ip values that no
# host can have, which stop boot with status 121. docs/net.md, "Hostile clients", says what each
# one checks and which lwIP patch it guards.
if(NOT MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  return()
endif()

# mote_hostile_net_test(NAME IMAGE target MODE httpd|echo ATTACK nonreading|churn|bigudp
#                       MEMORY 4M|64M [OPTIONS hostile_net.py options...] [APP_ARGS args...])
function(mote_hostile_net_test name)
  cmake_parse_arguments(T "" "IMAGE;MODE;ATTACK;MEMORY" "OPTIONS;APP_ARGS" ${ARGN})
  set(test ${MOTE_IMAGE_SUFFIX}.${name}.microvm)
  set(app_args)
  if(T_APP_ARGS)
    set(app_args -- -- ${T_APP_ARGS})
  endif()
  add_test(NAME ${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/hostile_net.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine microvm --memory ${T_MEMORY}
      --mode ${T_MODE} --attack ${T_ATTACK} ${T_OPTIONS}
      --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log $<TARGET_FILE:${T_IMAGE}> ${app_args})
  # The timeout only catches a hang: each takes 20-40 s on a loaded 2-core TCG machine.
  set_tests_properties(${test} PROPERTIES LABELS "hostile;${MOTE_IMAGE_SUFFIX};net" TIMEOUT 180)
endfunction()

# Five clients send 64 KiB blocks for 3 s and never read (and, against echo, a UDP flood whose
# replies nobody reads): the guest must go idle, not trade ACKs at zero windows for good
# (net/lwip-patches/0001), and serve a normal client within a second, before and after they go.
foreach(mem 4M 64M)
  mote_hostile_net_test(hostile-net-nonreading-httpd-${mem} IMAGE httpd.kvm MODE httpd
    ATTACK nonreading MEMORY ${mem})
  mote_hostile_net_test(hostile-net-nonreading-echo-${mem} IMAGE echo.kvm MODE echo
    ATTACK nonreading MEMORY ${mem})
endforeach()
# Sixteen such clients at -m 4M hold more than the budget has (each window is a sixteenth of it,
# net/net_mem.c): the guest must neither stop nor stay stuck. No new client is promised while they
# hold their windows; once they leave and echo's idle timeout (4 s here) drops the connections it
# was writing to, a normal client is served again. lwIP's timers keep running on a spent budget
# (net/lwip-patches/0004: before it, re-arming a timer found no memory and lwIP's assertion
# stopped the machine).
mote_hostile_net_test(hostile-net-nonreading16-echo-4M IMAGE echo.kvm MODE echo ATTACK nonreading
  MEMORY 4M OPTIONS --hogs 16 --leave-seconds 8 APP_ARGS --idle-timeout 4)
# 5,000 short Connection: close requests, none over a second: TIME-WAIT pcbs give way to a new
# SYN on their pair (net/lwip-patches/0002; without it some hang at 64M) and to memory pressure
# (0003; without it thousands go unanswered at 4M).
foreach(mem 4M 64M)
  mote_hostile_net_test(hostile-net-churn-${mem} IMAGE httpd.kvm MODE httpd ATTACK churn MEMORY ${mem})
endforeach()
# 300 requests httpd refuses, each from the same source port as the last the moment it closed: httpd
# half-closes and lingers, the client's FIN puts the pair in TIME-WAIT while httpd's thread still
# holds it, and the next SYN ends that TIME-WAIT (0002). Before net/lwip-patches/0005 lwIP freed
# the pcb silently and httpd's close freed it again: a page fault or a double free (in 5 runs of
# the old image the first bad reply came between the 2nd and the 85th request).
foreach(mem 4M 64M)
  mote_hostile_net_test(hostile-net-halfclose-${mem} IMAGE httpd.kvm MODE httpd ATTACK halfclose
    MEMORY ${mem})
endforeach()
# UDP datagrams up to 65,507 bytes echoed byte for byte, in the smallest budget too.
mote_hostile_net_test(hostile-net-bigudp-4M IMAGE echo.kvm MODE echo ATTACK bigudp MEMORY 4M)

# net.ip values that are well formed but leave no usable address.
mote_boot_test(hostile-net-ip-zero IMAGE httpd STATUS 121 MACHINES q35 KVM_ONLY "checked once"
  ARGS net.ip=0.0.0.0/24 -- EXPECT "bad value for 'net.ip': '0.0.0.0/24' is not a usable address: 0.0.0.0/8 means 'this host on this network'"
  REJECT "httpd: serving")
mote_boot_test(hostile-net-ip-broadcast IMAGE httpd STATUS 121 MACHINES q35 KVM_ONLY "checked once"
  ARGS net.ip=255.255.255.255/32 -- EXPECT "bad value for 'net.ip': '255.255.255.255/32' is not a usable address: 255.255.255.255 is the limited broadcast address"
  REJECT "httpd: serving")
foreach(t hostile-net-ip-zero.q35 hostile-net-ip-broadcast.q35)
  set_property(TEST ${MOTE_IMAGE_SUFFIX}.${t} APPEND PROPERTY LABELS hostile net)
endforeach()

# 200 clients connect to echo at once and each must get its 32 bytes back. On a tap device in a
# private network namespace (tests/boot/net_burst.py creates both; as non-root through a user
# namespace): QEMU user networking's listener lets a burst in two at a time.
set(_burst ${MOTE_IMAGE_SUFFIX}.net-burst-echo.q35)
add_test(NAME ${_burst}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/net_burst.py
    --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine q35 --memory 64M --clients 200
    --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${_burst}.log $<TARGET_FILE:echo.kvm>)
# The timeout only catches a hang: about 10 s here.
set_tests_properties(${_burst} PROPERTIES LABELS "hostile;${MOTE_IMAGE_SUFFIX};net" TIMEOUT 180)
