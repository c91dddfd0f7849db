# SPDX-License-Identifier: MIT
# The initrd's cpio reader must survive any boot module (label fuzz, and fs).
mote_fuzz_target(cpio fs/initrd/cpio.c tests/fuzz/fuzz_cpio.c)
set_property(TEST fuzz.cpio APPEND PROPERTY LABELS fs)
