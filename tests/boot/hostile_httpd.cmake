# SPDX-License-Identifier: MIT
# Hostile clients against examples/httpd under QEMU user networking (tests/boot/hostile_httpd.py):
# 100 idle connections, 100 half request heads, and huge or trickled bodies. Each time a
# normal client must still be served and the holders closed by the server. Also examples/echo's
# idle timeout: a talking client is kept, silent ones are closed.
if(MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  foreach(case idle half body)
    foreach(run q35:64M microvm:64M microvm:4M)
      string(REPLACE ":" ";" run ${run})
      list(GET run 0 machine)
      list(GET run 1 memory)
      set(test ${MOTE_IMAGE_SUFFIX}.hostile-httpd-${case}.${machine})
      if(NOT memory STREQUAL "64M")
        set(test ${test}-${memory})
      endif()
      add_test(NAME ${test}
        COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/hostile_httpd.py
          --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine} --memory ${memory}
          --case ${case} --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log $<TARGET_FILE:httpd.kvm>)
      # The generous timeout only catches a hang; each case takes 20-40 s under TCG.
      set_tests_properties(${test} PROPERTIES LABELS "hostile;kvm;net" TIMEOUT 180)
    endforeach()
  endforeach()
  foreach(machine q35 microvm)
    set(test ${MOTE_IMAGE_SUFFIX}.hostile-echo-idle.${machine})
    add_test(NAME ${test}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/hostile_httpd.py
        --runner ${MOTE_SOURCE_DIR}/tools/mote-run --machine ${machine} --case echo-idle --idle-timeout 4
        --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log $<TARGET_FILE:echo.kvm>)
    set_tests_properties(${test} PROPERTIES LABELS "hostile;kvm;net" TIMEOUT 180)
  endforeach()
endif()
# A bad option value stops httpd with status 2 and says what was expected.
mote_boot_test(httpd-bad-timeout IMAGE httpd STATUS 2 MACHINES q35 KVM_ONLY "checked once"
  ARGS -- -p 80 --header-timeout 0
  EXPECT "httpd: bad value '0' for --header-timeout: seconds from 1 to 86400" REJECT "httpd: serving")
if(TEST ${MOTE_IMAGE_SUFFIX}.httpd-bad-timeout.q35)
  set_property(TEST ${MOTE_IMAGE_SUFFIX}.httpd-bad-timeout.q35 APPEND PROPERTY LABELS hostile net)
endif()
