# SPDX-License-Identifier: MIT
# ACPI (drivers/acpi) against synthetic tables and QEMU's real ones (the fuzz seeds), one test
# per part: the table parser (power tables), the AML \_S5_ search, the HPET and PM timer readers.
set(acpi ${MOTE_SOURCE_DIR}/drivers/acpi)
mote_unit_test(acpi_tables ${acpi}/acpi_tables.c ${CMAKE_CURRENT_LIST_DIR}/acpi_sim.c
  ${CMAKE_CURRENT_LIST_DIR}/test_acpi_tables.c)
mote_unit_test(acpi_s5 ${acpi}/acpi_tables.c ${CMAKE_CURRENT_LIST_DIR}/test_acpi_s5.c)
mote_unit_test(acpi_timers ${acpi}/acpi_tables.c ${acpi}/acpi_timers.c ${CMAKE_CURRENT_LIST_DIR}/acpi_sim.c
  ${CMAKE_CURRENT_LIST_DIR}/test_acpi_timers.c)
foreach(t acpi_tables acpi_timers)
  target_compile_definitions(unit_${t} PRIVATE ACPI_FIXTURE_DIR="${MOTE_SOURCE_DIR}/tests/fuzz/corpus/acpi")
endforeach()
set_tests_properties(unit.acpi_tables PROPERTIES PASS_REGULAR_EXPRESSION "^195 passed, 0 failed")
set_tests_properties(unit.acpi_s5 PROPERTIES PASS_REGULAR_EXPRESSION "^130 passed, 0 failed")
set_tests_properties(unit.acpi_timers PROPERTIES PASS_REGULAR_EXPRESSION "^53 passed, 0 failed")
