/* SPDX-License-Identifier: MIT */
/* pc_console.c: hal/console.h on the first serial port (COM1), which QEMU's -serial (or
 * -nographic) connects to the host and a PC to its serial header, and to a second output (the
 * screen) when the platform has one. Input is announced by the port's receive interrupt. */
#include <errno.h>

#include <hal/console.h>
#include <hal/irq.h>
#include <uart16550/uart16550.h>

#include <pc/pc.h>

/* COM1's ISA interrupt, which q35, pc and microvm all wire to I/O APIC input 4 (ISA lines other
 * than the timer's keep their number as GSIs). Edge-triggered, active high, as ISA lines are. */
#define COM1_GSI 4

static void (*input_fn)(void *arg);
static void *input_arg;
static void (*mirror_fn)(const char *buf, size_t len);

void pc_console_init(void) { uart16550_init(UART16550_COM1); }

void pc_console_mirror(void (*write)(const char *buf, size_t len)) { mirror_fn = write; }

void hal_console_write(const char *buf, size_t len)
{
	uart16550_write(UART16550_COM1, buf, len);
	if (mirror_fn)
		mirror_fn(buf, len);
}

long hal_console_read(char *buf, size_t len) { return (long)uart16550_read(UART16550_COM1, buf, len); }

/* The interrupt ends when the reader has taken the input (uart16550.h), so there is nothing to
 * acknowledge in the UART here. */
static void com1_interrupt(void *arg) { input_fn(input_arg); }

int hal_console_input_notify(void (*fn)(void *arg), void *arg)
{
	int irq;

	if (input_fn != NULL)
		return -EBUSY;
	input_fn = fn;
	input_arg = arg;
	irq = hal_irq_attach_line(COM1_GSI, 0, com1_interrupt, NULL);
	if (irq < 0) {
		input_fn = NULL;
		return irq;
	}
	uart16550_enable_rx_interrupt(UART16550_COM1);
	return 0;
}
