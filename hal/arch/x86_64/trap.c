/* SPDX-License-Identifier: MIT */
/* trap.c: turns an x86_64 exception frame into core's architecture-neutral fault description:
 * the exception's name, its error code decoded, and every general register. */
#include <stddef.h>
#include <string.h>

#include <arch/trap.h>
#include <hal/fault.h>

/* The names one after another in vector order, each ended by its NUL: a fault walks to its
 * own, which costs nothing that matters and saves a table of 32 pointers (issue 15). */
static const char exception_names[] = "divide error\0"
                                      "debug\0"
                                      "non-maskable interrupt\0"
                                      "breakpoint\0"
                                      "overflow\0"
                                      "bound range exceeded\0"
                                      "invalid opcode\0"
                                      "device not available\0"
                                      "double fault\0"
                                      "coprocessor segment overrun\0"
                                      "invalid TSS\0"
                                      "segment not present\0"
                                      "stack-segment fault\0"
                                      "general protection fault\0"
                                      "page fault\0"
                                      "reserved (15)\0"
                                      "x87 floating-point error\0"
                                      "alignment check\0"
                                      "machine check\0"
                                      "SIMD floating-point error\0"
                                      "virtualization exception\0"
                                      "control protection exception\0"
                                      "reserved (22)\0"
                                      "reserved (23)\0"
                                      "reserved (24)\0"
                                      "reserved (25)\0"
                                      "reserved (26)\0"
                                      "reserved (27)\0"
                                      "hypervisor injection\0"
                                      "VMM communication\0"
                                      "security exception\0"
                                      "reserved (31)";

static const char *exception_name(unsigned vector)
{
	const char *s = exception_names;

	while (vector--)
		s += strlen(s) + 1;
	return s;
}

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
	fault.name = f->vector < 32 ? exception_name(f->vector) : "unexpected interrupt";
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
