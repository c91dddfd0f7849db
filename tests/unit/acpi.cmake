# SPDX-License-Identifier: MIT
# ACPI table parsing (power and timer tables), against synthetic tables and QEMU's real ones
# (the fuzz seeds).
mote_unit_test(acpi ${MOTE_SOURCE_DIR}/drivers/acpi/acpi_tables.c ${MOTE_SOURCE_DIR}/drivers/acpi/acpi_timers.c
  ${CMAKE_CURRENT_LIST_DIR}/test_acpi.c)
target_compile_definitions(unit_acpi PRIVATE ACPI_FIXTURE_DIR="${MOTE_SOURCE_DIR}/tests/fuzz/corpus/acpi")
