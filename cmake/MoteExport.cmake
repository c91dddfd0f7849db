# SPDX-License-Identifier: MIT
# The SDK an application outside this tree builds against: `cmake --install` puts the kernel
# archive, the linker script, newlib, mote-mksyms, the CMake package, a CMake toolchain file and
# a compiler driver (mote-<platform>-cc) in a prefix; the build tree itself is also usable as
# Mote_DIR. Several platforms install into one prefix side by side: everything a platform owns
# is under lib/mote/<platform>/ and lib/cmake/Mote/<platform>/, and lib/cmake/Mote/MoteConfig.cmake
# picks one by PLATFORM (default kvm). Both give find_package(Mote) the same targets.
include(CMakePackageConfigHelpers)

set_target_properties(mote_kernel PROPERTIES EXPORT_NAME kernel)
set_target_properties(mote-mksyms PROPERTIES EXPORT_NAME mksyms)
add_library(mote::kernel ALIAS mote_kernel)
add_library(mote::newlib ALIAS mote_newlib)
# The network stack (docs/net.md): add_unikernel(... LIBRARIES mote::net).
set_target_properties(mote_net PROPERTIES EXPORT_NAME net)
add_library(mote::net ALIAS mote_net)
# The device drivers (docs/devices.md): add_unikernel(... LIBRARIES mote::devices), or through
# mote::net. The archive is exported for mote::devices to link whole, not to be named itself.
set_target_properties(mote_devices PROPERTIES EXPORT_NAME devices)
add_library(mote::devices ALIAS mote_devices)
set(mote_devices_targets mote_devices)
if(TARGET mote_devices_archive)
  set_target_properties(mote_devices_archive PROPERTIES EXPORT_NAME devices_archive)
  list(APPEND mote_devices_targets mote_devices_archive)
endif()
# The filesystems (docs/fs.md): add_unikernel(... LIBRARIES mote::fs), linked whole through
# its archive like mote::devices.
set_target_properties(mote_fs PROPERTIES EXPORT_NAME fs)
set_target_properties(mote_fs_archive PROPERTIES EXPORT_NAME fs_archive)
add_library(mote::fs ALIAS mote_fs)

set(MOTE_SDK_DIR lib/mote/${PLATFORM})
install(TARGETS mote_kernel EXPORT MoteTargets ARCHIVE DESTINATION ${MOTE_SDK_DIR})
install(TARGETS mote_net EXPORT MoteTargets ARCHIVE DESTINATION ${MOTE_SDK_DIR})
install(TARGETS ${mote_devices_targets} EXPORT MoteTargets ARCHIVE DESTINATION ${MOTE_SDK_DIR})
install(TARGETS mote_fs mote_fs_archive EXPORT MoteTargets ARCHIVE DESTINATION ${MOTE_SDK_DIR})
install(TARGETS mote-mksyms EXPORT MoteTargets RUNTIME DESTINATION bin)
# Each platform's targets and settings in a folder of its own, so installing another platform
# into the same prefix adds a folder instead of replacing this one.
set(MOTE_CMAKE_DIR lib/cmake/Mote/${PLATFORM})
install(EXPORT MoteTargets NAMESPACE mote:: DESTINATION ${MOTE_CMAKE_DIR})
install(FILES ${MOTE_LINKER_SCRIPT} DESTINATION ${MOTE_SDK_DIR})
install(DIRECTORY ${MOTE_NEWLIB_PREFIX}/include/ DESTINATION ${MOTE_SDK_DIR}/newlib/include)
install(DIRECTORY ${MOTE_LIBC_INCLUDE}/ DESTINATION ${MOTE_SDK_DIR}/libc/include)
install(FILES ${MOTE_NEWLIB_LIBC} ${MOTE_NEWLIB_LIBM} DESTINATION ${MOTE_SDK_DIR}/newlib/lib)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/cmake/Mote.cmake ${CMAKE_CURRENT_SOURCE_DIR}/cmake/toolchain-x86_64.cmake
  DESTINATION lib/cmake/Mote)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote-run ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote-mkcpio
  ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote-mkiso DESTINATION bin
  PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
# mote-run imports its accelerator choice from beside itself.
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote_accel.py ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote_grub.py DESTINATION bin)
get_filename_component(linker_script_name ${MOTE_LINKER_SCRIPT} NAME)
# An application's add_unikernel() image links as the tree's do: the platform's flags, and -flto
# when the kernel's archive was made for it (MOTE_LTO), so both ways give the same image. The
# SDK's compiler driver links without LTO (cmake/MoteDriver.cmake says why).
set(mote_image_link_flags ${MOTE_PLATFORM_LINK_FLAGS})
if(MOTE_LTO)
  list(APPEND mote_image_link_flags ${MOTE_LTO_LINK_FLAGS})
endif()

# Installed package: every path relative to the package's own location
# (<prefix>/lib/cmake/Mote/<platform>/MotePlatform.cmake).
set(MOTE_CONFIG_PATHS "
get_filename_component(_mote_prefix \${CMAKE_CURRENT_LIST_DIR}/../../../.. ABSOLUTE)
set(MOTE_LINKER_SCRIPT \${_mote_prefix}/${MOTE_SDK_DIR}/${linker_script_name})
set(MOTE_NEWLIB_INCLUDE \${_mote_prefix}/${MOTE_SDK_DIR}/libc/include \${_mote_prefix}/${MOTE_SDK_DIR}/newlib/include)
set(MOTE_NEWLIB_LIBC \${_mote_prefix}/${MOTE_SDK_DIR}/newlib/lib/libc.a)
set(MOTE_NEWLIB_LIBM \${_mote_prefix}/${MOTE_SDK_DIR}/newlib/lib/libm.a)
set(MOTE_RUN \${_mote_prefix}/bin/mote-run)
include(\${CMAKE_CURRENT_LIST_DIR}/MoteTargets.cmake)
include(\${CMAKE_CURRENT_LIST_DIR}/../toolchain-x86_64.cmake)
list(APPEND MOTE_KERNEL_LINK_FLAGS ${mote_image_link_flags})
include(\${CMAKE_CURRENT_LIST_DIR}/../Mote.cmake)")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/MoteConfig.cmake.in
  ${CMAKE_BINARY_DIR}/install-config/MotePlatform.cmake @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/install-config/MotePlatform.cmake DESTINATION ${MOTE_CMAKE_DIR})
# The package's entry point is the same file for every platform: it reads PLATFORM.
write_basic_package_version_file(${CMAKE_BINARY_DIR}/MoteConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_SOURCE_DIR}/cmake/MoteConfigSelect.cmake RENAME MoteConfig.cmake
  DESTINATION lib/cmake/Mote)
install(FILES ${CMAKE_BINARY_DIR}/MoteConfigVersion.cmake DESTINATION lib/cmake/Mote)

include(MoteDriver) # the toolchain file and mote-<platform>-cc

# `cmake --build B --target mote_sdk` builds what `cmake --install` copies, and nothing else.
add_custom_target(mote_sdk)
add_dependencies(mote_sdk mote_kernel mote_net mote_fs_archive mote-mksyms ${mote_devices_targets})

# Build-tree package: Mote_DIR=<this build directory>.
export(EXPORT MoteTargets NAMESPACE mote:: FILE ${CMAKE_BINARY_DIR}/MoteTargets.cmake)
set(MOTE_CONFIG_PATHS "
set(MOTE_LINKER_SCRIPT ${MOTE_LINKER_SCRIPT})
set(MOTE_NEWLIB_INCLUDE ${MOTE_LIBC_INCLUDE} ${MOTE_NEWLIB_PREFIX}/include)
set(MOTE_NEWLIB_LIBC ${MOTE_NEWLIB_LIBC})
set(MOTE_NEWLIB_LIBM ${MOTE_NEWLIB_LIBM})
set(MOTE_RUN ${CMAKE_CURRENT_SOURCE_DIR}/tools/mote-run)
include(\${CMAKE_CURRENT_LIST_DIR}/MoteTargets.cmake)
include(${CMAKE_CURRENT_SOURCE_DIR}/cmake/toolchain-x86_64.cmake)
list(APPEND MOTE_KERNEL_LINK_FLAGS ${mote_image_link_flags})
include(${CMAKE_CURRENT_SOURCE_DIR}/cmake/Mote.cmake)")
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/cmake/MoteConfig.cmake.in ${CMAKE_BINARY_DIR}/MoteConfig.cmake @ONLY)
