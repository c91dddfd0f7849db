/* SPDX-License-Identifier: MIT */
/* trap.c: turns an x86_64 exception frame into core's architecture-neutral fault description:
 * the exception's name, its error code decoded, and every general register. */
#include <stddef.h>

#include <arch/trap.h>
#include <hal/fault.h>

static const char *const exception_names[32] = {
        "divide error",
        "debug",
        "non-maskable interrupt",
        "breakpoint",
        "overflow",
        "bound range exceeded",
        "invalid opcode",
        "device not available",
        "double fault",
        "coprocessor segment overrun",
        "invalid TSS",
        "segment not present",
        "stack-segment fault",
        "general protection fault",
        "page fault",
        "reserved (15)",
        "x87 floating-point error",
        "alignment check",
        "machine check",
        "SIMD floating-point error",
        "virtualization exception",
        "control protection exception",
        "reserved (22)",
        "reserved (23)",
        "reserved (24)",
        "reserved (25)",
        "reserved (26)",
        "reserved (27)",
        "hypervisor injection",
        "VMM communication",
        "security exception",
        "reserved (31)",
};

/* Vectors for which the CPU pushes an error code. */
static int has_error_code(unsigned vector)
{
	switch (vector) {
	case 8:
	case 10:
	case 11:
	case 12:
	case 13:
	case 14:
	case 17:
	case 21:
	case 29:
	case 30:
		return 1;
	default:
		return 0;
	}
}

/* Page-fault error code bits (Intel SDM vol. 3 §4.7). */
static const char *page_fault_detail(uint64_t err)
{
	if (err & (1u << 4))
		return err & 1 ? "instruction fetch from a non-executable page"
		               : "instruction fetch from a non-present page";
	if (err & (1u << 1))
		return err & 1 ? "write to a read-only page" : "write to a non-present page";
	return err & 1 ? "read from a protected page" : "read from a non-present page";
}

void arch_trap(struct arch_trap_frame *f, uint64_t fault_addr)
{
	struct hal_fault fault = {
	        .vector = (unsigned)f->vector,
	        .error_code = f->error_code,
	        .has_error_code = f->vector < 32 && has_error_code((unsigned)f->vector),
	        .pc = f->rip,
	        .sp = f->rsp,
	        .fp = f->rbp,
	};
	fault.name = f->vector < 32 ? exception_names[f->vector] : "unexpected interrupt";
	if (f->vector == X86_EXC_PF) {
		fault.has_addr = 1;
		fault.addr = fault_addr;
		fault.detail = page_fault_detail(f->error_code);
	} else if (f->vector == X86_EXC_DF) {
		/* A fault while delivering a fault: most often a page fault on a full stack, and
		 * CR2 still holds that first fault's address, so report it. */
		fault.has_addr = 1;
		fault.addr = fault_addr;
		fault.detail = "fault while delivering an exception";
	}

	const struct hal_fault_reg regs[] = {
	        {"rip", f->rip}, {"rsp", f->rsp}, {"rbp", f->rbp}, {"rflags", f->rflags}, {"rax", f->rax},
	        {"rbx", f->rbx}, {"rcx", f->rcx}, {"rdx", f->rdx}, {"rsi", f->rsi},       {"rdi", f->rdi},
	        {"r8", f->r8},   {"r9", f->r9},   {"r10", f->r10}, {"r11", f->r11},       {"r12", f->r12},
	        {"r13", f->r13}, {"r14", f->r14}, {"r15", f->r15}, {"cs", f->cs},         {"ss", f->ss},
	};
	_Static_assert(sizeof(regs) / sizeof(regs[0]) <= HAL_FAULT_MAX_REGS, "too many registers");
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		fault.regs[fault.nregs++] = regs[i];
	core_fault(&fault);
}
