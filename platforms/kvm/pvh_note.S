/* SPDX-License-Identifier: MIT */
/* pvh_note.S: the ELF note that makes QEMU's -kernel (and Firecracker, cloud-hypervisor) boot
 * this image through PVH: XEN_ELFNOTE_PHYS32_ENTRY, the 32-bit physical entry address. */
#include <xen/elfnote.h>

	.section .note.Xen, "a", @note
	.balign 4
	.long 2f - 1f			/* name size */
	.long 4f - 3f			/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
1:	.asciz "Xen"
2:	.balign 4
3:	.long pvh_entry
4:	.balign 4
