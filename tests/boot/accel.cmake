# SPDX-License-Identifier: MIT
# tools/mote-run's accelerator choice (labels kvm and accel, docs/running.md): QEMU's own
# failures exit 255, auto falls back from a KVM that cannot run the guest (a fake QEMU fails
# `-accel kvm` as a broken nested KVM does, so this runs without KVM), and the clock source
# follows the accelerator. accel_test.py holds the checks.
if(NOT MOTE_IMAGE_SUFFIX STREQUAL "kvm")
  return()
endif()

set(accel_cases qemu-error fallback-msr fallback-internal fallback-pause fallback-late fallback-cache
  kvm-no-fallback silent-guest clock-tcg clock-kvm)
foreach(case ${accel_cases})
  add_test(NAME kvm.accel.${case}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/accel_test.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run --case ${case}
      --image $<TARGET_FILE:hello.kvm>
      # hello never reads the clock, so its calibration line would never appear; libc_test does.
      --clock-image $<TARGET_FILE:libc_test.kvm>)
  # SKIP_RETURN_CODE: clock-kvm skips, saying why, where KVM cannot be used.
  set_tests_properties(kvm.accel.${case} PROPERTIES LABELS "kvm;accel" TIMEOUT 600 SKIP_RETURN_CODE 77)
endforeach()
