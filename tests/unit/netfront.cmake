# SPDX-License-Identifier: MIT
# netfront's checks on what a network backend writes (platforms/xen/netfront/netfront_wire.c):
# pure, so tested on the host whatever PLATFORM the tree is configured for.
mote_unit_test(netfront_wire ${MOTE_SOURCE_DIR}/platforms/xen/netfront/netfront_wire.c ${MOTE_SOURCE_DIR}/core/parse.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_netfront_wire.c)
target_include_directories(unit_netfront_wire PRIVATE ${MOTE_SOURCE_DIR}/platforms/xen/netfront)
