/* SPDX-License-Identifier: MIT */
/* hal/fault.h: how the platform and arch code hand a CPU exception to core, which prints the
 * diagnostic (registers, faulting address, symbolized backtrace) and stops the machine. */
#ifndef HAL_FAULT_H
#define HAL_FAULT_H

#include <stdint.h>

#define HAL_FAULT_MAX_REGS 24

struct hal_fault_reg {
	const char *name;
	uint64_t value;
};

/* A fatal exception described without any architecture knowledge on core's side. */
struct hal_fault {
	const char *name; /* "page fault", "general protection fault", ... */
	unsigned vector;  /* the architecture's exception number */
	uint64_t error_code;
	int has_error_code;
	int has_addr; /* addr is meaningful (the faulting data or code address) */
	uintptr_t addr;
	const char *detail;   /* e.g. "write to a non-present page", or NULL */
	uintptr_t pc, sp, fp; /* where it happened, for the backtrace */
	unsigned nregs;
	struct hal_fault_reg regs[HAL_FAULT_MAX_REGS];
};

/* Core's handler for fatal exceptions: prints the diagnostic and calls hal_crash(). Called by
 * the platform on an exception stack, interrupts off. Never returns. */
void core_fault(const struct hal_fault *fault) __attribute__((noreturn));

/* Core's supplier of RAM for a page reserved with hal_mem_reserve() that was just touched:
 * the direct-map address of a zeroed page for the platform to map at `va`. When no RAM is left
 * core says which thread's stack ran out and stops the machine: it does not return then.
 * Called by the platform's page-fault handler on an exception stack of its own, interrupts
 * off; the interrupted code may be anywhere except inside core's page allocator (mm.c keeps
 * its stack committed while it holds the allocator). */
uintptr_t core_commit_page(uintptr_t va);

#endif
