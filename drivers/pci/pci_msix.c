/* SPDX-License-Identifier: MIT */
/* pci_msix.c: MSI-X (PCI 3.0 §6.8.2): the capability, its table in a memory BAR, and turning
 * it on in place of INTx. */
#include <errno.h>

#include <pci/pci.h>

#define MSIX_CTRL_ENABLE   0x8000u
#define MSIX_CTRL_MASK_ALL 0x4000u
#define MSIX_ENTRY_MASKED  0x1u
#define PCI_COMMAND        0x04
#define PCI_CMD_INTX_OFF   0x400u

int pci_msix_init(const struct pci_dev *d, struct pci_msix *m)
{
	int cap = pci_cap_find(&d->cfg, PCI_CAP_MSIX, 0);

	if (cap < 0)
		return cap;
	uint16_t ctrl = pci_read16(d, (unsigned)cap + 2);
	uint32_t table = pci_read32(d, (unsigned)cap + 4);

	m->cap = cap;
	m->entries = (ctrl & 0x7ffu) + 1;
	m->table = pci_map_bar(d, table & 7, table & ~7u, (uint64_t)m->entries * 16);
	return m->table ? 0 : -EINVAL;
}

void pci_msix_set(struct pci_msix *m, unsigned entry, const struct hal_irq_msg *msg)
{
	volatile uint32_t *e = m->table + 4 * entry;

	e[3] |= MSIX_ENTRY_MASKED;
	e[0] = (uint32_t)msg->addr;
	e[1] = (uint32_t)(msg->addr >> 32);
	e[2] = msg->data;
	e[3] &= ~MSIX_ENTRY_MASKED;
}

void pci_msix_enable(const struct pci_dev *d, struct pci_msix *m, bool on)
{
	unsigned off = (unsigned)m->cap + 2;
	uint16_t ctrl = pci_read16(d, off) & ~MSIX_CTRL_MASK_ALL;

	pci_write16(d, off, on ? ctrl | MSIX_CTRL_ENABLE : ctrl & ~MSIX_CTRL_ENABLE);
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, on ? cmd | PCI_CMD_INTX_OFF : cmd & ~PCI_CMD_INTX_OFF);
}
