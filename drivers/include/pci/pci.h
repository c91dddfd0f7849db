/* SPDX-License-Identifier: MIT */
/* pci/pci.h: PCI devices found at boot (drivers/pci), their configuration space, BARs,
 * capabilities and MSI-X, and the list of PCI drivers (PCI_DRIVER). */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hal/irq.h>

#define PCI_CAP_MSIX   0x11
#define PCI_CAP_VENDOR 0x09

/* Reading a device's configuration space, so the capability walker can run on the host. */
struct pci_cfg_reader {
	uint32_t (*read32)(void *ctx, unsigned off); /* off 4-aligned, < 256 */
	void *ctx;
};

/* The offset of the next capability with id `id` after the one at `after` (0: from the
 * start of the list), -ENOENT when there is none, -EINVAL when the list is malformed (a
 * pointer into the header or past the space, misaligned, or a loop). PCI 3.0 §6.7. */
int pci_cap_find(const struct pci_cfg_reader *cfg, uint8_t id, int after);

/* One byte of configuration space through a reader. */
uint8_t pci_cfg_reader_byte(const struct pci_cfg_reader *cfg, unsigned off);

struct pci_bar {
	uint64_t addr; /* bus address, or port for I/O BARs; 0 when unassigned */
	uint64_t size;
	bool io;
};

struct pci_dev {
	uint8_t bus, slot, func;
	uint16_t vendor, device;
	uint16_t subsys_vendor, subsys_device;
	uint8_t class_code, subclass, revision;
	uint8_t irq_line, irq_pin; /* the line firmware routed INTx to (0xff: none); pin 0: none */
	struct pci_bar bar[6];
	struct pci_cfg_reader cfg;
	char name[16]; /* "pci 00:03.0" */
};

uint8_t pci_read8(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
void pci_write8(const struct pci_dev *d, unsigned off, uint8_t v);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);

/* Turn on memory and I/O decoding and bus mastering (DMA). */
void pci_enable(const struct pci_dev *d);

/* Map memory BAR `bar`'s [off, off + len) for register access; NULL when the BAR is not a
 * memory BAR, unassigned, or too small (each reported by the caller). */
volatile void *pci_map_bar(const struct pci_dev *d, unsigned bar, uint64_t off, uint64_t len);

/* MSI-X (PCI 3.0 §6.8.2): a table of message address/data pairs in a BAR. */
struct pci_msix {
	int cap;                  /* config offset of the capability */
	unsigned entries;         /* table size */
	volatile uint32_t *table; /* mapped table, 4 words per entry */
};

/* Find and map d's MSI-X table. 0, -ENOENT (no MSI-X), -EINVAL (a malformed capability). */
int pci_msix_init(const struct pci_dev *d, struct pci_msix *m);
/* Program entry `entry` with `msg`, unmasked. */
void pci_msix_set(struct pci_msix *m, unsigned entry, const struct hal_irq_msg *msg);
/* Turn MSI-X on (and INTx off) or off. */
void pci_msix_enable(const struct pci_dev *d, struct pci_msix *m, bool on);

/* Attach a handler to d's INTx line (level-triggered, shared). The interrupt number or a
 * negative errno (-ENODEV: the device has no routed pin). */
int pci_intx_attach(const struct pci_dev *d, hal_irq_handler_fn fn, void *arg);

struct pci_driver {
	const char *name;
	/* Is `d` this driver's? Pure, no side effects. */
	bool (*match)(const struct pci_dev *d);
	/* Take `d`: 0, or a negative errno after reporting why (the device is then left alone).
	 * `d` stays valid for the boot. Thread context. */
	int (*probe)(struct pci_dev *d);
};

/* Declare a driver; the list is the linker section "mote_pci_drivers". */
#define PCI_DRIVER(ident, drvname, matchfn, probefn)                                            \
	static const struct pci_driver pci_driver_##ident                                       \
	        __attribute__((used, section("mote_pci_drivers"), aligned(sizeof(void *)))) = { \
	                .name = drvname, .match = matchfn, .probe = probefn}

#endif
