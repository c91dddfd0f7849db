# SPDX-License-Identifier: MIT
mote_unit_test(kvm_memmap ${MOTE_SOURCE_DIR}/platforms/kvm/kvm_memmap.c ${CMAKE_CURRENT_SOURCE_DIR}/test_kvm_memmap.c)
target_include_directories(unit_kvm_memmap PRIVATE ${MOTE_SOURCE_DIR}/platforms/kvm)
