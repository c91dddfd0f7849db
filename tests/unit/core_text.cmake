# SPDX-License-Identifier: MIT
# Unit tests for core's text handling: the kernel formatter and the boot command-line parser.
mote_unit_test(fmt ${MOTE_SOURCE_DIR}/core/fmt.c ${CMAKE_CURRENT_SOURCE_DIR}/test_fmt.c)
mote_unit_test(cmdline ${MOTE_SOURCE_DIR}/core/cmdline.c ${CMAKE_CURRENT_SOURCE_DIR}/test_cmdline.c)
