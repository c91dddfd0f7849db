/* SPDX-License-Identifier: MIT */
/* pci_config.c: configuration space through the PC's mechanism #1 (ports 0xcf8/0xcfc, PCI 3.0
 * §3.2.2.3.2), the one every x86 machine QEMU emulates answers (pc, q35; microvm has no PCI
 * and answers all ones). */
#include <arch/io.h>
#include <hal/cpu.h>
#include <pci/pci.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc

static uint32_t cfg_address(const struct pci_dev *d, unsigned off)
{
	return 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->slot << 11 | (uint32_t)d->func << 8 |
	       (off & 0xfc);
}

/* The address/data pair is one shared register: no interrupt may come between the two. */
uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
	hal_irq_state_t s = hal_irq_save();

	outl(PCI_CONFIG_ADDRESS, cfg_address(d, off));
	uint32_t v = inl(PCI_CONFIG_DATA);

	hal_irq_restore(s);
	return v;
}

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> (8 * (off & 2)));
}
uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> (8 * (off & 3)));
}

void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	hal_irq_state_t s = hal_irq_save();

	outl(PCI_CONFIG_ADDRESS, cfg_address(d, off));
	outl(PCI_CONFIG_DATA, v);
	hal_irq_restore(s);
}

void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	hal_irq_state_t s = hal_irq_save();

	outl(PCI_CONFIG_ADDRESS, cfg_address(d, off));
	outw((uint16_t)(PCI_CONFIG_DATA + (off & 2)), v);
	hal_irq_restore(s);
}

void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v)
{
	hal_irq_state_t s = hal_irq_save();

	outl(PCI_CONFIG_ADDRESS, cfg_address(d, off));
	outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), v);
	hal_irq_restore(s);
}
