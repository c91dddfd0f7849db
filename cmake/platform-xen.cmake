# SPDX-License-Identifier: MIT
# PLATFORM=xen: 64-bit Xen PV images (NAME.xen), for xl domUs and, in the tests, for dom0 under
# Xen inside QEMU. The kernel runs in ring 3 under the hypervisor, so nothing of
# hal/arch/x86_64/native (descriptor tables, cli/sti, port and MSR access) is compiled.
set(MOTE_IMAGE_SUFFIX xen)
set(MOTE_ARCH_NATIVE OFF)
# Nothing from drivers/: console, clock and power are hypercalls. mote_devices holds the xenbus
# frontends, which live in platforms/xen/ (absolute paths: drivers/CMakeLists.txt builds them).
set(MOTE_PLATFORM_DRIVERS)
set(MOTE_PLATFORM_DEVICE_DRIVERS
  ${CMAKE_CURRENT_LIST_DIR}/../platforms/xen/blkfront
  ${CMAKE_CURRENT_LIST_DIR}/../platforms/xen/netfront)
set(MOTE_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../platforms/xen/xen.ld)
# -n: no page alignment of the segments in the file (their addresses stay page-aligned by xen.ld).
set(MOTE_PLATFORM_LINK_FLAGS -Wl,-n)
# add_unikernel() writes NAME.xl.cfg beside each image; these are its defaults.
set(MOTE_XEN_XL_MEMORY 64 CACHE STRING "Memory (MiB) in the xl config written beside each Xen image")
include(xen-headers)
