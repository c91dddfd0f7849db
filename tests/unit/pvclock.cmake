# SPDX-License-Identifier: MIT
# Host unit test of the paravirtual clock arithmetic KVM's kvmclock and Xen's vcpu_time_info
# share (hal/arch/x86_64/pvclock.c), against 128-bit reference arithmetic.
mote_unit_test(pvclock ${MOTE_SOURCE_DIR}/hal/arch/x86_64/pvclock.c ${CMAKE_CURRENT_SOURCE_DIR}/test_pvclock.c)
target_include_directories(unit_pvclock PRIVATE ${MOTE_SOURCE_DIR}/hal/arch/x86_64/include)
