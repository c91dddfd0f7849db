# SPDX-License-Identifier: MIT
# xenstored's replies come from another domain: its decoders must survive any bytes.
mote_fuzz_target(xen_xs platforms/xen/xen_xs_wire.c tests/fuzz/fuzz_xen_xs.c)
