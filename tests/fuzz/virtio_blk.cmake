# SPDX-License-Identifier: MIT
# What a virtio-blk device writes or reports: completions (used entries, status bytes), its
# configuration (limits), and the bus-address layouts requests are built from.
mote_fuzz_target(virtio_blk drivers/virtio/virtio_blk_req.c drivers/virtio/virtq.c tests/fuzz/fuzz_virtio_blk.c)
set_property(TEST fuzz.virtio_blk APPEND PROPERTY LABELS fs)
