/* SPDX-License-Identifier: MIT */
/* virtio_mmio.c: the virtio-mmio transport (virtio 1.2 §4.2), version 2 and the legacy
 * version 1 (§4.2.4), for the devices named by virtio_mmio.device= on the command line. */
#include <errno.h>

#include <hal/irq.h>
#include <hal/mem.h>
#include <mote/cmdline.h>
#include <mote/device.h>
#include <mote/fmt.h>
#include <mote/log.h>
#include <mote/mm.h>
#include <virtio/virtio.h>
#include <virtio/virtio_mmio.h>

/* Registers, §4.2.2 (and §4.2.4 for the legacy ones). */
#define MMIO_MAGIC         0x000
#define MMIO_VERSION       0x004
#define MMIO_DEVICE_ID     0x008
#define MMIO_DEV_FEATURES  0x010
#define MMIO_DEV_FEAT_SEL  0x014
#define MMIO_DRV_FEATURES  0x020
#define MMIO_DRV_FEAT_SEL  0x024
#define MMIO_GUEST_PAGE    0x028 /* legacy */
#define MMIO_QUEUE_SEL     0x030
#define MMIO_QUEUE_NUM_MAX 0x034
#define MMIO_QUEUE_NUM     0x038
#define MMIO_QUEUE_ALIGN   0x03c /* legacy */
#define MMIO_QUEUE_PFN     0x040 /* legacy */
#define MMIO_QUEUE_READY   0x044
#define MMIO_QUEUE_NOTIFY  0x050
#define MMIO_INT_STATUS    0x060
#define MMIO_INT_ACK       0x064
#define MMIO_STATUS        0x070
#define MMIO_QUEUE_DESC    0x080
#define MMIO_QUEUE_DRIVER  0x090
#define MMIO_QUEUE_DEVICE  0x0a0
#define MMIO_CONFIG_GEN    0x0fc
#define MMIO_CONFIG        0x100
#define MMIO_MAGIC_VALUE   0x74726976u /* "virt" */
#define MMIO_INT_VRING     0x1u
#define MMIO_INT_CONFIG    0x2u
#define LEGACY_PAGE        4096u

struct virtio_mmio {
	struct virtio_dev vdev;
	volatile uint8_t *regs;
	uint64_t size;
	unsigned irq;
};

static struct virtio_mmio_spec specs[VIRTIO_MMIO_DEVICES_MAX];
static unsigned nspecs;

static int set_device(const char *value, char *err, size_t errlen)
{
	if (nspecs == VIRTIO_MMIO_DEVICES_MAX) {
		fmt_snprintf(err, errlen, "more than %d devices", VIRTIO_MMIO_DEVICES_MAX);
		return -E2BIG;
	}
	int e = virtio_mmio_parse(value, &specs[nspecs], err, errlen);

	if (e == 0)
		nspecs++;
	return e;
}
CMDLINE_OPTION(virtio_mmio_device, "virtio_mmio.device", set_device,
               "a virtio-mmio device: SIZE@ADDR:IRQ (may be repeated)");

static struct virtio_mmio *vm_of(struct virtio_dev *dev) { return dev->transport; }
static uint32_t rd(struct virtio_mmio *vm, unsigned off) { return *(volatile uint32_t *)(vm->regs + off); }
static void wr(struct virtio_mmio *vm, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(vm->regs + off) = v;
}

static uint8_t get_status(struct virtio_dev *dev) { return (uint8_t)rd(vm_of(dev), MMIO_STATUS); }
static void set_status(struct virtio_dev *dev, uint8_t s) { wr(vm_of(dev), MMIO_STATUS, s); }

static uint64_t get_features(struct virtio_dev *dev)
{
	struct virtio_mmio *vm = vm_of(dev);

	wr(vm, MMIO_DEV_FEAT_SEL, 0);
	uint64_t lo = rd(vm, MMIO_DEV_FEATURES);

	if (dev->legacy)
		return lo;
	wr(vm, MMIO_DEV_FEAT_SEL, 1);
	return lo | (uint64_t)rd(vm, MMIO_DEV_FEATURES) << 32;
}

static void set_features(struct virtio_dev *dev, uint64_t f)
{
	struct virtio_mmio *vm = vm_of(dev);

	wr(vm, MMIO_DRV_FEAT_SEL, 0);
	wr(vm, MMIO_DRV_FEATURES, (uint32_t)f);
	wr(vm, MMIO_DRV_FEAT_SEL, 1);
	wr(vm, MMIO_DRV_FEATURES, (uint32_t)(f >> 32));
}

static int config_read(struct virtio_dev *dev, unsigned off, void *buf, size_t len)
{
	struct virtio_mmio *vm = vm_of(dev);
	uint64_t cfg_len = vm->size - MMIO_CONFIG;

	if (off > cfg_len || len > cfg_len - off)
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		((uint8_t *)buf)[i] = vm->regs[MMIO_CONFIG + off + i];
	return 0;
}

static uint32_t config_generation(struct virtio_dev *dev)
{
	return dev->legacy ? 0 : rd(vm_of(dev), MMIO_CONFIG_GEN);
}

static uint16_t queue_max(struct virtio_dev *dev, unsigned index)
{
	struct virtio_mmio *vm = vm_of(dev);

	wr(vm, MMIO_QUEUE_SEL, index);
	uint32_t max = rd(vm, MMIO_QUEUE_NUM_MAX);

	return max > 0x8000 ? 0x8000 : (uint16_t)max; /* §2.7: at most 32768 */
}

static int queue_enable(struct virtio_dev *dev, struct virtq *vq)
{
	struct virtio_mmio *vm = vm_of(dev);

	wr(vm, MMIO_QUEUE_SEL, vq->index);
	wr(vm, MMIO_QUEUE_NUM, vq->size);
	vq->notify_data = vq->index;
	if (dev->legacy) {
		if (vq->desc_pa / LEGACY_PAGE > UINT32_MAX) {
			log_err("virtio: %s: ring out of a legacy device's reach", dev->where);
			return -EIO;
		}
		/* §4.2.4: the page size the PFN counts in; a reset may forget it, so every time. */
		wr(vm, MMIO_GUEST_PAGE, LEGACY_PAGE);
		wr(vm, MMIO_QUEUE_ALIGN, LEGACY_PAGE);
		wr(vm, MMIO_QUEUE_PFN, (uint32_t)(vq->desc_pa / LEGACY_PAGE));
		return 0;
	}
	wr(vm, MMIO_QUEUE_DESC, (uint32_t)vq->desc_pa);
	wr(vm, MMIO_QUEUE_DESC + 4, (uint32_t)(vq->desc_pa >> 32));
	wr(vm, MMIO_QUEUE_DRIVER, (uint32_t)vq->avail_pa);
	wr(vm, MMIO_QUEUE_DRIVER + 4, (uint32_t)(vq->avail_pa >> 32));
	wr(vm, MMIO_QUEUE_DEVICE, (uint32_t)vq->used_pa);
	wr(vm, MMIO_QUEUE_DEVICE + 4, (uint32_t)(vq->used_pa >> 32));
	wr(vm, MMIO_QUEUE_READY, 1);
	return 0;
}

static void notify(struct virtio_dev *dev, struct virtq *vq)
{
	wr(vm_of(dev), MMIO_QUEUE_NOTIFY, vq->notify_data);
}

static void mmio_interrupt(void *arg)
{
	struct virtio_mmio *vm = arg;
	uint32_t status = rd(vm, MMIO_INT_STATUS);

	if (status == 0)
		return; /* a shared line: someone else's */
	wr(vm, MMIO_INT_ACK, status);
	virtio_interrupt(&vm->vdev, status & MMIO_INT_VRING, status & MMIO_INT_CONFIG);
}

static int setup_irq(struct virtio_dev *dev)
{
	struct virtio_mmio *vm = vm_of(dev);
	/* Level-triggered: the line stays up until InterruptACK, and an edge configuration
	 * would miss an event that arrives while it is still up. */
	int irq = hal_irq_attach_line(vm->irq, HAL_IRQ_LEVEL, mmio_interrupt, vm);

	return irq < 0 ? irq : 0;
}

static const struct virtio_transport_ops mmio_ops = {
        .get_status = get_status,
        .set_status = set_status,
        .get_features = get_features,
        .set_features = set_features,
        .config_read = config_read,
        .config_generation = config_generation,
        .queue_max = queue_max,
        .queue_enable = queue_enable,
        .notify = notify,
        .setup_irq = setup_irq,
};

static void probe_one(const struct virtio_mmio_spec *s)
{
	volatile uint8_t *regs = hal_mem_map_io(s->base, s->size);

	if (!regs) {
		log_err("virtio: mmio %#llx: cannot map %llu bytes", (unsigned long long)s->base,
		        (unsigned long long)s->size);
		return;
	}
	uint32_t magic = *(volatile uint32_t *)(regs + MMIO_MAGIC);
	uint32_t version = *(volatile uint32_t *)(regs + MMIO_VERSION);
	uint32_t id = *(volatile uint32_t *)(regs + MMIO_DEVICE_ID);

	if (magic != MMIO_MAGIC_VALUE || (version != 1 && version != 2)) {
		log_err("virtio: mmio %#llx: no virtio-mmio device (magic %#x, version %u)",
		        (unsigned long long)s->base, magic, version);
		return;
	}
	if (id == 0)
		return; /* §4.2.2: a transport with no device behind it */
	if (id > 0xffff) {
		log_err("virtio: mmio %#llx: device id %#x out of range", (unsigned long long)s->base, id);
		return;
	}
	struct virtio_mmio *vm = mm_alloc_pages(0);

	_Static_assert(sizeof(struct virtio_mmio) <= 4096, "one page");
	if (!vm) {
		log_err("virtio: mmio %#llx: out of memory", (unsigned long long)s->base);
		return;
	}
	vm->regs = regs;
	vm->size = s->size;
	vm->irq = s->irq;
	vm->vdev.ops = &mmio_ops;
	vm->vdev.transport = vm;
	vm->vdev.device_id = (uint16_t)id;
	vm->vdev.legacy = version == 1;
	fmt_snprintf(vm->vdev.where, sizeof(vm->vdev.where), "mmio %#llx", (unsigned long long)s->base);
	/* vm is never freed: its interrupt handler may hold it. */
	virtio_attach(&vm->vdev);
}

static void virtio_mmio_probe(void)
{
	for (unsigned i = 0; i < nspecs; i++)
		probe_one(&specs[i]);
}
DEVICE_BUS(virtio_mmio, "virtio-mmio", virtio_mmio_probe);
