/* SPDX-License-Identifier: MIT */
/* xen_hypercall.h: calling Xen through the hypercall page it fills at boot (one 32-byte stub per
 * hypercall, entered with the arguments in rdi, rsi, rdx, r10, r8; the stub's syscall clobbers
 * rcx and r11). Typed wrappers for the hypercalls the platform uses. */
#ifndef XEN_HYPERCALL_H
#define XEN_HYPERCALL_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/vcpu.h>
#include <xen/callback.h>
#include <xen/physdev.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/version.h>

extern char xen_hypercall_page[4096];

#define XEN_HCALL_ADDR(nr) ((uintptr_t)xen_hypercall_page + (nr)*32)

static inline long xen_hypercall5(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                                  unsigned long a4, unsigned long a5)
{
	register unsigned long r10 __asm__("r10") = a4;
	register unsigned long r8 __asm__("r8") = a5;
	long ret;

	__asm__ volatile("call *%[entry]"
	                 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
	                 : [entry] "r"(XEN_HCALL_ADDR(nr))
	                 : "rcx", "r11", "memory");
	return ret;
}

static inline long xen_hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
	return xen_hypercall5(nr, a1, a2, 0, 0, 0);
}

static inline long xen_hypercall3(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3)
{
	return xen_hypercall5(nr, a1, a2, a3, 0, 0);
}

static inline long xen_hypercall4(unsigned nr, unsigned long a1, unsigned long a2, unsigned long a3,
                                  unsigned long a4)
{
	return xen_hypercall5(nr, a1, a2, a3, a4, 0);
}

static inline long xen_sched_op(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_sched_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long xen_event_channel_op(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_event_channel_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long xen_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	return xen_hypercall3(__HYPERVISOR_vcpu_op, (unsigned long)cmd, vcpu, (unsigned long)arg);
}

static inline long xen_physdev_op(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_physdev_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long xen_callback_op(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_callback_op, (unsigned long)cmd, (unsigned long)arg);
}

static inline long xen_grant_table_op(int cmd, void *arg, unsigned count)
{
	return xen_hypercall3(__HYPERVISOR_grant_table_op, (unsigned long)cmd, (unsigned long)arg, count);
}

static inline long xen_console_io(int cmd, unsigned long len, const char *buf)
{
	return xen_hypercall3(__HYPERVISOR_console_io, (unsigned long)cmd, len, (unsigned long)buf);
}

static inline long xen_mmu_update(mmu_update_t *req, unsigned count)
{
	return xen_hypercall4(__HYPERVISOR_mmu_update, (unsigned long)req, count, 0, DOMID_SELF);
}

static inline long xen_mmuext_op(struct mmuext_op *op, unsigned count)
{
	return xen_hypercall4(__HYPERVISOR_mmuext_op, (unsigned long)op, count, 0, DOMID_SELF);
}

static inline long xen_update_va_mapping(uintptr_t va, uint64_t pte, unsigned long flags)
{
	return xen_hypercall3(__HYPERVISOR_update_va_mapping, va, pte, flags);
}

static inline long xen_set_segment_base(int which, uintptr_t base)
{
	return xen_hypercall2(__HYPERVISOR_set_segment_base, (unsigned long)which, base);
}

static inline long xen_set_trap_table(const struct trap_info *table)
{
	return xen_hypercall2(__HYPERVISOR_set_trap_table, (unsigned long)table, 0);
}

static inline long xen_fpu_taskswitch(int set) { return xen_hypercall2(__HYPERVISOR_fpu_taskswitch, set, 0); }

static inline long xen_xen_version(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_xen_version, (unsigned long)cmd, (unsigned long)arg);
}

static inline long xen_memory_op(int cmd, void *arg)
{
	return xen_hypercall2(__HYPERVISOR_memory_op, (unsigned long)cmd, (unsigned long)arg);
}

#endif
