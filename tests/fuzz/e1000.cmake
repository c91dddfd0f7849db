# SPDX-License-Identifier: MIT
# What an e1000/e1000e writes back: descriptor rings and receive descriptors.
mote_fuzz_target(e1000 drivers/e1000/e1000_desc.c tests/fuzz/fuzz_e1000.c)
set_property(TEST fuzz.e1000 APPEND PROPERTY LABELS kvm net)
