# SPDX-License-Identifier: MIT
# Unit tests for the device layer: split virtqueues, the PCI capability walker, virtio-net
# receive parsing, virtio-mmio command-line entries, and the virtio-blk driver.
set(v ${MOTE_SOURCE_DIR}/drivers/virtio)
mote_unit_test(virtq ${v}/virtq.c ${CMAKE_CURRENT_SOURCE_DIR}/test_virtq.c)
mote_unit_test(pci_cap ${MOTE_SOURCE_DIR}/drivers/pci/pci_cap.c ${CMAKE_CURRENT_SOURCE_DIR}/test_pci_cap.c)
mote_unit_test(virtio_net_rx ${v}/virtio_net_rx.c ${CMAKE_CURRENT_SOURCE_DIR}/test_virtio_net_rx.c)
mote_unit_test(virtio_mmio_parse ${v}/virtio_mmio_parse.c ${MOTE_SOURCE_DIR}/core/fmt.c
  ${MOTE_SOURCE_DIR}/core/cmdline_vmm.c ${CMAKE_CURRENT_SOURCE_DIR}/test_virtio_mmio_parse.c)
# The virtio-blk driver against a simulated device (kernel services stubbed in the test).
mote_unit_test(virtio_blk ${v}/virtio_blk.c ${v}/virtio_blk_req.c ${v}/virtq.c
  ${CMAKE_CURRENT_SOURCE_DIR}/test_virtio_blk.c)
set_property(TEST unit.virtio_blk APPEND PROPERTY LABELS fs)
