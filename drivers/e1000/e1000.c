/* SPDX-License-Identifier: MIT */
/* e1000.c: Intel 82540EM (e1000, QEMU pc/q35 "-device e1000") and 82574L (e1000e, "-device
 * e1000e") as a netdev: legacy descriptor rings, one receive and one transmit queue, link
 * status, MSI-X on the 82574L with INTx as the fallback. A thread per device does all the work
 * the interrupt only signals, as in virtio-net. */
#include <errno.h>
#include <string.h>

#include <e1000/e1000_desc.h>
#include <hal/cpu.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <mote/netdev.h>
#include <mote/sync.h>
#include <mote/thread.h>
#include <pci/pci.h>

#define INTEL_VENDOR 0x8086
#define ID_82540EM   0x100e
#define ID_82574L    0x10d3

/* Registers (byte offsets in BAR 0), from the 8254x and 82574 manuals. */
#define REG_CTRL   0x0000
#define REG_STATUS 0x0008
#define REG_EERD   0x0014
#define REG_ICR    0x00c0
#define REG_IMS    0x00d0
#define REG_IMC    0x00d8
#define REG_IVAR   0x00e4 /* 82574 */
#define REG_RCTL   0x0100
#define REG_TCTL   0x0400
#define REG_TIPG   0x0410
#define REG_RDBAL  0x2800
#define REG_RDBAH  0x2804
#define REG_RDLEN  0x2808
#define REG_RDH    0x2810
#define REG_RDT    0x2818
#define REG_RDTR   0x2820
#define REG_TDBAL  0x3800
#define REG_TDBAH  0x3804
#define REG_TDLEN  0x3808
#define REG_TDH    0x3810
#define REG_TDT    0x3818
#define REG_TIDV   0x3820
#define REG_TARC0  0x3840 /* 82574 */
#define REG_MPC    0x4010 /* missed packets: frames dropped for want of a buffer; clears on read */
#define REG_MTA    0x5200
#define REG_RAL0   0x5400
#define REG_RAH0   0x5404
#define REGS_SIZE  0x20000

#define CTRL_ASDE    (1u << 5)
#define CTRL_SLU     (1u << 6)
#define CTRL_RST     (1u << 26)
#define CTRL_PHY_RST (1u << 31)
#define CTRL_LRST    (1u << 3)
#define STATUS_LU    (1u << 1)
#define RCTL_EN      (1u << 1)
#define RCTL_MPE     (1u << 4)  /* accept all multicast: netdev has no filter list, IPv6 needs some */
#define RCTL_BAM     (1u << 15) /* accept broadcast */
#define RCTL_SECRC   (1u << 26) /* strip the CRC */
#define TCTL_EN      (1u << 1)
#define TCTL_PSP     (1u << 3) /* pad short packets */
#define TCTL_CT      (0x0fu << 4)
#define TCTL_COLD    (0x40u << 12) /* full duplex */
#define TIPG_COPPER  (10u | 8u << 10 | 6u << 20)
#define RAH_AV       (1u << 31)
#define TARC_ENABLE  (1u << 10)

/* Interrupt causes. Without MSI-X: TXDW, LSC, RXT0 and friends; with MSI-X the 82574 reports
 * its queues as RXQ0/TXQ0 and everything else as OTHER, and signals only causes set in IMS. */
#define ICR_TXDW      (1u << 0)
#define ICR_LSC       (1u << 2)
#define ICR_RXSEQ     (1u << 3)
#define ICR_RXDMT0    (1u << 4)
#define ICR_RXO       (1u << 6)
#define ICR_RXT0      (1u << 7)
#define ICR_RXQ0      (1u << 20)
#define ICR_TXQ0      (1u << 22)
#define ICR_OTHER     (1u << 24)
#define IMS_LEGACY    (ICR_TXDW | ICR_LSC | ICR_RXSEQ | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)
#define IMS_MSIX      (IMS_LEGACY | ICR_RXQ0 | ICR_TXQ0 | ICR_OTHER)
/* IVAR: receive queue 0, transmit queue 0 and "other" all to vector 0, each marked valid. */
/* pending: ICR bits, and this one so that an MSI-X message with nothing in ICR still wakes. */
#define EV_WAKE       (1u << 31)
#define IVAR_ALL_TO_0 (0x8u | 0x8u << 8 | 0x8u << 16)

#define RX_DESCS        64
#define TX_DESCS        32
#define BUF_SIZE        2048 /* RCTL.BSIZE 0: 2048-byte receive buffers */
#define MTU             1500
#define ETH_HLEN_MAX    18
#define RESET_WAIT_NS   10000000ull /* the manuals allow 1 us; 10 ms before giving up */
#define EERD_WAIT_NS    10000000ull
#define RX_THREAD_STACK (24 * 1024)

struct e1000 {
	struct netdev netdev;
	struct pci_dev *pci;
	volatile uint32_t *regs;
	bool e1000e; /* 82574L: its EERD layout, IVAR, TARC, MSI-X */
	bool msix;
	volatile bool broken;
	volatile unsigned pending; /* ICR bits the handler saw */
	struct waitq wq;
	const struct netdev_stack_ops *stack;
	volatile bool opened;
	/* One page: the receive ring (1 KiB) then the transmit ring (512 bytes). */
	struct e1000_rx_desc *rx_ring;
	struct e1000_tx_desc *tx_ring;
	uint64_t ring_pa;
	uint8_t *rx_mem, *tx_mem;
	uint64_t rx_pa, tx_pa;
	unsigned rx_next, rx_tail; /* the device owns [rx_next, rx_tail) */
	/* Transmit: in flight [tx_clean, tx_tail); slot i uses buffer i. */
	unsigned tx_clean, tx_tail;
	bool tx_waiting;
	struct mutex tx_lock;
	struct pci_msix msix_table;
};

static unsigned e1000_count;

static uint32_t rd(struct e1000 *e, unsigned reg) { return e->regs[reg / 4]; }
static void wr(struct e1000 *e, unsigned reg, uint32_t v) { e->regs[reg / 4] = v; }

/* Descriptors in memory before the tail register moves (the device reads them after). */
#define dma_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
/* The status byte before the rest of a descriptor the device wrote back. */
#define dma_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

static void e1000_irq(void *arg)
{
	struct e1000 *e = arg;

	if (e->broken)
		return;
	uint32_t icr = rd(e, REG_ICR);

	if (icr == 0 && !e->msix)
		return; /* a shared line: not ours */
	/* Reading clears ICR without MSI-X; with it the 82574 clears only what is written back
	 * (write 1 to clear), and raises a vector again only for a cause not already pending. */
	if (e->msix)
		wr(e, REG_ICR, icr);
	__atomic_or_fetch(&e->pending, icr | EV_WAKE, __ATOMIC_RELAXED);
	waitq_wake_one(&e->wq);
}

/* Stop a device that broke the protocol: mask and reset it (its DMA stops), link down. */
static void e1000_drop(struct e1000 *e, const char *why)
{
	log_err("%s: %s; device dropped", e->netdev.name[0] ? e->netdev.name : e->pci->name, why);
	e->broken = true;
	wr(e, REG_IMC, 0xffffffffu);
	wr(e, REG_RCTL, 0);
	wr(e, REG_TCTL, 0);
	wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_RST);
	if (e->netdev.link_up) {
		e->netdev.link_up = false;
		if (e->opened && e->stack->link_changed)
			e->stack->link_changed(&e->netdev);
	}
}

static void rx_post(struct e1000 *e, unsigned i)
{
	struct e1000_rx_desc *d = &e->rx_ring[i];

	d->addr = e->rx_pa + (uint64_t)i * BUF_SIZE;
	d->length = 0;
	d->status = 0;
	d->errors = 0;
}

static void rx_drain(struct e1000 *e)
{
	int n = e1000_ring_done(e->rx_ring, RX_DESCS, e->rx_next, e->rx_tail);

	if (n < 0) {
		e1000_drop(e, "receive descriptor done out of order or outside the ring");
		return;
	}
	dma_rmb();
	for (int k = 0; k < n; k++) {
		unsigned i = e->rx_next;
		struct e1000_rx_desc d = e->rx_ring[i];
		const char *why = NULL;
		int len = e1000_rx_check(&d, BUF_SIZE, &why);

		if (len == -EIO) {
			e1000_drop(e, why);
			return;
		}
		if (len < 0 || !e->opened) {
			e->netdev.rx_dropped++;
		} else {
			e->netdev.rx_frames++;
			e->stack->receive(&e->netdev, e->rx_mem + (size_t)i * BUF_SIZE, (size_t)len, 0);
		}
		rx_post(e, i);
		e->rx_next = (i + 1) % RX_DESCS;
		e->rx_tail = i;
	}
	if (n > 0) {
		dma_wmb();
		wr(e, REG_RDT, e->rx_tail);
	}
}

/* Reclaim sent descriptors. Caller holds tx_lock. */
static void tx_reclaim(struct e1000 *e)
{
	int n = e1000_ring_done(e->tx_ring, TX_DESCS, e->tx_clean, e->tx_tail);

	if (n < 0) {
		e1000_drop(e, "transmit descriptor done out of order or outside the ring");
		return;
	}
	for (int k = 0; k < n; k++) {
		e->tx_ring[e->tx_clean].status = 0;
		e->tx_clean = (e->tx_clean + 1) % TX_DESCS;
	}
}

static void link_update(struct e1000 *e)
{
	bool up = (rd(e, REG_STATUS) & STATUS_LU) != 0;

	if (up == e->netdev.link_up)
		return;
	e->netdev.link_up = up;
	log_info("%s: link %s", e->netdev.name, up ? "up" : "down");
	if (e->opened && e->stack->link_changed)
		e->stack->link_changed(&e->netdev);
}

static void *e1000_thread(void *arg)
{
	struct e1000 *e = arg;

	while (!e->broken) {
		hal_irq_state_t s = hal_irq_save();

		while (e->pending == 0)
			waitq_wait(&e->wq, "e1000 interrupt", UINT64_MAX);
		unsigned ev = __atomic_exchange_n(&e->pending, 0, __ATOMIC_RELAXED);

		hal_irq_restore(s);
		if (ev & (ICR_LSC | ICR_OTHER))
			link_update(e);
		/* Unlike virtio-net, which QEMU holds frames back for, an e1000 drops what arrives
		 * while the receive ring is full (overrun, RXO): count those frames. */
		if (ev & (ICR_RXO | ICR_OTHER))
			e->netdev.rx_dropped += rd(e, REG_MPC);
		rx_drain(e);
		if (e->broken)
			break;
		mutex_lock(&e->tx_lock, SYNC_FOREVER);
		tx_reclaim(e);
		bool notify = e->tx_waiting && !e->broken && ((e->tx_tail + 1) % TX_DESCS) != e->tx_clean;

		if (notify)
			e->tx_waiting = false;
		mutex_unlock(&e->tx_lock);
		if (notify && e->opened && e->stack->tx_ready)
			e->stack->tx_ready(&e->netdev);
	}
	log_err("%s: stopped", e->netdev.name);
	return NULL;
}

static int e1000_open(struct netdev *dev, const struct netdev_stack_ops *stack, unsigned features)
{
	struct e1000 *e = dev->driver_data;

	if (!stack || !stack->receive || (features & ~dev->features))
		return -EINVAL;
	if (e->opened)
		return -EBUSY;
	if (e->broken)
		return -EIO;
	e->stack = stack;
	__atomic_store_n(&e->opened, true, __ATOMIC_RELEASE);
	return 0;
}

static int e1000_transmit(struct netdev *dev, const struct netdev_seg *segs, unsigned nsegs,
                          uint16_t csum_start, uint16_t csum_offset)
{
	struct e1000 *e = dev->driver_data;
	size_t total = 0;

	(void)csum_start, (void)csum_offset; /* no offloads offered */
	for (unsigned i = 0; i < nsegs; i++)
		total += segs[i].len;
	if (total > (size_t)dev->mtu + ETH_HLEN_MAX || total > BUF_SIZE) {
		dev->tx_dropped++;
		return -EMSGSIZE;
	}
	mutex_lock(&e->tx_lock, SYNC_FOREVER);
	if (e->broken) {
		mutex_unlock(&e->tx_lock);
		dev->tx_dropped++;
		return -EIO;
	}
	unsigned i = e->tx_tail, next = (i + 1) % TX_DESCS;

	if (next == e->tx_clean)
		tx_reclaim(e);
	if (next == e->tx_clean || e->broken) {
		/* Every descriptor asks for a TXDW interrupt (RS), so the thread sees the ring
		 * drain and calls tx_ready. */
		int err = e->broken ? -EIO : -EAGAIN;

		if (!e->broken)
			e->tx_waiting = true;
		mutex_unlock(&e->tx_lock);
		return err;
	}
	uint8_t *buf = e->tx_mem + (size_t)i * BUF_SIZE;
	size_t off = 0;

	for (unsigned s = 0; s < nsegs; s++) {
		memcpy(buf + off, segs[s].data, segs[s].len);
		off += segs[s].len;
	}
	struct e1000_tx_desc *d = &e->tx_ring[i];

	d->addr = e->tx_pa + (uint64_t)i * BUF_SIZE;
	d->length = (uint16_t)total;
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
	e->tx_tail = next;
	dma_wmb();
	wr(e, REG_TDT, next);
	dev->tx_frames++;
	mutex_unlock(&e->tx_lock);
	return 0;
}

static const struct netdev_ops e1000_ops = {
        .open = e1000_open,
        .transmit = e1000_transmit,
};

static bool wait_clear(struct e1000 *e, unsigned reg, uint32_t bits, uint64_t ns)
{
	uint64_t end = hal_clock_monotonic_ns() + ns;

	while (rd(e, reg) & bits) {
		if (hal_clock_monotonic_ns() > end)
			return false;
		hal_cpu_relax();
	}
	return true;
}

/* One 16-bit EEPROM word through EERD; the two models place its fields differently. */
static int eeprom_read(struct e1000 *e, unsigned word, uint16_t *out)
{
	unsigned done = e->e1000e ? 1u << 1 : 1u << 4, shift = e->e1000e ? 2 : 8;
	uint64_t end = hal_clock_monotonic_ns() + EERD_WAIT_NS;
	uint32_t v;

	wr(e, REG_EERD, word << shift | 1u);
	while (!((v = rd(e, REG_EERD)) & done)) {
		if (hal_clock_monotonic_ns() > end)
			return -ETIMEDOUT;
		hal_cpu_relax();
	}
	*out = (uint16_t)(v >> 16);
	return 0;
}

static bool mac_ok(const uint8_t *m) { return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]) != 0; }

/* The MAC address: words 0-2 of the EEPROM, else what the device loaded into RAL0/RAH0. */
static int read_mac(struct e1000 *e)
{
	uint8_t *mac = e->netdev.mac;
	uint16_t w[3];
	bool eeprom = true;

	for (unsigned i = 0; i < 3 && eeprom; i++)
		eeprom = eeprom_read(e, i, &w[i]) == 0;
	if (eeprom) {
		for (unsigned i = 0; i < 3; i++) {
			mac[2 * i] = (uint8_t)w[i];
			mac[2 * i + 1] = (uint8_t)(w[i] >> 8);
		}
	} else {
		uint32_t lo = rd(e, REG_RAL0), hi = rd(e, REG_RAH0);

		if (!(hi & RAH_AV)) {
			log_err("e1000: %s: no EEPROM answer and no valid receive address", e->pci->name);
			return -EIO;
		}
		memcpy(mac, &lo, 4);
		mac[4] = (uint8_t)hi;
		mac[5] = (uint8_t)(hi >> 8);
	}
	if (!mac_ok(mac)) {
		log_err("e1000: %s: bogus MAC address %02x:%02x:%02x:%02x:%02x:%02x", e->pci->name, mac[0],
		        mac[1], mac[2], mac[3], mac[4], mac[5]);
		return -EIO;
	}
	wr(e, REG_RAL0,
	   (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24);
	wr(e, REG_RAH0, (uint32_t)mac[4] | (uint32_t)mac[5] << 8 | RAH_AV);
	return 0;
}

static int setup_irq(struct e1000 *e)
{
	struct hal_irq_msg msg;
	int irq;

	if (e->e1000e && pci_msix_init(e->pci, &e->msix_table) == 0 && e->msix_table.entries >= 1 &&
	    (irq = hal_irq_attach_msg(e1000_irq, e, &msg)) >= 0) {
		pci_msix_set(&e->msix_table, 0, &msg);
		wr(e, REG_IVAR, IVAR_ALL_TO_0);
		pci_msix_enable(e->pci, &e->msix_table, true);
		e->msix = true;
		return 0;
	}
	irq = pci_intx_attach(e->pci, e1000_irq, e);
	if (irq < 0) {
		log_err("e1000: %s: no interrupt (%d)", e->pci->name, irq);
		return irq;
	}
	return 0;
}

static bool e1000_match(const struct pci_dev *d)
{
	return d->vendor == INTEL_VENDOR && (d->device == ID_82540EM || d->device == ID_82574L);
}

static int e1000_probe(struct pci_dev *d)
{
	_Static_assert(sizeof(struct e1000) <= HAL_PAGE_SIZE, "one page of state");
	_Static_assert(RX_DESCS * 16 + TX_DESCS * 16 <= HAL_PAGE_SIZE, "both rings in a page");
	_Static_assert(RX_DESCS * 16 % 128 == 0 && TX_DESCS * 16 % 128 == 0,
	               "ring lengths are multiples of 128");
	_Static_assert(RX_DESCS * BUF_SIZE == (HAL_PAGE_SIZE << 5) &&
	                       TX_DESCS * BUF_SIZE == (HAL_PAGE_SIZE << 4),
	               "buffer pools are whole power-of-two blocks");
	struct e1000 *e = mm_alloc_pages(0);
	uint8_t *rings = mm_alloc_pages(0);
	int err;

	if (!e || !rings)
		return -ENOMEM;
	memset(e, 0, sizeof(*e));
	memset(rings, 0, HAL_PAGE_SIZE);
	e->rx_mem = mm_alloc_pages(5);
	e->tx_mem = mm_alloc_pages(4);
	if (!e->rx_mem || !e->tx_mem)
		return -ENOMEM;
	e->ring_pa = hal_mem_dma_addr(rings);
	e->rx_pa = hal_mem_dma_addr(e->rx_mem);
	e->tx_pa = hal_mem_dma_addr(e->tx_mem);
	if (e->ring_pa == HAL_DMA_INVALID || e->rx_pa == HAL_DMA_INVALID || e->tx_pa == HAL_DMA_INVALID)
		return -ENOMEM;
	e->rx_ring = (struct e1000_rx_desc *)rings;
	e->tx_ring = (struct e1000_tx_desc *)(rings + RX_DESCS * 16);
	e->pci = d;
	e->e1000e = d->device == ID_82574L;
	mutex_init(&e->tx_lock, false);
	e->regs = pci_map_bar(d, 0, 0, REGS_SIZE);
	if (!e->regs) {
		log_err("e1000: %s: BAR 0 is not a memory BAR of 128 KiB", d->name);
		return -EIO;
	}
	fmt_snprintf(e->netdev.name, sizeof(e->netdev.name), "%s-%u", e->e1000e ? "e1000e" : "e1000",
	             e1000_count);
	pci_enable(d);

	/* Reset: interrupts masked before and after, as the reset sets up the defaults. */
	wr(e, REG_IMC, 0xffffffffu);
	wr(e, REG_CTRL, rd(e, REG_CTRL) | CTRL_RST);
	if (!wait_clear(e, REG_CTRL, CTRL_RST, RESET_WAIT_NS)) {
		log_err("e1000: %s: reset did not complete", d->name);
		return -EIO;
	}
	wr(e, REG_IMC, 0xffffffffu);
	(void)rd(e, REG_ICR);
	wr(e, REG_CTRL, (rd(e, REG_CTRL) | CTRL_SLU | CTRL_ASDE) & ~(CTRL_LRST | CTRL_PHY_RST));
	if ((err = read_mac(e)) < 0)
		return err;
	for (unsigned i = 0; i < 128; i++)
		wr(e, REG_MTA + 4 * i, 0);

	for (unsigned i = 0; i < RX_DESCS; i++)
		rx_post(e, i);
	e->rx_next = 0;
	e->rx_tail = RX_DESCS - 1; /* one slot kept back: head == tail means empty */
	wr(e, REG_RDBAL, (uint32_t)e->ring_pa);
	wr(e, REG_RDBAH, (uint32_t)(e->ring_pa >> 32));
	wr(e, REG_RDLEN, RX_DESCS * 16);
	wr(e, REG_RDH, 0);
	wr(e, REG_RDTR, 0);
	uint64_t tx_ring_pa = e->ring_pa + RX_DESCS * 16;

	wr(e, REG_TDBAL, (uint32_t)tx_ring_pa);
	wr(e, REG_TDBAH, (uint32_t)(tx_ring_pa >> 32));
	wr(e, REG_TDLEN, TX_DESCS * 16);
	wr(e, REG_TDH, 0);
	wr(e, REG_TDT, 0);
	wr(e, REG_TIDV, 0);
	wr(e, REG_TIPG, TIPG_COPPER);
	if (e->e1000e)
		wr(e, REG_TARC0, rd(e, REG_TARC0) | TARC_ENABLE);
	e->netdev.mtu = MTU;
	e->netdev.ops = &e1000_ops;
	e->netdev.driver_data = e;
	if ((err = setup_irq(e)) < 0)
		return err;
	dma_wmb();
	wr(e, REG_RCTL, RCTL_EN | RCTL_MPE | RCTL_BAM | RCTL_SECRC);
	wr(e, REG_TCTL, TCTL_EN | TCTL_PSP | TCTL_CT | TCTL_COLD);
	wr(e, REG_RDT, e->rx_tail);
	wr(e, REG_IMS, e->msix ? IMS_MSIX : IMS_LEGACY);
	link_update(e);

	char tname[THREAD_NAME_MAX];

	fmt_snprintf(tname, sizeof(tname), "%s-rx", e->netdev.name);
	/* Above the default priority: frames are taken off the ring before applications run. */
	struct thread *t = thread_create(tname, THREAD_PRIO_DEFAULT + 1, e1000_thread, e, RX_THREAD_STACK);

	if (!t) {
		e1000_drop(e, "no memory for the receive thread");
		return -ENOMEM;
	}
	thread_set_service(t);
	thread_detach(t);
	if ((err = netdev_register(&e->netdev)) < 0) {
		e1000_drop(e, "netdev registry refused the device");
		return err;
	}
	/* One line per device: which chip, and how its interrupts come (tests check it). */
	if (e->msix)
		log_info("%s: %s %s, MSI-X, link %s", e->netdev.name, d->name,
		         e->e1000e ? "82574L" : "82540EM", e->netdev.link_up ? "up" : "down");
	else
		log_info("%s: %s %s, INTx on line %u, link %s", e->netdev.name, d->name,
		         e->e1000e ? "82574L" : "82540EM", d->irq_line, e->netdev.link_up ? "up" : "down");
	e1000_count++;
	return 0;
}
PCI_DRIVER(e1000, "e1000", e1000_match, e1000_probe);
