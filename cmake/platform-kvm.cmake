# SPDX-License-Identifier: MIT
# PLATFORM=kvm: PVH images for QEMU -kernel (pc, q35, microvm), Firecracker, cloud-hypervisor.
set(MOTE_IMAGE_SUFFIX kvm)
set(MOTE_ARCH_NATIVE ON)
set(MOTE_PC ON) # drivers/pc: APICs, page tables, TSC clock, COM1, poweroff
# drivers/: the serial console, wall clock and poweroff in every image; PCI, virtio and e1000 only in
# images that link mote_devices (drivers/CMakeLists.txt).
set(MOTE_PLATFORM_DRIVERS uart16550 rtc acpi)
set(MOTE_PLATFORM_DEVICE_DRIVERS pci virtio e1000)
set(MOTE_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../platforms/kvm/kvm.ld)
# -n: no page alignment of the segments in the file (their addresses stay page-aligned by kvm.ld).
# PVH loaders copy each PT_LOAD from its file offset to its address, whatever the offsets.
set(MOTE_PLATFORM_LINK_FLAGS -Wl,-n)
include(xen-headers)
