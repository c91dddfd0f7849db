/* SPDX-License-Identifier: MIT */
/* virtio/virtq.h: split virtqueues (virtio 1.2 §2.7): the descriptor table, the driver's
 * (available) ring and the device's (used) ring, with event-index notification suppression
 * (§2.7.7, §2.7.10). The ring memory is shared with an untrusted device: everything read back
 * from it is checked before use. */
#ifndef VIRTIO_VIRTQ_H
#define VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_DESC_F_NEXT          1u
#define VIRTQ_DESC_F_WRITE         2u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY     1u
#define VIRTQ_SIZE_MAX             1024u /* the largest ring Mote sets up; devices may offer up to 32768 */

struct virtq_desc { /* §2.7.5 */
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtio 1.2 §2.7.5");

struct virtq_used_elem { /* §2.7.8 */
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtio 1.2 §2.7.8");

/* One buffer of a chain: bus address and length; `write` for device-writable ones. */
struct virtq_buf {
	uint64_t addr;
	uint32_t len;
	bool write;
};

struct virtq {
	uint16_t size;  /* a power of two */
	uint16_t index; /* the queue's number on its device */
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
	volatile struct virtq_desc *desc;
	volatile uint16_t *avail; /* flags, idx, ring[size], used_event */
	volatile uint16_t *used;  /* flags, idx, then elements, then avail_event */
	uint64_t desc_pa, avail_pa, used_pa;
	uint16_t free_head, num_free;
	uint16_t avail_idx;  /* our copy of avail->idx */
	uint16_t last_used;  /* the next used element to read */
	uint16_t kicked_idx; /* avail_idx at the last notification decision */
	bool irq_off;        /* virtq_disable_interrupts() called, not enabled since */
	void **tokens;       /* per head: the caller's token, NULL when not in flight */
	uint32_t *in_len;    /* per head: device-writable bytes of the chain */
	uint16_t *chain_len; /* per head: descriptors in the chain */
	uint16_t *free_next; /* the free descriptors' list, private to the driver */
	/* Transport's: where and what to write to notify the device (virtio_notify()). */
	volatile void *notify_addr;
	uint16_t notify_data;
};

/* Bytes of ring memory for a queue of `size`: with `legacy` the §2.7.2 legacy layout (used
 * ring on the next 4096-byte boundary, one contiguous block), else the three parts packed with
 * their §2.7 alignments. Includes the driver's per-head bookkeeping at the end. */
size_t virtq_mem_size(uint16_t size, bool legacy);

/* Lay out a queue of `size` (power of two, <= VIRTQ_SIZE_MAX) in zeroed memory `mem` of
 * virtq_mem_size() bytes whose bus address is `mem_pa`. Returns 0 or -EINVAL. */
int virtq_init(struct virtq *vq, uint16_t index, uint16_t size, void *mem, uint64_t mem_pa, bool legacy,
               bool event_idx);

/* Add a chain of `n` buffers (device-readable ones first) with `token` (non-NULL), returned
 * by virtq_get_used() when the device is done. Returns 0, -ENOSPC when too few descriptors are
 * free, -EINVAL for an empty chain or readable-after-writable buffers. Does not notify. */
int virtq_add(struct virtq *vq, const struct virtq_buf *bufs, unsigned n, void *token);

/* Publish added chains; true when the device must be notified (§2.7.10: its avail_event
 * with EVENT_IDX, else the NO_NOTIFY flag). */
bool virtq_kick_prepare(struct virtq *vq);

/* Take the next used chain: 1 with *token and *len (device-written bytes) set, 0 when none is
 * pending, -EIO when the device wrote something impossible (an id that is no chain head in
 * flight, a length beyond the chain's writable bytes, a used index that ran ahead of what was
 * made available); the queue must then be abandoned. */
int virtq_get_used(struct virtq *vq, void **token, uint32_t *len);

/* Ask for an interrupt at the next used chain (EVENT_IDX: used_event = last_used; else clear
 * NO_INTERRUPT). Returns true when chains are already pending, so the caller processes them
 * rather than waiting for an interrupt that may not come. */
bool virtq_enable_interrupts(struct virtq *vq);
/* Ask the device not to interrupt (a hint: it may still; with EVENT_IDX not before 32768 more
 * chains are used than the driver has taken). The caller then finds used chains by looking, or calls
 * virtq_enable_interrupts() before it waits. */
void virtq_disable_interrupts(struct virtq *vq);

/* The event-index test of §2.7.10: has `new_idx` moved past `event` since `old_idx`? */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
