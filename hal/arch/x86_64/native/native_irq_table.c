/* SPDX-License-Identifier: MIT */
/* native_irq_table.c: which device vector belongs to whom. Vectors are handed out once and
 * never freed: devices are probed at boot and stay for its duration. */
#include <errno.h>
#include <stddef.h>

#include <arch/native.h>
#include <arch/native_irq.h>
#include <hal/cpu.h>

#define NVECTORS (NATIVE_IRQ_VECTOR_LAST - NATIVE_IRQ_VECTOR_FIRST + 1)

struct vector_slot {
	bool used;
	unsigned nhandlers;
	struct {
		hal_irq_handler_fn fn;
		void *arg;
	} handlers[NATIVE_IRQ_HANDLERS];
};

static struct vector_slot vectors[NVECTORS];

int native_irq_alloc_vector(void)
{
	hal_irq_state_t s = hal_irq_save();

	for (unsigned i = 0; i < NVECTORS; i++) {
		if (vectors[i].used)
			continue;
		vectors[i].used = true;
		hal_irq_restore(s);
		native_route_irq(NATIVE_IRQ_VECTOR_FIRST + i);
		return (int)(NATIVE_IRQ_VECTOR_FIRST + i);
	}
	hal_irq_restore(s);
	return -ENOSPC;
}

int native_irq_add_handler(unsigned vector, hal_irq_handler_fn fn, void *arg)
{
	if (vector < NATIVE_IRQ_VECTOR_FIRST || vector > NATIVE_IRQ_VECTOR_LAST || !fn)
		return -EINVAL;
	struct vector_slot *v = &vectors[vector - NATIVE_IRQ_VECTOR_FIRST];
	hal_irq_state_t s = hal_irq_save();
	int err = -ENOSPC;

	if (v->used && v->nhandlers < NATIVE_IRQ_HANDLERS) {
		/* The argument first: an interrupt on this vector may run the handler as soon as
		 * nhandlers counts it (interrupts are off here, but keep the order honest). */
		v->handlers[v->nhandlers].arg = arg;
		v->handlers[v->nhandlers].fn = fn;
		v->nhandlers++;
		err = 0;
	}
	hal_irq_restore(s);
	return err;
}

int native_irq_dispatch(unsigned vector)
{
	if (vector < NATIVE_IRQ_VECTOR_FIRST || vector > NATIVE_IRQ_VECTOR_LAST)
		return -ENOENT;
	struct vector_slot *v = &vectors[vector - NATIVE_IRQ_VECTOR_FIRST];

	if (!v->used)
		return -ENOENT;
	for (unsigned i = 0; i < v->nhandlers; i++)
		v->handlers[i].fn(v->handlers[i].arg);
	return (int)v->nhandlers;
}

void native_irq_msi_msg(unsigned vector, unsigned apic_id, struct hal_irq_msg *msg)
{
	/* Address 0xfee00000 with the destination APIC ID in bits 19:12, physical mode, no
	 * redirection hint; data: the vector, fixed delivery, edge. */
	msg->addr = 0xfee00000ull | ((uint64_t)(apic_id & 0xff) << 12);
	msg->data = vector & 0xff;
}
