/* SPDX-License-Identifier: MIT */
/* test_virtio_mmio_parse.c: virtio_mmio.device=SIZE@ADDR:IRQ[:ID] entries, as QEMU microvm and
 * Firecracker write them, and the malformed ones (drivers/virtio/virtio_mmio_parse.c); and
 * moving such entries from after "--" back among the options (core/cmdline_vmm.c). */
#include <errno.h>
#include <string.h>

#include <virtio/virtio_mmio.h>

#include "check.h"

void cmdline_hoist_vmm_options(char *line);

static int parse(const char *s, struct virtio_mmio_spec *o)
{
	char err[160];

	return virtio_mmio_parse(s, o, err, sizeof(err));
}

static void hoist(const char *in, const char *want)
{
	char line[256];

	strcpy(line, in);
	cmdline_hoist_vmm_options(line);
	CHECK_STR(line, want);
}

int main(void)
{
	struct virtio_mmio_spec o;
	char err[160];

	CHECK_EQ(parse("512@0xfeb00e00:12", &o), 0);
	CHECK_EQ(o.base, 0xfeb00e00);
	CHECK_EQ(o.size, 512);
	CHECK_EQ(o.irq, 12);
	CHECK_EQ(parse("4K@0xd0000000:5", &o), 0);
	CHECK_EQ(o.size, 4096);
	CHECK_EQ(parse("0x1000@3221225472:24:3", &o), 0); /* Firecracker style with an id */
	CHECK_EQ(o.base, 3221225472u);
	CHECK_EQ(o.irq, 24);
	CHECK_EQ(parse("1M@0x100000000:7", &o), 0);
	CHECK_EQ(o.base, 0x100000000ull);

	const char *bad[] = {"",
	                     "512",
	                     "512@",
	                     "512@0xfeb00000",
	                     "512@0xfeb00000:",
	                     "512@0xfeb00000:x",
	                     "512@zz:5",
	                     "@0x1000:5",
	                     "16@0x1000:5",
	                     "512@0x1002:5",
	                     "512@0xfeb00000:0",
	                     "512@0xfeb00000:256",
	                     "512@0xfeb00000:5:",
	                     "512@0xfeb00000:5:1x",
	                     "512@0xffffffffffffff00:5",
	                     "99999999999999999999@0:5",
	                     "512@0x1000:5 ",
	                     "0x@0:1"};

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		int r = virtio_mmio_parse(bad[i], &o, err, sizeof(err));

		CHECK_EQ(r, -EINVAL);
		CHECK(err[0] != '\0');
		if (r == 0)
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
	}
	CHECK_EQ(virtio_mmio_parse(NULL, &o, err, sizeof(err)), -EINVAL);

	/* QEMU microvm appends its entries after the application's arguments. */
	hoist("mote.log=debug -- a b virtio_mmio.device=512@0xfeb00e00:12 "
	      "virtio_mmio.device=512@0xfeb00c00:11",
	      "virtio_mmio.device=512@0xfeb00e00:12 virtio_mmio.device=512@0xfeb00c00:11 mote.log=debug -- a "
	      "b");
	hoist("-- virtio_mmio.device=512@0xfeb00e00:12", "virtio_mmio.device=512@0xfeb00e00:12 --");
	hoist("mote.log=debug virtio_mmio.device=512@0xfeb00e00:12",
	      "mote.log=debug virtio_mmio.device=512@0xfeb00e00:12");
	hoist("-- 'virtio_mmio.device=1 2'", "-- 'virtio_mmio.device=1 2'");
	hoist("-- a virtio_mmio.device=512@0x1:1;rm b", "-- a virtio_mmio.device=512@0x1:1;rm b");
	hoist("", "");
	hoist("a--b virtio_mmio.device=512@0x1:1", "a--b virtio_mmio.device=512@0x1:1");
	return check_report();
}
