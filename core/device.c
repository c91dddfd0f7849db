/* SPDX-License-Identifier: MIT */
/* device.c: boot-time device discovery: run every bus's probe (mote/device.h), and answer for
 * the device entries a VMM puts on the command line when the image has no driver for them. */
#include <mote/cmdline.h>
#include <mote/device.h>
#include <mote/log.h>

/* Weak: an image for a platform without any bus has no such section at all. */
extern const struct device_bus __start_mote_device_buses[] __attribute__((weak));
extern const struct device_bus __stop_mote_device_buses[] __attribute__((weak));

static unsigned unclaimed_mmio;

/* QEMU microvm and Firecracker list every virtio-mmio device they give the guest, whether or
 * not the image can drive it. The virtio-mmio transport (mote::devices) declares the option
 * for real; an image without it counts the entries here, unread, rather than stopping boot on
 * an option it does not know. */
static int unclaimed_mmio_device(const char *value, char *err, size_t errlen)
{
	(void)value, (void)err, (void)errlen;
	unclaimed_mmio++;
	return 0;
}
CMDLINE_OPTION_FALLBACK(virtio_mmio_device, "virtio_mmio.device", unclaimed_mmio_device,
                        "a virtio-mmio device, ignored: this image has no virtio driver");

void device_probe_all(void)
{
	/* Reported here rather than while parsing, so that mote.log= applies to it. */
	if (unclaimed_mmio)
		log_info("device: %u virtio-mmio device(s) on the command line ignored: the image "
		         "has no virtio driver (link mote::devices)",
		         unclaimed_mmio);
	for (const struct device_bus *b = __start_mote_device_buses; b < __stop_mote_device_buses; b++) {
		log_debug("device: probing %s", b->name);
		b->probe();
	}
}
