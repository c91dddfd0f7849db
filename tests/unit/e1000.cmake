# SPDX-License-Identifier: MIT
# The e1000/e1000e descriptor checks (drivers/e1000/e1000_desc.c).
mote_unit_test(e1000_desc ${MOTE_SOURCE_DIR}/drivers/e1000/e1000_desc.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_e1000_desc.c)
set_property(TEST unit.e1000_desc APPEND PROPERTY LABELS kvm net)
