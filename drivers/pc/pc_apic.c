/* SPDX-License-Identifier: MIT */
/* pc_apic.c: the local APIC, interrupt dispatch, and the tickless one-shot timer of hal/time.h
 * on the APIC, in TSC-deadline mode when CPUID offers it, else in one-shot count-down mode
 * calibrated against the TSC (Intel SDM vol. 3 §11.5.4). Set up on first use. */
#include <stdint.h>

#include <arch/io.h>
#include <arch/native.h>
#include <arch/native_irq.h>
#include <arch/x86.h>
#include <hal/irq.h>
#include <hal/mem.h>
#include <hal/time.h>
#include <mote/init.h>
#include <mote/log.h>
#include <mote/panic.h>

#include <pc/pc_paging.h>
#include <pc/pc.h>
#include "pc_vectors.h"

#define MSR_APIC_BASE            0x1bu
#define MSR_TSC_DEADLINE         0x6e0u
#define APIC_BASE_ENABLE         (1ull << 11)
#define APIC_BASE_ADDR           0xfffff000ull
#define APIC_ID                  0x020
#define APIC_EOI                 0x0b0
#define APIC_SVR                 0x0f0
#define APIC_LVT_TIMER           0x320
#define APIC_TIMER_INITIAL       0x380
#define APIC_TIMER_CURRENT       0x390
#define APIC_TIMER_DIVIDE        0x3e0
#define APIC_LVT_MASKED          (1u << 16)
#define APIC_LVT_TSC_DEADLINE    (2u << 17)
#define APIC_SVR_ENABLE          (1u << 8)
#define CPUID_1_ECX_TSC_DEADLINE (1u << 24)

static volatile uint32_t *apic;
static int tsc_deadline_mode;
static uint64_t apic_timer_hz; /* count-down mode: ticks per second at divide-by-1 */

static uint32_t apic_read(unsigned reg) { return apic[reg / 4]; }
static void apic_write(unsigned reg, uint32_t v) { apic[reg / 4] = v; }

/* ns * hz / 1e9 without a 128-bit product (hz < 2^34, the remainder < 2^30). */
static uint64_t ns_to_ticks(uint64_t ns, uint64_t hz)
{
	return ns / 1000000000u * hz + ns % 1000000000u * hz / 1000000000u;
}

/* Count-down ticks per second, measured against the (already calibrated) TSC over 1 ms. */
MOTE_BOOT_ONLY static uint64_t apic_timer_calibrate(void)
{
	uint64_t start_ns, end_ns;
	uint32_t start;

	apic_write(APIC_TIMER_DIVIDE, 0xb); /* divide by 1 */
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | PC_VECTOR_TIMER);
	apic_write(APIC_TIMER_INITIAL, 0xffffffffu);
	start_ns = hal_clock_monotonic_ns();
	start = apic_read(APIC_TIMER_CURRENT);
	while ((end_ns = hal_clock_monotonic_ns()) - start_ns < 1000000)
		__asm__ volatile("pause");
	uint32_t end = apic_read(APIC_TIMER_CURRENT);

	apic_write(APIC_TIMER_INITIAL, 0);
	return (uint64_t)(start - end) * 1000000000u / (end_ns - start_ns);
}

/* The local APIC, enabled on first use by the timer or by the first device interrupt. */
void pc_apic_init(void)
{
	if (apic)
		return;
	uint64_t base = rdmsr(MSR_APIC_BASE);
	uintptr_t pa = (uintptr_t)(base & APIC_BASE_ADDR);

	if (pc_paging_identity(pa, HAL_PAGE_SIZE, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		panic("pc: cannot map the local APIC at %p", (void *)pa);
	wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
	for (unsigned v = PC_VECTOR_PIC_BASE; v < PC_VECTOR_PIC_BASE + 16; v++)
		native_route_irq(v);
	native_route_irq(PC_VECTOR_TIMER);
	native_route_irq(PC_VECTOR_SPURIOUS);
	apic = (volatile uint32_t *)pa;
	apic_write(APIC_SVR, APIC_SVR_ENABLE | PC_VECTOR_SPURIOUS);
	apic_write(APIC_LVT_TIMER, APIC_LVT_MASKED | PC_VECTOR_TIMER);
}

unsigned pc_apic_id(void)
{
	pc_apic_init();
	return apic_read(APIC_ID) >> 24;
}

static int timer_ready;

MOTE_BOOT_ONLY static void timer_init(void)
{
	pc_apic_init();
	timer_ready = 1;
	hal_clock_monotonic_ns(); /* calibrates the TSC if not done yet */
	tsc_deadline_mode = (cpuid(1, 0).ecx & CPUID_1_ECX_TSC_DEADLINE) != 0;
	if (tsc_deadline_mode) {
		apic_write(APIC_LVT_TIMER, APIC_LVT_TSC_DEADLINE | PC_VECTOR_TIMER);
	} else {
		apic_timer_hz = apic_timer_calibrate();
		if (apic_timer_hz == 0)
			panic("pc: the local APIC timer does not count");
		apic_write(APIC_LVT_TIMER, PC_VECTOR_TIMER); /* one-shot */
	}
	log_debug("pc: one-shot timer: %s, TSC at %llu Hz",
	          tsc_deadline_mode ? "APIC TSC-deadline" : "APIC count-down",
	          (unsigned long long)pc_tsc_hz());
}

void hal_timer_oneshot(uint64_t deadline_ns)
{
	if (!timer_ready) {
		if (deadline_ns == HAL_TIMER_OFF)
			return; /* nothing armed yet: no reason to set the timer up */
		timer_init();
	}
	if (tsc_deadline_mode) {
		/* 0 disarms; anything at or before now fires at once */
		wrmsr(MSR_TSC_DEADLINE, deadline_ns == HAL_TIMER_OFF
		                                ? 0
		                                : pc_tsc_at_entry() + ns_to_ticks(deadline_ns, pc_tsc_hz()));
		return;
	}
	if (deadline_ns == HAL_TIMER_OFF) {
		apic_write(APIC_TIMER_INITIAL, 0);
		return;
	}
	uint64_t now = hal_clock_monotonic_ns();
	uint64_t ticks = deadline_ns > now ? ns_to_ticks(deadline_ns - now, apic_timer_hz) : 1;

	/* Too far for 32 bits: fire at the limit, and core programs the rest. */
	apic_write(APIC_TIMER_INITIAL, ticks == 0 ? 1 : ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}

void native_irq(unsigned vector)
{
	if (vector == PC_VECTOR_SPURIOUS)
		return; /* no EOI for the spurious vector */
	core_irq_enter();
	if (vector >= PC_VECTOR_PIC_BASE && vector < PC_VECTOR_PIC_BASE + 16) {
		/* A masked PIC can still raise its spurious IRQ 7 or 15: acknowledge and ignore. */
		if (vector >= PC_VECTOR_PIC_BASE + 8)
			outb(0xa0, 0x20);
		outb(0x20, 0x20);
	} else if (vector == PC_VECTOR_TIMER) {
		apic_write(APIC_EOI, 0); /* before core_irq_exit(), which may switch threads */
		core_timer_expired();
	} else {
		/* Device handlers first, then the EOI: a level-triggered line is deasserted by the
		 * handler reading its device's status, and an EOI before that would deliver the
		 * same interrupt again at once. */
		if (native_irq_dispatch(vector) < 0)
			log_warn("pc: interrupt on unexpected vector %u", vector);
		apic_write(APIC_EOI, 0);
	}
	core_irq_exit();
}
