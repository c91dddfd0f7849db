# SPDX-License-Identifier: MIT
# The Xen public headers (Debian's libxen-dev) for the ABIs Mote speaks: PVH's hvm_start_info
# and ELF notes on kvm, everything on xen. Exposed alone through a directory holding just a
# link to them, because kernel code is compiled with -nostdinc and must not see /usr/include.
set(MOTE_XEN_HEADERS /usr/include/xen)
if(NOT EXISTS ${MOTE_XEN_HEADERS}/elfnote.h)
  message(STATUS "Installing the Xen public headers (libxen-dev)")
  execute_process(COMMAND ${CMAKE_CURRENT_LIST_DIR}/../tools/deps.sh libxen-dev RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0 OR NOT EXISTS ${MOTE_XEN_HEADERS}/elfnote.h)
    message(FATAL_ERROR "The Xen public headers are missing: install Debian's libxen-dev")
  endif()
endif()
set(MOTE_XEN_INCLUDE_DIR ${CMAKE_BINARY_DIR}/xen-include)
file(MAKE_DIRECTORY ${MOTE_XEN_INCLUDE_DIR})
file(CREATE_LINK ${MOTE_XEN_HEADERS} ${MOTE_XEN_INCLUDE_DIR}/xen SYMBOLIC)
