# SPDX-License-Identifier: MIT
# The embedded symbol table: lookups in blobs (core/ksym.c) and the host tool that makes and
# verifies them (tools/mksyms), the latter run on a real two-pass link of a host program.
mote_unit_test(ksym ${MOTE_SOURCE_DIR}/core/ksym.c ${CMAKE_CURRENT_SOURCE_DIR}/test_ksym.c)
target_include_directories(unit_ksym PRIVATE ${MOTE_SOURCE_DIR}/core/private) # core's own header
set_tests_properties(unit.ksym PROPERTIES PASS_REGULAR_EXPRESSION "(^|\n)125 passed, 0 failed\n")

add_test(NAME unit.mksyms
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_mksyms.sh $<TARGET_FILE:mote-mksyms> ${CMAKE_C_COMPILER})
set_tests_properties(unit.mksyms PROPERTIES LABELS unit TIMEOUT 120)

# --seal, the checksum word a kvm image checks at entry, on a host program that sums itself.
add_test(NAME unit.mksyms-seal
  COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_mksyms_seal.sh $<TARGET_FILE:mote-mksyms> ${CMAKE_C_COMPILER})
set_tests_properties(unit.mksyms-seal PROPERTIES LABELS unit TIMEOUT 120 PASS_REGULAR_EXPRESSION "7 passed, 0 failed")
