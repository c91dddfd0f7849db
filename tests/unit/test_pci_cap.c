/* SPDX-License-Identifier: MIT */
/* test_pci_cap.c: the PCI capability walker (drivers/pci/pci_cap.c) over made-up configuration
 * spaces: unsorted lists, repeated ids (virtio's vendor capabilities), and the malformed lists
 * a hostile device could present (loops, pointers into the header or past the end). */
#include <errno.h>
#include <string.h>

#include <pci/pci.h>

#include "check.h"

static uint8_t space[256];

static uint32_t read32(void *ctx, unsigned off)
{
	const uint8_t *s = ctx;

	return (uint32_t)s[off] | (uint32_t)s[off + 1] << 8 | (uint32_t)s[off + 2] << 16 |
	       (uint32_t)s[off + 3] << 24;
}

static const struct pci_cfg_reader cfg = {.read32 = read32, .ctx = space};

static void reset(uint8_t first)
{
	memset(space, 0, sizeof(space));
	space[0x06] = 0x10; /* status: capabilities list */
	space[0x34] = first;
}

static void cap(unsigned at, uint8_t id, uint8_t next)
{
	space[at] = id;
	space[at + 1] = next;
}

int main(void)
{
	/* No list at all. */
	memset(space, 0, sizeof(space));
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), -ENOENT);

	/* QEMU's virtio-net-pci shape: MSI-X first, then vendor capabilities, unsorted. */
	reset(0x98);
	cap(0x98, PCI_CAP_MSIX, 0x84);
	cap(0x84, PCI_CAP_VENDOR, 0x70);
	cap(0x70, PCI_CAP_VENDOR, 0x60);
	cap(0x60, PCI_CAP_VENDOR, 0x50);
	cap(0x50, PCI_CAP_VENDOR, 0x40);
	cap(0x40, PCI_CAP_VENDOR, 0x00);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), 0x98);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0x98), -ENOENT);
	int seen[5], n = 0, at = 0;

	while ((at = pci_cap_find(&cfg, PCI_CAP_VENDOR, at)) > 0 && n < 5)
		seen[n++] = at;
	CHECK_EQ(n, 5);
	CHECK_EQ(at, -ENOENT);
	CHECK_EQ(seen[0], 0x84);
	CHECK_EQ(seen[1], 0x70);
	CHECK_EQ(seen[4], 0x40);
	CHECK_EQ(pci_cap_find(&cfg, 0x05, 0), -ENOENT); /* MSI: absent */
	CHECK_EQ(pci_cfg_reader_byte(&cfg, 0x99), 0x84);

	/* Reserved low pointer bits are masked (PCI 3.0 §6.7). */
	reset(0x43);
	cap(0x40, PCI_CAP_MSIX, 0x00);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), 0x40);

	/* A loop, a self-loop, a pointer into the header, one at the very end. */
	reset(0x40);
	cap(0x40, PCI_CAP_VENDOR, 0x50);
	cap(0x50, PCI_CAP_VENDOR, 0x40);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), -EINVAL);
	/* A loop through matches: stepping with `after` ends in an error, not forever. */
	reset(0x40);
	cap(0x40, PCI_CAP_VENDOR, 0x50);
	cap(0x50, PCI_CAP_VENDOR, 0x40);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_VENDOR, 0), 0x40);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_VENDOR, 0x40), 0x50);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_VENDOR, 0x50), -EINVAL);
	reset(0x40);
	cap(0x40, PCI_CAP_VENDOR, 0x40);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), -EINVAL);
	reset(0x40);
	cap(0x40, PCI_CAP_VENDOR, 0x10);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), -EINVAL);
	reset(0x20);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), -EINVAL);
	reset(0xfc);
	cap(0xfc, PCI_CAP_MSIX, 0);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), 0xfc);

	/* The longest honest list: 48 capabilities, one after another. */
	reset(0x40);
	for (unsigned p = 0x40; p < 0x100; p += 4)
		cap(p, PCI_CAP_VENDOR, p + 4 < 0x100 ? (uint8_t)(p + 4) : 0);
	cap(0xfc, PCI_CAP_MSIX, 0);
	CHECK_EQ(pci_cap_find(&cfg, PCI_CAP_MSIX, 0), 0xfc);
	return check_report();
}
