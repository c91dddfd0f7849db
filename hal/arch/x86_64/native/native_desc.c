/* SPDX-License-Identifier: MIT */
/* native_desc.c: the GDT, TSS and IDT of a natively running image (kvm, baremetal). */
#include <stdint.h>

#include <arch/native.h>
#include <arch/native_stubs.h>
#include <arch/trap.h>

#define GDT_KERNEL_CS      0x08
#define GDT_KERNEL_DS      0x10
#define GDT_TSS            0x18
#define IST_DOUBLE_FAULT   1
#define IST_NMI            2
#define IST_PAGE_FAULT     3
#define IST_IRQ            4
#define IST_STACK_SIZE     8192
/* The page-fault stack also carries the fatal report (core_fault: formatting, symbols, the
 * backtrace), as every other exception's stack does; an interrupt only lands on its stack and
 * leaves it after copying five words (native_irq_entry.S). */
#define IST_PF_STACK_SIZE  16384
#define IST_IRQ_STACK_SIZE 256

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss64) == 104, "TSS layout (Intel SDM vol. 3 §8.7)");

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

static struct tss64 tss;
/* Null, 64-bit code, data, and the 16-byte TSS descriptor. Writable: ltr marks the TSS busy. */
static uint64_t gdt[5] __attribute__((aligned(16))) = {
        0, 0x00af9a000000ffffull, /* code: long mode, present, ring 0 */
        0x00cf92000000ffffull,    /* data */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t ist_stacks[2][IST_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ist_pf_stack[IST_PF_STACK_SIZE] __attribute__((aligned(16)));
static uint8_t ist_irq_stack[IST_IRQ_STACK_SIZE] __attribute__((aligned(16)));

/* Entry stubs, laid out as arch/native_stubs.h says: one per exception vector 0-31 in
 * native_trap_entry.S, one per interrupt vector 32-255 in native_irq_entry.S. */
extern const char native_trap_stubs_start[];
extern const char native_irq_stubs_start[];

static void set_gate(unsigned vector, uintptr_t handler, unsigned ist)
{
	idt[vector] = (struct idt_gate){
	        .offset_lo = handler & 0xffff,
	        .selector = GDT_KERNEL_CS,
	        .ist = (uint8_t)ist,
	        .type_attr = 0x8e, /* present, ring 0, 64-bit interrupt gate: IF cleared on entry */
	        .offset_mid = (handler >> 16) & 0xffff,
	        .offset_hi = (uint32_t)(handler >> 32),
	};
}

void native_desc_init(void)
{
	uintptr_t base = (uintptr_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)ist_stacks[0] + IST_STACK_SIZE;
	tss.ist[IST_NMI - 1] = (uintptr_t)ist_stacks[1] + IST_STACK_SIZE;
	tss.ist[IST_PAGE_FAULT - 1] = (uintptr_t)ist_pf_stack + IST_PF_STACK_SIZE;
	tss.ist[IST_IRQ - 1] = (uintptr_t)ist_irq_stack + IST_IRQ_STACK_SIZE;
	tss.iomap_base = sizeof(tss);                                           /* no I/O bitmap */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) /* present, available TSS */
	         | ((limit >> 16) & 0xf) << 48 | ((uint64_t)(base >> 24) & 0xff) << 56;
	gdt[4] = base >> 32;

	struct desc_ptr gdtr = {sizeof(gdt) - 1, (uintptr_t)gdt};
	__asm__ volatile("lgdt %0\n\t"
	                 "pushq %1\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "pushq %%rax\n\t"
	                 "lretq\n"
	                 "1:\n\t"
	                 "movl %2, %%eax\n\t"
	                 "movl %%eax, %%ds\n\t"
	                 "movl %%eax, %%es\n\t"
	                 "movl %%eax, %%ss\n\t"
	                 "ltr %w3"
	                 :
	                 : "m"(gdtr), "i"(GDT_KERNEL_CS), "i"(GDT_KERNEL_DS), "r"((uint16_t)GDT_TSS)
	                 : "rax", "memory");

	for (unsigned v = 0; v < 32; v++)
		set_gate(v, (uintptr_t)native_trap_stubs_start + native_stub_offset(v),
		         v == 8    ? IST_DOUBLE_FAULT
		         : v == 2  ? IST_NMI
		         : v == 14 ? IST_PAGE_FAULT
		                   : 0);
	struct desc_ptr idtr = {sizeof(idt) - 1, (uintptr_t)idt};
	__asm__ volatile("lidt %0" ::"m"(idtr) : "memory");
}

void native_route_irq(unsigned vector)
{
	if (vector >= 32 && vector < 256)
		set_gate(vector, (uintptr_t)native_irq_stubs_start + native_stub_offset(vector - 32),
		         IST_IRQ);
}

/* Nonzero from a page fault's entry until it returns: the page-fault stack is one, and the CPU
 * starts it from the top on every fault, so a fault inside the handler (or inside the fatal
 * report it hands over to) has overwritten the outer one's frames. That one must never be
 * resumed: it goes straight to the report, whose own guard stops at a second fault. */
static int pf_active;

void native_pf_entry(struct arch_trap_frame *frame, uint64_t addr);
void native_pf_entry(struct arch_trap_frame *frame, uint64_t addr)
{
	if (pf_active++ == 0 && native_page_fault(addr, frame->error_code) == 0) {
		pf_active = 0;
		return;
	}
	arch_trap(frame, addr);
}
