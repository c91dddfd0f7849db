/* SPDX-License-Identifier: MIT */
/* fault.c: the diagnostic for a fatal CPU exception: what happened and where, the registers,
 * and a symbolized backtrace; a stack running into its guard page is named as such. */
#include <hal/cpu.h>
#include <hal/fault.h>
#include <hal/mem.h>
#include <hal/power.h>
#include <mote/backtrace.h>
#include <mote/ksym.h>
#include <mote/log.h>
#include <mote/sched_impl.h>
#include <mote/status.h>

static int in_fault;

static void print_where(uintptr_t pc)
{
	char name[KSYM_NAME_MAX];
	uintptr_t off;

	if (ksym_lookup(pc, name, sizeof(name), &off) == 0)
		kprintf(" at 0x%lx (%s+0x%lx)\n", (unsigned long)pc, name, (unsigned long)off);
	else
		kprintf(" at 0x%lx\n", (unsigned long)pc);
}

void core_fault(const struct hal_fault *f)
{
	uintptr_t lo, hi, tlo, thi;
	const char *thread;
	int status = MOTE_STATUS_FAULT;

	hal_irq_save();
	if (in_fault++) { /* faulted while reporting: keep it short and stop */
		kprintf("mote: %s while handling a fault\n", f->name);
		hal_crash(MOTE_STATUS_FAULT);
	}
	backtrace_stack_bounds(f->sp, &lo, &hi);
	sched_current_stack(&tlo, &thi, &thread);
	if (f->has_addr && f->addr < lo && f->addr >= lo - HAL_PAGE_SIZE) {
		kprintf("mote: fatal: stack overflow: the stack [0x%lx-0x%lx) of thread '%s' ran into its "
		        "guard page\n",
		        (unsigned long)lo, (unsigned long)hi, thread ? thread : "main");
		if (sched_current && sched_current->stack_asked)
			kprintf("mote: the thread asked for %zu KiB; mote.stack_max capped it at %zu KiB\n",
			        sched_current->stack_asked >> 10, (size_t)(hi - lo) >> 10);
		status = MOTE_STATUS_STACK_OVERFLOW;
	}
	kprintf("mote: fatal: %s (vector %u)", f->name, f->vector);
	print_where(f->pc);
	if (thread)
		kprintf("  in thread '%s'\n", thread);
	if (f->has_addr)
		kprintf("  address 0x%016lx%s%s\n", (unsigned long)f->addr, f->detail ? ": " : "",
		        f->detail ? f->detail : "");
	else if (f->detail)
		kprintf("  %s\n", f->detail);
	if (f->has_error_code)
		kprintf("  error code 0x%lx\n", (unsigned long)f->error_code);
	kprintf("registers:\n");
	for (unsigned i = 0; i < f->nregs; i++)
		kprintf("  %-6s 0x%016lx%s", f->regs[i].name, (unsigned long)f->regs[i].value,
		        (i % 4 == 3 || i + 1 == f->nregs) ? "\n" : "");
	backtrace_print(f->pc, f->sp, f->fp);
	kprintf("mote: stopping with status %d\n", status);
	hal_crash(status);
}
