# SPDX-License-Identifier: MIT
# The arithmetic of TSC calibration against the HPET, the ACPI PM timer and the PIT.
mote_unit_test(pc_calib ${MOTE_SOURCE_DIR}/drivers/pc/pc_calib.c ${CMAKE_CURRENT_LIST_DIR}/test_pc_calib.c)
