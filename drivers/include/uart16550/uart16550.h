/* SPDX-License-Identifier: MIT */
/* uart16550.h: the PC serial port (8250/16550 compatible) at an I/O port base, polled. */
#ifndef UART16550_H
#define UART16550_H

#include <stddef.h>
#include <stdint.h>

#define UART16550_COM1 0x3f8

/* Program 115200 baud, 8N1, FIFOs on, interrupts off. */
void uart16550_init(uint16_t base);

/* Send bytes, "\n" as "\r\n", waiting for the transmitter. Safe from any context. */
void uart16550_write(uint16_t base, const char *buf, size_t len);

/* Bytes already received, up to `len`; never waits. */
size_t uart16550_read(uint16_t base, char *buf, size_t len);

#endif
