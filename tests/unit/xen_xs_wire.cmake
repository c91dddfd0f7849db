# SPDX-License-Identifier: MIT
# The checks on xenstored's replies (platforms/xen/xen_xs_wire.c): pure, so tested on the host
# whatever PLATFORM the tree is configured for.
mote_unit_test(xen_xs_wire ${MOTE_SOURCE_DIR}/platforms/xen/xen_xs_wire.c ${CMAKE_CURRENT_SOURCE_DIR}/test_xen_xs_wire.c)
target_include_directories(unit_xen_xs_wire PRIVATE ${MOTE_SOURCE_DIR}/platforms/xen)
