# SPDX-License-Identifier: MIT
# PLATFORM=kvm: PVH images for QEMU -kernel (pc, q35, microvm), Firecracker, cloud-hypervisor.
set(MOTE_IMAGE_SUFFIX kvm)
set(MOTE_ARCH_NATIVE ON)
set(MOTE_PLATFORM_DRIVERS uart16550 rtc acpi pci virtio)
set(MOTE_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../platforms/kvm/kvm.ld)
include(xen-headers)
