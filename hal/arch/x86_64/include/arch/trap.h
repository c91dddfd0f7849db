/* SPDX-License-Identifier: MIT */
/* arch/trap.h: the register frame every exception entry path builds (the native IDT stubs on
 * kvm and baremetal, the Xen PV trap-table stubs), and the common handler it calls. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#include <stdint.h>

/* Lowest address first: the general registers the stub pushed, then the vector and error code,
 * then what the CPU pushed (the interrupt stack frame). */
struct arch_trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct arch_trap_frame) == 22 * 8, "trap frame layout used by assembly");

#define X86_EXC_DE  0
#define X86_EXC_NMI 2
#define X86_EXC_BP  3
#define X86_EXC_UD  6
#define X86_EXC_DF  8
#define X86_EXC_GP  13
#define X86_EXC_PF  14

/* Handle the exception described by `frame`: every CPU exception is fatal in Mote, so this
 * describes it to core_fault(), which never returns. `fault_addr` is CR2 for page faults and
 * double faults (the platform reads it: it lives in the shared info page on Xen PV). */
void arch_trap(struct arch_trap_frame *frame, uint64_t fault_addr) __attribute__((noreturn));

#endif
