/* SPDX-License-Identifier: MIT */
/* native_cpu.c: hal/cpu.h for x86 running natively (kvm, baremetal): the interrupt flag, hlt,
 * FS base through its MSR, and FPU/SSE enabling. */
#include <arch/native.h>
#include <arch/x86.h>
#include <hal/cpu.h>

#define RFLAGS_IF (1ul << 9)

hal_irq_state_t hal_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
	return flags & RFLAGS_IF;
}

void hal_irq_restore(hal_irq_state_t state)
{
	if (state & RFLAGS_IF)
		__asm__ volatile("sti" ::: "memory");
}

void hal_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }

int hal_irq_enabled(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return (flags & RFLAGS_IF) != 0;
}

void hal_cpu_idle(void)
{
	/* sti takes effect after the next instruction, so no interrupt slips in before hlt. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void hal_cpu_relax(void) { __asm__ volatile("pause"); }

void hal_tls_set_base(uintptr_t base) { wrmsr(MSR_FS_BASE, base); }

void native_fpu_init(void)
{
	uint64_t cr0 = read_cr0();

	cr0 &= ~(X86_CR0_EM | X86_CR0_TS);
	cr0 |= X86_CR0_MP | X86_CR0_NE;
	write_cr0(cr0);
	write_cr4(read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);
	__asm__ volatile("fninit");
}
