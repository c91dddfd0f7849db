/* SPDX-License-Identifier: MIT */
/* backtrace.c: symbolized backtraces from the frame-pointer chain and the embedded symbols. */
#include <arch/backtrace.h>
#include <mote/backtrace.h>
#include <mote/ksym.h>
#include <mote/log.h>
#include <mote/sched_impl.h>

#define BACKTRACE_MAX 32

static uintptr_t boot_stack_lo, boot_stack_hi;

void backtrace_set_boot_stack(uintptr_t lo, uintptr_t hi)
{
	boot_stack_lo = lo;
	boot_stack_hi = hi;
}

void backtrace_stack_bounds(uintptr_t sp, uintptr_t *lo, uintptr_t *hi)
{
	const char *name;

	(void)sp;
	sched_current_stack(lo, hi, &name);
	if (*hi == 0) { /* before the scheduler starts */
		*lo = boot_stack_lo;
		*hi = boot_stack_hi;
	}
}

/* `lookup` is the address to resolve: a return address minus one, so a call that ends a
 * function is not attributed to the next one. */
static void print_frame(unsigned n, uintptr_t addr, uintptr_t lookup)
{
	char name[KSYM_NAME_MAX];
	uintptr_t off;

	if (ksym_lookup(lookup, name, sizeof(name), &off) == 0)
		kprintf("  #%-2u 0x%016lx %s+0x%lx\n", n, (unsigned long)addr, name,
		        (unsigned long)(off + (addr - lookup)));
	else
		kprintf("  #%-2u 0x%016lx ?\n", n, (unsigned long)addr);
}

void backtrace_print(uintptr_t pc, uintptr_t sp, uintptr_t fp)
{
	uintptr_t pcs[BACKTRACE_MAX], lo, hi;
	unsigned n = 0;

	kprintf("backtrace:\n");
	backtrace_stack_bounds(fp, &lo, &hi);
	if (pc) {
		char name[KSYM_NAME_MAX];
		uintptr_t off, caller;

		print_frame(n++, pc, pc);
		caller = arch_frameless_caller(
		        pc, ksym_lookup(pc, name, sizeof(name), &off) == 0 ? pc - off : 0, sp, lo, hi);
		if (caller)
			print_frame(n++, caller, caller - 1);
	}
	size_t count = arch_backtrace(fp, lo, hi, pcs, BACKTRACE_MAX);

	for (size_t i = 0; i < count; i++) {
		size_t same = 1;

		while (i + same < count && pcs[i + same] == pcs[i])
			same++;
		print_frame(n++, pcs[i], pcs[i] - 1);
		if (same > 2) {
			kprintf("  ... the same frame %zu more times\n", same - 1);
			n += (unsigned)(same - 1);
			i += same - 1;
		}
	}
	if (count == BACKTRACE_MAX)
		kprintf("  ... (more frames)\n");
}
