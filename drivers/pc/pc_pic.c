/* SPDX-License-Identifier: MIT */
/* pc_pic.c: the two 8259 PICs, which Mote never uses (the I/O APIC routes device lines) but
 * must tame: firmware may leave them unmasked and mapped onto the CPU exception vectors. */
#include <arch/io.h>

#include <pc/pc.h>
#include "pc_vectors.h"

void pc_pic_disable(void)
{
	outb(0x20, 0x11); /* ICW1: initialise, ICW4 follows */
	outb(0xa0, 0x11);
	outb(0x21, PC_VECTOR_PIC_BASE); /* ICW2: vector bases */
	outb(0xa1, PC_VECTOR_PIC_BASE + 8);
	outb(0x21, 4); /* ICW3: the slave on line 2 */
	outb(0xa1, 2);
	outb(0x21, 1); /* ICW4: 8086 mode */
	outb(0xa1, 1);
	outb(0x21, 0xff); /* mask every line */
	outb(0xa1, 0xff);
}
