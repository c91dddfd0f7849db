# SPDX-License-Identifier: MIT
# ACPI tables: arbitrary bytes as the BIOS area, walked from the RSDP to \_S5_ and the HPET, and
# straight into the FADT, AML, HPET and PM timer readers.
mote_fuzz_target(acpi drivers/acpi/acpi_tables.c drivers/acpi/acpi_timers.c tests/fuzz/fuzz_acpi.c)
