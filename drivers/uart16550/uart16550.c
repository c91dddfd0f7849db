/* SPDX-License-Identifier: MIT */
/* uart16550.c: driver for the PC serial port, the console of kvm and baremetal images: output
 * polled, input polled or announced by the receive interrupt. */
#include <arch/io.h>
#include <uart16550/uart16550.h>

#define REG_DATA       0
#define REG_IER        1
#define REG_FCR        2
#define REG_LCR        3
#define REG_MCR        4
#define REG_LSR        5
#define IER_RX_DATA    0x01
#define MCR_DTR_RTS    0x03
#define MCR_OUT2       0x08
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define LCR_DLAB       0x80

void uart16550_init(uint16_t base)
{
	outb(base + REG_IER, 0x00);
	outb(base + REG_LCR, LCR_DLAB);
	outb(base + REG_DATA, 1); /* divisor 1: 115200 baud */
	outb(base + REG_IER, 0);
	outb(base + REG_LCR, 0x03); /* 8 bits, no parity, 1 stop bit */
	outb(base + REG_FCR, 0x07); /* enable and clear FIFOs */
	outb(base + REG_MCR, MCR_DTR_RTS);
}

static void put(uint16_t base, char c)
{
	/* Bounded: with no UART behind the port the status reads 0xff, and a stuck one must not
	 * hang a panic. */
	for (unsigned spins = 0; spins < 100000 && !(inb(base + REG_LSR) & LSR_THR_EMPTY); spins++)
		__asm__ volatile("pause");
	outb(base + REG_DATA, (uint8_t)c);
}

void uart16550_write(uint16_t base, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			put(base, '\r');
		put(base, buf[i]);
	}
}

size_t uart16550_read(uint16_t base, char *buf, size_t len)
{
	size_t n = 0;

	while (n < len) {
		uint8_t lsr = inb(base + REG_LSR);

		if (lsr == 0xff || !(lsr & LSR_DATA_READY))
			break;
		buf[n++] = (char)inb(base + REG_DATA);
	}
	return n;
}

void uart16550_enable_rx_interrupt(uint16_t base)
{
	outb(base + REG_MCR, MCR_DTR_RTS | MCR_OUT2);
	outb(base + REG_IER, IER_RX_DATA);
}
