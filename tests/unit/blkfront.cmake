# SPDX-License-Identifier: MIT
# Xen's blkfront against a simulated backend (the xenbus, grant and event channel calls stubbed
# in the test): pure apart from those, so tested on the host whatever PLATFORM the tree is for.
if(NOT MOTE_XEN_INCLUDE_DIR)
  include(xen-headers) # the ring's layout (public/io/blkif.h)
endif()
set(bf ${MOTE_SOURCE_DIR}/platforms/xen/blkfront)
mote_unit_test(blkfront ${bf}/blkfront.c ${bf}/blkfront_wire.c ${CMAKE_CURRENT_SOURCE_DIR}/test_blkfront.c)
target_include_directories(unit_blkfront PRIVATE ${bf} ${MOTE_SOURCE_DIR}/platforms/xen/include ${MOTE_XEN_INCLUDE_DIR})
target_compile_definitions(unit_blkfront PRIVATE __XEN_INTERFACE_VERSION__=0x00040e00)
set_property(TEST unit.blkfront APPEND PROPERTY LABELS "fs;xen")
set_property(TEST unit.blkfront PROPERTY PASS_REGULAR_EXPRESSION "^203 passed, 0 failed")
