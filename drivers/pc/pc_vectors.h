/* SPDX-License-Identifier: MIT */
/* pc_vectors.h: the interrupt vectors the PC code reserves for itself; device lines and MSIs get
 * theirs from native_irq_alloc_vector(). */
#ifndef PC_VECTORS_H
#define PC_VECTORS_H

#define PC_VECTOR_PIC_BASE 0x20 /* the PICs' 16 lines, remapped above the exceptions */
#define PC_VECTOR_TIMER    0xef
#define PC_VECTOR_SPURIOUS 0xff

#endif
