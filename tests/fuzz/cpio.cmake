# SPDX-License-Identifier: MIT
# The initrd's cpio reader and filesystem must survive any boot module (label fuzz, and fs).
mote_fuzz_target(cpio fs/initrd/cpio.c tests/fuzz/fuzz_cpio.c)
set_property(TEST fuzz.cpio APPEND PROPERTY LABELS fs)
# The initrd filesystem on top of it: mount, walk every entry, unmount (leaks are failures).
mote_fuzz_target(initrd fs/initrd/cpio.c tests/fuzz/fuzz_initrd.c)
set_property(TEST fuzz.initrd APPEND PROPERTY LABELS fs)
