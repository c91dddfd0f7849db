/* SPDX-License-Identifier: MIT */
/* pc_iomem.c: device memory for drivers (hal/mem.h). RAM is identity-mapped on a PC, so the
 * bus address of a page from the page allocator is its virtual address; device registers are
 * identity-mapped on demand. */
#include <errno.h>

#include <hal/boot.h>
#include <hal/mem.h>

#include <pc/pc_paging.h>

/* The heap window and everything else above the identity map is not RAM a device can reach
 * at the same address. */
#define IDENTITY_TOP  (1ull << 39)
/* The top of the lower canonical half, the most an identity map can reach. */
#define CANONICAL_TOP (1ull << 47)

/* Device registers may lie anywhere below CANONICAL_TOP but in core's virtual space: UEFI
 * firmware (OVMF on QEMU's q35, at 0xe000000000) places 64-bit BARs far above RAM. */
volatile void *hal_mem_map_io(uint64_t pa, size_t len)
{
	if (len == 0 || pa + len < pa || pa + len > CANONICAL_TOP)
		return NULL;
	if (pa < PC_VSPACE_BASE + PC_VSPACE_LEN && pa + len > PC_VSPACE_BASE)
		return NULL;
	if (pc_paging_identity(pa, len, HAL_PROT_READ | HAL_PROT_WRITE) < 0)
		return NULL;
	return (volatile void *)(uintptr_t)pa;
}

uint64_t hal_mem_dma_addr(const void *va)
{
	uintptr_t a = (uintptr_t)va;

	return a < IDENTITY_TOP ? (uint64_t)a : HAL_DMA_INVALID;
}
