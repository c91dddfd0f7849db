/* SPDX-License-Identifier: MIT */
/* vfs_boot.c: fs/'s start and end: the root filesystem (the initrd boot module, else the
 * image's built-in ROOTFS, else a ramfs), /tmp, the fs.mount= option's mounts, libc's
 * filesystem calls, and writing everything back on a clean exit. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <hal/boot.h>
#include <mote/cmdline.h>
#include <mote/fmt.h>
#include <mote/init.h>
#include <mote/log.h>

#include "vfs_internal.h"

#define VFS_BOOT_MOUNTS_MAX 16

struct boot_mount {
	char device[32];
	char path[256];
	unsigned flags;
};

static struct boot_mount boot_mounts[VFS_BOOT_MOUNTS_MAX];
static unsigned nboot_mounts;

/* The built-in root packed by add_unikernel(... ROOTFS dir): weak, absent in most images. */
extern const unsigned char mote_rootfs_start[] __attribute__((weak));
extern const unsigned char mote_rootfs_end[] __attribute__((weak));

/* fs.mount=DEVICE:PATH[:ro], repeatable. Checked here so a typo stops boot (status 121). */
static int set_mount(const char *value, char *err, size_t errlen)
{
	const char *colon, *path, *opt;
	struct boot_mount *m;
	size_t dlen, plen;

	if (!value || !*value) {
		fmt_snprintf(err, errlen, "fs.mount needs DEVICE:PATH[:ro]");
		return -EINVAL;
	}
	if (nboot_mounts == VFS_BOOT_MOUNTS_MAX) {
		fmt_snprintf(err, errlen, "fs.mount: more than %d mounts", VFS_BOOT_MOUNTS_MAX);
		return -EINVAL;
	}
	colon = strchr(value, ':');
	if (!colon || colon == value) {
		fmt_snprintf(err, errlen, "fs.mount=%s: expected DEVICE:PATH[:ro]", value);
		return -EINVAL;
	}
	dlen = (size_t)(colon - value);
	path = colon + 1;
	opt = strchr(path, ':');
	plen = opt ? (size_t)(opt - path) : strlen(path);
	m = &boot_mounts[nboot_mounts];
	if (dlen >= sizeof(m->device)) {
		fmt_snprintf(err, errlen, "fs.mount=%s: device name too long", value);
		return -EINVAL;
	}
	if (plen == 0 || path[0] != '/' || plen >= sizeof(m->path)) {
		fmt_snprintf(err, errlen, "fs.mount=%s: PATH must be absolute (at most %zu bytes)", value,
		             sizeof(m->path) - 1);
		return -EINVAL;
	}
	if (opt && strcmp(opt, ":ro") != 0) {
		fmt_snprintf(err, errlen, "fs.mount=%s: the only option is \":ro\"", value);
		return -EINVAL;
	}
	memcpy(m->device, value, dlen);
	m->device[dlen] = '\0';
	memcpy(m->path, path, plen);
	m->path[plen] = '\0';
	m->flags = opt ? VFS_MOUNT_RDONLY : 0;
	nboot_mounts++;
	return 0;
}
CMDLINE_OPTION(fs_mount, "fs.mount", set_mount, "mount a block device: fs.mount=blk0:/data[:ro]");

/* A cpio "newc" archive starts with its magic; anything else is not an initrd for us. */
static bool is_cpio(const void *data, size_t len)
{
	return len >= 6 && (memcmp(data, "070701", 6) == 0 || memcmp(data, "070702", 6) == 0);
}

static void mount_root(void)
{
	const struct hal_boot_module *mods;
	unsigned n = init_boot_modules(&mods);
	bool done = false;

	for (unsigned i = 0; i < n && !done; i++) {
		if (!is_cpio((const void *)mods[i].va, mods[i].len)) {
			log_warn("fs: boot module %u is not a cpio (newc) archive; not mounted", i);
			continue;
		}
		done = vfs_mount_memory((const void *)mods[i].va, mods[i].len, "/", "initrd",
		                        VFS_MOUNT_RDONLY) == 0;
	}
	if (!done && mote_rootfs_start) {
		size_t len = (size_t)((uintptr_t)mote_rootfs_end - (uintptr_t)mote_rootfs_start);

		done = vfs_mount_memory(mote_rootfs_start, len, "/", "initrd", VFS_MOUNT_RDONLY) == 0;
	}
	if (!done && vfs_mount_device("", "/", "ramfs", 0) < 0)
		log_err("fs: no root filesystem");
	if (vfs_mount_device("", "/tmp", "ramfs", 0) < 0)
		log_err("fs: no /tmp");
	vfs_libc_register();
}
INIT_HOOK(vfs_root, "fs root", INIT_LEVEL_ROOTFS, mount_root);

/* A mount that fails is reported (vfs_mount_device says why) and boot goes on. */
static void mount_boot_list(void)
{
	for (unsigned i = 0; i < nboot_mounts; i++)
		vfs_mount_device(boot_mounts[i].device, boot_mounts[i].path, NULL, boot_mounts[i].flags);
}
INIT_HOOK(vfs_mounts, "fs mounts", INIT_LEVEL_MOUNTS, mount_boot_list);

EXIT_HOOK(vfs_sync, "fs sync", EXIT_LEVEL_FILES, vfs_sync_all);
