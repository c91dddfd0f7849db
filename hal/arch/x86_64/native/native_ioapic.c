/* SPDX-License-Identifier: MIT */
/* native_ioapic.c: programming an I/O APIC's redirection table (Intel 82093AA datasheet
 * §3.2.4): an interrupt line becomes a vector on a local APIC. */
#include <errno.h>

#include <arch/native_irq.h>

#define IOAPIC_REGSEL 0 /* index register, in 32-bit words */
#define IOAPIC_WIN    4 /* data window */
#define IOAPIC_VER    0x01
#define IOAPIC_REDTBL 0x10 /* two registers per pin */

#define RTE_POLARITY_LOW (1u << 13)
#define RTE_LEVEL        (1u << 15)
#define RTE_MASKED       (1u << 16)

static uint32_t ioapic_read(struct native_ioapic *io, unsigned reg)
{
	io->regs[IOAPIC_REGSEL] = reg;
	return io->regs[IOAPIC_WIN];
}

static void ioapic_write(struct native_ioapic *io, unsigned reg, uint32_t v)
{
	io->regs[IOAPIC_REGSEL] = reg;
	io->regs[IOAPIC_WIN] = v;
}

int native_ioapic_init(struct native_ioapic *io, volatile uint32_t *regs, unsigned gsi_base)
{
	io->regs = regs;
	io->gsi_base = gsi_base;
	uint32_t ver = ioapic_read(io, IOAPIC_VER);

	/* Unbacked addresses read as all ones or all zeros; I/O APICs report a version of
	 * 0x1x (82093AA and later) or 0x20 (QEMU's newer model). */
	if ((ver & 0xff) < 0x10 || (ver & 0xff) > 0x2f)
		return -ENODEV;
	io->lines = ((ver >> 16) & 0xff) + 1;
	for (unsigned pin = 0; pin < io->lines; pin++)
		native_ioapic_mask(io, pin, true);
	return 0;
}

void native_ioapic_route(struct native_ioapic *io, unsigned pin, unsigned vector, unsigned flags,
                         unsigned apic_id, bool masked)
{
	uint32_t lo = vector & 0xff; /* fixed delivery, physical destination */

	if (flags & HAL_IRQ_LEVEL)
		lo |= RTE_LEVEL;
	if (flags & HAL_IRQ_ACTIVE_LOW)
		lo |= RTE_POLARITY_LOW;
	if (masked)
		lo |= RTE_MASKED;
	/* Masked while the halves disagree, so no interrupt goes to a half-written entry. */
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, RTE_MASKED);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin + 1, (apic_id & 0xff) << 24);
	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, lo);
}

void native_ioapic_mask(struct native_ioapic *io, unsigned pin, bool masked)
{
	uint32_t lo = ioapic_read(io, IOAPIC_REDTBL + 2 * pin);

	ioapic_write(io, IOAPIC_REDTBL + 2 * pin, masked ? lo | RTE_MASKED : lo & ~RTE_MASKED);
}

unsigned native_ioapic_flags(struct native_ioapic *io, unsigned pin)
{
	uint32_t lo = ioapic_read(io, IOAPIC_REDTBL + 2 * pin);

	return (lo & RTE_LEVEL ? HAL_IRQ_LEVEL : 0) | (lo & RTE_POLARITY_LOW ? HAL_IRQ_ACTIVE_LOW : 0);
}
