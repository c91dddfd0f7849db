# SPDX-License-Identifier: MIT
# What a Xen block backend writes: its xenstore values (the disk's limits) and ring responses.
mote_fuzz_target(blkfront platforms/xen/blkfront/blkfront_wire.c tests/fuzz/fuzz_blkfront.c)
set_property(TEST fuzz.blkfront APPEND PROPERTY LABELS "fs;xen")
