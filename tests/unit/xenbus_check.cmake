# SPDX-License-Identifier: MIT
# The xenbus bus's checks of backend-written values and its handshake decisions
# (platforms/xen/xenbus_check.c): pure, so tested on the host whatever PLATFORM is configured.
mote_unit_test(xenbus_check ${MOTE_SOURCE_DIR}/platforms/xen/xenbus_check.c ${CMAKE_CURRENT_SOURCE_DIR}/test_xenbus_check.c)
target_include_directories(unit_xenbus_check PRIVATE ${MOTE_SOURCE_DIR}/platforms/xen)
