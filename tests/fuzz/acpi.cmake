# SPDX-License-Identifier: MIT
# ACPI tables: arbitrary bytes as the BIOS area, walked from the RSDP to \_S5_.
mote_fuzz_target(acpi drivers/acpi/acpi_tables.c tests/fuzz/fuzz_acpi.c)
