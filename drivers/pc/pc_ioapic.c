/* SPDX-License-Identifier: MIT */
/* pc_ioapic.c: hal/irq.h's device interrupts on a PC. Lines are I/O APIC inputs (GSIs): the first
 * I/O APIC at its architectural address serves GSIs 0-23, and QEMU microvm's second one
 * (ioapic2) the next 24; message-signalled interrupts go straight to the local APIC. */
#include <errno.h>

#include <arch/native_irq.h>
#include <hal/cpu.h>
#include <hal/irq.h>
#include <hal/mem.h>
#include <mote/log.h>

#include <pc/pc_paging.h>
#include <pc/pc.h>

#define IOAPIC_MAX 2
#define GSI_MAX    64
#define IRQ_MSG    (1 << 30) /* marks an interrupt number that is a bare vector (MSI) */

static const uint64_t ioapic_pa[IOAPIC_MAX] = {0xfec00000u, 0xfec10000u};
static struct native_ioapic ioapics[IOAPIC_MAX];
static unsigned nioapics;
static bool probed;
static int8_t gsi_vector_set[GSI_MAX]; /* 1 when gsi_vector[] holds the line's vector */
static uint8_t gsi_vector[GSI_MAX];

static void ioapic_probe(void)
{
	unsigned gsi = 0;

	probed = true;
	pc_apic_init();
	for (unsigned i = 0; i < IOAPIC_MAX; i++) {
		if (pc_paging_identity(ioapic_pa[i], HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
			break;
		if (native_ioapic_init(&ioapics[nioapics], (volatile uint32_t *)(uintptr_t)ioapic_pa[i],
		                       gsi) < 0)
			break;
		gsi += ioapics[nioapics].lines;
		nioapics++;
	}
	if (nioapics == 0)
		log_warn("pc: no I/O APIC found: interrupt lines unavailable");
	else
		log_debug("pc: %u I/O APIC(s), %u interrupt lines", nioapics, gsi);
}

static struct native_ioapic *ioapic_of(unsigned gsi, unsigned *pin)
{
	for (unsigned i = 0; i < nioapics; i++) {
		if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].lines) {
			*pin = gsi - ioapics[i].gsi_base;
			return &ioapics[i];
		}
	}
	return NULL;
}

int hal_irq_attach_line(unsigned line, unsigned flags, hal_irq_handler_fn fn, void *arg)
{
	unsigned pin;

	if (!probed)
		ioapic_probe();
	struct native_ioapic *io = ioapic_of(line, &pin);

	if (!io || line >= GSI_MAX || !fn)
		return -EINVAL;
	if (gsi_vector_set[line]) {
		/* A shared line: same trigger mode, or the devices disagree about the wiring. */
		if (native_ioapic_flags(io, pin) != (flags & (HAL_IRQ_LEVEL | HAL_IRQ_ACTIVE_LOW)))
			return -EINVAL;
		int err = native_irq_add_handler(gsi_vector[line], fn, arg);

		return err < 0 ? err : (int)line;
	}
	int vector = native_irq_alloc_vector();

	if (vector < 0)
		return vector;
	int err = native_irq_add_handler((unsigned)vector, fn, arg);

	if (err < 0)
		return err;
	gsi_vector[line] = (uint8_t)vector;
	gsi_vector_set[line] = 1;
	native_ioapic_route(io, pin, (unsigned)vector, flags, pc_apic_id(), false);
	core_irq_source_attached();
	return (int)line;
}

int hal_irq_attach_msg(hal_irq_handler_fn fn, void *arg, struct hal_irq_msg *msg)
{
	pc_apic_init();
	int vector = native_irq_alloc_vector();

	if (vector < 0)
		return vector;
	int err = native_irq_add_handler((unsigned)vector, fn, arg);

	if (err < 0)
		return err;
	native_irq_msi_msg((unsigned)vector, pc_apic_id(), msg);
	core_irq_source_attached();
	return IRQ_MSG | vector;
}

/* A message-signalled interrupt is masked in the device (MSI-X vector control), not here. */
static void line_mask(int irq, bool masked)
{
	unsigned pin;

	if (irq < 0 || (irq & IRQ_MSG))
		return;
	struct native_ioapic *io = ioapic_of((unsigned)irq, &pin);

	if (io)
		native_ioapic_mask(io, pin, masked);
}

void hal_irq_mask(int irq) { line_mask(irq, true); }
void hal_irq_unmask(int irq) { line_mask(irq, false); }
