/* SPDX-License-Identifier: MIT */
/* virtq.c: split virtqueues (virtio 1.2 §2.7). Pure logic over shared memory, also compiled
 * for the host unit tests and the fuzz target. */
#include <errno.h>
#include <string.h>

#include <virtio/virtq.h>

/* The device runs concurrently: order our writes to the rings against its reads (§2.7.13). */
#define virtq_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define virtq_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define virtq_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)

#define AVAIL_FLAGS 0
#define AVAIL_IDX   1
#define AVAIL_RING  2 /* then used_event at ring[size] */
#define USED_FLAGS  0
#define USED_IDX    1
#define USED_RING   2 /* in 16-bit words: elements are 8 bytes, avail_event after them */

static size_t align_up(size_t v, size_t a) { return (v + a - 1) & ~(a - 1); }

static size_t desc_bytes(uint16_t size) { return 16u * size; }
static size_t avail_bytes(uint16_t size) { return 6u + 2u * size; }
static size_t used_bytes(uint16_t size) { return 6u + 8u * size; }

/* Offsets of the parts: the legacy layout puts the used ring on a 4096 boundary (§2.7.2). */
static void layout(uint16_t size, bool legacy, size_t *avail_off, size_t *used_off, size_t *end)
{
	*avail_off = desc_bytes(size);
	*used_off = legacy ? align_up(*avail_off + avail_bytes(size), 4096)
	                   : align_up(*avail_off + avail_bytes(size), 4);
	*end = align_up(*used_off + used_bytes(size), 8);
}

/* tokens, in_len, chain_len and the free list: kept apart from the descriptors, which the
 * device can overwrite, so a hostile device cannot corrupt the driver's own state. */
static size_t bookkeeping_bytes(uint16_t size) { return size * (sizeof(void *) + 4u + 2u + 2u); }

size_t virtq_mem_size(uint16_t size, bool legacy)
{
	size_t a, u, end;

	layout(size, legacy, &a, &u, &end);
	return end + bookkeeping_bytes(size);
}

int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *mem, uint64_t mem_pa, bool legacy,
               bool event_idx)
{
	size_t a, u, end;

	if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)) != 0)
		return -EINVAL;
	layout(size, legacy, &a, &u, &end);
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->index = index;
	vq->event_idx = event_idx;
	vq->desc = mem;
	vq->avail = (volatile uint16_t *)((char *)mem + a);
	vq->used = (volatile uint16_t *)((char *)mem + u);
	vq->desc_pa = mem_pa;
	vq->avail_pa = mem_pa + a;
	vq->used_pa = mem_pa + u;
	vq->tokens = (void **)((char *)mem + end);
	vq->in_len = (uint32_t *)(vq->tokens + size);
	vq->chain_len = (uint16_t *)(vq->in_len + size);
	vq->free_next = vq->chain_len + size;
	for (uint16_t i = 0; i < size; i++) {
		vq->free_next[i] = (uint16_t)(i + 1);
		vq->tokens[i] = NULL;
	}
	vq->free_head = 0;
	vq->num_free = size;
	return 0;
}

int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n, void *token)
{
	uint32_t in = 0;
	bool seen_write = false;

	if (n == 0 || !token)
		return -EINVAL;
	for (unsigned i = 0; i < n; i++) {
		if (seen_write && !bufs[i].write)
			return -EINVAL; /* §2.7.4.2: readable descriptors precede writable ones */
		seen_write |= bufs[i].write;
		in += bufs[i].write ? bufs[i].len : 0;
	}
	if (n > vq->num_free)
		return -ENOSPC;
	uint16_t head = vq->free_head, d = head;

	for (unsigned i = 0; i < n; i++) {
		vq->desc[d].addr = bufs[i].addr;
		vq->desc[d].len = bufs[i].len;
		vq->desc[d].flags = (uint16_t)((bufs[i].write ? VIRTQ_DESC_F_WRITE : 0) |
		                               (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		vq->desc[d].next = vq->free_next[d];
		d = vq->free_next[d];
	}
	vq->free_head = d;
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->tokens[head] = token;
	vq->in_len[head] = in;
	vq->chain_len[head] = (uint16_t)n;
	vq->avail[AVAIL_RING + (vq->avail_idx & (vq->size - 1))] = head;
	vq->avail_idx++;
	return 0;
}

bool virtq_kick_prepare(struct virtq *vq)
{
	uint16_t old = vq->kicked_idx, now = vq->avail_idx;

	virtq_wmb(); /* descriptors and ring entries before the index (§2.7.13.2) */
	vq->avail[AVAIL_IDX] = now;
	vq->kicked_idx = now;
	virtq_mb(); /* the index before reading the device's suppression state (§2.7.13.4) */
	if (vq->event_idx) {
		uint16_t event = vq->used[USED_RING + 4u * vq->size]; /* avail_event */

		return virtq_need_event(event, now, old);
	}
	return !(vq->used[USED_FLAGS] & VIRTQ_USED_F_NO_NOTIFY);
}

int virtq_get_used(struct virtq *vq, void **token, uint32_t *len)
{
	uint16_t used_idx = vq->used[USED_IDX];

	if (used_idx == vq->last_used)
		return 0;
	/* More used than ever made available since last_used is impossible. */
	if ((uint16_t)(used_idx - vq->last_used) > (uint16_t)(vq->avail_idx - vq->last_used))
		return -EIO;
	virtq_rmb(); /* the index before the element it covers */
	volatile uint32_t *elem =
	        (volatile uint32_t *)(vq->used + USED_RING) + 2u * (vq->last_used & (vq->size - 1));
	uint32_t id = elem[0], written = elem[1];

	if (id >= vq->size || vq->tokens[id] == NULL || written > vq->in_len[id])
		return -EIO;
	*token = vq->tokens[id];
	*len = written;
	vq->tokens[id] = NULL;
	/* Back to the free list, through our private links, not the device-visible ones. */
	uint16_t d = (uint16_t)id, n = vq->chain_len[id];

	for (uint16_t i = 1; i < n; i++)
		d = vq->free_next[d];
	vq->free_next[d] = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free = (uint16_t)(vq->num_free + n);
	vq->last_used++;
	/* Disabled stays disabled however far the driver reads (a plain store: it is a hint). */
	if (vq->irq_off && vq->event_idx)
		vq->avail[AVAIL_RING + vq->size] = (uint16_t)(vq->last_used + 0x8000u);
	return 1;
}

bool virtq_enable_interrupts(struct virtq *vq)
{
	vq->irq_off = false;
	if (vq->event_idx)
		vq->avail[AVAIL_RING + vq->size] = vq->last_used; /* used_event */
	else
		vq->avail[AVAIL_FLAGS] = 0;
	virtq_mb(); /* publish before re-checking, or an entry added meanwhile goes unnoticed */
	return vq->used[USED_IDX] != vq->last_used;
}

void virtq_disable_interrupts(struct virtq *vq)
{
	/* With EVENT_IDX the flag is ignored (§2.7.10): the device interrupts when its used index
	 * passes used_event. Put that half the index space ahead of what was taken, the furthest
	 * from both the entries in flight (at most VIRTQ_SIZE_MAX) and those already signalled;
	 * virtq_get_used() keeps it there. */
	vq->irq_off = true;
	if (vq->event_idx)
		vq->avail[AVAIL_RING + vq->size] = (uint16_t)(vq->last_used + 0x8000u);
	else
		vq->avail[AVAIL_FLAGS] = VIRTQ_AVAIL_F_NO_INTERRUPT;
}
