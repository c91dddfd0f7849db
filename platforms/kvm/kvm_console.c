/* SPDX-License-Identifier: MIT */
/* kvm_console.c: hal/console.h on the first serial port, which QEMU's -serial (or -nographic)
 * connects to the host. */
#include <hal/console.h>
#include <uart16550/uart16550.h>

#include "kvm_platform.h"

void kvm_console_init(void) { uart16550_init(UART16550_COM1); }

void hal_console_write(const char *buf, size_t len) { uart16550_write(UART16550_COM1, buf, len); }

long hal_console_read(char *buf, size_t len) { return (long)uart16550_read(UART16550_COM1, buf, len); }
