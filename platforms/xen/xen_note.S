/* SPDX-License-Identifier: MIT */
/* xen_note.S: the ELF notes Xen's domain builder reads from a PV kernel (public/elfnote.h):
 * the ABI version, the loader, where to put hypercall stubs, the entry point, the virtual layout
 * (virtual address = pseudo-physical address) and the features, dom0 among them so the tests
 * can boot the image as the hardware domain. */
#include <xen/elfnote.h>
#include <xen/features.h>

.macro XEN_NOTE type, desc_start, desc_end
	.balign 4
	.long 2f - 1f
	.long \desc_end - \desc_start
	.long \type
1:	.asciz "Xen"
2:	.balign 4
.endm

	.section .note.Xen, "a", @note
	XEN_NOTE XEN_ELFNOTE_GUEST_OS, 3f, 4f
3:	.asciz "Mote"
4:
	XEN_NOTE XEN_ELFNOTE_XEN_VERSION, 3f, 4f
3:	.asciz "xen-3.0"
4:
	XEN_NOTE XEN_ELFNOTE_LOADER, 3f, 4f
3:	.asciz "generic"
4:
	XEN_NOTE XEN_ELFNOTE_VIRT_BASE, 3f, 4f
3:	.quad 0
4:
	XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET, 3f, 4f
3:	.quad 0
4:
	XEN_NOTE XEN_ELFNOTE_ENTRY, 3f, 4f
3:	.quad xen_entry
4:
	XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, 3f, 4f
3:	.quad xen_hypercall_page
4:
	/* A bitmap of XENFEAT_* the kernel supports; XENFEAT_dom0 lets Xen start it as dom0. */
	XEN_NOTE XEN_ELFNOTE_SUPPORTED_FEATURES, 3f, 4f
3:	.long (1 << XENFEAT_dom0)
4:
	.balign 4
