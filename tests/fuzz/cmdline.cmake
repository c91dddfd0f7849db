# SPDX-License-Identifier: MIT
# The boot command-line parser, fed arbitrary bytes as the line.
mote_fuzz_target(cmdline core/cmdline.c tests/fuzz/fuzz_cmdline.c)
