/* SPDX-License-Identifier: MIT */
/* uart16550.h: the PC serial port (8250/16550 compatible) at an I/O port base: polled output,
 * input polled or signalled by the receive interrupt. */
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

/* Raise the port's interrupt while received data waits to be read (IER "received data
 * available", and OUT2, which gates the interrupt onto the PC's line). The interrupt ends
 * when uart16550_read() has taken every byte, so on an edge-triggered line (ISA) there is
 * one interrupt each time input starts arriving, and a handler need not read anything. */
void uart16550_enable_rx_interrupt(uint16_t base);

#endif
