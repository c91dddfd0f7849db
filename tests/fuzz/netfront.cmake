# SPDX-License-Identifier: MIT
# Everything netfront reads from a network backend (ring responses, indices, xenstore's mac and
# mtu) comes from another domain: its checks must survive any bytes.
mote_fuzz_target(netfront platforms/xen/netfront/netfront_wire.c core/parse.c tests/fuzz/fuzz_netfront.c)
