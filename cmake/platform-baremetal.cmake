# SPDX-License-Identifier: MIT
# PLATFORM=baremetal: PC hardware booted by GRUB through Multiboot2, BIOS or UEFI. Each image is
# NAME.elf (the Multiboot2 kernel) and NAME.iso beside it, a hybrid BIOS/UEFI image made with
# grub-mkrescue whose grub.cfg carries the built-in command line (cmake/Mote.cmake).
set(MOTE_IMAGE_SUFFIX elf)
set(MOTE_ARCH_NATIVE ON)
set(MOTE_PC ON) # drivers/pc: APICs, page tables, TSC clock, COM1, poweroff, shared with kvm
set(MOTE_PLATFORM_DRIVERS uart16550 rtc acpi screen) # screen: VGA text or framebuffer console
set(MOTE_PLATFORM_DEVICE_DRIVERS pci virtio e1000)
set(MOTE_LINKER_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/../platforms/baremetal/baremetal.ld)
# -n: no page alignment of the segments in the file (their addresses stay page-aligned by
# baremetal.ld). GRUB copies each PT_LOAD from its file offset to its address, whatever the offsets.
set(MOTE_PLATFORM_LINK_FLAGS -Wl,-n)

# grub-mkrescue needs GRUB's BIOS modules (grub-pc-bin), xorriso and mtools; the UEFI half
# (grub-efi-amd64-bin) is added when its modules are installed. tools/deps.sh installs them.
find_program(MOTE_GRUB_MKRESCUE NAMES grub-mkrescue grub2-mkrescue)
find_program(MOTE_XORRISO xorriso)
if(NOT MOTE_GRUB_MKRESCUE OR NOT MOTE_XORRISO OR NOT EXISTS /usr/lib/grub/i386-pc/modinfo.sh)
  message(FATAL_ERROR "PLATFORM=baremetal makes GRUB ISO images: install grub-pc-bin, grub-common, "
    "xorriso and mtools (tools/deps.sh), and grub-efi-amd64-bin for UEFI")
endif()
set(MOTE_GRUB_EFI OFF)
if(EXISTS /usr/lib/grub/x86_64-efi/modinfo.sh)
  set(MOTE_GRUB_EFI ON)
endif()
