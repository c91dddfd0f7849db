/* SPDX-License-Identifier: MIT */
/* test_virtq.c: split virtqueues (drivers/virtio/virtq.c) against a simulated device that
 * plays its side of the rings by the virtio 1.2 §2.7 rules: descriptor chains and the free
 * list, index wrap-around past 65535, event-index notification suppression, and the checks
 * on what a device writes back. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <virtio/virtq.h>

#include "check.h"

/* The device's view of the same memory. */
static uint16_t *avail_of(struct virtq *vq) { return (uint16_t *)vq->avail; }
static uint16_t *used_of(struct virtq *vq) { return (uint16_t *)vq->used; }
static uint16_t dev_avail_idx(struct virtq *vq) { return avail_of(vq)[1]; }
static uint16_t dev_avail_ring(struct virtq *vq, uint16_t i)
{
	return avail_of(vq)[2 + (i & (vq->size - 1))];
}
static uint16_t dev_used_event(struct virtq *vq) { return avail_of(vq)[2 + vq->size]; }
static void dev_set_avail_event(struct virtq *vq, uint16_t v) { used_of(vq)[2 + 4 * vq->size] = v; }

static void dev_push_used(struct virtq *vq, uint16_t *used_idx, uint32_t id, uint32_t len)
{
	uint32_t *elem = (uint32_t *)(used_of(vq) + 2) + 2 * (*used_idx & (vq->size - 1));

	elem[0] = id;
	elem[1] = len;
	(*used_idx)++;
	used_of(vq)[1] = *used_idx;
}

static struct virtq *make(uint16_t size, bool legacy, bool event_idx, void **mem_out)
{
	size_t bytes = virtq_mem_size(size, legacy);
	void *mem = aligned_alloc(4096, (bytes + 4095) & ~(size_t)4095);
	struct virtq *vq = calloc(1, sizeof(*vq));

	memset(mem, 0, bytes);
	CHECK_EQ(virtq_init(vq, 0, size, mem, (uintptr_t)mem, legacy, event_idx), 0);
	*mem_out = mem;
	return vq;
}

static void test_layout(void)
{
	void *mem;
	struct virtq *vq = make(256, true, false, &mem);

	/* §2.7.2 legacy: descriptors, then the available ring, the used ring on a page. */
	CHECK_EQ(vq->avail_pa - vq->desc_pa, 16 * 256);
	CHECK_EQ(vq->used_pa % 4096, 0);
	CHECK_EQ(vq->used_pa - vq->desc_pa, 8192);
	free(vq);
	free(mem);
	vq = make(8, false, false, &mem);
	CHECK_EQ(vq->avail_pa - vq->desc_pa, 128);
	CHECK_EQ(vq->used_pa % 4, 0);
	CHECK(vq->used_pa >= vq->avail_pa + 6 + 2 * 8);
	free(vq);
	free(mem);
	struct virtq bad;

	CHECK_EQ(virtq_init(&bad, 0, 12, mem, 0, false, false), -EINVAL); /* not a power of two */
	CHECK_EQ(virtq_init(&bad, 0, 0, mem, 0, false, false), -EINVAL);
	CHECK_EQ(virtq_init(&bad, 0, 2048, mem, 0, false, false), -EINVAL);
}

static void test_chains(void)
{
	void *mem;
	struct virtq *vq = make(8, false, false, &mem);
	int tok[8];
	struct virtq_buf three[3] = {{0x1000, 10, false}, {0x2000, 100, true}, {0x3000, 50, true}};
	struct virtq_buf bad_order[2] = {{0x1000, 10, true}, {0x2000, 10, false}};

	CHECK_EQ(virtq_add(vq, bad_order, 2, &tok[0]), -EINVAL);
	CHECK_EQ(virtq_add(vq, three, 0, &tok[0]), -EINVAL);
	CHECK_EQ(virtq_add(vq, three, 3, NULL), -EINVAL);
	CHECK_EQ(virtq_add(vq, three, 3, &tok[0]), 0);
	CHECK_EQ(vq->num_free, 5);
	/* The chain as the device walks it: flags and next links. */
	uint16_t head = dev_avail_ring(vq, 0);

	CHECK_EQ(vq->desc[head].addr, 0x1000);
	CHECK_EQ(vq->desc[head].flags, VIRTQ_DESC_F_NEXT);
	uint16_t d1 = vq->desc[head].next;

	CHECK_EQ(vq->desc[d1].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
	uint16_t d2 = vq->desc[d1].next;

	CHECK_EQ(vq->desc[d2].flags, VIRTQ_DESC_F_WRITE);
	CHECK_EQ(vq->desc[d2].len, 50);
	CHECK_EQ(virtq_add(vq, three, 3, &tok[1]), 0);
	CHECK_EQ(virtq_add(vq, three, 3, &tok[2]), -ENOSPC); /* 2 left */
	CHECK(virtq_kick_prepare(vq));
	CHECK_EQ(dev_avail_idx(vq), 2);

	/* Complete out of order: the second chain first. */
	uint16_t used = 0;
	void *t;
	uint32_t len;

	CHECK_EQ(virtq_get_used(vq, &t, &len), 0);
	dev_push_used(vq, &used, dev_avail_ring(vq, 1), 150);
	CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
	CHECK(t == &tok[1]);
	CHECK_EQ(len, 150);
	CHECK_EQ(vq->num_free, 5);
	dev_push_used(vq, &used, head, 0);
	CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
	CHECK(t == &tok[0]);
	CHECK_EQ(vq->num_free, 8);
	/* Every descriptor is reusable: eight one-buffer chains fit. */
	for (int i = 0; i < 8; i++)
		CHECK_EQ(virtq_add(vq, three, 1, &tok[i]), 0);
	CHECK_EQ(virtq_add(vq, three, 1, &tok[0]), -ENOSPC);
	free(vq);
	free(mem);
}

static void test_bad_used(void)
{
	void *mem;
	struct virtq *vq = make(8, false, false, &mem);
	int tok;
	struct virtq_buf b = {0x1000, 64, true};
	uint16_t used = 0;
	void *t;
	uint32_t len;

	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	virtq_kick_prepare(vq);
	uint16_t head = dev_avail_ring(vq, 0);

	/* An id past the ring, an id not in flight, a length beyond the buffer. */
	dev_push_used(vq, &used, 8, 1);
	CHECK_EQ(virtq_get_used(vq, &t, &len), -EIO);
	used = 0;
	dev_push_used(vq, &used, (uint16_t)(head + 1) % 8, 1);
	CHECK_EQ(virtq_get_used(vq, &t, &len), -EIO);
	used = 0;
	dev_push_used(vq, &used, head, 65);
	CHECK_EQ(virtq_get_used(vq, &t, &len), -EIO);
	/* A used index that runs ahead of what was made available. */
	used = 0;
	dev_push_used(vq, &used, head, 64);
	used_of(vq)[1] = 2;
	CHECK_EQ(virtq_get_used(vq, &t, &len), -EIO);
	used_of(vq)[1] = 1;
	CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
	/* The same id twice: no longer in flight. */
	dev_push_used(vq, &used, head, 64);
	CHECK_EQ(virtq_get_used(vq, &t, &len), -EIO);
	free(vq);
	free(mem);
}

/* Run the indices past 65535 with event-index suppression, the device asking to be notified
 * at every other chain and the driver at every third. */
static void test_wrap_event_idx(void)
{
	void *mem;
	struct virtq *vq = make(4, false, true, &mem);
	int tok;
	struct virtq_buf b = {0x1000, 16, true};
	uint16_t used = 0;
	unsigned kicks = 0, rounds = 70000;

	for (unsigned i = 0; i < rounds; i++) {
		uint16_t before = dev_avail_idx(vq);

		dev_set_avail_event(vq, (uint16_t)(i & ~1u)); /* notify when chain i&~1 is added */
		CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
		bool kick = virtq_kick_prepare(vq);

		/* §2.7.10: notify iff avail_event lies in [before, new). */
		CHECK_EQ(kick, virtq_need_event((uint16_t)(i & ~1u), dev_avail_idx(vq), before));
		kicks += kick;
		dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)i), 16);
		void *t;
		uint32_t len;

		CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
		CHECK_EQ(virtq_get_used(vq, &t, &len), 0);
		CHECK_EQ(virtq_enable_interrupts(vq), false);
		CHECK_EQ(dev_used_event(vq), (uint16_t)(i + 1));
	}
	CHECK_EQ(kicks, rounds / 2);
	CHECK_EQ(dev_avail_idx(vq), (uint16_t)rounds);
	/* A chain used between the driver's last look and enabling interrupts is reported. */
	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	virtq_kick_prepare(vq);
	dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)rounds), 1);
	CHECK_EQ(virtq_enable_interrupts(vq), true);
	free(vq);
	free(mem);
}

static void test_need_event(void)
{
	/* The §2.7.10 formula, including wrap-around. */
	CHECK(virtq_need_event(0, 1, 0));
	CHECK(!virtq_need_event(1, 1, 0));
	CHECK(virtq_need_event(5, 10, 3));
	CHECK(!virtq_need_event(10, 10, 3));
	CHECK(!virtq_need_event(2, 10, 3));
	CHECK(virtq_need_event(65535, 2, 65534));
	CHECK(virtq_need_event(0, 2, 65534));
	CHECK(!virtq_need_event(2, 2, 65534));
}

/* The device's interrupt decision with EVENT_IDX (§2.7.10), as QEMU makes it: notify when the
 * used index moved past used_event since the last decision. */
static bool dev_should_interrupt(struct virtq *vq, uint16_t *signalled, uint16_t used_idx)
{
	bool irq = virtq_need_event(dev_used_event(vq), used_idx, *signalled);

	*signalled = used_idx;
	return irq;
}

/* Transmit-style use: interrupts disabled, completions taken lazily, indices across 65535.
 * Disabled, no completion may interrupt; enabled again, the very next one must. */
static void test_disable_event_idx(void)
{
	void *mem;
	struct virtq *vq = make(8, false, true, &mem);
	int tok;
	struct virtq_buf b = {0x1000, 16, false};
	uint16_t used = 0, signalled = 0;
	void *t;
	uint32_t len;

	/* Bring both indices to 65530, a few steps before they wrap. */
	for (unsigned i = 0; i < 65530; i++) {
		CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
		dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)i), 0);
		CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
	}
	signalled = used;
	virtq_disable_interrupts(vq);
	unsigned irqs = 0, taken = 0;

	for (unsigned i = 65530; i < 65530 + 40000; i++) {
		CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
		virtq_kick_prepare(vq);
		dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)i), 0);
		irqs += dev_should_interrupt(vq, &signalled, used);
		if (i % 8 == 7) /* the driver looks only now and then, as transmit does */
			while (virtq_get_used(vq, &t, &len) == 1)
				taken++;
	}
	while (virtq_get_used(vq, &t, &len) == 1)
		taken++;
	CHECK_EQ(irqs, 0u);
	CHECK_EQ(taken, 40000u);
	/* Re-enabled with nothing pending: no work now, an interrupt at the next completion. */
	CHECK_EQ(virtq_enable_interrupts(vq), false);
	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	virtq_kick_prepare(vq);
	dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)(65530 + 40000)), 0);
	CHECK(dev_should_interrupt(vq, &signalled, used));
	/* Enabled while a completion is already there: reported, so the caller need not wait. */
	CHECK_EQ(virtq_get_used(vq, &t, &len), 1);
	virtq_disable_interrupts(vq);
	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	virtq_kick_prepare(vq);
	dev_push_used(vq, &used, dev_avail_ring(vq, (uint16_t)(65530 + 40001)), 0);
	CHECK(!dev_should_interrupt(vq, &signalled, used));
	CHECK_EQ(virtq_enable_interrupts(vq), true);
	free(vq);
	free(mem);
}

static void test_no_event_idx(void)
{
	void *mem;
	struct virtq *vq = make(4, false, false, &mem);
	int tok;
	struct virtq_buf b = {0x1000, 16, false};

	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	CHECK(virtq_kick_prepare(vq));
	used_of(vq)[0] = VIRTQ_USED_F_NO_NOTIFY;
	CHECK_EQ(virtq_add(vq, &b, 1, &tok), 0);
	CHECK(!virtq_kick_prepare(vq));
	virtq_disable_interrupts(vq);
	CHECK_EQ(avail_of(vq)[0], VIRTQ_AVAIL_F_NO_INTERRUPT);
	CHECK(!virtq_enable_interrupts(vq));
	CHECK_EQ(avail_of(vq)[0], 0);
	free(vq);
	free(mem);
}

int main(void)
{
	test_layout();
	test_chains();
	test_bad_used();
	test_need_event();
	test_wrap_event_idx();
	test_disable_event_idx();
	test_no_event_idx();
	return check_report();
}
