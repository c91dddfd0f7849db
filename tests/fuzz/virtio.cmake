# SPDX-License-Identifier: MIT
# What devices write: used rings, virtio-net receive buffers, PCI configuration space, and
# virtio-mmio command-line entries.
mote_fuzz_target(virtio drivers/virtio/virtq.c drivers/virtio/virtio_net_rx.c drivers/pci/pci_cap.c
  drivers/virtio/virtio_mmio_parse.c core/fmt.c tests/fuzz/fuzz_virtio.c)
