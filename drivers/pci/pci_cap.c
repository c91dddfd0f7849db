/* SPDX-License-Identifier: MIT */
/* pci_cap.c: walking a device's capability list (PCI 3.0 §6.7). The list comes from the
 * device, so every pointer is checked: a loop or a pointer into the standard header ends the
 * walk with an error instead of hanging or reading nonsense. */
#include <errno.h>

#include <pci/pci.h>

#define PCI_STATUS         0x06
#define PCI_STATUS_CAPS    0x10
#define PCI_CAP_PTR        0x34
#define PCI_CFG_HEADER_END 0x40
#define PCI_CFG_SIZE       256
/* At most this many 4-byte capabilities fit after the header: more steps mean a loop. */
#define PCI_CAP_MAX_STEPS  ((PCI_CFG_SIZE - PCI_CFG_HEADER_END) / 4)

uint8_t pci_cfg_reader_byte(const struct pci_cfg_reader *cfg, unsigned off)
{
	return (uint8_t)(cfg->read32(cfg->ctx, off & ~3u) >> (8 * (off & 3)));
}

static int valid_ptr(unsigned p) { return p >= PCI_CFG_HEADER_END && p <= PCI_CFG_SIZE - 4 && (p & 3) == 0; }

int pci_cap_find(const struct pci_cfg_reader *cfg, uint8_t id, int after)
{
	uint64_t visited = 0; /* one bit per 4-byte slot after the header: 48 slots */
	bool passed = after == 0;
	unsigned p;

	if (!(cfg->read32(cfg->ctx, 0x04) >> 16 & PCI_STATUS_CAPS))
		return -ENOENT;
	/* The low two bits of every pointer are reserved (§6.7): masked, as the spec asks. */
	p = pci_cfg_reader_byte(cfg, PCI_CAP_PTR) & ~3u;
	while (p != 0) {
		if (!valid_ptr(p))
			return -EINVAL;
		/* A capability seen twice is a loop; without this a caller stepping through the
		 * matches with `after` would go round it forever. */
		uint64_t bit = 1ull << ((p - PCI_CFG_HEADER_END) / 4);

		if (visited & bit)
			return -EINVAL;
		visited |= bit;
		uint32_t head = cfg->read32(cfg->ctx, p);
		unsigned next = (head >> 8) & 0xfc;

		/* The list need not be sorted: "after" means later in the walk, not higher. */
		if (passed && (head & 0xff) == id)
			return (int)p;
		if ((int)p == after)
			passed = true;
		p = next;
	}
	return -ENOENT;
}
