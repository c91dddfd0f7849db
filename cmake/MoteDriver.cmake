# SPDX-License-Identifier: MIT
# The SDK's parts for software that does not use add_unikernel(): the compiler driver
# <prefix>/bin/mote-<platform>-cc (tools/mote-cc.in) and the CMake toolchain file
# <prefix>/lib/cmake/Mote/mote-<platform>.cmake (cmake/mote-toolchain.cmake.in) that uses it.
# Included by MoteExport.cmake; docs/porting.md says how to use them.

# The driver holds the flags add_unikernel() compiles and links with; both come from
# toolchain-x86_64.cmake, so the two ways of building an image cannot drift apart.
list(JOIN MOTE_KERNEL_C_FLAGS " " MOTE_DRIVER_C_FLAGS)
# One difference: the driver never links with LTO. A port's configure runs dozens of CMake or
# autoconf checks, each a link through the driver; with LTO each would optimise the kernel's IR
# again (apps.sdk-toolchain-driver took over 15 minutes). The kernel archive's objects are fat
# (MOTE_LTO), and -fno-lto makes the link use their ordinary code: the image behaves the same,
# only without what LTO of the kernel saves. add_unikernel() images (in the tree, or from the
# installed package) still link with LTO.
set(mote_driver_link_flags ${MOTE_KERNEL_LINK_FLAGS})
if(MOTE_LTO)
  list(REMOVE_ITEM mote_driver_link_flags ${MOTE_LTO_LINK_FLAGS})
  list(APPEND mote_driver_link_flags -fno-lto) # without it GCC's plugin would still use the IR
endif()
list(JOIN mote_driver_link_flags " " MOTE_DRIVER_LINK_FLAGS)
get_filename_component(MOTE_DRIVER_LINKER_SCRIPT ${MOTE_LINKER_SCRIPT} NAME)
set(MOTE_DRIVER_DEVICES_AR "")
if(TARGET mote_devices_archive)
  set(MOTE_DRIVER_DEVICES_AR "$<TARGET_FILE_NAME:mote_devices_archive>")
endif()
# @...@ first, then the generator expressions for the archives' file names.
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/tools/mote-cc.in ${CMAKE_BINARY_DIR}/sdk/mote-cc.gen @ONLY)
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/sdk/mote-${PLATFORM}-cc INPUT ${CMAKE_BINARY_DIR}/sdk/mote-cc.gen)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/mote-toolchain.cmake.in
  ${CMAKE_BINARY_DIR}/sdk/mote-${PLATFORM}.cmake @ONLY)

install(PROGRAMS ${CMAKE_BINARY_DIR}/sdk/mote-${PLATFORM}-cc DESTINATION bin)
install(FILES ${CMAKE_BINARY_DIR}/sdk/mote-${PLATFORM}.cmake DESTINATION lib/cmake/Mote)
