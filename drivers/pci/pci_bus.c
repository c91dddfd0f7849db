/* SPDX-License-Identifier: MIT */
/* pci_bus.c: enumerating PCI devices at boot (bus 0 and the buses behind bridges), sizing
 * their BARs, and handing each to the first PCI_DRIVER that matches it. */
#include <errno.h>

#include <hal/mem.h>
#include <mote/device.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <pci/pci.h>

#define PCI_MAX_DEVICES 64
#define PCI_COMMAND     0x04
#define PCI_CMD_IO      0x1
#define PCI_CMD_MEMORY  0x2
#define PCI_CMD_MASTER  0x4
#define PCI_BAR0        0x10
#define PCI_SUBSYSTEM   0x2c
#define PCI_INTERRUPT   0x3c
#define PCI_SECONDARY   0x19 /* bridges: the bus behind */

static struct pci_dev devices[PCI_MAX_DEVICES];
static unsigned ndevices;
static uint8_t buses_seen[256 / 8];

extern const struct pci_driver __start_mote_pci_drivers[] __attribute__((weak));
extern const struct pci_driver __stop_mote_pci_drivers[] __attribute__((weak));

static uint32_t reader_read32(void *ctx, unsigned off) { return pci_read32(ctx, off); }

void pci_enable(const struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND,
	            pci_read16(d, PCI_COMMAND) | PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER);
}

/* Size BAR i by writing all ones (PCI 3.0 §6.2.5.1) with decoding off, so the device never
 * answers at the probing address. Returns how many BAR slots it used (2 for 64-bit). */
static unsigned bar_probe(struct pci_dev *d, unsigned i, uint16_t cmd)
{
	unsigned off = PCI_BAR0 + 4 * i;
	uint32_t lo = pci_read32(d, off);
	struct pci_bar *b = &d->bar[i];

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	pci_write32(d, off, 0xffffffffu);
	uint32_t mask = pci_read32(d, off);

	pci_write32(d, off, lo);
	if (lo & 1) {
		b->io = true;
		b->addr = lo & ~3u;
		b->size = mask & ~3u ? (uint32_t)(~(mask & ~3u) + 1) & 0xffff : 0;
		pci_write16(d, PCI_COMMAND, cmd);
		return 1;
	}
	uint64_t addr = lo & ~0xfull, size_mask = mask & ~0xfull;
	unsigned used = 1;

	if (((lo >> 1) & 3) == 2 && i < 5) { /* 64-bit */
		uint32_t hi = pci_read32(d, off + 4);

		pci_write32(d, off + 4, 0xffffffffu);
		size_mask |= (uint64_t)pci_read32(d, off + 4) << 32;
		pci_write32(d, off + 4, hi);
		addr |= (uint64_t)hi << 32;
		used = 2;
	} else if (size_mask) {
		size_mask |= 0xffffffff00000000ull;
	}
	pci_write16(d, PCI_COMMAND, cmd);
	b->addr = addr;
	b->size = size_mask ? ~size_mask + 1 : 0;
	return used;
}

static void scan_bus(unsigned bus);

static void scan_function(unsigned bus, unsigned slot, unsigned func)
{
	struct pci_dev probe = {.bus = (uint8_t)bus, .slot = (uint8_t)slot, .func = (uint8_t)func};
	uint32_t id = pci_read32(&probe, 0);

	if ((id & 0xffff) == 0xffff)
		return;
	uint32_t class = pci_read32(&probe, 0x08);
	uint8_t header = pci_read8(&probe, 0x0e) & 0x7f;

	if (header == 1) { /* a PCI-to-PCI bridge: its secondary bus holds more devices */
		scan_bus(pci_read8(&probe, PCI_SECONDARY));
		return;
	}
	if (header != 0)
		return;
	if (ndevices == PCI_MAX_DEVICES) {
		log_warn("pci: more than %d devices, %02x:%02x.%x ignored", PCI_MAX_DEVICES, bus, slot, func);
		return;
	}
	struct pci_dev *d = &devices[ndevices++];

	*d = probe;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	d->revision = class & 0xff;
	d->subclass = (class >> 16) & 0xff;
	d->class_code = class >> 24;
	uint32_t subsys = pci_read32(d, PCI_SUBSYSTEM);

	d->subsys_vendor = subsys & 0xffff;
	d->subsys_device = subsys >> 16;
	d->irq_line = pci_read8(d, PCI_INTERRUPT);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT + 1);
	d->cfg = (struct pci_cfg_reader){.read32 = reader_read32, .ctx = d};
	fmt_snprintf(d->name, sizeof(d->name), "pci %02x:%02x.%x", bus, slot, func);
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	for (unsigned i = 0; i < 6;)
		i += bar_probe(d, i, cmd);
	log_debug("pci: %s %04x:%04x class %02x.%02x irq %u pin %u", d->name, d->vendor, d->device,
	          d->class_code, d->subclass, d->irq_line, d->irq_pin);
}

static void scan_bus(unsigned bus)
{
	if (buses_seen[bus / 8] & (1u << (bus % 8)))
		return; /* a bridge pointing back at a bus already scanned */
	buses_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
	for (unsigned slot = 0; slot < 32; slot++) {
		struct pci_dev f0 = {.bus = (uint8_t)bus, .slot = (uint8_t)slot};

		if (pci_read16(&f0, 0) == 0xffff)
			continue;
		unsigned nfunc = pci_read8(&f0, 0x0e) & 0x80 ? 8 : 1;

		for (unsigned func = 0; func < nfunc; func++)
			scan_function(bus, slot, func);
	}
}

static void pci_probe(void)
{
	struct pci_dev host = {0};

	/* No PCI at all (microvm): the host bridge's ID reads as all ones. */
	if (pci_read32(&host, 0) == 0xffffffffu)
		return;
	scan_bus(0);
	for (unsigned i = 0; i < ndevices; i++) {
		for (const struct pci_driver *drv = __start_mote_pci_drivers; drv < __stop_mote_pci_drivers;
		     drv++) {
			if (!drv->match(&devices[i]))
				continue;
			int err = drv->probe(&devices[i]);

			if (err < 0)
				log_err("pci: %s: %s driver failed (%d), device ignored", devices[i].name,
				        drv->name, err);
			break;
		}
	}
}
DEVICE_BUS(pci, "pci", pci_probe);

volatile void *pci_map_bar(const struct pci_dev *d, unsigned bar, uint64_t off, uint64_t len)
{
	if (bar >= 6 || d->bar[bar].io || d->bar[bar].addr == 0 || off > d->bar[bar].size ||
	    len > d->bar[bar].size - off)
		return NULL;
	return hal_mem_map_io(d->bar[bar].addr + off, len);
}

int pci_intx_attach(const struct pci_dev *d, hal_irq_handler_fn fn, void *arg)
{
	if (d->irq_pin == 0 || d->irq_pin > 4 || d->irq_line == 0xff || d->irq_line == 0)
		return -ENODEV;
	/* Firmware routed INTx to an ISA-numbered line that the I/O APIC sees at the same
	 * number (PIIX and ICH9 both feed the routed PIRQ level to it), level-triggered. */
	return hal_irq_attach_line(d->irq_line, HAL_IRQ_LEVEL, fn, arg);
}
