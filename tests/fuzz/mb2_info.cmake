# SPDX-License-Identifier: MIT
# Multiboot2 boot information: arbitrary bytes as what GRUB hands a baremetal image.
mote_fuzz_target(mb2_info platforms/baremetal/mb2_info.c tests/fuzz/fuzz_mb2_info.c)
