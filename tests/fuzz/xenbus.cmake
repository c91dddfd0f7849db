# SPDX-License-Identifier: MIT
# What a backend writes in xenstore (numbers, its own path) comes from another domain: the
# xenbus bus's checks must survive any string and accept only what they promise.
mote_fuzz_target(xenbus platforms/xen/xenbus_check.c tests/fuzz/fuzz_xenbus.c)
