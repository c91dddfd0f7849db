/* SPDX-License-Identifier: MIT */
/* pc_debug_exit.c: QEMU's isa-debug-exit device at port 0xf4, how a PC image under QEMU hands
 * its exit status to the host. On a machine without it the write goes nowhere. */
#include <stdint.h>

#include <arch/io.h>
#include <pc/pc.h>

#define DEBUG_EXIT_PORT 0xf4

void pc_debug_exit(int status) { outb(DEBUG_EXIT_PORT, (uint8_t)status); }
