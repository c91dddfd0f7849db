# SPDX-License-Identifier: MIT
# Time and power on a PC (kvm and baremetal; issue 12): the TSC calibrated against each clock
# source in turn with the timer suite still passing, ACPI S5 poweroff without QEMU's
# debug-exit device, and the machine reset by each way in turn (QEMU's -no-reboot then ends).
if(NOT PLATFORM MATCHES "^(kvm|baremetal)$")
  return()
endif()

# Each source forced; on q35 without an HPET the automatic order falls to the PM timer, and
# on microvm (no HPET, hardware-reduced ACPI) to the PIT.
set(timer_args mote.log=debug --)
set(timer_reject "FAIL" "does not work here" "a guess")
list(APPEND MOTE_BAREMETAL_BOOT_TESTS timer-hpet timer-pmtimer timer-pit timer-no-hpet acpi-poweroff)
list(APPEND MOTE_BAREMETAL_UEFI_TESTS timer-hpet acpi-poweroff)
foreach(source hpet pmtimer pit)
  set(label_hpet "HPET")
  set(label_pmtimer "ACPI PM timer")
  set(label_pit "PIT")
  mote_boot_test(timer-${source} IMAGE timer_test STATUS 0 MACHINES q35 PASSED 474
    KVM_ONLY "a PC clock source" ARGS pc.clocksource=${source} ${timer_args}
    EXPECT "pc: TSC at [0-9]+ Hz from ${label_${source}} calibration" REJECT ${timer_reject})
endforeach()
mote_boot_test(timer-no-hpet IMAGE timer_test STATUS 0 MACHINES q35 PASSED 474
  KVM_ONLY "a QEMU machine without an HPET" QEMU_ARGS "-machine hpet=off" ARGS ${timer_args}
  EXPECT "pc: clock source hpet: no HPET in the root table" "pc: TSC at [0-9]+ Hz from ACPI PM timer calibration"
  REJECT ${timer_reject})
mote_boot_test(timer-microvm-pit IMAGE timer_test STATUS 0 MACHINES microvm PASSED 474
  KVM_ONLY "QEMU microvm" ARGS ${timer_args}
  EXPECT "pc: TSC at [0-9]+ Hz from PIT calibration" REJECT ${timer_reject})

# Without the debug-exit device, as on a real PC: the status printed, then S5 ends QEMU.
if(PLATFORM STREQUAL "baremetal")
  mote_boot_test(acpi-poweroff IMAGE hello STATUS 5 MACHINES pc q35 NO_DEBUG_EXIT
    ARGS -- --exit=5 EXPECT "Hello from Mote!" "mote: exit status 5" REJECT "could not power off")
endif()

# Resets: the automatic order on pc (no ACPI reset register there: 0xcf9 resets) and q35 (the
# register resets), then each way alone on q35, the ones behind it never reached.
# pc_reboot_test(MACHINE FIRST [pc_reboot.py options]): FIRST is a pc.reset= value or "auto".
function(pc_reboot_test machine first)
  set(label ${MOTE_IMAGE_SUFFIX})
  set(image $<TARGET_FILE:power_test.${MOTE_IMAGE_SUFFIX}>)
  set(machine_opts --machine ${machine})
  if(PLATFORM STREQUAL "baremetal")
    set(label baremetal)
    set(image $<TARGET_FILE_DIR:power_test.elf>/power_test.iso)
    if(machine STREQUAL "q35-uefi")
      set(machine_opts --machine q35 --firmware uefi)
    endif()
  endif()
  if(first STREQUAL "auto")
    set(words -- reboot)
    set(shown acpi)
  else()
    set(words pc.reset=${first} -- reboot)
    set(shown ${first})
  endif()
  set(test ${label}.reboot-${first}.${machine})
  add_test(NAME ${test}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/pc_reboot.py
      --runner ${MOTE_SOURCE_DIR}/tools/mote-run ${machine_opts}
      --log ${CMAKE_CURRENT_BINARY_DIR}/logs/${test}.log
      --expect "pc: resetting the machine, from ${shown} on" ${ARGN} ${image} ${words})
  set_tests_properties(${test} PROPERTIES LABELS ${label} TIMEOUT 180)
endfunction()

pc_reboot_test(pc auto --expect "reset through acpi did not take. trying cf9" --reject "through cf9 did not take")
pc_reboot_test(q35 auto --reject "did not take")
if(PLATFORM STREQUAL "baremetal")
  pc_reboot_test(q35-uefi auto --reject "did not take")
endif()
foreach(way cf9 kbc triple)
  pc_reboot_test(q35 ${way} --reject "did not take")
endforeach()
